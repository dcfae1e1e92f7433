"""Tiny readers for settings taken from environment variables.

Each raises ImproperlyConfigured on a value it cannot read, so a typo in a
deployment fails at start-up instead of silently falling back to a default.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


# The backends EMAIL_URL may name, by its scheme.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def email_settings(url: str) -> dict[str, object]:
    """Django's EMAIL_* settings from one URL: smtp://user:password@host:587?tls=1 (or ssl=1 for port 465),
    console:// (messages printed to the console, for `make run`) or locmem:// (kept in memory, for tests). The user
    and password are percent-decoded, so a password may hold any character."""
    parts = urlsplit(url)
    backend = _EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(f"EMAIL_URL={url!r}: the scheme must be one of {', '.join(_EMAIL_BACKENDS)}")
    settings: dict[str, object] = {"EMAIL_BACKEND": backend}
    if parts.scheme != "smtp":
        return settings
    query = parse_qs(parts.query)
    flags = {}
    for flag in ("tls", "ssl"):
        raw = query.pop(flag, ["0"])[-1].lower()
        if raw not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"EMAIL_URL: {flag}={raw!r} is not a boolean (use 1 or 0)")
        flags[flag] = raw in _TRUE
    if query:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown option {sorted(query)[0]!r} (tls and ssl are known)")
    if flags["tls"] and flags["ssl"]:
        raise ImproperlyConfigured("EMAIL_URL: tls=1 (STARTTLS) and ssl=1 (implicit TLS) exclude each other")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL: the port of {parts.netloc!r} is not a number") from None
    return {
        **settings,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (465 if flags["ssl"] else 587 if flags["tls"] else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flags["tls"],
        "EMAIL_USE_SSL": flags["ssl"],
    }
