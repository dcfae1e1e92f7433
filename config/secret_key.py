"""The SECRET_KEY of an installation that sets none: a random key made on first start and kept in a file.

Sessions, CSRF tokens and password-reset links are signed with the key, so every process of an installation must
use the same one and it must survive restarts; a key anyone else can know (a default written in the source) would
let them forge a session. Hence one random key per installation, in a file only its owner can read.
"""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Django's own check (security.W009) asks for at least 50 characters.
MIN_LENGTH = 50


def read_or_create(path: Path) -> str:
    if not path.exists():
        _create(path)
    key = path.read_text().strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path} holds no usable secret key (under {MIN_LENGTH} characters): delete it to have a new one made"
        )
    return key


def _create(path: Path) -> None:
    # Written under a temporary name and linked into place, so that processes starting together (gunicorn workers,
    # parallel test runs) agree on one key and none reads a half-written file.
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(MIN_LENGTH) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: everyone uses that one
        finally:
            os.unlink(temporary)
    except OSError as error:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} cannot be written ({error.strerror}): "
            "set SECRET_KEY, or SECRET_KEY_FILE to a file Tandem may create"
        ) from None
