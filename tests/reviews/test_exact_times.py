"""Every export that carries a time keeps it to the microsecond, so events within one second keep their order and
a file read back gives the times that were written (the review backup has its own test in test_backup.py)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from extraction.models import AuditEvent
from extraction.resources import AuditEventResource
from reviews.resources import ExactDateTimeWidget
from screening.models import Resolution, VoteEvent
from screening.resources import ResolutionResource, VoteEventResource

pytestmark = pytest.mark.django_db

# One time below the millisecond, one with a remainder above it.
TIMES = [datetime.datetime(2026, 12, 1, 20, 15, 59, micro, tzinfo=datetime.UTC) for micro in (7, 123456)]


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def set_times(queryset, field) -> list[datetime.datetime]:
    """The rows' times, in order of id, become TIMES in turn."""
    rows = list(queryset.order_by("pk"))
    assert rows
    times = [TIMES[i % len(TIMES)] for i in range(len(rows))]
    for row, at in zip(rows, times, strict=True):
        # The base manager skips the extraction lock's guard: this changes when, not what, was written.
        type(row)._base_manager.filter(pk=row.pk).update(**{field: at})
    return times


def test_the_decisions_csv_keeps_microseconds(client, personas):
    personas.full_text()
    times = set_times(VoteEvent.objects.filter(vote__review=personas.review), "at")
    client.force_login(personas.lead)
    exported = csv_rows(client.get(reverse("screening:decisions_export", args=[personas.review.pk])))
    assert sorted(parse_datetime(row["when"]) for row in exported if row["kind"] == "vote") == sorted(times)


def test_the_audit_csv_keeps_microseconds(client, personas):
    personas.extraction()
    times = set_times(AuditEvent.objects.filter(review=personas.review), "at")
    client.force_login(personas.lead)
    exported = csv_rows(client.get(reverse("extraction:audit_export", args=[personas.review.pk])))
    assert sorted(parse_datetime(row["at"]) for row in exported) == sorted(times)


@pytest.mark.parametrize(
    ("resource", "queryset", "field"),
    [
        (VoteEventResource, VoteEvent.objects.all(), "at"),
        (ResolutionResource, Resolution.objects.all(), "created_at"),
        (AuditEventResource, AuditEvent.objects.all(), "at"),
    ],
)
def test_admin_exports_keep_microseconds(personas, resource, queryset, field):
    personas.extraction()
    times = set_times(queryset, field)
    written = resource().export(queryset=queryset.order_by("pk"))[field]
    assert [parse_datetime(cell) for cell in written] == times


@pytest.mark.parametrize(
    "text",
    ["2026-12-01T21:15:59.000007+01:00", "2026-12-01T20:15:59.000007Z", "2026-12-01 20:15:59.000007"],
)
def test_the_admin_reads_exact_times_back(text):
    assert ExactDateTimeWidget().clean(text) == TIMES[0]


def test_the_admin_still_reads_times_written_to_the_second(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert ExactDateTimeWidget().clean("2026-12-01 21:15:59") == TIMES[0].replace(microsecond=0)
