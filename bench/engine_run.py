"""Time one analysis run in the engine: 3 outcomes × 5 comparisons × 50 studies, every test the app runs.

Run: .venv/bin/python bench/engine_run.py [--studies 50] [--repeat 5] [--plots]
Target (issue 17): a run well under 5 s in the engine, judged on the CPU time the run takes: on a shared
machine the wall time also counts the time spent waiting for a core (the load average is printed beside it).

Each comparison is a whole analysis from the raw table, as the app makes it: effect sizes (with zero cells,
SDs from SEs, CIs and medians, ratios with CIs), the pooled estimate with its τ² CI, two subgroups with both
tests, Egger's and Begg's tests, leave-one-out, and the JSON the app stores. The dichotomous outcome is pooled
twice, by REML and by Mantel-Haenszel, as the BCG demo is. --plots adds the forest and funnel SVGs of each
analysis (matplotlib), which the app draws when it stores a run.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import plots  # noqa: E402
from analysis.engine.analysis import meta_analyse  # noqa: E402
from analysis.engine.dataset import effect_table  # noqa: E402

TARGET_SECONDS = 5.0
OUTCOMES, COMPARISONS = 3, 5


def dichotomous(rng: np.random.Generator, k: int) -> pd.DataFrame:
    n1, n2 = rng.integers(20, 400, k), rng.integers(20, 400, k)
    risk = rng.uniform(0.002, 0.2, k)
    return pd.DataFrame({"ai": rng.binomial(n1, risk * 0.7), "n1i": n1, "ci": rng.binomial(n2, risk), "n2i": n2})


def continuous(rng: np.random.Generator, k: int) -> pd.DataFrame:
    """Means and SDs, a fifth with SEs instead of SDs, a fifth with medians and IQRs."""
    n1, n2 = rng.integers(10, 300, k), rng.integers(10, 300, k)
    sd1, sd2 = rng.uniform(1, 4, k).round(2), rng.uniform(1, 4, k).round(2)
    frame = pd.DataFrame(
        {
            "n1": n1,
            "mean1": rng.normal(9, 2, k).round(2),
            "sd1": sd1,
            "n2": n2,
            "mean2": rng.normal(10, 2, k).round(2),
            "sd2": sd2,
        }
    )
    with_se = np.arange(k) % 5 == 1
    frame.loc[with_se, "se1"] = (frame.sd1 / np.sqrt(frame.n1))[with_se].round(3)
    frame.loc[with_se, "sd1"] = np.nan
    with_median = np.arange(k) % 5 == 2
    frame.loc[with_median, "median2"] = frame.mean2[with_median]
    frame.loc[with_median, "q1_2"] = (frame.mean2 - 0.67 * frame.sd2)[with_median].round(2)
    frame.loc[with_median, "q3_2"] = (frame.mean2 + 0.67 * frame.sd2)[with_median].round(2)
    frame.loc[with_median, ["mean2", "sd2"]] = np.nan
    return frame


def hazard_ratios(rng: np.random.Generator, k: int) -> pd.DataFrame:
    log_hr, se = rng.normal(-0.2, 0.25, k), rng.uniform(0.05, 0.5, k)
    return pd.DataFrame(
        {
            "estimate": np.exp(log_hr).round(2),
            "ci_lower": np.exp(log_hr - 1.96 * se).round(2),
            "ci_upper": np.exp(log_hr + 1.96 * se).round(2),
        }
    )


# (outcome, measure, make the table, methods, effect_table options)
DESIGNS = [
    ("deaths", "RR", dichotomous, ("REML", "MH"), {}),
    ("symptom score", "SMD", continuous, ("REML",), {}),
    ("time to relapse", "GEN", hazard_ratios, ("REML",), {"ratio": True}),
]


def tables(studies: int, seed: int = 20261201) -> list[tuple[str, str, pd.DataFrame, tuple[str, ...], dict]]:
    rng = np.random.default_rng(seed)
    made = []
    for outcome, measure, make, methods, options in DESIGNS:
        for comparison in range(COMPARISONS):
            frame = make(rng, studies)
            frame.insert(0, "study", [f"Study {i + 1}" for i in range(studies)])
            frame["setting"] = np.where(np.arange(studies) % 3 == 0, "inpatient", "outpatient")
            made.append((f"{outcome}, comparison {comparison + 1}", measure, frame, methods, options))
    return made


def run(made: list, draw: bool) -> int:
    """One run: every comparison of every outcome, analysed from its raw table; returns the number of analyses."""
    analyses = 0
    for label, measure, frame, methods, options in made:
        table = effect_table(frame, measure, subgroup="setting", **options)
        for method in methods:
            analysis = meta_analyse(table, method=method, by_subgroup=True)
            outcome = analysis.as_json()
            analyses += 1
            if draw:
                for study, weight in zip(outcome["studies"], analysis.overall.weights, strict=True):
                    study["weight_in_subgroup"] = weight
                plots.render(plots.forest(outcome, label, favours=plots.FAVOURS), "svg")
                plots.render(plots.funnel(outcome, label), "svg")
    return analyses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plots", action="store_true", help="draw each analysis's forest and funnel SVGs too")
    args = parser.parse_args()
    made = tables(args.studies)
    wall, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        analyses = run(made, args.plots)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"{OUTCOMES} outcomes × {COMPARISONS} comparisons × {args.studies} studies = {analyses} analyses"
        f"{' with plots' if args.plots else ''}, {args.repeat} runs (seconds)"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"wall: median {statistics.median(wall):.3f}, worst {max(wall):.3f} (load average {load})")
    print(f"CPU:  median {statistics.median(cpu):.3f}, worst {max(cpu):.3f}")
    failed = max(cpu) >= TARGET_SECONDS
    print(f"target < {TARGET_SECONDS} s per run: {'FAIL' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
