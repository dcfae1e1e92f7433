"""Writes of the accounts app: addresses and their verification, invitations, notification choices. Each is atomic;
messages are queued to be sent after it commits (accounts/mail.py)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.mail import absolute, send_later
from accounts.models import EmailAddress, Frequency, Invitation, InvitationStatus, NotificationSetting, token_hash
from reviews.access import LEAD_ONLY, require_role
from reviews.models import Membership, Review

VERIFY_SALT = "accounts.verify-address"


class LinkError(Exception):
    """A link that cannot be used: unknown, expired, already used or revoked. The message says which, as far as
    the person holding the link may know."""


class InvitationError(Exception):
    """An invitation the lead asked for that would break a rule."""


# Addresses and their verification


@transaction.atomic
def add_address(*, user: AbstractBaseUser, email: str) -> EmailAddress:
    """Record an address the person gave and send it a verification link; until followed, the address is not
    theirs. The account's current verified address, if any, stays theirs until then."""
    email = email.strip()
    address = EmailAddress.objects.matching(email).filter(user=user).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email)
    if address.verified_at is None:
        token = signing.dumps({"address": address.pk, "email": address.email.lower()}, salt=VERIFY_SALT)
        send_later(
            to=address.email,
            template="verify_address",
            context={
                "user": user,
                "url": absolute(reverse("accounts:verify", args=[token])),
                "days": settings.VERIFICATION_DAYS,
            },
        )
    return address


@transaction.atomic(durable=True)
def verify_address(*, token: str) -> EmailAddress:
    """Follow a verification link: the address becomes the account's (its other addresses are dropped). A link
    works once, within VERIFICATION_DAYS."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=timedelta(days=settings.VERIFICATION_DAYS))
    except signing.SignatureExpired:
        raise LinkError("This verification link has expired. Ask for a new one from your account page.") from None
    except signing.BadSignature:
        raise LinkError("This verification link is not valid.") from None
    address = EmailAddress.objects.select_for_update().filter(pk=data["address"], email__iexact=data["email"]).first()
    if address is None or address.verified_at is not None:
        raise LinkError("This verification link has already been used or replaced.")
    return _make_verified(address)


def _make_verified(address: EmailAddress) -> EmailAddress:
    try:
        with transaction.atomic():
            EmailAddress.objects.filter(pk=address.pk, verified_at__isnull=True).update(verified_at=timezone.now())
    except IntegrityError:
        raise LinkError("Another account has verified this address.") from None
    EmailAddress.objects.filter(user=address.user).exclude(pk=address.pk).delete()
    user = address.user
    user.email = address.email
    user.save(update_fields=["email"])
    address.refresh_from_db()
    return address


@transaction.atomic
def record_verified_address(*, user: AbstractBaseUser, email: str) -> EmailAddress:
    """An address an administrator vouches for (`createuser`), or that the person proved by following an
    invitation sent to it."""
    address, _ = EmailAddress.objects.get_or_create(user=user, email=email.strip())
    if address.verified_at is not None:
        return address
    try:
        return _make_verified(address)
    except LinkError:  # someone else proved it first; it stays unverified here
        return address


# Invitations


def _new_link(invitation: Invitation) -> str:
    """Give the invitation a fresh token and expiry; returns the link to send (the token is kept only hashed)."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + timedelta(days=settings.INVITATION_DAYS)
    return absolute(reverse("accounts:invitation", args=[token]))


def _send_invitation(invitation: Invitation, url: str) -> None:
    send_later(
        to=invitation.email,
        template="invitation",
        context={"invitation": invitation, "url": url, "days": settings.INVITATION_DAYS},
    )


@transaction.atomic
def invite(*, review: Review, email: str, role: str, by: AbstractBaseUser) -> Invitation:
    """Invite an address into the team. The same happens whether or not someone has an account with it, so the lead
    learns nothing about who has one."""
    require_role(review=review, user=by, roles=LEAD_ONLY)
    invitation = Invitation(review=review, email=email.strip().lower(), role=role, invited_by=by)
    url = _new_link(invitation)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise InvitationError(f"{invitation.email} is already invited to this review: resend or revoke it") from None
    _send_invitation(invitation, url)
    return invitation


@transaction.atomic
def resend(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    """Send a new link (the old one stops working) with a new expiry."""
    require_role(review=invitation.review, user=by, roles=LEAD_ONLY)
    old_hash = invitation.token_hash
    url = _new_link(invitation)
    changed = Invitation.objects.filter(pk=invitation.pk, token_hash=old_hash, status=InvitationStatus.PENDING).update(
        token_hash=invitation.token_hash, sent_at=invitation.sent_at, expires_at=invitation.expires_at
    )
    if not changed:
        raise InvitationError("This invitation was accepted, revoked or resent meanwhile")
    _send_invitation(invitation, url)
    return invitation


@transaction.atomic
def revoke(*, invitation: Invitation, by: AbstractBaseUser) -> None:
    require_role(review=invitation.review, user=by, roles=LEAD_ONLY)
    revoked = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED
    )
    if not revoked:
        raise InvitationError("This invitation was already accepted or revoked")


def usable_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("review", "invited_by").filter(token_hash=token_hash(token)).first()
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise LinkError("This invitation link is not valid: it was withdrawn or replaced by a newer one.")
    if invitation.status == InvitationStatus.ACCEPTED:
        raise LinkError("This invitation has already been used. Log in to open the review.")
    if invitation.is_expired:
        raise LinkError("This invitation has expired. Ask the review's lead to send it again.")
    return invitation


@transaction.atomic
def accept(*, token: str, user: AbstractBaseUser) -> Membership:
    """Join the review with the invitation's role; the link is used up. Someone already in the team keeps their
    role. Two tabs accepting at once: the status update is the guard, and only one of them joins."""
    invitation = usable_invitation(token)
    accepted = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.ACCEPTED, accepted_by=user, accepted_at=timezone.now()
    )
    if not accepted:
        raise LinkError("This invitation has already been used. Log in to open the review.")
    membership, _ = Membership.objects.get_or_create(
        review=invitation.review, user=user, defaults={"role": invitation.role}
    )
    return membership


def join_by_signing_up(*, token: str, user: AbstractBaseUser) -> Membership:
    """A person who signed up from an invitation's link: the address it was sent to is theirs, proved by the link."""
    invitation = usable_invitation(token)
    record_verified_address(user=user, email=invitation.email)
    return accept(token=token, user=user)


# Notifications


def set_frequency(*, user: AbstractBaseUser, frequency: str) -> NotificationSetting:
    setting, _ = NotificationSetting.objects.update_or_create(user=user, defaults={"frequency": frequency})
    return setting


def unsubscribe(*, user_id: int) -> None:
    """Stop every notification (the unsubscribe link of a message)."""
    NotificationSetting.objects.update_or_create(user_id=user_id, defaults={"frequency": Frequency.NONE})
