"""Creating and revoking personal API tokens."""

import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .models import PREFIX_LENGTH, ApiToken, token_hash


@transaction.atomic(durable=True)
def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token of `user` and its key, which is shown once: only its hash is stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=token_hash(key))
    return token, key


def revoke_token(*, user: User, token_id: int) -> bool:
    """Delete one of `user`'s tokens; False when they have no such token (another's is not theirs to revoke)."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


# A token used within this time is not written to again: one write a minute, not one per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
