from django.apps import AppConfig


class PluginStageConfig(AppConfig):
    name = "tests.plugin_stage"
    label = "plugin_stage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews.stages import register

        from .stage import STAGE

        register(STAGE)
