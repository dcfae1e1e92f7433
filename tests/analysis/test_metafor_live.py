"""The engine against R's metafor run now: the committed reference files, and random data nobody chose.

Needs Rscript with metafor and metadat (Debian: r-cran-metafor r-cran-metadat). Skipped without them, except
in CI (environment variable CI set), where their absence fails the run.
"""

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.analysis.metafor_reference import GENERATOR, differences, load, reference_files

pytestmark = [pytest.mark.r, pytest.mark.slow]
RANDOM = GENERATOR.parent / "random.R"
SEEDS = (20261201, 17, 4242)


@pytest.fixture(scope="module")
def rscript() -> str:
    path = shutil.which("Rscript")
    ready = path and subprocess.run([path, "-e", "library(metafor)"], capture_output=True).returncode == 0
    if not ready:
        reason = "Rscript with the metafor package is not installed (Debian: apt-get install r-cran-metafor)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must have it (.ci/run installs it)")
        pytest.skip(reason)
    return str(path)


def run(rscript: str, script: Path, folder: Path) -> None:
    done = subprocess.run([rscript, str(script), str(folder)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def numbers_differ(committed, fresh, path="") -> list[str]:
    if isinstance(committed, dict):
        keys = committed.keys() - {"provenance"}
        if keys != fresh.keys() - {"provenance"}:
            return [f"{path}: keys differ"]
        return [d for k in keys for d in numbers_differ(committed[k], fresh[k], f"{path}.{k}")]
    if isinstance(committed, list):
        if len(committed) != len(fresh):
            return [f"{path}: lengths differ"]
        return [
            d
            for i, (c, f) in enumerate(zip(committed, fresh, strict=True))
            for d in numbers_differ(c, f, f"{path}[{i}]")
        ]
    if isinstance(committed, float) and isinstance(fresh, int | float):
        return (
            [] if math.isclose(committed, fresh, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {committed} -> {fresh}"]
        )
    return [] if committed == fresh else [f"{path}: {committed!r} -> {fresh!r}"]


def test_committed_reference_files_are_what_the_generator_writes(rscript, tmp_path):
    run(rscript, GENERATOR, tmp_path)
    assert sorted(p.name for p in reference_files(tmp_path)) == sorted(p.name for p in reference_files())
    for committed in reference_files():
        assert numbers_differ(load(committed), load(tmp_path / committed.name)) == [], committed.name


def _dichotomous(rng: np.random.Generator) -> pd.DataFrame:
    """Sparse trials: rare events, so zero cells; the first study has none in either group."""
    k = int(rng.integers(6, 16))
    n1, n2 = rng.integers(8, 150, k), rng.integers(8, 150, k)
    risk = rng.uniform(0.005, 0.12, k)
    ai = rng.binomial(n1, np.minimum(risk * rng.lognormal(-0.3, 0.5, k), 1))
    ci = rng.binomial(n2, risk)
    ai[0] = ci[0] = 0
    ai[1], ci[2] = max(ai[1], 1), max(ci[2], 1)  # events in both groups somewhere, as every method needs
    return pd.DataFrame({"study": [f"trial {i + 1}" for i in range(k)], "ai": ai, "n1i": n1, "ci": ci, "n2i": n2})


def _rate(rng: np.random.Generator) -> pd.DataFrame:
    k = int(rng.integers(5, 12))
    t1, t2 = rng.uniform(50, 3000, k).round(1), rng.uniform(50, 3000, k).round(1)
    rate = rng.uniform(0.0005, 0.01, k)
    x1, x2 = rng.poisson(rate * t1 * rng.lognormal(0, 0.4, k)), rng.poisson(rate * t2)
    x1[0] = x2[0] = 0
    x1[1], x2[2] = max(x1[1], 1), max(x2[2], 1)
    return pd.DataFrame({"study": [f"cohort {i + 1}" for i in range(k)], "x1i": x1, "t1i": t1, "x2i": x2, "t2i": t2})


def _continuous(rng: np.random.Generator) -> pd.DataFrame:
    k = int(rng.integers(4, 20))
    n1, n2 = rng.integers(5, 200, k), rng.integers(5, 200, k)
    sd1, sd2 = rng.uniform(0.5, 3, k).round(2), rng.uniform(0.5, 3, k).round(2)
    mean2 = rng.normal(10, 2, k).round(2)
    mean1 = (mean2 + rng.normal(-0.5, 1, k)).round(2)
    return pd.DataFrame(
        {
            "study": [f"trial {i + 1}" for i in range(k)],
            "n1": n1,
            "mean1": mean1,
            "sd1": sd1,
            "n2": n2,
            "mean2": mean2,
            "sd2": sd2,
        }
    )


def _generic(rng: np.random.Generator) -> pd.DataFrame:
    """Hazard ratios with their 95% CIs, printed to two decimals as papers do."""
    k = int(rng.integers(4, 25))
    log_hr, se = rng.normal(-0.2, 0.3, k), rng.uniform(0.05, 0.6, k)
    lower, upper = np.exp(log_hr - 1.96 * se).round(2), np.exp(log_hr + 1.96 * se).round(2)
    return pd.DataFrame(
        {
            "study": [f"cohort {i + 1}" for i in range(k)],
            "estimate": np.exp(log_hr).round(2),
            "ci_lower": lower,
            "ci_upper": upper,
        }
    )


def test_engine_matches_metafor_on_random_data(rscript, tmp_path):
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        for design, make in (
            ("dichotomous", _dichotomous),
            ("rate", _rate),
            ("continuous", _continuous),
            ("generic", _generic),
        ):
            make(rng).to_csv(tmp_path / f"{design}-{design}{seed}.csv", index=False)
    run(rscript, RANDOM, tmp_path)
    checked, problems = 0, []
    for path in reference_files(tmp_path):
        reference = json.loads(path.read_text())
        for case in reference["cases"]:
            found = differences(reference, case)
            problems += [f"{path.stem} {case['measure']} {case['method']}: {d}" for d in found]
            checked += 1
    assert problems == []
    assert checked >= len(SEEDS) * 50, "every measure and method on every random data set"
