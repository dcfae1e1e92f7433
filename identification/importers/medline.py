"""PubMed MEDLINE / .nbib exports, parsed by Biopython's Bio.Medline."""

import io
import re
from typing import Any

from Bio import Medline

from . import normalise as n
from .base import ImportFileError, ParsedRecord

MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ")


def record_starts(text: str) -> list[int]:
    starts, in_record = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            in_record = False
        elif not in_record:
            if not MEDLINE_TAG.match(line):
                raise ImportFileError("a MEDLINE record must start with a tag such as 'PMID- '", number)
            starts.append(number)
            in_record = True
    return starts


def parse_medline(text: str) -> list[ParsedRecord]:
    starts = record_starts(text)
    try:
        entries = list(Medline.parse(io.StringIO(text)))
    except (ValueError, KeyError) as exc:
        raise ImportFileError(f"not a readable MEDLINE file: {exc}") from exc
    if len(entries) != len(starts):
        raise ImportFileError(f"found {len(starts)} records but could read only {len(entries)}")
    return [medline_record(dict(entry), line) for entry, line in zip(entries, starts, strict=True)]


def _doi(entry: dict[str, Any]) -> str:
    for value in (entry.get("LID"), *(entry.get("AID") or [])):
        if isinstance(value, str) and "[doi]" in value:
            return n.doi(value.replace("[doi]", ""))
    return ""


def medline_record(entry: dict[str, Any], line: int) -> ParsedRecord:
    record = ParsedRecord(raw=entry, line=line)
    record.title = n.text(entry.get("TI") or entry.get("BTI"))
    record.abstract = n.text(entry.get("AB") or entry.get("OAB"))
    record.authors = n.authors(entry.get("AU") or entry.get("FAU") or [])
    record.year = n.year(entry.get("DP") or entry.get("DEP"), record)
    record.journal = n.text(entry.get("JT") or entry.get("TA"))
    record.volume = n.text(entry.get("VI"))
    record.issue = n.text(entry.get("IP"))
    record.pages = n.text(entry.get("PG"))
    record.doi = _doi(entry)
    record.pmid = n.pmid(entry.get("PMID"))
    record.keywords = n.keywords((entry.get("OT") or []) + (entry.get("MH") or []))
    if record.pmid:
        record.url = f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"
    return record
