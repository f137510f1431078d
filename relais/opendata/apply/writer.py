"""The generic part of writing imported rows: ids, plain fields, bulk writes."""

import functools
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relais.core.bulk import RowBuilder, insert_rows, select_in
from relais.directory.models import (
    ChangeRecord,
    Organization,
    TaxonomyTerm,
    Visibility,
)
from relais.directory.search import index_update

from ..findings import Findings
from ..models import ImportedRecord, ImportRun
from ..readers import TEMPLATE_NAMESPACE, Row, template_child_id
from .idset import IdSet
from .values import (
    COLUMNS,
    HSDS_ENUM_DEFAULTS,
    MODELS,
    SHARED_TABLES,
    TRANSLATED,
    Prepared,
    RowError,
    Where,
    as_text,
    as_uuid,
    is_blank,
    same_value,
    text_of,
)

INDEX_CHUNK = 2000
PROVENANCE_FIELDS = ["run", "resource_type", "resource_id", "action"]


# The checks every plain text field runs (CharField adds the two validators).
PLAIN_TEXT_VALIDATORS = {MaxLengthValidator, ProhibitNullCharactersValidator}


def _clean_with_field(field: Any, raw: Any) -> Any:
    try:
        return field.clean("" if raw is None else raw, None)
    except TypeError:
        # Django's date and time parsers take only text: a JSON number in a
        # date or time column is refused with the field's own message.
        raise ValidationError(
            field.error_messages["invalid"], code="invalid", params={"value": raw}
        ) from None


def field_cleaner(field: Any) -> Callable[[Any], Any]:
    """`field.clean(value, None)`, on a short path for plain text fields.

    A text field without validators of its own (no e-mail, URL or slug
    check) accepts a string that is short enough, has no NUL character and is
    one of its choices if it has any; anything else goes through the field's
    own `clean`, which gives the same value or the field's own message.
    """
    plain = (
        isinstance(field, models.CharField | models.TextField)
        and type(field).clean is models.Field.clean
        and type(field).validate is models.Field.validate
        and type(field).to_python
        in (models.CharField.to_python, models.TextField.to_python)
        and {type(v) for v in field.validators} <= PLAIN_TEXT_VALIDATORS
    )
    if not plain:
        return functools.partial(_clean_with_field, field)
    limit = field.max_length
    choices = {str(key) for key, _label in field.flatchoices} if field.choices else None

    def clean(raw: Any) -> Any:
        if (
            type(raw) is str
            and (limit is None or len(raw) <= limit)
            and "\x00" not in raw
            and (choices is None or raw in choices)
        ):
            return raw
        return field.clean("" if raw is None else raw, None)

    return clean


@functools.cache
def column_plan(
    table: str, language: str
) -> list[tuple[str, str, Callable[[Any], Any], bool, Any]]:
    """Per HSDS column of a table: (column, field name, cleaner, required, empty).

    Computed once per table and language: the field a column writes (a
    translated field in the import's language), its cleaner, whether a blank
    cell is an error, and the value a blank cell gives.
    """
    model = MODELS.get(table)
    if model is None:
        return []
    translated = TRANSLATED.get(model, set())
    plan = []
    for column, attname in COLUMNS[table].items():
        name = f"{attname}_{language}" if attname in translated else attname
        field: Any = model._meta.get_field(name)
        plan.append(
            (
                column,
                name,
                field_cleaner(field),
                not field.blank,
                None if field.null else "",
            )
        )
    return plan


