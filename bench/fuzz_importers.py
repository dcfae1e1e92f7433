"""Fuzz every importer for a while: random bytes and damaged real exports, as in the tests but with fresh random
examples on each round until the time is up; then a 500 MB upload through the import page.

Run: .venv/bin/python bench/fuzz_importers.py [--minutes 10] [--big-mb 500]

Each example must give its records or an ImportFileError with a message, within 20 s, and nothing else.
Hypothesis prints the falsifying file and the run stops at the first failure.
"""

import argparse
import tempfile
import time

from benchdb import fresh_database, review_with_search


def fuzz(minutes: float) -> dict[str, int]:
    from hypothesis import HealthCheck, given, settings

    from tests.identification.fuzz import check_parse, damaged_exports, random_files

    counts = {"random bytes": 0, "damaged exports": 0}
    fast = settings(
        max_examples=500, derandomize=False, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )

    @fast
    @given(random_files)
    def random_bytes(file):
        counts["random bytes"] += 1
        check_parse(*file)

    @fast
    @given(damaged_exports())
    def damaged(file):
        counts["damaged exports"] += 1
        check_parse(*file)

    deadline = time.monotonic() + minutes * 60
    while time.monotonic() < deadline:
        random_bytes()
        damaged()
    return counts


def big_upload(megabytes: int) -> tuple[int, str, float]:
    """A file over MAX_UPLOAD_MB posted to the import page: refused with the limit named, nothing saved."""
    from django.test import Client

    from identification.models import Record, RecordImport

    lead, review, search = review_with_search()
    client = Client()
    client.force_login(lead)
    with tempfile.NamedTemporaryFile(suffix=".ris") as upload:
        line = b"TI  - " + b"x" * 1000 + b"\n"
        for _ in range(megabytes * 1024 * 1024 // len(line)):
            upload.write(line)
        upload.seek(0)
        started = time.perf_counter()
        response = client.post(
            f"/reviews/{review.pk}/imports/new/",
            {"search": search.pk, "file": upload},
            HTTP_HOST="localhost",
            secure=True,
        )
        elapsed = time.perf_counter() - started
    assert not Record.objects.exists() and not RecordImport.objects.exists(), "nothing may be saved"
    message = "larger than the limit" if b"larger than the limit" in response.content else "no message!"
    return response.status_code, message, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--big-mb", type=int, default=500)
    args = parser.parse_args()
    fresh_database()
    started = time.monotonic()
    counts = fuzz(args.minutes)
    elapsed = time.monotonic() - started
    for kind, count in counts.items():
        print(f"{kind:>16}: {count:>8,} files, no failure")
    print(f"{'total':>16}: {sum(counts.values()):>8,} files in {elapsed / 60:.1f} min")
    status, message, seconds = big_upload(args.big_mb)
    print(f"{args.big_mb} MB upload: HTTP {status}, {message}, answered in {seconds:.1f} s, nothing saved")


if __name__ == "__main__":
    main()
