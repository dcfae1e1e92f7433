"""Large exports (a review's backup, the spreadsheet of every record) are made by a task worker: the page queues
one, shows its progress and its error, and serves the file only to the roles its kind allows, as they are now.
Real worker processes: tests/tasks/test_export_tasks.py."""

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reviews import file_exports
from reviews.models import ExportStatus, ReviewExport, Role
from reviews.services import change_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(personas):
    """An unblinded review: a blinded one offers no backup (test_a_blinded_review_offers_no_backup)."""
    personas.review.blinded = False
    personas.review.save(update_fields=["blinded"])
    return personas


def make_backup(personas):
    export = ReviewExport.objects.create(
        review=personas.review, kind="backup", requested_by=personas.lead, heartbeat_at=timezone.now()
    )
    file_exports.run_export(export)
    return export


def request(client, review, kind):
    return client.post(reverse("reviews:export_request", args=[review.pk, kind]))


def download(client, export):
    return client.get(reverse("reviews:export_download", args=[export.review_id, export.pk]))


def test_a_lead_asks_for_a_backup_and_downloads_it_once_the_worker_made_it(
    client, personas, django_capture_on_commit_callbacks
):
    personas.identification()
    client.force_login(personas.lead)
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend stands in for the worker
        assert request(client, personas.review, "backup").status_code == 302
    export = ReviewExport.objects.get()
    assert (export.status, export.attempt, export.requested_by) == (ExportStatus.DONE, 1, personas.lead)
    page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
    assert "Ready, made" in page and 'http-equiv="refresh"' not in page
    response = download(client, export)
    assert response["Content-Disposition"].startswith('attachment; filename="tocilizumab-versus-azathioprine-backup')
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "tandem-review/1" and document["review"] == personas.review.pk
    models = {item["model"] for item in document["objects"]}
    assert "identification.record" in models
    assert "reviews.reviewexport" not in models, "a backup does not carry the review's earlier exports"


def test_a_backup_is_neither_asked_for_nor_downloaded_by_other_roles_not_even_a_former_lead(client, personas):
    export = make_backup(personas)
    for name in ("reviewer", "adjudicator", "viewer"):
        client.force_login(personas.by_name(name))
        assert request(client, personas.review, "backup").status_code == 403
        assert download(client, export).status_code == 403
        page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
        assert "Backup" not in page, "the page neither offers nor lists backups to other roles"
    second_lead = personas.adjudicator
    change_role(membership=personas.review.memberships.get(user=second_lead), role=Role.LEAD, by=personas.lead)
    client.force_login(second_lead)
    assert download(client, export).status_code == 200, "any lead of the review, as the roles are now"
    change_role(membership=personas.review.memberships.get(user=second_lead), role=Role.REVIEWER, by=personas.lead)
    assert download(client, export).status_code == 403
    client.force_login(personas.outsider)
    assert download(client, export).status_code == 404


