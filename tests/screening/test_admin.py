"""The screening admin: staff can browse and export every vote, change, resolution, study and report."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db
MODELS = ["vote", "voteevent", "resolution", "study", "report"]


@pytest.mark.parametrize("model", MODELS)
def test_staff_browse_and_export(client, personas, model):
    personas.full_text()
    client.force_login(make_user("staff", is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:screening_{model}_changelist")).status_code == 200
    url = reverse(f"admin:screening_{model}_export")
    columns = re.findall(r'name="(\w+resource_\w+)"', client.get(url).content.decode())
    response = client.post(url, {"format": "0", "resource": "0", **dict.fromkeys(columns, "on")})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().count("\n") >= 2, "a header and at least one row"


def test_votes_are_closed_to_members_who_are_not_staff(client, personas):
    personas.full_text()
    client.force_login(personas.lead)
    response = client.get(reverse("admin:screening_vote_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
