"""Writes that span rows of the reviews app: each is one atomic function. The team's writes are not durable: the
admin and an import of members call them inside a transaction of their own (reviews/admin.py)."""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from reviews.access import LEAD_ONLY, Writer, require_role
from reviews.models import ExclusionReason, Membership, Review, Role


class TeamRuleError(Exception):
    """A change to a review's team that would break one of its rules."""


class SettingsError(Exception):
    """A change to a review's settings that would lose data; the message says why."""


@transaction.atomic(durable=True)
def create_review(*, creator: User, exclusion_reasons: list[str], **fields: Any) -> Review:
    review = Review.objects.create(created_by=creator, **fields)
    Membership.objects.create(review=review, user=creator, role=Role.LEAD)
    _replace_exclusion_reasons(review, exclusion_reasons)
    return review


def _ensure_lead(review: Review, by: Writer) -> None:
    """Settings and the team change at a lead's request, as their role is now, or at a staff account's in the admin
    (access.Staff): the writer is always named, so no caller skips the check by leaving it out (the demo and the
    tests' set-up name their lead). The team's rows are locked first, in one order, so that two leads changing each
    other's roles at once take turns instead of deadlocking."""
    list(Membership.objects.select_for_update().filter(review=review).order_by("pk").values_list("pk", flat=True))
    require_role(review=review, user=by, roles=LEAD_ONLY)


@transaction.atomic(durable=True)
def update_review(*, review: Review, exclusion_reasons: list[str], by: Writer) -> Review:
    _ensure_lead(review, by)
    review.save()
    _replace_exclusion_reasons(review, exclusion_reasons)
    return review


def _replace_exclusion_reasons(review: Review, labels: list[str]) -> None:
    wanted = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    existing = {reason.label: reason for reason in review.exclusion_reasons.all()}
    dropped = review.exclusion_reasons.exclude(label__in=wanted)
    try:
        with transaction.atomic():
            dropped.delete()
    except ProtectedError as exc:
        # The protected rows are votes and resolutions, each giving its reason.
        reasons = {obj.exclusion_reason.label for obj in exc.protected_objects}  # type: ignore[attr-defined]
        used = ", ".join(sorted(f"“{label}”" for label in reasons))
        raise SettingsError(f"{used} cannot be removed: votes or resolutions give it as their reason") from exc
    for position, label in enumerate(wanted):
        reason = existing.get(label)
        if reason is None:
            ExclusionReason.objects.create(review=review, label=label, position=position)
        elif reason.position != position:
            reason.position = position
            reason.save(update_fields=["position"])


@transaction.atomic
def add_member(*, review: Review, user: User, role: str, by: Writer) -> Membership:
    _ensure_lead(review, by)
    try:
        with transaction.atomic():
            return Membership.objects.create(review=review, user=user, role=role)
    except IntegrityError:
        raise TeamRuleError(f"{user} is already a member of this review") from None


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: Writer) -> Membership:
    _ensure_lead(membership.review, by)
    if membership.role == Role.LEAD and role != Role.LEAD:
        _ensure_another_lead(membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: Writer) -> None:
    _ensure_lead(membership.review, by)
    if membership.role == Role.LEAD:
        _ensure_another_lead(membership)
    membership.delete()


def _ensure_another_lead(membership: Membership) -> None:
    # Locking the review's lead rows makes two leads demoting each other at
    # once take turns, so the second sees that it would be the last lead.
    leads = list(Membership.objects.select_for_update().filter(review_id=membership.review_id, role=Role.LEAD))
    if all(lead.pk == membership.pk for lead in leads):
        raise TeamRuleError("A review needs at least one lead: make someone else lead first")
