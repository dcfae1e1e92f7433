"""Prioritised screening simulated on labelled datasets: Tandem's model against ASReview LAB's default.

Run: .venv/bin/python bench/prioritisation.py FILE.csv [FILE.csv ...] [--seeds 10] [--json]
     .venv/bin/python bench/prioritisation.py FILE.csv --compare [--only NAME ...]

--compare runs the candidate models of CANDIDATES (how the default was chosen) instead of Tandem's
default and ASReview, and stops each run at 95 % recall, so WSS@100 and the stopping test are left out.

A CSV needs `title`, `abstract` and a 0/1 truth column: `label_abstract_screening` if present,
else `label_included` (or --truth COLUMN); `keywords` is used when present. For each seed, one
include and one exclude are drawn at random as prior knowledge (the same for both tools); then
the model is trained, the 10 records it ranks highest are screened (their truth revealed), and
so on until every relevant record is found. Metrics are those of
screening.prioritisation.evaluation, on the records after the priors (as ASReview's insights).

ASReview runs in its own virtual environment, since it pins other versions of pandas:
    python3 -m venv bench/.venv-asreview && bench/.venv-asreview/bin/pip install asreview==3.0.8
(--asreview-python points elsewhere; --no-asreview skips it.) bench/asreview_simulate.py runs
there and talks JSON over a pipe.
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.prioritisation import evaluation  # noqa: E402
from screening.prioritisation.model import (  # noqa: E402
    DEFAULT,
    Classifier,
    Model,
    Settings,
    features_for,
    record_text,
)
from screening.prioritisation.stopping import hypergeometric_test  # noqa: E402

BATCH = 10  # records screened between two retrainings, for both tools
ASREVIEW_PYTHON = ROOT / "bench" / ".venv-asreview" / "bin" / "python"
ASREVIEW_RUNNER = ROOT / "bench" / "asreview_simulate.py"
TRUTH_COLUMNS = ("label_abstract_screening", "label_included")
SUMMARY_KEYS = ("wss95", "wss100", "rrf10", "screened95", "stop_recall", "stop_saved", "seconds_total")
SPREADS = tuple(f"{key}_sd" for key in SUMMARY_KEYS[:-1])


# The models compared to choose the default (--compare); figures in docs/benchmarks.md.
def _candidate(*members, **features):
    return Settings(classifiers=tuple(Classifier(*member) for member in members), **features)


SVM = ("svm", {"C": 0.1}, None)
NB = ("multinomial_nb", {"alpha": 1.0}, 1.0)
NB03 = ("multinomial_nb", {"alpha": 0.3}, 1.0)
NB01 = ("multinomial_nb", {"alpha": 0.1}, 1.0)
CANDIDATES = {
    "logistic C=1 unweighted": _candidate(("logistic", {"C": 1.0}, None)),
    "logistic C=1 balanced": _candidate(("logistic", {"C": 1.0}, 1.0)),
    "logistic C=10 balanced": _candidate(("logistic", {"C": 10.0}, 1.0)),
    "svm C=0.1 unweighted": _candidate(SVM),
    "svm C=0.1 balanced": _candidate(("svm", {"C": 0.1}, 1.0)),
    "svm C=0.1 includes x10": _candidate(("svm", {"C": 0.1}, 10.0)),
    "svm C=1 balanced": _candidate(("svm", {"C": 1.0}, 1.0)),
    "sgd modified huber balanced": _candidate(("sgd", {"loss": "modified_huber", "alpha": 1e-4}, 1.0)),
    "complement nb": _candidate(("complement_nb", {"alpha": 0.1}, None)),
    "multinomial nb balanced": _candidate(("multinomial_nb", {"alpha": 0.1}, 1.0)),
    "multinomial nb a=0.01 balanced": _candidate(("multinomial_nb", {"alpha": 0.01}, 1.0)),
    "multinomial nb a=1 balanced": _candidate(NB),
    "multinomial nb unweighted": _candidate(("multinomial_nb", {"alpha": 0.1}, None)),
    "multinomial nb includes x10": _candidate(("multinomial_nb", {"alpha": 0.1}, 10.0)),
    "svm + nb": _candidate(SVM, NB),
    "svm x10 + nb": _candidate(("svm", {"C": 0.1}, 10.0), NB),
    "logistic + nb": _candidate(("logistic", {"C": 1.0}, None), NB),
    "svm balanced + nb": _candidate(("svm", {"C": 0.1}, 1.0), NB),
    "svm + nb a=0.3": _candidate(SVM, ("multinomial_nb", {"alpha": 0.3}, 1.0)),
    "svm C=0.3 + nb": _candidate(("svm", {"C": 0.3}, None), NB),
    "svm + nb min_df=2": _candidate(SVM, NB, min_df=2),
    "svm + logistic + nb": _candidate(SVM, ("logistic", {"C": 1.0}, None), NB),
    "svm + nb trigrams": _candidate(SVM, NB, ngram_max=3),
    "svm + svm x10 + nb a=0.3": _candidate(SVM, ("svm", {"C": 0.1}, 10.0), ("multinomial_nb", {"alpha": 0.3}, 1.0)),
    "svm x10 + nb a=0.3": _candidate(("svm", {"C": 0.1}, 10.0), ("multinomial_nb", {"alpha": 0.3}, 1.0)),
    "svm + logistic + nb a=0.3": _candidate(
        SVM, ("logistic", {"C": 1.0}, None), ("multinomial_nb", {"alpha": 0.3}, 1.0)
    ),
    "svm x2 + nb a=0.3": _candidate(("svm", {"C": 0.1}, 2.0), NB03),
    "svm x4 + nb a=0.3": _candidate(("svm", {"C": 0.1}, 4.0), NB03),
    "svm C=0.2 + nb a=0.3": _candidate(("svm", {"C": 0.2}, None), NB03),
    "svm C=0.05 + nb a=0.3": _candidate(("svm", {"C": 0.05}, None), NB03),
    "svm + nb a=0.3 raw tf": _candidate(SVM, NB03, sublinear_tf=False),
    "svm + nb a=0.3 max_df=1": _candidate(SVM, NB03, max_df=1.0),
    "svm + nb a=0.3 min_df=2": _candidate(SVM, NB03, min_df=2),
    "svm + nb a=0.3 trigrams": _candidate(SVM, NB03, ngram_max=3),
    "svm + nb a=0.3 unigrams": _candidate(SVM, NB03, ngram_max=1),
    "svm C=0.2 + nb a=0.3 unigrams": _candidate(("svm", {"C": 0.2}, None), NB03, ngram_max=1),
    "svm C=0.05 + nb a=0.3 unigrams": _candidate(("svm", {"C": 0.05}, None), NB03, ngram_max=1),
    "svm + nb a=0.1 unigrams": _candidate(SVM, NB01, ngram_max=1),
    "svm + nb a=1 unigrams": _candidate(SVM, NB, ngram_max=1),
    "svm x2 + nb a=0.3 unigrams": _candidate(("svm", {"C": 0.1}, 2.0), NB03, ngram_max=1),
    "svm unigrams": _candidate(SVM, ngram_max=1),
    "nb a=0.3 unigrams": _candidate(NB03, ngram_max=1),
    "svm + nb a=0.3 unigrams min_df=2": _candidate(SVM, NB03, ngram_max=1, min_df=2),
    "svm C=0.2 + nb a=0.1 unigrams": _candidate(("svm", {"C": 0.2}, None), NB01, ngram_max=1),
    "svm + nb a=0.03 unigrams": _candidate(SVM, ("multinomial_nb", {"alpha": 0.03}, 1.0), ngram_max=1),
    "svm C=0.5 + nb a=0.1 unigrams": _candidate(("svm", {"C": 0.5}, None), NB01, ngram_max=1),
    "svm C=1 + nb a=0.1 unigrams": _candidate(("svm", {"C": 1.0}, None), NB01, ngram_max=1),
    "svm C=2 + nb a=0.1 unigrams": _candidate(("svm", {"C": 2.0}, None), NB01, ngram_max=1),
    "svm C=0.5 + nb a=0.3 unigrams": _candidate(("svm", {"C": 0.5}, None), NB03, ngram_max=1),
    "svm C=0.2 + nb a=0.1 unigrams raw": _candidate(("svm", {"C": 0.2}, None), NB01, ngram_max=1, sublinear_tf=False),
}


@dataclass
class Dataset:
    name: str
    titles: list[str]
    abstracts: list[str]
    texts: list[str]
    truth: np.ndarray
    truth_column: str


@dataclass
class Run:
    order: list[int]  # records screened after the priors, until the last relevant one
    seconds: float


def load(path: Path, truth_column: str | None = None) -> Dataset:
    frame = pd.read_csv(path)
    missing = {"title", "abstract"} - set(frame.columns)
    if missing:
        raise SystemExit(f"{path}: no column {', '.join(sorted(missing))}")
    column = truth_column or next((c for c in TRUTH_COLUMNS if c in frame.columns), None)
    if column not in frame.columns:
        raise SystemExit(f"{path}: no truth column ({truth_column or ' or '.join(TRUTH_COLUMNS)})")
    truth = pd.to_numeric(frame[column], errors="coerce")
    bad = truth.index[~truth.isin([0, 1])]
    if len(bad):
        raise SystemExit(f"{path}: row {bad[0] + 2}: {column} is {frame[column][bad[0]]!r}, not 0 or 1")
    if truth.sum() < 2 or (truth == 0).sum() < 2:
        raise SystemExit(f"{path}: needs at least two relevant and two irrelevant records")
    titles = frame["title"].fillna("").astype(str).tolist()
    abstracts = frame["abstract"].fillna("").astype(str).tolist()
    keywords = frame["keywords"].fillna("").astype(str).tolist() if "keywords" in frame else [""] * len(frame)
    texts = [record_text(t, a, [k] if k else []) for t, a, k in zip(titles, abstracts, keywords, strict=True)]
    return Dataset(path.stem, titles, abstracts, texts, truth.to_numpy(dtype=int), column)


def priors(truth: np.ndarray, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(rng.choice(np.flatnonzero(truth == 1))), int(rng.choice(np.flatnonzero(truth == 0)))]


def simulate_tandem(dataset: Dataset, prior: list[int], settings: Settings, until: float = 1.0) -> Run:
    """Screen in the model's order until the share `until` of the relevant records is found (and 10 %
    of the records are screened, for RRF@10); --compare stops at 95 % to spare the long tail."""
    start = time.perf_counter()
    features = features_for(dataset.texts, settings).matrix
    truth = dataset.truth
    screened = np.zeros(len(truth), dtype=bool)
    screened[prior] = True
    goal = math.ceil(until * (truth.sum() - truth[prior].sum()) - 1e-9)
    tenth = math.floor(0.1 * (len(truth) - len(prior)))
    order, found = [], 0
    while found < goal or len(order) < tenth:
        labelled = np.flatnonzero(screened)
        pool = np.flatnonzero(~screened)
        model = Model(features[labelled], truth[labelled], settings)
        batch = pool[np.argsort(-model.scores(features[pool]), kind="stable")[:BATCH]]
        screened[batch] = True
        order.extend(batch.tolist())
        found += truth[batch].sum()
    return Run(order, time.perf_counter() - start)


def simulate_asreview(dataset: Dataset, seeds: list[int], python: Path) -> tuple[str, list[Run]]:
    request = {
        "title": dataset.titles,
        "abstract": dataset.abstracts,
        "labels": dataset.truth.tolist(),
        "batch": BATCH,
        "runs": [{"seed": seed, "priors": priors(dataset.truth, seed)} for seed in seeds],
    }
    with tempfile.TemporaryDirectory() as scratch:  # asreview leaves a download cache where it runs
        done = subprocess.run(
            [str(python), str(ASREVIEW_RUNNER)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            check=False,
            cwd=scratch,
        )
    if done.returncode:
        raise SystemExit(f"ASReview failed on {dataset.name}:\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout)
    return f"ASReview {answer['asreview']} {answer['model']}", [Run(r["order"], r["seconds"]) for r in answer["runs"]]


def metrics(dataset: Dataset, prior: list[int], run: Run) -> dict:
    truth = dataset.truth
    rest = np.setdiff1d(np.arange(len(truth)), np.concatenate([prior, run.order]))
    # The records never screened go last, relevant ones at the very end: when the run found every
    # relevant record this is the true tail; when it stopped at 95 % only WSS@100 depends on it.
    labels = np.concatenate([truth[run.order], np.sort(truth[rest])])
    complete = not truth[rest].any()
    stop_recall, stop_saved = stopping_point(truth[prior], labels) if complete else (math.nan, math.nan)
    return {
        "wss95": evaluation.wss(labels, 0.95),
        "wss100": evaluation.wss(labels, 1.0) if complete else math.nan,
        "rrf10": evaluation.rrf(labels, 0.10),
        "screened95": evaluation.records_to_recall(labels, 0.95),
        "stop_recall": stop_recall,
        "stop_saved": stop_saved,
        "seconds": run.seconds,
    }


def stopping_point(prior_labels: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Recall, and share of records left unscreened, when the stopping test first says stop.

    The test (target recall 95 %, confidence 95 %, ranked quasi-sampling: screening never switches
    to random order) is run after every batch on everything screened, priors included.
    """
    screened = np.concatenate([prior_labels, labels])
    total, relevant = len(screened), screened.sum()
    for seen in range(len(prior_labels) + BATCH, total + BATCH, BATCH):
        seen = min(seen, total)
        if hypergeometric_test(screened[:seen], total=total, target_recall=0.95, confidence=0.95).stop:
            break
    return screened[:seen].sum() / relevant, 1 - seen / total


