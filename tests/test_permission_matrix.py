import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_user
from tests.permission_matrix import (
    ADMIN_ACTIONS,
    ADMIN_MATRIX,
    ADMIN_PERSONAS,
    API_MATRIX,
    MATRIX,
    PUBLIC,
    PUBLIC_LINKS,
    ROLES,
)

# Namespaces that guard themselves: the Django admin is staff-only, and ADMIN_MATRIX states what staff may do in it.
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
    api = {name for name, _ in API_MATRIX}
    missing = names - set(MATRIX) - api - PUBLIC - set(PUBLIC_LINKS)
    assert not missing, f"add these URLs to tests/permission_matrix.py: {sorted(missing)}"
    assert not ((set(MATRIX) | api) - names), "the matrix names URLs that no longer exist"


def _request(client, name, personas):
    route = MATRIX[name]
    url = reverse(name, kwargs=route.kwargs(personas))
    return getattr(client, route.method)(url, route.data)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, personas, name):
    response = _request(client, name, personas)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


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
            assert not response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == MATRIX[name].refused


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_open_without_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(PUBLIC_LINKS))
def test_a_links_page_opens_without_login_and_refuses_a_bad_token(client, db, name):
    """The pages an e-mailed link opens: the token is the credential, and a bad one is refused without a log-in."""
    response = client.get(reverse(name, kwargs=PUBLIC_LINKS[name]))
    assert response.status_code in (200, 410)
    assert b"cannot be used" in response.content or b"not valid" in response.content


POSTS = sorted(name for name, route in MATRIX.items() if route.method == "post")


@pytest.mark.parametrize("name", POSTS)
def test_every_post_needs_the_csrf_token(personas, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.lead)
    response = _request(client, name, personas)
    assert response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.parametrize("name", [n for n in POSTS if n != "accounts:logout"])
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


def test_every_admin_model_has_a_matrix_entry():
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing = registered - set(ADMIN_MATRIX)
    assert not missing, f"add these admin models to ADMIN_MATRIX in tests/permission_matrix.py: {sorted(missing)}"
    assert not (set(ADMIN_MATRIX) - registered), "the admin matrix names models that are no longer registered"


@pytest.fixture
def admin_personas(personas, settings):
    """A row of every registered model, a staff account holding every model permission, and a superuser."""
    from accounts.services import set_frequency
    from analysis.models import AnalysisRun
    from analysis.outcomes import mappings
    from analysis.tasks import analyse
    from api.services import create_token
    from screening import ranking
    from screening.models import RelevanceScore
    from screening.services import tags
    from tests.certainty.helpers import grade_rows
    from tests.db_worker import DATABASE_BACKEND

    personas.identification()
    personas.extraction()
    personas.appraisal()
    personas.records_spreadsheet()
    mappings(personas.review)
    run = AnalysisRun.objects.create(review=personas.review, data_fingerprint="0" * 64, created_by=personas.lead)
    settings.TASKS = DATABASE_BACKEND  # queued in the database, where the admin shows it
    analyse.enqueue(run.pk)
    create_token(user=personas.lead, name="scripts")
    grade_rows(personas)
    tag = tags.define_tag(review=personas.review, name="RCT", user=personas.lead)
    record = personas.identification().record
    tags.set_record_tags(review=personas.review, record=record, tag_ids={tag.pk}, user=personas.lead)
    personas.automation_exclusion()
    ranking.prioritisation_of(personas.review)
    RelevanceScore.objects.create(review=personas.review, record=record, score=0.5)
    Group.objects.create(name="Editors")
    personas.invitation()
    set_frequency(user=personas.reviewer, frequency="immediate")
    personas.staff = make_user("staff", is_staff=True)
    personas.staff.user_permissions.set(Permission.objects.all())
    personas.superuser = make_user("superuser", is_staff=True, is_superuser=True)
    return personas


# What each action asks of the admin: the change form is posted empty (an allowed post shows the form's errors),
# the delete page is only opened (an allowed one asks for confirmation).
ADMIN_REQUESTS = {
    "view": ("get", "changelist", False),
    "add": ("get", "add", False),
    "change": ("post", "change", True),
    "delete": ("get", "delete", True),
    "import": ("get", "import", False),
    "export": ("get", "export", False),
}


def _admin_allows(client, model, action) -> bool:
    method, page, of_a_row = ADMIN_REQUESTS[action]
    args = [model._default_manager.order_by("pk").first().pk] if of_a_row else []
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)
    except NoReverseMatch:
        return False  # no such page for this model
    response = getattr(client, method)(url, {})
    if response.status_code == 302:
        return not response.url.startswith(reverse("admin:login"))
    assert response.status_code in (200, 403), (url, response.status_code)
    return response.status_code == 200


@pytest.mark.parametrize("label", sorted(ADMIN_MATRIX))
def test_each_persona_gets_exactly_what_the_admin_matrix_allows(client, admin_personas, label):
    model = apps.get_model(label)
    allowed = {action: set() for action in ADMIN_ACTIONS}
    for persona in ADMIN_PERSONAS:
        client.force_login(admin_personas.by_name(persona))
        for action in ADMIN_ACTIONS:
            if _admin_allows(client, model, action):
                allowed[action].add(persona)
    assert allowed == {action: set(ADMIN_MATRIX[label].allowed(action)) for action in ADMIN_ACTIONS}


def test_staff_without_permissions_may_do_nothing_in_the_admin(client, admin_personas):
    client.force_login(make_user("bare-staff", is_staff=True))
    done = [
        (label, action)
        for label in sorted(ADMIN_MATRIX)
        for action in ADMIN_ACTIONS
        if _admin_allows(client, apps.get_model(label), action)
    ]
    assert done == []
