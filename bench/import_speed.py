"""Import and deduplicate 100,000 records on SQLite, and compare with bare rispy parsing.

Run: .venv/bin/python bench/import_speed.py [--records 100000] [--duplicates 0.15]

Records are generated from the shared screening datasets: titles are drawn from
their vocabulary, abstracts and author names are real ones, and a controlled share
of records is repeated with the changes databases make (case, punctuation, missing
DOI, abbreviated journal). Target (issue 3): import + deduplicate in under 60 s with
peak memory under 1.5 GB.
"""

import argparse
import random
import resource
import sys
import time

from benchdb import fresh_database, review_with_search
from shared_data import shared_data

SHARED = shared_data() / "screening"

JOURNALS = [
    ("Multiple Sclerosis Journal", "Mult Scler"),
    ("Journal of Neurology", "J Neurol"),
    ("Neurology", "Neurology"),
    ("Lancet Neurology", "Lancet Neurol"),
    ("BMC Medicine", "BMC Med"),
    ("PLoS ONE", "PLoS One"),
]


def source_material():
    import pandas as pd

    frames = [pd.read_csv(path) for path in sorted(SHARED.glob("*.csv"))]
    words, abstracts, authors = set(), [], []
    for frame in frames:
        for title in frame["title"].dropna():
            words.update(w for w in str(title).split() if w.isalpha() and len(w) > 3)
        abstracts.extend(str(a) for a in frame["abstract"].dropna())
        if "authors" in frame:
            for names in frame["authors"].dropna():
                authors.extend(n.strip() for n in str(names).split(";") if n.strip())
    return sorted(words), abstracts, sorted(set(authors))


def generate(count, duplicate_share, seed=7):
    """RIS text with `count` records, of which about duplicate_share are altered copies of others."""
    rng = random.Random(seed)
    words, abstracts, authors = source_material()
    originals = int(count / (1 + duplicate_share))
    records = []
    for i in range(originals):
        journal = rng.choice(JOURNALS)
        records.append(
            {
                "TI": " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize(),
                "AB": rng.choice(abstracts),
                "AU": rng.sample(authors, rng.randint(1, 6)),
                "PY": str(rng.randint(1990, 2025)),
                "JO": journal[0],
                "VL": str(rng.randint(1, 90)),
                "SP": str(rng.randint(1, 3000)),
                "DO": f"10.5555/tandem.{i}" if rng.random() < 0.7 else "",
            }
        )
    while len(records) < count:
        copy = dict(rng.choice(records[:originals]))
        copy["TI"] = rng.choice([copy["TI"].upper(), copy["TI"] + ".", copy["TI"].replace(" ", "  ")])
        if rng.random() < 0.5:
            copy["DO"] = ""
        copy["JO"] = next((abbr for full, abbr in JOURNALS if full == copy["JO"]), copy["JO"])
        records.append(copy)
    rng.shuffle(records)
    lines = []
    for record in records:
        lines.append("TY  - JOUR")
        for tag, value in record.items():
            for item in value if isinstance(value, list) else [value]:
                if item:
                    lines.append(f"{tag}  - {item}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines), count - originals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.15)
    args = parser.parse_args()
    workdir = fresh_database()

    text, copies = generate(args.records, args.duplicates)
    path = workdir / "search.ris"
    path.write_text(text)
    print(f"{args.records} records ({copies} altered copies), {path.stat().st_size / 1e6:.1f} MB of RIS")

    import rispy

    start = time.perf_counter()
    bare = rispy.loads(text)
    rispy_seconds = time.perf_counter() - start
    del bare, text
    print(f"bare rispy.loads: {rispy_seconds:.1f} s")

    from django.core.files import File

    from identification.models import RecordImport
    from identification.services import run_import

    lead, review, search = review_with_search()
    with path.open("rb") as handle:
        record_import = RecordImport.objects.create(
            review=review, search=search, upload=File(handle, name=path.name), file_name=path.name, created_by=lead
        )
    start, cpu_start = time.perf_counter(), time.process_time()
    run_import(record_import)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Tandem import + deduplication: {seconds:.1f} s ({seconds / rispy_seconds:.1f}× bare rispy); "
        f"{record_import.record_count} records, {record_import.merged_count} merged, "
        f"{record_import.queued_count} pairs queued; peak memory {peak_mb:.0f} MB"
    )
    # On a shared machine the wall time measures the other jobs too; the CPU time is what the import costs.
    print(f"CPU time of the import: {cpu_seconds:.1f} s")
    met = seconds < 60 and peak_mb < 1536
    print(f"target < 60 s and < 1.5 GB: {'met' if met else 'FAIL'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
