"""Deduplication accuracy on the five labelled sets in shared/data/dedup.

Run: .venv/bin/python bench/dedup_accuracy.py [--data ../shared/data/dedup]

Counts follow bib-dedupe's evaluation (records to remove): within each predicted
group, size − (number of true groups in it) removals are right and
(number of true groups − 1) are wrong; recall = right / true removals.
"Automatic" counts only the pairs merged without a person; "with review" also
merges those queued pairs that truly are duplicates, as a reviewer who judges
them correctly would (not for Diabetes, whose duplicate groups are not published).
"""

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews.dedup import Citation, find_duplicates, groups  # noqa: E402
from reviews.importers.normalise import authors as split_authors  # noqa: E402
from reviews.importers.normalise import doi as clean_doi  # noqa: E402

BIB_DEDUPE_SETS = ("stroke", "haematology", "cytology_screening", "respiratory")


def _text(value):
    return "" if pd.isna(value) else str(value)


def _year(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def load_bib_dedupe(folder, issue=True):
    frame = pd.read_csv(folder / "records_pre_merged.csv", dtype=str)
    truth = {}
    for group_number, ids in enumerate(pd.read_csv(folder / "merged_record_ids.csv").merged_ids):
        for record_id in ids.split(";"):
            truth[record_id] = f"g{group_number}"
    citations, truth_of = [], {}
    for index, row in enumerate(frame.itertuples(), start=1):
        citations.append(
            Citation(
                id=index,
                title=_text(row.title),
                authors=tuple(split_authors(_text(row.author))),
                year=_year(row.year),
                journal=_text(row.journal),
                volume=_text(row.volume),
                issue=_text(row.number) if issue else "",
                pages=_text(row.pages),
            )
        )
        truth_of[index] = truth.get(row.ID, row.ID)
    return citations, truth_of


def load_diabetes(path):
    frame = pd.read_csv(path, encoding="latin-1", dtype=str)
    citations, unique = [], {}
    for index, row in enumerate(frame.itertuples(), start=1):
        citations.append(
            Citation(
                id=index,
                title=_text(row.title),
                authors=tuple(split_authors(_text(row.author).replace(" and ", "; "))),
                year=_year(row.year),
                journal=_text(row.journal),
                volume=_text(row.volume),
                issue=_text(row.number),
                pages=_text(row.pages),
                doi=clean_doi(_text(row.doi)),
            )
        )
        unique[index] = row.source == "unique"
    return citations, unique


def removal_counts(predicted_groups, true_groups_in):
    right = wrong = 0
    for group in predicted_groups:
        distinct = true_groups_in(group)
        right += len(group) - distinct
        wrong += distinct - 1
    return right, wrong


def evaluate(name, citations, true_groups_in, true_removals, pair_is_duplicate):
    start = time.perf_counter()
    matches = find_duplicates(citations)
    seconds = time.perf_counter() - start
    ids = [c.id for c in citations]
    rows = []
    variants = [("automatic", [(m.first, m.second) for m in matches if m.certain])]
    if pair_is_duplicate:
        reviewed = [(m.first, m.second) for m in matches if m.certain or pair_is_duplicate(m.first, m.second)]
        variants.append(("with review", reviewed))
    for label, links in variants:
        right, wrong = removal_counts(groups(ids, links), true_groups_in)
        recall = right / true_removals
        precision = right / (right + wrong) if right + wrong else 1.0
        rows.append((name, len(citations), label, right, wrong, true_removals - right, recall, precision))
    queued = sum(not m.certain for m in matches)
    return rows, queued, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dedup"
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    results = []
    for name in BIB_DEDUPE_SETS:
        citations, truth_of = load_bib_dedupe(args.data / name, issue=name != 'respiratory')
        true_removals = len(citations) - len(set(truth_of.values()))
        results.append(
            evaluate(
                name,
                citations,
                lambda g, t=truth_of: len({t[i] for i in g}),
                true_removals,
                lambda a, b, t=truth_of: t[a] == t[b],
            )
        )
    citations, unique = load_diabetes(args.data / "asysd_diabetes_labelled_test_set.csv")
    true_removals = sum(not u for u in unique.values())
    results.append(
        evaluate(
            "diabetes",
            citations,
            lambda g: max(1, sum(unique[i] for i in g)),
            true_removals,
            None,
        )
    )

    print("| set | records | merging | right | wrong | missed | recall | precision | queued pairs | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for rows, queued, seconds in results:
        for name, n, label, right, wrong, missed, recall, precision in rows:
            cells = (
                name,
                n,
                label,
                right,
                wrong,
                missed,
                f"{recall:.4f}",
                f"{precision:.4f}",
                queued,
                f"{seconds:.2f}",
            )
            print("| " + " | ".join(str(cell) for cell in cells) + " |")


if __name__ == "__main__":
    main()
