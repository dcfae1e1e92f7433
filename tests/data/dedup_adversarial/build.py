"""Build the adversarial deduplication set (records.csv, pairs.csv) from the shared reference data.

Run: .venv/bin/python tests/data/dedup_adversarial/build.py /work/shared/data
Deterministic: the same shared data gives the same files. README.md says where each class comes from,
which partners had to be built and how. Every pair carries its class, its label and the reason for it.
"""

import csv
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
FIELDS = ("title", "author", "year", "journal", "volume", "issue", "pages", "doi")
SETS = ("stroke", "haematology", "cytology_screening", "respiratory")
# Respiratory's "number" column holds EndNote accession numbers, not issues (1112 and 1113 for one article).
ISSUE_COLUMN = {"stroke": "number", "haematology": "number", "cytology_screening": "number"}
EDITORIAL_HEADINGS = (
    "Editorial",
    "Editorial Introduction",
    "Editor's Comments",
    "From the Editor",
    "Guest Editorial",
    "In this issue",
)
SPECIAL_ISSUE_HEADINGS = ("Introduction to the special issue", "Introduction to this special issue", "Preface")
BOOK_REVIEW_HEADINGS = ("Book review", "Book reviews")
MEETING_HEADINGS = ("Meeting report", "Conference report", "Meeting abstracts")
ROMAN_PAGES = (("iii-iv", "v-vi"), ("iii-xi", "v-vii"), ("i-ii", "iii"), ("vii", "ix-x"), ("xi-xii", "xiii"))
ERRATUM_TITLES = (
    "Erratum: {title}",
    "Correction to: {title}",
    'Corrigendum to "{title}"',
    "{title} (vol {volume}, pg {page}, {year})",
    "Erratum to: {title}",
)
RETRACTION_TITLES = (
    "Retraction: {title}",
    "Retracted: {title}",
    "Notice of retraction: {title}",
    "Expression of concern: {title}",
    "Retraction note to: {title}",
)
REPLY_TITLES = ("{title} - Reply", "Reply to: {title}", "In reply: {title}", "Comment on: {title}", "Re: {title}")


class Builder:
    def __init__(self):
        self.records, self.pairs, self.ids = [], [], {}

    def record(self, values, source):
        """Id of a record with these values, added once."""
        key = (source, tuple(values.get(f, "") for f in FIELDS))
        if key not in self.ids:
            self.ids[key] = f"r{len(self.records) + 1:04d}"
            self.records.append({"id": self.ids[key], **{f: values.get(f, "") for f in FIELDS}, "source": source})
        return self.ids[key]

    def pair(self, first, second, kind, label, reason):
        self.pairs.append(
            {
                "pair": len(self.pairs) + 1,
                "first": first,
                "second": second,
                "class": kind,
                "label": label,
                "reason": reason,
            }
        )


def load(data):
    """Records of the four SRA-DM sets and Diabetes, with their true group where published."""
    rows = []
    for name in SETS:
        frame = pd.read_csv(data / "dedup" / name / "records_pre_merged.csv", dtype=str).fillna("")
        truth = {}
        for number, ids in enumerate(pd.read_csv(data / "dedup" / name / "merged_record_ids.csv").merged_ids):
            truth.update(dict.fromkeys(ids.split(";"), f"{name}:g{number}"))
        for row in frame.to_dict("records"):
            rows.append(
                {
                    "set": name,
                    "source": f"{name}:{row['ID']}",
                    "group": truth.get(row["ID"], f"{name}:{row['ID']}"),
                    "title": row["title"],
                    "author": row["author"],
                    "year": row["year"],
                    "journal": row["journal"],
                    "volume": row["volume"],
                    "issue": row[ISSUE_COLUMN[name]] if name in ISSUE_COLUMN else "",
                    "pages": row["pages"],
                    "doi": "",
                }
            )
    frame = pd.read_csv(data / "dedup" / "asysd_diabetes_labelled_test_set.csv", encoding="latin-1", dtype=str)
    for row in frame.fillna("").to_dict("records"):
        rows.append(
            {
                "set": "diabetes",
                "source": f"diabetes:{row['record_id']}",
                "group": None,
                "title": row["title"],
                "author": row["author"].replace(" and ", "; "),
                "year": row["year"],
                "journal": row["journal"],
                "volume": row["volume"],
                "issue": row["number"],
                "pages": row["pages"],
                "doi": row["doi"],
            }
        )
    return rows


def first_author(row):
    return row["author"].split(" and ")[0].split(";")[0].strip()


def first_page(row):
    return row["pages"].split("-")[0].strip()


def journal_slots(rows, count):
    """Pairs of different articles of one journal volume and year, with pages and issues, one pair per volume."""
    by_volume = defaultdict(list)
    for row in rows:
        if row["group"] and row["journal"] and row["volume"].isdigit() and row["pages"] and row["issue"].isdigit():
            by_volume[(row["set"], row["journal"].lower().strip(". "), row["volume"], row["year"])].append(row)
    slots = []
    for key in sorted(by_volume):
        members = by_volume[key]
        for a, b in combinations(members, 2):
            if a["group"] != b["group"] and a["issue"] != b["issue"] and first_page(a) != first_page(b):
                slots.append((a, b))
                break
        if len(slots) == count:
            break
    return slots


