"""Retraining time of the relevance model for a large review.

Run: .venv/bin/python bench/retrain_speed.py [--records 100000] [--decided 5000 50000] [--repeat 3] [--data DIR]

Records are generated from the shared screening datasets: a real title, and an abstract of
5 to 10 sentences drawn from all their abstracts, so the vocabulary of words and word pairs
grows as a large search's does. One retraining is what the background task does: the TF-IDF
matrix of every record (computed and stored in the feature cache the first time, read back from
it afterwards, as when only decisions changed), fitting the classifier on the decided ones,
scoring and ordering the rest, and the calibrated probabilities behind the estimate of relevant
records left. Target (issue 20): under 30 s for 100,000 records.
"""

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.prioritisation.cache import FeatureCache  # noqa: E402
from screening.prioritisation.model import DEFAULT, Model  # noqa: E402
from screening.prioritisation.stopping import estimated_remaining  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "screening"


def generate(count: int, source: Path, seed: int = 7) -> list[str]:
    frames = [pd.read_csv(path) for path in sorted(source.glob("*.csv"))]
    if not frames:
        raise SystemExit(f"no CSV file in {source}: give the screening datasets with --data")
    titles = [str(t) for frame in frames for t in frame["title"].dropna()]
    sentences = [s for frame in frames for a in frame["abstract"].dropna() for s in re.split(r"(?<=\.) ", str(a))]
    rng = random.Random(seed)
    return [
        rng.choice(titles) + " " + " ".join(rng.choice(sentences) for _ in range(rng.randint(5, 10)))
        for _ in range(count)
    ]


def labels_for(count: int, decided: int, seed: int = 7) -> list[int | None]:
    rng = random.Random(seed)
    labels: list[int | None] = [None] * count
    for position in rng.sample(range(count), decided):
        labels[position] = 1 if rng.random() < 0.1 else 0
    return labels


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def order(model, features, pool):
    return pool[np.argsort(-model.scores(features[pool]), kind="stable")]


def estimate(model, features, pool):
    return estimated_remaining(model.probabilities(features[pool]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--decided", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=SHARED, help=f"labelled CSV files (default {SHARED})")
    args = parser.parse_args()
    texts = generate(args.records, args.data)
    print(f"{args.records} records, {sum(map(len, texts)) / len(texts):.0f} characters each on average")
    with open("/proc/loadavg") as load:
        print(f"load average before: {load.read().split()[0]}")
    with tempfile.TemporaryDirectory() as directory:
        store = FeatureCache(directory)
        for decided in args.decided:
            labels = np.array([-1 if label is None else label for label in labels_for(args.records, decided)])
            rows, pool = np.flatnonzero(labels >= 0), np.flatnonzero(labels < 0)
            for _ in range(args.repeat):
                cached = any(Path(directory).glob("*.npz"))
                steps = {}
                features, *steps["features"] = timed(store.matrix, "review-1", texts, DEFAULT)
                model, *steps["fit"] = timed(Model, features[rows], labels[rows], DEFAULT)
                _, *steps["score and order"] = timed(order, model, features, pool)
                left, *steps["estimate left"] = timed(estimate, model, features, pool)
                order_wall = sum(wall for step, (wall, _) in steps.items() if step != "estimate left")
                order_cpu = sum(cpu for step, (_, cpu) in steps.items() if step != "estimate left")
                print(
                    f"{decided} decided, features {'read from the cache' if cached else 'computed and stored'}: "
                    f"ordered in {order_wall:.1f} s wall / {order_cpu:.1f} s CPU, with the estimate "
                    f"{sum(wall for wall, _ in steps.values()):.1f} s wall / "
                    f"{sum(cpu for _, cpu in steps.values()):.1f} s CPU ("
                    + ", ".join(f"{step} {wall:.1f} s wall / {cpu:.1f} s CPU" for step, (wall, cpu) in steps.items())
                    + f"); {left:.0f} relevant estimated left"
                )
        size = sum(path.stat().st_size for path in Path(directory).glob("*.npz"))
        print(f"cache file {size / 2**20:.0f} MB, {features.shape[1]} features, {features.nnz} stored values")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    with open("/proc/loadavg") as load:
        print(f"load average after: {load.read().split()[0]}")


if __name__ == "__main__":
    main()
