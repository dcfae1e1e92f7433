"""The records' RIS and BibTeX files through the API: the records page's download, byte for byte, for any of its
filters, called with a token whatever the client accepts (tests/identification/test_record_exports.py tests the
files themselves, tests/api/test_blinding.py their blinding)."""

import pytest
from django.urls import reverse

from tests.screening.test_blinding import Screening

pytestmark = pytest.mark.django_db
FILTERS = [
    {},
    {"show": "all"},
    {"q": "Trial 3"},
    {"decision": "title_abstract:included"},
    {"decision": "either:excluded"},
    {"decision": "title_abstract:awaiting"},
]


@pytest.mark.parametrize("file_format", ["ris", "bibtex"])
@pytest.mark.parametrize("params", FILTERS)
def test_the_api_answers_the_records_pages_download(client, personas, token_client, file_format, params):
    screening = Screening(personas)
    client.force_login(personas.reviewer)
    page = client.get(reverse("identification:records_export", args=[screening.review.pk, file_format]), params)
    url = reverse("api:records_export", args=[screening.review.pk, file_format])
    api = token_client(personas.reviewer).get(url, params)
    assert api.status_code == page.status_code == 200
    assert api.content == page.content
    assert api["Content-Type"] == page["Content-Type"] and api["Content-Disposition"] == page["Content-Disposition"]


def test_a_client_accepting_only_the_file_type_gets_the_file_and_its_errors_in_json(personas, token_client):
    review = personas.review
    api = token_client(personas.viewer)
    media_type = "application/x-research-info-systems"
    ris = api.get(reverse("api:records_export", args=[review.pk, "ris"]), HTTP_ACCEPT=media_type)
    assert ris.status_code == 200 and ris["Content-Type"].startswith(media_type)
    unknown = api.get(reverse("api:records_export", args=[review.pk, "csv"]), HTTP_ACCEPT="text/x-bibtex")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "No such format."}


def test_the_review_links_its_downloads(personas, token_client):
    links = token_client(personas.viewer).get(reverse("api:review", args=[personas.review.pk])).json()["links"]
    assert links["records_bibtex"] == reverse("api:records_export", args=[personas.review.pk, "bibtex"])
