"""The risk-of-bias lock: taken only when every appraisal is settled, refusing every write path while it holds,
opened again only with a reason; both kept in the audit trail."""

import pytest

from appraisal import services
from appraisal.locking import AppraisalLocked
from appraisal.models import Answer, AuditAction, AuditEvent, Consensus, Judgement
from reviews.access import RoleRefused
from tests.appraisal.helpers import Assessors

pytestmark = pytest.mark.django_db


def _settle(team):
    for cell in Consensus.objects.filter(review=team.review).conflicts():
        services.resolve(
            review=team.review,
            consensus_id=cell.pk,
            user=team.personas.adjudicator,
            judgement="moderate",
            reason="Balanced.",
        )


@pytest.fixture
def settled(personas):
    team = Assessors(personas, studies=1)
    appraisal = team.appraisals[0]
    team.submit(appraisal, 1)
    team.submit(appraisal, 2, slip=("D5", "serious"))
    return team


def test_the_lock_waits_for_every_assessment_and_conflict(settled):
    lead = settled.personas.lead
    with pytest.raises(services.AppraisalError, match="2 conflicting judgements"):
        services.lock(review=settled.review, user=lead)
    _settle(settled)
    services.lock(review=settled.review, user=lead)
    assert services.is_locked(settled.review)


@pytest.fixture
def locked(settled):
    _settle(settled)
    services.lock(review=settled.review, user=settled.personas.lead)
    return settled


def test_a_locked_assessment_refuses_every_write_path(locked):
    with pytest.raises(AppraisalLocked):
        Consensus.objects.filter(review=locked.review).update(judgement="low")
    with pytest.raises(AppraisalLocked):
        Answer.objects.filter(review=locked.review).delete()
    judgement = Judgement.objects.filter(review=locked.review).first()
    judgement.reason = "changed"
    with pytest.raises(AppraisalLocked):
        judgement.save()
    with pytest.raises(AppraisalLocked):
        services.choose_tool(review=locked.review, user=locked.personas.lead, design="cohort", tool="rob2")


def test_unlocking_needs_the_lead_and_a_reason_and_is_in_the_trail(locked):
    with pytest.raises(RoleRefused):
        services.unlock(review=locked.review, user=locked.personas.adjudicator, reason="Erratum")
    with pytest.raises(services.AppraisalError, match="say why"):
        services.unlock(review=locked.review, user=locked.personas.lead, reason=" ")
    services.unlock(review=locked.review, user=locked.personas.lead, reason="Erratum published")
    assert not services.is_locked(locked.review)
    actions = list(AuditEvent.objects.filter(review=locked.review).values_list("action", "note"))
    assert (AuditAction.LOCKED, "") in actions and (AuditAction.UNLOCKED, "Erratum published") in actions
