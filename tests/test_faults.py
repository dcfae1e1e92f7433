"""A gunicorn worker killed in the middle of a request loses nothing that was acknowledged and leaves nothing
half-written: an import is whole or absent, and every vote a reviewer saw confirmed is stored with its history."""

import http.client
import os
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from identification import services as identification
from identification.models import ImportStatus, Record, RecordImport
from screening.models import Vote, VoteEvent
from tests.factories import make_import, make_review, make_user, ris
from tests.gunicorn_server import start_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(settings, database_url: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "IMPORTS_IN_BACKGROUND": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
    }


@pytest.fixture
def server(settings):
    """gunicorn on the test database."""
    gunicorn = start_gunicorn(production_env(settings, _database_url()))
    yield gunicorn
    gunicorn.stop()
    if connection.vendor == "postgresql":
        # A killed worker's server session ends only when PostgreSQL notices; wait so the test database can go.
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] == 0:
                    break
            time.sleep(0.3)


def kill_worker(server):
    workers = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "gunicorn has no worker to kill"
    for pid in workers:
        os.kill(int(pid), signal.SIGKILL)


def write_transaction_open(record_import) -> bool:
    """Whether the import's write transaction is under way: it holds the import's row (PostgreSQL) or the
    database's write lock (SQLite) from its first statement to its commit."""
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                list(RecordImport.objects.select_for_update(nowait=True).filter(pk=record_import.pk))
        except OperationalError:
            return True
        return False
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def post(server, path: str, cookie: str, body: str, timeout=120) -> int:
    """POST as the logged-in user (the CSRF check is met with the token the middleware accepts from a cookie);
    0 when the connection dies."""
    token = "a" * 32
    headers = {
        "Cookie": f"{cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Host": "127.0.0.1",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return 0


def test_a_worker_killed_while_writing_an_import_leaves_no_record_and_it_can_be_started_again(
    server, transactional_db, settings
):
    lead = make_user("lena")
    review = make_review(lead=lead)
    content = ris(*({"TI": f"Record {i} about relapses", "DO": f"10.1/{i}", "PY": "2020"} for i in range(30_000)))
    pending = make_import(review, lead, content, run=False)
    url = f"/reviews/{review.pk}/imports/{pending.pk}/confirm/"
    result = {}
    request = threading.Thread(target=lambda: result.setdefault("status", post(server, url, session_cookie(lead), "")))
    request.start()
    deadline = time.monotonic() + 60
    while not (
        RecordImport.objects.filter(pk=pending.pk, stage__startswith="Writing").exists()
        and write_transaction_open(pending)
    ):
        assert time.monotonic() < deadline and request.is_alive(), f"the import never reached its write: {result}"
        time.sleep(0.02)
    kill_worker(server)  # inside the write of 30,000 records, however fast or slow the machine
    request.join(timeout=60)
    assert result["status"] == 0, "the request was cut off"
    pending.refresh_from_db()
    assert pending.status != ImportStatus.DONE
    assert not Record.objects.filter(source_import=pending).exists()
    # Once it has made no progress for IMPORT_STALLED_MINUTES it shows as interrupted, and starting it again
    # imports the whole file once.
    settings.IMPORT_STALLED_MINUTES = 0
    assert pending.is_interrupted
    assert identification.restart_interrupted(pending)
    identification.run_import(RecordImport.objects.get(pk=pending.pk))
    assert Record.objects.filter(source_import=pending).count() == 30_000


def test_a_worker_killed_while_reviewers_vote_loses_no_acknowledged_vote(server, transactional_db):
    lead = make_user("lena")
    review = make_review(lead=lead, title_abstract_reviewers=1)
    records = list(
        make_import(review, lead, ris(*({"TI": f"Trial {i}", "DO": f"10.2/{i}"} for i in range(400)))).records.order_by(
            "pk"
        )
    )
    cookie = session_cookie(lead)
    acknowledged, cut_off = [], []
    in_flight = threading.Event()

    def vote_all():
        for record in records:
            path = f"/reviews/{review.pk}/screening/title-abstract/vote/{record.pk}/"
            in_flight.set()
            status = post(server, path, cookie, "decision=include", timeout=10)
            in_flight.clear()
            (acknowledged if status == 302 else cut_off).append(record.pk)

    voter = threading.Thread(target=vote_all)
    voter.start()
    # A kill can land between two requests and cut nothing off; kill again, a few votes later, until one is.
    for kills in range(1, 6):
        while voter.is_alive() and (len(acknowledged) < 40 * kills or not in_flight.is_set()):
            time.sleep(0.001)
        if cut_off or not voter.is_alive():
            break
        kill_worker(server)
    voter.join(timeout=120)
    assert cut_off, "no kill landed during a vote"
    assert len(acknowledged) + len(cut_off) == len(records), "the new worker took the votes after the kill"
    stored = set(Vote.objects.filter(record__review=review).values_list("record_id", flat=True))
    assert set(acknowledged) <= stored
    # Nothing half-written: each stored vote has its history entry, and no history entry lacks its vote.
    assert VoteEvent.objects.filter(vote__record__review=review).count() == len(stored)


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/tandem", "sqlite:////nonexistent-folder/tandem.sqlite3"],
    ids=["postgresql-down", "sqlite-unreadable"],
)
def test_an_unreachable_database_gives_the_503_page_not_a_stack_trace(settings, database_url):
    server = start_gunicorn(production_env(settings, database_url))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        # A session cookie makes the first middleware read the database.
        conn.request("GET", "/", headers={"Host": "127.0.0.1", "Cookie": "sessionid=" + "a" * 32})
        response = conn.getresponse()
        page = response.read().decode()
    finally:
        server.stop()
    assert response.status == 503 and response.getheader("Retry-After") == "30"
    assert "Tandem cannot reach its database" in page and "Nothing from this request was saved" in page
    assert "Traceback" not in page and "127.0.0.1:1" not in page and "nonexistent-folder" not in page
