"""The API's documentation page in Chromium, under the Content-Security-Policy: Swagger UI loads from our static
files, renders the schema's operations, and creates and uses a token from the account page (the `visit` fixture
fails the test on anything the policy blocked)."""

import pytest
from playwright.sync_api import expect

from tests.factories import Personas

pytestmark = pytest.mark.slow


def test_the_api_docs_render_under_the_policy_and_a_token_works(visit, transactional_db):
    personas = Personas()
    visitor = visit("lead")
    page = visitor.page
    page.goto("/accounts/api-tokens/")
    page.get_by_label("Name").fill("R scripts")
    page.get_by_role("button", name="Create token").click()
    key = page.locator("code.token-key").inner_text()
    response = page.request.get(f"/api/reviews/{personas.review.pk}/", headers={"Authorization": f"Bearer {key}"})
    assert response.ok and response.json()["role"] == "lead"
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/reviews/{review_id}/records/", exact=True)).to_be_visible()
