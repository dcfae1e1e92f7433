"""Turning a service's refusal into the message a page shows: one helper for every stage's views (and the admin)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def attempt(
    request: HttpRequest,
    change: Callable[[], Any],
    success: str | Callable[[Any], str] | None,
    refusals: tuple[type[Exception], ...],
    *,
    failure: str = "Not done",
    level: int = messages.ERROR,
) -> Any:
    """Run a service call. A refusal among `refusals` becomes the message "`failure`: the refusal." (at `level`) and
    the call returns None; otherwise `success` is shown (a text, or a function of the call's result; None shows
    nothing, for a page that says more itself) and the call's result returned."""
    try:
        result = change()
    except refusals as exc:
        messages.add_message(request, level, f"{failure}: {exc}.")
        return None
    if success is not None:
        messages.success(request, success if isinstance(success, str) else success(result))
    return result
