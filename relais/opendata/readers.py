"""Readers: turn an HSDS JSON file, an HSDS tabular datapackage or the listing
template (CSV or XLSX) into batches of flat HSDS table rows.

Every reader streams: JSON through ijson, CSV row by row, XLSX through
openpyxl's read-only mode. A row is a dict of HSDS column → value with
`_where` = (file, row) for the findings, and `_owner` = the organisation it is
nested in, when it is. Batches come in TABLE_ORDER, so that what a row refers
to is written before it.
"""

import codecs
import csv
import io
import json
import pickle
import re
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import ijson
from django.conf import settings
from django.utils.translation import gettext as _

from .findings import Findings

BATCH = 1000

# Parents before children; the tables Relais keeps.
TABLE_ORDER = [
    "taxonomy",
    "taxonomy_term",
    "organization",
    "service",
    "location",
    # Before addresses: a tabular location may reach its organisation only
    # through the service delivered there.
    "service_at_location",
    "address",
    "contact",
    "phone",
    "language",
    "schedule",
    "service_area",
    "attribute",
    "metadata",
]
# Official HSDS tables Relais has no place for: read past, named in a warning.
NOT_KEPT = {
    "accessibility",
    "cost_option",
    "funding",
    "meta_table_description",
    "organization_identifier",
    "program",
    "required_document",
    "url",
}

Row = dict[str, Any]
Batch = tuple[str, list[Row]]

# The listing template: one row per listing (docs/hsds.md).
TEMPLATE_COLUMNS = [
    "id",
    "name",
    "alternate_name",
    "country",
    "description",
    "email",
    "website",
    "phone",
    "address",
    "postal_code",
    "city",
    "services",
]
TEMPLATE_REQUIRED = ["name", "country"]
TEMPLATE_NAMESPACE = uuid.UUID("0d3b2c4e-6f1a-4b8e-9a57-3c2e1f0a9b71")


class SourceRejected(Exception):
    """The file as a whole cannot be read; the findings say why."""


@dataclass
class Limits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_depth: int = 64
    max_descriptor_bytes: int = 1_000_000

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.RELAIS_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=settings.RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.RELAIS_IMPORT_MAX_COMPRESSION_RATIO,
            max_depth=settings.RELAIS_IMPORT_MAX_JSON_DEPTH,
        )


def file_format(path: Path) -> str:
    if path.is_dir():
        return "datapackage"
    suffix = path.suffix.lower()
    return {
        ".zip": "datapackage",
        ".json": "hsds-json",
        ".ndjson": "hsds-ndjson",
        ".jsonl": "hsds-ndjson",
        ".csv": "template-csv",
        ".xlsx": "template-xlsx",
    }.get(suffix, "")


def read(path: Path, name: str, findings: Findings, limits: Limits) -> Iterator[Batch]:
    """Batches of rows from the file (or folder) at `path`, shown as `name`."""
    try:
        yield from _clean_text(_read(path, name, findings, limits), findings)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        # A member whose CRC or compressed stream is damaged fails only when
        # it is read, well after the archive's directory was checked.
        findings.error(
            (name, None),
            "",
            _("The zip archive is damaged: %(problem)s") % {"problem": str(exc)},
        )
        raise SourceRejected from None


def _read(path: Path, name: str, findings: Findings, limits: Limits) -> Iterator[Batch]:
    kind = file_format(path)
    if not path.is_dir() and path.stat().st_size > limits.max_bytes:
        findings.error(
            (name, None),
            "",
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(path.stat().st_size / 1e6, 1),
                "limit": round(limits.max_bytes / 1e6, 1),
            },
        )
        raise SourceRejected
    if kind == "datapackage":
        if path.is_dir():
            yield from _datapackage(_FolderFiles(path), name, findings, limits)
        else:
            with _open_zip(path, name, findings, limits) as archive:
                yield from _datapackage(_ZipFiles(archive), name, findings, limits)
    elif kind in ("hsds-json", "hsds-ndjson"):
        ndjson = kind == "hsds-ndjson"
        with path.open("rb") as stream:
            _check_nesting(stream, name, findings, limits, ndjson=ndjson)
            stream.seek(0)
            yield from _hsds_json(stream, name, findings, ndjson=ndjson)
    elif kind == "template-csv":
        with path.open("rb") as stream:
            rows = _csv_rows(stream, name, findings)
            yield from _template(rows, name, findings)
    elif kind == "template-xlsx":
        # An XLSX file is a zip: the same path and zip-bomb checks as a
        # datapackage, before openpyxl opens it.
        _open_zip(path, name, findings, limits).close()
        yield from _template(_xlsx_rows(path, name, findings), name, findings)
    else:
        findings.error(
            (name, None),
            "",
            _(
                "Unknown kind of file: import a .json, .ndjson, .zip, .csv or "
                ".xlsx file, or a folder."
            ),
        )
        raise SourceRejected


