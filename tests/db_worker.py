"""Real task workers (`manage.py db_worker`) on the test database, for the tests that prove tasks run in another
process, survive a killed worker, and for the browser walk."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from identification.services import IMPORT_LOCK

ROOT = Path(__file__).resolve().parent.parent
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The test database, as another process reaches it (SQLite's test database is a file, see config/settings)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(settings) -> dict:
    """The environment of a server or worker process on the test database and the test's media folder."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "FEATURE_CACHE_DIR": str(settings.FEATURE_CACHE_DIR),
        "CONN_MAX_AGE": "0",
        # Messages stay in the process: without this it would try an SMTP server on localhost, fail, and queue retries.
        "EMAIL_URL": "locmem://",
    }


def start_worker(env: dict) -> subprocess.Popen:
    """One worker process with this environment, polling every 0.1 s; returned once it polls (starting Django
    takes seconds on a loaded machine, which a page waiting for its import should not have to absorb)."""
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,  # where it logs that it started
        )

        def polling():
            log.seek(0)
            assert worker.poll() is None, f"the worker exited: {log.read().decode()}"
            return b"Starting worker" in log.read()

        try:
            wait_until(polling, seconds=120, what="the worker's start")
        except BaseException:
            worker.kill()
            worker.wait()
            raise
    return worker


def stop_worker(worker: subprocess.Popen):
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    wait_for_other_sessions_to_end()


@contextmanager
def running_worker(settings):
    worker = start_worker(process_env(settings))
    try:
        yield worker
    finally:
        stop_worker(worker)


def wait_until(condition, *, seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.02)


def wait_for_other_sessions_to_end():
    """A killed process's PostgreSQL session ends only when the server notices; the test database can go once
    it has."""
    if connection.vendor != "postgresql":
        return
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.3)


def write_transaction_open(record_import) -> bool:
    """Whether another process's import transaction is open: holding the import's advisory lock (PostgreSQL;
    identification.services._hold), or the database's write lock (SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
                [IMPORT_LOCK, record_import.pk],
            )
            return cursor.fetchone() is not None
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False
