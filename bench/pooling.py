"""Time the meta-analysis engine on large synthetic data.

Run: .venv/bin/python bench/pooling.py [--studies 10000] [--repeat 20]
Target (issue 4): REML pooling of 10,000 studies in under 0.5 s.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.engine.fitting import METHODS  # noqa: E402
from analysis.engine.pooling import pool  # noqa: E402

TARGET_SECONDS = 0.5


def synthetic_studies(k, seed=20261125):
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.5, k)
    yi = rng.normal(-0.5, np.sqrt(0.2 + vi))
    return yi, vi


def time_pool(yi, vi, method, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        pool(yi, vi, method=method)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), max(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    yi, vi = synthetic_studies(args.studies)
    print(f"pooling {args.studies} studies, {args.repeat} runs each (median / worst, seconds)")
    failed = False
    for method in METHODS:
        median, worst = time_pool(yi, vi, method, args.repeat)
        verdict = ""
        if method == "REML":
            failed = worst >= TARGET_SECONDS
            verdict = f"  target < {TARGET_SECONDS} s: {'FAIL' if failed else 'met'}"
        print(f"{method:>5}: {median:.4f} / {worst:.4f}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
