"""RIS and BibTeX written by identification/exporters.py read back through our importers field by field."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from identification.exporters import latex, write
from identification.importers import parse_file
from identification.importers.base import RECORD_FIELDS
from identification.importers.normalise import doi as normalised_doi
from identification.importers.normalise import text

# Awkward characters: LaTeX's specials, RIS's tag separator, quotes and ligatures, accents, other scripts, line
# breaks and tabs (stored values are one line of text, as the importers clean them).
AWKWARD = "{}\\$%&#_~^`'\"!?<>-–—@=+,;:.()[]| \t\nÀéßøΩαβ中文🙂  - ER  - "
words = st.text(alphabet=st.sampled_from(list(AWKWARD) + list("abcXYZ019")), max_size=40).map(text)
names = words.filter(lambda name: name and not name.endswith(","))
keywords = words.filter(lambda word: word and ";" not in word)


@st.composite
def records(draw):
    record = {
        "key": f"record{draw(st.integers(1, 10**6))}",
        "title": draw(words),
        "abstract": draw(st.text(alphabet=st.sampled_from(list(AWKWARD) + list("abc")), max_size=200).map(text)),
        "authors": draw(st.lists(names, max_size=4)),
        "year": draw(st.none() | st.integers(1500, 2099)),
        "journal": draw(words),
        "volume": draw(words),
        "issue": draw(words),
        "pages": draw(words.filter(lambda pages: "--" not in pages and "–" not in pages)),
        "doi": draw(st.sampled_from(["", "10.1000/abc_(1)%7e", "10.1016/s0140-6736(20)30183-5"])),
        "pmid": draw(st.sampled_from(["", "31978945"])),
        "keywords": draw(st.lists(keywords, max_size=3)),
        "url": draw(st.sampled_from(["", "https://example.org/a_b?c=1&d=%20#x"])),
        "note": draw(words),
    }
    assume(any(record[name] for name in ("title", "abstract", "authors", "doi", "pmid")))
    return record


def read_back(file_format, exported):
    parsed = parse_file(write(file_format, exported).encode(), f"export.{'bib' if file_format == 'bibtex' else 'ris'}")
    return [{name: getattr(record, name) for name in RECORD_FIELDS} for record in parsed.records], parsed


def fields(record):
    return {name: record[name] for name in RECORD_FIELDS}


@pytest.mark.parametrize("file_format", ["ris", "bibtex"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(exported=st.lists(records(), min_size=1, max_size=3, unique_by=lambda record: record["key"]))
def test_awkward_records_read_back_field_by_field(file_format, exported):
    imported, parsed = read_back(file_format, exported)
    assert imported == [fields(record) for record in exported]
    assert parsed.warnings == []


@pytest.mark.parametrize("file_format", ["ris", "bibtex"])
def test_missing_fields_stay_missing(file_format):
    exported = {"key": "a", "title": "Only a title", "authors": [], "keywords": []}
    imported, _ = read_back(file_format, [exported])
    assert imported == [
        {**dict.fromkeys(RECORD_FIELDS, ""), "title": "Only a title", "authors": [], "keywords": [], "year": None}
    ]


def test_a_group_author_with_and_in_its_name_stays_one_author():
    exported = {"key": "a", "title": "T", "authors": ["Food and Drug Administration", "Müller, Jörg"]}
    imported, _ = read_back("bibtex", [exported])
    assert imported[0]["authors"] == ["Food and Drug Administration", "Müller, Jörg"]


def test_latex_keeps_dashes_and_braces_literal():
    assert latex("{COVID}--19 50%") == r"\{COVID\}-{}-19 50\%"


def test_ris_pages_are_split_only_when_they_come_back_the_same():
    ris = write("ris", [{"title": "T", "pages": "123-130"}, {"title": "T", "pages": "5-5"}])
    assert "SP  - 123\nEP  - 130" in ris
    assert "SP  - 5-5\n" in ris


def test_the_note_is_written_but_is_not_a_field_of_the_record():
    ris = write("ris", [{"title": "T", "note": "Excluded: wrong population"}])
    assert "N1  - Excluded: wrong population" in ris
    bib = write("bibtex", [{"key": "k", "title": "T", "note": "Excluded: wrong population"}])
    assert "note = {Excluded: wrong population}" in bib


def test_the_doi_shape_used_above_is_one_the_importer_keeps():
    assert normalised_doi("10.1000/abc_(1)%7e") == "10.1000/abc_(1)%7e"
