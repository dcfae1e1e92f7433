"""Every XLSX export writes numbers as numeric cells, and text that a spreadsheet would run as a formula as text."""

import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse

from screening.services import tags
from tests.certainty.helpers import grade_rows
from tests.extraction.helpers import Team
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOOKS_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def sheet_rows(content: bytes) -> list[dict]:
    header, *rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_consensus_xlsx_has_numbers_as_numbers_and_formulas_as_text(client, personas):
    team = Team(personas, studies=1)
    typed = {
        "n": "20",
        "arr_before_mean": "1,5",
        "age_mean": "35",
        "follow_up_months": "",
        "dose": '=HYPERLINK("x")',
        "country": "007",
    }
    for slot in (1, 2):
        team.submit(team.studies[0], slot, **typed)
    client.force_login(personas.viewer)
    response = client.get(reverse("extraction:export", kwargs={"review_id": team.review.pk, "file_format": "xlsx"}))
    [row] = sheet_rows(response.content)
    assert row["n"] == 20 and row["arr_before_mean"] == 1.5 and row["age_mean"] == 35 and row["arm"] == 1
    assert row["dose"] == '\'=HYPERLINK("x")', "formulas stay neutralised text"
    assert row["country"] == "007", "a text field stays text, leading zeros and all"
    assert row["women"] == 18 and row["follow_up_months"] in ("", None), "empty stays empty"


def test_pooled_results_xlsx_has_numbers_as_numbers(client, personas):
    run = personas.analysis().run
    client.force_login(personas.viewer)
    kwargs = {"review_id": run.review_id, "run_id": run.pk, "file_format": "xlsx"}
    rows = sheet_rows(client.get(reverse("analysis:export", kwargs=kwargs)).content)
    pooled = [row for row in rows if row["group"] == "all studies"]
    assert pooled and all(isinstance(row[c], int | float) for row in pooled for c in ("k", "estimate", "tau2", "q"))


def admin_exports():
    for model in admin.site._registry:
        try:
            yield model, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        except NoReverseMatch:
            continue


def text_columns(model) -> set[str]:
    """Columns that hold the model's own text fields, where "19" is a volume or a typed value, not a number."""
    return {field.name for field in model._meta.get_fields() if isinstance(field, models.CharField | models.TextField)}


def test_every_admin_xlsx_export_writes_numbers_as_numbers(client, personas):
    personas.extraction()
    record = personas.identification().record
    personas.appraisal()
    grade_rows(personas)
    tag = tags.define_tag(review=personas.review, name="RCT", user=personas.lead)
    tags.set_record_tags(review=personas.review, record=record, tag_ids={tag.pk}, user=personas.lead)
    client.force_login(make_user("staff", is_staff=True, is_superuser=True))
    exported = []
    for model, url in admin_exports():
        page = client.get(url).content.decode()
        options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', page)
        formats = {label.strip().lower(): value for value, label in options}
        columns = re.findall(r'name="(\w+resource_\w+)"', page)
        response = client.post(url, {"format": formats["xlsx"], "resource": "0", **dict.fromkeys(columns, "on")})
        rows = sheet_rows(response.content)
        text_numbers = {
            (column, value)
            for row in rows
            for column, value in row.items()
            if isinstance(value, str) and LOOKS_NUMERIC.fullmatch(value) and column not in text_columns(model)
        }
        assert not text_numbers, f"{model._meta.label}: numbers written as text {sorted(text_numbers)[:5]}"
        exported.append((model._meta.label, len(rows)))
    assert all(count for _, count in exported), [label for label, count in exported if not count]
