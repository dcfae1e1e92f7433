from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "extraction"
    verbose_name = "Data extraction"

    def ready(self):
        from reviews.stages import register

        from . import signals  # noqa: F401 - connects the receivers
        from .stage import STAGE

        register(STAGE)
