"""The records' exports as RIS or BibTeX, with the values the pages show; the writers are pure (exporters.py)."""

from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from reviews.downloads import download_name, text_download

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
