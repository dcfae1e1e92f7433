"""A review's invitations, under the review's path; the team page (reviews:members) lists them."""

from django.urls import path

from accounts import views

app_name = "invitations"

base = "reviews/<int:review_id>/invitations/"
urlpatterns = [
    path(base, views.invite, name="invite"),
    path(base + "<int:invitation_id>/resend/", views.invitation_resend, name="resend"),
    path(base + "<int:invitation_id>/revoke/", views.invitation_revoke, name="revoke"),
]
