"""A fresh SQLite database with production settings (DEBUG off) for the benchmarks, and a review to fill."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database():
    """Point Django at a new SQLite file, set it up and migrate; returns the working folder."""
    workdir = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    # Measure what production runs: with DEBUG off Django keeps no log of the queries.
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with the production storage
    return workdir


def review_with_search():
    """(lead, review, search) of a new review, built with the project's own factories."""
    from identification.models import Search
    from tests.factories import make_review, make_user

    lead = make_user("bench-lead")
    review = make_review(lead=lead)
    search = Search.objects.create(review=review, source="PubMed", date_searched="2026-11-25", created_by=lead)
    return lead, review, search


def time_pages(user, pages: dict[str, str], repeat: int) -> None:
    """Request each page `repeat` times as `user` (HTTPS, production settings); print median wall and CPU time
    (the CPU time of this process, which the other processes on a loaded machine do not inflate) and queries."""
    import statistics
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    for name, url in pages.items():
        times, cpu_times = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url, HTTP_HOST="localhost", secure=True)
                times.append(time.perf_counter() - start)
                cpu_times.append(time.process_time() - cpu_start)
            assert response.status_code == 200, f"{name}: {response.status_code}"
        print(
            f"  {name}: median {statistics.median(times) * 1000:.0f} ms "
            f"(CPU {statistics.median(cpu_times) * 1000:.0f} ms), {len(queries)} queries"
        )


def submitted_review(studies: int, template: str = "nmosd"):
    """(lead, review, study ids): a shipped form (NMOSD's unless told), a second extractor, and `studies`
    studies whose two extractions are both submitted (their values are each benchmark's own)."""
    from extraction import services
    from extraction.models import Extraction, ExtractionStatus
    from extraction.template import load
    from reviews.models import Role
    from reviews.services import add_member
    from screening.models import Study
    from tests.factories import make_user

    lead, review, _ = review_with_search()
    second = make_user("bench-extractor")
    add_member(review=review, user=second, role=Role.REVIEWER, by=lead)
    services.apply_template(review=review, user=lead, template=load(template))
    Study.objects.bulk_create(Study(review=review, label=f"Study {i:03d} 2020") for i in range(studies))
    study_ids = list(Study.objects.filter(review=review).values_list("pk", flat=True))
    Extraction.objects.bulk_create(
        Extraction(review=review, study_id=pk, slot=slot, extractor=person, status=ExtractionStatus.SUBMITTED)
        for pk in study_ids
        for slot, person in ((1, lead), (2, second))
    )
    return lead, review, study_ids
