from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/", views.queue, name="queue"),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/vote/<int:record_id>/", views.vote, name="vote"),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/", views.conflict_list, name="conflicts"),
    path(
        "reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/<int:record_id>/resolve/",
        views.resolve,
        name="resolve",
    ),
]
