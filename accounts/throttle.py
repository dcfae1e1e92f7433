"""Failed log-ins are counted per (account, client address) and per client address; past either limit, logging in
from that address is refused for a while, so that nobody can try passwords one after another. Nothing is counted per
account alone: a stranger's failures must not lock the owner out of their own account. Counts live in the cache
(Redis when CACHE_URL is set, which every worker shares; otherwise each process counts on its own)."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The address the request came from. Behind TRUSTED_PROXY_COUNT proxies it is the entry the outermost of them
    added to X-Forwarded-For (the entries left of it are whatever the client sent); with none configured the header
    is ignored, since anyone can send one. An IPv6 address stands for its /64, which one host usually holds whole."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]  # a test client or a misconfigured proxy; still counted
    if parsed.version == 6 and parsed.ipv4_mapped:  # an IPv4 client of a dual-stack server
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    # Hashed: the typed name is any text, and a cache key must not be (memcached refuses spaces and long keys).
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login-failures:account-address:{account}:{address}", limit),
        # An address gets more tries than an account from it: a hospital's staff may share one address.
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


def forget_failures(username: str, address: str) -> None:
    """After a successful log-in: the account's failures from this address. The address's count stays, or one
    valid account would let its holder wipe the count of their guesses at others."""
    cache.delete(_keys(username, address)[0][0])


def spend(kind: str, address: str) -> bool:
    """Count one request for a message (a password reset, a verification link) from this address; False once the
    address has asked for MAIL_REQUEST_LIMIT within the window, so that nobody floods an inbox or our mail server
    from one place. Counted whether or not a message is sent, which the page must not reveal."""
    key = f"mail-requests:{kind}:{address}"
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        count = 1
    return count <= settings.MAIL_REQUEST_LIMIT
