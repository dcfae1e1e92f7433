"""The stage registry: how a stage app plugs into the kernel without the kernel importing it.

Each stage app (identification, screening, extraction, analysis, and those to come) registers one Stage in its
AppConfig.ready(): its links in a review's navigation, its lines in the dashboard's progress panel, its step of
the demo and its models in a review's backup. The kernel draws the navigation (reviews/templatetags/
navigation.py), the dashboard (reviews/views.py), `manage.py demo` and the backup (reviews/backup.py) from here,
in the stages' order. See docs/architecture.md.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.apps import apps

from reviews.access import ANY_ROLE, LEAD_ONLY
from reviews.models import Membership, Review

# A link: a URL name, reversed with the review's id and then these extra arguments.
Link = tuple[str, ...]


@dataclass(frozen=True)
class NavEntry:
    """A section of the review's navigation. Its first URL is the link; a page under any of its URLs belongs to it,
    so the section is shown as the current one there."""

    label: str
    urls: tuple[Link, ...]
    # Place among all sections, the kernel's included: Overview is 0, Team 900, Settings 910.
    order: int
    roles: frozenset[str] = ANY_ROLE


@dataclass(frozen=True)
class Panel:
    """A stage's part of the dashboard's progress panel: `template` renders <dt>/<dd> lines from `panel`, the
    dictionary context(review, membership) returns (and from review and membership)."""

    template: str
    context: Callable[[Review, Membership], dict[str, Any]]


@dataclass(frozen=True)
class RecordPanel:
    """A stage's part of a record's page (identification's): `template` renders what context(record, review, user)
    returns, within what the stage lets that user see of the record."""

    template: str
    context: Callable[[Any, Review, Any], dict[str, Any]]


@dataclass(frozen=True)
class RecordFilter:
    """A list on the records page (identification's) by which a later stage narrows the records, there and in the
    records' exports: choices(review, user) gives its (value, label) pairs, within what the stage lets that user
    see; apply(records, review, user, value) returns the records that match one of them; notes(records, value), if
    given, the exports' note on each of those records ({record id: note}; why it was excluded, say)."""

    name: str  # the query string's parameter
    label: str
    choices: Callable[[Review, Any], list[tuple[str, str]]]
    apply: Callable[[Any, Review, Any, str], Any]
    notes: Callable[[Any, str], dict[int, str]] | None = None


@dataclass(frozen=True)
class Todo:
    """Something waiting for a person in a review: `count` items described by `label` ("records wait for your vote
    at title/abstract"), and the page where they are done. A count only: a to-do list, and the digest that sends
    it, must never tell one reviewer how another voted."""

    count: int
    label: str
    url: str


@dataclass(frozen=True)
class FileExport:
    """A file made from a whole review by a task worker, too large to make within a request (reviews/
    file_exports.py). write(review, out, progress) writes it to the binary file `out`, calling progress(message)
    now and then (which also shows the worker alive); `roles` may request it and download it."""

    slug: str
    label: str
    extension: str
    content_type: str
    roles: frozenset[str]
    write: Callable[[Review, IO[bytes], Callable[[str], None]], None]
    description: str = ""
    # Whether the review offers it at all (a backup is not offered in a blinded review), checked on every path.
    offered: Callable[[Review], bool] = lambda review: True


@dataclass(frozen=True)
class Stage:
    """What a stage app adds to every review."""

    app: str  # the app's label
    # Place in the review's workflow: identification 100, screening 200, extraction 300, analysis 500. A new stage
    # takes a free number between those it follows and those that follow it; stages import only earlier stages.
    order: int
    nav: tuple[NavEntry, ...] = ()
    panel: Panel | None = None
    record_panel: RecordPanel | None = None
    record_filters: tuple[RecordFilter, ...] = ()
    # What waits for this member in this review (todo(review, membership) -> Todos, those with a count of 0
    # left out by the kernel): on the dashboard, "My reviews" and the notification digests.
    todo: Callable[[Review, Membership], list[Todo]] | None = None
    # Fills a demo review in (manage.py demo), after the earlier stages' steps; a second run changes nothing. Each
    # demo review is passed in turn: a step reads review.demo, or is made per demo with by_demo.
    demo: Callable[[Review], None] | None = None
    # Its models holding a review's rows ("app.model"), in the order a backup writes them.
    export: tuple[str, ...] = ()
    # Labels of its models in backups written before they moved here ("reviews.record": "identification.record").
    formerly: dict[str, str] = field(default_factory=dict)
    # Its large files made by a worker (a spreadsheet of every record), offered on the review's exports page.
    file_exports: tuple[FileExport, ...] = ()
    # Queues again (once) or fails its background work whose worker died, returning a line per item it acted on;
    # run by `manage.py requeue_stalled` from a timer.
    requeue_stalled: Callable[[], list[str]] | None = None
    # The outcomes it defines for a review, as (key, label): how an earlier stage names one without importing this
    # one (RoB 2 assesses a study per outcome, and analysis defines the outcomes).
    outcomes: Callable[[Review], list[tuple[str, str]]] | None = None


# The kernel's own sections and models, around and before the stages'.
KERNEL_NAV = (
    NavEntry("Overview", (("reviews:dashboard",),), order=0),
    NavEntry("Exports", (("reviews:exports",),), order=890),
    NavEntry("Team", (("reviews:members",),), order=900),
    NavEntry("Settings", (("reviews:settings",),), order=910, roles=LEAD_ONLY),
)
# accounts.invitation: the team's pending and past invitations (accounts owns them; named here, not imported).
KERNEL_EXPORT = ("reviews.review", "reviews.membership", "accounts.invitation", "reviews.exclusionreason")

_registered: dict[str, Stage] = {}


def register(stage: Stage) -> None:
    """Called from the stage app's AppConfig.ready(); registering an app again replaces its stage."""
    _registered[stage.app] = stage


def stages() -> list[Stage]:
    """The registered stages of the installed apps, in workflow order."""
    return sorted((s for s in _registered.values() if s.app in apps.app_configs), key=lambda s: s.order)


def navigation() -> list[NavEntry]:
    """Every section of a review's navigation, the kernel's and the stages', in order."""
    return sorted([*KERNEL_NAV, *(entry for stage in stages() for entry in stage.nav)], key=lambda e: e.order)


def panels(review: Review, membership: Membership) -> Iterable[tuple[str, dict[str, Any]]]:
    """(template, panel context) of each stage's part of the dashboard, in workflow order."""
    for stage in stages():
        if stage.panel is not None:
            yield stage.panel.template, stage.panel.context(review, membership)


def todos(review: Review, membership: Membership) -> list[Todo]:
    """What waits for this member in this review, stage by stage; nothing for a stage with nothing waiting."""
    return [
        todo for stage in stages() if stage.todo is not None for todo in stage.todo(review, membership) if todo.count
    ]


def record_panels(record, review: Review, user) -> Iterable[tuple[str, dict[str, Any]]]:
    """(template, context) of each later stage's part of a record's page, in workflow order."""
    for stage in stages():
        if stage.record_panel is not None:
            yield stage.record_panel.template, stage.record_panel.context(record, review, user)


def outcomes(review: Review) -> list[tuple[str, str]]:
    """The review's outcomes as (key, label), from every stage that defines some, in workflow order."""
    return [outcome for stage in stages() if stage.outcomes for outcome in stage.outcomes(review)]


def record_filters() -> list[RecordFilter]:
    """The later stages' filters of the records page, in workflow order."""
    return [record_filter for stage in stages() for record_filter in stage.record_filters]


def by_demo(**steps: Callable[[Review], None]) -> Callable[[Review], None]:
    """A stage's demo step that fills each demo review (Review.demo: "nmosd", "bcg") with that demo's own step;
    a review of a demo the stage has no step for is left alone."""

    def step(review: Review) -> None:
        chosen = steps.get(review.demo)
        if chosen is not None:
            chosen(review)

    return step


def run_demo(review: Review) -> None:
    """Each stage's demo step on the demo review, in workflow order."""
    for stage in stages():
        if stage.demo is not None:
            stage.demo(review)


def export_order() -> list[str]:
    """Model labels in the order a backup writes them: the kernel's, then each stage's."""
    return [*KERNEL_EXPORT, *(label for stage in stages() for label in stage.export)]


def file_exports() -> list[FileExport]:
    """The stages' file exports, in workflow order (the kernel adds its backup, reviews/file_exports.py)."""
    return [export for stage in stages() for export in stage.file_exports]


def requeue_stalled() -> list[str]:
    """Each stage's stalled background work queued again or failed, in workflow order."""
    return [line for stage in stages() if stage.requeue_stalled is not None for line in stage.requeue_stalled()]


def former_labels() -> dict[str, str]:
    """{label in older backups: label now} over every stage."""
    return {old: new for stage in stages() for old, new in stage.formerly.items()}
