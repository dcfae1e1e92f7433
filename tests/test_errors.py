"""Errors give a page that says what happened, never a stack trace, and never need the database to render."""

from unittest import mock

import pytest
from django.db import OperationalError, connection

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    client.force_login(make_user("lena"))
    client.raise_request_exception = False
    return client


def test_database_unavailable_gives_a_503_page_that_says_so(logged_in, settings):
    settings.DEBUG = False
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        response = logged_in.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Tandem cannot reach its database" in response.text
    assert "Nothing from this request was saved" in response.text
    assert "Traceback" not in response.text and "could not connect" not in response.text


def test_an_unexpected_error_gives_a_plain_500_page(logged_in, settings):
    settings.DEBUG = False
    with mock.patch("reviews.views.render", side_effect=RuntimeError("secret detail")):
        response = logged_in.get("/")
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_not_found_and_forbidden_pages_explain_themselves(personas, client):
    client.force_login(personas.outsider)
    assert "belongs to a review you are not a member of" in client.get(f"/reviews/{personas.review.pk}/").text
    client.force_login(personas.viewer)
    response = client.get(f"/reviews/{personas.review.pk}/settings/")
    assert response.status_code == 403 and "Your role (Viewer) cannot do this in this review" in response.text
