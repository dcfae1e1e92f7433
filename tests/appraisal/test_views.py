"""The risk-of-bias pages: an assessor answers and judges on their own form, sees the suggestion, submits; a conflict
is settled on the conflicts page; the appraisal page shows the consensus once both are in."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import services
from appraisal.models import OVERALL, Consensus, ConsensusStatus, Design
from screening.models import Study
from tests.appraisal.helpers import Assessors

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(personas):
    return Assessors(personas, studies=1)


def _post(appraisal, judgements, answer="PN"):
    """A complete form for a ROBINS-I appraisal: every question answered `answer` with support."""
    data = {"action": "submit"}
    for domain in appraisal.domains():
        for question in domain.questions:
            data[f"a|{domain.code}|{question.code}"] = answer if answer in question.options else question.options[0]
            data[f"s|{domain.code}|{question.code}"] = "Methods, p. 3"
    data.update({f"j|{code}": judgement for code, judgement in judgements.items()})
    return data


def test_the_form_shows_the_suggestion_from_the_saved_answers(client, team):
    appraisal = team.appraisals[0]
    assessment = team.assessment(appraisal, 1)
    client.force_login(assessment.assessor)
    url = reverse("appraisal:assess", args=[team.review.pk, assessment.pk])
    client.post(url, {"action": "save", "a|D1|1.1": "N", "s|D1|1.1": "Single arm"})
    page = client.get(url).content.decode()
    assert "Suggested: <strong>Low risk of bias</strong>" in page


def test_two_assessors_submit_through_the_pages_and_a_conflict_is_resolved(client, team):
    appraisal = team.appraisals[0]
    moderate = {d.code: "moderate" for d in appraisal.domains()} | {"D1": "low", OVERALL: "moderate"}
    for slot, judgements in ((1, moderate), (2, moderate | {"D5": "serious", OVERALL: "serious"})):
        assessment = team.assessment(appraisal, slot)
        client.force_login(assessment.assessor)
        url = reverse("appraisal:assess", args=[team.review.pk, assessment.pk])
        data = _post(appraisal, judgements) | {"r|D5": "Attrition", "r|overall": "D5 serious"}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    client.force_login(team.personas.adjudicator)
    page = client.get(reverse("appraisal:conflicts", args=[team.review.pk])).content.decode()
    assert "Attrition" in page
    cell = Consensus.objects.get(appraisal=appraisal, domain="D5")
    response = client.post(
        reverse("appraisal:resolve", args=[team.review.pk, cell.pk]), {"judgement": "moderate", "reason": "Balanced"}
    )
    cell.refresh_from_db()
    assert (cell.status, cell.judgement) == (ConsensusStatus.RESOLVED, "moderate")
    page = client.get(reverse("appraisal:appraisal", args=[team.review.pk, appraisal.pk])).content.decode()
    assert "Resolved by adjudicator: Balanced" in page


def test_a_judgement_differing_from_the_suggestion_without_reason_is_not_submitted(client, team):
    appraisal = team.appraisals[0]
    assessment = team.assessment(appraisal, 1)
    client.force_login(assessment.assessor)
    judgements = {d.code: "moderate" for d in appraisal.domains()} | {OVERALL: "moderate"}
    response = client.post(
        reverse("appraisal:assess", args=[team.review.pk, assessment.pk]), _post(appraisal, judgements)
    )
    assert response.status_code == 200
    assert "D1: say why your judgement differs from the suggested &#x27;low&#x27;" in response.content.decode()


def test_the_overviews_queries_do_not_grow_with_the_studies(client, team):
    client.force_login(team.personas.lead)
    url = reverse("appraisal:overview", args=[team.review.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for number in range(3):
        study = Study.objects.create(review=team.review, label=f"Later {number} 2021")
        services.add_appraisal(review=team.review, user=team.personas.lead, study_id=study.pk, design=Design.COHORT)
    services.assign_automatically(review=team.review, user=team.personas.lead)
    team.submit(team.appraisals[0], 1)
    team.submit(team.appraisals[0], 2)
    assert queries() == one + 2  # the settled study's plots: its group and its judgements
    assert one <= 20


def test_the_plots_of_the_settled_judgements_are_deterministic(client, personas):
    setup = personas.appraisal()
    client.force_login(personas.viewer)
    overview = client.get(reverse("appraisal:overview", args=[personas.review.pk])).content.decode()
    assert "traffic-light.svg" in overview
    hashes = {}
    for kind in ("traffic-light", "summary"):
        for file_format in ("svg", "png"):
            url = reverse("appraisal:plot", args=[personas.review.pk, "robins_i", "assignment", kind, file_format])
            first, second = client.get(url), client.get(url)
            assert first.status_code == 200 and first.content == second.content
            hashes[kind, file_format] = hashlib.sha256(first.content).hexdigest()
    svg = client.get(
        reverse("appraisal:plot", args=[personas.review.pk, "robins_i", "assignment", "traffic-light", "svg"])
    ).content.decode()
    # Only the settled study is drawn: the one with open conflicts and the one still being assessed are not.
    assert str(setup.team.appraisals[2]) in svg and str(setup.team.appraisals[1]) not in svg
    assert ' style="' not in svg
    assert len(set(hashes.values())) == 4
