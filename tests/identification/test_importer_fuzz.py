"""Hostile and damaged files: each gives a clear error (or its records) and an import of it writes nothing else.

A short, deterministic run; bench/fuzz_importers.py runs the same checks for ten minutes."""

import pytest
from hypothesis import given, settings

from identification.importers import ImportFileError, parse_file
from identification.models import Record
from tests.factories import make_import
from tests.identification.fuzz import check_parse, damaged_exports, random_files

pytestmark = pytest.mark.slow


@settings(max_examples=300)
@given(random_files)
def test_random_bytes_never_crash_an_importer(file):
    check_parse(*file)


@settings(max_examples=300)
@given(damaged_exports())
def test_damaged_real_exports_never_crash_an_importer(file):
    check_parse(*file)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><records><record><titles><title>&lol3;</title></titles></record></records></xml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><records><record><titles><title>&secret;</title></titles></record></records></xml>"""


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (BILLION_LAUGHS, "library.xml", "entit"),
        (EXTERNAL_ENTITY, "library.xml", "entit"),
        (b"<xml>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</xml>", "library.xml", ""),
        (b"", "results.ris", "empty"),
        (b"   \n\n", "results.ris", "empty"),
        (b"Provider: Ovid\nDatabase: Embase\n", "results.ris", ""),
        (b"TY  - JOUR\nTI  - " + b"x" * 20_000_000 + b"\n", "results.ris", ""),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "results.ris", "binary"),
        (b"PK\x03\x04not really a workbook", "sheet.xlsx", ""),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "deep-nesting",
        "empty",
        "blank",
        "no-records",
        "huge-line",
        "png",
        "broken-zip",
    ],
)
def test_hostile_files_get_a_clear_error(data, filename, message):
    with pytest.raises(ImportFileError) as raised:
        parse_file(data, filename)
    assert message in str(raised.value).lower()
    assert "/etc/passwd" not in str(raised.value) and "root:" not in str(raised.value)


@pytest.mark.parametrize("declared", ["ISO-8859-1", "TTF-8", "UTF-16"])
def test_endnote_xml_is_read_in_the_encoding_found_whatever_it_declares(declared):
    # A misspelt declaration ("TTF-8") came from the ten-minute fuzz run; it escaped as a LookupError.
    xml = (
        f'<?xml version="1.0" encoding="{declared}"?><xml><records><record><titles>'
        "<title>Névromyélite optique</title></titles></record></records></xml>"
    )
    encoding = "latin-1" if declared == "ISO-8859-1" else "utf-8"
    parsed = check_parse(xml.encode(encoding), "library.xml")
    assert parsed.records[0].title == "Névromyélite optique"


def test_a_file_in_another_encoding_is_read_or_refused_clearly():
    ris = "TY  - JOUR\nTI  - Névromyélite optique: étude de cohorte\nER  - \n"
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"):
        parsed = check_parse(ris.encode(encoding), "results.ris")
        assert parsed is not None and parsed.records[0].title.startswith("Névromyélite"), encoding


@pytest.mark.django_db
@settings(max_examples=25)
@given(damaged_exports())
def test_an_import_of_a_damaged_file_is_whole_or_nothing(personas, file):
    data, filename = file
    before = Record.objects.count()
    try:
        expected = parse_file(data, filename)
    except ImportFileError:
        with pytest.raises(ImportFileError):
            make_import(personas.review, personas.lead, data, name=filename or "export")
        assert Record.objects.count() == before
    else:
        record_import = make_import(personas.review, personas.lead, data, name=filename or "export")
        assert record_import.records.count() == len(expected.records)
