from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("reviews/new/", views.review_create, name="create"),
    path("reviews/<int:review_id>/", views.review_dashboard, name="dashboard"),
    path("reviews/<int:review_id>/todos/", views.review_todos, name="todos"),
    path("reviews/<int:review_id>/settings/", views.review_settings, name="settings"),
    path("reviews/<int:review_id>/members/", views.member_list, name="members"),
    path("reviews/<int:review_id>/members/add/", views.member_add, name="member_add"),
    path("reviews/<int:review_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("reviews/<int:review_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("reviews/<int:review_id>/exports/", views.export_list, name="exports"),
    path("reviews/<int:review_id>/exports/new/<slug:kind>/", views.export_request, name="export_request"),
    path("reviews/<int:review_id>/exports/<int:export_id>/download/", views.export_download, name="export_download"),
]