class Writer:
    """Validates one batch of one table and writes it; tables add `prepare_<table>`."""

    def __init__(
        self, *, run: ImportRun, findings: Findings, language: str, updated_by: str
    ) -> None:
        self.run = run
        self.findings = findings
        self.language = language
        self.updated_by = updated_by
        self.counts: dict[str, dict[str, int]] = {}
        # Ids seen per table, for duplicates across batches (16 bytes each).
        self.seen: dict[str, IdSet] = {}
        self.parents: list[tuple[uuid.UUID, uuid.UUID, Where]] = []
        self.term_parents: list[tuple[uuid.UUID, uuid.UUID, Where]] = []
        self.pending_locations: dict[uuid.UUID, tuple[Row, dict[str, Any]]] = {}
        self.touched = IdSet()
        self.skipped: set[int] = set()
        self.new_taxonomies: set[uuid.UUID] = set()
        self.term_positions: dict[uuid.UUID, int] = {}
        self.organization_dates: dict[uuid.UUID, dict[str, Any]] = {}

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        per_table = self.counts.setdefault(
            table, {"created": 0, "updated": 0, "unchanged": 0}
        )
        per_table[outcome] = per_table.get(outcome, 0) + n

    def error(self, where: Where, field: str, message: Any) -> None:
        self.findings.error(where, field, message)

    def apply(self, table: str, rows: list[Row]) -> None:
        prepared: list[tuple[uuid.UUID, dict[str, Any], Where]] = []
        shared = table in SHARED_TABLES
        batch_ids: set[uuid.UUID] = set()
        self._row_of: dict[int, Row] = {}
        candidates = list(self._resolve_template_ids(table, rows))
        # Each row's id, read once (None when it is not a valid id).
        ids: list[uuid.UUID | None] = []
        for row in candidates:
            try:
                ids.append(self._row_id(table, row))
            except RowError:
                ids.append(None)
        # Ids already written by earlier batches: checked for the whole batch
        # at once. A vocabulary (a shared table) repeated inside several
        # records is one record, not a duplicate.
        earlier = (
            set()
            if shared
            else self.seen.setdefault(table, IdSet()).among(
                i for i in ids if i is not None
            )
        )
        for row, parsed in zip(candidates, ids, strict=True):
            where = row["_where"]
            if table != "service_at_location" and self._inside_skipped(row):
                continue
            try:
                record_id = parsed or self._row_id(table, row)  # raises its error
                if shared and record_id in batch_ids:
                    continue
                if record_id in earlier or record_id in batch_ids:
                    raise RowError(
                        "id",
                        _("The id %(id)s appears twice in this table.")
                        % {"id": record_id},
                    )
                batch_ids.add(record_id)
                values = self._common_fields(table, row)
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                row["_failed"] = True
                continue
            prepared.append((record_id, values, where))
            self._row_of[id(values)] = row
        if not shared:
            self.seen[table].update(batch_ids)
        if table == "metadata":
            self.apply_metadata(prepared, rows)
            return
        kept = getattr(self, f"prepare_{table}")(prepared, rows)
        self.save(MODELS[table], table, kept)

    def apply_metadata(self, prepared: Prepared, rows: list[Row]) -> None:
        raise NotImplementedError

    def _inside_skipped(self, row: Row) -> bool:
        """Inside a location that has no organisation: left out with that location."""
        if not self.pending_locations and not self.skipped:
            return False
        for column in ("location_id", "contact_id", "phone_id"):
            try:
                target = as_uuid(row.get(column), column)
            except RowError:
                return False
            if target is not None and (
                target in self.pending_locations or target.int in self.skipped
            ):
                try:
                    own = as_uuid(row.get("id"), "id")
                except RowError:
                    own = None
                if own is not None:
                    self.skipped.add(own.int)
                return True
        return False

    def _row_id(self, table: str, row: Row) -> uuid.UUID:
        record_id = as_uuid(row.get("id"), "id", required=table != "attribute")
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
        values: dict[str, Any] = {}
        template = table == "organization" and row.get("_template")
        for column, name, clean, required, empty in column_plan(table, self.language):
            if template and column not in row:
                continue
            raw = text_of(row.get(column))
            if is_blank(raw):
                if column in HSDS_ENUM_DEFAULTS:
                    raw = HSDS_ENUM_DEFAULTS[column]
                elif required:
                    raise RowError(column, _("This field is required."))
                else:
                    values[name] = empty
                    continue
            try:
                values[name] = clean(raw)
            except ValidationError as exc:
                raise RowError(column, " ".join(exc.messages)) from None
        return values

    def _existing(self, model: type[models.Model], ids: Iterable[Any]) -> set[Any]:
        return {pk for (pk,) in select_in(model, ["id"], "id", ids)}

    def _owners(
        self, model: type[models.Model], ids: Iterable[Any]
    ) -> dict[Any, uuid.UUID]:
        return dict(select_in(model, ["id", "organization_id"], "id", ids))  # type: ignore[arg-type]

    def _ref(self, row: Row, column: str) -> uuid.UUID | None:
        return as_uuid(row.get(column), column)

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
                refs["_owner"] = as_uuid(row.get("_owner"), "organization_id")
            except RowError as exc:
                self.error(where, exc.field, exc.message)
                continue
            out.append((record_id, values, where, {**refs, "_row": row}))  # type: ignore[dict-item]
        return out

    def _missing_message(self, column: str, target: Any) -> str:
        return _(
            "%(column)s names %(id)s, which is "
            "neither in the file nor in the directory."
        ) % {
            "column": column,
            "id": target,
        }

    def _text_as_exported(self, obj: models.Model, base: str) -> str:
        """The text an export in the import's language shows (its fallback too).

        Like `relais.core.languages.translated_field` with the import's
        language active, so that an export imported back changes nothing.
        """
        order = [self.language] + [
            code for code, _name in settings.LANGUAGES if code != self.language
        ]
        for code in order:
            text = getattr(obj, f"{base}_{code}", "") or ""
            if text.strip():
                return text
        return ""

    def _is_same(self, obj: models.Model, attname: str, value: Any) -> bool:
        translated = TRANSLATED.get(type(obj), set())
        base, _sep, suffix = attname.rpartition("_")
        if base in translated and suffix == self.language:
            return same_value(self._text_as_exported(obj, base), value)
        return same_value(getattr(obj, attname), value)

    def save(
        self,
        model: type[models.Model],
        table: str,
        prepared: list[tuple[uuid.UUID, dict[str, Any], Where]],
    ) -> None:
        if not prepared:
            return
        # Records already in the directory, read whole only when there are some.
        found = self._existing(model, [i for i, *_x in prepared])
        existing = model._default_manager.in_bulk(list(found)) if found else {}
        creates: list[uuid.UUID] = []
        builder = RowBuilder(model)
        new_rows: list[list[Any]] = []
        updates: list[models.Model] = []
        changed_fields: set[str] = set()
        history: list[ChangeRecord] = []
        if model is Organization:
            self._slugs(prepared, existing)
        for record_id, values, _where in prepared:
            obj = existing.get(record_id)
            if obj is None:
                values["id"] = record_id
                new_rows.append(builder.row(values))
                creates.append(record_id)
                if model is Organization:
                    self.touched.add(record_id)
                elif (org := values.get("organization_id")) is not None:
                    self.touched.add(org)
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
                        previous_value=as_text(getattr(obj, attname)),
                        replacement_value=as_text(value),
                        updated_by=self.updated_by,
                    )
                )
                setattr(obj, attname, value)
                changed_fields.add(attname)
            updates.append(obj)
        insert_rows(model, builder.fields, new_rows, prepared=True)
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
        self._provenance(model, creates, "create")
        self._provenance(model, [o.pk for o in updates], "update")
        for obj in updates:
            org = (
                obj.pk
                if model is Organization
                else getattr(obj, "organization_id", None)
            )
            if org is not None:
                self.touched.add(org)

    def _slugs(self, prepared: Prepared, existing: dict[Any, models.Model]) -> None:
        new = [(i, v) for i, v, _w in prepared if i not in existing]
        if not new:
            return
        bases = {i: slugify(v.get("name", ""))[:100] or "listing" for i, v in new}
        taken = {
            slug
            for (slug,) in select_in(Organization, ["slug"], "slug", bases.values())
        }
        for record_id, values in new:
            slug = bases[record_id]
            if slug in taken:
                slug = f"{slug[:100]}-{record_id.hex[:8]}"
            taken.add(slug)
            values["slug"] = slug

    def _provenance(
        self, model: type[models.Model], ids: list[Any], action: str
    ) -> None:
        resource_type = model._meta.model_name or ""
        insert_rows(
            ImportedRecord,
            [ImportedRecord._meta.get_field(f) for f in PROVENANCE_FIELDS],
            ((self.run.pk, resource_type, pk, action) for pk in ids),
        )

    def flush_index(self) -> None:
        """Re-index every listing the import changed, once, at the end of the run.

        A listing touched by several tables (its organisation, services,
        phones...) is indexed once rather than once per table.
        """
        touched = self.touched.sorted()
        self.touched = IdSet()
        for start in range(0, len(touched), INDEX_CHUNK):
            index_update(touched[start : start + INDEX_CHUNK])

    def _free_slug(
        self,
        model: type[models.Model],
        base: str,
        record_id: uuid.UUID,
        **scope: Any,
    ) -> str:
        field = "slug" if model is not TaxonomyTerm else "code"
        if not model._default_manager.filter(**{field: base}, **scope).exists():
            return base
        return f"{base[:50]}-{record_id.hex[:8]}"
