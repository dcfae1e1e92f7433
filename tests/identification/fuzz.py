"""Hostile files for the importers, shared by the short fuzz run in the tests and bench/fuzz_importers.py."""

import time
from pathlib import Path

from hypothesis import strategies as st

from identification.importers import ImportFileError, ParsedFile, parse_file

SAMPLES = sorted(
    p for p in (Path(__file__).parents[1] / "data" / "samples").rglob("*") if p.suffix != ".md" and p.is_file()
)
NAMES = [
    "results.ris",
    "pubmed.nbib",
    "export.txt",
    "refs.bib",
    "library.xml",
    "table.csv",
    "table.tsv",
    "sheet.xlsx",
    "",
]
# Any file of up to a few megabytes must be answered within this (real exports parse at several MB/s).
SECONDS_PER_FILE = 20
MAX_BYTES = 4_000_000


def mutate(data: bytes, draw) -> bytes:
    """A real export, damaged the way files are: truncated, bytes flipped, junk inserted, re-encoded."""
    operation = draw(st.sampled_from(["truncate", "flip", "insert", "utf16", "latin1", "repeat_line", "nul"]))
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    if operation == "truncate":
        return data[:at]
    if operation == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if operation == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if operation == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16-le")  # no byte-order mark
    if operation == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if operation == "repeat_line":
        line = data.splitlines(keepends=True)[0] if data.splitlines() else data
        return (line * draw(st.integers(2, 2000)) + data)[:MAX_BYTES]
    return data[:at] + b"\x00" + data[at:]


@st.composite
def damaged_exports(draw):
    sample = draw(st.sampled_from(SAMPLES))
    data = sample.read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        data = mutate(data, draw)
    return data, draw(st.sampled_from([sample.name, *NAMES]))


random_files = st.tuples(st.binary(max_size=4096), st.sampled_from(NAMES))


def check_parse(data: bytes, filename: str) -> ParsedFile | None:
    """The importers' promise: every record, or ImportFileError with a message; never another error, never slow."""
    started = time.perf_counter()
    try:
        parsed = parse_file(data, filename)
    except ImportFileError as error:
        assert str(error).strip(), "an import error must say what is wrong"
        parsed = None
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_FILE, f"{filename}: {len(data)} bytes took {elapsed:.1f} s"
    if parsed is not None:
        assert parsed.records, "a parsed file has records (an empty one is an error)"
    return parsed
