from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import authentication  # noqa: F401 - describes the token scheme to the OpenAPI schema
