"""Run bib-dedupe on one CSV of records; print its duplicate groups and its time as JSON.

Runs inside bib-dedupe's own environment (bench/.venv-bibdedupe), not Tandem's, so the two
tools' dependencies never meet; bench/dedup_accuracy.py calls it once per data set:
    bench/.venv-bibdedupe/bin/python bench/bib_dedupe_runner.py records.csv
The CSV has bib-dedupe's columns (ID, ENTRYTYPE, title, author, year, journal, volume, number,
pages, doi); bib-dedupe's automatic merges are its "true" matches, clustered.
"""

import json
import sys
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main():
    records = pd.read_csv(sys.argv[1], dtype=str).fillna("")
    start = time.perf_counter()
    prepared = prep(records, verbosity_level=0, cpu=1)
    pairs = block(prepared, verbosity_level=0, cpu=1)
    matched = match(pairs, verbosity_level=0, cpu=1)
    groups = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    print(json.dumps({"groups": [sorted(group) for group in groups], "seconds": seconds}))


if __name__ == "__main__":
    main()
