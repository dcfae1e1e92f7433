from django.apps import AppConfig


class CertaintyConfig(AppConfig):
    name = "certainty"
    verbose_name = "Certainty of evidence (GRADE)"

    def ready(self):
        from reviews.stages import register

        from . import history  # noqa: F401 - registers the judgements' append-only guard
        from .stage import STAGE

        register(STAGE)