# Limits checked before a record is built ---------------------------------------

_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})


def _check_nesting(
    stream: IO[bytes], name: str, findings: Findings, limits: Limits, *, ndjson: bool
) -> None:
    """Refuse JSON nested deeper than the limit, before any record is built.

    Building a record of nested lists costs memory that grows with the square
    of its depth (a 200 kB file of `[` took 22 GB): this pass only counts
    brackets, in constant memory per level. Malformed JSON is left for the
    reader to report where it is.
    """
    depth = 0
    try:
        for event, _value in ijson.basic_parse(
            stream, use_float=True, multiple_values=ndjson
        ):
            if event in _OPEN:
                depth += 1
                if depth > limits.max_depth:
                    _refuse_nesting(name, findings, limits)
            elif event in _CLOSE:
                depth -= 1
    except ijson.JSONError:
        return


def _refuse_nesting(name: str, findings: Findings, limits: Limits) -> None:
    findings.error((name, None), "", _nesting_message(limits))
    raise SourceRejected


def _nesting_message(limits: Limits) -> str:
    message = _("The JSON is nested more than %(limit)d levels deep; nothing was read.")
    return message % {"limit": limits.max_depth}


# NUL and the other control characters: invisible, they pass a reviewer's eye
# and break exports, terminals and other systems fed from the directory. Free
# text keeps its tabs and line breaks.
_CONTROL_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_FREE_TEXT = {"attention", "eligibility_description", "fees_description"}


def _is_free_text(column: str) -> bool:
    return column == "description" or column in _FREE_TEXT


def _is_identifier(column: str) -> bool:
    return column == "id" or column.endswith("_id")


def _clean_text(batches: Iterator[Batch], findings: Findings) -> Iterator[Batch]:
    """Rows without control characters.

    An identifier holding one is refused (stripping it could make it name
    another record); other text loses them, with a warning. In one-line
    text a tab or line break becomes a space.
    """
    for table, rows in batches:
        for row in rows:
            for column, value in row.items():
                if not isinstance(value, str) or column.startswith("_"):
                    continue
                free = _is_free_text(column)
                pattern = _CONTROL_IN_FREE_TEXT if free else _CONTROL
                if pattern.search(value) is None:
                    continue
                where = row.get("_where") or (table, None)
                if _is_identifier(column):
                    findings.error(
                        where,
                        column,
                        _("This identifier holds a control character (such as NUL)."),
                    )
                    continue
                row[column] = pattern.sub(_without_control, value)
                findings.warning(
                    where,
                    column,
                    _("Control characters (such as NUL) were removed from this text."),
                )
        yield table, rows


def _without_control(match: re.Match[str]) -> str:
    return " " if match.group() in "\t\n\r" else ""


# Zip archives -----------------------------------------------------------------


