"""Writing many rows at once, without a model instance or SQL compilation per row.

Bulk imports and the search index insert hundreds of thousands of rows whose
values have already been checked. `bulk_create` builds a model instance per
row and compiles every value through the field's methods; here each column's
conversion to its database value is chosen once per field, and rows go to the
database many a statement (SQLite) or through COPY (PostgreSQL). As with
`bulk_create`: no signals, no `save()`.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import fields as field_types
from django.utils import timezone
from modeltranslation.fields import TranslationField, TranslationFieldDescriptor

BATCH = 2000
# Parameters in one statement where the backend states no limit (PostgreSQL's
# protocol allows 65,535 with server-side binding).
MAX_PARAMS = 65535

TEXT_TYPES = (
    field_types.CharField,
    field_types.TextField,
)
PLAIN_TYPES = (
    field_types.BooleanField,
    field_types.IntegerField,
    field_types.FloatField,
)


def _inherits_prep(field: "models.Field[Any, Any]", base: type[Any]) -> bool:
    """True when the field converts values exactly as `base` does."""
    cls = type(field)
    return (
        cls.get_db_prep_save is models.Field.get_db_prep_save
        and cls.get_db_prep_value is base.get_db_prep_value
        and cls.get_prep_value is base.get_prep_value
    )


def db_converter(
    field: "models.Field[Any, Any]", connection: BaseDatabaseWrapper
) -> Callable[[Any], Any]:
    """The function giving a field's database value for a Python value.

    The same result as `field.get_db_prep_save(value, connection)`, with the
    usual types taken on a short path (tests compare both on every model the
    import writes).
    """
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    for text in TEXT_TYPES:
        if isinstance(target, text) and _inherits_prep(target, text):
            return _text
    for plain in PLAIN_TYPES:
        if isinstance(target, plain) and _inherits_prep(target, plain):
            return _plain(target)
    if type(target) is field_types.UUIDField:
        return _uuid(target, connection)

    def generic(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return generic


def _text(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    return str(value)


def _plain(field: "models.Field[Any, Any]") -> Callable[[Any], Any]:
    # Only the type the field itself would give is passed through: a float
    # for an IntegerField goes to get_prep_value (int(12.5) is 12).
    if isinstance(field, field_types.BooleanField):
        kinds: tuple[type, ...] = (bool,)
    elif isinstance(field, field_types.IntegerField):
        kinds = (int,)
    else:
        kinds = (float,)

    def convert(value: Any) -> Any:
        if value is None or type(value) in kinds:
            return value
        return field.get_prep_value(value)

    return convert


def _uuid(
    field: "models.Field[Any, Any]", connection: BaseDatabaseWrapper
) -> Callable[[Any], Any]:
    native = connection.features.has_native_uuid_field

    def convert(value: Any) -> Any:
        if type(value) is uuid.UUID:
            return value if native else value.hex
        return field.get_db_prep_save(value, connection)

    return convert


def connection_for(model: type[models.Model]) -> BaseDatabaseWrapper:
    return connections[router.db_for_write(model)]


def insert_rows(
    model: type[models.Model],
    fields: list[Any],
    rows: Iterable[tuple[Any, ...] | list[Any]],
    *,
    prepared: bool = False,
    ignore_conflicts: bool = False,
) -> int:
    """INSERT rows (values of `fields`, in order), many rows a statement.

    `prepared`: the rows already hold database values (from `RowBuilder`).
    `ignore_conflicts`: a row that would break a unique constraint is skipped.
    Each statement carries as many rows as the database's parameter limit
    allows (SQLite: 999 values; otherwise up to `BATCH` rows), the statements
    of a batch go with one `executemany`. One row a statement would cost a
    parse and plan per row on PostgreSQL (client-side binding) and a flush of
    FTS5's pending text per row on SQLite (the search index's trigger).
    Returns the number of rows sent.
    """
    connection = connection_for(model)
    limit = connection.features.max_query_params or MAX_PARAMS
    per_statement = max(1, min(BATCH, limit // len(fields)))
    quote = connection.ops.quote_name
    row_sql = "({})".format(", ".join(["%s"] * len(fields)))

    def statement(count: int) -> str:
        # Names come from the model's metadata, quoted; every value is a parameter.
        return "INSERT INTO {} ({}) VALUES {}{}".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join([row_sql] * count),
            " ON CONFLICT DO NOTHING" if ignore_conflicts else "",
        )

    converters = [db_converter(f, connection) for f in fields]
    if connection.vendor == "postgresql" and not ignore_conflicts:
        return _copy_rows(connection, model, fields, rows, converters, prepared)
    full = statement(per_statement)
    sent = 0
    batch: list[Any] = []

    def flush(cursor: Any) -> None:
        whole = len(batch) - len(batch) % per_statement
        if whole:
            cursor.executemany(
                full,
                [
                    [v for row in batch[i : i + per_statement] for v in row]
                    for i in range(0, whole, per_statement)
                ],
            )
        if whole < len(batch):
            rest = batch[whole:]
            cursor.execute(statement(len(rest)), [v for row in rest for v in row])

    with connection.cursor() as cursor:
        for row in rows:
            if prepared:
                batch.append(row)
            else:
                batch.append([c(v) for c, v in zip(converters, row, strict=True)])
            if len(batch) >= BATCH:
                flush(cursor)
                sent += len(batch)
                batch = []
        if batch:
            flush(cursor)
            sent += len(batch)
    return sent


def _copy_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    fields: list[Any],
    rows: Iterable[tuple[Any, ...] | list[Any]],
    converters: list[Callable[[Any], Any]],
    prepared: bool,
) -> int:
    """PostgreSQL: the rows through COPY, adapted by psycopg's C code.

    Django's psycopg cursors bind values on the client, in Python, for every
    INSERT; COPY streams the rows (triggers and constraints apply as for
    INSERT).
    """
    quote = connection.ops.quote_name
    # Names come from the model's metadata, quoted; the rows are data.
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    sent = 0
    # The raw psycopg cursor: its errors become Django's (IntegrityError...).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(
                row
                if prepared
                else [c(v) for c, v in zip(converters, row, strict=True)]
            )
            sent += 1
    return sent


_REQUIRED = object()


class _Values:
    """A row's values as attributes, for a translated field's own descriptor."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)


