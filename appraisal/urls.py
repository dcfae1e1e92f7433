from django.urls import path

from appraisal import views

app_name = "appraisal"

base = "reviews/<int:review_id>/risk-of-bias/"
urlpatterns = [
    path(base, views.overview, name="overview"),
    path(base + "tools/", views.choose_tool, name="choose_tool"),
    path(base + "custom-tool/", views.custom_tool, name="custom_tool"),
    path(base + "add/", views.add, name="add"),
    path(base + "assign/", views.assign, name="assign"),
    path(base + "assessments/<int:assessment_id>/", views.assess, name="assess"),
    path(base + "conflicts/", views.conflicts, name="conflicts"),
    path(base + "conflicts/<int:consensus_id>/resolve/", views.resolve, name="resolve"),
    path(base + "appraisals/<int:appraisal_id>/", views.appraisal, name="appraisal"),
    path(base + "plots/<slug:tool>/<slug:variant>/<slug:kind>.<slug:file_format>", views.plot, name="plot"),
    path(base + "lock/", views.lock, name="lock"),
    path(base + "unlock/", views.unlock, name="unlock"),
]
