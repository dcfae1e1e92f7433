import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_matrix import MATRIX, PUBLIC, ROLES

# Namespaces that guard themselves (the Django admin is staff-only).
SELF_GUARDED_NAMESPACES = {"admin"}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SELF_GUARDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_matrix_entry():
    names = set(_url_names(get_resolver().url_patterns))
    missing = names - set(MATRIX) - PUBLIC
    assert not missing, f"add these URLs to tests/permission_matrix.py: {sorted(missing)}"
    assert not (set(MATRIX) - names), "the matrix names URLs that no longer exist"


def _request(client, name, personas):
    route = MATRIX[name]
    url = reverse(name, kwargs=route.kwargs(personas))
    return getattr(client, route.method)(url, route.data)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, personas, name):
    response = _request(client, name, personas)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(name for name, route in MATRIX.items() if route.allowed is not None))
def test_outsider_gets_404(client, personas, name):
    client.force_login(personas.outsider)
    assert _request(client, name, personas).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_what_the_matrix_allows(client, personas, name, role):
    client.force_login(personas.by_name(role))
    response = _request(client, name, personas)
    allowed = MATRIX[name].allowed
    if allowed is None or role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302 and not MATRIX[name].logs_out:
            assert not response.url.startswith(reverse("login"))
    else:
        assert response.status_code == MATRIX[name].refused


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_open_without_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


POSTS = sorted(name for name, route in MATRIX.items() if route.method == "post")


@pytest.mark.parametrize("name", POSTS)
def test_every_post_needs_the_csrf_token(personas, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.lead)
    response = _request(client, name, personas)
    assert response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.parametrize("name", [n for n in POSTS if n != "logout"])
def test_every_change_refuses_get(client, personas, name):
    client.force_login(personas.lead)
    route = MATRIX[name]
    assert client.get(reverse(name, kwargs=route.kwargs(personas))).status_code == 405


class _AnyObject:
    """Stands in for the personas to read a route's URL arguments without building its data."""

    pk = 1

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


CHILD_ROUTES = sorted(
    name
    for name, route in MATRIX.items()
    if route.allowed is not None
    and any(key.endswith("_id") and key != "review_id" for key in route.kwargs(_AnyObject()))
)


@pytest.mark.parametrize("name", CHILD_ROUTES)
def test_another_reviews_objects_are_not_found_through_ones_own_review(client, personas, name):
    """The outsider leads their own review and asks, under its id, for this review's object by its id."""
    route = MATRIX[name]
    url = reverse(name, kwargs={**route.kwargs(personas), "review_id": personas.other_review.pk})
    client.force_login(personas.outsider)
    assert getattr(client, route.method)(url, route.data).status_code == 404


def test_objects_are_checked_for_every_kind_of_child_url():
    assert len(CHILD_ROUTES) >= 25, CHILD_ROUTES