def _open_zip(
    path: Path, name: str, findings: Findings, limits: Limits
) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        findings.error((name, None), "", _("The file is not a readable zip archive."))
        raise SourceRejected from None
    total = 0
    for info in archive.infolist():
        member = info.filename
        parts = PurePosixPath(member.replace("\\", "/")).parts
        if member.startswith(("/", "\\")) or ".." in parts or ":" in member:
            findings.error(
                (name, member),
                "",
                _("A name inside the zip leaves its folder; nothing was read."),
            )
            raise SourceRejected
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio and info.file_size > 1_000_000:
            findings.error(
                (name, member),
                "",
                _(
                    "This file is compressed %(ratio)d times (more than %(limit)d): "
                    "it looks like a zip bomb; nothing was read."
                )
                % {"ratio": ratio, "limit": limits.max_ratio},
            )
            raise SourceRejected
    if total > limits.max_uncompressed_bytes:
        findings.error(
            (name, None),
            "",
            _(
                "The zip unpacks to %(size)s MB, more than the limit of %(limit)s MB; "
                "nothing was read."
            )
            % {
                "size": round(total / 1e6, 1),
                "limit": round(limits.max_uncompressed_bytes / 1e6, 1),
            },
        )
        raise SourceRejected
    return archive


class _FolderFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def names(self) -> list[str]:
        return sorted(
            p.relative_to(self.folder).as_posix()
            for p in self.folder.rglob("*")
            if p.is_file()
        )

    def open(self, member: str) -> IO[bytes]:
        return (self.folder / member).open("rb")


class _ZipFiles:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def names(self) -> list[str]:
        return [i.filename for i in self.archive.infolist() if not i.is_dir()]

    def open(self, member: str) -> IO[bytes]:
        return self.archive.open(member)


# Tabular datapackage -------------------------------------------------------------


def _official_paths() -> dict[str, str]:
    from relais.opendata.exports import official_datapackage

    return {r["path"]: r["name"] for r in official_datapackage()["resources"]}


def _datapackage(
    files: _FolderFiles | _ZipFiles, name: str, findings: Findings, limits: Limits
) -> Iterator[Batch]:
    members = files.names()
    by_base = {PurePosixPath(m).name: m for m in members}
    tables = dict(_official_paths())  # file name → table
    descriptor = by_base.get("datapackage.json")
    if descriptor is not None:
        where = f"{name}/{descriptor}" if name != descriptor else descriptor
        with files.open(descriptor) as stream:
            head = stream.read(limits.max_descriptor_bytes + 1)
        if len(head) > limits.max_descriptor_bytes:
            findings.error(
                (where, None),
                "",
                _("The file is larger than %(limit)s MB; nothing was read.")
                % {"limit": round(limits.max_descriptor_bytes / 1e6, 1)},
            )
            raise SourceRejected
        _check_nesting(io.BytesIO(head), where, findings, limits, ndjson=False)
        try:
            data = json.loads(head)
            for resource in data.get("resources", []):
                tables[PurePosixPath(resource["path"]).name] = resource["name"]
        except (ValueError, KeyError, TypeError, AttributeError):
            findings.warning(
                (name, descriptor),
                "",
                _(
                    "datapackage.json could not be read; the tables were found by "
                    "their official HSDS file names."
                ),
            )
    found: dict[str, str] = {}
    for base, member in by_base.items():
        if base == "datapackage.json" or not base.endswith(".csv"):
            continue
        table = tables.get(base)
        if table in TABLE_ORDER:
            found[table] = member
        elif table in NOT_KEPT:
            with files.open(member) as stream:
                if len(stream.read(1 << 16).splitlines()) < 2:
                    continue  # only the header: nothing is lost
            findings.warning(
                (f"{name}/{member}", None),
                "",
                _("Relais does not keep this HSDS table; it was not imported."),
            )
        else:
            findings.error(
                (f"{name}/{member}", None),
                "",
                _("This file is not an HSDS table."),
            )
    if "organization" not in found:
        findings.error(
            (name, None),
            "",
            _("The data package has no organizations.csv."),
        )
    for table in TABLE_ORDER:
        if table not in found:
            continue
        member = found[table]
        where = f"{name}/{member}" if name != member else member
        with files.open(member) as stream:
            batch: list[Row] = []
            for row in _csv_rows(stream, where, findings):
                batch.append(row)
                if len(batch) >= BATCH:
                    yield table, batch
                    batch = []
            if batch:
                yield table, batch


