"""Cochrane's characteristics of included studies, from the locked consensus only."""

import csv
import io

import pytest
from django.urls import reverse

from extraction.characteristics import COLUMNS, column_of
from tests.analysis.helpers import lock_team
from tests.extraction.helpers import Team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("label", "section", "column"),
    [
        ("Age: mean", "Arm: treatment and patients", "Participants"),
        ("Patients (n)", "Arm: treatment and patients", "Participants"),
        ("ARR before treatment: mean", "Annualised relapse rate", "Outcomes"),
        ("Treatment", "Arm: treatment and patients", "Interventions"),
        ("Dose", "Arm: treatment and patients", "Interventions"),
        ("Study design", "Study", "Methods"),
        ("Country", "Study", "Methods"),
        ("Funding source", "Other", "Notes"),
    ],
)
def test_each_field_goes_to_its_column_by_label_then_section(label, section, column):
    assert column_of(label, section) == column


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_row_per_locked_study_with_each_arm_named(client, personas):
    team = lock_team(personas, studies=2)
    client.force_login(personas.viewer)
    response = client.get(reverse("extraction:characteristics_export", args=[team.review.pk]))
    assert response.status_code == 200
    header, *studies = rows(response)
    assert header == COLUMNS
    assert [study[0] for study in studies] == ["Study 0 2020", "Study 1 2020"]
    first = dict(zip(header, studies[0], strict=True))
    assert "Study design: " in first["Methods"] and "Country: " in first["Methods"]
    assert first["Methods"].count("Country: ") == 1, "a study-level value is written once"
    assert "arm 1: Treatment: tocilizumab" in first["Interventions"]
    assert "arm 1: Patients (n): 20" in first["Participants"]
    assert "arm 1: ARR before treatment: mean: 1.5" in first["Outcomes"]


def test_an_open_extraction_is_refused_with_a_message(client, personas):
    team = Team(personas)
    client.force_login(personas.lead)
    response = client.get(reverse("extraction:characteristics_export", args=[team.review.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("extraction:overview", args=[team.review.pk])
    assert "Not exported: the extraction is not locked" in response.content.decode()


def test_a_study_label_that_is_a_formula_is_written_as_text(client, personas):
    from extraction import services
    from screening.models import Study
    from tests.analysis.helpers import study_values

    team = Team(personas, studies=1)
    Study.objects.filter(pk=team.studies[0].pk).update(label='=HYPERLINK("http://evil")')
    team.submit(team.studies[0], 1, **study_values(0))
    team.submit(team.studies[0], 2, **study_values(0))
    services.lock(review=team.review, user=personas.lead)
    client.force_login(personas.viewer)
    response = client.get(reverse("extraction:characteristics_export", args=[team.review.pk]))
    assert rows(response)[1][0] == '\'=HYPERLINK("http://evil")'
