"""Several machines' worth of processes on one: two gunicorn servers and two task workers on one PostgreSQL, with
the shared Redis cache, under the load script's simulated reviewers (taking the two servers in turn) while a
100,000-record import and an analysis run go through the workers; then the load script's no-lost-write checks.

Run: .venv/bin/python bench/cluster.py [--seconds 120] [--reviewers 30] [--import-records 100000]
     [--cache-url redis://127.0.0.1:6379/1] (any further option is bench/load.py's)

Reported as bench/load.py reports, plus the import's and the analysis run's times (docs/benchmarks.md).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py, beside this file)

CLUSTER = [
    "--database",
    "postgres",
    "--pg-database",
    "tandem_cluster",
    "--servers",
    "2",
    "--workers",
    "2",
    "--task-workers",
    "2",
    "--cache-url",
    "redis://127.0.0.1:6379/1",
    "--import-records",
    "100000",
    "--analysis",
]

if __name__ == "__main__":
    # Options given on the command line come after these, so they win.
    load.main(CLUSTER + sys.argv[1:])
