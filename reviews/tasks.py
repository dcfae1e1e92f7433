"""Large exports are tasks: a worker process (`manage.py db_worker`) writes a review's backup or a stage's big
spreadsheet while the exports page shows its progress (reviews/file_exports.py)."""

import contextlib

from django_tasks import task

from reviews.file_exports import Superseded, run_export
from reviews.models import ReviewExport


@task()
def build_export(export_id: int, attempt: int) -> None:
    """Run one attempt of an export. A task of an attempt queued again since, or of an export another worker
    finished, stops before writing anything."""
    export = ReviewExport.objects.unfinished().select_related("review").filter(pk=export_id, attempt=attempt).first()
    if export is None:
        return
    # Any other error is recorded on the export by run_export and raised again, so the task shows as failed.
    with contextlib.suppress(Superseded):
        run_export(export)
