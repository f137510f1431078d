"""HSDS 3.0 exports: tabular datapackage (zip of CSV + datapackage.json), HSDS JSON,
and a plain CSV or XLSX of a search.

Every export goes through `hsds.HSDSSerializer`, so the visibility rules of the
HSDS API apply: whoever calls decides for which viewer. Organisations are read
in chunks and written as they come, so memory does not grow with the
directory's size (the CSV tables are spooled to temporary files, then zipped).
"""

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.directory.models import Assurance, Organization, Taxonomy, TaxonomyTerm
from relais.directory.search import SearchQuery, search

from . import hsds

DATAPACKAGE_FILE = Path(__file__).parent / "data" / "hsds" / "datapackage.json"
CHUNK = 200


@cache
def official_datapackage() -> dict[str, Any]:
    """The official HSDS 3.0 tabular datapackage descriptor."""
    return json.loads(DATAPACKAGE_FILE.read_text(encoding="utf-8"))


def table_columns() -> dict[str, list[str]]:
    """Resource name → its CSV columns, in the official order."""
    return {
        resource["name"]: [f["name"] for f in resource["schema"]["fields"]]
        for resource in official_datapackage()["resources"]
    }


def organizations_chunked(
    queryset: QuerySet[Organization], serializer: hsds.HSDSSerializer
) -> Iterator[dict[str, Any]]:
    """Fully nested HSDS organisations (with full services), chunk by chunk."""
    full = serializer.full_organizations(queryset.order_by("name", "id"))
    batch: list[Organization] = []

    def flush() -> Iterator[dict[str, Any]]:
        ids: list[Any] = []
        for organization in batch:
            ids.extend(serializer.ids_of_organization(organization))
        serializer.load(ids)
        for organization in batch:
            yield serializer.organization(organization, full_service=True)

    for organization in full.iterator(chunk_size=CHUNK):
        batch.append(organization)
        if len(batch) == CHUNK:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def searched_organizations(query: SearchQuery) -> QuerySet[Organization]:
    """Every organisation a directory search finds (all pages), for an export."""
    first = search(SearchQuery(**{**query.__dict__, "page": 1, "per_page": 1}))
    if first.total == 0:
        return Organization.objects.none()
    everything = search(
        SearchQuery(**{**query.__dict__, "page": 1, "per_page": first.total})
    )
    return Organization.objects.filter(
        pk__in=[h.organization.pk for h in everything.hits]
    )


EXPORT_FORMATS = {
    # kind: (file extension, content type, binary)
    "datapackage": ("zip", "application/zip", True),
    "json": ("json", "application/json", False),
    "csv": ("csv", "text/csv; charset=utf-8", False),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
}


def export_to(
    out: IO[Any],
    kind: str,
    queryset: QuerySet[Organization],
    serializer: hsds.HSDSSerializer,
) -> int:
    """Write one export of `kind` (see EXPORT_FORMATS) to `out`."""
    if kind == "datapackage":
        return write_datapackage(out, queryset, serializer)
    if kind == "json":
        return write_hsds_json(out, queryset, serializer)
    if kind == "csv":
        return write_search_csv(out, queryset, serializer)
    if kind == "xlsx":
        return write_search_xlsx(out, queryset, serializer)
    raise ValueError(kind)


# HSDS JSON -----------------------------------------------


def write_hsds_json(
    out: IO[str],
    queryset: QuerySet[Organization],
    serializer: hsds.HSDSSerializer,
) -> int:
    """A JSON array of fully nested HSDS organisations; returns how many."""
    count = 0
    out.write("[")
    for record in organizations_chunked(queryset, serializer):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
        count += 1
    out.write("\n]\n")
    return count


# Tabular datapackage -----------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Tables:
    """One spooled CSV per official table, written row by row."""

    def __init__(self) -> None:
        self.columns = table_columns()
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        for name, columns in self.columns.items():
            spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in close())
                max_size=4 * 1024 * 1024, mode="w+", encoding="utf-8", newline=""
            )
            writer = csv.writer(spool, lineterminator="\r\n")
            writer.writerow(columns)
            self.files[name] = spool  # type: ignore[assignment]
            self.writers[name] = writer

    def add(self, table: str, record: dict[str, Any], **extra: Any) -> None:
        row = {**record, **extra}
        self.writers[table].writerow(
            [_cell(row.get(column)) for column in self.columns[table]]
        )

    def close(self) -> None:
        for spool in self.files.values():
            spool.close()


