"""Writes to the directory. Every function is atomic and validates what it saves."""

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils.text import slugify

from relais.audit.services import audit_record
from relais.directory.audit_actions import DirectoryAction

from .models import (
    Address,
    Assurance,
    Attribute,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from .phones import short_number_digits
from .search import index_update
from .search.index import analyze

DATA_DIR = Path(__file__).resolve().parent / "data"
VOCABULARIES_FILE = DATA_DIR / "vocabularies.json"
REFERENCE_FILE = DATA_DIR / "reference_organisations.json"
# Contact details the reference notes held as free text, with their sources.
REFERENCE_CONTACTS_FILE = DATA_DIR / "reference_contacts.json"
# Public bodies (hotlines, legal aid, labour inspection, child protection),
# compiled from official pages; its compilation date is in the file.
OFFICIAL_LISTINGS_FILE = DATA_DIR / "official_listings.json"

# The reference file was compiled from public pages on this date (its README).
REFERENCE_COMPILED_ON = date(2026, 11, 29)
REFERENCE_ASSURER = "Relais reference compilation (public sources)"

# Stable identifiers for records derived from the reference file, so that a
# second load updates the same rows instead of creating new ones.
RELAIS_NAMESPACE = uuid.UUID("5b7f0c9e-8a4f-4c55-9d0e-2f6f3c1a7e10")

REFERENCE_TYPE_TO_TERM = {
    "ngo": "ngo",
    "government": "government_agency",
    "law_enforcement": "law_enforcement",
    "prosecution": "prosecution",
    "lawyer_bar": "bar_association",
    "international": "international_body",
    "shelter": "shelter",
    "health": "health_service",
    "labour_inspection": "labour_inspection",
}
REFERENCE_SERVICE_TO_TERM = {
    "legal_aid": "legal_advice",
    "shelter": "shelter",
    "psychosocial": "psychosocial_support",
    "health": "health_care",
    "return_reintegration": "return_reintegration",
    "hotline": "helpline",
    "identification": "identification",
    "coordination": "coordination",
    "research": "research",
    "training": "training",
    "compensation_claims": "compensation_claims",
}


def stable_uuid(*parts: str) -> uuid.UUID:
    return uuid.uuid5(RELAIS_NAMESPACE, "/".join(parts))


def _language_fields(field: str, values: Mapping[str, str]) -> dict[str, str]:
    return {
        f"{field}_{code}": values.get(code, "") for code, _name in settings.LANGUAGES
    }


@transaction.atomic
def vocabularies_sync(*, path: Path = VOCABULARIES_FILE) -> int:
    """Create or update the shipped controlled vocabularies. Returns the term count."""
    data = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for tax_data in data["taxonomies"]:
        taxonomy, _created = Taxonomy.objects.update_or_create(
            slug=tax_data["slug"],
            defaults={
                "id": stable_uuid("taxonomy", tax_data["slug"]),
                "version": data.get("version", ""),
                **_language_fields("name", tax_data["name"]),
                **_language_fields("description", tax_data.get("description", {})),
            },
        )
        for position, term_data in enumerate(tax_data["terms"]):
            TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=term_data["code"],
                defaults={
                    "id": stable_uuid("term", taxonomy.slug, term_data["code"]),
                    "position": position,
                    **_language_fields("name", term_data["name"]),
                    **_language_fields("description", term_data.get("description", {})),
                },
            )
            count += 1
    return count


def vocabulary_terms(taxonomy_slug: str) -> dict[str, TaxonomyTerm]:
    return {
        term.code: term
        for term in TaxonomyTerm.objects.filter(taxonomy__slug=taxonomy_slug)
    }


def _tag(term: TaxonomyTerm, entity: str, record_id: uuid.UUID) -> None:
    Attribute.objects.get_or_create(
        taxonomy_term=term,
        link_entity=entity,
        link_id=record_id,
        defaults={"id": stable_uuid("attribute", str(term.pk), entity, str(record_id))},
    )


