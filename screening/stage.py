"""What the screening stage adds to every review (reviews/stages.py)."""

from identification.holds import holds_records
from identification.record_sets import RecordSet, register_set
from reviews.access import ADJUDICATORS, LEAD_ONLY, SCREENERS
from reviews.stages import NavEntry, Panel, RecordPanel, Stage

from .demo import simulate_screening
from .history import record_history
from .models import FinalDecision, Resolution
from .models import Stage as ScreeningStage
from .prisma import count_flow
from .record_filters import RECORD_FILTERS


@holds_records
def records_with_votes(records):
    """Records carrying screening votes: they keep their votes only while they are their group's primary."""
    return records.filter(votes__isnull=False)


# The records' exports select by resolved decisions only: a vote still waiting for the others is nobody else's to
# see (docs/security.md, blinding).
def _resolved(stage, decision):
    return lambda records: records.filter(resolutions__stage=stage, resolutions__decision=decision)


def exclusion_notes(records) -> dict[int, str]:
    """Why each record was excluded: the stage, and the reason where one was given."""
    exclusions = Resolution.objects.filter(record__in=records, decision=FinalDecision.EXCLUDE)
    notes = {}
    for record_id, stage, reason in exclusions.values_list("record_id", "stage", "exclusion_reason__label"):
        where = f"Excluded at {ScreeningStage(stage).label.lower()}"
        notes[record_id] = f"{where}: {reason}" if reason else where
    return notes


for record_set in (
    RecordSet(
        "included-title-abstract",
        "Included at title/abstract",
        _resolved(ScreeningStage.TITLE_ABSTRACT, FinalDecision.INCLUDE),
    ),
    RecordSet(
        "included-full-text", "Included at full text", _resolved(ScreeningStage.FULL_TEXT, FinalDecision.INCLUDE)
    ),
    RecordSet(
        "excluded",
        "Excluded (the reason as a note)",
        lambda records: records.filter(resolutions__decision=FinalDecision.EXCLUDE),
        exclusion_notes,
    ),
):
    register_set(record_set)


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
    demo=simulate_screening,
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
