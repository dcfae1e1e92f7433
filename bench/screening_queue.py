"""Time the screening queue and a vote with 100,000 records in a review (SQLite, DEBUG off).

Run: .venv/bin/python bench/screening_queue.py [--records 100000] [--repeat 50]
Targets (issue 5): next-record request and vote each under 50 ms median, under 15 queries.
"""

import argparse
import statistics
import time

from benchdb import fresh_database, review_with_search


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    fresh_database()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from identification.models import Record, RecordImport
    from reviews.models import Role
    from reviews.services import add_member
    from screening import services
    from screening.models import ScreeningRecord, Stage
    from tests.factories import make_user

    lead, review, search = review_with_search()
    reviewer = make_user("bench-reviewer")
    add_member(review=review, user=reviewer, role=Role.REVIEWER, by=lead)
    record_import = RecordImport.objects.create(
        review=review, search=search, upload="none.ris", file_name="none.ris", created_by=lead
    )
    Record.objects.bulk_create(
        (
            Record(review=review, source_import=record_import, position=i, title=f"Study {i}", year=2000 + i % 25)
            for i in range(1, args.records + 1)
        ),
        batch_size=5000,
    )
    # half the records already screened by both, so the queue has to skip past them
    ids = list(Record.objects.filter(review=review).order_by("pk").values_list("pk", flat=True))
    for record_id in ids[: args.repeat]:
        services.cast_vote(
            review=review, record_id=record_id, stage=Stage.TITLE_ABSTRACT, reviewer=lead, decision="include"
        )
    next_times, vote_times, next_queries, vote_queries = [], [], 0, 0
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            record = ScreeningRecord.objects.next_for(reviewer, review=review, stage=Stage.TITLE_ABSTRACT)
            next_times.append(time.perf_counter() - start)
        next_queries = max(next_queries, len(captured))
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            services.cast_vote(
                review=review, record_id=record.pk, stage=Stage.TITLE_ABSTRACT, reviewer=reviewer, decision="exclude"
            )
            vote_times.append(time.perf_counter() - start)
        vote_queries = max(vote_queries, len(captured))
    next_ms, vote_ms = statistics.median(next_times) * 1000, statistics.median(vote_times) * 1000
    print(
        f"{args.records} records; median next record {next_ms:.1f} ms ({next_queries} queries), "
        f"median vote {vote_ms:.1f} ms ({vote_queries} queries)"
    )


if __name__ == "__main__":
    main()
