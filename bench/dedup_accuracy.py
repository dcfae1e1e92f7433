"""Deduplication accuracy of Tandem and bib-dedupe, side by side, on the five shared sets and the adversarial set.

Run: .venv/bin/python bench/dedup_accuracy.py [--data ../shared/data] [--no-bib-dedupe]

bib-dedupe runs in its own environment, bench/.venv-bibdedupe (created on first use with
`python3 -m venv` and `pip install bib-dedupe==BIB_DEDUPE_VERSION`; never committed), through
bench/bib_dedupe_runner.py, so its dependencies never meet Tandem's. Both tools get the same
records: with the DOIs the data has, and again without any DOI.

Counts on the shared sets follow bib-dedupe's evaluation (records to remove): within each
predicted group, size − (true groups in it) removals are right and (true groups in it − 1)
are wrong; recall = right / true removals. Haematology is counted twice: against the published
(reconstructed) groups and against them with the corrections in bench/dedup_label_corrections.csv
(errata, replies, meeting abstracts and trial registrations that the reconstruction put with the
article; each row says why). On the adversarial set (tests/data/dedup_adversarial) the count is
by labelled pair: a pair is merged when both records end in one group. Only automatic merges
count: pairs Tandem queues for a person are not merged here.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from identification.dedup import Citation, find_duplicates, groups  # noqa: E402
from identification.importers.normalise import authors as split_authors  # noqa: E402
from identification.importers.normalise import doi as clean_doi  # noqa: E402

SRA_DM_SETS = ("stroke", "haematology", "cytology_screening", "respiratory")
BIB_DEDUPE_VERSION = "0.11.0"
BIB_DEDUPE_VENV = ROOT / "bench" / ".venv-bibdedupe"
CORRECTIONS = ROOT / "bench" / "dedup_label_corrections.csv"
ADVERSARIAL = ROOT / "tests" / "data" / "dedup_adversarial"
COLUMNS = ("ID", "title", "author", "year", "journal", "volume", "number", "pages", "doi")


def _year(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


class DataSet:
    """Records as bib-dedupe's columns (strings), and a scorer of predicted groups of their IDs."""

    def __init__(self, name, frame, score):
        self.name, self.frame, self.score = name, frame[list(COLUMNS)].fillna("").astype(str), score

    def without_dois(self):
        return DataSet(self.name, self.frame.assign(doi=""), self.score)

    @property
    def has_dois(self):
        return bool((self.frame.doi != "").any())


def removal_scorer(truth_of):
    """Scores groups of IDs against a true group per ID: (recall, precision) of records to remove."""
    true_removals = len(truth_of) - len(set(truth_of.values()))

    def score(predicted):
        right = wrong = 0
        for group in predicted:
            distinct = len({truth_of[i] for i in group})
            right += len(group) - distinct
            wrong += distinct - 1
        return right / true_removals, right / (right + wrong) if right + wrong else 1.0

    return score


def sra_dm(data, name, corrected=False):
    folder = data / "dedup" / name
    frame = pd.read_csv(folder / "records_pre_merged.csv", dtype=str).fillna("")
    if name == "respiratory":
        frame["number"] = ""  # EndNote accession numbers in this export (1112 and 1113 for one article), not issues
    frame["doi"] = ""
    truth = {}
    for number, ids in enumerate(pd.read_csv(folder / "merged_record_ids.csv").merged_ids):
        truth.update(dict.fromkeys(ids.split(";"), f"g{number}"))
    if corrected:
        for number, row in enumerate(csv.DictReader(CORRECTIONS.open(encoding="utf-8"))):
            if row["set"] == name:
                truth.update(dict.fromkeys(row["records"].split(";"), f"corrected:{number}"))
    truth_of = {record: truth.get(record, record) for record in frame.ID}
    label = f"{name} (corrected labels)" if corrected else name
    return DataSet(label, frame, removal_scorer(truth_of))


