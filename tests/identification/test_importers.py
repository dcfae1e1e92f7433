"""Every sample export imports with the expected count; broken files fail naming the line."""

import codecs
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from identification.importers import ImportFileError, parse_file, stream_file
from identification.importers.normalise import doi
from identification.importers.ris import ris_batches
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, ris

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

# Counts from the source test suites (tests/data/samples/README.md). Two differ from that README, which
# counted "TY" lines with grep and so missed the first record behind a byte-order mark: scopus.ris has
# 10 records (10 TY and 10 ER tags) and wos_test.ris 50; biber-examples.bib has 126 "@" lines, 8 of them
# @STRING definitions, so 118 entries.
EXPECTED = {
    "asreview/baseline_empty_values.ris": ("ris", 4),
    "asreview/embase.csv": ("csv", 6),
    "asreview/embase.ris": ("ris", 6),
    "asreview/faulty_year.ris": ("ris", 1),
    "asreview/ovid_psycinfo.ris": ("ris", 6),
    "asreview/proquest.ris": ("ris", 6),
    "asreview/pubmed_endnote.txt": ("ris", 6),
    "asreview/pubmed_zotero.ris": ("ris", 6),
    "asreview/ris_issue_1099.txt": ("ris", 7),
    "asreview/ris_issue_992.txt": ("ris", 19),
    "asreview/web_of_science.txt": ("ris", 10),
    "asysd/scopus.ris": ("ris", 10),
    "asysd/wos_test.ris": ("ris", 50),
    "bibtexparser/article_missing_coma.bib": ("bibtex", 4),
    "bibtexparser/article_start_with_bom.bib": ("bibtex", 1),
    "bibtexparser/article_with_special_characters.bib": ("bibtex", 1),
    "bibtexparser/article_with_strings.bib": ("bibtex", 1),
    "bibtexparser/biber-examples.bib": ("bibtex", 118),
    "bibtexparser/crossref_entries.bib": ("bibtex", 14),
    "bibtexparser/encoding.bib": ("bibtex", 1),
    "bibtexparser/multiple_entries_and_comments.bib": ("bibtex", 3),
    "bibtexparser/traps.bib": ("bibtex", 1),
    "endnote/respiratory_first12_endnote.xml": ("endnote", 12),
    "nbib/pmc_medlars.txt": ("medline", 5),
    "rispy/example_bom.ris": ("ris", 1),
    "rispy/example_empty_tag.ris": ("ris", 1),
    "rispy/example_extraneous_data.ris": ("ris", 2),
    "rispy/example_full.ris": ("ris", 2),
    "rispy/example_multiline.ris": ("ris", 3),
    "rispy/example_urls.ris": ("ris", 4),
    "rispy/example_utf_chars.ris": ("ris", 1),
    "rispy/example_wos.ris": ("wos", 2),
}


def parse_sample(name):
    path = SAMPLES / name
    return parse_file(path.read_bytes(), path.name)


def test_every_sample_file_is_listed():
    files = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_with_the_expected_count(name):
    file_format, count = EXPECTED[name]
    parsed = parse_sample(name)
    assert (parsed.format, len(parsed.records)) == (file_format, count)


def streamed(content: bytes, name: str = "x.ris"):
    stream = stream_file(io.BytesIO(content), name)
    return stream.format, stream.encoding, [record for batch in stream.batches for record in batch]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_streamed_sample_reads_as_the_whole_file_does(name):
    path = SAMPLES / name
    parsed = parse_file(path.read_bytes(), path.name)
    assert streamed(path.read_bytes(), path.name) == (parsed.format, parsed.encoding, parsed.records)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_a_streamed_file_is_decoded_as_the_whole_file_is(codec):
    content = ris({**AZATHIOPRINE, "AU": ["Élsone, L."]}, TOCILIZUMAB).decode().encode(codec)
    parsed = parse_file(content, "x.ris")
    assert streamed(content) == (parsed.format, parsed.encoding, parsed.records)


def test_ris_is_parsed_in_batches_that_keep_the_lines_of_the_file():
    text = ris(*({"TI": f"Record {i}"} for i in range(5))).decode()
    batches = list(ris_batches(io.StringIO(text), size=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [record.line for batch in batches for record in batch] == [r.line for r in parse_file(text.encode()).records]


def test_a_streamed_file_truncated_after_its_first_batches_fails_naming_the_line():
    content = ris(*({"TI": f"Record {i}"} for i in range(4500))).rsplit(b"ER  -", 1)[0]
    batches = stream_file(io.BytesIO(content), "x.ris").batches
    assert len(next(batches)) == 2000
    with pytest.raises(ImportFileError, match="no closing ER line: the file looks truncated"):
        list(batches)


def test_ris_count_matches_the_records_opened_and_closed_in_the_file():
    text = (SAMPLES / "asysd/scopus.ris").read_bytes().decode("utf-8-sig")
    assert text.count("\nTY  - ") + text.startswith("TY  - ") == 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://doi.org/10.1016/S1474-4422(20)30070-3", "10.1016/s1474-4422(20)30070-3"),
        ("http://dx.doi.org/10.1177/2325967120950040", "10.1177/2325967120950040"),
        ("doi: 10.1002/CPP.2398.", "10.1002/cpp.2398"),
        ("10.3390/ani15010003 [doi]", "10.3390/ani15010003"),
        ("not a doi", ""),
    ],
)
def test_doi_normalisation(value, expected):
    assert doi(value) == expected


