"""Time the API's records endpoint: a page of 100 records in a review of 100,000 (PostgreSQL, DEBUG off).

Run: .venv/bin/python bench/api_records.py [--server postgres://postgres@127.0.0.1:5432] [--records 100000]
                                            [--repeat 50]
Creates (and afterwards drops) the database tandem_bench_api on that server. Target (issue 23): the first page and
a page deep in the list each under 50 ms median, called with a personal token as a script would.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "tandem_bench_api"
ABSTRACT = (
    "Background: neuromyelitis optica spectrum disorder relapses cause disability. Methods: we followed patients "
    "treated with tocilizumab or azathioprine for two years and compared annualised relapse rates and EDSS scores. "
) * 3


def _recreate(server: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def _drop(server: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _setup(server: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="tandem-bench-api-"))
    os.environ.update(
        DATABASE_URL=f"{server}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        API_CALLS_PER_HOUR="1000000",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _fill(records: int):
    """A review of `records` records, a tenth of them resolved at title/abstract; returns (lead, review, key)."""
    from api.services import create_token
    from identification.models import Record, RecordImport, Search
    from screening.models import Resolution, Stage
    from tests.factories import make_review, make_user

    lead = make_user("bench-lead")
    review = make_review(lead=lead)
    search = Search.objects.create(review=review, source="PubMed", date_searched="2026-11-25", created_by=lead)
    record_import = RecordImport.objects.create(
        review=review, search=search, upload="none.ris", file_name="none.ris", status="done", created_by=lead
    )
    Record.objects.bulk_create(
        (
            Record(
                review=review,
                source_import=record_import,
                position=i,
                title=f"Tocilizumab versus azathioprine in NMOSD: cohort {i}",
                abstract=ABSTRACT,
                authors=["Zhang, L.", "Kim, S.", "Palace, J."],
                year=2000 + i % 25,
                journal="Multiple Sclerosis and Related Disorders",
                doi=f"10.1000/bench.{i}",
            )
            for i in range(1, records + 1)
        ),
        batch_size=5000,
    )
    ids = Record.objects.filter(review=review).order_by("pk").values_list("pk", flat=True)
    Resolution.objects.bulk_create(
        Resolution(review=review, record_id=pk, stage=Stage.TITLE_ABSTRACT, decision="include", method="agreement")
        for pk in ids[::10]
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return lead, review, create_token(user=lead, name="bench")[1]


def _time(client, url, repeat, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, database, queries = [], [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}", secure=True)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200 and len(response.json()["results"]) == 100, response.status_code
        queries = max(queries, len(captured))
        database.append(sum(float(query["time"]) for query in captured.captured_queries))
    # On a shared machine the wall time includes waiting for a core; the CPU time of this process, the time spent in
    # the database's calls and the server's own execution time of the records' query show what the request costs.
    records_query = max(captured.captured_queries, key=lambda query: len(query["sql"]))["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + records_query)
        executed = cursor.fetchone()[0][0]["Execution Time"]
    return (
        f"{statistics.median(times) * 1000:.1f} ms (CPU {statistics.median(cpu) * 1000:.1f} ms, database calls "
        f"{statistics.median(database) * 1000:.1f} ms, {queries} queries; the records' query executes in "
        f"{executed:.1f} ms)",
        response.json()["next"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    _recreate(args.server)
    try:
        _setup(args.server)
        from django.db import connections
        from django.test import Client
        from django.urls import reverse

        start = time.perf_counter()
        _, review, key = _fill(args.records)
        print(f"{args.records} records written in {time.perf_counter() - start:.0f} s")
        client = Client(HTTP_HOST="localhost")
        url = reverse("api:records", args=[review.pk])
        first, next_url = _time(client, url, args.repeat, key)
        # Deep in the list: the cursor of the page after the 500th.
        for _ in range(4):
            next_url = client.get(next_url, HTTP_AUTHORIZATION=f"Bearer {key}", secure=True).json()["next"]
        deep, _ = _time(client, next_url, args.repeat, key)
        included, _ = _time(client, f"{url}?stage=title-abstract&decision=include", args.repeat, key)
        print(f"median of {args.repeat}: first page {first}; page 6 {deep}; included at title/abstract {included}")
        print("load average:", " ".join(f"{n:.1f}" for n in os.getloadavg()))
        connections.close_all()
    finally:
        _drop(args.server)


if __name__ == "__main__":
    main()
