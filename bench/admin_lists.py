"""Time every admin list page with 100,000 records in a review (SQLite, DEBUG off).

Run: .venv/bin/python bench/admin_lists.py [--records 100000] [--repeat 5]
Targets (issue 24): each changelist under 200 ms median and at most 10 queries. The review holds `records` records,
as many title/abstract votes with their events, a resolution for every tenth record, a duplicate pair for every
hundredth, and an extraction of records/50 studies (two extractors, 25 values each: as many values, half as many
consensus cells, and an audit event per value).
"""

import argparse

from benchdb import fresh_database, submitted_review

FIELDS_PER_EXTRACTION = 25


def fill(records: int):
    """The review described above, written with bulk_create; the superuser who looks at it."""
    from django.contrib import admin  # noqa: F401  (the registry, for the pages below)

    from extraction.models import AuditAction, AuditEvent, Consensus, ConsensusStatus, Extraction, FormField, Value
    from identification.models import DuplicateCandidate, Record, RecordImport
    from screening.models import Resolution, ResolutionMethod, Stage, Vote, VoteEvent
    from tests.factories import make_user

    lead, review, study_ids = submitted_review(studies=max(records // 50, 1))
    search = review.searches.get()
    record_import = RecordImport.objects.create(
        review=review, search=search, upload="none.ris", file_name="none.ris", created_by=lead
    )
    batch = {"batch_size": 5000}
    Record.objects.bulk_create(
        (
            Record(review=review, source_import=record_import, position=i, title=f"Study {i}", year=2000 + i % 25)
            for i in range(1, records + 1)
        ),
        **batch,
    )
    record_ids = list(Record.objects.filter(review=review).order_by("pk").values_list("pk", flat=True))
    Vote.objects.bulk_create(
        (
            Vote(review=review, record_id=pk, stage=Stage.TITLE_ABSTRACT, reviewer=lead, decision="include")
            for pk in record_ids
        ),
        **batch,
    )
    VoteEvent.objects.bulk_create(
        (
            VoteEvent(vote_id=pk, record_id=record_id, stage=Stage.TITLE_ABSTRACT, reviewer=lead, decision="include")
            for pk, record_id in Vote.objects.values_list("pk", "record_id")
        ),
        **batch,
    )
    Resolution.objects.bulk_create(
        (
            Resolution(
                review=review,
                record_id=pk,
                stage=Stage.TITLE_ABSTRACT,
                decision="include",
                method=ResolutionMethod.AGREEMENT,
                resolved_by=lead,
            )
            for pk in record_ids[::10]
        ),
        **batch,
    )
    DuplicateCandidate.objects.bulk_create(
        (
            DuplicateCandidate(review=review, first_id=first, second_id=second, score=0.9, reasons="same title")
            for first, second in zip(record_ids[::100], record_ids[1::100], strict=False)
        ),
        **batch,
    )
    fields = list(FormField.objects.filter(review=review, per_arm=False)[:FIELDS_PER_EXTRACTION])
    extractions = list(Extraction.objects.filter(review=review))
    Value.objects.bulk_create(
        (Value(review=review, extraction=e, field=f, arm=0, value="1") for e in extractions for f in fields), **batch
    )
    Consensus.objects.bulk_create(
        (
            Consensus(review=review, study_id=pk, field=f, arm=0, value="1", status=ConsensusStatus.AGREED)
            for pk in study_ids
            for f in fields
        ),
        **batch,
    )
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(review=review, action=AuditAction.ENTERED, user=lead, study_id=e.study_id, field=f, arm=0)
            for e in extractions
            for f in fields
        ),
        **batch,
    )
    return make_user("bench-root", is_staff=True, is_superuser=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    fresh_database()
    from django.contrib import admin
    from django.urls import reverse

    root = fill(args.records)
    pages = {
        model._meta.label: reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    }
    print(f"{args.records} records; admin changelists as a superuser (median of {args.repeat}):")
    time_changelists(root, pages, args.repeat)


def time_changelists(user, pages: dict[str, str], repeat: int) -> None:
    """Each page's median wall-clock and CPU time and its queries, marked when over a target. The CPU time (this
    process: Django and SQLite) is the figure to trust on a shared machine, where waiting for a core inflates the
    wall clock."""
    import statistics
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    for name, url in pages.items():
        wall, cpu = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, HTTP_HOST="localhost", secure=True)
                wall.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, f"{name}: {response.status_code}"
        wall_ms, cpu_ms = statistics.median(wall) * 1000, statistics.median(cpu) * 1000
        over = "  OVER TARGET" if cpu_ms > 200 or len(queries) > 10 else ""
        print(f"  {name}: {wall_ms:.0f} ms wall, {cpu_ms:.0f} ms CPU, {len(queries)} queries{over}")


if __name__ == "__main__":
    main()
