"""Authentication by personal token: `Authorization: Bearer <token>`. The token acts as its owner."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import note_use

SCHEME = "Bearer"


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() != SCHEME.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Give the token after 'Bearer ', with no spaces in it.")
        token = ApiToken.objects.for_key(parts[1].decode(errors="replace")).select_related("user").first()
        if token is None:
            raise exceptions.AuthenticationFailed("This token is unknown or was revoked.")
        note_use(token)
        return token.user, token

    def authenticate_header(self, request):
        # Named in the 401's WWW-Authenticate header: DRF answers 401 rather than 403 only when there is one.
        return f'{SCHEME} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal token from your account page."}
