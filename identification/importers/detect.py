"""Encoding and format detection, and the dispatch to each format's parser."""

import codecs
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from .base import ImportFileError, ParsedFile, ParsedRecord
from .bibtex import parse_bibtex
from .endnote import parse_endnote
from .medline import parse_medline
from .ris import BATCH_SIZE, parse_ris, parse_web_of_science, ris_batches
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
HEAD_BYTES = 20000  # what detect_format looks at
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
    _flag_empty(records)
    return ParsedFile(file_format, encoding, records)


def _flag_empty(records: list[ParsedRecord], before: int = 0) -> None:
    for index, record in enumerate(records, start=before + 1):
        if record.is_empty():
            where = f"line {record.line}" if record.line else f"record {index}"
            record.warnings.append(f"{where}: the record has no title, abstract, authors or identifier")


@dataclass
class RecordStream:
    """A file being read: its format and encoding, known before the first record, and its records in batches."""

    format: str
    encoding: str
    batches: Iterator[list[ParsedRecord]]


def stream_file(upload: BinaryIO, filename: str = "", mapping: Mapping[str, str] | None = None) -> RecordStream:
    """Read an export a batch of records at a time, with the checks and errors of parse_file (a bad record
    raises ImportFileError when its batch is reached). RIS, the format databases export by the hundred thousand,
    is read line by line and never held whole; other formats are parsed whole and handed out in batches."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    codec = _streaming_codec(head)
    if codec is None or detect_format(head.decode(codec, errors="replace"), filename) != "ris":
        parsed = parse_file(upload.read(), filename, mapping)
        batches = (parsed.records[i : i + BATCH_SIZE] for i in range(0, len(parsed.records), BATCH_SIZE))
        return RecordStream(parsed.format, parsed.encoding, batches)
    codec, encoding = _whole_file_codec(upload, codec)
    upload.seek(0)
    return RecordStream("ris", encoding, _checked(ris_batches(_text_lines(upload, codec))))


def _streaming_codec(head: bytes) -> str | None:
    """The codec a file may be read with line by line, judged from its first bytes; None for a workbook or
    UTF-16 (parsed whole)."""
    if not head.strip() or head.startswith((ZIP_MAGIC, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4):
        return None
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _whole_file_codec(upload: BinaryIO, codec: str) -> tuple[str, str]:
    """(codec, encoding name) as decode() would choose, from passes over the bytes that keep none of them."""
    if codec == "utf-8-sig":
        return codec, "UTF-8 with BOM"
    for candidate, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (Latin-1)")):
        upload.seek(0)
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            for block in iter(lambda: upload.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return candidate, name
    return "latin-1", "Latin-1"


def _text_lines(upload: BinaryIO, codec: str) -> Iterator[str]:
    for number, line in enumerate(io.TextIOWrapper(upload, encoding=codec, newline="\n"), start=1):
        if "\x00" in line:
            raise ImportFileError("the file contains binary data, not a text export", number)
        yield line


def _checked(batches: Iterator[list[ParsedRecord]]) -> Iterator[list[ParsedRecord]]:
    count = 0
    for batch in batches:
        _flag_empty(batch, count)
        count += len(batch)
        yield batch
    if not count:
        raise ImportFileError(f"no records found in this {FORMAT_NAMES['ris']} file")
