"""The one place that keeps the GRADE judgements append-only: a judgement, once written, is never changed or
deleted, whichever path tries (save, delete, queryset update and delete, bulk update: reviews/guards.py). Deleting
the review still takes them with it: the cascade deletes rows without going through the model."""

from reviews.guards import WriteRefused, guard_writes

from .models import GradeJudgement


class HistoryRefused(WriteRefused):
    """A change or deletion of a GRADE judgement: the lead adds a new judgement instead."""


@guard_writes(GradeJudgement)
def _append_only(*, rows, new, values) -> None:
    if rows is not None:
        raise HistoryRefused("GRADE judgements are a history: add a new judgement with its reason instead")