def _add_entity(tables: _Tables, table: str, record: dict[str, Any]) -> None:
    tables.add(table, record)
    for attribute in record.get("attributes", []):
        tables.add("attribute", attribute)
    for change in record.get("metadata", []):
        tables.add("metadata", change)


def _add_phone(tables: _Tables, phone: dict[str, Any]) -> None:
    _add_entity(tables, "phone", phone)
    for language in phone.get("languages", []):
        tables.add("language", language)


def _add_organization(tables: _Tables, organization: dict[str, Any]) -> None:
    """Flatten one nested organisation; each record is written exactly once."""
    _add_entity(tables, "organization", organization)
    for contact in organization["contacts"]:
        _add_entity(tables, "contact", contact)
        for phone in contact["phones"]:
            _add_phone(tables, phone)
    for phone in organization["phones"]:
        _add_phone(tables, phone)
    for location in organization["locations"]:
        _add_entity(tables, "location", location)
        for address in location["addresses"]:
            tables.add("address", address)
        for language in location["languages"]:
            tables.add("language", language)
        for schedule in location["schedules"]:
            tables.add("schedule", schedule)
        # Its contacts and phones are already among the organisation's.
    for service in organization["services"]:
        _add_entity(tables, "service", service)
        for phone in service["phones"]:
            _add_phone(tables, phone)
        for area in service["service_areas"]:
            tables.add("service_area", area)
        for language in service["languages"]:
            tables.add("language", language)
        for schedule in service["schedules"]:
            tables.add("schedule", schedule)
        for sal in service["service_at_locations"]:
            _add_entity(tables, "service_at_location", sal)
            for schedule in sal["schedules"]:
                tables.add("schedule", schedule)
        # Its contacts are already among the organisation's.


def _vocabularies(tables: _Tables, serializer: hsds.HSDSSerializer) -> None:
    taxonomies = list(Taxonomy.objects.order_by("slug"))
    serializer.load([t.pk for t in taxonomies])
    for taxonomy in taxonomies:
        _add_entity(tables, "taxonomy", serializer.taxonomy(taxonomy))
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by(
        "taxonomy__slug", "position", "code", "id"
    )
    for term in terms.iterator(chunk_size=1000):
        tables.add("taxonomy_term", serializer.taxonomy_term(term, detail=False))


def datapackage_descriptor() -> dict[str, Any]:
    """The descriptor of an export: the official one, naming this directory."""
    official = official_datapackage()
    return {
        "name": "relais_directory",
        "title": "Relais directory (Open Referral HSDS 3.0)",
        "description": official["description"],
        "profile": official["profile"],
        "version": official["version"],
        "homepage": official["homepage"],
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": official["resources"],
    }


def write_datapackage(
    out: IO[bytes],
    queryset: QuerySet[Organization],
    serializer: hsds.HSDSSerializer,
) -> int:
    """A zip of one CSV per HSDS table and datapackage.json; returns the count."""
    tables = _Tables()
    count = 0
    try:
        for organization in organizations_chunked(queryset, serializer):
            _add_organization(tables, organization)
            count += 1
        _vocabularies(tables, serializer)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "datapackage.json",
                json.dumps(datapackage_descriptor(), ensure_ascii=False, indent=2),
            )
            paths = {r["name"]: r["path"] for r in official_datapackage()["resources"]}
            for name, spool in tables.files.items():
                spool.seek(0)
                with archive.open(paths[name], "w") as member:
                    text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                    while chunk := spool.read(1024 * 1024):
                        text.write(chunk)
                    text.flush()
                    text.detach()
    finally:
        tables.close()
    return count


# CSV and XLSX of a search -----------------------------------------------

