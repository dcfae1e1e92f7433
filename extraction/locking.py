"""The one place that keeps a locked extraction, and everything its consensus export shows, from changing.

Every model holding extraction data inherits LockGuarded; screening's studies and reports are guarded too, since
the export shows study labels and a study is its reports. Saving or deleting a row, and a queryset's update,
delete, bulk_create and bulk_update (reviews/guards.py), first lock the review's ExtractionLock row
(select_for_update) and refuse when it is locked. The admin and django-import-export write through these same
methods. Taking the row lock means a write and a concurrent lock are serialised: a write either commits before
the lock or is refused.

A study enters the locked data once it has extractions: a study included after the lock (which holds the lock
back from being taken again until it is extracted) can still be named and have its reports filed.
"""

from django.db.models import Q, QuerySet

from reviews.guards import WriteGuarded, WriteRefused, guard_writes, refuse_if_locked, updated_ids
from reviews.locking import written_review_ids
from screening.models import Report, Study


class ExtractionLocked(WriteRefused):
    """A write to data of a review whose extraction is locked."""


def ensure_unlocked(*review_ids) -> None:
    """Refuse (ExtractionLocked) when any of these reviews' extraction is locked; call inside a transaction.

    Each argument is an iterable of review ids or a queryset of them (read as a subquery, in the same query)."""
    from .models import ExtractionLock

    refuse_if_locked(
        ExtractionLock.objects.all(),
        ExtractionLocked(
            "the extraction of this review is locked: the lead must unlock it, giving a reason, before data change"
        ),
        *review_ids,
    )


class LockGuarded(WriteGuarded):
    """Abstract base of extraction data: needs a `review` foreign key."""

    class Meta:
        abstract = True


@guard_writes(LockGuarded)
def _review_unlocked(*, rows, new, values) -> None:
    ensure_unlocked(*written_review_ids(rows=rows, new=new, values=values))


def _ensure_studies_unlocked(*study_ids) -> None:
    """Refuse when one of these studies has extractions in a review whose extraction is locked."""
    from .models import Extraction

    condition = Q()
    for ids in study_ids:
        if isinstance(ids, QuerySet) or ids:
            condition |= Q(study_id__in=ids)
    if condition:
        ensure_unlocked(Extraction.objects.filter(condition).values("review_id"))


@guard_writes(Study)
def _study_unlocked(*, rows, new, values) -> None:
    # A new study has no extractions yet: only changes to existing studies matter.
    if rows is not None:
        _ensure_studies_unlocked(rows.values("pk"))


@guard_writes(Report)
def _report_unlocked(*, rows, new, values) -> None:
    """A report of an extracted study stays as it is, and no report joins an extracted study."""
    _ensure_studies_unlocked(
        rows.values("study_id") if rows is not None else [],
        [obj.study_id for obj in new if obj.study_id is not None],
        [pk for pk in updated_ids(values, "study") if pk is not None],
    )
