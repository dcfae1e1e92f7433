"""Field clean-up shared by every importer."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from .base import ParsedRecord

DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
PMID_SHAPE = re.compile(r"^\d{1,9}$")


def text(value: Any) -> str:
    """One clean line of text from a string or a list of strings."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    return " ".join(str(value).split())


def doi(value: Any) -> str:
    """Lower-case DOI without URL or "doi:" prefixes; empty when no DOI is in the value."""
    value = text(value)
    if not value:
        return ""
    value = DOI_PREFIX.sub("", value)
    match = DOI_SHAPE.search(value)
    return match.group(0).rstrip(".;,").lower() if match else ""


def pmid(value: Any) -> str:
    value = text(value)
    value = re.sub(r"^(?:pmid:?\s*|medline:?\s*)", "", value, flags=re.IGNORECASE)
    value = value.split()[0] if value else ""
    return value if PMID_SHAPE.match(value) else ""


def year(value: Any, record: ParsedRecord) -> int | None:
    """The four-digit year in the value; a warning on the record when the value has none."""
    value = text(value)
    if not value:
        return None
    match = YEAR.search(value)
    if match:
        return int(match.group(1))
    record.warnings.append(_where(record) + f"year {value!r} is not a year; left empty")
    return None


def _where(record: ParsedRecord) -> str:
    return f"line {record.line}: " if record.line else ""


def authors(values: str | Iterable[Any] | None) -> list[str]:
    """A list of author names from a list or a string separated by semicolons or " and "."""
    if isinstance(values, str):
        values = re.split(r"\s*;\s*|\s+and\s+", values)
    return [name for name in (text(v).rstrip(",") for v in values or []) if name]


def keywords(values: str | Iterable[Any] | None) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"\s*[;\n]\s*", values)
    return [word for word in (text(v) for v in values or []) if word]


def pages(start: Any, end: Any = "") -> str:
    first_page, last_page = text(start), text(end)
    if first_page and last_page and last_page != first_page:
        return f"{first_page}-{last_page}"
    return first_page


def first(*values: Any) -> Any:
    for value in values:
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        if value:
            return value
    return ""


def fold(value: Any) -> str:
    """Lower-case ASCII letters and digits only, for comparisons."""
    value = unicodedata.normalize("NFKD", text(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()
