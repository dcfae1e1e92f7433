"""Dual risk-of-bias assessment: assignment, answers with support, the algorithm's suggestion and overriding it,
comparison, conflicts settled domain by domain, and the constraints behind them."""

import pytest
from django.db import IntegrityError, transaction

from appraisal import services
from appraisal.models import (
    OVERALL,
    Appraisal,
    Assessment,
    AuditAction,
    AuditEvent,
    Consensus,
    ConsensusStatus,
    Design,
    Judgement,
    ToolCode,
)
from reviews.access import RoleRefused
from screening.models import Study
from tests.appraisal.helpers import Assessors

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(personas):
    return Assessors(personas)


def test_each_appraisal_gets_two_different_assessors_and_the_load_is_even(team):
    people = [set(a.assessments.values_list("assessor_id", flat=True)) for a in team.appraisals]
    assert all(len(p) == 2 for p in people)
    assert services.assign_automatically(review=team.review, user=team.personas.lead) == 0


def test_only_the_lead_adds_studies_and_assigns(team):
    with pytest.raises(RoleRefused):
        services.assign_automatically(review=team.review, user=team.personas.reviewer)
    with pytest.raises(RoleRefused):
        services.add_appraisal(
            review=team.review, user=team.personas.reviewer, study_id=team.studies[0].pk, design=Design.COHORT
        )


def test_a_study_is_appraised_once_per_outcome(team):
    with pytest.raises(services.AppraisalError, match="already"):
        services.add_appraisal(
            review=team.review, user=team.personas.lead, study_id=team.studies[0].pk, design=Design.COHORT
        )


def test_rob2_needs_an_outcome_and_each_outcome_is_appraised_apart(team):
    trial = Study.objects.create(review=team.review, label="Trial 2021")
    lead = team.personas.lead
    with pytest.raises(services.AppraisalError, match="name the outcome"):
        services.add_appraisal(review=team.review, user=lead, study_id=trial.pk, design=Design.RANDOMISED)
    relapse = services.add_appraisal(
        review=team.review, user=lead, study_id=trial.pk, design=Design.RANDOMISED, outcome="Relapse"
    )
    services.add_appraisal(review=team.review, user=lead, study_id=trial.pk, design=Design.RANDOMISED, outcome="EDSS")
    assert relapse.tool == ToolCode.ROB2 and relapse.variant == "assignment"


def test_the_leads_tool_choice_applies_to_studies_added_after_it(team):
    services.choose_tool(review=team.review, user=team.personas.lead, design=Design.COHORT, tool=ToolCode.ROB2)
    study = Study.objects.create(review=team.review, label="Cohort 9 2020")
    appraisal = services.add_appraisal(
        review=team.review, user=team.personas.lead, study_id=study.pk, design=Design.COHORT, outcome="Relapse"
    )
    assert appraisal.tool == ToolCode.ROB2
    assert team.appraisals[0].tool == ToolCode.ROBINS_I


def test_submitting_needs_every_asked_question_answered_with_support_and_every_domain_judged(team):
    appraisal = team.appraisals[0]
    assessment = team.assessment(appraisal, 1)
    problems = services.save_assessment(
        review=team.review,
        assessment_id=assessment.pk,
        user=assessment.assessor,
        entry=services.Entry({("D1", "1.1"): ("N", "")}, {}),
        submit=True,
    )
    assert "D1 1.1: give a quote or note supporting the answer" in problems
    assert "D2 2.1: not answered" in problems
    assert "Overall: no judgement" in problems
    # 1.1 N: no confounding, so the later questions of D1 are not asked.
    assert not any(p.startswith("D1 1.2") for p in problems)
    assessment.refresh_from_db()
    assert not assessment.is_submitted and assessment.answers.get().answer == "N"


def test_a_complete_assessment_is_submitted_and_can_no_longer_change(team):
    appraisal = team.appraisals[0]
    assert team.submit(appraisal, 1) == []
    assert team.assessment(appraisal, 1).is_submitted
    with pytest.raises(services.AppraisalError, match="submitted"):
        team.submit(appraisal, 1)


def test_someone_elses_assessment_is_refused(team):
    assessment = team.assessment(team.appraisals[0], 1)
    other = team.assessment(team.appraisals[0], 2).assessor
    with pytest.raises(services.AppraisalError, match="not your"):
        services.save_assessment(
            review=team.review, assessment_id=assessment.pk, user=other, entry=services.Entry({}, {}), submit=False
        )


