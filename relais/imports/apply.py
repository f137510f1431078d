"""Writing imported rows: validate, resolve references, create or update in bulk.

`Applier.apply(table, rows)` takes one batch of one HSDS table. Records are
matched by their HSDS id; a record whose fields all equal the file's is left
alone, a changed one is updated in place with one ChangeRecord per changed
field, and every created or updated record gets an ImportedRecord row (its
provenance). The caller runs everything inside one transaction and rolls it
back when the findings hold an error.
"""

import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from relais.core.languages import translated_field
from relais.directory.models import (
    Address,
    Attribute,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Visibility,
)
from relais.directory.search import index_update

from .findings import Findings
from .models import ImportedRecord, ImportRun
from .readers import TEMPLATE_NAMESPACE, Row, template_child_id

Where = tuple[str, Any]

# HSDS column → model field, per table (translated fields by their base name).
COLUMNS: dict[str, dict[str, str]] = {
    "organization": {
        "name": "name",
        "alternate_name": "alternate_name",
        "description": "description",
        "email": "email",
        "website": "website",
        "year_incorporated": "year_incorporated",
        "legal_status": "legal_status",
    },
    "service": {
        "name": "name",
        "description": "description",
        "url": "url",
        "email": "email",
        "status": "status",
        "fees_description": "fees_description",
        "eligibility_description": "eligibility_description",
    },
    "location": {
        "location_type": "location_type",
        "name": "name",
        "description": "description",
    },
    "address": {
        "attention": "attention",
        "address_1": "address_1",
        "address_2": "address_2",
        "city": "city",
        "region": "region",
        "state_province": "state_province",
        "postal_code": "postal_code",
        "address_type": "address_type",
    },
    "service_at_location": {"description": "description"},
    "contact": {
        "name": "name",
        "title": "title",
        "department": "department",
        "email": "email",
    },
    "phone": {"type": "type", "description": "description"},
    "language": {"note": "note"},
    "service_area": {"name": "name", "description": "description"},
    "attribute": {"value": "value"},
    "taxonomy": {
        "name": "name",
        "description": "description",
        "uri": "uri",
        "version": "version",
    },
    "taxonomy_term": {
        "name": "name",
        "description": "description",
        "term_uri": "term_uri",
    },
}
MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "service": Service,
    "location": Location,
    "address": Address,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "language": Language,
    "service_area": ServiceArea,
    "attribute": Attribute,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
}
TRANSLATED = {
    Organization: {"description"},
    Service: {"name", "description"},
    Taxonomy: {"name", "description"},
    TaxonomyTerm: {"name", "description"},
}
SHARED_TABLES = {"taxonomy", "taxonomy_term"}
HSDS_ENUM_DEFAULTS = {
    "status": "active",
    "location_type": "physical",
    "address_type": "physical",
    "type": "voice",
}


