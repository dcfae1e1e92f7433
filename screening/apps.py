from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        from reviews.stages import register

        from .stage import STAGE

        register(STAGE)
