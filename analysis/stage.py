"""What the analysis stage adds to every review (reviews/stages.py)."""

from reviews.stages import NavEntry, Panel, Stage, by_demo

from .demo import analyse_bcg_trials, simulate_analysis
from .outcomes import defined_outcomes
from .services import requeue_stalled_runs


def progress(review, membership) -> dict:
    return {"analyses": review.analysis_runs.count()}


STAGE = Stage(
    app="analysis",
    order=500,
    nav=(NavEntry("Analysis", (("analysis:runs",),), order=510),),
    panel=Panel("analysis/_progress.html", progress),
    demo=by_demo(nmosd=simulate_analysis, bcg=analyse_bcg_trials),
    export=("analysis.outcomemapping", "analysis.analysisrun", "analysis.plot"),
    requeue_stalled=requeue_stalled_runs,
    outcomes=defined_outcomes,
)
