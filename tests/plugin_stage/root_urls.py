"""The project's URLs and the test stage's: a real installation would add the stage's line to config/urls.py."""

from django.urls import include, path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("", include("tests.plugin_stage.urls"))]

__all__ = ["handler500", "urlpatterns"]
