"""Votes, resolutions and the screening queue; every write runs in one transaction with the record locked."""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import LessThan

from identification.models import DATABASES_AND_REGISTERS, Record, RecordQuerySet
from reviews.access import ADJUDICATORS, SCREENERS, adjudicator_ids, may_settle, require_role
from reviews.models import ExclusionReason, Review

from .models import (
    Decision,
    FinalDecision,
    Report,
    Resolution,
    ResolutionMethod,
    Stage,
    Vote,
    VoteAction,
    VoteEvent,
)


class ScreeningError(Exception):
    """A vote or resolution that the state of the record does not allow; the message says why."""


# 37 is coprime with 100, so every 100 consecutive record ids hold exactly `percent` double-screened records,
# spread through the queue rather than bunched at its start.
_SAMPLE_STRIDE = 37


def _reviewers_and_share(review: Review, stage: str) -> tuple[int, int]:
    if stage == Stage.TITLE_ABSTRACT:
        return review.title_abstract_reviewers, review.title_abstract_double_percent
    return review.full_text_reviewers, review.full_text_double_percent


def votes_needed(review: Review, stage: str, record_id: int) -> int:
    """Independent votes this record needs: the stage's reviewers, or two for the double-screened share."""
    reviewers, percent = _reviewers_and_share(review, stage)
    if reviewers == 1 and (record_id * _SAMPLE_STRIDE) % 100 < percent:
        return 2
    return reviewers


def _votes_needed_expression(review: Review, stage: str) -> Any:
    """votes_needed() as a database expression, for annotating many records at once."""
    reviewers, percent = _reviewers_and_share(review, stage)
    if reviewers == 2 or percent == 0:
        return Value(reviewers)
    sampled = LessThan(Mod(F("pk") * _SAMPLE_STRIDE, 100), percent)
    return Case(When(sampled, then=Value(2)), default=Value(1))


def sought_for_retrieval(review: Review) -> RecordQuerySet:
    """Records whose full text is sought: included at title/abstract, or found by other methods (PRISMA 2020)."""
    included = Resolution.objects.filter(
        record=OuterRef("pk"), stage=Stage.TITLE_ABSTRACT, decision=FinalDecision.INCLUDE
    )
    records = Record.objects.filter(review=review).unique()
    return records.filter(Exists(included) | ~Q(source_import__search__source_type__in=DATABASES_AND_REGISTERS))


def screenable(review: Review, stage: str) -> RecordQuerySet:
    """Records screened at this stage: unique records from databases and registers at title/abstract; at full
    text, those sought for retrieval whose report was not marked as not retrieved."""
    if stage == Stage.TITLE_ABSTRACT:
        return Record.objects.filter(review=review).unique().from_databases_and_registers()
    not_retrieved = Report.objects.filter(record=OuterRef("pk")).exclude(not_retrieved_reason="")
    return sought_for_retrieval(review).exclude(Exists(not_retrieved))


def _awaiting(review: Review, stage: str, reviewer: User) -> RecordQuerySet:
    """Records that still need this reviewer's vote: unresolved, not voted by them, not yet fully voted."""
    mine = Vote.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=reviewer)
    resolved = Resolution.objects.filter(record=OuterRef("pk"), stage=stage)
    voted = Vote.objects.filter(record=OuterRef("pk"), stage=stage)
    # No record needs more than two votes.
    voted_twice = voted.values("record").annotate(votes=Count("id")).filter(votes__gte=2)
    return (
        screenable(review, stage)
        .annotate(votes_needed=_votes_needed_expression(review, stage))
        .exclude(Exists(mine))
        .exclude(Exists(resolved))
        .exclude(Exists(voted_twice))
        .exclude(Q(Exists(voted), votes_needed=1))
    )


def next_record(
    review: Review, stage: str, reviewer: User, *, matching: str = "", skipping: int | None = None
) -> Record | None:
    """The next record for this reviewer; among those matching a search, if any; as it will be once they voted on
    the record `skipping` (the screening page fetches that one ahead, to show it as soon as they vote). At
    title/abstract, once the review's relevance order is trained (screening/ranking.py), the most relevant by the
    stored scores. Otherwise, and for records imported since, in import order, continuing after the last one they
    voted on (before their first vote, from where their group starts) and then from the beginning."""
    awaiting = _awaiting(review, stage, reviewer)
    if matching:
        awaiting = awaiting.matching(matching)
    mine = Vote.objects.filter(review=review, stage=stage, reviewer=reviewer)
    after = mine.order_by("-record_id").values_list("record_id", flat=True).first()
    if skipping is not None:
        awaiting = awaiting.exclude(pk=skipping)
        after = max(after or skipping, skipping)
    if after is None:
        after = _group_start(review, stage, reviewer)
    order: list[Any] = ["pk"] if after is None else [Case(When(pk__gt=after, then=Value(0)), default=Value(1)), "pk"]
    if stage == Stage.TITLE_ABSTRACT:
        order.insert(0, F("relevance__score").desc(nulls_last=True))
        awaiting = awaiting.select_related("relevance")
    return awaiting.order_by(*order).first()


def left_for(review: Review, stage: str, reviewer: User) -> int:
    """How many records still wait for this reviewer's vote at this stage."""
    return _awaiting(review, stage, reviewer).count()


