"""EMAIL_URL: one variable for Django's e-mail settings (config/env.py::email_settings)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_with_starttls_user_and_a_percent_encoded_password():
    assert email_settings("smtp://tandem%40example.org:p%40ss%3Aw@mail.example.org:587?tls=1") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "tandem@example.org",
        "EMAIL_HOST_PASSWORD": "p@ss:w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_implicit_tls_defaults_to_port_465_and_plain_smtp_to_25():
    assert email_settings("smtp://mail.example.org?ssl=1")["EMAIL_PORT"] == 465
    plain = email_settings("smtp://localhost")
    assert plain["EMAIL_PORT"] == 25 and not plain["EMAIL_USE_TLS"] and plain["EMAIL_HOST_USER"] == ""


def test_console_and_locmem():
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert email_settings("locmem://") == {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("smtps://mail.example.org", "scheme"),
        ("smtp://mail.example.org?tls=yes-please", "tls="),
        ("smtp://mail.example.org?tls=1&ssl=1", "exclude each other"),
        ("smtp://mail.example.org?starttls=1", "unknown option"),
        ("smtp://mail.example.org:twenty-five", "port"),
    ],
)
def test_a_mistyped_url_stops_the_start_with_a_clear_error(url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        email_settings(url)


def test_make_run_prints_messages_to_the_console():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "run: export EMAIL_URL ?= console://" in makefile
