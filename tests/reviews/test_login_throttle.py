"""Log-in throttling: repeated failures lock the account (and, more loosely, the address) for a while."""

import time

import pytest
import redis
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_five_failures_even_the_right_password_is_refused(client):
    make_user("lena")
    for _ in range(5):
        assert attempt(client, "lena", "wrong").status_code == 200
    response = attempt(client, "lena", PASSWORD)
    assert response.status_code == 429 and "Too many failed log-ins" in response.text
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by lena's failures.
    make_user("ana")
    assert attempt(client, "ana", PASSWORD).status_code == 302


def test_a_successful_log_in_clears_the_accounts_failures(client):
    make_user("lena")
    for _ in range(4):
        attempt(client, "lena", "wrong")
    assert attempt(client, "lena", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "lena", "wrong")
    assert attempt(client, "lena", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        make_user(name)
        for _ in range(4):
            attempt(client, name, "wrong", address="10.9.9.9")
    make_user("victim")
    assert attempt(client, "victim", PASSWORD, address="10.9.9.9").status_code == 429
    assert attempt(client, "victim", PASSWORD, address="10.1.1.1").status_code == 302


def test_the_lock_ends_when_the_window_does(client, settings, monkeypatch):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 60
    make_user("lena")
    for _ in range(5):
        attempt(client, "lena", "wrong")
    assert attempt(client, "lena", PASSWORD).status_code == 429
    # The cache's clock moves past the window: a real wait would fail whenever the attempts took longer than it.
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert attempt(client, "lena", PASSWORD).status_code == 302


def test_workers_share_the_counts_through_redis(client, settings):
    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    redis.Redis.from_url(location).flushdb()
    make_user("lena")
    for _ in range(5):
        attempt(client, "lena", "wrong")
    # What one worker counted, another (a fresh connection) reads.
    assert list(redis.Redis.from_url(location).scan_iter("*login-failures:account:lena"))
    assert attempt(client, "lena", PASSWORD).status_code == 429
    redis.Redis.from_url(location).flushdb()
