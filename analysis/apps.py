from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Analysis"

    def ready(self):
        from reviews.stages import register

        from . import signals  # noqa: F401 - connects the receivers
        from .stage import STAGE

        register(STAGE)
