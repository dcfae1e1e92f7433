"""Personal API tokens: a token acts with its owner's roles, and only its hash is kept."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

# The first characters of a token, kept in clear so that its owner can tell their tokens apart.
PREFIX_LENGTH = 8


def token_hash(key: str) -> str:
    """SHA-256 is enough: a token is 256 random bits, not a password that a slow hash must protect."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, key: str) -> "ApiTokenQuerySet":
        return self.filter(key_hash=token_hash(key), user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'R scripts on my laptop'.")
    prefix = models.CharField(max_length=PREFIX_LENGTH, help_text="The token's first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, help_text="SHA-256 of the token; the token itself is never kept.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="api_token_unique_hash"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