def test_normalised_fields_of_real_exports():
    embase = parse_sample("asreview/embase.ris").records[0]
    assert embase.title.startswith("Duplication cysts")
    assert embase.authors[:2] == ["Liu R.", "Adler D.G."]
    assert (embase.year, embase.journal) == (2014, "Endoscopic Ultrasound")
    assert embase.doi == "10.4103/2303-9027.138783"
    medline = parse_sample("nbib/pmc_medlars.txt").records[0]
    assert (medline.pmid, medline.doi, medline.year) == ("30042925", "10.1016/j.mex.2018.03.007", 2018)
    assert medline.url == "https://pubmed.ncbi.nlm.nih.gov/30042925/"
    embase_csv = parse_sample("asreview/embase.csv").records[0]
    assert (embase_csv.journal, embase_csv.year, embase_csv.volume, embase_csv.pages) == (
        "Endoscopic Ultrasound",
        2014,
        "3",
        "152-160",
    )
    wos = parse_sample("rispy/example_wos.ris").records[0]
    assert (wos.pmid, wos.doi, wos.pages) == ("15170338", "10.1021/bi049798f", "7003-7016")
    bib = parse_sample("bibtexparser/article_with_strings.bib").records[0]
    assert bib.authors == ["Jean César"]


def test_raw_record_is_kept():
    record = parse_sample("asreview/embase.ris").records[0]
    assert record.raw["type_of_reference"] == "JOUR"


def test_unreadable_year_is_a_warning_naming_the_line():
    parsed = parse_sample("asreview/faulty_year.ris")
    assert parsed.records[0].year is None
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("line 1: year ")


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16"), ("latin-1", "Latin-1")],
)
def test_encodings_are_detected(codec, expected):
    content = ris({**AZATHIOPRINE, "AU": ["Élsone, L."]}).decode().encode(codec)
    parsed = parse_file(content, "x.ris")
    assert expected in parsed.encoding
    assert parsed.records[0].authors == ["Élsone, L."]


def test_utf16_without_bom_is_detected():
    parsed = parse_file(ris(AZATHIOPRINE).decode().encode("utf-16-le"), "x.ris")
    assert parsed.encoding == "UTF-16 LE" and len(parsed.records) == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.ris", "the file is empty"),
        (b"TY  - JOUR\nTI  - Cut short\n", "cut.ris", "line 1: the last record has no closing ER line"),
        (b"TY  - JOUR\nTI  - One\nTY  - JOUR\nER  - \n", "x.ris", "line 3: a new record starts (TY) before"),
        (b"TI  - Orphan\nER  - \n", "x.ris", "line 2: ER closes a record that was never opened"),
        (b"just some words\nand more\n", "notes.txt", "unrecognised format"),
        (b"title,year\n", "x.csv", "no records found in this CSV file"),
        (b"name,year\nA,2020\n", "x.csv", "line 1: no title column"),
        (b"title,year\nA,2020\nB,2021,extra\n", "x.csv", "line 3: 3 cells but the header has 2 columns"),
        (b"<xml><records><record><titles>\n</records></xml>", "x.xml", "line 2: not well-formed XML"),
        (b"@article{a,\n  title = {Open\n", "x.bib", "cannot read this BibTeX entry"),
        (b"TY  - JOUR\nTI  - A\x00\x01\x02\x00\x00\x00\nER  - \n", "x.ris", "binary data"),
    ],
)
def test_broken_files_fail_with_a_clear_message(content, name, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_file(content, name)


def test_xml_entities_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><xml><records></records></xml>'
    with pytest.raises(ImportFileError, match="entities or a DTD"):
        parse_file(bomb, "x.xml")


def test_duplicate_bibtex_keys_import_both_with_a_warning():
    parsed = parse_sample("bibtexparser/biber-examples.bib")
    assert any("'tmn4' is used twice" in w for w in parsed.warnings)


def test_xlsx_with_column_mapping():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Article Title", "PY", "Authors", "DOI"])
    sheet.append(["A trial of tocilizumab", 2020, "Zhang C; Zhang M", "10.1234/ABC"])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_file(buffer.getvalue(), "export.xlsx", mapping={"year": "PY"})
    record = parsed.records[0]
    assert (parsed.format, len(parsed.records)) == ("xlsx", 1)
    assert (record.title, record.year, record.authors, record.doi) == (
        "A trial of tocilizumab",
        2020,
        ["Zhang C", "Zhang M"],
        "10.1234/abc",
    )


def test_column_mapping_naming_a_missing_column_is_refused():
    with pytest.raises(ImportFileError, match="'Heading' chosen for title is not in the file"):
        parse_file(b"title,year\nA,2020\n", "x.csv", mapping={"title": "Heading"})


def test_tab_separated_web_of_science_export():
    content = "PT\tAU\tTI\tSO\tPY\tDI\tPM\nJ\tZhang, C; Zhang, M\tA trial\tLANCET NEUROL\t2020\t10.1234/X\t123\n"
    record = parse_file(content.encode(), "savedrecs.txt").records[0]
    assert (record.title, record.journal, record.pmid, record.authors) == (
        "A trial",
        "LANCET NEUROL",
        "123",
        ["Zhang, C", "Zhang, M"],
    )


def test_scopus_source_column_names_the_database_not_the_journal():
    content = b"Title,Year,Source\nA trial,2020,Scopus\n"
    assert parse_file(content, "scopus.csv").records[0].journal == ""
    content = b"Title,Year,Source title,Source\nA trial,2020,Lancet Neurology,Scopus\n"
    assert parse_file(content, "scopus.csv").records[0].journal == "Lancet Neurology"


def test_ris_built_by_the_factories_round_trips():
    parsed = parse_file(codecs.BOM_UTF8 + ris(TOCILIZUMAB), "x.ris")
    assert parsed.records[0].doi == "10.1016/s1474-4422(20)30070-3"
    assert parsed.records[0].pages == "391-401"
