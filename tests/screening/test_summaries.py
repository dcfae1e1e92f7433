"""Agreement page and exports, and the export of every decision, with blinding kept."""

import csv
import io

import pytest
from django.urls import reverse

from screening import services
from screening.models import Stage
from tests.factories import make_import, ris

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def records(personas):
    make_import(
        personas.review, personas.lead, ris(*({"TI": f"Trial {i} of something", "PY": "2020"} for i in range(5)))
    )
    return list(personas.review.records.order_by("pk"))


def vote(personas, who, record, decision, note=""):
    services.cast_vote(
        review=personas.review,
        record_id=record.pk,
        stage=TA,
        reviewer=getattr(personas, who),
        decision=decision,
        note=note,
    )


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def screened(personas, records):
    """Records 0-2 agreed (include, exclude, exclude), 3 a resolved conflict, 4 an open conflict."""
    leads = ["include", "exclude", "exclude", "include", "exclude"]
    reviewers = ["include", "exclude", "exclude", "exclude", "maybe"]
    for record, lead, reviewer in zip(records, leads, reviewers, strict=True):
        vote(personas, "lead", record, lead, note="lead's reasoning")
        vote(personas, "reviewer", record, reviewer, note="reviewer's reasoning")
    services.resolve_conflict(
        review=personas.review, record_id=records[3].pk, stage=TA, decision="include", user=personas.adjudicator
    )
    return records


def test_agreement_counts_resolved_records_only(client, personas, screened):
    client.force_login(personas.viewer)
    [row] = rows(client.get(reverse("screening:agreement_export", args=[personas.review.pk])))
    assert (row["stage"], row["reviewer_1"], row["reviewer_2"], row["records"]) == (
        "Title/abstract",
        "lead",
        "reviewer",
        "4",
    )
    # 3 of 4 agree; p_e = (2/4)(1/4) + (2/4)(3/4) = 0.5, so kappa = (0.75 - 0.5) / 0.5.
    assert float(row["percent_agreement"]) == 75.0 and float(row["kappa"]) == pytest.approx(0.5)
    page = client.get(reverse("screening:agreement", args=[personas.review.pk])).content.decode()
    assert "lead &amp; reviewer" in page and "75.0%" in page and "0.500" in page
    # With four records the Wald interval reaches past 1; κ cannot, and the page names the method.
    assert float(row["kappa_ci_high"]) == 1.0 and "0.500 (-0.235 to 1.000)" in page
    method = "CI of Cohen's κ is a Wald interval, κ ± 1.96 × SE, with the large-sample standard error of Fleiss"
    assert method in page and "Everitt (1969), cut to [−1, 1]" in page


def test_agreement_page_empty_state(client, personas):
    client.force_login(personas.lead)
    page = client.get(reverse("screening:agreement", args=[personas.review.pk])).content.decode()
    assert "No record voted on by two reviewers is resolved yet" in page


def test_decision_export_keeps_blinding(client, personas, screened):
    client.force_login(personas.reviewer)
    exported = rows(client.get(reverse("screening:decisions_export", args=[personas.review.pk])))
    open_record = [row for row in exported if row["record_id"] == str(screened[4].pk)]
    assert [(row["who"], row["decision"]) for row in open_record] == [("reviewer", "maybe")]
    assert sum(row["note"] == "lead's reasoning" for row in exported) == 4, "the lead's votes on resolved records"
    resolutions = [row for row in exported if row["kind"] == "resolution"]
    assert [(r["who"], r["method"]) for r in resolutions][-1] == ("adjudicator", "Conflict resolved")
    assert len(resolutions) == 4


def test_decision_export_shows_everything_when_not_blinded(client, personas, screened):
    personas.review.blinded = False
    personas.review.save()
    client.force_login(personas.viewer)
    exported = rows(client.get(reverse("screening:decisions_export", args=[personas.review.pk])))
    assert sum(row["kind"] == "vote" for row in exported) == 10


def test_exported_cells_cannot_run_as_formulas(client, personas, records):
    vote(personas, "reviewer", records[0], "include", note='=HYPERLINK("http://evil.example","click")')
    client.force_login(personas.reviewer)
    content = client.get(reverse("screening:decisions_export", args=[personas.review.pk])).content.decode()
    assert "'=HYPERLINK" in content
