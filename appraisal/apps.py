from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "Risk of bias"

    def ready(self):
        from reviews.stages import register

        from . import locking  # noqa: F401 - registers the lock's write guard
        from .stage import STAGE

        register(STAGE)
