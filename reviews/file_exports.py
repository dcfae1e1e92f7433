"""Large files made from a whole review by a task worker: the backup (reviews/backup.py) and the stages' file
exports (a spreadsheet of every record). A request queues one; the worker writes the file to a temporary file,
reporting progress on the export's row, and stores it (media storage) only when it is complete; the exports page
shows the progress, the error of a failed one, and offers the finished file to the roles its kind allows.

A file in storage that no export holds (of an export deleted with its review, or stored by a worker that stopped
before recording it) is removed by `manage.py requeue_stalled` once it is older than a stalled task.

A worker killed mid-export stored nothing; `manage.py requeue_stalled` queues the export again once, as a new
attempt (a run of the old attempt, if it was only slow, stops at its next progress report and keeps no file), and
fails it with the reason shown when the second attempt stalls too."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from reviews import stages
from reviews.access import LEAD_ONLY, require_role
from reviews.backup import write_backup
from reviews.models import ExportStatus, Review, ReviewExport

logger = logging.getLogger(__name__)

# A stalled export is run once more, then failed.
MAX_ATTEMPTS = 2

# Every vote of every reviewer is in a backup, unblinded, with the team's accounts: for the leads only, and not in
# a blinded review, where a lead who screens must not see the others' votes (the operator has manage.py
# export_review there).
BACKUP = stages.FileExport(
    slug="backup",
    label="Backup of the whole review",
    extension="json",
    content_type="application/json",
    roles=LEAD_ONLY,
    write=write_backup,
    offered=lambda review: not review.blinded,
    description="Every record, vote, study, extracted value, analysis and uploaded file, unblinded, as one JSON "
    "document that manage.py import_review restores.",
)


def kinds() -> dict[str, stages.FileExport]:
    return {kind.slug: kind for kind in (BACKUP, *stages.file_exports())}


def kinds_for(review: Review, role: str) -> list[stages.FileExport]:
    return [kind for kind in kinds().values() if role in kind.roles and kind.offered(review)]


class Superseded(Exception):
    """A later attempt of the export has taken over, or it finished meanwhile; this run keeps nothing."""


def request_export(*, review: Review, user, kind: str) -> ReviewExport:
    """Queue an export of this kind, or return the one of this kind already under way."""
    export_kind = kinds()[kind]
    try:
        with transaction.atomic(durable=True):
            # The role as it is now: a lead demoted since the page was drawn gets no backup.
            require_role(review=review, user=user, roles=export_kind.roles)
            if not export_kind.offered(review):
                raise PermissionDenied(f"{export_kind.label} is not offered in this review")
            export = ReviewExport.objects.create(
                review=review, kind=kind, requested_by=user, heartbeat_at=timezone.now(), progress="Waiting to start"
            )
            start_export(export)
    except IntegrityError:
        # One unfinished export per kind (a constraint): a second request joins it.
        return review.file_exports.unfinished().get(kind=kind)
    return export


def start_export(export: ReviewExport) -> None:
    from reviews.tasks import build_export

    export_id, attempt = export.pk, export.attempt
    transaction.on_commit(lambda: build_export.enqueue(export_id, attempt))


def _this_attempt(export: ReviewExport):
    return ReviewExport.objects.unfinished().filter(pk=export.pk, attempt=export.attempt)


def _beat(export: ReviewExport, message: str, **fields) -> None:
    """Record progress (which shows the worker alive), unless a later attempt has taken over."""
    if not _this_attempt(export).update(progress=message[:200], heartbeat_at=timezone.now(), **fields):
        raise Superseded(export.pk)


def run_export(export: ReviewExport) -> None:
    """Write the export's file and store it; the export ends DONE with its file, or FAILED with the reason."""
    export_kind = kinds().get(export.kind)
    _beat(export, "Starting", status=ExportStatus.RUNNING)
    try:
        if export_kind is None:
            raise ValueError(f"no export of kind {export.kind!r} is installed")
        with tempfile.TemporaryFile() as out:
            export_kind.write(export.review, out, lambda message: _beat(export, message))
            _beat(export, "Storing the file")
            out.seek(0)
            name = default_storage.save(
                f"exports/review-{export.review_id}/{export.kind}-{export.pk}-{export.attempt}.{export_kind.extension}",
                File(out),
            )
    except Superseded:
        raise
    except Exception as exc:
        logger.exception("export %s failed", export.pk)
        _this_attempt(export).update(
            status=ExportStatus.FAILED, error=f"the export failed: {exc}", progress="", finished_at=timezone.now()
        )
        raise
    now = timezone.now()
    if not _this_attempt(export).update(status=ExportStatus.DONE, file=name, progress="", finished_at=now):
        default_storage.delete(name)  # a later attempt took over: its file is the one kept
        raise Superseded(export.pk)


def requeue_stalled_exports() -> list[str]:
    """Exports whose worker died (no progress for TASK_STALLED_MINUTES): queued again as a new attempt, once;
    failed with the reason when that attempt stalled too."""
    stalled_before = timezone.now() - timedelta(minutes=settings.TASK_STALLED_MINUTES)
    lines = []
    for export in ReviewExport.objects.unfinished().filter(heartbeat_at__lt=stalled_before):
        # Compare-and-swap on the heartbeat seen: an export that made progress meanwhile is left alone.
        same = ReviewExport.objects.unfinished().filter(
            pk=export.pk, attempt=export.attempt, heartbeat_at=export.heartbeat_at
        )
        now = timezone.now()
        if export.attempt < MAX_ATTEMPTS:
            with transaction.atomic():
                if same.update(
                    status=ExportStatus.QUEUED,
                    attempt=F("attempt") + 1,
                    heartbeat_at=now,
                    progress="Queued again: the worker making it stopped",
                ):
                    export.refresh_from_db(fields=["attempt"])
                    start_export(export)
                    lines.append(f"export {export.pk} ({export.kind}) queued again as attempt {export.attempt}")
        elif same.update(
            status=ExportStatus.FAILED,
            progress="",
            finished_at=now,
            error=f"the worker making it stopped {export.attempt} times without finishing; request it again",
        ):
            lines.append(f"export {export.pk} ({export.kind}) failed after {export.attempt} attempts")
    return lines


def remove_orphan_files() -> list[str]:
    """Remove the files under exports/ that no export holds, once older than TASK_STALLED_MINUTES (a younger one
    may be a file a worker has stored and is about to record on its export)."""
    kept = set(ReviewExport.objects.exclude(file="").values_list("file", flat=True))
    old_before = timezone.now() - timedelta(minutes=settings.TASK_STALLED_MINUTES)
    lines = []
    for name in _stored("exports"):
        if name not in kept and default_storage.get_modified_time(name) < old_before:
            default_storage.delete(name)
            lines.append(f"removed {name}: no export holds it")
    return lines


def _stored(folder: str) -> list[str]:
    if not default_storage.exists(folder):
        return []
    folders, files = default_storage.listdir(folder)
    return [f"{folder}/{name}" for name in files] + [name for sub in folders for name in _stored(f"{folder}/{sub}")]
