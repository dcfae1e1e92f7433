"""The extraction page beside the PDF (issue 24): the study's PDF framed next to the form, the page allowed to frame
that one PDF only and the PDF framed by Tandem's own pages only; sections with their completion; the autosave
endpoint, which saves through the same service, lock and role checks as the form's Save button."""

import pytest
from django.urls import reverse

from extraction import services
from extraction.models import AuditEvent, FormField, Value
from extraction.template import load
from tests.test_csp import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    """The lead's extraction, not yet started, of a study whose report has a PDF."""
    study = personas.full_text().report.study
    services.apply_template(review=personas.review, user=personas.lead, template=load("nmosd"))
    services.assign_automatically(review=personas.review, user=personas.lead)
    return study.extractions.get(extractor=personas.lead)


def _url(name, extraction):
    return reverse(f"extraction:{name}", args=[extraction.review_id, extraction.pk])


def _pdf_url(personas):
    return reverse("screening:report_pdf", args=[personas.review.pk, personas.full_text().record.pk])


def _field(review, key):
    return FormField.objects.get(review=review, key=key)


def test_the_page_frames_its_studys_pdf_and_may_frame_nothing_else(client, personas, draft):
    client.force_login(personas.lead)
    response = client.get(_url("extract", draft))
    assert f'<iframe src="{_pdf_url(personas)}"' in response.text
    assert policy(response)["frame-src"] == [f"http://testserver{_pdf_url(personas)}"]


def test_a_study_without_a_pdf_frames_nothing(client, personas, draft):
    personas.full_text().report.pdf.delete()
    client.force_login(personas.lead)
    response = client.get(_url("extract", draft))
    assert "<iframe" not in response.text and "No PDF is uploaded for it yet" in response.text
    assert policy(response)["frame-src"] == ["'none'"]


def test_only_tandems_own_pages_may_frame_the_pdf(client, personas, draft):
    client.force_login(personas.lead)
    pdf = client.get(_pdf_url(personas))
    assert pdf["X-Frame-Options"] == "SAMEORIGIN" and policy(pdf)["frame-ancestors"] == ["'self'"]
    page = client.get(_url("extract", draft))
    assert page["X-Frame-Options"] == "DENY" and policy(page)["frame-ancestors"] == ["'none'"]


def test_each_section_says_how_much_of_it_is_filled(client, personas, draft):
    client.force_login(personas.lead)
    country = _field(personas.review, "country")
    client.post(_url("extract", draft), {"arm_count": "1", f"v-{country.pk}-0": "Japan", "action": "save"})
    section_cells = sum(
        draft.arm_count if field.per_arm else 1
        for field in services.active_fields(personas.review).filter(section=country.section)
    )
    assert f"1 of {section_cells} filled" in client.get(_url("extract", draft)).text


def test_autosave_saves_the_draft_through_the_service_and_its_audit_trail(client, personas, draft):
    client.force_login(personas.lead)
    country = _field(personas.review, "country")
    response = client.post(_url("autosave", draft), {"arm_count": "1", f"v-{country.pk}-0": "Japan"})
    assert response.status_code == 200 and response.json()["saved"] is True
    assert Value.objects.get(extraction=draft, field=country).value == "Japan"
    assert AuditEvent.objects.filter(study=draft.study, field=country, new_value="Japan").count() == 1
    draft.refresh_from_db()
    assert not draft.is_submitted, "autosave never submits"


def test_autosave_says_why_it_refuses_a_submitted_extraction(client, personas, draft):
    given = {"study_design": "case series", "country": "Japan", "treatment": "tocilizumab", "n": "7"}
    given["arr_before_mean"] = "1.2"
    fields = {key: _field(personas.review, key) for key in given}
    cells = {(f.pk, 1 if f.per_arm else 0): (given[key], "") for key, f in fields.items()}
    services.save_extraction(
        review=personas.review, extraction_id=draft.pk, user=personas.lead, entries=cells, arm_count=1, submit=True
    )
    client.force_login(personas.lead)
    country = fields["country"]
    response = client.post(_url("autosave", draft), {"arm_count": "1", f"v-{country.pk}-0": "Korea"})
    assert response.status_code == 409 and "submitted" in response.json()["error"]
    assert Value.objects.get(extraction=draft, field=country).value == "Japan"


def test_autosave_of_someone_elses_extraction_is_not_found(client, personas, draft):
    other = draft.study.extractions.exclude(pk=draft.pk).get()
    client.force_login(personas.lead)
    assert client.post(_url("autosave", other), {"arm_count": "1"}).status_code == 404
    assert client.get(_url("autosave", draft)).status_code == 405
    client.logout()
    assert client.post(_url("autosave", draft), {"arm_count": "1"}).status_code == 302
