"""The demo review, built once per test session and copied into the database of each test that asks for it.

Building the demo runs the real imports, deduplication, screening, extraction and analysis: seconds on an idle
machine, minutes on a busy one. Copying its rows takes a fraction of a second, so tests that only read the demo
use the `demo` fixture (tests/conftest.py); tests/reviews/test_demo.py keeps one test that builds it from scratch.

The copy is row for row, of every table the demo filled, with the same ids, times and uploaded files, so a test
sees exactly what `manage.py demo` leaves. It works on SQLite and PostgreSQL and in transactional tests (the rows
are committed, and pytest-django empties the tables after the test as it does for any transactional test)."""

import io
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from reviews.demo import DEMO_TITLE
from reviews.models import Review


@dataclass
class DemoSnapshot:
    media: Path
    tables: dict[str, object]  # table -> its rows: COPY text on PostgreSQL, a list of tuples on SQLite


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def _read(tables: list[str]) -> dict[str, object]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            rows = {}
            for table in tables:
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(chunk) for chunk in copy)
            return rows
    # Django's SQLite connection turns stored text into dates and booleans; a plain copy gives the stored values.
    connection.ensure_connection()
    plain = sqlite3.connect(":memory:")
    connection.connection.backup(plain)
    try:
        return {table: plain.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables}
    finally:
        plain.close()


def build(media: Path) -> DemoSnapshot:
    """Build the demo in the (empty) test database, keep its rows and files, and empty the tables again."""
    before = _row_counts()
    with override_settings(
        MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        call_command("demo", stdout=io.StringIO())
    after = _row_counts()
    filled = sorted(table for table, count in after.items() if count > before.get(table, 0))
    changed = [table for table in filled if before.get(table)]
    assert not changed, f"the demo must start from empty tables, but these held rows: {changed}"
    snapshot = DemoSnapshot(media=media, tables=_read(filled))
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), filled, allow_cascade=True))
    return snapshot


def restore(snapshot: DemoSnapshot, media_root: Path) -> Review:
    """Copy the demo's rows into the test database and its files into MEDIA_ROOT; the demo review."""
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at the commit
        for table, rows in snapshot.tables.items():
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                    copy.write(rows)
            elif rows:
                cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)
        models = [
            model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in snapshot.tables
        ]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)  # new rows get ids after the demo's (PostgreSQL)
    shutil.copytree(snapshot.media, media_root, dirs_exist_ok=True)
    return Review.objects.get(title=DEMO_TITLE)
