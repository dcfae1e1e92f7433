"""RIS (every database's flavour) and Web of Science tagged text, parsed by rispy.

rispy reports neither line numbers nor truncated files, so the lines are checked
here first: each record must open with TY and close with ER.
"""

import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import rispy

from . import normalise as n
from .base import ImportFileError, ParsedRecord

PUBMED_DATABASES = ("pubmed", "medline")


RECORD_BOUNDARY = re.compile(r"^(TY|ER)  -")
# Records handed to rispy at a time: a file of a million records is never parsed, nor held, whole.
BATCH_SIZE = 2000


def ris_batches(lines: Iterable[str], size: int = BATCH_SIZE) -> Iterator[list[ParsedRecord]]:
    """Parsed records, `size` at a time, from the file's lines (with their line ends), after checking that each
    record opens with TY and closes with ER."""
    chunk: list[str] = []
    starts: list[int] = []
    open_line = None
    number = 0
    for number, line in enumerate(lines, 1):
        chunk.append(line)
        boundary = RECORD_BOUNDARY.match(line)
        if boundary is None:
            continue
        if boundary.group(1) == "TY":
            if open_line is not None:
                raise ImportFileError(
                    f"a new record starts (TY) before the record of line {open_line} ends (ER)", number
                )
            open_line = number
            starts.append(number)
            continue
        if open_line is None:
            raise ImportFileError("ER closes a record that was never opened with TY", number)
        open_line = None
        if len(starts) >= size:
            yield _parse_chunk("".join(chunk), starts)
            chunk, starts = [], []
    if open_line is not None:
        raise ImportFileError("the last record has no closing ER line: the file looks truncated", open_line)
    if starts:
        yield _parse_chunk("".join(chunk), starts)


def _parse_chunk(text: str, starts: list[int]) -> list[ParsedRecord]:
    try:
        entries = rispy.loads(text)
    except (OSError, ValueError, KeyError) as exc:
        raise ImportFileError(f"not a readable RIS file: {exc}") from exc
    if len(entries) != len(starts):
        raise ImportFileError(f"found {len(starts)} records but could read only {len(entries)}")
    return [ris_record(entry, line) for entry, line in zip(entries, starts, strict=True)]


def parse_ris(text: str) -> list[ParsedRecord]:
    return list(chain.from_iterable(ris_batches(io.StringIO(text))))


def ris_record(entry: dict[str, Any], line: int) -> ParsedRecord:
    record = ParsedRecord(raw=entry, line=line)
    record.title = n.text(n.first(entry.get("title"), entry.get("primary_title")))
    if not record.title and entry.get("type_of_reference") not in ("JOUR", "JFULL"):
        record.title = n.text(entry.get("secondary_title"))
    record.title = record.title or n.text(entry.get("short_title"))
    record.abstract = n.text(n.first(entry.get("abstract"), entry.get("notes_abstract")))
    record.authors = n.authors(entry.get("authors") or entry.get("first_authors") or [])
    record.year = n.year(n.first(entry.get("year"), entry.get("publication_year"), entry.get("date")), record)
    record.journal = n.text(
        n.first(
            entry.get("journal_name"),
            entry.get("alternate_title3"),
            entry.get("secondary_title") if record.title else "",
            entry.get("alternate_title2"),
            entry.get("alternate_title1"),
        )
    )
    record.volume = n.text(entry.get("volume"))
    record.issue = n.text(entry.get("number"))
    record.pages = n.pages(entry.get("start_page"), entry.get("end_page"))
    urls = entry.get("urls") or []
    record.doi = n.doi(entry.get("doi")) or next((n.doi(u) for u in urls if n.doi(u)), "")
    database = n.text([entry.get("name_of_database"), entry.get("database_provider")]).lower()
    if any(name in database for name in PUBMED_DATABASES):
        record.pmid = n.pmid(entry.get("accession_number"))
    record.keywords = n.keywords(entry.get("keywords") or [])
    record.url = n.text(n.first(urls))
    return record


def parse_web_of_science(text: str) -> list[ParsedRecord]:
    """Web of Science "plain text" tagged export (FN/VR header, PT … ER records)."""
    try:
        entries = rispy.loads(text, implementation=rispy.WokParser)
    except (OSError, ValueError, KeyError) as exc:
        raise ImportFileError(f"not a readable Web of Science file: {exc}") from exc
    starts = [number for number, line in enumerate(text.splitlines(), start=1) if line.startswith("PT ")]
    records = []
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else None
        record = ParsedRecord(raw=entry, line=line)
        record.title = n.text(entry.get("document_title") or entry.get("title"))
        record.abstract = n.text(entry.get("abstract"))
        record.authors = n.authors(entry.get("authors") or entry.get("author_full_names") or [])
        record.year = n.year(entry.get("publication_year"), record)
        record.journal = n.text(entry.get("publication_name"))
        record.volume = n.text(entry.get("volume"))
        record.issue = n.text(entry.get("issue"))
        record.pages = n.pages(entry.get("beginning_page"), entry.get("ending_page"))
        record.doi = n.doi(entry.get("doi"))
        record.pmid = n.pmid(entry.get("pubmed_id"))
        record.keywords = n.keywords(entry.get("author_keywords") or [])
        records.append(record)
    return records
