"""Encoding and format detection, and the dispatch to each format's parser."""

import codecs
import re
from collections.abc import Mapping

from .base import ImportFileError, ParsedFile, ParsedRecord
from .bibtex import parse_bibtex
from .endnote import parse_endnote
from .medline import parse_medline
from .ris import parse_ris, parse_web_of_science
from .tabular import parse_delimited, parse_xlsx

FORMAT_NAMES = {
    "ris": "RIS",
    "medline": "PubMed MEDLINE (nbib)",
    "wos": "Web of Science tagged text",
    "bibtex": "BibTeX",
    "endnote": "EndNote XML",
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "Excel workbook (XLSX)",
}
ZIP_MAGIC = b"PK\x03\x04"
RIS_LINE = re.compile(r"^TY  - ", re.MULTILINE)
RIS_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  -", re.MULTILINE)
MEDLINE_LINE = re.compile(r"^PMID- ", re.MULTILINE)
WOS_HEADER = re.compile(r"\A(?:FN |VR |PT [A-Z]\s*$)", re.MULTILINE)
BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): byte-order marks first, then UTF-16 without one, UTF-8, and Latin-1 last."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16"), "UTF-16"
    sample = data[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return _strict(data, "utf-16-le", "UTF-16"), "UTF-16 LE"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return _strict(data, "utf-16-be", "UTF-16"), "UTF-16 BE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ImportFileError(f"the file is not valid {name} text", line) from exc


def _line_of_binary(text: str) -> int | None:
    position = text.find("\x00")
    return None if position < 0 else text.count("\n", 0, position) + 1


def detect_format(text: str, filename: str = "") -> str:
    name = filename.lower()
    head = text[:20000].lstrip()
    if name.endswith(".bib") or (BIBTEX_ENTRY.search(head) and not RIS_LINE.search(head)):
        return "bibtex"
    if name.endswith(".nbib") or MEDLINE_LINE.search(head):
        return "medline"
    if head.startswith("<"):
        return "endnote"
    if RIS_LINE.search(head) or len(RIS_TAG_LINE.findall(head)) >= 2:
        return "ris"
    if WOS_HEADER.search(head):
        return "wos"
    first_line = head.split("\n", 1)[0]
    if "\t" in first_line:
        return "tsv"
    if "," in first_line or ";" in first_line or name.endswith(".csv"):
        return "csv"
    raise ImportFileError(
        "unrecognised format: expected RIS, PubMed MEDLINE, BibTeX, EndNote XML, Web of Science, CSV, TSV or XLSX"
    )


def parse_text(text: str, file_format: str, mapping: Mapping[str, str] | None = None) -> list[ParsedRecord]:
    if file_format == "ris":
        return parse_ris(text)
    if file_format == "medline":
        return parse_medline(text)
    if file_format == "wos":
        return parse_web_of_science(text)
    if file_format == "bibtex":
        return parse_bibtex(text)
    if file_format == "endnote":
        return parse_endnote(text)
    return parse_delimited(text, mapping, delimiter="\t" if file_format == "tsv" else None)


def parse_file(data: bytes, filename: str = "", mapping: Mapping[str, str] | None = None) -> ParsedFile:
    """Parse a whole export; raise ImportFileError for anything that makes the file unusable."""
    if not data or not data.strip():
        raise ImportFileError("the file is empty")
    if data.startswith(ZIP_MAGIC):
        records = parse_xlsx(data, mapping)
        file_format, encoding = "xlsx", "binary (XLSX)"
    else:
        text, encoding = decode(data)
        binary_line = _line_of_binary(text)
        if binary_line:
            raise ImportFileError("the file contains binary data, not a text export", binary_line)
        file_format = detect_format(text, filename)
        records = parse_text(text, file_format, mapping)
    if not records:
        raise ImportFileError(f"no records found in this {FORMAT_NAMES[file_format]} file")
    for index, record in enumerate(records, start=1):
        if record.is_empty():
            where = f"line {record.line}" if record.line else f"record {index}"
            record.warnings.append(f"{where}: the record has no title, abstract, authors or identifier")
    return ParsedFile(file_format, encoding, records)
