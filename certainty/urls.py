from django.urls import path

from certainty import views

app_name = "certainty"

base = "reviews/<int:review_id>/certainty/"
urlpatterns = [
    path(base, views.summary, name="summary"),
    path(base + "summary-of-findings.<slug:file_format>", views.export, name="export"),
    path(base + "outcomes/<slug:outcome>/", views.outcome, name="outcome"),
    path(base + "outcomes/<slug:outcome>/judge/<slug:domain>/", views.judge, name="judge"),
    path(base + "outcomes/<slug:outcome>/confirm/", views.confirm, name="confirm"),
    path(base + "outcomes/<slug:outcome>/settings/", views.outcome_settings, name="settings"),
]
