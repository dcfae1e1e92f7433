"""Parts of the team page that another kernel app adds without `reviews` importing it: accounts lists the review's
pending invitations there (accounts/apps.py registers them). Like the stage registry, one way only."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from reviews.models import Membership, Review


@dataclass(frozen=True)
class TeamPanel:
    """`template` renders, below the members, what context(request, review, membership) returns."""

    template: str
    context: Callable[[Any, Review, Membership], dict[str, Any]]


_panels: dict[str, TeamPanel] = {}


def register(name: str, panel: TeamPanel) -> None:
    _panels[name] = panel


def panels(request, review: Review, membership: Membership) -> Iterable[tuple[str, dict[str, Any]]]:
    for panel in _panels.values():
        yield panel.template, panel.context(request, review, membership)
