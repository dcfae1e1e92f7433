"""What the identification stage adds to every review (reviews/stages.py)."""

from django.db.models import Count, Q

from reviews.access import ANY_ROLE
from reviews.stages import FileExport, NavEntry, Panel, Stage, by_demo

from .demo import import_bcg_search, import_demo_searches
from .exports import write_records_xlsx
from .models import DATABASES_AND_REGISTERS, Record
from .services import requeue_stalled_imports


def progress(review, membership) -> dict:
    """Records identified, and the duplicates removed among those from databases and registers (as PRISMA counts
    them, screening/prisma.py)."""
    from_databases = Q(source_import__search__source_type__in=DATABASES_AND_REGISTERS)
    return Record.objects.filter(review=review).aggregate(
        identified=Count("id"), duplicates=Count("id", filter=Q(duplicate_of__isnull=False) & from_databases)
    )


MOVED_FROM_REVIEWS = ("search", "recordimport", "record", "duplicatecandidate")

STAGE = Stage(
    app="identification",
    order=100,
    nav=(
        NavEntry("Searches", (("identification:searches",),), order=110),
        NavEntry("Imports", (("identification:imports",),), order=120),
        NavEntry("Records", (("identification:records",),), order=130),
        NavEntry("Duplicates", (("identification:duplicates",),), order=140),
    ),
    panel=Panel("identification/_progress.html", progress),
    demo=by_demo(nmosd=import_demo_searches, bcg=import_bcg_search),
    export=tuple(f"identification.{model}" for model in MOVED_FROM_REVIEWS),
    formerly={f"reviews.{model}": f"identification.{model}" for model in MOVED_FROM_REVIEWS},
    # The records' values as every member sees them on the records pages, nothing of anyone's votes.
    file_exports=(
        FileExport(
            slug="records-xlsx",
            label="Every record as a spreadsheet",
            extension="xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            roles=ANY_ROLE,
            write=write_records_xlsx,
            description="A row per record with the values the records pages show, and the group it was merged into.",
        ),
    ),
    requeue_stalled=requeue_stalled_imports,
)