def attributes_set(
    *,
    entity: str,
    record_id: uuid.UUID,
    taxonomy_slug: str,
    terms: Iterable[TaxonomyTerm],
) -> None:
    """Make the record's terms of one taxonomy exactly `terms`."""
    wanted = {term.pk for term in terms}
    Attribute.objects.filter(
        link_entity=entity,
        link_id=record_id,
        taxonomy_term__taxonomy__slug=taxonomy_slug,
    ).exclude(taxonomy_term__in=wanted).delete()
    for term in TaxonomyTerm.objects.filter(pk__in=wanted):
        _tag(term, entity, record_id)


@dataclass
class ReferenceLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_confirmed: int = 0


@dataclass(frozen=True)
class Compilation:
    """Where a batch of records comes from: its compilation date and compiler."""

    compiled_on: date
    assurer: str


def _reference_fields(
    record: Mapping[str, Any], compilation: Compilation
) -> dict[str, Any]:
    source_seen = record.get("source_seen")
    verified = bool(record.get("verified"))
    return {
        "id": stable_uuid("organization", record["id"]),
        "name": record["name"],
        "alternate_name": record.get("name_local") or "",
        "country": record.get("country") or "",
        "website": record.get("website") or "",
        "email": record.get("email") or "",
        "source_url": record.get("source_url") or "",
        "additional_sources": list(record.get("additional_sources") or []),
        "source_seen": date.fromisoformat(source_seen) if source_seen else None,
        "notes": record.get("notes") or "",
        "source_verified": verified,
        "assured_date": compilation.compiled_on if verified else None,
        "assurer": compilation.assurer if verified else "",
        "assurance": Assurance.PUBLIC_SOURCES,
        "is_fictitious": False,
    }


def _record_compilation(
    record: Mapping[str, Any], compilation: Compilation
) -> Compilation:
    """A record added after its file's compilation carries its own `compiled_on`."""
    if not record.get("compiled_on"):
        return compilation
    return Compilation(date.fromisoformat(record["compiled_on"]), compilation.assurer)


def reference_records(
    *,
    path: Path = REFERENCE_FILE,
    contacts_path: Path | None = REFERENCE_CONTACTS_FILE,
    official_path: Path | None = OFFICIAL_LISTINGS_FILE,
) -> list[tuple[dict[str, Any], Compilation]]:
    """The reference records with their contact additions, then the official listings.

    The reference file stays a verbatim copy of the team's compilation; the
    contacts file adds what its notes held as free text (phones, addresses),
    each value with the official page it was seen on.
    """
    reference = Compilation(REFERENCE_COMPILED_ON, REFERENCE_ASSURER)
    records = [
        (dict(record), reference)
        for record in json.loads(path.read_text(encoding="utf-8"))
    ]
    if contacts_path is not None:
        additions = json.loads(contacts_path.read_text(encoding="utf-8"))["records"]
        by_id = {record["id"]: record for record, _compilation in records}
        unknown = set(additions) - set(by_id)
        if unknown:
            raise ValueError(f"Additions for unknown records: {sorted(unknown)}")
        for record_id, addition in additions.items():
            record = by_id[record_id]
            sources = list(record.get("additional_sources") or [])
            for url in addition.get("contact_sources", []):
                if url not in sources:
                    sources.append(url)
            record.update({k: v for k, v in addition.items() if k != "contact_sources"})
            record["additional_sources"] = sources
    if official_path is not None:
        official = json.loads(official_path.read_text(encoding="utf-8"))
        compilation = Compilation(
            date.fromisoformat(official["compiled_on"]), official["assurer"]
        )
        records += [
            (dict(r), _record_compilation(r, compilation))
            for r in official["organisations"]
        ]
    ids = [record["id"] for record, _compilation in records]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"Listed twice: {sorted(duplicates)}")
    return records


def _is_confirmed(org: Organization) -> bool:
    return org.assurance == Assurance.CONFIRMED and org.assured_date is not None