# CSV ---------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_rows(stream: IO[bytes], name: str, findings: Findings) -> Iterator[Row]:
    """Rows of a CSV file as dicts; UTF-8 (with or without BOM) or Latin-1, , or ;."""
    buffered = io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type,type-var]
    head = buffered.peek(1 << 16)[: 1 << 16]
    encoding = _encoding(head)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    try:
        first = text.readline()
        if not first.strip():
            findings.error((name, 1), "", _("The file is empty."))
            return
        delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        columns = [c.strip() for c in header]
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                findings.error(
                    (name, line),
                    "",
                    _("This row has %(found)d cells; the header has %(expected)d.")
                    % {"found": len(values), "expected": len(columns)},
                )
                continue
            row: Row = dict(zip(columns, values, strict=True))
            row["_where"] = (name, line)
            yield row
    except UnicodeDecodeError:
        findings.error(
            (name, None), "", _("The file mixes text encodings; save it as UTF-8.")
        )
    except csv.Error as exc:
        findings.error(
            (name, getattr(text, "_line", None)),
            "",
            _("The CSV file is malformed: %(problem)s") % {"problem": str(exc)},
        )


# HSDS JSON ----------------------------------------------------------------------------


def _hsds_json(
    stream: IO[bytes], name: str, findings: Findings, *, ndjson: bool
) -> Iterator[Batch]:
    """The rows of an HSDS JSON file, table by table in TABLE_ORDER.

    A file of more than one batch is flattened first into a spool on disk, one
    per table, and then read back in TABLE_ORDER: a record may come before the
    organisation it belongs to, anywhere in the file, and memory does not grow
    with the file.
    """
    records = _json_records(stream, name, findings, ndjson=ndjson)
    tables: dict[str, list[Row]] = {}
    size = 0
    with _TableSpool() as spool:
        try:
            for index, record in records:
                size += _flatten_record(record, (name, index), tables, findings)
                if size >= BATCH:
                    spool.add(tables)
                    tables, size = {}, 0
        except ijson.JSONError as exc:
            findings.error(
                (name, None),
                "",
                _("The JSON is malformed: %(problem)s") % {"problem": str(exc)},
            )
            return
        if not spool.used:
            yield from _in_order(tables)
            return
        spool.add(tables)
        yield from spool.batches()