SEARCH_COLUMNS = {
    # column: its header in the XLSX (the CSV keeps these stable names)
    "id": _("Identifier"),
    "name": _("Name"),
    "alternate_name": _("Other name"),
    "country": _("Country"),
    "cities": _("Cities"),
    "website": _("Website"),
    "email": _("E-mail"),
    "phones": _("Phone numbers"),
    "services": _("Services"),
    "assured_date": _("Verified on"),
    "description": _("Description"),
}
SEARCH_CSV_COLUMNS = list(SEARCH_COLUMNS)

# A spreadsheet runs a cell that starts with one of these as a formula (CWE-1236).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Phone numbers and dates start with "+" or "-" but cannot call anything.
_HARMLESS = re.compile(r"[0-9\s+\-().;/]*")


def spreadsheet_safe(value: str) -> str:
    """`value`, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if value.startswith(_FORMULA_STARTS) and not _HARMLESS.fullmatch(value):
        return "'" + value
    return value


def _search_rows(
    queryset: QuerySet[Organization], serializer: hsds.HSDSSerializer
) -> Iterator[list[str]]:
    """One row of SEARCH_COLUMNS per listing, safe to open in a spreadsheet."""
    for organization, record in _with_records(queryset, serializer):
        cities = sorted(
            {
                address["city"]
                for location in record["locations"]
                for address in location["addresses"]
                if address["city"]
            }
        )
        phones = [p["number"] for p in record["phones"]]
        phones += [p["number"] for s in record["services"] for p in s["phones"]]
        # "Verified on" is left empty until a person has confirmed the listing.
        assured = (
            organization.assured_date
            if organization.assurance == Assurance.CONFIRMED
            else None
        )
        row = [
            record["id"],
            record["name"],
            record.get("alternate_name") or "",
            str(organization.country or ""),
            "; ".join(cities),
            record.get("website") or "",
            record.get("email") or "",
            "; ".join(dict.fromkeys(phones)),
            "; ".join(s["name"] for s in record["services"]),
            assured.isoformat() if assured else "",
            record["description"] or "",
        ]
        yield [spreadsheet_safe(str(value)) for value in row]


def write_search_csv(
    out: IO[str],
    queryset: QuerySet[Organization],
    serializer: hsds.HSDSSerializer,
) -> int:
    """One row per listing, for spreadsheets; returns the count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SEARCH_CSV_COLUMNS)
    count = 0
    for row in _search_rows(queryset, serializer):
        writer.writerow(row)
        count += 1
    return count


# Column widths (in characters) for SEARCH_COLUMNS, so the sheet reads at once.
XLSX_WIDTHS = (38, 40, 24, 8, 24, 32, 30, 30, 40, 12, 80)


def write_search_xlsx(
    out: IO[bytes],
    queryset: QuerySet[Organization],
    serializer: hsds.HSDSSerializer,
) -> int:
    """The CSV's rows as an Excel workbook, headers in the active language.

    openpyxl's write-only mode keeps one row in memory at a time. It is
    imported here: loaded with the rest, it would add about 14 MB to every
    web worker for a download few requests ask for.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Listings")[:31])
    for letter, width in zip("ABCDEFGHIJK", XLSX_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for label in SEARCH_COLUMNS.values():
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _search_rows(queryset, serializer):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
        count += 1
    workbook.save(out)
    return count


def _with_records(
    queryset: QuerySet[Organization], serializer: hsds.HSDSSerializer
) -> Iterable[tuple[Organization, dict[str, Any]]]:
    ordered = queryset.order_by("name", "id")
    full = serializer.full_organizations(ordered)
    for organization in full.iterator(chunk_size=CHUNK):
        yield organization, serializer.organization(organization, full_service=True)


# Audit -----------------------------------------------


def search_summary(query: SearchQuery) -> dict[str, Any]:
    """The filters of a search, for the audit trail.

    The words typed and the coordinates searched near are left out: either
    may name or locate a person.
    """
    summary: dict[str, Any] = {
        name: list(values)
        for name in (
            "country",
            "city",
            "type",
            "service",
            "exploitation",
            "group",
            "language",
            "verification",
        )
        if (values := getattr(query, name))
    }
    for name in ("legal_aid", "referrals"):
        if getattr(query, name) is not None:
            summary[name] = getattr(query, name)
    if query.q:
        summary["words"] = True
    if query.near:
        summary["near"] = True
    return summary
