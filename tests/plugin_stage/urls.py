from django.urls import path

from . import views

app_name = "plugin_stage"

urlpatterns = [path("reviews/<int:review_id>/appraisal-notes/", views.note_list, name="notes")]