def summarise(rows: list[dict]) -> dict:
    summary = {}
    for key in rows[0]:
        values = [row[key] for row in rows if not math.isnan(row[key])]
        if not values:  # WSS@100 of runs stopped at 95 % recall
            continue
        summary[key] = statistics.fmean(values)
        summary[key + "_sd"] = statistics.stdev(values) if len(values) > 1 else 0.0
        summary[key + "_min"], summary[key + "_max"] = min(values), max(values)
    summary["seconds_total"] = sum(row["seconds"] for row in rows)
    return summary


def evaluate(dataset: Dataset, seeds: list[int], tools: dict, asreview_python: Path | None, until: float) -> dict:
    results = {}
    for name, settings in tools.items():
        runs = [simulate_tandem(dataset, priors(dataset.truth, seed), settings, until) for seed in seeds]
        results[name] = [metrics(dataset, priors(dataset.truth, s), r) for s, r in zip(seeds, runs, strict=True)]
        mean = statistics.fmean(row["wss95"] for row in results[name])
        print(f"  {dataset.name}: {name}: mean WSS@95 {mean:.3f}", file=sys.stderr, flush=True)
    if asreview_python:
        name, runs = simulate_asreview(dataset, seeds, asreview_python)
        results[name] = [metrics(dataset, priors(dataset.truth, s), r) for s, r in zip(seeds, runs, strict=True)]
        print(f"  {dataset.name}: {name} done", file=sys.stderr)
    return {name: summarise(rows) | {"runs": rows} for name, rows in results.items()}


