"""The NMOSD demo's analysis, number for number, as it was before issue 17 generalised the engine.

The reference file was written from the demo's first run; a change to the engine must leave every stored number
of that run equal (to 1e-10) and every plot byte for byte, unless the change is meant. To rewrite the file after
a deliberate change, run this test with PIN_NMOSD_DEMO=write and say why in the commit.
"""

import hashlib
import json
import math
import os

import pytest
from django.core.management import call_command

from reviews.demo import DEMO_TITLE
from reviews.models import Review
from tests.analysis.reference import META_DATA

PINNED = META_DATA / "nmosd_demo_pinned.json"

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _demo_run():
    call_command("demo")
    [run] = Review.objects.get(title=DEMO_TITLE).analysis_runs.all()
    plots = {f"{p.outcome}/{p.kind}": hashlib.sha256(p.svg.encode()).hexdigest() for p in run.plots.all()}
    return {"results": run.results, "plot_sha256": plots}


def _differences(expected, actual, path="results"):
    """Paths at which a pinned JSON value differs from the current one; floats compare to 1e-10.

    Keys added since the pin (such as issue 17's method_note) are new information, not changed numbers."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() - actual.keys():
            return [f"{path}: keys {sorted(expected.keys() - actual.keys())} are gone"]
        return [d for key in expected for d in _differences(expected[key], actual[key], f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items pinned, {len(actual)} now"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in _differences(e, a, f"{path}[{i}]")
        ]
    if isinstance(expected, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        return (
            [] if math.isclose(expected, actual, rel_tol=1e-10, abs_tol=1e-10) else [f"{path}: {expected} -> {actual}"]
        )
    return [] if expected == actual else [f"{path}: {expected!r} -> {actual!r}"]


def _numbers(value) -> list[float]:
    """Every number in a JSON value."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


def _baseline_lost(pinned_rows: list[dict], table: dict) -> list[str]:
    """The pinned baseline's numbers (issue 17 moved its columns from code into the form's baseline fields, so the
    table's layout changed) that the characteristics table of the same group no longer holds, to 1e-10."""
    rows = {row["group"]: row for row in table["rows"]}
    lost = []
    for pinned in pinned_rows:
        now = [*_numbers(rows.get(pinned["group"], {}))]
        for key, value in pinned.items():
            if key != "group" and not any(math.isclose(value, n, rel_tol=1e-10, abs_tol=1e-10) for n in now):
                lost.append(f"{pinned['group']}.{key} = {value}")
    return lost


def test_demo_analysis_numbers_and_plots_are_unchanged():
    current = _demo_run()
    if os.environ.get("PIN_NMOSD_DEMO") == "write":
        PINNED.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        pytest.skip(f"wrote {PINNED.name}")
    pinned = json.loads(PINNED.read_text())
    baseline = pinned["results"].pop("baseline", None)
    assert _differences(pinned["results"], current["results"]) == []
    if baseline is not None:
        assert _baseline_lost(baseline, current["results"]["characteristics"]) == []
    assert pinned["plot_sha256"] == current["plot_sha256"], "the NMOSD plots changed: rewrite the pin if meant"