class RowBuilder:
    """Database rows of new records of one model, from dicts of field values.

    What `model(**values)` followed by an INSERT would write: fields not in
    the values get their default (computed once; `auto_now` and
    `auto_now_add` fields the time of the builder), and a field translated by
    django-modeltranslation (`name`, with `name_en`, `name_fr`...) gets what
    its descriptor reads from the translations in the active language.
    """

    def __init__(self, model: type[models.Model]) -> None:
        connection = connection_for(model)
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        now = timezone.now()
        self.plan: list[tuple[str, Callable[[Any], Any], Any, Any]] = []
        for field in self.fields:
            convert = db_converter(field, connection)
            if field.primary_key:
                default = _REQUIRED
            elif getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                default = convert(now)
            else:
                default = convert(field.get_default())
            descriptor = model.__dict__.get(field.attname)
            translated = (
                descriptor
                if isinstance(descriptor, TranslationFieldDescriptor)
                else None
            )
            self.plan.append((field.attname, convert, default, translated))
        # Rows of one import batch mostly give the same fields: one layout each.
        self._layouts: dict[frozenset[str], Any] = {}
        # What a translated field's descriptor reads besides the given values.
        self.translations = {
            field.attname: field.get_default()
            for field in self.fields
            if isinstance(field, TranslationField)
        }

    def row(self, values: Mapping[str, Any]) -> list[Any]:
        keys = frozenset(values)
        layout = self._layouts.get(keys)
        if layout is None:
            layout = self._layouts[keys] = self._layout(keys)
        template, given, translated = layout
        out = template.copy()
        for i, attname, convert in given:
            out[i] = convert(values[attname])
        if translated:
            view = _Values({**self.translations, **values})
            for i, descriptor, convert in translated:
                out[i] = convert(descriptor.__get__(view, self.model))
        return out

    def _layout(self, keys: frozenset[str]) -> tuple[list[Any], list[Any], list[Any]]:
        """For rows giving these fields: the constant part, then what to fill in."""
        template: list[Any] = []
        given: list[tuple[int, str, Callable[[Any], Any]]] = []
        translated: list[tuple[int, Any, Callable[[Any], Any]]] = []
        for i, (attname, convert, default, descriptor) in enumerate(self.plan):
            template.append(None)
            if attname in keys:
                given.append((i, attname, convert))
            elif descriptor is not None:
                translated.append((i, descriptor, convert))
            elif default is _REQUIRED:
                raise ValueError(f"{self.model.__name__}: no {attname} given")
            else:
                template[i] = default
        return template, given, translated


IN_CHUNK = 900


def select_in(
    model: type[models.Model],
    columns: list[str],
    key: str,
    keys: Iterable[Any],
) -> list[tuple[Any, ...]]:
    """The `columns` of the rows whose `key` is one of `keys`, as Python values.

    `model.objects.filter(key__in=keys).values_list(*columns)` without the
    manager (django-modeltranslation renames columns per row) and without
    compiling each key through the lookup machinery: for the import and the
    search index, which look up thousands of ids at a time. The keys go in
    chunks that stay under every database's parameter limit.
    """
    wanted = list({k for k in keys if k is not None})
    if not wanted:
        return []
    connection = connection_for(model)
    quote = connection.ops.quote_name
    meta = model._meta
    fields: list[Any] = [meta.get_field(c) for c in columns]
    key_field: Any = meta.get_field(key)
    to_db = db_converter(key_field, connection)
    readers = []
    for field in fields:
        col = field.get_col(meta.db_table)
        readers.append(
            (
                connection.ops.get_db_converters(col)
                + col.get_db_converters(connection),
                col,
            )
        )
    key_columns = {i for i, f in enumerate(fields) if f.column == key_field.column}
    array = connection.vendor == "postgresql"
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            given = {to_db(k): k for k in chunk}
            if array:
                # One array parameter: psycopg adapts it in C, where a list of
                # separate parameters would each be quoted in Python.
                condition, params = "= ANY(%s)", [list(given)]
            else:
                condition, params = (
                    "IN ({})".format(", ".join(["%s"] * len(given))),
                    list(given),
                )
            # Names from the model's metadata, quoted; the keys are parameters.
            sql = "SELECT {} FROM {} WHERE {} {}".format(  # noqa: S608
                ", ".join(quote(f.column) for f in fields),
                quote(meta.db_table),
                quote(key_field.column),
                condition,
            )
            cursor.execute(sql, params)
            for raw in cursor.fetchall():
                row = []
                for i, value in enumerate(raw):
                    if i in key_columns and value in given:
                        # The key as it was given: no conversion back.
                        row.append(given[value])
                        continue
                    converters, col = readers[i]
                    for convert in converters:
                        value = convert(value, col, connection)
                    row.append(value)
                out.append(tuple(row))
    return out