def articles(rows, count, offset):
    """Full articles with volume, issue and pages, one per true group, in a fixed order."""
    seen, found = set(), []
    for row in rows:
        complete = row["group"] and row["volume"].isdigit() and row["pages"] and row["year"] and len(row["title"]) > 30
        if complete and row["group"] not in seen and "[" not in row["title"]:
            seen.add(row["group"])
            found.append(row)
    return found[offset : offset + count]


def add_headings(builder, slots, headings, kind, why, same_author=True):
    for number, (a, b) in enumerate(slots):
        heading = headings[number % len(headings)]
        editor = first_author(a)
        left = {**a, "title": heading, "author": editor}
        right = {**b, "title": heading, "author": editor if same_author else first_author(b)}
        source = f"{a['source']} + {b['source']}, title set to the heading"
        builder.pair(builder.record(left, source), builder.record(right, source), kind, "distinct", why)


def build(data):
    rows = load(data)
    builder = Builder()
    slots = journal_slots(rows, 60)

    # Recurring columns: the issue's case. Same heading, editor, journal, year and volume; other issue and pages.
    add_headings(
        builder,
        slots[:20],
        EDITORIAL_HEADINGS,
        "recurring-heading",
        "same heading and editor in one volume, different issue and pages: two columns",
    )
    for number, (a, b) in enumerate(slots[:20]):
        heading = EDITORIAL_HEADINGS[(number + 1) % len(EDITORIAL_HEADINGS)]
        editor = first_author(a)
        source = f"{a['source']} + {b['source']}, title set to the heading, pages removed"
        left = builder.record({**a, "title": heading, "author": editor, "pages": ""}, source)
        right = builder.record({**b, "title": heading, "author": editor, "pages": ""}, source)
        builder.pair(left, right, "recurring-heading", "distinct", "same heading and editor, no pages, other issue")
    for number, (a, b) in enumerate(slots[20:35]):
        heading = EDITORIAL_HEADINGS[number % len(EDITORIAL_HEADINGS)]
        first, second = ROMAN_PAGES[number % len(ROMAN_PAGES)]
        editor = first_author(a)
        source = f"{a['source']} + {b['source']}, title set to the heading, Roman front-matter pages"
        left = builder.record({**a, "title": heading, "author": editor, "pages": first}, source)
        right = builder.record({**b, "title": heading, "author": editor, "pages": second, "issue": a["issue"]}, source)
        builder.pair(left, right, "recurring-heading", "distinct", f"same issue, front matter {first} and {second}")
    add_headings(
        builder,
        slots[35:45],
        SPECIAL_ISSUE_HEADINGS,
        "special-issue-introduction",
        "introductions to two special issues of one volume by the same guest editor",
    )
    add_headings(
        builder,
        slots[45:60],
        BOOK_REVIEW_HEADINGS,
        "book-review",
        "two book reviews in one volume, under the journal's generic heading",
        same_author=False,
    )
    add_headings(
        builder,
        slots[:15],
        MEETING_HEADINGS,
        "meeting-report",
        "two meeting reports of one volume under the same heading",
    )

    real_notices(builder, rows)
    for number, row in enumerate(articles(rows, 30, 0)):
        template = ERRATUM_TITLES[number % len(ERRATUM_TITLES)]
        title = template.format(
            title=row["title"].rstrip("."), volume=row["volume"], page=first_page(row), year=row["year"]
        )
        notice = {**row, "title": title, "author": first_author(row), "issue": "", "pages": "", "doi": ""}
        builder.pair(
            builder.record(row, row["source"]),
            builder.record(notice, f"{row['source']}, erratum built"),
            "erratum",
            "distinct",
            "an erratum and the article it corrects",
        )
    for number, row in enumerate(articles(rows, 25, 30)):
        title = RETRACTION_TITLES[number % len(RETRACTION_TITLES)].format(title=row["title"].rstrip("."))
        notice = {**row, "title": title, "issue": "", "pages": "", "doi": ""}
        builder.pair(
            builder.record(row, row["source"]),
            builder.record(notice, f"{row['source']}, notice built"),
            "retraction",
            "distinct",
            "a retraction or expression of concern and its article",
        )
    for number, row in enumerate(articles(rows, 25, 55)):
        title = REPLY_TITLES[number % len(REPLY_TITLES)].format(title=row["title"].rstrip("."))
        reply = {**row, "title": title, "pages": "", "doi": ""}
        builder.pair(
            builder.record(row, row["source"]),
            builder.record(reply, f"{row['source']}, letter built"),
            "letter-reply",
            "distinct",
            "a letter or reply about an article, and the article",
        )
    abstracts_and_articles(builder, rows)
    true_duplicates(builder, rows, 120)
    return builder


