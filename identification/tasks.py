"""Imports run in a background thread so a long file does not hold a request; the page polls for progress."""

import contextlib
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from .models import RecordImport
from .services import run_import


def _run(import_id):
    # run_import records any failure on the import itself (shown on its page) and logs it.
    with contextlib.suppress(Exception):
        run_import(RecordImport.objects.get(pk=import_id))


def _run_in_thread(import_id):
    close_old_connections()
    try:
        _run(import_id)
    finally:
        connection.close()  # the thread's own connection; the request's stays open


def start_import(record_import):
    """Run the import after the current transaction commits: in a thread, or at once when threads are off."""
    if settings.IMPORTS_IN_BACKGROUND:
        thread = threading.Thread(target=_run_in_thread, args=(record_import.pk,), daemon=True)
        transaction.on_commit(thread.start)
    else:
        transaction.on_commit(lambda: _run(record_import.pk))
