from django.urls import path

from identification import views

app_name = "identification"

urlpatterns = [
    path("reviews/<int:review_id>/searches/", views.search_list, name="searches"),
    path("reviews/<int:review_id>/imports/", views.import_list, name="imports"),
    path("reviews/<int:review_id>/imports/new/", views.import_create, name="import_create"),
    path("reviews/<int:review_id>/imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/cancel/",
        views.import_cancel,
        name="import_cancel",
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/restart/",
        views.import_restart,
        name="import_restart",
    ),
    path("reviews/<int:review_id>/records/", views.record_list, name="records"),
    path("reviews/<int:review_id>/records.<slug:file_format>", views.records_export, name="records_export"),
    path("reviews/<int:review_id>/records/<int:record_id>/", views.record_detail, name="record_detail"),
    path(
        "reviews/<int:review_id>/records/<int:record_id>/separate/",
        views.record_separate,
        name="record_separate",
    ),
    path("reviews/<int:review_id>/duplicates/", views.duplicate_queue, name="duplicates"),
    path(
        "reviews/<int:review_id>/duplicates/accept-above/",
        views.duplicate_accept_above,
        name="duplicate_accept_above",
    ),
    path(
        "reviews/<int:review_id>/duplicates/<int:candidate_id>/decide/",
        views.duplicate_decide,
        name="duplicate_decide",
    ),
]
