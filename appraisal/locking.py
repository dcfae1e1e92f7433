"""The one place that keeps a locked risk-of-bias assessment from changing: every model holding its data inherits
LockGuarded, whose writes (save, delete, queryset update, delete and bulk operations: reviews/guards.py) first take
the review's AppraisalLock row and are refused while it is locked; the admin and the importers write through them.
"""

from reviews.guards import WriteGuarded, WriteRefused, guard_writes, refuse_if_locked
from reviews.locking import written_review_ids


class AppraisalLocked(WriteRefused):
    """A write to risk-of-bias data of a review whose assessment is locked."""


def ensure_unlocked(*review_ids) -> None:
    from .models import AppraisalLock

    refuse_if_locked(
        AppraisalLock.objects.all(),
        AppraisalLocked(
            "the risk-of-bias assessment of this review is locked: the lead must unlock it, giving a reason, first"
        ),
        *review_ids,
    )


class LockGuarded(WriteGuarded):
    """Abstract base of risk-of-bias data: needs a `review` foreign key."""

    class Meta:
        abstract = True


@guard_writes(LockGuarded)
def _review_unlocked(*, rows, new, values) -> None:
    ensure_unlocked(*written_review_ids(rows=rows, new=new, values=values))
