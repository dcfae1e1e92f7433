from django.urls import path

from reviews import identification_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("reviews/new/", views.review_create, name="create"),
    path("reviews/<int:review_id>/", views.review_dashboard, name="dashboard"),
    path("reviews/<int:review_id>/settings/", views.review_settings, name="settings"),
    path("reviews/<int:review_id>/members/", views.member_list, name="members"),
    path("reviews/<int:review_id>/members/add/", views.member_add, name="member_add"),
    path("reviews/<int:review_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("reviews/<int:review_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("reviews/<int:review_id>/searches/", identification_views.search_list, name="searches"),
    path("reviews/<int:review_id>/imports/", identification_views.import_list, name="imports"),
    path("reviews/<int:review_id>/imports/new/", identification_views.import_create, name="import_create"),
    path("reviews/<int:review_id>/imports/<int:import_id>/", identification_views.import_detail, name="import_detail"),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/confirm/",
        identification_views.import_confirm,
        name="import_confirm",
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/cancel/",
        identification_views.import_cancel,
        name="import_cancel",
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/restart/",
        identification_views.import_restart,
        name="import_restart",
    ),
    path("reviews/<int:review_id>/records/", identification_views.record_list, name="records"),
    path("reviews/<int:review_id>/records/<int:record_id>/", identification_views.record_detail, name="record_detail"),
    path(
        "reviews/<int:review_id>/records/<int:record_id>/separate/",
        identification_views.record_separate,
        name="record_separate",
    ),
    path("reviews/<int:review_id>/duplicates/", identification_views.duplicate_queue, name="duplicates"),
    path(
        "reviews/<int:review_id>/duplicates/accept-above/",
        identification_views.duplicate_accept_above,
        name="duplicate_accept_above",
    ),
    path(
        "reviews/<int:review_id>/duplicates/<int:candidate_id>/decide/",
        identification_views.duplicate_decide,
        name="duplicate_decide",
    ),
]
