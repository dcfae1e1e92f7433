"""Personal API tokens: made, listed and revoked on the owner's page, kept as a hash, shown once; a token acts as
its owner, a revoked one or an inactive owner's is refused; calls are counted per token."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken, token_hash
from api.services import create_token
from api.throttling import PerTokenThrottle

pytestmark = pytest.mark.django_db


def _bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_new_token_is_shown_once_and_kept_only_as_its_hash(client, personas):
    client.force_login(personas.reviewer)
    response = client.post(reverse("api_tokens:create"), {"name": "R scripts"})
    token = ApiToken.objects.get(user=personas.reviewer)
    key = response.context["key"]
    assert key in response.content.decode() and response["Cache-Control"] == "no-store"
    assert token.key_hash == token_hash(key) and key not in {token.key_hash, token.prefix}
    listed = client.get(reverse("api_tokens:list")).content.decode()
    assert "R scripts" in listed and token.prefix in listed and key not in listed


def test_a_token_acts_with_its_owners_roles(personas):
    _, key = create_token(user=personas.viewer, name="scripts")
    response = _bearer(key).get(reverse("api:review", args=[personas.review.pk]))
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    assert _bearer(key).get(reverse("api:conflicts", args=[personas.review.pk, "title-abstract"])).status_code == 403


def test_a_revoked_token_is_refused(client, personas):
    token, key = create_token(user=personas.lead, name="scripts")
    assert _bearer(key).get(reverse("api:reviews")).status_code == 200
    client.force_login(personas.lead)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    response = _bearer(key).get(reverse("api:reviews"))
    assert response.status_code == 401 and response.json()["detail"] == "This token is unknown or was revoked."


def test_nobody_revokes_anothers_token(client, personas):
    token, _ = create_token(user=personas.lead, name="lead's laptop")
    client.force_login(personas.reviewer)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert token.name not in client.get(reverse("api_tokens:list")).content.decode()


def test_an_inactive_accounts_token_is_refused(personas):
    _, key = create_token(user=personas.lead, name="scripts")
    personas.lead.is_active = False
    personas.lead.save()
    assert _bearer(key).get(reverse("api:reviews")).status_code == 401


def test_calls_are_counted_per_token(personas, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "2/hour"})
    first, second = (create_token(user=personas.lead, name=name)[1] for name in ("laptop", "server"))
    statuses = [_bearer(first).get(reverse("api:reviews")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert _bearer(second).get(reverse("api:reviews")).status_code == 200
