"""The demo review's searches, their exports imported with the real import."""

import datetime
from pathlib import Path

from django.core.files import File

from identification.models import RecordImport, Search, SourceType
from identification.services import run_import

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
# (source, platform, type, date, strategy, file)
DEMO_SEARCHES = [
    (
        "PubMed",
        "NCBI",
        SourceType.DATABASE,
        datetime.date(2022, 9, 1),
        '("neuromyelitis optica"[MeSH] OR NMOSD[tiab]) AND (tocilizumab[tiab] OR azathioprine[tiab])',
        "pubmed.nbib",
    ),
    (
        "Embase",
        "Ovid",
        SourceType.DATABASE,
        datetime.date(2022, 9, 1),
        "exp neuromyelitis optica/ AND (tocilizumab/ OR azathioprine/)",
        "embase_ovid.ris",
    ),
    (
        "Scopus",
        "Elsevier",
        SourceType.DATABASE,
        datetime.date(2022, 9, 2),
        'TITLE-ABS-KEY(("neuromyelitis optica" OR nmosd) AND (tocilizumab OR azathioprine))',
        "scopus.csv",
    ),
    (
        "Web of Science",
        "Clarivate",
        SourceType.DATABASE,
        datetime.date(2022, 9, 2),
        "TS=((neuromyelitis optica OR NMOSD) AND (tocilizumab OR azathioprine))",
        "nmosd_illustrative.ris",
    ),
    (
        "Reference lists of included studies",
        "",
        SourceType.CITATION,
        datetime.date(2022, 10, 15),
        "",
        "citation_searching_zotero.ris",
    ),
]


def import_demo_searches(review):
    """Log the demo's searches, made by the review's lead, and import their exports, once."""
    if review.imports.exists():
        return
    lead = review.created_by
    for source, platform, source_type, date, strategy, file_name in DEMO_SEARCHES:
        search = Search.objects.create(
            review=review,
            source=source,
            platform=platform,
            source_type=source_type,
            date_searched=date,
            strategy=strategy,
            created_by=lead,
        )
        with (DEMO_DATA / file_name).open("rb") as handle:
            record_import = RecordImport.objects.create(
                review=review, search=search, upload=File(handle, name=file_name), file_name=file_name, created_by=lead
            )
        run_import(record_import)