def test_every_member_gets_the_records_spreadsheet(client, personas, django_capture_on_commit_callbacks):
    records = personas.identification().record_import.records
    client.force_login(personas.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        request(client, personas.review, "records-xlsx")
    export = ReviewExport.objects.get(kind="records-xlsx")
    response = download(client, export)
    header, *rows = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values
    assert header[:3] == ("id", "title", "abstract") and header[-1] == "duplicate of"
    assert sorted(row[0] for row in rows) == sorted(records.values_list("pk", flat=True))
    duplicate = personas.identification().duplicate
    assert [row[-1] for row in rows if row[0] == duplicate.pk] == [duplicate.duplicate_of_id]


def test_a_second_request_while_one_is_under_way_joins_it(client, personas):
    client.force_login(personas.lead)
    request(client, personas.review, "backup")  # no worker yet: it stays queued
    request(client, personas.review, "backup")
    export = ReviewExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "Waiting to start" in page


def test_an_export_that_fails_shows_its_error_and_stores_no_file(client, personas, monkeypatch):
    def broken(review, out, progress):
        progress("Half way")
        raise RuntimeError("disk full")

    kind = file_exports.BACKUP
    monkeypatch.setattr(file_exports, "BACKUP", type(kind)(**{**vars(kind), "write": broken}))
    export = ReviewExport.objects.create(
        review=personas.review, kind="backup", requested_by=personas.lead, heartbeat_at=timezone.now()
    )
    with pytest.raises(RuntimeError):
        file_exports.run_export(export)
    export.refresh_from_db()
    assert (export.status, export.file.name) == (ExportStatus.FAILED, "")
    client.force_login(personas.lead)
    page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
    assert "Failed." in page and "the export failed: disk full" in page
    assert not default_storage.exists(f"exports/review-{personas.review.pk}")


def test_a_run_of_an_attempt_queued_again_since_keeps_no_file(personas):
    export = ReviewExport.objects.create(
        review=personas.review, kind="backup", requested_by=personas.lead, heartbeat_at=timezone.now()
    )
    ReviewExport.objects.filter(pk=export.pk).update(attempt=2)  # requeued while the first run went on
    with pytest.raises(file_exports.Superseded):
        file_exports.run_export(export)
    export.refresh_from_db()
    assert (export.status, export.file.name) == (ExportStatus.QUEUED, "")


def stall(export, minutes=20):
    ReviewExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_stalled_export_is_made_again_once_then_failed_with_its_reason(
    client, personas, django_capture_on_commit_callbacks
):
    export = ReviewExport.objects.create(
        review=personas.review, kind="backup", requested_by=personas.lead, heartbeat_at=timezone.now()
    )
    stall(export, minutes=5)
    call_command("requeue_stalled", stdout=io.StringIO())
    assert ReviewExport.objects.get().status == ExportStatus.RUNNING, "not stalled for TASK_STALLED_MINUTES yet"
    stall(export)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stalled", stdout=out)
    assert f"export {export.pk} (backup) queued again as attempt 2" in out.getvalue()
    export.refresh_from_db()
    assert (export.status, export.attempt) == (ExportStatus.DONE, 2)
    # A second attempt that stalls is failed, and the lead is told why.
    ReviewExport.objects.filter(pk=export.pk).update(file="", status=ExportStatus.QUEUED)
    stall(export)
    call_command("requeue_stalled", stdout=io.StringIO())
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "stopped 2 times" in export.error
    client.force_login(personas.lead)
    page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
    assert "the worker making it stopped 2 times without finishing" in page


def test_one_unfinished_export_per_kind_is_a_database_constraint(personas):
    from django.db import IntegrityError, transaction

    fields = {
        "review": personas.review,
        "kind": "backup",
        "requested_by": personas.lead,
        "heartbeat_at": timezone.now(),
    }
    ReviewExport.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewExport.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewExport.objects.create(**{**fields, "kind": "records-xlsx", "status": ExportStatus.DONE})


def test_a_blinded_review_offers_no_backup_and_serves_none_made_before(client, personas):
    export = make_backup(personas)
    personas.review.blinded = True
    personas.review.save(update_fields=["blinded"])
    client.force_login(personas.lead)
    assert request(client, personas.review, "backup").status_code == 403
    assert download(client, export).status_code == 403
    page = client.get(reverse("reviews:exports", args=[personas.review.pk])).content.decode()
    assert "Backup" not in page and "Every record as a spreadsheet" in page


def test_export_files_no_export_holds_are_removed_once_older_than_a_stalled_task(personas, settings):
    kept = make_backup(personas)
    deleted = make_backup(personas)
    kept.refresh_from_db()
    deleted.refresh_from_db()
    deleted_file = deleted.file.name
    deleted.delete()  # as when its review is deleted: the row goes, the file stays
    # A worker that stopped between storing its file and recording it on its export.
    unrecorded = default_storage.save(f"exports/review-{personas.review.pk}/backup-99-1.json", io.BytesIO(b"{"))
    out = io.StringIO()
    call_command("requeue_stalled", stdout=out)
    assert default_storage.exists(unrecorded), "a file just stored may be about to be recorded"
    settings.TASK_STALLED_MINUTES = -1  # every file is now older than a stalled task
    call_command("requeue_stalled", stdout=out)
    assert not default_storage.exists(deleted_file) and not default_storage.exists(unrecorded)
    assert default_storage.exists(kept.file.name)
    assert f"removed {unrecorded}: no export holds it" in out.getvalue()
