"""A review of a million records on PostgreSQL: the import and its deduplication through a task worker
(`manage.py db_worker`), then the screening queue and a vote, the PRISMA counts and the records list's first page.

Run: .venv/bin/python bench/million.py [--records 1000000] [--duplicates 0.15] [--repeat 30]
     [--pg-database tandem_million]

The RIS file is written a record at a time (titles from the shared screening datasets' vocabulary, real abstracts
and author names, a share of altered copies as databases make them: case, punctuation, a lost DOI, an abbreviated
journal). The worker's peak memory is its VmHWM (/proc). Targets (issue 19): import + deduplication under 10 min
and 4 GB; queue and vote under 50 ms median; PRISMA counts under 500 ms; the records list's first page under
200 ms. Each figure is printed with the load average when it was taken (the machine may be shared).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_speed import JOURNALS, source_material  # noqa: E402  (beside this file)
from load import ROOT, environment, recreate_postgres_database  # noqa: E402

sys.path.insert(0, str(ROOT))


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def write_ris(path: Path, count: int, duplicate_share: float, seed: int = 7) -> int:
    """Write `count` records, about duplicate_share of them altered copies of earlier ones; returns the copies."""
    words, abstracts, authors = source_material()
    originals = int(count / (1 + duplicate_share))

    def original(i: int) -> dict:
        rng = random.Random(seed * 1_000_003 + i)  # record i is the same whenever it is drawn
        journal = rng.choice(JOURNALS)
        return {
            "TI": " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize(),
            "AB": rng.choice(abstracts),
            "AU": rng.sample(authors, rng.randint(1, 6)),
            "PY": str(rng.randint(1990, 2025)),
            "JO": journal[0],
            "VL": str(rng.randint(1, 90)),
            "SP": str(rng.randint(1, 3000)),
            "DO": f"10.5555/tandem.{i}" if rng.random() < 0.7 else "",
        }

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            if n < originals:
                record = original(n)
            else:
                record = original(rng.randrange(originals))
                record["TI"] = rng.choice([record["TI"].upper(), record["TI"] + ".", record["TI"].replace(" ", "  ")])
                if rng.random() < 0.5:
                    record["DO"] = ""
                record["JO"] = next(abbr for full, abbr in JOURNALS if full == record["JO"])
            out.write("TY  - JOUR\n")
            for tag, value in record.items():
                for item in value if isinstance(value, list) else [value]:
                    if item:
                        out.write(f"{tag}  - {item}\n")
            out.write("ER  - \n\n")
    return count - originals


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--duplicates", type=float, default=0.15)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-database", default="tandem_million")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tandem-million-"))
    env = environment("postgres", workdir, args.pg_database)
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    os.environ.update(env)
    recreate_postgres_database(args.pg_database)
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from identification.models import ImportStatus, RecordImport, Search
    from identification.services import queue_import
    from identification.tasks import start_import
    from reviews.models import Role
    from reviews.services import add_member
    from screening import services
    from screening.models import ScreeningRecord, Stage
    from screening.prisma import count_flow
    from tests.db_worker import start_worker
    from tests.factories import make_review, make_user

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with the production storage
    path = workdir / "search.ris"
    start = time.perf_counter()
    copies = write_ris(path, args.records, args.duplicates)
    print(
        f"{args.records:,} records ({copies:,} altered copies), {path.stat().st_size / 1e6:,.0f} MB of RIS, "
        f"written in {time.perf_counter() - start:.0f} s"
    )

    lead, reviewer = make_user("bench-lead"), make_user("bench-reviewer")
    review = make_review(lead=lead)
    add_member(review=review, user=reviewer, role=Role.REVIEWER, by=lead)
    search = Search.objects.create(review=review, source="PubMed", date_searched="2026-11-25", created_by=lead)
    with path.open("rb") as handle:
        record_import = RecordImport.objects.create(
            review=review, search=search, upload=File(handle, name=path.name), file_name=path.name, created_by=lead
        )
    connections.close_all()
    worker = start_worker(env)
    try:
        start = time.perf_counter()
        queue_import(record_import)
        start_import(record_import)  # outside a transaction: queued at once
        peak, loads = 0.0, []
        while True:
            record_import.refresh_from_db()
            peak = max(peak, peak_rss_mb(worker.pid))
            loads.append(os.getloadavg()[0])
            if record_import.status in (ImportStatus.DONE, ImportStatus.FAILED):
                break
            assert worker.poll() is None, "the worker died"
            cpu = cpu_seconds(worker.pid)
            time.sleep(1)
        seconds = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=600)
    if record_import.status == ImportStatus.FAILED:
        print(f"import FAILED after {seconds:.0f} s: {record_import.error}")
        return 1
    print(
        f"import + deduplication by a worker: {seconds:.0f} s for {record_import.record_count:,} records, "
        f"{record_import.merged_count:,} merged, {record_import.queued_count:,} pairs queued; worker CPU {cpu:.0f} s, "
        f"peak RSS {peak:,.0f} MB; load average during it {statistics.mean(loads):.1f} (max {max(loads):.1f}) "
        f"[targets 600 s, 4096 MB]"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time a team screens

    def next_and_vote():
        record = ScreeningRecord.objects.next_for(reviewer, review=review, stage=Stage.TITLE_ABSTRACT)
        services.cast_vote(
            review=review, record_id=record.pk, stage=Stage.TITLE_ABSTRACT, reviewer=reviewer, decision="exclude"
        )

    queue_ms = median_ms(
        lambda: ScreeningRecord.objects.next_for(reviewer, review=review, stage=Stage.TITLE_ABSTRACT), args.repeat
    )
    both_ms = median_ms(next_and_vote, args.repeat)
    print(f"queue (next record) median {queue_ms:.1f} ms; next record + vote median {both_ms:.1f} ms; {load()}")
    prisma_ms = median_ms(lambda: count_flow(review), max(5, args.repeat // 3))
    print(f"PRISMA counts median {prisma_ms:.0f} ms; {load()} [target 500 ms]")
    client = Client()
    client.force_login(lead)
    url = reverse("identification:records", args=[review.pk])
    assert client.get(url, secure=True).status_code == 200
    page_ms = median_ms(lambda: client.get(url, secure=True), max(5, args.repeat // 3))
    print(f"records list first page median {page_ms:.0f} ms; {load()} [target 200 ms]")
    connections.close_all()
    recreate_postgres_database(args.pg_database, create=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
