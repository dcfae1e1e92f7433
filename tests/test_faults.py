"""A gunicorn worker killed in the middle of a request loses nothing that was acknowledged and leaves nothing
half-written: every vote a reviewer saw confirmed is stored with its history. (Imports run in task workers, whose
killing tests/tasks/ covers.)"""

import http.client
import os
import signal
import subprocess
import threading
import time

import pytest
from django.test import Client

from screening.models import Vote, VoteEvent
from tests.db_worker import database_url, wait_for_other_sessions_to_end
from tests.factories import make_import, make_review, make_user, ris
from tests.gunicorn_server import start_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def production_env(settings, database_url: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
    }


@pytest.fixture
def server(settings):
    """gunicorn on the test database."""
    gunicorn = start_gunicorn(production_env(settings, database_url()))
    yield gunicorn
    gunicorn.stop()
    wait_for_other_sessions_to_end()


def kill_worker(server):
    workers = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "gunicorn has no worker to kill"
    for pid in workers:
        os.kill(int(pid), signal.SIGKILL)


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
