"""BibTeX, parsed by bibtexparser 2 with LaTeX decoding.

Authors are separated before decoding, so that a braced group author ("{Food and Drug Administration}") stays one
name; bibtexparser decodes only single strings, so each name is decoded here.
"""

import re
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry

from . import normalise as n
from .base import ImportFileError, ParsedRecord

DECODING = middlewares.LatexDecodingMiddleware()


def parse_bibtex(text: str) -> list[ParsedRecord]:
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[middlewares.SeparateCoAuthors(), DECODING],
        )
    except Exception as exc:  # bibtexparser raises assorted errors on broken input
        raise ImportFileError(f"not a readable BibTeX file: {exc}") from exc
    strings = {block.key.lower(): block.value for block in library.strings}
    entries: list[tuple[Entry, list[str]]] = [(entry, []) for entry in library.entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            warning = f"line {_line(block)}: the BibTeX key {block.key!r} is used twice; both entries imported"
            entries.append((block.ignore_error_block, [warning]))
            continue
        problem = getattr(block, "error", None) or type(block).__name__
        raise ImportFileError(f"cannot read this BibTeX entry: {problem}", _line(block))
    entries.sort(key=lambda pair: _line(pair[0]))
    records = []
    for entry, warnings in entries:
        record = bibtex_record(entry, strings)
        record.warnings.extend(warnings)
        records.append(record)
    return records


def _concatenation(value: Any, strings: dict[str, str]) -> Any:
    """Resolve `jean # " " # cesar`, which bibtexparser 2 leaves as written."""
    if isinstance(value, list):
        return [_concatenation(item, strings) for item in value]
    if not isinstance(value, str) or "#" not in value:
        return value
    parts = re.split(r"\s*#\s*", value.strip())
    resolved = []
    for part in parts:
        if len(part) >= 2 and (part[0], part[-1]) in (('"', '"'), ("{", "}")):
            resolved.append(part[1:-1])
        elif part.lower() in strings:
            resolved.append(strings[part.lower()])
        else:
            return value
    return "".join(resolved)


def bibtex_record(entry: Entry, strings: dict[str, str]) -> ParsedRecord:
    fields = {field.key.lower(): _concatenation(field.value, strings) for field in entry.fields}
    record = ParsedRecord(raw={"ENTRYTYPE": entry.entry_type, "ID": entry.key, **_plain(fields)}, line=_line(entry))
    record.title = n.text(fields.get("title"))
    record.abstract = n.text(fields.get("abstract"))
    names = fields.get("author") or fields.get("editor") or []
    record.authors = n.authors([_decoded(name) for name in ([names] if isinstance(names, str) else names)])
    record.year = n.year(n.first(fields.get("year"), fields.get("date")), record)
    record.journal = n.text(n.first(fields.get("journal"), fields.get("journaltitle"), fields.get("booktitle")))
    record.volume = n.text(fields.get("volume"))
    record.issue = n.text(n.first(fields.get("number"), fields.get("issue")))
    record.pages = n.text(fields.get("pages")).replace("--", "-")
    record.doi = n.doi(fields.get("doi"))
    record.pmid = n.pmid(
        n.first(fields.get("pmid"), fields.get("eprint") if fields.get("eprinttype") == "pubmed" else "")
    )
    record.keywords = n.keywords(fields.get("keywords") or "")
    record.url = n.text(fields.get("url"))
    return record


def _line(block: Block) -> int:
    """The block's first line, counted from 1 (bibtexparser counts from 0, and types it optional)."""
    return (block.start_line or 0) + 1


def _decoded(name: str) -> str:
    """One author's name decoded as the middleware decodes a field (a name it cannot decode stays as written)."""
    try:
        return str(DECODING._decoder.latex_to_text(name))
    except Exception:  # pylatexenc raises assorted errors on broken LaTeX, as the middleware expects
        return name


def _plain(fields: dict[str, Any]) -> dict[str, str | list[str]]:
    return {key: value if isinstance(value, str) else [str(v) for v in value] for key, value in fields.items()}
