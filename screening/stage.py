"""What the screening stage adds to every review (reviews/stages.py)."""

from identification.holds import holds_records
from reviews.access import ADJUDICATORS, LEAD_ONLY, SCREENERS
from reviews.stages import NavEntry, Panel, RecordPanel, Stage, by_demo

from .demo import screen_bcg_records, simulate_screening
from .history import record_history
from .prisma import count_flow
from .record_filters import RECORD_FILTERS
from .todo import todo


@holds_records
def records_with_votes(records):
    """Records carrying screening votes: they keep their votes only while they are their group's primary."""
    return records.filter(votes__isnull=False)


def progress(review, membership) -> dict:
    return {"flow": count_flow(review)}


STAGE = Stage(
    app="screening",
    order=200,
    nav=(
        NavEntry("Title/abstract screening", (("screening:queue", "title-abstract"),), order=210, roles=SCREENERS),
        NavEntry("Prioritisation", (("screening:prioritisation",),), order=215, roles=LEAD_ONLY),
        NavEntry("Full text screening", (("screening:queue", "full-text"),), order=220, roles=SCREENERS),
        NavEntry(
            "Conflicts",
            (("screening:conflicts", "title-abstract"), ("screening:conflicts", "full-text")),
            order=230,
            roles=ADJUDICATORS,
        ),
        NavEntry("Retrieve full texts", (("screening:reports",),), order=240),
        NavEntry("Agreement", (("screening:agreement",),), order=250),
        # The PRISMA diagram reports the whole flow, so it comes after every stage.
        NavEntry("PRISMA", (("screening:prisma",),), order=800),
    ),
    panel=Panel("screening/_progress.html", progress),
    record_panel=RecordPanel("screening/_record_history.html", record_history),
    record_filters=RECORD_FILTERS,
    todo=todo,
    demo=by_demo(nmosd=simulate_screening, bcg=screen_bcg_records),
    export=(
        "screening.vote",
        "screening.voteevent",
        "screening.automationexclusion",
        "screening.resolution",
        "screening.study",
        "screening.report",
        "screening.tag",
        "screening.recordtag",
        "screening.prioritisation",
        "screening.relevancescore",
    ),
)
