"""Downloads cannot run as spreadsheet formulas: the site's CSV/XLSX and the admin's import-export alike."""

import csv
import io

import openpyxl
import pytest

from identification.resources import RecordResource
from reviews.downloads import csv_download, spreadsheet_safe, xlsx_download
from tests.factories import make_import, ris

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
NUMBERS = ["-1.5", "+2", "-.5", "1e-3", "-4E+2", "12"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_formulas_get_an_apostrophe(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", [*NUMBERS, "Zhang 2020", "", 3, -1.5, None])
def test_numbers_and_plain_text_stay_as_they_are(cell):
    assert spreadsheet_safe(cell) == cell


def test_csv_and_xlsx_downloads_hold_formulas_as_text():
    rows = [["value"], *([cell] for cell in FORMULAS + NUMBERS)]
    content = csv_download("x.csv", rows).content.decode("utf-8-sig")
    parsed = [row[0] for row in csv.reader(io.StringIO(content, newline=""))]
    assert parsed[1 : len(FORMULAS) + 1] == ["'" + cell for cell in FORMULAS]
    assert parsed[len(FORMULAS) + 1 :] == NUMBERS
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download("x.xlsx", rows).content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    # (openpyxl's own XML reader turns a carriage return into a line feed, its lxml reader keeps it: compare the
    # text with line ends made one)
    read_back = [cell.value.replace("\r", "\n") for cell in cells[: len(FORMULAS)]]
    assert read_back == ["'" + c.replace("\r", "\n") for c in FORMULAS]


@pytest.mark.django_db
def test_admin_exports_neutralise_formulas_from_imported_files(personas):
    make_import(personas.review, personas.lead, ris({"TI": '=HYPERLINK("http://evil.example")', "AU": "@Smith"}))
    dataset = RecordResource().export()
    assert dataset["title"][0] == '\'=HYPERLINK("http://evil.example")'
    cells = [cell for row in csv.reader(io.StringIO(dataset.export("csv"))) for cell in row]
    assert [cell for cell in cells if spreadsheet_safe(cell) != cell] == []
