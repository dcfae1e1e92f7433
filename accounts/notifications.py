"""Telling people what waits for them: a digest of their to-do lists (reviews.stages.todos) per their choice, and
notices to a review's leads. Every message carries the link that stops them. A digest holds counts, never who voted
how: it is built from the same to-do lists the dashboard shows, within blinding."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from accounts.mail import absolute, send_later
from accounts.models import EmailAddress, Frequency, NotificationSetting
from reviews import stages
from reviews.models import Membership, Review, Role


def _reachable():
    """Active people with a verified address: nothing is sent to an address nobody proved is theirs."""
    return get_user_model().objects.filter(is_active=True, pk__in=EmailAddress.objects.verified().values("user_id"))


def _wants(frequency: str):
    """People with this choice (without a setting, a person gets the daily digest)."""
    chosen = Q(notification__frequency=frequency)
    if frequency == Frequency.DAILY:
        chosen |= Q(notification__isnull=True)
    return _reachable().filter(chosen)


def digest(user) -> list[tuple[Review, list[stages.Todo]]]:
    """(review, what waits) for each of the person's reviews where something does."""
    memberships = Membership.objects.filter(user=user).select_related("review", "user").order_by("review__title")
    found = [(m.review, stages.todos(m.review, m)) for m in memberships]
    return [(review, todos) for review, todos in found if todos]


@task()
def send_digests(frequency: str) -> int:
    """A digest to everyone who chose `frequency` and has something waiting; for "immediate", only when what waits
    differs from what their last message said, so that running this every few minutes sends each change once.
    Returns how many were sent."""
    sent = 0
    for user in _wants(frequency).order_by("pk"):
        found = digest(user)
        fingerprint = hashlib.sha256(
            json.dumps([(review.pk, [todo.label for todo in todos]) for review, todos in found]).encode()
        ).hexdigest()
        setting, _ = NotificationSetting.objects.get_or_create(user=user)
        if not found or (frequency == Frequency.IMMEDIATE and fingerprint == setting.last_digest):
            continue
        with transaction.atomic():
            sent_now = {"last_digest": fingerprint, "last_sent_at": timezone.now()}
            NotificationSetting.objects.filter(pk=setting.pk).update(**sent_now)
            send_later(
                to=user.email,
                template="digest",
                context={"user": user, "found": found, "site": absolute("")},
                unsubscribe_for=user,
            )
        sent += 1
    return sent


def tell_leads(*, review: Review, template: str, context: dict) -> None:
    """A notice to each lead of the review who has not turned notifications off, at their verified address."""
    leads = _reachable().exclude(notification__frequency=Frequency.NONE)
    for lead in leads.filter(memberships__review=review, memberships__role=Role.LEAD):
        send_later(
            to=lead.email,
            template=template,
            context={**context, "user": lead, "review": review, "review_url": absolute(review.get_absolute_url())},
            unsubscribe_for=lead,
        )
