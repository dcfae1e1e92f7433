from django.urls import path

from .views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("new/", tokens.token_create, name="create"),
    path("<int:token_id>/revoke/", tokens.token_revoke, name="revoke"),
]
