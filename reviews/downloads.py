"""File downloads made from a review's data: CSV and XLSX that spreadsheets cannot execute, JSON, SVG."""

import csv
import json
import re

from django.http import HttpResponse
from django.utils.text import slugify

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ... unless the whole cell is a plain number such as an extracted "-1.5", which no spreadsheet runs.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def download_name(review, what: str, extension: str) -> str:
    return f"{slugify(review.title)[:60] or 'review'}-{what}.{extension}"


def _attachment(content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(filename: str, rows) -> HttpResponse:
    response = _attachment("text/csv; charset=utf-8", filename)
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def xlsx_download(filename: str, rows) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    response = _attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename)
    workbook.save(response)
    return response


def json_download(filename: str, data) -> HttpResponse:
    response = _attachment("application/json", filename)
    response.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return response


def text_download(filename: str, content_type: str, text: str) -> HttpResponse:
    response = _attachment(f"{content_type}; charset=utf-8", filename)
    response.write(text)
    return response


def svg_download(filename: str, svg: str) -> HttpResponse:
    response = _attachment("image/svg+xml", filename)
    response.write(svg)
    return response
