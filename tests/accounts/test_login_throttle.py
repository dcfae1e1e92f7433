"""Log-in throttling: repeated failures stop an address trying an account, and (more loosely) trying any account; a
stranger's failures never lock the owner out of their own account."""

import time

import pytest
import redis
from django.test import RequestFactory
from django.urls import reverse

from accounts.throttle import client_address
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def attempt(client, username, password, address="10.0.0.1", url=LOGIN, **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, headers=headers)


def test_after_five_failures_even_the_right_password_is_refused_from_that_address(client):
    make_user("lena")
    for _ in range(5):
        assert attempt(client, "lena", "wrong").status_code == 200
    response = attempt(client, "lena", PASSWORD)
    assert response.status_code == 429 and "Too many failed log-ins" in response.text
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by lena's failures.
    make_user("ana")
    assert attempt(client, "ana", PASSWORD).status_code == 302


def test_a_stranger_failing_from_another_address_does_not_lock_the_owner_out(client):
    make_user("lena")
    for _ in range(10):
        attempt(client, "lena", "guess", address="203.0.113.66")
    assert attempt(client, "lena", PASSWORD, address="203.0.113.66").status_code == 429
    assert attempt(client, "lena", PASSWORD, address="10.0.0.1").status_code == 302


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


def test_logging_in_to_ones_own_account_does_not_clear_the_addresss_count(client):
    make_user("mallory")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        for _ in range(4 if name != "a5" else 3):
            attempt(client, name, "wrong", address="10.9.9.9")
    assert attempt(client, "mallory", PASSWORD, address="10.9.9.9").status_code == 302
    client.logout()
    attempt(client, "a6", "wrong", address="10.9.9.9")  # the twentieth failure from this address
    assert attempt(client, "mallory", PASSWORD, address="10.9.9.9").status_code == 429


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


def test_the_admin_log_in_is_throttled_too(client):
    make_user("staff", is_staff=True)
    admin_login = reverse("admin:login")
    for _ in range(5):
        attempt(client, "staff", "wrong", url=admin_login)
    response = attempt(client, "staff", PASSWORD, url=admin_login)
    assert "Too many failed log-ins" in response.text and "_auth_user_id" not in client.session
    assert attempt(client, "staff", PASSWORD, address="10.0.0.2", url=admin_login).status_code == 302


def test_a_forwarded_for_header_is_ignored_unless_proxies_are_trusted(client):
    make_user("lena")
    for number in range(5):
        attempt(client, "lena", "guess", address="203.0.113.66", x_forwarded_for=f"198.51.100.{number}")
    assert attempt(client, "lena", PASSWORD, address="203.0.113.66", x_forwarded_for="10.0.0.1").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    make_user("lena")
    for _ in range(5):
        # What the stranger puts in the header themselves comes before what the proxy appends.
        attempt(client, "lena", "guess", address=proxy, x_forwarded_for="192.0.2.1, 203.0.113.66")
    assert attempt(client, "lena", PASSWORD, address=proxy, x_forwarded_for="192.0.2.1").status_code == 302
    client.logout()
    assert attempt(client, "lena", PASSWORD, address=proxy, x_forwarded_for="203.0.113.66").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (1, "10.0.0.254", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.254", "6.6.6.6, 198.51.100.7, 10.0.0.253", "198.51.100.7"),
        (2, "10.0.0.254", "198.51.100.7", "10.0.0.254"),  # fewer entries than proxies: not from the proxies
        (0, "2001:db8:1:2:aaaa::1", "", "2001:db8:1:2::/64"),  # one host usually holds a whole /64
        (0, "::ffff:192.0.2.1", "", "192.0.2.1"),  # an IPv4 client of a dual-stack server
        (1, "10.0.0.254", "not an address", "not an address"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


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
    assert list(redis.Redis.from_url(location).scan_iter("*login-failures:address:10.0.0.1"))
    assert attempt(client, "lena", PASSWORD).status_code == 429
    redis.Redis.from_url(location).flushdb()