@transaction.atomic
def reference_load(
    *,
    path: Path = REFERENCE_FILE,
    contacts_path: Path | None = REFERENCE_CONTACTS_FILE,
    official_path: Path | None = OFFICIAL_LISTINGS_FILE,
    updated_by: str = "load-reference",
) -> ReferenceLoadResult:
    """Load the reference organisations and official listings; twice changes nothing.

    A listing a person has confirmed with the organisation since it was loaded
    is left as they confirmed it: a compilation from public pages never
    overwrites a confirmation.
    """
    vocabularies_sync()
    records = reference_records(
        path=path, contacts_path=contacts_path, official_path=official_path
    )
    types = vocabulary_terms("organization_type")
    service_terms = vocabulary_terms("service")
    forms = vocabulary_terms("exploitation_form")
    groups = vocabulary_terms("target_group")
    result = ReferenceLoadResult()
    loaded = []
    for record, compilation in records:
        fields = _reference_fields(record, compilation)
        org = Organization.objects.filter(slug=record["id"]).first()
        if org is None:
            org = Organization(slug=record["id"], **fields)
            org.full_clean()
            org.save()
            change_history_record(instance=org, before=None, updated_by=updated_by)
            result.created += 1
        elif _is_confirmed(org):
            result.kept_confirmed += 1
            continue
        else:
            before = snapshot(org)
            for name, value in fields.items():
                if name != "id":
                    setattr(org, name, value)
            org.full_clean()
            if snapshot(org) != before:
                org.save()
                change_history_record(
                    instance=org, before=before, updated_by=updated_by
                )
                result.updated += 1
            else:
                result.unchanged += 1

        attributes_set(
            entity=Attribute.LinkEntity.ORGANIZATION,
            record_id=org.pk,
            taxonomy_slug="organization_type",
            terms=[types[code] for code in _type_codes(record)],
        )
        attributes_set(
            entity=Attribute.LinkEntity.ORGANIZATION,
            record_id=org.pk,
            taxonomy_slug="exploitation_form",
            terms=[forms[c] for c in record.get("exploitation_forms") or []],
        )
        attributes_set(
            entity=Attribute.LinkEntity.ORGANIZATION,
            record_id=org.pk,
            taxonomy_slug="target_group",
            terms=[groups[c] for c in record.get("target_groups") or []],
        )
        _reference_services_sync(org, record, service_terms)
        location = _reference_location_sync(org, record)
        _reference_hours_sync(org, record, location)
        _reference_phones_sync(org, record)
        loaded.append(org.pk)
    index_update(loaded)
    return result


def _type_codes(record: Mapping[str, Any]) -> list[str]:
    """Organisation type terms: the record's `types` (vocabulary codes) or its
    reference `type`."""
    if record.get("types"):
        return list(record["types"])
    return [REFERENCE_TYPE_TO_TERM[record["type"]]]


def _reference_services_sync(
    org: Organization, record: Mapping[str, Any], terms: Mapping[str, TaxonomyTerm]
) -> None:
    wanted_ids = set()
    for code in record.get("services") or []:
        # Reference codes are mapped; official listings use vocabulary codes.
        term = terms[REFERENCE_SERVICE_TO_TERM.get(code, code)]
        service_id = stable_uuid("service", record["id"], term.code)
        wanted_ids.add(service_id)
        Service.objects.update_or_create(
            id=service_id,
            defaults={
                "organization": org,
                **{
                    f"name_{lang}": getattr(term, f"name_{lang}")
                    for lang, _name in settings.LANGUAGES
                },
            },
        )
        attributes_set(
            entity=Attribute.LinkEntity.SERVICE,
            record_id=service_id,
            taxonomy_slug="service",
            terms=[term],
        )
    stale = org.services.exclude(id__in=wanted_ids)
    Attribute.objects.filter(
        link_entity=Attribute.LinkEntity.SERVICE, link_id__in=stale.values("id")
    ).delete()
    stale.delete()


