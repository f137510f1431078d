"""The listing template for non-technical editors, as CSV or XLSX (docs/hsds.md)."""

import csv
import io

from .readers import TEMPLATE_COLUMNS

EXAMPLE_ROW = {
    "id": "",
    "name": "Fictitious Example Association (delete this row)",
    "alternate_name": "Asociația Exemplu",
    "country": "RO",
    "description": "Shelter and legal advice for adults.",
    "email": "contact@example.org",
    "website": "https://example.org",
    "phone": "+40 21 312 34 56",
    "address": "Strada Exemplu 1",
    "postal_code": "010011",
    "city": "București",
    "services": "Shelter; Legal advice",
}


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([EXAMPLE_ROW[c] for c in TEMPLATE_COLUMNS])
    # With a byte-order mark, spreadsheets open the file as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "listings"
    sheet.append(TEMPLATE_COLUMNS)
    sheet.append([EXAMPLE_ROW[c] for c in TEMPLATE_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