def table(dataset: Dataset, results: dict) -> str:
    relevant = dataset.truth.sum()
    lines = [
        f"\n{dataset.name}: {len(dataset.truth)} records, {relevant} relevant ({dataset.truth_column})",
        "| tool | WSS@95 % | WSS@100 % | RRF@10 % | screened to 95 % | stopping test: recall % "
        "| stopping test: saved % | seconds per run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        lines.append(
            f"| {name} | {_percent(s, 'wss95')} | {_percent(s, 'wss100')} | {_percent(s, 'rrf10')} | "
            f"{s['screened95']:.0f} ({s['screened95_min']}–{s['screened95_max']}) | "
            f"{_percent(s, 'stop_recall')} (min {_percent_min(s, 'stop_recall')}) | {_percent(s, 'stop_saved')} | "
            f"{s['seconds']:.1f} |"
        )
    return "\n".join(lines)


def _percent(summary, key):
    return f"{100 * summary[key]:.1f} ± {100 * summary[key + '_sd']:.1f}" if key in summary else "–"


def _percent_min(summary, key):
    return f"{100 * summary[key + '_min']:.1f}" if key in summary else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--truth", help="truth column (default: label_abstract_screening, else label_included)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--compare", action="store_true", help="run the candidate models instead of the default")
    parser.add_argument("--only", nargs="+", help="with --compare: these candidates only")
    parser.add_argument("--asreview-python", type=Path, default=ASREVIEW_PYTHON)
    parser.add_argument("--no-asreview", action="store_true")
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    asreview = None if args.no_asreview or args.compare else args.asreview_python
    if asreview and not asreview.exists():
        parser.error(f"no ASReview interpreter at {asreview}: see the command at the top of this file")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    tools = CANDIDATES if args.compare else {"Tandem": DEFAULT}
    if args.only:
        tools = {name: CANDIDATES[name] for name in args.only}
    report = {}
    for path in args.files:
        dataset = load(path, args.truth)
        started = time.perf_counter()
        results = evaluate(dataset, seeds, tools, asreview, 0.95 if args.compare else 1.0)
        report[dataset.name] = {
            "records": len(dataset.truth),
            "relevant": int(dataset.truth.sum()),
            "truth": dataset.truth_column,
            "tools": {name: {key: s.get(key) for key in SUMMARY_KEYS + SPREADS} for name, s in results.items()},
        }
        tables = sys.stderr if args.json else sys.stdout  # with --json a run gives both
        print(table(dataset, results), file=tables)
        print(f"({time.perf_counter() - started:.0f} s for {len(seeds)} seeds)", file=tables)
    if args.json:
        json.dump({"seeds": seeds, "batch": BATCH, "datasets": report}, sys.stdout, indent=2)
        print()


if __name__ == "__main__":
    main()
