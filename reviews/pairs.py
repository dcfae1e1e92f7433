"""Dual independent work (two extractors per study, two assessors per study and outcome): who takes each slot.

One rule for every stage: each item gets two different people in slots 1 and 2, and each free slot goes to the
least-loaded person not already on that item (ties by username), so work spreads evenly as items arrive.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

SLOTS = (1, 2)


def fill_slots(people: Sequence, assigned: Iterable[tuple[int, int, int]], items: Iterable[int]) -> list[tuple]:
    """(item id, slot, person) for every free slot of `items`, given `assigned` as (item id, slot, person id).
    `people` have `pk` and `username`; there must be at least two."""
    assigned = list(assigned)
    load = Counter(person_id for _, _, person_id in assigned)
    slots: dict[int, set[int]] = {}
    people_on: dict[int, set[int]] = {}
    for item, slot, person_id in assigned:
        slots.setdefault(item, set()).add(slot)
        people_on.setdefault(item, set()).add(person_id)
    chosen_slots = []
    for item in items:
        for slot in sorted(set(SLOTS) - slots.get(item, set())):
            taken = people_on.setdefault(item, set())
            chosen = min((p for p in people if p.pk not in taken), key=lambda p: (load[p.pk], p.username))
            chosen_slots.append((item, slot, chosen))
            load[chosen.pk] += 1
            taken.add(chosen.pk)
    return chosen_slots


def take_pair(items, pk: int, *, group: str):
    """The item `pk` of `items` (a queryset of slotted work), with both items of its pair (same `group` value) locked
    in slot order, so writers never deadlock. When the two people submit at once, the second waits until the first
    commits and then sees it submitted: the pair is compared exactly once, never by neither (each seeing the
    other as a draft)."""
    group_id = items.filter(pk=pk).values_list(group, flat=True).first()
    pair = items.select_for_update(of=("self",)).filter(**{group: group_id})
    return next((item for item in pair.order_by("slot") if item.pk == pk), None)
