"""The demo reviews' searches, their exports imported with the real import."""

import csv
import datetime
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile

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
    """Log the NMOSD demo's searches, made by the review's lead, and import their exports, once."""
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


# The BCG demo: the 13 trials of Colditz et al. 1994 (metafor's dat.bcg) and two reports that are no trial.
BCG_TRIALS = DEMO_DATA / "bcg_trials.csv"
BCG_OTHER_RECORDS = DEMO_DATA / "bcg_other_records.csv"
BCG_SEARCH = (
    "PubMed",
    "NCBI",
    SourceType.DATABASE,
    datetime.date(1993, 6, 1),
    '"BCG Vaccine"[MeSH] AND tuberculosis[tiab] AND (trial[tiab] OR controlled[tiab])',
)


def bcg_trials() -> list[dict[str, str]]:
    """The trials' rows: dat.bcg's columns (author, year, tpos, tneg, cpos, cneg, ablat, alloc) and the citation."""
    with BCG_TRIALS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def bcg_ris() -> bytes:
    """The BCG search's export as RIS, written from the trial list and the other records."""
    with BCG_OTHER_RECORDS.open(newline="", encoding="utf-8") as handle:
        rows = [*bcg_trials(), *csv.DictReader(handle)]
    lines = []
    for row in rows:
        lines += ["TY  - JOUR", f"TI  - {row['title']}"]
        lines += [f"AU  - {author.strip()}" for author in row["authors"].split(";")]
        lines += [f"PY  - {row['year']}", f"JO  - {row['journal']}", "ER  - ", ""]
    return "\n".join(lines).encode()


def import_bcg_search(review):
    """Log the BCG demo's search and import its export, once."""
    if review.imports.exists():
        return
    source, platform, source_type, date, strategy = BCG_SEARCH
    lead = review.created_by
    search = Search.objects.create(
        review=review,
        source=source,
        platform=platform,
        source_type=source_type,
        date_searched=date,
        strategy=strategy,
        created_by=lead,
    )
    file_name = "bcg_pubmed.ris"
    record_import = RecordImport.objects.create(
        review=review,
        search=search,
        upload=ContentFile(bcg_ris(), name=file_name),
        file_name=file_name,
        created_by=lead,
    )
    run_import(record_import)
