"""People's addresses, invitations into a review's team, and how each person wants to be told what waits."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from reviews.models import Review, Role


def token_hash(token: str) -> str:
    """What is stored of a link's secret: a leaked table then lets nobody follow the links."""
    return hashlib.sha256(token.encode()).hexdigest()


class EmailAddressQuerySet(models.QuerySet):
    def verified(self) -> "EmailAddressQuerySet":
        return self.filter(verified_at__isnull=False)

    def matching(self, email: str) -> "EmailAddressQuerySet":
        return self.filter(email__iexact=email.strip())


class EmailAddress(models.Model):
    """An address a person gave. It counts as theirs (adding them to a team by it, resetting their password) only
    once they followed the link sent to it; the account's `email` is then set to it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.EmailField()
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmailAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "email addresses"
        ordering = ["user", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "user", name="email_address_once_per_user"),
            # Anyone may type any address; only one person can prove it is theirs.
            models.UniqueConstraint(
                Lower("email"), condition=Q(verified_at__isnull=False), name="email_address_verified_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({'verified' if self.verified_at else 'unverified'})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=InvitationStatus.PENDING)

    def usable(self) -> "InvitationQuerySet":
        return self.pending().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A lead's invitation of an address into a review's team with a role. The link sent carries a random token;
    only its hash is kept, and following it once (accepting) uses it up."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Kept in lower case.")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text="When the latest link was sent (a resend replaces the link).")
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="accepted_invitations"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["review", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "email"],
                condition=Q(status=InvitationStatus.PENDING),
                name="invitation_one_pending_per_review_and_email",
            ),
            models.CheckConstraint(condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="invitation_email_lower_case"),
            models.CheckConstraint(
                condition=~Q(status=InvitationStatus.ACCEPTED)
                | Q(accepted_by__isnull=False, accepted_at__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display().lower()} of {self.review} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Frequency(models.TextChoices):
    DAILY = "daily", "A daily digest"
    IMMEDIATE = "immediate", "As soon as something waits"
    NONE = "none", "Never"


class NotificationSetting(models.Model):
    """How a person wants to be told what waits for them; without a row, a daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    # What the last digest counted, so that one with nothing new is not sent again.
    last_digest = models.TextField(blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="notification_frequency_valid")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"