def test_the_suggested_judgement_is_kept_beside_the_judgement_and_overriding_it_needs_a_reason(team):
    appraisal = team.appraisals[0]
    assessment = team.assessment(appraisal, 1)
    answers = {("D1", "1.1"): ("N", "No confounding expected: Methods.")}  # ROBINS-I: N to 1.1 suggests low

    def save(judgement, reason):
        return services.save_assessment(
            review=team.review,
            assessment_id=assessment.pk,
            user=assessment.assessor,
            entry=services.Entry(answers, {"D1": (judgement, reason)}),
            submit=False,
        )

    assert "D1: say why your judgement differs from the suggested 'low'" in save("serious", "")
    assert not assessment.judgements.exists()
    save("serious", "Age differed at baseline.")
    judged = assessment.judgements.get(domain="D1")
    assert (judged.judgement, judged.suggested, judged.reason) == ("serious", "low", "Age differed at baseline.")
    save("low", "")
    assert assessment.judgements.get(domain="D1").overrides is False


def test_an_override_without_a_reason_is_refused_by_the_database(team):
    assessment = team.assessment(team.appraisals[0], 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgement.objects.create(
            review=team.review, assessment=assessment, domain="D1", judgement="serious", suggested="low"
        )


def test_a_slot_and_an_assessor_hold_one_assessment_per_appraisal(team):
    appraisal = team.appraisals[0]
    first = team.assessment(appraisal, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(review=team.review, appraisal=appraisal, slot=2, assessor=first.assessor)


def test_an_outcome_only_with_an_outcome_specific_tool(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(
            review=team.review, study=team.studies[0], design="cohort", tool="robins_i", variant="x", outcome="Relapse"
        )


def test_agreeing_judgements_become_consensus_and_differing_ones_conflicts(team):
    appraisal = team.appraisals[0]
    team.submit(appraisal, 1)
    assert not Consensus.objects.filter(appraisal=appraisal).exists()
    team.submit(appraisal, 2, slip=("D5", "serious"))
    consensus = dict(Consensus.objects.filter(appraisal=appraisal).values_list("domain", "status"))
    assert consensus["D1"] == ConsensusStatus.AGREED
    assert consensus["D5"] == consensus[OVERALL] == ConsensusStatus.CONFLICT
    assert AuditEvent.objects.filter(appraisal=appraisal, action=AuditAction.CONFLICT).count() == 2


def _conflict(team):
    appraisal = team.appraisals[0]
    team.submit(appraisal, 1)
    team.submit(appraisal, 2, slip=("D5", "serious"))
    return Consensus.objects.get(appraisal=appraisal, domain="D5")


def test_a_conflict_is_settled_domain_by_domain_with_a_reason_and_only_once(team):
    cell = _conflict(team)
    adjudicator = team.personas.adjudicator
    with pytest.raises(services.AppraisalError, match="say why"):
        services.resolve(review=team.review, consensus_id=cell.pk, user=adjudicator, judgement="serious", reason="")
    settled = services.resolve(
        review=team.review, consensus_id=cell.pk, user=adjudicator, judgement="serious", reason="12% lost."
    )
    assert (settled.status, settled.judgement, settled.resolved_by) == ("resolved", "serious", adjudicator)
    with pytest.raises(services.AppraisalError, match="already settled"):
        services.resolve(review=team.review, consensus_id=cell.pk, user=adjudicator, judgement="low", reason="No.")
    assert Consensus.objects.get(appraisal=cell.appraisal, domain=OVERALL).status == ConsensusStatus.CONFLICT


def test_an_assessor_does_not_settle_their_own_conflict_while_someone_else_can(team):
    cell = _conflict(team)
    assessor = team.assessment(cell.appraisal, 1).assessor
    if assessor != team.personas.lead:
        assessor = team.assessment(cell.appraisal, 2).assessor
    assert assessor == team.personas.lead
    with pytest.raises(services.AppraisalError, match="another lead or adjudicator"):
        services.resolve(review=team.review, consensus_id=cell.pk, user=assessor, judgement="low", reason="Fine.")
    assert cell not in services.conflicts_for(team.review, assessor)
    assert cell in services.conflicts_for(team.review, team.personas.adjudicator)


def test_a_resolution_names_who_and_why_in_the_database(team):
    cell = _conflict(team)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consensus.objects.filter(pk=cell.pk).update(status=ConsensusStatus.RESOLVED, judgement="low")