def _group_start(review: Review, stage: str, reviewer: User) -> int | None:
    """The record id after which a reviewer's group starts, or None for the beginning.

    The team's screeners are split, in the order they joined, into groups of as many as a record needs votes, and each
    group starts at its own share of the review's records. Reviewers starting together are then not all shown the
    same record, where every vote past the needed ones would be refused; a pair still screens the same records.
    """
    per_record, _ = _reviewers_and_share(review, stage)
    screeners = list(review.memberships.filter(role__in=SCREENERS).order_by("pk").values_list("user_id", flat=True))
    if reviewer.pk not in screeners:
        return None
    group, groups = screeners.index(reviewer.pk) // per_record, -(-len(screeners) // per_record)
    if group == 0:
        return None
    span = Record.objects.filter(review=review).aggregate(first=Min("pk"), last=Max("pk"))
    if span["first"] is None:
        return None
    first, last = int(span["first"]), int(span["last"])
    return first + (last - first + 1) * group // groups - 1


def locked_record(review: Review, record_id: int) -> Record:
    record = Record.objects.select_for_update().filter(review=review, pk=record_id).unique().first()
    if record is None:
        raise ScreeningError("this record is not screened: it does not exist or was merged into another")
    return record


def conflict_votes(votes: list[Vote], required: int) -> bool:
    """True when all required votes are in and they do not all agree on include or exclude (maybe disagrees); at
    full text, excludes for different reasons disagree too, so the adjudicator picks the reason PRISMA reports."""
    verdicts = {_verdict(vote) for vote in votes}
    return len(votes) >= required and (len(verdicts) > 1 or any(vote.decision == Decision.MAYBE for vote in votes))


def _verdict(vote: Vote) -> tuple[str, int | None]:
    """What two votes must share to agree: the decision, and at full text the reason for an exclusion."""
    if vote.stage == Stage.FULL_TEXT and vote.decision == Decision.EXCLUDE:
        return vote.decision, vote.exclusion_reason_id
    return vote.decision, None


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
    if not screenable(review, stage).filter(pk=record.pk).exists():
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


def may_adjudicate(votes: list[Vote], user: User, adjudicators: set[int]) -> bool:
    """Whether `user` may see and settle a conflict between these votes (reviews.access.may_settle, the voters
    taking part)."""
    return may_settle(user, {vote.reviewer_id for vote in votes}, adjudicators)


def conflicts(review: Review, stage: str) -> list[tuple[Record, list[Vote]]]:
    """Unresolved records whose required votes are all in and disagree."""
    resolved = Resolution.objects.filter(record=OuterRef("pk"), stage=stage)
    candidates = (
        screenable(review, stage)
        .exclude(Exists(resolved))
        .annotate(
            vote_count=Count("votes", filter=Q(votes__stage=stage)),
            votes_needed=_votes_needed_expression(review, stage),
        )
        .filter(vote_count__gte=F("votes_needed"))
        .select_related("report")  # the adjudicator sees the full text beside the votes
        .order_by("pk")
    )
    votes: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(record__in=candidates, stage=stage).select_related("reviewer"):
        votes.setdefault(vote.record_id, []).append(vote)
    return [
        (record, votes[record.pk])
        for record in candidates
        if conflict_votes(votes.get(record.pk, []), record.votes_needed)
    ]


def conflicts_for(review: Review, stage: str, user: User) -> list[tuple[Record, list[Vote], bool]]:
    """The conflicts this user may see and settle, as (record, votes, voted): voted when they voted on it and are
    its only possible adjudicator. A record they voted on is left out while another adjudicator exists."""
    adjudicators = adjudicator_ids(review)
    return [
        (record, votes, any(vote.reviewer_id == user.pk for vote in votes))
        for record, votes in conflicts(review, stage)
        if may_adjudicate(votes, user, adjudicators)
    ]


def visible_vote_events(review: Review, user: User) -> QuerySet[VoteEvent]:
    """Every vote, change of vote and withdrawal this user may see: under blinding, their own and those of resolved
    records."""
    events = VoteEvent.objects.filter(record__review=review)
    if review.blinded:
        resolved = Resolution.objects.filter(record=OuterRef("record"), stage=OuterRef("stage"))
        events = events.filter(Q(reviewer=user) | Exists(resolved))
    return events


def vote_pairs(review: Review, stage: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{(reviewer a, reviewer b): [(a's vote, b's vote), ...]} over the records resolved at this stage, the only
    ones whose votes blinding lets everyone see. At full text an exclusion counts with its reason ("exclude:
    Wrong population"), since two exclusions for different reasons are a conflict there."""
    resolved = Resolution.objects.filter(record=OuterRef("record"), stage=stage)
    votes = (
        Vote.objects.filter(review=review, stage=stage)
        .filter(Exists(resolved))
        .order_by("record_id", "reviewer__username")
        .values_list("record_id", "reviewer__username", "decision", "exclusion_reason__label")
    )
    by_record: dict[int, list[tuple[str, str]]] = {}
    for record_id, reviewer, decision, reason in votes.iterator(chunk_size=5000):
        if stage == Stage.FULL_TEXT and decision == Decision.EXCLUDE:
            decision = f"{decision}: {reason}"
        by_record.setdefault(record_id, []).append((reviewer, decision))
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for record_votes in by_record.values():
        for i, (first, first_vote) in enumerate(record_votes):
            for second, second_vote in record_votes[i + 1 :]:
                pairs.setdefault((first, second), []).append((first_vote, second_vote))
    return pairs
