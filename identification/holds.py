"""Records a later stage holds decisions on, such as screening's votes.

Such a record stays its duplicate group's primary when records merge (decisions hang on the primary), and two
of them never merge without a person deciding which one stays. Identification imports no later stage, so the
later stage registers what counts as a hold: a function from a queryset of records to those of them it holds.
"""

from collections.abc import Callable

from django.db.models import QuerySet

Hold = Callable[[QuerySet], QuerySet]
_holds: list[Hold] = []


def holds_records(hold: Hold) -> Hold:
    """Register the decorated function (records -> the records held) as a hold of a later stage."""
    if hold not in _holds:
        _holds.append(hold)
    return hold


def held(records: QuerySet) -> set[int]:
    """Ids of the given records that a later stage holds decisions on."""
    return {pk for hold in _holds for pk in hold(records).values_list("pk", flat=True).distinct()}
