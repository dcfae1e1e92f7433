"""Screening's writes. Here: votes and resolutions, every write in one transaction with the record locked; beside
it, full texts and studies (fulltext) and tags (tags). The reads are QuerySet methods in models.py (ScreeningRecord,
Vote, VoteEvent) and the conflicts in conflicts.py."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from identification.models import Record
from reviews.access import ADJUDICATORS, SCREENERS, adjudicator_ids, require_role
from reviews.models import ExclusionReason, Review

from ..conflicts import conflict_votes, may_adjudicate
from ..models import (
    Decision,
    FinalDecision,
    Report,
    Resolution,
    ResolutionMethod,
    ScreeningRecord,
    Stage,
    Vote,
    VoteAction,
    VoteEvent,
    votes_needed,
)


class ScreeningError(Exception):
    """A vote or resolution that the state of the record does not allow; the message says why."""


def locked_record(review: Review, record_id: int) -> Record:
    record = Record.objects.select_for_update().filter(review=review, pk=record_id).unique().first()
    if record is None:
        raise ScreeningError("this record is not screened: it does not exist or was merged into another")
    return record


def _check_exclusion_reason(
    review: Review, stage: str, decision: str, exclusion_reason: ExclusionReason | None
) -> None:
    """Excluding at full text names one of this review's reasons (votes and adjudications alike)."""
    if stage == Stage.FULL_TEXT and decision == Decision.EXCLUDE and exclusion_reason is None:
        raise ScreeningError("excluding at full text needs one of the review's exclusion reasons")
    if exclusion_reason is not None and exclusion_reason.review_id != review.pk:
        raise ScreeningError("that exclusion reason belongs to another review")


@transaction.atomic
def cast_vote(
    *,
    review: Review,
    record_id: int,
    stage: str,
    reviewer: User,
    decision: str,
    note: str = "",
    exclusion_reason: ExclusionReason | None = None,
) -> tuple[Vote, Resolution | None]:
    """Record or change a vote; agreeing votes resolve the record at once. Returns (vote, resolution or None).
    Vote.save() refuses once the record has all its votes (screening/freezing.py)."""
    require_role(review=review, user=reviewer, roles=SCREENERS)
    record = locked_record(review, record_id)
    if not ScreeningRecord.objects.for_review(review).screenable(stage).filter(pk=record.pk).exists():
        raise ScreeningError("this record has not reached this stage")
    _check_exclusion_reason(review, stage, decision, exclusion_reason)
    votes = list(Vote.objects.filter(record=record, stage=stage))
    vote = next((v for v in votes if v.reviewer_id == reviewer.pk), None)
    if vote is None:
        vote = Vote(record=record, stage=stage, reviewer=reviewer)
        votes.append(vote)
    vote.review, vote.decision, vote.note = review, decision, note
    vote.exclusion_reason = exclusion_reason if decision == Decision.EXCLUDE else None
    vote.save()
    VoteEvent.objects.create(
        vote=vote,
        record=record,
        stage=stage,
        reviewer=reviewer,
        decision=decision,
        note=note,
        exclusion_reason=vote.exclusion_reason,
    )
    resolution = None
    required = votes_needed(review, stage, record.pk)
    if len(votes) >= required and not conflict_votes(votes, required):
        resolution = Resolution.objects.create(
            review=review,
            record=record,
            stage=stage,
            decision=decision,
            method=ResolutionMethod.AGREEMENT,
            exclusion_reason=vote.exclusion_reason,
        )
        Report.file_in_study_if_included(resolution, reviewer)
    return vote, resolution


@transaction.atomic
def withdraw_vote(*, review: Review, record_id: int, stage: str, reviewer: User) -> None:
    """Take one's vote on a record back while the record still waits for votes: it no longer counts, as if never
    cast, and its withdrawal joins the vote's history. Once the record has all the votes it needs, Vote.delete()
    refuses as a change of vote is refused (screening/freezing.py), in the same words whatever the other votes are,
    so trying reveals nothing of them."""
    require_role(review=review, user=reviewer, roles=SCREENERS)
    record = locked_record(review, record_id)
    vote = Vote.objects.filter(record=record, stage=stage, reviewer=reviewer).first()
    if vote is None:
        raise ScreeningError("you have no vote on this record at this stage to withdraw")
    vote.delete()
    VoteEvent.objects.create(record=record, stage=stage, reviewer=reviewer, decision=VoteAction.WITHDRAWN)


@transaction.atomic
def resolve_conflict(
    *,
    review: Review,
    record_id: int,
    stage: str,
    decision: str,
    user: User,
    note: str = "",
    exclusion_reason: ExclusionReason | None = None,
) -> Resolution:
    """An adjudicator's final decision on a record whose votes disagree; exactly one of concurrent calls wins. Who
    voted on the record decides it only when no other lead or adjudicator could (see may_adjudicate)."""
    require_role(review=review, user=user, roles=ADJUDICATORS)
    record = locked_record(review, record_id)
    existing = Resolution.objects.filter(record=record, stage=stage).select_related("resolved_by").first()
    if existing is not None:
        who = existing.resolved_by.username if existing.resolved_by else "the reviewers' agreement"
        raise ScreeningError(f"this record was already resolved ({existing.get_decision_display()}, by {who})")
    votes = list(Vote.objects.filter(record=record, stage=stage))
    # Refused before the conflict is checked, so a voter does not learn from the answer how the others voted.
    if not may_adjudicate(votes, user, adjudicator_ids(review)):
        raise ScreeningError("you voted on this record, so another lead or adjudicator decides it")
    if not conflict_votes(votes, votes_needed(review, stage, record.pk)):
        raise ScreeningError("this record is not in conflict: it still waits for votes")
    _check_exclusion_reason(review, stage, decision, exclusion_reason)
    try:
        with transaction.atomic():
            resolution = Resolution.objects.create(
                review=review,
                record=record,
                stage=stage,
                decision=decision,
                method=ResolutionMethod.ADJUDICATION,
                resolved_by=user,
                note=note,
                exclusion_reason=exclusion_reason if decision == FinalDecision.EXCLUDE else None,
            )
    except IntegrityError as exc:
        raise ScreeningError("someone else resolved this record at the same moment") from exc
    Report.file_in_study_if_included(resolution, user)
    return resolution