class RowError(Exception):
    def __init__(self, field: str, message: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = str(message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_uuid(value: Any, field: str, *, required: bool = False) -> uuid.UUID | None:
    if _blank(value):
        if required:
            raise RowError(field, _("This field is required."))
        return None
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise RowError(
            field, _("“%(value)s” is not a UUID.") % {"value": value}
        ) from None


def _text_of(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _same(a: Any, b: Any) -> bool:
    return ("" if a is None else a) == ("" if b is None else b)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _phone_e164(value: Any, region: str | None) -> str:
    text = str(value).strip().strip("\"'").strip()
    try:
        parsed = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        raise RowError(
            "number",
            _(
                "“%(value)s” is not a phone number; write it with its country code, "
                "e.g. +32 3 201 16 90."
            )
            % {"value": value},
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise RowError(
            "number", _("“%(value)s” is not a valid phone number.") % {"value": value}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _country(value: Any, field: str, *, required: bool) -> str:
    code = "" if _blank(value) else str(value).strip().upper()
    if not code:
        if required:
            raise RowError(field, _("This field is required."))
        return ""
    if code not in countries:
        raise RowError(
            field,
            _("“%(value)s” is not an ISO 3166 country code (e.g. BE, RO).")
            % {"value": value},
        )
    return code


def _timestamp(value: Any, field: str) -> datetime | None:
    if _blank(value):
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise RowError(
            field, _("“%(value)s” is not a date and time.") % {"value": value}
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


class Applier:
    """Applies batches of HSDS rows for one import run."""

    def __init__(
        self, *, run: ImportRun, findings: Findings, language: str, updated_by: str
    ) -> None:
        self.run = run
        self.findings = findings
        self.language = language
        self.updated_by = updated_by
        self.counts: dict[str, dict[str, int]] = {}
        # Ids seen per table, for duplicates across batches (about 80 bytes each).
        self.seen: dict[str, set[int]] = {}
        self.parents: list[tuple[uuid.UUID, uuid.UUID, Where]] = []
        self.term_parents: list[tuple[uuid.UUID, uuid.UUID, Where]] = []
        self.pending_locations: dict[uuid.UUID, tuple[Row, dict[str, Any]]] = {}
        self.touched: set[uuid.UUID] = set()
        self.skipped: set[int] = set()
        self.new_taxonomies: set[uuid.UUID] = set()
        self.term_positions: dict[uuid.UUID, int] = {}
        self.organization_dates: dict[uuid.UUID, dict[str, Any]] = {}

    # Counting and findings ------------------------------------------------------

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        per_table = self.counts.setdefault(
            table, {"created": 0, "updated": 0, "unchanged": 0}
        )
        per_table[outcome] = per_table.get(outcome, 0) + n

    def error(self, where: Where, field: str, message: Any) -> None:
        self.findings.error(where, field, message)

    # Entry point ---------------------------------------------------------------------

    def apply(self, table: str, rows: list[Row]) -> None:
        prepared: list[tuple[uuid.UUID, dict[str, Any], Where]] = []
        seen = self.seen.setdefault(table, set())
        batch_ids: set[uuid.UUID] = set()
        self._row_of: dict[int, Row] = {}
        for row in self._resolve_template_ids(table, rows):
            where = row["_where"]
            if table != "service_at_location" and self._inside_skipped(row):
                continue
            try:
                record_id = self._row_id(table, row)
                if table in SHARED_TABLES and record_id.int in seen:
                    # A vocabulary repeated inside several records is one record.
                    if record_id in batch_ids:
                        continue
                    seen.discard(record_id.int)
                batch_ids.add(record_id)
                if record_id.int in seen:
                    raise RowError(
                        "id",
                        _("The id %(id)s appears twice in this table.")
                        % {"id": record_id},
                    )
                seen.add(record_id.int)
                values = self._common_fields(table, row)
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                row["_failed"] = True
                continue
            prepared.append((record_id, values, where))
            self._row_of[id(values)] = row
        if table == "metadata":
            self.apply_metadata(prepared, rows)
            return
        kept = getattr(self, f"prepare_{table}")(prepared, rows)
        self.save(MODELS[table], table, kept)
        self.flush_index()

    def _inside_skipped(self, row: Row) -> bool:
        """Inside a location that has no organisation: left out with that location."""
        for column in ("location_id", "contact_id", "phone_id"):
            try:
                target = _as_uuid(row.get(column), column)
            except RowError:
                return False
            if target is not None and (
                target in self.pending_locations or target.int in self.skipped
            ):
                try:
                    own = _as_uuid(row.get("id"), "id")
                except RowError:
                    own = None
                if own is not None:
                    self.skipped.add(own.int)
                return True
        return False

    def _row_id(self, table: str, row: Row) -> uuid.UUID:
        record_id = _as_uuid(row.get("id"), "id", required=table != "attribute")
        if record_id is None:  # an attribute nested without an id of its own
            record_id = uuid.uuid5(
                TEMPLATE_NAMESPACE,
                f"attribute/{row.get('taxonomy_term_id')}/{row.get('link_id')}",
            )
        return record_id

    def _resolve_template_ids(self, table: str, rows: list[Row]) -> Iterable[Row]:
        """Template rows: the organisation by id or name + country; children derived."""
        if table == "organization":
            keyed = [r for r in rows if r.get("_natural_key")]
            if keyed:
                names = {r["name"] for r in keyed if r.get("name")}
                existing = {
                    (o.name.casefold(), str(o.country)): o.pk
                    for o in Organization.objects.filter(name__in=names).only(
                        "id", "name", "country"
                    )
                }
                for r in keyed:
                    key = (r.get("name", "").casefold(), r.get("country", "").upper())
                    r["id"] = str(
                        existing.get(key)
                        or uuid.uuid5(TEMPLATE_NAMESPACE, "/".join(key))
                    )
            return rows
        out = []
        for r in rows:
            origin = r.get("_derive_from")
            if origin is None:
                out.append(r)
                continue
            if origin.get("_failed"):
                continue
            org_id = uuid.UUID(str(origin["id"]))
            r["id"] = str(template_child_id(org_id, r["_key"]))
            r["organization_id"] = str(org_id)
            if "_location_key" in r:
                r["location_id"] = str(template_child_id(org_id, r["_location_key"]))
            out.append(r)
        return out

    def _common_fields(self, table: str, row: Row) -> dict[str, Any]:
        """The table's plain columns, cleaned by the model fields' own validation."""
        model = MODELS.get(table)
        values: dict[str, Any] = {}
        if model is None:
            return values
        translated = TRANSLATED.get(model, set())
        for column, attname in COLUMNS[table].items():
            if column not in row and table == "organization" and row.get("_template"):
                continue
            raw = _text_of(row.get(column))
            if _blank(raw) and column in HSDS_ENUM_DEFAULTS:
                raw = HSDS_ENUM_DEFAULTS[column]
            name = f"{attname}_{self.language}" if attname in translated else attname
            field: Any = model._meta.get_field(name)
            if _blank(raw):
                if not field.blank:
                    raise RowError(column, _("This field is required."))
                values[name] = None if field.null else ""
                continue
            try:
                cleaned = field.clean("" if raw is None else raw, None)
            except ValidationError as exc:
                raise RowError(column, " ".join(exc.messages)) from None
            values[name] = cleaned
        return values

    # Tables ---------------------------------------------------------------------

    def _existing(self, model: type[models.Model], ids: Iterable[Any]) -> set[Any]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return set()
        return set(
            model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        )

    def _owners(
        self, model: type[models.Model], ids: Iterable[Any]
    ) -> dict[Any, uuid.UUID]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return dict(
            model._default_manager.filter(pk__in=wanted).values_list(
                "pk", "organization_id"
            )
        )

    def _ref(self, row: Row, column: str) -> uuid.UUID | None:
        return _as_uuid(row.get(column), column)

    def _refs(
        self,
        prepared: list[tuple[uuid.UUID, dict[str, Any], Where]],
        rows: list[Row],
        columns: Iterable[str],
    ) -> list[tuple[uuid.UUID, dict[str, Any], Where, dict[str, Any]]]:
        out = []
        for record_id, values, where in prepared:
            row = self._row_of.get(id(values)) or {}
            try:
                refs = {c: self._ref(row, c) for c in columns}
                refs["_owner"] = _as_uuid(row.get("_owner"), "organization_id")
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            out.append((record_id, values, where, {**refs, "_row": row}))  # type: ignore[dict-item]
        return out

    def prepare_organization(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["parent_organization_id"])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            if row.get("_template"):
                try:
                    values["country"] = _country(
                        row.get("country"), "country", required=True
                    )
                except RowError as exc:
                    self.error(where, exc.field, exc.message)
                    row["_failed"] = True
                    continue
            if refs["parent_organization_id"]:
                self.parents.append((record_id, refs["parent_organization_id"], where))
            kept.append((record_id, values, where))
        return kept

    def prepare_service(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["organization_id"])
        known = self._existing(
            Organization, [r["organization_id"] or r["_owner"] for *_x, r in items]
        )
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            org = refs["organization_id"] or refs["_owner"]
            if org is None:
                self.error(
                    where, "organization_id", _("A service must name its organisation.")
                )
                continue
            if org not in known:
                self.error(
                    where,
                    "organization_id",
                    _(
                        "The organisation %(id)s is "
                        "neither in the file nor in the directory."
                    )
                    % {"id": org},
                )
                continue
            values["organization_id"] = org
            try:
                self._organization_dates(org, row)
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            kept.append((record_id, values, where))
        return kept

    def _organization_dates(self, org: uuid.UUID, row: Row) -> None:
        """Verification and modification dates travel on HSDS services."""
        dates: dict[str, Any] = {}
        if not _blank(row.get("assured_date")):
            field = Organization._meta.get_field("assured_date")
            try:
                dates["assured_date"] = field.clean(row["assured_date"], None)
            except ValidationError as exc:
                raise RowError("assured_date", " ".join(exc.messages)) from None
        if not _blank(row.get("assurer_email")):
            dates["assurer"] = str(row["assurer_email"]).strip()[:300]
        modified = _timestamp(row.get("last_modified"), "last_modified")
        if modified is not None:
            dates["updated_at"] = modified
        if dates:
            self.organization_dates.setdefault(org, {}).update(dates)

    def _owner_of(
        self,
        where: Where,
        refs: dict[str, Any],
        owners: dict[str, dict[Any, uuid.UUID]],
        known_orgs: set[Any],
    ) -> uuid.UUID | None:
        """A record's organisation: its own, else that of what it is attached to."""
        named = refs.get("organization_id")
        if named in known_orgs:
            return named
        candidates = [refs.get("_owner")] if refs.get("_owner") in known_orgs else []
        for column in ("service_id", "location_id", "contact_id"):
            target = refs.get(column)
            if target is not None and target in owners.get(column, {}):
                candidates.append(owners[column][target])
        if candidates:
            if named is not None:
                self.findings.warning(
                    where,
                    "organization_id",
                    _(
                        "The organisation %(id)s is neither in the file nor in the "
                        "directory; the record was attached to the organisation it is "
                        "linked to."
                    )
                    % {"id": named},
                )
            return candidates[0]
        return None

    def _attached(self, items, columns):  # type: ignore[no-untyped-def]
        models_by_column = {
            "service_id": Service,
            "location_id": Location,
            "contact_id": Contact,
        }
        owners = {
            column: self._owners(
                models_by_column[column], [r[column] for *_x, r in items]
            )
            for column in columns
        }
        known_orgs = self._existing(
            Organization,
            [r.get("organization_id") for *_x, r in items]
            + [r.get("_owner") for *_x, r in items]
            + [o for m in owners.values() for o in m.values()],
        )
        return owners, known_orgs

    def _dangling(
        self, where: Where, refs: dict[str, Any], owners, columns
    ) -> str | None:  # type: ignore[no-untyped-def]
        for column in columns:
            target = refs.get(column)
            if target is not None and target not in owners.get(column, {}):
                return column
        return None

    def _missing_message(self, column: str, target: Any) -> str:
        return _(
            "%(column)s names %(id)s, which is "
            "neither in the file nor in the directory."
        ) % {
            "column": column,
            "id": target,
        }

    def prepare_location(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["organization_id"])
        owners, known = self._attached(items, [])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            try:
                values.update(self._coordinates(row, where))
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            org = self._owner_of(where, refs, owners, known)
            if org is None:
                # Perhaps reached through the service delivered there (tabular data).
                self.pending_locations[record_id] = (refs, values)
                continue
            values["organization_id"] = org
            kept.append((record_id, values, where))
        return kept

    def _coordinates(self, row: Row, where: Where) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column, limit in (("latitude", 90), ("longitude", 180)):
            raw = row.get(column)
            if _blank(raw):
                values[column] = None
                continue
            try:
                number = Decimal(str(raw)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                raise RowError(
                    column, _("“%(value)s” is not a number.") % {"value": raw}
                ) from None
            if abs(number) > limit:
                self.findings.warning(
                    where,
                    column,
                    _("%(value)s is outside -%(limit)d…%(limit)d; it was left out.")
                    % {"value": raw, "limit": limit},
                )
                values[column] = None
            else:
                values[column] = number
        return values

    def prepare_service_at_location(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["service_id", "location_id"])
        services = self._owners(Service, [r["service_id"] for *_x, r in items])
        self._place_pending_locations(items, services)
        locations = self._existing(Location, [r["location_id"] for *_x, r in items])
        pairs = {
            (s, loc): pk
            for pk, s, loc in ServiceAtLocation.objects.filter(
                service_id__in=list(services), location_id__in=locations
            ).values_list("pk", "service_id", "location_id")
        }
        kept = []
        for record_id, values, where, refs in items:
            missing = None
            for column, known in (("service_id", services), ("location_id", locations)):
                if refs[column] is None:
                    self.error(where, column, _("This field is required."))
                    missing = column
                elif refs[column] not in known:
                    self.error(
                        where, column, self._missing_message(column, refs[column])
                    )
                    missing = column
            if missing:
                continue
            other = pairs.get((refs["service_id"], refs["location_id"]))
            if other is not None and other != record_id:
                self.error(
                    where,
                    "id",
                    _("This service is already linked to this location (as %(id)s).")
                    % {"id": other},
                )
                continue
            values["service_id"] = refs["service_id"]
            values["location_id"] = refs["location_id"]
            kept.append((record_id, values, where))
        return kept

    def _place_pending_locations(self, items, services) -> None:  # type: ignore[no-untyped-def]
        placed = []
        for _id, _values, _where, refs in items:
            location_id = refs["location_id"]
            if location_id in self.pending_locations and refs["service_id"] in services:
                loc_refs, values = self.pending_locations.pop(location_id)
                named = loc_refs.get("organization_id")
                if named is not None:
                    self.findings.warning(
                        loc_refs["_row"]["_where"],
                        "organization_id",
                        _(
                            "The organisation %(id)s is neither in the file nor in the "
                            "directory; the record was attached to the organisation it "
                            "is linked to."
                        )
                        % {"id": named},
                    )
                values["organization_id"] = services[refs["service_id"]]
                placed.append((location_id, values, loc_refs["_row"]["_where"]))
        if placed:
            self.save(Location, "location", placed)

    def finish(self) -> None:
        for _location_id, (refs, _values) in self.pending_locations.items():
            named = refs.get("organization_id")
            where = refs["_row"]["_where"]
            if named is not None:
                self.error(
                    where,
                    "organization_id",
                    self._missing_message("organization_id", named),
                )
            else:
                self.findings.warning(
                    where,
                    "organization_id",
                    _(
                        "Relais keeps locations under an organisation, and this "
                        "one has none: it was not imported, nor what it holds."
                    ),
                )
        self.pending_locations = {}
        self._apply_parents()
        self._apply_organization_dates()
        self.flush_index()

    def prepare_address(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["location_id"])
        locations = self._owners(Location, [r["location_id"] for *_x, r in items])
        kept = []
        for record_id, values, where, refs in items:
            if refs["location_id"] is None:
                self.error(where, "location_id", _("This field is required."))
                continue
            if refs["location_id"] not in locations:
                self.error(
                    where,
                    "location_id",
                    self._missing_message("location_id", refs["location_id"]),
                )
                continue
            try:
                values["country"] = _country(
                    refs["_row"].get("country"), "country", required=True
                )
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            values["location_id"] = refs["location_id"]
            self.touched.add(locations[refs["location_id"]])
            kept.append((record_id, values, where))
        return kept

    def _owned(self, prepared, rows, columns, table):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["organization_id", *columns])
        owners, known = self._attached(items, columns)
        for record_id, values, where, refs in items:
            column = self._dangling(where, refs, owners, columns)
            if column is not None:
                self.error(where, column, self._missing_message(column, refs[column]))
                continue
            org = self._owner_of(where, refs, owners, known)
            if org is None:
                named = refs.get("organization_id")
                self.error(
                    where,
                    "organization_id",
                    self._missing_message("organization_id", named)
                    if named
                    else _("This record belongs to no organisation."),
                )
                continue
            values["organization_id"] = org
            for column in columns:
                values[column] = refs[column]
            yield record_id, values, where, refs

    def prepare_contact(self, prepared, rows):  # type: ignore[no-untyped-def]
        return [
            (record_id, values, where)
            for record_id, values, where, _refs in self._owned(
                prepared, rows, ["service_id", "location_id"], "contact"
            )
        ]

    def prepare_phone(self, prepared, rows):  # type: ignore[no-untyped-def]
        kept = []
        for record_id, values, where, refs in self._owned(
            prepared, rows, ["service_id", "location_id", "contact_id"], "phone"
        ):
            row = refs["_row"]
            try:
                if _blank(row.get("number")):
                    raise RowError("number", _("This field is required."))
                values["number"] = _phone_e164(row["number"], row.get("_region"))
                extension = _text_of(row.get("extension"))
                values["extension"] = (
                    "" if _blank(extension) else str(extension).strip()[:10]
                )
                if _blank(row.get("type")):
                    values["type"] = Phone.PhoneType.VOICE
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            kept.append((record_id, values, where))
        return kept

    def prepare_language(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["service_id", "location_id", "phone_id"])
        found = {
            "service_id": self._owners(Service, [r["service_id"] for *_x, r in items]),
            "location_id": self._owners(
                Location, [r["location_id"] for *_x, r in items]
            ),
            "phone_id": self._owners(Phone, [r["phone_id"] for *_x, r in items]),
        }
        field = Language._meta.get_field("code")
        kept = []
        for record_id, values, where, refs in items:
            code = str(refs["_row"].get("code") or "").strip().lower()
            try:
                values["code"] = field.clean(code, None)
            except ValidationError as exc:
                self.error(where, "code", " ".join(exc.messages))
                continue
            links: dict[str, Any] = {}
            for column, known in found.items():
                target = refs[column]
                if target is not None and target not in known:
                    self.error(where, column, self._missing_message(column, target))
                    links = {}
                    break
                links[column] = target
                if target is not None:
                    self.touched.add(known[target])
            if not any(links.values()):
                if not any(refs[c] for c in found):
                    self.error(
                        where,
                        "service_id",
                        _(
                            "A language must belong to a "
                            "service, a location or a phone."
                        ),
                    )
                continue
            values.update(links)
            kept.append((record_id, values, where))
        return kept

    def prepare_service_area(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["service_id"])
        services = self._owners(Service, [r["service_id"] for *_x, r in items])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            if refs["service_id"] not in services:
                self.error(
                    where,
                    "service_id",
                    self._missing_message("service_id", refs["service_id"]),
                )
                continue
            values["service_id"] = refs["service_id"]
            country = ""
            if str(row.get("extent_type") or "").strip().lower() == "country":
                try:
                    country = _country(row.get("extent"), "extent", required=False)
                except RowError as exc:
                    self.error(where, exc.field, exc.message)
                    continue
            values["country"] = country
            self.touched.add(services[refs["service_id"]])
            kept.append((record_id, values, where))
        return kept

    def prepare_taxonomy(self, prepared, rows):  # type: ignore[no-untyped-def]
        existing = self._existing(Taxonomy, [i for i, *_x in prepared])
        kept = []
        for record_id, values, where in prepared:
            if record_id not in existing:
                self.new_taxonomies.add(record_id)
                values["slug"] = self._free_slug(
                    Taxonomy,
                    slugify(values.get(f"name_{self.language}", ""))[:50] or "taxonomy",
                    record_id,
                )
            kept.append((record_id, values, where))
        return kept

    def _free_slug(self, model, base: str, record_id: uuid.UUID, **scope: Any) -> str:  # type: ignore[no-untyped-def]
        field = "slug" if model is not TaxonomyTerm else "code"
        if not model._default_manager.filter(**{field: base}, **scope).exists():
            return base
        return f"{base[:50]}-{record_id.hex[:8]}"

    def prepare_taxonomy_term(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["taxonomy_id", "parent_id"])
        taxonomies = self._existing(Taxonomy, [r["taxonomy_id"] for *_x, r in items])
        existing_terms = TaxonomyTerm.objects.in_bulk([i for i, *_x in items])
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            taxonomy_id = refs["taxonomy_id"]
            if taxonomy_id not in taxonomies:
                taxonomy_id = self._taxonomy_named(row, taxonomy_id)
                taxonomies.add(taxonomy_id)
            values["taxonomy_id"] = taxonomy_id
            self._name_new_taxonomy(taxonomy_id, row.get("taxonomy"))
            code = slugify(str(row.get("code") or "").strip())[:64]
            current = existing_terms.get(record_id)
            if not code:
                code = (
                    current.code
                    if current
                    else slugify(values.get(f"name_{self.language}", ""))[:50] or "term"
                )
            clash = (
                TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id, code=code)
                .exclude(pk=record_id)
                .first()
            )
            if clash is not None:
                self.error(
                    where,
                    "code",
                    _(
                        "The code %(code)s is already used "
                        "by the term %(id)s of this taxonomy."
                    )
                    % {"code": code, "id": clash.pk},
                )
                continue
            values["code"] = code
            if current is None:
                # Terms keep the order they have in the file.
                position = self.term_positions.get(taxonomy_id, 0)
                self.term_positions[taxonomy_id] = position + 1
                values["position"] = min(position, 32767)
            if refs["parent_id"]:
                self.term_parents.append((record_id, refs["parent_id"], where))
            kept.append((record_id, values, where))
        return kept

    def _name_new_taxonomy(self, taxonomy_id: uuid.UUID, text: Any) -> None:
        """A taxonomy created by this import takes the code its terms call it by."""
        code = str(text or "").strip()
        if taxonomy_id not in self.new_taxonomies or not re.fullmatch(
            r"[-\w]{1,64}", code
        ):
            return
        self.new_taxonomies.discard(taxonomy_id)
        if not Taxonomy.objects.filter(slug=code).exists():
            Taxonomy.objects.filter(pk=taxonomy_id).update(slug=code)

    def _taxonomy_named(self, row: Row, taxonomy_id: uuid.UUID | None) -> uuid.UUID:
        """The taxonomy a term names by text; created when missing."""
        name = str(row.get("taxonomy") or "").strip() or "imported"
        found = (
            Taxonomy.objects.filter(slug=slugify(name)[:64])
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return found
        record_id = taxonomy_id or uuid.uuid5(TEMPLATE_NAMESPACE, f"taxonomy/{name}")
        taxonomy = Taxonomy(
            id=record_id,
            slug=self._free_slug(Taxonomy, slugify(name)[:50] or "taxonomy", record_id),
        )
        setattr(taxonomy, f"name_{self.language}", name[:200])
        taxonomy.save()
        self._provenance([(taxonomy, "create")])
        self.count("taxonomy", "created")
        return record_id

    def prepare_attribute(self, prepared, rows):  # type: ignore[no-untyped-def]
        items = self._refs(prepared, rows, ["link_id", "taxonomy_term_id"])
        terms = self._existing(
            TaxonomyTerm, [r["taxonomy_term_id"] for *_x, r in items]
        )
        entities: dict[str, type[models.Model]] = {
            Attribute.LinkEntity.ORGANIZATION: Organization,
            Attribute.LinkEntity.SERVICE: Service,
            Attribute.LinkEntity.LOCATION: Location,
            Attribute.LinkEntity.CONTACT: Contact,
        }
        kept = []
        for record_id, values, where, refs in items:
            row = refs["_row"]
            entity = str(row.get("link_entity") or "").strip()
            if entity not in entities or refs["link_id"] is None:
                self.findings.warning(
                    where,
                    "link_entity",
                    _(
                        "Relais tags organisations, services, locations "
                        "and contacts only; this attribute was not imported."
                    ),
                )
                continue
            if refs["taxonomy_term_id"] not in terms:
                self.findings.warning(
                    where,
                    "taxonomy_term_id",
                    _(
                        "The taxonomy term %(id)s is neither in the file "
                        "nor in the directory; this attribute was not imported."
                    )
                    % {"id": refs["taxonomy_term_id"]},
                )
                continue
            model = entities[entity]
            owner = (
                model._default_manager.filter(pk=refs["link_id"])
                .values_list(
                    "pk" if model is Organization else "organization_id", flat=True
                )
                .first()
            )
            if owner is None:
                self.findings.warning(
                    where,
                    "link_id",
                    _(
                        "The tagged record %(id)s is neither in the file "
                        "nor in the directory; this attribute was not imported."
                    )
                    % {"id": refs["link_id"]},
                )
                continue
            clash = (
                Attribute.objects.filter(
                    taxonomy_term_id=refs["taxonomy_term_id"],
                    link_entity=entity,
                    link_id=refs["link_id"],
                )
                .exclude(pk=record_id)
                .exists()
            )
            if clash:
                self.count("attribute", "unchanged")
                continue
            values.update(
                taxonomy_term_id=refs["taxonomy_term_id"],
                link_entity=entity,
                link_id=refs["link_id"],
            )
            self.touched.add(owner)
            kept.append((record_id, values, where))
        return kept

    def apply_metadata(self, prepared, rows) -> None:  # type: ignore[no-untyped-def]
        """Change history carried by the file: appended, never rewritten."""
        items = self._refs(prepared, rows, ["resource_id"])
        existing = self._existing(ChangeRecord, [i for i, *_x in items])
        new = []
        for record_id, _values, where, refs in items:
            if record_id in existing:
                self.count("metadata", "unchanged")
                continue
            row = refs["_row"]
            action = str(row.get("last_action_type") or "").strip().lower()
            try:
                moment = _timestamp(row.get("last_action_date"), "last_action_date")
                if refs["resource_id"] is None:
                    raise RowError("resource_id", _("This field is required."))
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            if action not in ChangeRecord.Action.values:
                self.findings.warning(
                    where,
                    "last_action_type",
                    _("Unknown action %(value)s; this history entry was not imported.")
                    % {"value": action},
                )
                continue
            new.append(
                ChangeRecord(
                    id=record_id,
                    resource_id=refs["resource_id"],
                    resource_type=str(row.get("resource_type") or "")[:50],
                    last_action_date=moment or timezone.now(),
                    last_action_type=action,
                    field_name=str(row.get("field_name") or "")[:100],
                    previous_value=_as_text(row.get("previous_value")),
                    replacement_value=_as_text(row.get("replacement_value")),
                    updated_by=str(row.get("updated_by") or "")[:300],
                )
            )
        ChangeRecord.objects.bulk_create(new, batch_size=500)
        self.count("metadata", "created", len(new))

    # Writing --------------------------------------------------------------------

    def _is_same(self, obj: models.Model, attname: str, value: Any) -> bool:
        translated = TRANSLATED.get(type(obj), set())
        base, _sep, suffix = attname.rpartition("_")
        if base in translated and suffix == self.language:
            return _same(translated_field(obj, base)[0], value)
        return _same(getattr(obj, attname), value)

    def save(
        self,
        model: type[models.Model],
        table: str,
        prepared: list[tuple[uuid.UUID, dict[str, Any], Where]],
    ) -> None:
        if not prepared:
            return
        existing = model._default_manager.in_bulk([i for i, *_x in prepared])
        creates: list[models.Model] = []
        updates: list[models.Model] = []
        changed_fields: set[str] = set()
        history: list[ChangeRecord] = []
        if model is Organization:
            self._slugs(prepared, existing)
        for record_id, values, _where in prepared:
            obj = existing.get(record_id)
            if obj is None:
                creates.append(model(id=record_id, **values))
                continue
            if (
                model is Organization
                and not values.get("email")
                and getattr(obj, "email_visibility", "") != Visibility.PUBLIC
            ):
                values.pop("email", None)  # hidden from public exports, not cleared
            values.pop("slug", None)
            changes = {a: v for a, v in values.items() if not self._is_same(obj, a, v)}
            if not changes:
                self.count(table, "unchanged")
                continue
            for attname, value in changes.items():
                history.append(
                    ChangeRecord(
                        resource_id=record_id,
                        resource_type=model._meta.model_name or "",
                        last_action_type=ChangeRecord.Action.UPDATE,
                        field_name=attname,
                        previous_value=_as_text(getattr(obj, attname)),
                        replacement_value=_as_text(value),
                        updated_by=self.updated_by,
                    )
                )
                setattr(obj, attname, value)
                changed_fields.add(attname)
            updates.append(obj)
        model._default_manager.bulk_create(creates, batch_size=500)
        if updates:
            if model is Organization:
                now = timezone.now()
                for obj in updates:
                    obj.updated_at = now  # type: ignore[attr-defined]
                changed_fields.add("updated_at")
            model._default_manager.bulk_update(
                updates, sorted(changed_fields), batch_size=500
            )
        ChangeRecord.objects.bulk_create(history, batch_size=1000)
        self.count(table, "created", len(creates))
        self.count(table, "updated", len(updates))
        self._provenance(
            [(o, "create") for o in creates] + [(o, "update") for o in updates]
        )
        for obj in creates + updates:
            org = (
                obj.pk
                if model is Organization
                else getattr(obj, "organization_id", None)
            )
            if org is not None:
                self.touched.add(org)

    def _slugs(self, prepared, existing) -> None:  # type: ignore[no-untyped-def]
        new = [(i, v) for i, v, _w in prepared if i not in existing]
        if not new:
            return
        bases = {i: slugify(v.get("name", ""))[:100] or "listing" for i, v in new}
        taken = set(
            Organization.objects.filter(slug__in=set(bases.values())).values_list(
                "slug", flat=True
            )
        )
        for record_id, values in new:
            slug = bases[record_id]
            if slug in taken:
                slug = f"{slug[:100]}-{record_id.hex[:8]}"
            taken.add(slug)
            values["slug"] = slug

    def _provenance(self, records: list[tuple[models.Model, str]]) -> None:
        ImportedRecord.objects.bulk_create(
            [
                ImportedRecord(
                    run=self.run,
                    resource_type=obj._meta.model_name or "",
                    resource_id=obj.pk,
                    action=action,
                )
                for obj, action in records
            ],
            batch_size=1000,
        )

    def flush_index(self) -> None:
        if self.touched:
            index_update(self.touched)
            self.touched = set()

    def _apply_parents(self) -> None:
        for model, links, field in (
            (Organization, self.parents, "parent_organization_id"),
            (TaxonomyTerm, self.term_parents, "parent_id"),
        ):
            for start in range(0, len(links), 1000):
                batch = links[start : start + 1000]
                known = self._existing(model, [p for _c, p, _w in batch])
                objs = model._default_manager.in_bulk([c for c, _p, _w in batch])
                changed: list[Any] = []
                for child, parent, where in batch:
                    obj = objs.get(child)
                    if obj is None:
                        continue
                    if parent not in known:
                        self.findings.warning(
                            where,
                            field,
                            _(
                                "%(column)s names %(id)s, which is neither in the "
                                "file nor in the directory; the link was left out."
                            )
                            % {"column": field, "id": parent},
                        )
                        continue
                    if getattr(obj, field) != parent:
                        setattr(obj, field, parent)
                        changed.append(obj)
                model._default_manager.bulk_update(changed, [field], batch_size=500)
                self._provenance([(o, "update") for o in changed if o.pk])

    def _apply_organization_dates(self) -> None:
        items = list(self.organization_dates.items())
        self.organization_dates = {}
        for start in range(0, len(items), 1000):
            batch = dict(items[start : start + 1000])
            created_now = set(
                ImportedRecord.objects.filter(
                    run=self.run, action="create", resource_id__in=list(batch)
                ).values_list("resource_id", flat=True)
            )
            for org in Organization.objects.filter(pk__in=list(batch)).only(
                "id", "assured_date", "assurer", "updated_at"
            ):
                wanted = batch[org.pk]
                changes = {k: v for k, v in wanted.items() if getattr(org, k) != v}
                if not changes:
                    continue
                for k, v in changes.items():
                    if k != "updated_at" and org.pk not in created_now:
                        ChangeRecord.objects.create(
                            resource_id=org.pk,
                            resource_type="organization",
                            last_action_type=ChangeRecord.Action.UPDATE,
                            field_name=k,
                            previous_value=_as_text(getattr(org, k)),
                            replacement_value=_as_text(v),
                            updated_by=self.updated_by,
                        )
                # update(), not save(): save() would stamp updated_at with now.
                Organization.objects.filter(pk=org.pk).update(**changes)
                self.touched.add(org.pk)
