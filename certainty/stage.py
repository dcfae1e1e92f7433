"""What the certainty stage (GRADE) adds to every review (reviews/stages.py)."""

from reviews.stages import NavEntry, Panel, Stage

from .demo import grade_demo_outcomes
from .models import GradeJudgement


def progress(review, membership) -> dict:
    return {"judged": GradeJudgement.objects.filter(review=review).in_force().values("outcome").distinct().count()}


STAGE = Stage(
    app="certainty",
    order=600,  # after analysis (500): it reads the runs, and the risk of bias of appraisal (400)
    nav=(NavEntry("Certainty (GRADE)", (("certainty:summary",),), order=610),),
    panel=Panel("certainty/_progress.html", progress),
    demo=grade_demo_outcomes,
    export=("certainty.outcomegrading", "certainty.gradejudgement"),
)
