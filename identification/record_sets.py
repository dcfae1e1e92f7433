"""Sets of records a later stage defines, such as screening's "included at full text", for the records' exports.

Identification imports no later stage, so the later stage registers its sets here: a function from the review's
records to those in the set, and one from the set's records to a note on each (why it was excluded, say).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class RecordSet:
    slug: str
    label: str
    select: Callable[[QuerySet], QuerySet]
    # The set's records (a queryset) -> {record id: note}; records without a note are left out.
    notes: Callable[[QuerySet], dict[int, str]] | None = None


_sets: dict[str, RecordSet] = {}


def register_set(record_set: RecordSet) -> RecordSet:
    _sets[record_set.slug] = record_set
    return record_set


def record_sets() -> list[RecordSet]:
    return list(_sets.values())


def record_set(slug: str) -> RecordSet | None:
    return _sets.get(slug)