def _reference_location_sync(
    org: Organization, record: Mapping[str, Any]
) -> Location | None:
    address = record.get("address") or {}
    city = address.get("city") or record.get("city")
    if not city or not record.get("country") or record["country"] == "EU":
        org.locations.all().delete()
        return None
    kind = address.get("address_type") or Address.AddressType.PHYSICAL
    location, _created = Location.objects.update_or_create(
        id=stable_uuid("location", record["id"]),
        defaults={"organization": org, "name": city, "location_type": kind},
    )
    row, _created = Address.objects.update_or_create(
        id=stable_uuid("address", record["id"]),
        defaults={
            "location": location,
            "address_1": address.get("address_1") or "",
            "address_2": address.get("address_2") or "",
            "postal_code": address.get("postal_code") or "",
            "city": city,
            "country": record["country"],
            "address_type": kind,
        },
    )
    row.full_clean()
    org.locations.exclude(pk=location.pk).delete()
    return location


def _reference_hours_sync(
    org: Organization, record: Mapping[str, Any], location: Location | None
) -> None:
    """The opening hours of the record's location, each entry with the page of
    the body itself (its `source`, one of the record's sources) that gives them."""
    entries = record.get("hours") or []
    if entries and location is None:
        raise ValueError(f"{record['id']}: opening hours but no location")
    sources = {record.get("source_url"), *(record.get("additional_sources") or [])}
    wanted = set()
    for entry in entries:
        if entry.get("source") not in sources:
            raise ValueError(f"{record['id']}: opening hours without their page")
        schedule_id = stable_uuid(
            "schedule", record["id"], entry.get("byday", ""), entry.get("opens_at", "")
        )
        wanted.add(schedule_id)
        schedule, _created = Schedule.objects.update_or_create(
            id=schedule_id,
            defaults={
                "location": location,
                "service": None,
                "freq": Schedule.Frequency.WEEKLY if entry.get("byday") else "",
                "byday": entry.get("byday", ""),
                "opens_at": time.fromisoformat(entry["opens_at"])
                if entry.get("opens_at")
                else None,
                "closes_at": time.fromisoformat(entry["closes_at"])
                if entry.get("closes_at")
                else None,
                "description": entry.get("description", ""),
                "notes": entry.get("notes", ""),
            },
        )
        schedule.full_clean()
    Schedule.objects.filter(location__organization=org).exclude(id__in=wanted).delete()


def _reference_phones_sync(org: Organization, record: Mapping[str, Any]) -> None:
    """The record's phones: `phones` entries, or the reference file's one `phone`."""
    entries = list(record.get("phones") or [])
    if not entries and record.get("phone"):
        entries = [{"number": record["phone"]}]
    wanted = set()
    for entry in entries:
        short = short_number_digits(entry["number"])
        if short is not None:
            # Dialled in the organisation's country unless the entry names one.
            number, country = short, entry.get("country") or record.get("country")
        else:
            number = phone_to_e164(entry["number"], region=record.get("country"))
            country = ""
        phone_id = stable_uuid("phone", record["id"], number)
        wanted.add(phone_id)
        phone, _created = Phone.objects.update_or_create(
            id=phone_id,
            defaults={
                "organization": org,
                "number": number,
                "country": country or "",
                "is_hotline": bool(entry.get("hotline")),
                "type": entry.get("type") or Phone.PhoneType.VOICE,
                **_language_fields("description", _phone_descriptions(entry)),
            },
        )
        phone.full_clean()
    org.phones.exclude(id__in=wanted).delete()


def _phone_descriptions(entry: Mapping[str, Any]) -> dict[str, str]:
    """A phone entry's `description`: one English text, or a text per language."""
    description = entry.get("description") or {}
    if isinstance(description, str):
        return {"en": description}
    unknown = set(description) - {code for code, _name in settings.LANGUAGES}
    if unknown:
        raise ValueError(
            f"Phone {entry['number']}: description in unknown languages "
            f"{sorted(unknown)}"
        )
    return dict(description)


