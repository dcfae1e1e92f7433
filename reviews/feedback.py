"""Turning a service's refusal into the message a page shows: one helper for every stage's views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def attempt(request: HttpRequest, change: Callable[[], Any], success: str, refusals: tuple[type[Exception], ...]):
    """Run a service call; a refusal among `refusals` becomes an error message (and None), else `success` is shown
    and the call's result returned."""
    try:
        result = change()
    except refusals as exc:
        messages.error(request, f"Not done: {exc}.")
        return None
    messages.success(request, success)
    return result
