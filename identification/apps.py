from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "identification"
    verbose_name = "Identification"

    def ready(self):
        from reviews.stages import register

        from .stage import STAGE

        register(STAGE)
