"""An import whose process ended (a restart, a killed worker) shows as interrupted and can be started again; a run
of an earlier attempt that is somehow still alive then writes nothing, so a file is never imported twice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from identification import services
from identification.models import ImportStatus, Record, RecordImport
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db


def stalled(personas, minutes=20, status=ImportStatus.RUNNING):
    """An import left mid-way by a process that ended `minutes` ago."""
    record_import = make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE), run=False)
    RecordImport.objects.filter(pk=record_import.pk).update(
        status=status,
        stage="Writing 2 records and removing duplicates",
        stage_changed_at=timezone.now() - timedelta(minutes=minutes),
    )
    record_import.refresh_from_db()
    return record_import


def detail_url(record_import, name="import_detail"):
    return reverse(f"identification:{name}", args=[record_import.review_id, record_import.pk])


@pytest.mark.parametrize("status", [ImportStatus.QUEUED, ImportStatus.RUNNING])
def test_an_import_without_progress_for_longer_than_the_limit_is_interrupted(personas, settings, status):
    settings.IMPORT_STALLED_MINUTES = 15
    assert stalled(personas, minutes=20, status=status).is_interrupted
    assert not stalled(personas, minutes=5, status=status).is_interrupted


def test_the_page_says_interrupted_stops_refreshing_and_offers_to_start_again(client, personas):
    record_import = stalled(personas)
    client.force_login(personas.lead)
    page = client.get(detail_url(record_import)).text
    assert "This import was interrupted" in page and "No record of this file was saved" in page
    assert 'http-equiv="refresh"' not in page
    assert "Import this file again" in page
    assert "Interrupted" in client.get(reverse("identification:imports", args=[personas.review.pk])).text
    client.force_login(personas.viewer)
    assert "Import this file again" not in client.get(detail_url(record_import)).text


def test_starting_again_imports_the_file_once(client, personas, django_capture_on_commit_callbacks):
    record_import = stalled(personas)
    client.force_login(personas.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(record_import, "import_restart"))
    assert response.status_code == 302
    record_import.refresh_from_db()
    assert (record_import.status, record_import.attempt, record_import.record_count) == (ImportStatus.DONE, 2, 2)
    assert Record.objects.filter(source_import=record_import).count() == 2
    # Asked again (a second click, another member): nothing more happens.
    client.post(detail_url(record_import, "import_restart"))
    assert Record.objects.filter(source_import=record_import).count() == 2


def test_an_import_still_making_progress_is_not_started_again(client, personas):
    record_import = stalled(personas, minutes=1)
    client.force_login(personas.lead)
    response = client.post(detail_url(record_import, "import_restart"), follow=True)
    assert "was not interrupted" in response.text
    record_import.refresh_from_db()
    assert (record_import.status, record_import.attempt) == (ImportStatus.RUNNING, 1)


def test_a_run_of_an_earlier_attempt_writes_nothing(personas):
    record_import = stalled(personas)
    earlier_run = RecordImport.objects.get(pk=record_import.pk)
    assert services.restart_interrupted(record_import)
    with pytest.raises(services.Superseded):
        services.run_import(earlier_run)
    assert not Record.objects.exists()
    record_import.refresh_from_db()
    assert (record_import.status, record_import.stage) == (ImportStatus.QUEUED, "Waiting to start")


def test_an_earlier_attempt_restarted_just_before_its_write_writes_nothing(personas, monkeypatch):
    record_import = stalled(personas)

    def restarted_after_the_last_progress(stage):
        if stage == "Reading the file":
            services.restart_interrupted(RecordImport.objects.get(pk=record_import.pk))

    monkeypatch.setattr(RecordImport, "is_interrupted", property(lambda self: True))
    with pytest.raises(services.Superseded):
        services.run_import(record_import, progress=restarted_after_the_last_progress)
    assert not Record.objects.exists()
    assert RecordImport.objects.get(pk=record_import.pk).attempt == 2
