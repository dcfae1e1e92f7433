"""The API under the permission matrix (tests/permission_matrix.py API_MATRIX): every endpoint and method has an
entry; anonymous calls get 401, outsiders 404, each role exactly what the matrix allows, with a token as with the
session; the session's writes need the CSRF token; another review's objects are not found through one's own."""

import pytest
from django.urls import URLPattern, get_resolver, reverse
from rest_framework.test import APIClient

from tests.factories import make_import, ris
from tests.permission_matrix import API_BODIES, API_MATRIX, ROLES

ROUTES = sorted(API_MATRIX)
SCOPED = [key for key in ROUTES if API_MATRIX[key].allowed is not None]


def _api_views():
    """{url name: view} of every endpoint under api/ but the schema and its docs page."""
    resolver = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api")
    return {
        f"api:{pattern.name}": pattern.callback
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name not in ("schema", "docs")
    }


def test_every_method_of_every_endpoint_has_a_matrix_entry():
    answered = {
        (name, method.lower())
        for name, view in _api_views().items()
        for method in view.cls.http_method_names
        if method not in ("options", "head")
    }
    assert answered == set(API_MATRIX)


def _call(client, key, personas):
    name, method = key
    route = API_MATRIX[key]
    url = reverse(name, kwargs=route.kwargs(personas))
    data = {**route.data, **API_BODIES.get(key, lambda p: {})(personas)}
    if method == "get":
        return client.get(url, data)
    return getattr(client, method)(url, data, format="json")


@pytest.mark.parametrize("key", ROUTES)
def test_anonymous_gets_401_not_a_redirect(personas, key):
    response = _call(APIClient(), key, personas)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("key", SCOPED)
def test_outsider_gets_404(personas, token_client, key):
    assert _call(token_client(personas.outsider), key, personas).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ROUTES)
def test_each_role_gets_exactly_what_the_matrix_allows(personas, token_client, key, role):
    response = _call(token_client(personas.by_name(role)), key, personas)
    route = API_MATRIX[key]
    if route.allowed is None or role in route.allowed:
        assert response.status_code in route.ok, (response.status_code, response.content[:300])
    else:
        assert response.status_code == route.refused


@pytest.mark.parametrize("key", [key for key in SCOPED if key[1] == "get"])
def test_the_session_reads_as_the_token_does(client, personas, key):
    client.force_login(personas.viewer)
    route = API_MATRIX[key]
    expected = route.ok if "viewer" in route.allowed else {route.refused}
    assert _call(client, key, personas).status_code in expected


@pytest.mark.parametrize("key", [key for key in ROUTES if key[1] != "get"])
def test_the_sessions_writes_need_the_csrf_token(personas, key):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.lead)
    response = _call(client, key, personas)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    "key", [("api:import", "get"), ("api:record", "get"), ("api:extraction", "get"), ("api:run", "get")]
)
def test_another_reviews_objects_are_not_found_through_ones_own_review(personas, token_client, key):
    """The outsider leads their own review and asks, under its id, for this review's object by its id."""
    name, _ = key
    kwargs = {**API_MATRIX[key].kwargs(personas), "review_id": personas.other_review.pk}
    assert token_client(personas.outsider).get(reverse(name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("key", [("api:votes", "post"), ("api:resolutions", "post")])
def test_another_reviews_record_is_not_found_in_a_body(personas, token_client, key):
    """Parsifal's bug: the review is checked, then a record is loaded by a bare id from the body."""
    other = personas.other_review
    record = make_import(other, personas.outsider, ris({"TI": "Elsewhere", "PY": "2020"})).records.get()
    url = reverse(key[0], kwargs={"review_id": personas.review.pk, "stage_slug": "title-abstract"})
    response = token_client(personas.lead).post(url, {"record": record.pk, "decision": "include"}, format="json")
    assert response.status_code == 404
