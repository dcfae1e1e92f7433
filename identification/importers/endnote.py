"""EndNote XML exports, read with defusedxml so no entity expansion or external entity is ever resolved."""

from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from . import normalise as n
from .base import ImportFileError, ParsedRecord


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return n.text("".join(found.itertext())) if found is not None else ""


def _texts(element: Any, path: str) -> list[str]:
    return [n.text("".join(found.itertext())) for found in element.findall(path)]


def parse_endnote(text: str) -> list[ParsedRecord]:
    try:
        # The text is already decoded, so the parser gets it as text and ignores the encoding the XML declares:
        # bytes would be decoded a second time by that declaration (mojibake), or fail on a misspelt one.
        root = ElementTree.fromstring(text)
    except DefusedXmlException as exc:
        # The detail would echo the entity's target (a file or an address): the message stays general.
        raise ImportFileError("the XML declares entities or a DTD, which are refused for safety") from exc
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ImportFileError(f"not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}", line) from exc
    if root.tag != "xml" or root.find("records") is None:
        raise ImportFileError("not an EndNote XML export: expected <xml><records>…</records></xml>")
    return [endnote_record(element, index) for index, element in enumerate(root.iter("record"), start=1)]


def endnote_record(element: Any, index: int) -> ParsedRecord:
    raw = {child.tag: n.text("".join(child.itertext())) for child in element}
    record = ParsedRecord(raw=raw)
    record.title = _text(element, "titles/title")
    record.abstract = _text(element, "abstract")
    record.authors = n.authors(_texts(element, "contributors/authors/author"))
    record.year = n.year(_text(element, "dates/year"), record)
    if record.warnings:
        record.warnings = [f"record {index}: {warning}" for warning in record.warnings]
    record.journal = n.first(_text(element, "periodical/full-title"), _text(element, "titles/secondary-title"))
    record.volume = _text(element, "volume")
    record.issue = _text(element, "number")
    record.pages = _text(element, "pages")
    record.doi = n.doi(_text(element, "electronic-resource-num"))
    accession = _text(element, "accession-num")
    remote = _text(element, "remote-database-name").lower()
    if "pubmed" in remote or "medline" in remote:
        record.pmid = n.pmid(accession)
    record.keywords = n.keywords(_texts(element, "keywords/keyword"))
    record.url = n.first(_texts(element, "urls/related-urls/url"))
    return record
