"""The conflicts an adjudicator settles, and the agreement between reviewers: reads that blinding shapes (only
complete votes of a conflict, only resolved records' votes for agreement; docs/security.md)."""

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from identification.models import Record
from reviews.access import adjudicator_ids, may_settle
from reviews.models import Review

from .models import Decision, Resolution, ScreeningRecord, Stage, Vote


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


def may_adjudicate(votes: list[Vote], user: User, adjudicators: set[int]) -> bool:
    """Whether `user` may see and settle a conflict between these votes (reviews.access.may_settle, the voters
    taking part)."""
    return may_settle(user, {vote.reviewer_id for vote in votes}, adjudicators)


def open_conflicts(review: Review, stage: str) -> list[tuple[Record, list[Vote]]]:
    """Unresolved records whose required votes are all in and disagree."""
    candidates = (
        ScreeningRecord.objects.fully_voted(review=review, stage=stage)
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


def open_conflicts_for(review: Review, stage: str, user: User) -> list[tuple[Record, list[Vote], bool]]:
    """The conflicts this user may see and settle, as (record, votes, voted): voted when they voted on it and are
    its only possible adjudicator. A record they voted on is left out while another adjudicator exists."""
    adjudicators = adjudicator_ids(review)
    return [
        (record, votes, any(vote.reviewer_id == user.pk for vote in votes))
        for record, votes in open_conflicts(review, stage)
        if may_adjudicate(votes, user, adjudicators)
    ]


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
