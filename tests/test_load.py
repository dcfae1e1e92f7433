"""The short version of bench/load.py: gunicorn under a few simulated reviewers, then every acknowledged vote and
value is in the database exactly once and no request failed. The figures in docs/benchmarks.md come from the long
version on the same script."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.load]

ROOT = Path(__file__).resolve().parent.parent


def test_a_short_load_run_loses_and_duplicates_nothing():
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    # A database of its own beside this run's test database, so parallel runs never drop each other's.
    own = f"{connection.settings_dict['NAME']}_load"
    result = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--database",
            database,
            "--reviewers",
            "6",
            "--seconds",
            "10",
            "--records",
            "300",
            "--workers",
            "2",
            "--think",
            "0.2",
            "--pg-database",
            own,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts = re.search(r"acknowledged: ([\d,]+) votes, ([\d,]+) values", result.stdout).groups()
    votes, values = (int(count.replace(",", "")) for count in counts)
    assert votes > 0 and values > 0, result.stdout
    assert "5xx: 0" in result.stdout
    assert "every acknowledged write present exactly once" in result.stdout
