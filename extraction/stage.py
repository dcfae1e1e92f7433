"""What the extraction stage adds to every review (reviews/stages.py)."""

from reviews.stages import NavEntry, Panel, Stage, by_demo
from screening.prisma import count_included

from .demo import extract_bcg_trials, simulate_extraction
from .services import is_locked
from .todo import todo


def progress(review, membership) -> dict:
    return {"studies": count_included(review).studies, "locked": is_locked(review)}


STAGE = Stage(
    app="extraction",
    order=300,
    nav=(NavEntry("Extraction", (("extraction:overview",),), order=310),),
    panel=Panel("extraction/_progress.html", progress),
    todo=todo,
    demo=by_demo(nmosd=simulate_extraction, bcg=extract_bcg_trials),
    export=(
        "extraction.extractionform",
        "extraction.section",
        "extraction.formfield",
        "extraction.extraction",
        "extraction.value",
        "extraction.consensus",
        "extraction.extractionlock",
        "extraction.auditevent",
    ),
)
