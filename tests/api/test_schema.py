"""The OpenAPI schema validates, and every operation in it answers the lead as it documents: a status it lists, and
a body of the shape it gives for that status. Its documentation page works under the CSP, from static files."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30Validator, validate
from openapi_spec_validator import validate as validate_spec

from api.urls import urlpatterns
from tests.permission_matrix import API_BODIES, API_MATRIX

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spec():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi_and_generated_without_warnings(spec, tmp_path):
    validate_spec(spec)
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def test_the_schema_is_served_to_anyone(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200 and response.json()["info"]["title"] == "Tandem API"


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield path, method


def test_the_schema_documents_every_endpoint_of_the_matrix(spec):
    documented = {(path, method) for path, method in _operations(spec)}
    matrix = {(_template(name), method) for name, method in API_MATRIX}
    assert documented == matrix


def _template(name):
    """The schema's path of a URL name: /api/reviews/{review_id}/..."""
    pattern = next(str(p.pattern) for p in urlpatterns if f"api:{p.name}" == name)
    return "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


@pytest.mark.parametrize("key", sorted(API_MATRIX))
def test_each_operation_answers_the_lead_as_documented(spec, personas, token_client, key):
    name, method = key
    route = API_MATRIX[key]
    url = reverse(name, kwargs=route.kwargs(personas))
    client = token_client(personas.lead)
    data = {**route.data, **API_BODIES.get(key, lambda p: {})(personas)}
    response = client.get(url, data) if method == "get" else getattr(client, method)(url, data, format="json")
    documented = spec["paths"][_template(name)][method]["responses"]
    assert str(response.status_code) in documented, (response.status_code, sorted(documented))
    if response.status_code == 204:
        return
    content = documented[str(response.status_code)]["content"]
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in content, (media_type, sorted(content))
    if media_type != "application/json":  # a download: its body is tested with the page's (tests/identification)
        return
    schema = content["application/json"]["schema"]
    validate(response.json(), {**schema, "components": spec["components"]}, cls=OAS30Validator)


def test_the_docs_page_runs_from_static_files_under_the_policy(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script or style"
    for src in re.findall(r'(?:src|href)="/static/([^"?]+)"', html):
        assert finders.find(src), f"{src} is not among the static files"
    script = re.search(r'<script src="([^"]*\?[^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()
