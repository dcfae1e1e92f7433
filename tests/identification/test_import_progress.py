"""An import's page shows its progress while the import's one transaction is still open (PostgreSQL: the stage is
written on a connection of its own), and that progress is never waited for."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from identification.models import ImportStatus, RecordImport
from identification.services import run_import
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, ris

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: no stage inside the write"),
]


def test_the_page_sees_the_records_being_written_before_the_import_commits(personas):
    record_import = make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE), run=False)
    page = connections.create_connection(DEFAULT_DB_ALIAS)  # a web process reading the import's page
    seen = []

    def look(stage):
        with page.cursor() as cursor:
            cursor.execute("SELECT stage FROM identification_recordimport WHERE id = %s", [record_import.pk])
            seen.append(cursor.fetchone()[0])

    try:
        run_import(record_import, progress=look)
    finally:
        page.close()
    assert "Writing records: 2 so far" in seen
    assert RecordImport.objects.get(pk=record_import.pk).status == ImportStatus.DONE


def test_an_import_whose_row_its_caller_holds_is_not_held_up_by_its_progress(personas):
    record_import = make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE), run=False)
    with transaction.atomic():
        RecordImport.objects.filter(pk=record_import.pk).update(column_mapping={})  # holds the row
        run_import(record_import)
    assert RecordImport.objects.get(pk=record_import.pk).status == ImportStatus.DONE
