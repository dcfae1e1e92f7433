"""What the risk-of-bias stage adds to every review (reviews/stages.py)."""

from reviews.stages import NavEntry, Panel, Stage, by_demo

from .demo import appraise_bcg_trials, appraise_demo_studies
from .models import Appraisal
from .services import complete_appraisals, is_locked
from .todo import todo


def progress(review, membership) -> dict:
    return {
        "appraisals": Appraisal.objects.filter(review=review).count(),
        "complete": complete_appraisals(review).count(),
        "locked": is_locked(review),
    }


STAGE = Stage(
    app="appraisal",
    order=400,  # after extraction (300), before analysis (500): it imports extraction and screening only
    nav=(NavEntry("Risk of bias", (("appraisal:overview",),), order=410),),
    panel=Panel("appraisal/_progress.html", progress),
    todo=todo,
    demo=by_demo(nmosd=appraise_demo_studies, bcg=appraise_bcg_trials),
    export=(
        "appraisal.customtool",
        "appraisal.toolchoice",
        "appraisal.appraisal",
        "appraisal.assessment",
        "appraisal.answer",
        "appraisal.judgement",
        "appraisal.consensus",
        "appraisal.appraisallock",
        "appraisal.auditevent",
    ),
)
