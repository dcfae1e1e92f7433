"""The one place that keeps a record's votes frozen once it has all the votes it needs.

Until then a reviewer may change their own vote: the record still waits for the others. Once the votes are all
in, the record is either resolved (they agree) or in conflict, and only an adjudicator's resolution decides it.
A reviewer who could still change their vote would learn the co-reviewer's vote by trying (a change that makes
the votes agree resolved the record), and the conflict would never reach the adjudicator.

Vote.save() and Vote.delete(), and a votes queryset's update, delete, bulk_create and bulk_update, go through
open_only(), so the pages, the admin, django-import-export and the demo all meet the same rule. The
refusal says the same whether the votes agree or not, so it reveals nothing about the other votes. Restoring a
backup writes rows raw (reviews/backup.py) and so puts back what was without passing here.
"""

from django.db import transaction

VOTES_FROZEN = (
    "this record has all the votes it needs, so its votes can no longer change; where the reviewers disagree, "
    "an adjudicator decides"
)


def open_only(places, write):
    """Run write() once ensure_open(places()) lets it, in a transaction. Inside the caller's transaction no
    savepoint is taken: the refusal comes before anything is written, and leaves that transaction usable."""
    if transaction.get_connection().in_atomic_block:
        ensure_open(places())
        return write()
    with transaction.atomic():
        ensure_open(places())
        return write()


def ensure_open(places) -> None:
    """Refuse (ScreeningError) when a record of `places` has all the votes it needs (see frozen()). Call inside a
    transaction: the records' rows are locked first, so two writers take turns (the unique constraint on votes is
    the last guard)."""
    from .services import ScreeningError

    if frozen(places, lock=True):
        raise ScreeningError(VOTES_FROZEN)


def frozen(places, *, lock=False) -> bool:
    """Whether a record of `places` has all the votes it needs at a stage, so its votes may not change.

    `places` holds (review, record id, stage, reviewer id): the id of a reviewer whose first vote there is about
    to be written, or None for changing or deleting votes already cast."""
    from identification.models import Record

    from .models import Resolution, Vote, votes_needed
    from .services import conflict_votes

    places = list(places)
    if not places:
        return False
    record_ids = sorted({record_id for _, record_id, _, _ in places})
    if lock:
        list(Record.objects.select_for_update().filter(pk__in=record_ids).values_list("pk"))
    cast = {}
    for vote in Vote.objects.filter(record_id__in=record_ids):
        cast.setdefault((vote.record_id, vote.stage), []).append(vote)
    resolved = set(Resolution.objects.filter(record_id__in=record_ids).order_by().values_list("record_id", "stage"))
    for review, record_id, stage, newcomer in places:
        votes = cast.get((record_id, stage), [])
        required = votes_needed(review, stage, record_id)
        no_room = newcomer is not None and all(v.reviewer_id != newcomer for v in votes) and len(votes) >= required
        if no_room or (record_id, stage) in resolved or conflict_votes(votes, required):
            return True
    return False
