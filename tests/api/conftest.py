import pytest
from rest_framework.test import APIClient

from api.services import create_token


@pytest.fixture
def token_client():
    """A client calling as `user` with a fresh personal token, as a script would."""

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user, name='tests')[1]}")
        return client

    return make
