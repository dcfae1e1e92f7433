"""RIS and BibTeX writers: records (dicts of the normalised fields) in, the text of a file out, no database access.

Each writer is the inverse of our own importer (identification/importers): a file written here and read back
gives the same title, abstract, authors, year, journal, volume, issue, pages, DOI, PMID, keywords and URL. The
fields are already normalised (one line of text each), so nothing is lost by writing them one per line.
"""

import re
from collections.abc import Iterable

from .importers.normalise import text

# Our RIS importer reads a PMID from the accession number of records from PubMed, as PubMed's own RIS gives it.
PMID_DATABASE = "PubMed"
PAGE_RANGE = re.compile(r"([^\s-]+)-([^\s-]+)")
# Format -> (name, file extension, media type).
FORMATS = {"ris": ("RIS", "ris", "application/x-research-info-systems"), "bibtex": ("BibTeX", "bib", "text/x-bibtex")}


def write(file_format: str, records: Iterable[dict]) -> str:
    return {"ris": write_ris, "bibtex": write_bibtex}[file_format](records)


def write_ris(records: Iterable[dict]) -> str:
    return "".join(_ris_record(record) for record in records)


def _ris_record(record: dict) -> str:
    start, end = _page_range(record.get("pages", ""))
    tags = [
        ("TY", "JOUR"),
        ("TI", record.get("title")),
        *(("AU", author) for author in record.get("authors") or []),
        ("PY", record.get("year")),
        ("JO", record.get("journal")),
        ("VL", record.get("volume")),
        ("IS", record.get("issue")),
        ("SP", start),
        ("EP", end),
        ("DO", record.get("doi")),
        ("AN", record.get("pmid")),
        ("DB", PMID_DATABASE if record.get("pmid") else ""),
        *(("KW", keyword) for keyword in record.get("keywords") or []),
        ("UR", record.get("url")),
        ("AB", record.get("abstract")),
        ("N1", record.get("note")),
    ]
    lines = [f"{tag}  - {text(value)}" for tag, value in tags if text(value)]
    return "\n".join([*lines, "ER  - ", "", ""])


def _page_range(pages: str) -> tuple[str, str]:
    """ "123-130" as start and end page; anything else (e123, 5-5, S1-S2-3) whole as the start page, which
    the importer gives back unchanged."""
    match = PAGE_RANGE.fullmatch(text(pages))
    if match and match[1] != match[2]:
        return match[1], match[2]
    return text(pages), ""


# LaTeX's special characters, written so that a LaTeX decoder (ours: pylatexenc) gives each back as itself.
LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
}
# "--" is an en dash to LaTeX, "``" an opening quote, "?`" an inverted question mark: an empty group between the
# two characters keeps them apart.
LIGATURE = re.compile(r"([-`'!?<>])(?=[-`'<>])")
AND = re.compile(r"\sand\s", re.IGNORECASE)


def latex(value) -> str:
    escaped = "".join(LATEX_ESCAPES.get(character, character) for character in text(value))
    return LIGATURE.sub(r"\1{}", escaped)


def write_bibtex(records: Iterable[dict]) -> str:
    return "\n".join(_bibtex_entry(record) for record in records)


def _bibtex_entry(record: dict) -> str:
    fields = [
        ("title", latex(record.get("title"))),
        ("author", " and ".join(_bibtex_name(author) for author in record.get("authors") or [])),
        ("year", latex(record.get("year"))),
        ("journal", latex(record.get("journal"))),
        ("volume", latex(record.get("volume"))),
        ("number", latex(record.get("issue"))),
        ("pages", latex(record.get("pages"))),
        ("doi", latex(record.get("doi"))),
        ("pmid", latex(record.get("pmid"))),
        ("keywords", "; ".join(latex(keyword) for keyword in record.get("keywords") or [])),
        ("url", latex(record.get("url"))),
        ("abstract", latex(record.get("abstract"))),
        ("note", latex(record.get("note"))),
    ]
    lines = [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "\n".join([f"@article{{{record['key']},", *lines, "}", ""])


def _bibtex_name(author: str) -> str:
    """A name with "and" in it (a group author such as "Food and Drug Administration") is braced, so BibTeX
    reads it as one name; so is one with an escape, which bibtexparser's name splitter mangles next to an "and"."""
    name = latex(author)
    return f"{{{name}}}" if AND.search(name) or "\\" in name else name
