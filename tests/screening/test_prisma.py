"""PRISMA 2020 counts on a constructed review where every number is known."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from screening import services
from screening.models import Stage
from screening.prisma import count_flow
from screening.services import fulltext
from tests.factories import make_import, make_search, ris

pytestmark = pytest.mark.django_db
TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT


def study(letter, **extra):
    return {
        "TI": f"Study {letter}: tocilizumab cohort number {ord(letter)}",
        "AU": [f"Author{letter}, X."],
        "PY": "2020",
        "DO": f"10.1000/study-{letter}",
        **extra,
    }


@pytest.fixture
def review(personas):
    """PubMed finds A-E and A again, Embase B again, F and G, a register H, citation searching I and J.

    Title/abstract (one reviewer): A B C D H included, E F G excluded. Full text: D and J not retrieved;
    A, B and I included, C (wrong population) and H (wrong design, with a comma) excluded; B is a second
    report of A's study.
    """
    review, lead = personas.review, personas.lead
    review.title_abstract_reviewers = review.full_text_reviewers = 1
    review.save()
    reasons = {
        "population": review.exclusion_reasons.get(),
        "design": review.exclusion_reasons.create(
            label="Wrong design (< 5 patients), e.g. review; case report", position=2
        ),
    }
    searches = [
        ("PubMed", "database", "ABCDEA"),
        ("Embase", "database", "BFG"),
        ("ClinicalTrials.gov", "register", "H"),
        ("Reference lists", "citation", "IJ"),
    ]
    for source, source_type, letters in searches:
        search = make_search(review, lead, source=source, source_type=source_type)
        make_import(review, lead, ris(*(study(letter) for letter in letters)), search=search)
    record = {r.shown.title.split(":")[0][-1]: r for r in review.records.unique()}

    def decide(letter, stage, decision, reason=None):
        services.cast_vote(
            review=review,
            record_id=record[letter].pk,
            stage=stage,
            reviewer=lead,
            decision=decision,
            exclusion_reason=reasons.get(reason),
        )

    for letter in "ABCDH":
        decide(letter, TA, "include")
    for letter in "EFG":
        decide(letter, TA, "exclude")
    for letter in "DJ":
        fulltext.mark_not_retrieved(review=review, record_id=record[letter].pk, user=lead, reason="Not found")
    for letter in "ABI":
        decide(letter, FT, "include")
    decide("C", FT, "exclude", "population")
    decide("H", FT, "exclude", "design")
    fulltext.link_to_study(review=review, record_id=record["B"].pk, user=lead, study_id=record["A"].report.study_id)
    return review


EXPECTED = {
    "database_results": 9,
    "register_results": 1,
    "website_results": 0,
    "organisation_results": 0,
    "citations_results": 2,
    "duplicates": 2,
    "excluded_automatic": 0,
    "excluded_other": 0,
    "records_screened": 8,
    "records_excluded": 3,
    "dbr_sought_reports": 5,
    "dbr_notretrieved_reports": 1,
    "dbr_assessed": 4,
    "other_sought_reports": 2,
    "other_notretrieved_reports": 1,
    "other_assessed": 1,
    "new_studies": 2,
    "new_reports": 3,
    "total_studies": 2,
    "total_reports": 3,
    "previous_studies": 0,
    "previous_reports": 0,
}


def test_every_count_of_the_constructed_review(review):
    flow = count_flow(review)
    numbers = flow.as_dict()
    assert {key: numbers[key] for key in EXPECTED} == EXPECTED
    assert numbers["database_specific_results"] == {"Embase": 3, "PubMed": 6}
    assert numbers["register_specific_results"] == {"ClinicalTrials.gov": 1}
    assert numbers["dbr_excluded"] == {
        "Wrong population": 1,
        "Wrong design (< 5 patients), e.g. review; case report": 1,
    }
    assert numbers["other_excluded"] == {}
    assert numbers["warnings"] == []


def test_counts_take_a_constant_number_of_queries(review, django_assert_num_queries):
    with django_assert_num_queries(5):
        count_flow(review)


def test_unfinished_screening_is_flagged_with_the_numbers(personas):
    make_import(personas.review, personas.lead, ris(study("A"), study("B")))
    warnings = count_flow(personas.review).warnings()
    assert warnings == [
        "2 of 2 records screened still await a title/abstract decision: records screened minus excluded (2) is "
        "not yet the 0 reports sought."
    ]


def test_csv_uses_the_prisma2020_template_keys(client, personas, review):
    client.force_login(personas.viewer)
    response = client.get(reverse("screening:prisma_export", args=[review.pk, "csv"]))
    assert response["Content-Disposition"].endswith('-prisma.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    n = {row["data"]: row["n"] for row in rows}
    assert {key: int(n[key]) for key in EXPECTED} == EXPECTED
    # The package splits reasons at ';' and a reason from its number at ',': labels must hold neither.
    assert n["dbr_excluded"] == "Wrong population, 1; Wrong design (< 5 patients) / e.g. review: case report, 1"
    assert n["database_specific_results"] == "Embase, 3; PubMed, 6"


def test_json_and_svg_exports(client, personas, review):
    client.force_login(personas.reviewer)
    data = json.loads(client.get(reverse("screening:prisma_export", args=[review.pk, "json"])).content)
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    svg = client.get(reverse("screening:prisma_export", args=[review.pk, "svg"])).content.decode()
    assert svg.startswith("<svg") and "Records screened" in svg and "(n\u00a0=\u00a08)" in svg
    assert "Wrong design (&lt; 5 patients)" in svg
    assert client.get(reverse("screening:prisma_export", args=[review.pk, "pdf"])).status_code == 404


def test_page_shows_the_diagram_and_warnings(client, personas):
    make_import(personas.review, personas.lead, ris(study("A")))
    client.force_login(personas.lead)
    page = client.get(reverse("screening:prisma", args=[personas.review.pk])).content.decode()
    assert "<svg" in page and "does not add up yet" in page and "1 of 1 record screened still awaits" in page


def test_the_dashboard_counts_full_texts_as_prisma_does(client, personas, review):
    # 7 reports sought (5 from databases and registers, 2 by other methods), 2 not retrieved, 5 assessed:
    # nothing awaits, so the dashboard must not read "5 of 7" as if two were still to assess.
    client.force_login(personas.viewer)
    page = re.sub(r"\s+", " ", client.get(reverse("reviews:dashboard", args=[review.pk])).content.decode())
    assert "Full texts sought</a></dt><dd>7: 5 assessed for eligibility, 2 not retrieved</dd>" in page
    flow = count_flow(review)
    assert (flow.reports_sought, flow.reports_not_retrieved, flow.reports_assessed, flow.reports_awaiting) == (
        7,
        2,
        5,
        0,
    )


def test_the_dashboard_says_how_many_full_texts_await(client, personas, review):
    search = make_search(review, personas.lead, source="Colleagues", source_type="other")
    make_import(review, personas.lead, ris(study("K")), search=search)  # sought at once, not yet retrieved
    client.force_login(personas.viewer)
    page = re.sub(r"\s+", " ", client.get(reverse("reviews:dashboard", args=[review.pk])).content.decode())
    assert "<dd>8: 5 assessed for eligibility, 2 not retrieved, 1 awaiting retrieval or a decision</dd>" in page
