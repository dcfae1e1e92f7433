"""Failed log-ins are counted per account and per client address; past the limit, logging in is refused for a
while, so that nobody can try passwords one after another. Counts live in the cache (Redis when CACHE_URL is
set, which every worker shares; otherwise each process counts on its own)."""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    # An address gets more tries than an account: a hospital's staff may share one address.
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login-failures:account:{username.strip().lower()}", limit),
        (f"login-failures:address:{address}", 4 * limit),
    ]


def blocked(username: str, address: str) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key, _limit in _keys(username, address):
        # add() starts the window with the first failure; incr() never extends it.
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def forget_failures(username: str) -> None:
    cache.delete(_keys(username, "")[0][0])
