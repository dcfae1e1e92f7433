"""Running exported metafor scripts in R and holding R's numbers against Tandem's stored results."""

import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from analysis.engine.analysis import RESULT_KEYS
from analysis.rliterals import r_string

TOLERANCE = 1e-6
R_TIMEOUT_SECONDS = 300
# One study has no heterogeneity to measure: Tandem says n/a where metafor reports I² = 0, H² = 1 and p = 1.
METAFOR_FOR_ONE_STUDY = {"i2": 0.0, "h2": 1.0, "q_p_value": 1.0}


def rscript() -> str:
    """The Rscript executable; tests marked ``r`` are skipped (or fail in CI) before they get here without it."""
    path = shutil.which("Rscript")
    assert path, "Rscript is not installed (apt-get install --no-install-recommends r-cran-metafor r-cran-metadat)"
    return path


def run_r_file(path: Path) -> subprocess.CompletedProcess:
    """Rscript on one file, as a user runs an exported script, in the file's directory."""
    return subprocess.run(
        [rscript(), path.name], cwd=path.parent, capture_output=True, text=True, timeout=R_TIMEOUT_SECONDS
    )


def metafor_tables(scripts: list[str], directory: Path) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each script run in its own R environment, in one R process (R and metafor take seconds to start);
    for each, the pooled results and the subgroup tests metafor computed."""
    driver = ["suppressPackageStartupMessages(library(metafor))"]
    outputs = []
    for i, script in enumerate(scripts):
        source, pooled, tests = (directory / f"{name}{i}" for name in ("script", "pooled", "tests"))
        source.with_suffix(".R").write_text(script, encoding="utf-8")
        driver.append(
            f"local({{ env <- new.env(); sys.source({r_string(source.with_suffix('.R'))}, envir = env);"
            f" write.csv(env$metafor_pooled, {r_string(pooled)}, row.names = FALSE, fileEncoding = 'UTF-8');"
            f" write.csv(if (is.null(env$metafor_tests)) data.frame() else env$metafor_tests,"
            f" {r_string(tests)}, row.names = FALSE, fileEncoding = 'UTF-8') }})"
        )
        outputs.append((pooled, tests))
    (directory / "driver.R").write_text("\n".join(driver) + "\n", encoding="utf-8")
    finished = run_r_file(directory / "driver.R")
    assert finished.returncode == 0, f"R failed:\n{finished.stderr[-3000:]}"
    return [(_read_csv(pooled), _read_csv(tests)) for pooled, tests in outputs]


def _read_csv(path: Path) -> pd.DataFrame:
    # An empty data frame is written as one empty line.
    if path.read_text(encoding="utf-8").strip() in ("", '""'):
        return pd.DataFrame()
    return pd.read_csv(path, keep_default_na=False, na_values=["NA"], encoding="utf-8")


def _close(r_value, tandem_value) -> bool:
    r_missing = r_value is None or (isinstance(r_value, float) and math.isnan(r_value))
    if tandem_value is None or r_missing:
        return tandem_value is None and r_missing
    return abs(float(r_value) - float(tandem_value)) <= TOLERANCE


def disagreements(results: dict, pooled: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    """Every number of Tandem's stored results that metafor's differs from by more than the tolerance."""
    expected = {}
    for key, outcome in results["outcomes"].items():
        expected[key, None] = outcome["overall"]
        expected.update({(key, group): result for group, result in outcome.get("subgroups", {}).items()})
    rows = {
        (row["outcome"], None if pd.isna(row["subgroup"]) else row["subgroup"]): row
        for row in pooled.to_dict(orient="records")
    }
    problems = [] if rows.keys() == expected.keys() else [f"results {sorted(rows, key=str)} != {list(expected)}"]
    for where, result in expected.items():
        for column in RESULT_KEYS:
            r_value, tandem = rows.get(where, {}).get(column), result[column]
            if result["k"] == 1 and column in METAFOR_FOR_ONE_STUDY:
                agrees = tandem is None and r_value == METAFOR_FOR_ONE_STUDY[column]
            else:
                agrees = _close(r_value, tandem)
            if not agrees:
                problems.append(f"{where} {column}: metafor {r_value}, Tandem {result[column]}")
    found = {(row["outcome"], row["test"]): row for row in tests.to_dict(orient="records")}
    for key, outcome in results["outcomes"].items():
        separate, common = outcome.get("subgroup_test"), outcome.get("subgroup_test_common_tau2")
        wanted = {}
        if separate:
            wanted["separate tau2"] = (separate["q_between"], separate["df"], None, separate["p_value"])
        if common:
            df = [*common["df"], None][:2]
            wanted["common tau2"] = (common["value"], *df, common["p_value"])
        if regression := outcome.get("meta_regression", {}).get("moderator_test"):
            df = [*regression["df"], None][:2]
            wanted["meta-regression"] = (regression["statistic"], *df, regression["p_value"])
        if {test for (outcome_key, test) in found if outcome_key == key} != wanted.keys():
            problems.append(f"{key}: metafor's tests differ from Tandem's {list(wanted)}")
        for test, numbers in wanted.items():
            row = found.get((key, test), {})
            for column, number in zip(("statistic", "df1", "df2", "p_value"), numbers, strict=True):
                if not _close(row.get(column), number):
                    problems.append(f"{key} {test} {column}: metafor {row.get(column)}, Tandem {number}")
    return problems