class _TableSpool:
    """Rows kept on disk per table (private temporary files, deleted on close)."""

    def __init__(self) -> None:
        self.files: dict[str, IO[bytes]] = {}
        self.stack = ExitStack()

    def __enter__(self) -> "_TableSpool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    @property
    def used(self) -> bool:
        return bool(self.files)

    def add(self, tables: dict[str, list[Row]]) -> None:
        for table, rows in tables.items():
            if rows:
                if table not in self.files:
                    # Open as long as the spool; the ExitStack closes it.
                    spooled = tempfile.TemporaryFile(prefix="relais-import-")  # noqa: SIM115
                    self.files[table] = self.stack.enter_context(spooled)
                pickle.dump(rows, self.files[table], pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[Batch]:
        for table in TABLE_ORDER:
            file = self.files.get(table)
            if file is None:
                continue
            file.seek(0)
            batch: list[Row] = []
            while True:
                try:
                    # Only what add() wrote above, in this process: no foreign pickles.
                    batch.extend(pickle.load(file))  # noqa: S301
                except EOFError:
                    break
                if len(batch) >= BATCH:
                    yield table, batch
                    batch = []
            if batch:
                yield table, batch
            file.truncate(0)  # read: its disk space back at once


def _in_order(tables: dict[str, list[Row]]) -> Iterator[Batch]:
    for table in TABLE_ORDER:
        if tables.get(table):
            yield table, tables[table]


def _json_records(
    stream: IO[bytes], name: str, findings: Findings, *, ndjson: bool
) -> Iterator[tuple[str, Any]]:
    if ndjson:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield _("line %(n)d") % {"n": line_number}, json.loads(line)
            except RecursionError:
                # A malformed line stops the pass of _check_nesting early.
                findings.error(
                    (name, _("line %(n)d") % {"n": line_number}),
                    "",
                    _nesting_message(Limits.from_settings()),
                )
            except ValueError as exc:
                findings.error(
                    (name, _("line %(n)d") % {"n": line_number}),
                    "",
                    _("The JSON is malformed: %(problem)s") % {"problem": str(exc)},
                )
        return
    buffered = io.BufferedReader(stream)  # type: ignore[arg-type,type-var]
    first = buffered.peek(64).lstrip()[:1]
    if first == b"[":
        for index, record in enumerate(
            ijson.items(buffered, "item", use_float=True), start=1
        ):
            yield _("record %(n)d") % {"n": index}, record
        return
    if first != b"{":
        findings.error(
            (name, None), "", _("The JSON must hold a record or a list of records.")
        )
        return
    (document,) = ijson.items(buffered, "", use_float=True)
    if isinstance(document.get("contents"), list):
        # A page of the HSDS API (`Page` envelope).
        for index, record in enumerate(document["contents"], start=1):
            yield _("record %(n)d") % {"n": index}, record
    elif document and all(str(key).endswith(".csv") for key in document):
        # Tables keyed by their CSV file name (HSDS examples/tabular.json).
        paths = _official_paths()
        for path, rows in document.items():
            table = paths.get(path)
            for index, row in enumerate(rows or [], start=2):
                yield f"{path} {index}", {"_table": table, **row}
    else:
        yield _("record %(n)d") % {"n": 1}, document


def _record_table(record: Row) -> str | None:
    if "_table" in record:
        return record["_table"]
    if "service" in record and "location" in record:
        return "service_at_location"
    if "location_type" in record:
        return "location"
    if "status" in record or "organization" in record:
        return "service"
    if {"code", "taxonomy", "taxonomy_id", "term_uri"} & record.keys():
        return "taxonomy_term"
    if (
        "id" in record
        and "name" in record
        and record.keys()
        <= {
            "id",
            "name",
            "description",
            "uri",
            "version",
            "metadata",
        }
    ):
        return "taxonomy" if "version" in record or "uri" in record else "organization"
    if "id" in record and "name" in record:
        return "organization"
    return None


def _flatten_record(
    record: Any,
    where: tuple[str, Any],
    tables: dict[str, list[Row]],
    findings: Findings,
) -> int:
    """Add the rows of one (nested) HSDS record to `tables`; returns how many."""
    if not isinstance(record, dict):
        findings.error(where, "", _("This is not an HSDS record."))
        return 0
    table = _record_table(record)
    if table is None:
        findings.warning(
            where, "", _("This holds no directory record; it was skipped.")
        )
        return 0
    if table in NOT_KEPT:
        findings.warning(
            where, "", _("Relais does not keep this HSDS table; it was not imported.")
        )
        return 0
    before = sum(len(rows) for rows in tables.values())
    _Flattener(tables, where).entity(table, record, {})
    return sum(len(rows) for rows in tables.values()) - before


class _Flattener:
    """Nested HSDS records to flat rows, each told the ids of what it is nested in."""

    def __init__(self, tables: dict[str, list[Row]], where: tuple[str, Any]) -> None:
        self.tables = tables
        self.where = where
        # A record nested twice in one document (a location's phone that is also
        # its contact's) is one row, knowing both links.
        self.rows: dict[tuple[str, Any], Row] = {}

    def add(self, table: str, record: Row, context: dict[str, Any]) -> Row:
        row = {k: v for k, v in record.items() if not isinstance(v, list | dict)}
        for key, value in context.items():
            if key == "_owner" or not row.get(key):
                row[key] = value
        row["_where"] = self.where
        row.pop("_table", None)
        seen_as = (table, row.get("id"))
        if row.get("id") and seen_as in self.rows:
            earlier = self.rows[seen_as]
            for column, value in row.items():
                if value not in (None, "") and earlier.get(column) in (None, ""):
                    earlier[column] = value
            return earlier
        self.rows[seen_as] = row
        self.tables.setdefault(table, []).append(row)
        for attribute in record.get("attributes") or []:
            if isinstance(attribute, dict):
                link = {"link_id": row.get("id")}
                self.add("attribute", attribute, link)
                term = attribute.get("taxonomy_term")
                if isinstance(term, dict) and term.get("id"):
                    self.entity("taxonomy_term", term, {})
        for change in record.get("metadata") or []:
            if isinstance(change, dict):
                self.add("metadata", change, {"resource_id": row.get("id")})
        return row

    def children(self, record: Row, key: str) -> list[Row]:
        return [c for c in record.get(key) or [] if isinstance(c, dict)]

    def entity(self, table: str, record: Row, context: dict[str, Any]) -> None:
        method = getattr(self, table, None)
        if method is not None:
            method(record, context)
        elif table in TABLE_ORDER:
            self.add(table, record, context)

    def organization(self, record: Row, context: dict[str, Any]) -> None:
        row = self.add("organization", record, {})
        org = {"organization_id": row.get("id"), "_owner": row.get("id")}
        for contact in self.children(record, "contacts"):
            self.contact(contact, org)
        for phone in self.children(record, "phones"):
            self.phone(phone, org)
        for location in self.children(record, "locations"):
            self.location(location, org)
        for service in self.children(record, "services"):
            self.service(service, org)

    def service(self, record: Row, context: dict[str, Any]) -> None:
        nested = record.get("organization")
        if isinstance(nested, dict) and nested.get("id"):
            self.organization(nested, {})
            context = {"organization_id": nested["id"], "_owner": nested["id"]}
        row = self.add("service", record, context)
        owner = row.get("organization_id") or context.get("_owner")
        inside = {"service_id": row.get("id"), "_owner": owner}
        for phone in self.children(record, "phones"):
            self.phone(phone, inside)
        for contact in self.children(record, "contacts"):
            self.contact(contact, inside)
        for area in self.children(record, "service_areas"):
            self.add("service_area", area, inside)
        for language in self.children(record, "languages"):
            self.add("language", language, inside)
        for schedule in self.children(record, "schedules"):
            self.add("schedule", schedule, {"service_id": row.get("id")})
        for sal in self.children(record, "service_at_locations"):
            self.service_at_location(sal, inside)

    def service_at_location(self, record: Row, context: dict[str, Any]) -> None:
        service = record.get("service")
        if isinstance(service, dict) and service.get("id"):
            self.service(service, {})
            nested = service.get("organization")
            owner = service.get("organization_id") or (
                nested.get("id") if isinstance(nested, dict) else None
            )
            context = {"service_id": service["id"], "_owner": owner}
        location = record.get("location")
        location_id = record.get("location_id")
        if isinstance(location, dict) and location.get("id"):
            self.location(location, {"_owner": context.get("_owner")})
            location_id = location["id"]
        row = self.add(
            "service_at_location",
            {**record, "location_id": location_id},
            {k: v for k, v in context.items() if k == "service_id" or k == "_owner"},
        )
        for schedule in self.children(record, "schedules"):
            self.add("schedule", schedule, {"service_at_location_id": row.get("id")})
        inside = {
            "_owner": context.get("_owner"),
            "service_id": context.get("service_id"),
        }
        for phone in self.children(record, "phones"):
            self.phone(phone, inside)
        for contact in self.children(record, "contacts"):
            self.contact(contact, inside)

    def location(self, record: Row, context: dict[str, Any]) -> None:
        row = self.add("location", record, context)
        inside = {"location_id": row.get("id"), "_owner": context.get("_owner")}
        for address in self.children(record, "addresses"):
            self.add("address", address, {"location_id": row.get("id")})
        for language in self.children(record, "languages"):
            self.add("language", language, {"location_id": row.get("id")})
        for schedule in self.children(record, "schedules"):
            self.add("schedule", schedule, {"location_id": row.get("id")})
        for phone in self.children(record, "phones"):
            self.phone(phone, inside)
        for contact in self.children(record, "contacts"):
            self.contact(contact, inside)

    def contact(self, record: Row, context: dict[str, Any]) -> None:
        row = self.add("contact", record, context)
        inside = {"contact_id": row.get("id"), "_owner": context.get("_owner")}
        for phone in self.children(record, "phones"):
            self.phone(phone, inside)

    def phone(self, record: Row, context: dict[str, Any]) -> None:
        row = self.add("phone", record, context)
        for language in self.children(record, "languages"):
            self.add("language", language, {"phone_id": row.get("id")})

    def taxonomy_term(self, record: Row, context: dict[str, Any]) -> None:
        detail = record.get("taxonomy_detail")
        if isinstance(detail, dict) and detail.get("id"):
            self.add("taxonomy", detail, {})
        self.add("taxonomy_term", record, context)


# The listing template ---------------------------------------------------------------


def _xlsx_rows(path: Path, name: str, findings: Findings) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        findings.error((name, None), "", _("The file is not a readable XLSX workbook."))
        return
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            findings.error((name, 1), "", _("The file is empty."))
            return
        columns = ["" if c is None else str(c).strip() for c in header]
        for line, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            cells += [""] * (len(columns) - len(cells))
            row: Row = dict(zip(columns, cells[: len(columns)], strict=True))
            row["_where"] = (name, line)
            yield row
    finally:
        workbook.close()


def _template(rows: Iterable[Row], name: str, findings: Findings) -> Iterator[Batch]:
    tables: dict[str, list[Row]] = {}
    size = 0
    checked = False
    for raw in rows:
        if not checked:
            checked = True
            columns = {k.lower() for k in raw if k != "_where"}
            unknown = sorted(columns - set(TEMPLATE_COLUMNS))
            missing = [c for c in TEMPLATE_REQUIRED if c not in columns]
            for column in unknown:
                findings.error(
                    (name, 1),
                    column,
                    _("Unknown column. The template's columns are: %(columns)s.")
                    % {"columns": ", ".join(TEMPLATE_COLUMNS)},
                )
            for column in missing:
                findings.error((name, 1), column, _("This column is required."))
            if unknown or missing:
                return
        row = {k.lower(): v for k, v in raw.items() if k != "_where"}
        row["_where"] = raw["_where"]
        for table, flat in template_rows(row):
            tables.setdefault(table, []).append(flat)
            size += 1
        if size >= BATCH:
            yield from _in_order(tables)
            tables, size = {}, 0
    yield from _in_order(tables)


def template_rows(row: Row) -> list[tuple[str, Row]]:
    """The HSDS rows of one template row (one listing).

    Ids of the organisation's location, address, phone and services derive
    from the organisation's id, so that importing the template again updates
    the same records.
    """
    where = row["_where"]
    org_id = (row.get("id") or "").strip() or None
    out: list[tuple[str, Row]] = [
        (
            "organization",
            {
                "id": org_id,
                "_natural_key": not org_id,
                "name": row.get("name", "").strip(),
                "alternate_name": row.get("alternate_name", "").strip(),
                "country": row.get("country", "").strip(),
                "description": row.get("description", ""),
                "email": row.get("email", "").strip(),
                "website": row.get("website", "").strip(),
                "_where": where,
                "_template": True,
            },
        )
    ]
    derived = {"_derive_from": out[0][1], "_where": where}
    if (row.get("city") or "").strip():
        out.append(("location", {**derived, "_key": "location", "name": row["city"]}))
        out.append(
            (
                "address",
                {
                    **derived,
                    "_key": "address",
                    "_location_key": "location",
                    "address_1": (row.get("address") or "").strip(),
                    "postal_code": (row.get("postal_code") or "").strip(),
                    "city": row["city"].strip(),
                    "country": (row.get("country") or "").strip(),
                },
            )
        )
    if (row.get("phone") or "").strip():
        out.append(
            (
                "phone",
                {
                    **derived,
                    "_key": "phone",
                    "number": row["phone"].strip(),
                    "_region": (row.get("country") or "").strip().upper(),
                },
            )
        )
    for service in (row.get("services") or "").split(";"):
        if service.strip():
            out.append(
                (
                    "service",
                    {
                        **derived,
                        "_key": "service:" + service.strip().lower(),
                        "name": service.strip(),
                    },
                )
            )
    return out


def template_child_id(organization_id: uuid.UUID, key: str) -> uuid.UUID:
    return uuid.uuid5(TEMPLATE_NAMESPACE, f"{organization_id}/{key}")
