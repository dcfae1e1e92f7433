"""Large exports and the requeue of stalled work in real worker processes (`manage.py db_worker`): the page queues
a backup, a worker makes and stores it; a worker killed mid-backup stored nothing, and `manage.py requeue_stalled`
has it made again, exactly once."""

import json
import signal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reviews.models import ExportStatus, ReviewExport
from tests.db_worker import DATABASE_BACKEND, process_env, running_worker, start_worker, stop_worker, wait_until
from tests.factories import make_import, make_review, make_user, ris

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead_client(settings):
    settings.TASKS = DATABASE_BACKEND
    lead = make_user("lena")
    review = make_review(lead=lead, blinded=False)  # a blinded review offers no backup
    client = Client()
    client.force_login(lead)
    return client, review, lead


def stored_exports(review) -> list[str]:
    folder = f"exports/review-{review.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_a_backup_asked_for_on_the_page_is_made_by_a_worker(lead_client, settings):
    client, review, lead = lead_client
    make_import(review, lead, ris({"TI": "Tocilizumab in NMOSD", "PY": "2020"}))
    client.post(reverse("reviews:export_request", args=[review.pk, "backup"]))
    export = ReviewExport.objects.get()
    assert export.status == ExportStatus.QUEUED and DBTaskResult.objects.ready().count() == 1
    with running_worker(settings):
        wait_until(lambda: not ReviewExport.objects.unfinished().exists(), seconds=120, what="the backup")
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    response = client.get(reverse("reviews:export_download", args=[review.pk, export.pk]))
    document = json.loads(b"".join(response.streaming_content))
    assert sum(item["model"] == "identification.record" for item in document["objects"]) == 1
    assert DBTaskResult.objects.successful().count() == 1


def test_a_worker_killed_mid_backup_stores_nothing_and_the_requeued_attempt_makes_it_exactly_once(
    lead_client, settings
):
    client, review, lead = lead_client
    make_import(review, lead, ris(*({"TI": f"Record {i} on relapses", "DO": f"10.1/{i}"} for i in range(5_000))))
    client.post(reverse("reviews:export_request", args=[review.pk, "backup"]))
    export = ReviewExport.objects.get()
    worker = start_worker(process_env(settings))
    try:
        wait_until(
            lambda: ReviewExport.objects.filter(pk=export.pk, progress__startswith="Written").exists(),
            seconds=120,
            what="the worker's writing of the backup",
        )
        worker.send_signal(signal.SIGKILL)  # between two blocks of objects, before the file is stored
        worker.wait()
    finally:
        stop_worker(worker)
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING and stored_exports(review) == []
    settings.TASK_STALLED_MINUTES = 0  # as if the timer ran TASK_STALLED_MINUTES later
    call_command("requeue_stalled")
    with running_worker(settings):
        wait_until(lambda: not ReviewExport.objects.unfinished().exists(), seconds=120, what="the second attempt")
    export.refresh_from_db()
    assert (export.status, export.attempt) == (ExportStatus.DONE, 2)
    assert stored_exports(review) == [f"backup-{export.pk}-2.json"], "one file, of the attempt that finished"
    with export.file.open("rb") as stored:
        document = json.load(stored)
    assert sum(item["model"] == "identification.record" for item in document["objects"]) == 5_000
