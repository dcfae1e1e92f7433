"""The records' exports as RIS or BibTeX, with the values the pages show; the writers are pure (exporters.py)."""

from django.db.models import QuerySet

from . import exporters
from .importers.base import RECORD_FIELDS


def export_records(*, records: QuerySet, file_format: str, notes: dict[int, str] | None = None) -> str:
    """The records, each with the values pages show (a duplicate group's best values on its primary), keyed by
    its id, and a note where `notes` has one."""
    notes = notes or {}
    rows = (
        {**vars(record.shown), "key": f"tandem{record.pk}", "note": notes.get(record.pk, "")}
        for record in records.only("pk", "merged", *RECORD_FIELDS).order_by("id").iterator(chunk_size=2000)
    )
    return exporters.write(file_format, rows)
