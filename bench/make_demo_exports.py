"""Write the demo's search exports (identification/demo_data/) from the shared Cohen 2006 ADHD screening set.

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


# Illustrative NMOSD studies shaped by the seed meta-analysis (Tang et al., Medicine 2023): 27 studies,
# 148 patients on tocilizumab (136 women, 12 men, 127 AQP4-IgG seropositive) and 930 on azathioprine
# (802 women, 128 men, 363 seropositive, 406 of unknown status). Everything per study is invented.
TCZ_N = [8, 12, 14, 17, 19, 22, 25, 31]
TCZ_MEN = [0, 1, 1, 2, 1, 2, 2, 3]
TCZ_NEGATIVE = [1, 2, 2, 3, 2, 3, 4, 4]
AZA_N = [12, 15, 18, 20, 22, 25, 28, 30, 33, 36, 40, 45, 50, 55, 60, 70, 90, 110, 171]
# Tree names: no real author is credited with an invented study.
SURNAMES = [
    "Alder",
    "Birch",
    "Cedar",
    "Dogwood",
    "Elm",
    "Fir",
    "Ginkgo",
    "Hazel",
    "Ivy",
    "Juniper",
    "Kapok",
    "Larch",
    "Maple",
    "Nutmeg",
    "Oak",
    "Pine",
    "Quince",
    "Rowan",
    "Spruce",
    "Teak",
    "Ulmus",
    "Viburnum",
    "Willow",
    "Xylosma",
    "Yew",
    "Zelkova",
    "Acacia",
]
COUNTRIES = [
    "Japan",
    "Germany",
    "Israel",
    "Spain",
    "China",
    "Germany",
    "Germany",
    "Germany",
    "United States",
    "United Kingdom",
    "Brazil",
    "China",
    "China",
    "United States",
    "Mexico",
    "United Kingdom",
    "Iran",
    "South Korea",
    "Greece",
    "Iran",
    "China",
    "China",
    "South Korea",
    "United Kingdom",
    "Japan",
    "Italy",
    "United States",
]


def _shares(total, weights):
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _summary(rng, mean, sd, low, high, as_median):
    value = min(max(rng.gauss(mean, mean * 0.15), low), high)
    spread = max(rng.gauss(sd, sd * 0.15), 0.1)
    if as_median:
        return {
            "median": f"{value:.1f}",
            "q1": f"{max(value - 0.7 * spread, low):.1f}",
            "q3": f"{min(value + 0.7 * spread, high):.1f}",
        }
    return {"mean": f"{value:.2f}", "sd": f"{spread:.2f}"}


def nmosd_studies(rng):
    aza_men = _shares(128, AZA_N)
    aza_unknown = [0] * 16 + [90, 110, 171]
    aza_unknown[15] = 35  # 406 of unknown status in all
    aza_positive = _shares(363, [n - u for n, u in zip(AZA_N, aza_unknown, strict=True)])
    arms = [("tocilizumab", n, men, n - neg, neg, 0) for n, men, neg in zip(TCZ_N, TCZ_MEN, TCZ_NEGATIVE, strict=True)]
    arms += [
        ("azathioprine", n, men, pos, n - u - pos, u)
        for n, men, pos, u in zip(AZA_N, aza_men, aza_positive, aza_unknown, strict=True)
    ]
    rows = []
    for i, (treatment, n, men, positive, negative, unknown) in enumerate(arms):
        tcz = treatment == "tocilizumab"
        year = 2012 + i % 10
        design = "retrospective cohort" if i % 3 else ("prospective cohort" if i % 2 else "case series")
        row = {
            "first_author": SURNAMES[i],
            "year": year,
            "country": COUNTRIES[i],
            "treatment": treatment,
            "title": f"[Illustrative] {treatment.capitalize()} maintenance therapy in neuromyelitis optica spectrum "
            f"disorder: a {design} of {n} patients ({COUNTRIES[i]})",
            "study_design": design,
            "follow_up_months": f"{rng.uniform(12, 60):.1f}",
            "dose": "8 mg/kg every 4 weeks" if tcz else "2-3 mg/kg/day",
            "n": n,
            "women": n - men,
            "men": men,
            "age_mean": f"{rng.gauss(42.3 if tcz else 37.5, 4):.1f}",
            "age_sd": f"{rng.gauss(14.1 if tcz else 11.8, 1.5):.1f}",
            "aqp4_positive": positive,
            "aqp4_negative": negative,
            "aqp4_unknown": unknown,
        }
        as_median = i % 5 == 4
        for outcome, when, mean, sd, high in (
            ("arr", "before", 2.9 if tcz else 1.8, 1.5 if tcz else 1.1, 20),
            ("arr", "after", 0.4 if tcz else 0.6, 0.6 if tcz else 0.7, 20),
            ("edss", "before", 5.2 if tcz else 4.1, 1.8 if tcz else 2.0, 10),
            ("edss", "after", 4.3 if tcz else 3.7, 1.9 if tcz else 2.1, 10),
        ):
            for key, value in _summary(rng, mean, sd, 0, high, as_median).items():
                row[f"{outcome}_{when}_{key}"] = value
        rows.append(row)
    return rows


def nmosd_csv(rows, path):
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def nmosd_ris(rows):
    """The illustrative studies as an Embase-like RIS export, so the demo imports and screens them like any other."""
    lines = []
    for row in rows:
        lines += [
            "TY  - JOUR",
            f"TI  - {row['title']}",
            f"AU  - {row['first_author']}, A.",
            f"PY  - {row['year']}",
            "JO  - Illustrative Journal of Neuroimmunology",
            "DB  - Illustrative records",
            "ER  - ",
            "",
        ]
    return "\n".join(lines)


def main():
    rng = random.Random(2023)
    rows = records()
    TARGET.mkdir(exist_ok=True)
    (TARGET / "pubmed.nbib").write_text(medline(rows[:260]), encoding="utf-8")
    (TARGET / "embase_ovid.ris").write_text(ris(rows[180:360], rng), encoding="utf-8")
    scopus_csv(rows[120:150] + rows[340:400], TARGET / "scopus.csv")
    labels_csv(rows, TARGET / "screening_labels.csv")
    studies = nmosd_studies(random.Random(2023))
    nmosd_csv(studies, TARGET / "nmosd_illustrative.csv")
    (TARGET / "nmosd_illustrative.ris").write_text(nmosd_ris(studies), encoding="utf-8")
    print(f"wrote 3 exports, the screening labels and the illustrative NMOSD studies to {TARGET}")


if __name__ == "__main__":
    main()