def real_notices(builder, rows):
    """Errata, corrections, replies and look-alike items that the shared data holds with their partner."""
    by_source = {row["source"]: row for row in rows}
    known = (
        ("haematology:id_0000020", "haematology:id_0000018", "erratum", "erratum (142(6):616) and its article"),
        ("haematology:id_0000021", "haematology:id_0000019", "erratum", "correction (vol 142, pg 310) and article"),
        ("haematology:id_0000057", "haematology:id_0000063", "erratum", "correction at 360(23):2487 and article"),
        ("haematology:id_0000058", "haematology:id_0000064", "erratum", "correction at 360(23):2487 and article"),
        ("haematology:id_0000162", "haematology:id_0000161", "erratum", "correction at 85(11):911 and article"),
        ("haematology:id_0001173", "haematology:id_0000175", "erratum", "erratum in 104(25) and its article"),
        ("haematology:id_0000807", "haematology:id_0000052", "erratum", "correction at 9(9):2205 and article"),
        ("haematology:id_0000808", "haematology:id_0000052", "erratum", "correction at 9(11):2647 and article"),
        ("haematology:id_0000807", "haematology:id_0000808", "erratum", "two corrections of one article"),
        ("haematology:id_0000039", "haematology:id_0000009", "letter-reply", "reply (945) and the letter (943-944)"),
        ("haematology:id_0000234", "haematology:id_0000235", "same-title-other-item", "two trial registrations"),
        ("haematology:id_0000236", "haematology:id_0000237", "same-title-other-item", "two trial registrations"),
        ("haematology:id_0000234", "haematology:id_0000236", "same-title-other-item", "adult and adolescent trials"),
        ("haematology:id_0000128", "haematology:id_0000129", "abstract-article", "abstract 25(9):1875, article"),
        ("haematology:id_0000220", "haematology:id_0000221", "abstract-article", "abstract 22(9):1514, article"),
        ("haematology:id_0000134", "haematology:id_0000135", "abstract-article", "abstracts in two journals"),
        ("haematology:id_0000020", "haematology:id_0000021", "true-duplicate", "one erratum from two databases"),
    )
    for first, second, kind, reason in known:
        label = "duplicate" if kind == "true-duplicate" else "distinct"
        a, b = by_source[first], by_source[second]
        builder.pair(builder.record(a, first), builder.record(b, second), kind, label, reason)


def abstracts_and_articles(builder, rows, limit=30):
    """Diabetes: a meeting abstract ("Conference:" in the source) and the later article with its title."""
    diabetes = [row for row in rows if row["set"] == "diabetes"]
    abstracts = [row for row in diabetes if "conference" in row["journal"].lower()]
    found, used = 0, set()
    for abstract in abstracts:
        for article in diabetes:
            if article is abstract or "conference" in article["journal"].lower() or not article["pages"]:
                continue
            # Another journal, or a later volume: the same journal volume is the abstract itself, filed twice.
            other_place = article["volume"] != abstract["volume"] or article["year"] != abstract["year"]
            similar = fuzz.ratio(abstract["title"].lower(), article["title"].lower()) >= 85
            if similar and other_place and article["year"] >= abstract["year"] and abstract["title"] not in used:
                used.add(abstract["title"])
                builder.pair(
                    builder.record(abstract, abstract["source"]),
                    builder.record(article, article["source"]),
                    "abstract-article",
                    "distinct",
                    f"meeting abstract ({abstract['journal'][:40]}, {abstract['year']}) and the article "
                    f"({article['journal'][:40]} {article['volume']}:{article['pages']}, {article['year']})",
                )
                found += 1
                break
        if found == limit:
            return


def true_duplicates(builder, rows, count):
    """Pairs of one published true group whose fields differ (the messy duplicates), every k-th in a fixed order."""
    by_group = defaultdict(list)
    for row in rows:
        if row["group"] and ":g" in row["group"]:
            by_group[row["group"]].append(row)
    messy = []
    for group in sorted(by_group):
        for a, b in combinations(by_group[group], 2):
            if any(a[f] != b[f] for f in ("title", "author", "journal", "pages", "issue")):
                messy.append((a, b))
                break
    step = max(1, len(messy) // count)
    for a, b in messy[::step][:count]:
        differing = ", ".join(f for f in ("title", "author", "journal", "volume", "issue", "pages") if a[f] != b[f])
        builder.pair(
            builder.record(a, a["source"]),
            builder.record(b, b["source"]),
            "true-duplicate",
            "duplicate",
            f"one article in the published groups; differs in {differing}",
        )


def write(builder):
    with open(HERE / "records.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, ["id", *FIELDS, "source"])
        writer.writeheader()
        writer.writerows(builder.records)
    with open(HERE / "pairs.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, ["pair", "first", "second", "class", "label", "reason"])
        writer.writeheader()
        writer.writerows(builder.pairs)


if __name__ == "__main__":
    write(build(Path(sys.argv[1])))
