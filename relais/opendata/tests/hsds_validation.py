"""Validation against the official HSDS 3.0 schemas copied in hsds_schema/."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (f"{name}.json", Resource.from_contents(schema(name), DRAFT202012))
        for name in ("metadata", "taxonomy")
    )


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(name: str, record: Any) -> list[str]:
    """Every violation of schema `name`, as readable lines (empty: valid)."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator(name).iter_errors(record)
    ]


PAGE_FIELDS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}


def assert_page(body: dict[str, Any], item_schema: str) -> None:
    """A `Page` envelope (official OpenAPI) whose contents validate."""
    assert set(body) == set(PAGE_FIELDS)
    for key, kind in PAGE_FIELDS.items():
        assert isinstance(body[key], kind), key
    for record in body["contents"]:
        assert errors(item_schema, record) == [], record