def phone_to_e164(number: str, *, region: str | None = None) -> str:
    """A number as typed (national or international) in E.164 form, or unchanged."""
    try:
        parsed = phonenumbers.parse(number, region if region != "EU" else None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Change history -------------------------------------------------------------

HISTORY_EXCLUDED_FIELDS = {"created_at", "updated_at"}


def snapshot(instance: models.Model) -> dict[str, str]:
    """The record's concrete field values as text, for a field-by-field diff."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in HISTORY_EXCLUDED_FIELDS:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, list | dict):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        elif value is None:
            text = ""
        else:
            text = str(value)
        values[field.attname] = text
    return values


def change_history_record(
    *,
    instance: models.Model,
    before: Mapping[str, str] | None,
    updated_by: str,
    deleted: bool = False,
) -> list[ChangeRecord]:
    """Write one HSDS-style metadata row per changed field of `instance`."""
    resource_type = instance._meta.model_name or ""
    if deleted:
        rows = [
            ChangeRecord(
                resource_id=instance.pk,
                resource_type=resource_type,
                last_action_type=ChangeRecord.Action.DELETE,
                updated_by=updated_by,
            )
        ]
    else:
        after = snapshot(instance)
        action = (
            ChangeRecord.Action.CREATE if before is None else ChangeRecord.Action.UPDATE
        )
        rows = [
            ChangeRecord(
                resource_id=instance.pk,
                resource_type=resource_type,
                last_action_type=action,
                field_name=name,
                previous_value="" if before is None else before.get(name, ""),
                replacement_value=value,
                updated_by=updated_by,
            )
            for name, value in after.items()
            if (before is None and value)
            or (before is not None and before.get(name) != value)
        ]
    return ChangeRecord.objects.bulk_create(rows)


def organization_slug_for(name: str) -> str:
    base = slugify(name)[:100] or "listing"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def listing_ids_of(instance: models.Model) -> set[uuid.UUID]:
    """The listings whose search document shows something of `instance`."""
    from .models import (
        Contact,
        Language,
        ServiceArea,
        ServiceAtLocation,
    )

    match instance:
        case Organization():
            return {instance.pk}
        case Service() | Location() | Contact() | Phone():
            return {instance.organization_id}
        case Address():
            return {instance.location.organization_id}
        case ServiceAtLocation() | ServiceArea():
            return {instance.service.organization_id}
        case Language():
            owner = instance.service or instance.location or instance.phone
            return {owner.organization_id} if owner else set()
        case Attribute():
            return _attribute_listing_ids([instance])
        case TaxonomyTerm():
            return _attribute_listing_ids(instance.attributes.all())
        case Taxonomy():
            return _attribute_listing_ids(
                Attribute.objects.filter(taxonomy_term__taxonomy=instance)
            )
    return set()


def _attribute_listing_ids(attributes: Iterable[Attribute]) -> set[uuid.UUID]:
    ids = set()
    service_ids = []
    for attribute in attributes:
        if attribute.link_entity == Attribute.LinkEntity.ORGANIZATION:
            ids.add(attribute.link_id)
        elif attribute.link_entity == Attribute.LinkEntity.SERVICE:
            service_ids.append(attribute.link_id)
    ids.update(
        Service.objects.filter(pk__in=service_ids).values_list(
            "organization_id", flat=True
        )
    )
    return ids


def export_audit_record(
    *, request: HttpRequest, kind: str, filters: dict[str, Any], count: int
) -> None:
    """The one audit entry of an export that holds professional-only details."""
    audit_record(
        action=DirectoryAction.EXPORT,
        actor=request.user,
        request=request,
        target_type="directory",
        details={"kind": kind, "filters": filters, "count": count},
    )


LISTING_MODELS = [
    Organization,
    Service,
    Location,
    Address,
    Contact,
    Phone,
    Language,
    Attribute,
]


def listings_analyze() -> None:
    """PostgreSQL: planner statistics for the listings' tables and the search
    index, after a bulk write (the demo generator, an HSDS import).

    Without them (autovacuum off, or not yet run) the planner takes a table
    of 750,000 attributes for a few hundred rows and picks nested loops that
    turn a 1 ms look-up into 50 ms (the HSDS API's taxonomy terms, issue 18).
    """
    analyze()
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in LISTING_MODELS
    )
    with connection.cursor() as cursor:
        # Table names from the models' metadata, quoted.
        cursor.execute(f"ANALYZE {tables}")
