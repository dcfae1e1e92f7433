from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "extraction"
    verbose_name = "Data extraction"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
