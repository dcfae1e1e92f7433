"""What the test stage adds to every review: between extraction (300) and analysis (500), as risk of bias will."""

from reviews.stages import NavEntry, Panel, Stage

from .models import Note


def progress(review, membership) -> dict:
    return {"notes": Note.objects.filter(review=review).count()}


def write_demo_note(review) -> None:
    Note.objects.get_or_create(review=review, text="Appraised in the demo")


STAGE = Stage(
    app="plugin_stage",
    order=450,  # after the risk-of-bias stage (400), before analysis (500)
    nav=(NavEntry("Appraisal notes", (("plugin_stage:notes",),), order=450),),
    panel=Panel("plugin_stage/_progress.html", progress),
    demo=write_demo_note,
    export=("plugin_stage.note",),
)
