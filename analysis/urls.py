from django.urls import path

from analysis import views

app_name = "analysis"

base = "reviews/<int:review_id>/analysis/"
run = base + "runs/<int:run_id>/"
urlpatterns = [
    path(base, views.run_list, name="runs"),
    path(base + "runs/", views.run_create, name="run_create"),
    path(base + "revman-study-results.csv", views.revman_export, name="revman_export"),
    path(base + "outcomes/", views.mapping_list, name="mappings"),
    path(base + "outcomes/new/", views.mapping_edit, name="mapping_add"),
    path(base + "outcomes/<int:mapping_id>/", views.mapping_edit, name="mapping_edit"),
    path(run, views.run_detail, name="run"),
    path(run + "outcomes/<slug:outcome>/studies/", views.outcome_studies, name="outcome_studies"),
    path(run + "plots/<slug:outcome>/<slug:kind>.<slug:file_format>", views.plot_download, name="plot"),
    path(run + "pooled.<slug:file_format>", views.results_export, name="export"),
    path(run + "metafor.R", views.r_script, name="r_script"),
]
