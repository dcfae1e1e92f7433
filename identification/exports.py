"""The records' exports as RIS or BibTeX, with the values the pages show; the writers are pure (exporters.py). The
spreadsheet of every record is made by a task worker (reviews/file_exports.py), a review of a million records being
too large for a request."""

from collections.abc import Callable
from typing import IO

from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from reviews.downloads import download_name, spreadsheet_safe, text_download

from . import exporters
from .importers.base import RECORD_FIELDS
from .record_filters import RecordFilters


def export_records(*, records: QuerySet, file_format: str, notes: dict[int, str] | None = None) -> str:
    """The records, each with the values pages show (a duplicate group's best values on its primary), keyed by
    its id, and a note where `notes` has one."""
    notes = notes or {}
    rows = (
        {**vars(record.shown), "key": f"tandem{record.pk}", "note": notes.get(record.pk, "")}
        for record in records.only("pk", "merged", *RECORD_FIELDS).order_by("id").iterator(chunk_size=2000)
    )
    return exporters.write(file_format, rows)


def records_download(*, review, user, params, file_format: str) -> HttpResponse:
    """The records the records page's filters in `params` select for this member (a later stage's too, such as those
    included), as a RIS or BibTeX file: the page's download and the API's, so both select and blind alike."""
    if file_format not in exporters.FORMATS:
        raise Http404("No such format.")
    filters = RecordFilters.from_query(params)
    offered = filters.offered(review, user, every=False)
    records = filters.apply(review.records.all(), review=review, user=user, offered=offered)
    content = export_records(records=records, file_format=file_format, notes=filters.notes(records, offered))
    _, extension, media_type = exporters.FORMATS[file_format]
    return text_download(download_name(review, filters.download_name(offered), extension), media_type, content)


# A worksheet holds 1,048,576 rows, the header one of them.
XLSX_MAX_RECORDS = 1_048_575
XLSX_PROGRESS_EVERY = 10_000


def write_records_xlsx(review, out: IO[bytes], progress: Callable[[str], None]) -> None:
    """Every record of the review, a row each, with the values pages show and the group it was merged into."""
    from openpyxl import Workbook

    records = review.records.all()
    total = records.count()
    if total > XLSX_MAX_RECORDS:
        raise ValueError(f"{total:,} records do not fit in a worksheet ({XLSX_MAX_RECORDS:,} at most): export RIS")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Records")
    sheet.append(["id", *RECORD_FIELDS, "duplicate of"])
    columns = ("pk", "merged", "duplicate_of_id", *RECORD_FIELDS)
    for count, record in enumerate(records.only(*columns).order_by("id").iterator(chunk_size=2000), 1):
        shown = record.shown
        values = [
            "; ".join(value) if isinstance(value, list) else value
            for value in (getattr(shown, f) for f in RECORD_FIELDS)
        ]
        sheet.append([record.pk, *(spreadsheet_safe(value) for value in values), record.duplicate_of_id])
        if count % XLSX_PROGRESS_EVERY == 0:
            progress(f"Written {count:,} of {total:,} records")
    progress(f"Saving the workbook of {total:,} records")
    workbook.save(out)
