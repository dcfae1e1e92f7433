import pytest
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
