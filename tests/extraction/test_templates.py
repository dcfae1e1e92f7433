"""Extraction form templates as JSON data: checked on load, applied, exported and imported into another review."""

import io
import json

import pytest
from django.urls import reverse

from extraction import services
from extraction import template as templates
from extraction.models import AuditEvent, FormField

pytestmark = pytest.mark.django_db


def _url(name, review):
    return reverse(f"extraction:{name}", kwargs={"review_id": review.pk})


def _settings(review):
    return [
        (f.section.title, {name: getattr(f, name) for name in templates.SETTINGS})
        for f in FormField.objects.filter(review=review)
        .select_related("section")
        .order_by("section__position", "position")
    ]


def test_every_shipped_template_loads():
    shipped = {t.name: t for t in templates.shipped()}
    assert set(shipped) == {"nmosd", "rct", "cohort"}
    assert shipped["nmosd"].field_count == 43


def test_the_nmosd_template_keeps_its_fields_and_marks_its_baseline_characteristics():
    fields = {f["key"]: f for s in templates.load("nmosd").sections for f in s.fields}
    assert fields["n"]["sum_of"] == ["women", "men"] and fields["n"]["per_arm"]
    assert fields["arr_before_sd"]["positive"] and fields["arr_before_sd"]["min_value"] is None
    baseline = {key for key, f in fields.items() if f["baseline"]}
    assert baseline == {"n", "women", "men", "age_mean", "age_sd", "aqp4_positive", "aqp4_negative", "aqp4_unknown"}


def test_the_rct_template_asks_per_arm_for_counts_and_every_way_a_continuous_outcome_is_reported():
    fields = {f["key"]: f for s in templates.load("rct").sections for f in s.fields}
    per_arm = {"n_randomised", "n_analysed", "events", "mean", "sd", "se", "ci_lower", "median", "q1", "min"}
    assert all(fields[key]["per_arm"] for key in per_arm)
    assert {"study_design", "follow_up", "funding", "conflicts_of_interest"} <= set(fields)


def test_a_bad_template_names_every_problem_with_its_place():
    document = templates.document(
        name="bad",
        title="Bad",
        description="",
        sections=[
            ("Arms", [{"key": "n", "label": "n", "field_type": "integer", "sum_of": ["women"]}, {"key": "n"}]),
            ("Arms", [{"key": "mood", "label": "Mood", "field_type": "choice", "colour": "red", "required": 1}]),
        ],
    )
    with pytest.raises(templates.TemplateError) as error:
        templates.parse(document, "bad.json")
    assert error.value.problems == [
        "section 1 ('Arms'), field 2 ('n'): label missing",
        "section 1 ('Arms'), field 2 ('n'): key 'n' is also the key of section 1 ('Arms'), field 1 ('n')",
        "section 2 ('Arms'): another section has the same title",
        "section 2 ('Arms'), field 1 ('mood'): unknown setting 'colour'",
        "section 2 ('Arms'), field 1 ('mood'): required must be bool, got 1",
        "section 2 ('Arms'), field 1 ('mood'): a choice field needs choices",
        "field 'n': sum_of names 'women', which is no field of the form",
    ]


def test_something_other_than_a_form_is_refused_as_such():
    with pytest.raises(templates.TemplateError, match='"format" must be "tandem-extraction-form"'):
        templates.loads(b'{"sections": []}', "x.json")
    with pytest.raises(templates.TemplateError, match="not JSON"):
        templates.loads(b"\xff", "x.json")
    with pytest.raises(templates.TemplateError, match="no such template"):
        templates.load("../settings")


def test_a_form_exported_from_one_review_imports_into_another_as_it_was(personas):
    services.apply_template(review=personas.review, user=personas.lead, template=templates.load("rct"))
    text = json.dumps(services.form_document(personas.review))
    copied = templates.loads(text, "form.json")
    services.apply_template(review=personas.other_review, user=personas.outsider, template=copied)
    assert _settings(personas.other_review) == _settings(personas.review)
    assert AuditEvent.objects.filter(review=personas.other_review, note__contains="23 fields").exists()


def test_the_lead_applies_a_shipped_template_and_imports_a_file(client, personas):
    client.force_login(personas.lead)
    client.post(_url("form_template", personas.review), {"template": "cohort"})
    assert FormField.objects.filter(review=personas.review).count() == 19
    exported = client.get(_url("form_export", personas.review))
    assert exported["Content-Disposition"].endswith('-extraction-form.json"')
    client.force_login(personas.outsider)
    upload = io.BytesIO(b"".join(exported.streaming_content if exported.streaming else [exported.content]))
    upload.name = "cohort-form.json"
    client.post(_url("form_template", personas.other_review), {"file": upload})
    assert _settings(personas.other_review) == _settings(personas.review)


def test_a_bad_file_is_refused_with_its_problems_and_nothing_is_written(client, personas):
    client.force_login(personas.lead)
    upload = io.BytesIO(json.dumps(templates.document(name="x", title="X", description="", sections=[])).encode())
    upload.name = "empty.json"
    page = client.post(_url("form_template", personas.review), {"file": upload}, follow=True)
    assert "empty.json: sections must be a list of at least one section" in page.content.decode()
    assert not FormField.objects.filter(review=personas.review).exists()


def test_the_builder_adds_several_fields_at_once_in_the_rows_order(client, personas):
    services.apply_template(review=personas.review, user=personas.lead, template=templates.load("rct"))
    section = personas.review.extraction_sections.get(title="Study")
    client.force_login(personas.lead)
    rows = {"quick-TOTAL_FORMS": "4", "quick-INITIAL_FORMS": "0", "section": section.pk}
    rows |= {"quick-0-key": "blinded", "quick-0-label": "Blinded", "quick-0-field_type": "yes_no", "quick-0-ORDER": "2"}
    rows |= {
        "quick-1-key": "centres",
        "quick-1-label": "Centres",
        "quick-1-field_type": "integer",
        "quick-1-ORDER": "1",
    }
    rows |= {"quick-2-field_type": "number", "quick-2-ORDER": "3"}  # an empty row, numbered by the page's script
    client.post(_url("fields_add", personas.review), rows)
    added = list(section.fields.order_by("position").values_list("key", flat=True))[-2:]
    assert added == ["centres", "blinded"]
    taken = client.post(_url("fields_add", personas.review), rows, follow=True)
    assert "another field already has the key blinded, centres" in taken.content.decode()
    assert section.fields.count() == 7


def test_the_builder_page_offers_the_rows_and_its_script_from_a_static_file(client, personas):
    services.apply_template(review=personas.review, user=personas.lead, template=templates.load("cohort"))
    client.force_login(personas.lead)
    page = client.get(_url("form", personas.review)).content.decode()
    assert 'id="quick-fields"' in page and "js/form_builder.js" in page and "__prefix__" in page
