"""What every stage's lock shares (extraction's, risk of bias's): the lock row, one per review, and the append-only
audit trail, as abstract models; locking and unlocking with their refusals and their line in the trail; the review
ids a write touches, for the stage's write guard; and the lead's lock and unlock pages.

Each stage keeps its own tables, refusal (a WriteRefused subclass) and guard (its `locking.py`, registering a check
on its abstract base of guarded data with reviews.guards), so that one stage's lock never blocks another's data.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.forms import Form
from django.shortcuts import redirect
from django.utils import timezone

from .access import LEAD_ONLY, get_review_for_user, person
from .feedback import attempt
from .guards import updated_ids

LOCKED, UNLOCKED = "locked", "unlocked"  # the two actions every stage's trail has


class StageLock(models.Model):
    """Whether the review's data of a stage are locked; every write of them takes this row's lock first
    (reviews.guards.refuse_if_locked). A stage's lock adds `review`, a one-to-one field to the review."""

    locked = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    review_id: int

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.review}: {'locked' if self.locked else 'open'}"  # type: ignore[attr-defined]


class AuditTrail(models.Model):
    """Append-only trail of everything done to a stage's data: who, when, what, from what to what. A stage's trail
    adds `review` (a foreign key) and `action` (its choices, LOCKED and UNLOCKED among them)."""

    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["review", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.user} at {self.at:%Y-%m-%d %H:%M}"  # type: ignore[attr-defined]


def written_review_ids(*, rows, new, values) -> tuple[Iterable, ...]:
    """The reviews a guarded write touches, from a write guard's arguments (reviews/guards.py): those of the rows
    changed or deleted (as a subquery), of the objects written, and the one a queryset update moves rows to."""
    return (
        rows.values("review_id") if rows is not None else (),
        [obj.review_id for obj in new],
        updated_ids(values, "review"),
    )


@transaction.atomic
def lock_stage(
    locks: type[StageLock],
    trail: type[AuditTrail],
    *,
    review,
    user,
    what: str,
    refuse: type[Exception],
    blockers: Callable[[], list[str]],
) -> None:
    """Lock the stage's data (`what` names them in refusals: "the extraction"), unless already locked or `blockers`
    lists what keeps them from being locked; the caller checks the role. `refuse` is the stage's service error."""
    locks.objects.get_or_create(review=review)
    state = locks.objects.select_for_update().get(review=review)
    if state.locked:
        raise refuse(f"{what} is already locked")
    problems = blockers()
    if problems:
        raise refuse("; ".join(problems))
    _change(state, trail, review=review, user=user, action=LOCKED)


@transaction.atomic
def unlock_stage(
    locks: type[StageLock], trail: type[AuditTrail], *, review, user, reason: str, what: str, refuse: type[Exception]
) -> None:
    """Open the stage's locked data again, giving a reason, kept in the trail; the caller checks the role."""
    reason = reason.strip()
    if not reason:
        raise refuse(f"say why {what} is unlocked")
    state = locks.objects.select_for_update().filter(review=review).first()
    if state is None or not state.locked:
        raise refuse(f"{what} is not locked")
    _change(state, trail, review=review, user=user, action=UNLOCKED, note=reason)


def _change(state: StageLock, trail: type[AuditTrail], *, review, user, action: str, note: str = "") -> None:
    state.locked, state.changed_by, state.changed_at = action == LOCKED, person(user), timezone.now()
    state.save()
    trail.objects.create(review=review, action=action, user=person(user), note=note)


def lock_view(request, review_id, *, change, success: str, refusals: tuple[type[Exception], ...], back: str):
    """The lead's Lock button: `change` is the stage's lock service, `back` the URL name of the stage's page."""
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    attempt(request, lambda: change(review=review, user=request.user), success, refusals)
    return redirect(back, review_id=review.pk)


def unlock_view(
    request,
    review_id,
    *,
    change,
    form: type[Form],
    success: str,
    no_reason: str,
    refusals: tuple[type[Exception], ...],
    back: str,
):
    """The lead's Unlock button, with the reason `form` asks for (`no_reason` says that one must be given)."""
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    bound = form(request.POST)
    if bound.is_valid():
        reason = bound.cleaned_data["reason"]
        attempt(request, lambda: change(review=review, user=request.user, reason=reason), success, refusals)
    else:
        messages.error(request, no_reason)
    return redirect(back, review_id=review.pk)
