"""Write the demo's search exports (reviews/demo_data/) from the shared Cohen 2006 ADHD screening set.

Run once from the repository root: .venv/bin/python bench/make_demo_exports.py

Three databases return overlapping parts of the same 400 records, as real searches do:
PubMed (MEDLINE format) 260 records, Embase via Ovid (RIS) 180, Scopus (CSV) 90. The
copies differ the way exports differ: upper-case titles, missing PMIDs, trailing
periods, "Surname, I." author forms. The output is deterministic. The records' real title/abstract
and full-text labels go to screening_labels.csv for the demo's simulated screening.
"""

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "screening" / "Cohen_2006_ADHD.csv"
TARGET = ROOT / "reviews" / "demo_data"


def records():
    with SOURCE.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["title"] and r["year"]]
    return rows[:400]


def surname_first(name):
    parts = name.split()
    return f"{parts[-1]}, {' '.join(p[0] + '.' for p in parts[:-1])}" if len(parts) > 1 else name


def medline(rows):
    lines = []
    for r in rows:
        lines.append(f"PMID- {r['pubmedID']}")
        lines.append(f"TI  - {r['title']}")
        if r["abstract"]:
            lines.append(f"AB  - {r['abstract']}")
        for author in filter(None, (a.strip() for a in r["authors"].split(";"))):
            parts = author.split()
            lines.append(f"AU  - {parts[-1]} {''.join(p[0] for p in parts[:-1])}")
        lines.append(f"DP  - {r['year']}")
        lines.append("")
    return "\n".join(lines)


def ris(rows, rng):
    lines = []
    for r in rows:
        title = r["title"].upper() if rng.random() < 0.3 else r["title"].rstrip(".")
        lines += ["TY  - JOUR", f"TI  - {title}"]
        lines += [f"AU  - {surname_first(a.strip())}" for a in r["authors"].split(";") if a.strip()]
        lines.append(f"PY  - {r['year']}")
        if r["abstract"]:
            lines.append(f"N2  - {r['abstract']}")
        lines += ["DB  - Embase", "DP  - Ovid Technologies", "ER  - ", ""]
    return "\n".join(lines)


def scopus_csv(rows, path):
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Authors", "Title", "Year", "Abstract", "PubMed ID", "Source"])
        for r in rows:
            authors = "; ".join(surname_first(a.strip()) for a in r["authors"].split(";") if a.strip())
            writer.writerow([authors, r["title"], r["year"], r["abstract"], r["pubmedID"], "Scopus"])


def labels_csv(rows, path):
    """The dataset's real screening decisions, which the demo's reviewers follow (screening/demo.py)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pubmed_id", "title", "label_abstract_screening", "label_included"])
        for r in rows:
            writer.writerow([r["pubmedID"], r["title"], r["label_abstract_screening"], r["label_included"]])


def main():
    rng = random.Random(2023)
    rows = records()
    TARGET.mkdir(exist_ok=True)
    (TARGET / "pubmed.nbib").write_text(medline(rows[:260]), encoding="utf-8")
    (TARGET / "embase_ovid.ris").write_text(ris(rows[180:360], rng), encoding="utf-8")
    scopus_csv(rows[120:150] + rows[340:400], TARGET / "scopus.csv")
    labels_csv(rows, TARGET / "screening_labels.csv")
    print(f"wrote 3 exports and the screening labels to {TARGET}")


if __name__ == "__main__":
    main()