def diabetes(data):
    frame = pd.read_csv(data / "dedup" / "asysd_diabetes_labelled_test_set.csv", encoding="latin-1", dtype=str)
    frame = frame.fillna("").rename(columns={"record_id": "ID"})
    frame["author"] = frame.author.str.replace(" and ", "; ")
    unique = dict(zip(frame.ID, frame.source == "unique", strict=True))
    true_removals = sum(not u for u in unique.values())

    def score(predicted):
        right = wrong = 0
        for group in predicted:
            kept = max(1, sum(unique[i] for i in group))
            right += len(group) - kept
            wrong += kept - 1
        return right / true_removals, right / (right + wrong) if right + wrong else 1.0

    return DataSet("diabetes", frame, score)


def adversarial(folder=ADVERSARIAL):
    frame = pd.read_csv(folder / "records.csv", dtype=str).fillna("").rename(columns={"id": "ID", "issue": "number"})
    pairs = pd.read_csv(folder / "pairs.csv", dtype=str)
    labelled = list(zip(pairs["first"], pairs["second"], pairs.label == "duplicate", strict=True))

    def score(predicted):
        group_of = {member: number for number, group in enumerate(predicted) for member in group}
        together = [(dup, a in group_of and group_of[a] == group_of.get(b)) for a, b, dup in labelled]
        right = sum(dup and merged for dup, merged in together)
        wrong = sum(merged and not dup for dup, merged in together)
        return right / sum(dup for dup, _ in together), right / (right + wrong) if right + wrong else 1.0

    return DataSet("adversarial", frame, score)


def run_tandem(frame):
    ids = list(frame.ID)
    citations = [
        Citation(
            id=index,
            title=row.title,
            authors=tuple(split_authors(row.author)),
            year=_year(row.year),
            journal=row.journal,
            volume=row.volume,
            issue=row.number,
            pages=row.pages,
            doi=clean_doi(row.doi),
        )
        for index, row in enumerate(frame.itertuples())
    ]
    start = time.perf_counter()
    links = [(m.first, m.second) for m in find_duplicates(citations) if m.certain]
    predicted = groups(range(len(citations)), links)
    seconds = time.perf_counter() - start
    return [[ids[i] for i in group] for group in predicted], seconds


def bib_dedupe_python():
    python = BIB_DEDUPE_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["python3", "-m", "venv", str(BIB_DEDUPE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"bib-dedupe=={BIB_DEDUPE_VERSION}"], check=True)
    return python


def run_bib_dedupe(frame):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as records:
        frame.assign(ENTRYTYPE="article").to_csv(records.name, index=False)
    result = subprocess.run(
        [str(bib_dedupe_python()), str(ROOT / "bench" / "bib_dedupe_runner.py"), records.name],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(records.name).unlink()
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["groups"], answer["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent.parent / "shared" / "data")
    parser.add_argument("--no-bib-dedupe", action="store_true", help="only Tandem")
    args = parser.parse_args()
    sets = [sra_dm(args.data, name) for name in SRA_DM_SETS]
    sets.insert(2, sra_dm(args.data, "haematology", corrected=True))
    sets += [diabetes(args.data), adversarial()]
    tools = {"Tandem": run_tandem}
    if not args.no_bib_dedupe:
        tools["bib-dedupe"] = run_bib_dedupe
    rows = defaultdict(dict)
    for data_set in sets:
        variants = [("with DOIs", data_set), ("without DOIs", data_set.without_dois())]
        if not data_set.has_dois:
            variants = [("no DOIs in data", data_set)]
        for dois, variant in variants:
            for tool, run in tools.items():
                predicted, seconds = run(variant.frame)
                rows[(data_set.name, dois, len(variant.frame))][tool] = (*variant.score(predicted), seconds)
    names = list(tools)
    header = ["set", "DOIs", "records"] + [f"{t} {m}" for t in names for m in ("recall", "precision", "s")]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for (name, dois, count), results in rows.items():
        cells = [name, dois, str(count)]
        for tool in names:
            recall, precision, seconds = results[tool]
            cells += [f"{recall:.4f}", f"{precision:.4f}", f"{seconds:.1f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
