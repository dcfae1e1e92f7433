"""CSV, TSV and XLSX exports (Scopus, Web of Science, Zotero, Embase, screening datasets) with column mapping."""

import csv
import io
import re
from collections.abc import Mapping, Sequence

from . import normalise as n
from .base import ImportFileError, ParsedRecord

COLUMN_ALIASES = {
    "title": ("title", "article title", "document title", "primary title", "ti"),
    "abstract": ("abstract", "abstract note", "ab"),
    "authors": ("authors", "author", "author names", "author full names", "au"),
    "year": ("year", "publication year", "pubyear", "py", "date"),
    "journal": ("source title", "journal", "publication title", "journal title", "secondary title", "source", "so"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "page range", "pg"),
    "first_page": ("page start", "first page", "start page", "bp"),
    "last_page": ("page end", "last page", "end page", "ep"),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmed id", "pubmedid", "medline pmid", "pm"),
    "keywords": ("author keywords", "keywords", "manual tags", "de"),
    "url": ("url", "link", "open url link"),
}
EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^:(\s]+)(?::(?P<issue>[^\s(]+))?)?(?: \((?P<pages>[^)]+)\))?"
)
# Embase's "Source" column is the journal with its citation; Scopus's names the database the record came from
# ("Scopus"), its journal being "Source title". A database's name is never taken for a journal.
DATABASE_NAMES = frozenset({"scopus", "embase", "medline", "pubmed", "web of science", "cinahl", "psycinfo"})
INITIALS_THEN_COMMA = re.compile(r"(?<=\.),\s+")


def _key(header: str) -> str:
    return n.text(header).lower().lstrip("\ufeff")


def column_mapping(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which column feeds which field: the user's choices first, then known export column names."""
    by_key = {_key(h): h for h in headers if h is not None}
    mapping = {}
    for field, aliases in COLUMN_ALIASES.items():
        column = next((by_key[a] for a in aliases if a in by_key), None)
        if column is not None:
            mapping[field] = column
    for field, column in (overrides or {}).items():
        if column and column not in headers:
            raise ImportFileError(f"the column {column!r} chosen for {field} is not in the file")
        if column:
            mapping[field] = column
        else:
            mapping.pop(field, None)
    if "title" not in mapping:
        raise ImportFileError("no title column: name one of " + ", ".join(repr(a) for a in COLUMN_ALIASES["title"]), 1)
    return mapping


def _authors(value: str) -> list[str]:
    value = n.text(value)
    if ";" not in value and INITIALS_THEN_COMMA.search(value):
        return n.authors(INITIALS_THEN_COMMA.split(value))
    return n.authors(value)


def tabular_record(row: Mapping[str, str], mapping: Mapping[str, str], line: int) -> ParsedRecord:
    def get(field: str) -> str:
        column = mapping.get(field)
        return n.text(row.get(column)) if column else ""

    record = ParsedRecord(raw={k: v for k, v in row.items() if k and v not in (None, "")}, line=line)
    record.title = get("title")
    record.abstract = get("abstract")
    record.authors = _authors(get("authors"))
    record.journal = get("journal")
    if record.journal.casefold() in DATABASE_NAMES:
        record.journal = ""
    record.volume, record.issue = get("volume"), get("issue")
    record.pages = get("pages") or n.pages(get("first_page"), get("last_page"))
    year = get("year")
    source = EMBASE_SOURCE.match(record.journal) if record.journal and not year else None
    if source:
        record.journal, year = source["journal"], source["year"]
        record.volume = record.volume or (source["volume"] or "")
        record.issue = record.issue or (source["issue"] or "")
        record.pages = record.pages or (source["pages"] or "")
    record.year = n.year(year, record)
    record.doi = n.doi(get("doi"))
    record.pmid = n.pmid(get("pmid"))
    record.keywords = n.keywords(get("keywords"))
    record.url = get("url")
    return record


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in ("\t", ",", ";")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def parse_delimited(
    text: str, mapping: Mapping[str, str] | None = None, delimiter: str | None = None
) -> list[ParsedRecord]:
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise ImportFileError("the file is empty") from exc
    except csv.Error as exc:
        raise ImportFileError(f"unreadable header: {exc}", 1) from exc
    columns = column_mapping(headers, mapping)
    records = []
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                if len(values) > len(headers):
                    raise ImportFileError(f"{len(values)} cells but the header has {len(headers)} columns", line)
                records.append(tabular_record(dict(zip(headers, values, strict=False)), columns, line))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"malformed CSV: {exc}", line) from exc
    return records


def parse_xlsx(data: bytes, mapping: Mapping[str, str] | None = None) -> list[ParsedRecord]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise ImportFileError(f"not a readable XLSX workbook: {exc}") from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    headers = [str(h) if h is not None else "" for h in next(rows, [])]
    if not any(headers):
        raise ImportFileError("the first sheet is empty")
    columns = column_mapping(headers, mapping)
    records = []
    for number, values in enumerate(rows, start=2):
        if values and any(v not in (None, "") for v in values):
            row = {h: "" if v is None else str(v) for h, v in zip(headers, values, strict=False)}
            records.append(tabular_record(row, columns, number))
    workbook.close()
    return records
