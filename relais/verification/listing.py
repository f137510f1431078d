"""The part of a listing its owners edit, as plain values, and how it is applied.

A change request stores these values as JSON; approval applies them through
the directory's records, writing the field history of every record touched.
"""

from datetime import date, time
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from relais.core.dates import WEEKDAY_CODES, format_day, format_weekly_hours
from relais.core.languages import language_name
from relais.core.typography import colon, semicolon
from relais.directory.models import (
    Address,
    Assurance,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
    Visibility,
)
from relais.directory.phones import is_short_number, phone_display
from relais.directory.services import change_history_record, snapshot

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "website": gettext_lazy("Website"),
    "email": gettext_lazy("E-mail"),
    "phones": gettext_lazy("Phones"),
    "address": gettext_lazy("Address"),
    "languages": gettext_lazy("Languages spoken"),
    "services": gettext_lazy("Services"),
    "exploitation_forms": gettext_lazy("Forms of exploitation"),
    "target_groups": gettext_lazy("Target groups"),
    "accepts_referrals_from_abroad": gettext_lazy("Accepts referrals from abroad"),
    "opening_hours": gettext_lazy("Opening hours"),
}
TAXONOMY_OF = {
    "services": "service",
    "exploitation_forms": "exploitation_form",
    "target_groups": "target_group",
}
ADDRESS_PARTS = ("address_1", "address_2", "postal_code", "city", "country")
YES_NO = {None: "", True: "yes", False: "no"}


def main_location(organization: Organization) -> Location | None:
    """The location whose address and languages the edit form shows."""
    return organization.locations.order_by("location_type", "name", "pk").first()


def _main_address(location: Location | None) -> Address | None:
    if location is None:
        return None
    return location.addresses.order_by("address_type", "pk").first()


def _phones(organization: Organization) -> list[Phone]:
    return list(organization.phones.filter(contact__isnull=True).order_by("pk"))


def _languages(organization: Organization) -> Any:
    return Language.objects.filter(
        Q(service__organization=organization)
        | Q(location__organization=organization)
        | Q(phone__organization=organization)
    )


def _organization_terms(organization: Organization, taxonomy: str) -> Any:
    return Attribute.objects.filter(
        link_entity=Attribute.LinkEntity.ORGANIZATION,
        link_id=organization.pk,
        taxonomy_term__taxonomy__slug=taxonomy,
    ).select_related("taxonomy_term")


def _service_terms(organization: Organization) -> Any:
    return Attribute.objects.filter(
        link_entity=Attribute.LinkEntity.SERVICE,
        link_id__in=organization.services.values("pk"),
        taxonomy_term__taxonomy__slug="service",
    ).select_related("taxonomy_term")


# Opening hours: per location and service, keyed "location:<id>" / "service:<id>".


def _location_label(location: Location) -> str:
    if location.name:
        return location.name
    address = _main_address(location)
    if address is not None:
        return ", ".join(p for p in (address.address_1, address.city) if p)
    if location.location_type == Location.LocationType.VIRTUAL:
        return _("Online or by phone")
    return str(location.get_location_type_display())


def hours_targets(organization: Organization) -> list[tuple[str, str, Model]]:
    """The locations and services whose opening hours the owners edit:
    (key, label in the reader's language, record)."""
    targets: list[tuple[str, str, Model]] = []
    for location in organization.locations.order_by("location_type", "name", "pk"):
        label = _("Location: %(name)s") % {"name": _location_label(location)}
        targets.append((f"location:{location.pk}", label, location))
    for service in organization.services.order_by("name", "pk"):
        label = _("Service: %(name)s") % {"name": service.name}
        targets.append((f"service:{service.pk}", label, service))
    return targets


def _time_text(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def _date_text(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def schedule_value(schedule: Schedule) -> dict[str, Any]:
    """One row of opening hours as the edit form holds it."""
    return {
        "days": [d for d in WEEKDAY_CODES if d in schedule.byday.split(",")],
        "opens_at": _time_text(schedule.opens_at),
        "closes_at": _time_text(schedule.closes_at),
        # One line, as the form's text input sends it back.
        "description": " ".join(schedule.description.split()),
        "valid_from": _date_text(schedule.valid_from),
        "valid_to": _date_text(schedule.valid_to),
    }


def _hours_order(row: dict[str, Any]) -> tuple[Any, ...]:
    days = [WEEKDAY_CODES.index(d) for d in row["days"]]
    return (row["opens_at"], days, row["description"], row["valid_from"])


def hours_sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in one order, so that the same hours compare equal however typed."""
    return sorted(rows, key=_hours_order)


def _opening_hours(organization: Organization) -> dict[str, list[dict[str, Any]]]:
    hours = {}
    for key, _label, record in hours_targets(organization):
        rows = [schedule_value(s) for s in record.schedules.all()]  # type: ignore[attr-defined]
        if rows:
            hours[key] = hours_sorted(rows)
    return hours


def listing_values(organization: Organization, language: str) -> dict[str, Any]:
    """The listing's editable values; descriptions (the listing's and its
    phones') are those in `language`."""
    location = main_location(organization)
    address = _main_address(location)
    address_values: dict[str, Any] = {}
    if address is not None and location is not None:
        address_values = {
            "address_1": address.address_1,
            "address_2": address.address_2,
            "postal_code": address.postal_code,
            "city": address.city,
            "country": str(address.country),
            "professionals_only": location.visibility == Visibility.PROFESSIONALS,
        }
    return {
        "name": organization.name,
        "description": getattr(organization, f"description_{language}", "") or "",
        "website": organization.website,
        "email": organization.email,
        "phones": [
            {
                "number": phone.number,
                "description": getattr(phone, f"description_{language}", "") or "",
                "professionals_only": phone.visibility == Visibility.PROFESSIONALS,
            }
            for phone in _phones(organization)
        ],
        "address": address_values,
        "languages": sorted(
            set(_languages(organization).values_list("code", flat=True))
        ),
        "services": sorted(
            {a.taxonomy_term.code for a in _service_terms(organization)}
        ),
        "exploitation_forms": sorted(
            a.taxonomy_term.code
            for a in _organization_terms(organization, "exploitation_form")
        ),
        "target_groups": sorted(
            a.taxonomy_term.code
            for a in _organization_terms(organization, "target_group")
        ),
        "accepts_referrals_from_abroad": YES_NO[
            organization.accepts_referrals_from_abroad
        ],
        "opening_hours": _opening_hours(organization),
    }


def field_label(name: str, language: str) -> str:
    if name == "description":
        return _("Description (%(language)s)") % {"language": language_name(language)}
    if name == "phone_description":
        return _("What it is for (%(language)s)") % {
            "language": language_name(language)
        }
    return str(FIELD_LABELS.get(name, name))


def _display_phone(phone: dict[str, Any]) -> str:
    parts = [phone_display(phone["number"])]
    if phone.get("description"):
        parts.append(f"({phone['description']})")
    if phone.get("professionals_only"):
        parts.append(_("[professionals only]"))
    return " ".join(parts)


def _display_hours_row(row: dict[str, Any]) -> str:
    language = get_language()
    parts = [
        format_weekly_hours(
            ",".join(row["days"]),
            _parse_time(row["opens_at"]),
            _parse_time(row["closes_at"]),
            language=language,
        ),
        row["description"],
    ]
    text = f"{semicolon()} ".join(p for p in parts if p)
    start, end = row.get("valid_from"), row.get("valid_to")
    if start or end:
        bounds = {
            "start": format_day(date.fromisoformat(start), language) if start else "…",
            "end": format_day(date.fromisoformat(end), language) if end else "…",
        }
        text += " " + _("(from %(start)s to %(end)s)") % bounds
    return text


def _display_hours(value: dict[str, list[dict[str, Any]]]) -> str:
    ids: dict[str, list[str]] = {"location": [], "service": []}
    for key in value:
        kind, _sep, pk = key.partition(":")
        ids.setdefault(kind, []).append(pk)
    labels = {
        f"location:{location.pk}": _("Location: %(name)s")
        % {"name": _location_label(location)}
        for location in Location.objects.filter(pk__in=ids["location"])
    }
    labels.update(
        {
            f"service:{service.pk}": _("Service: %(name)s") % {"name": service.name}
            for service in Service.objects.filter(pk__in=ids["service"])
        }
    )
    lines: list[str] = []
    for key, rows in value.items():
        label = labels.get(key, _("(removed meanwhile)"))
        lines.extend(f"{label}{colon()} {_display_hours_row(row)}" for row in rows)
    return "\n".join(lines)


def display_value(name: str, value: Any) -> str:
    """A value as the reviewer reads it, in their language."""
    if name == "opening_hours":
        return _display_hours(value)
    if name == "phones":
        return "\n".join(_display_phone(phone) for phone in value)
    if name == "address":
        if not value:
            return ""
        parts = [value.get(part, "") for part in ADDRESS_PARTS[:-1]]
        parts.append(str(countries.name(value.get("country", ""))))
        text = ", ".join(p for p in parts if p)
        if value.get("professionals_only"):
            text += " " + _("[professionals only]")
        return text
    if name == "languages":
        return ", ".join(sorted(language_name(code) for code in value))
    if name in TAXONOMY_OF:
        terms = {
            term.code: term.name
            for term in TaxonomyTerm.objects.filter(
                taxonomy__slug=TAXONOMY_OF[name], code__in=value
            )
        }
        return ", ".join(terms.get(code, code) for code in value)
    if name == "accepts_referrals_from_abroad":
        return {"yes": _("Yes"), "no": _("No")}.get(value, _("Not stated"))
    return str(value)


# Applying an approved change ---------------------------------------------------


class _History:
    """Saves and deletes records, writing the field history of each."""

    def __init__(self, updated_by: str) -> None:
        self.updated_by = updated_by

    def save(self, instance: Model) -> None:
        before = None
        if not instance._state.adding:
            before = snapshot(type(instance)._default_manager.get(pk=instance.pk))
        instance.full_clean()
        instance.save()
        change_history_record(
            instance=instance, before=before, updated_by=self.updated_by
        )

    def delete(self, instance: Model) -> None:
        change_history_record(
            instance=instance, before=None, updated_by=self.updated_by, deleted=True
        )
        instance.delete()


def listing_apply(
    *,
    organization: Organization,
    changes: dict[str, Any],
    language: str,
    updated_by: str,
    assurer: str,
    assured_date: Any,
    baseline: dict[str, Any] | None = None,
) -> None:
    """Apply the changed values to the listing's records and set its verification.

    `baseline` (the values when the owner began) limits opening hours to the
    locations and services whose hours the owner changed. Called by
    `change_request_approve` inside its transaction; the caller re-indexes the
    listing.
    """
    history = _History(updated_by)
    org = Organization.objects.get(pk=organization.pk)
    languages_before = sorted(set(_languages(org).values_list("code", flat=True)))
    for name in ("name", "website", "email"):
        if name in changes:
            setattr(org, name, changes[name])
    if "description" in changes:
        setattr(org, f"description_{language}", changes["description"])
    if "accepts_referrals_from_abroad" in changes:
        org.accepts_referrals_from_abroad = {"yes": True, "no": False}.get(
            changes["accepts_referrals_from_abroad"]
        )
    org.assured_date = assured_date
    org.assurer = assurer
    org.assurance = Assurance.CONFIRMED
    history.save(org)

    # Removing a service or a phone removes its languages: languages come after.
    if "phones" in changes:
        _phones_apply(org, changes["phones"], language, history)
    if "address" in changes:
        _address_apply(org, changes["address"], history)
    if "services" in changes:
        _services_apply(org, changes["services"], history)
    if changes.keys() & {"languages", "phones", "services"}:
        _languages_apply(org, changes.get("languages", languages_before), history)
    for name in ("exploitation_forms", "target_groups"):
        if name in changes:
            _organization_terms_apply(org, TAXONOMY_OF[name], changes[name], history)
    if "opening_hours" in changes:
        before = (baseline or {}).get("opening_hours")
        _hours_apply(org, changes["opening_hours"], before, history)


def _visibility(professionals_only: bool) -> str:
    return Visibility.PROFESSIONALS if professionals_only else Visibility.PUBLIC


def _phones_apply(
    org: Organization, wanted: list[dict[str, Any]], language: str, history: _History
) -> None:
    existing: dict[str, list[Phone]] = {}
    for phone in _phones(org):
        existing.setdefault(phone.number, []).append(phone)
    for entry in wanted:
        matches = existing.get(entry["number"])
        phone = matches.pop(0) if matches else Phone(organization=org)
        phone.number = entry["number"]
        # The edit form takes a short number only for a listing with a country.
        phone.country = org.country if is_short_number(phone.number) else ""
        setattr(phone, f"description_{language}", entry.get("description", ""))
        phone.visibility = _visibility(entry.get("professionals_only", False))
        history.save(phone)
    for leftovers in existing.values():
        for phone in leftovers:
            history.delete(phone)


def _hours_apply(
    org: Organization,
    wanted: dict[str, list[dict[str, Any]]],
    before: dict[str, list[dict[str, Any]]] | None,
    history: _History,
) -> None:
    for key, _label, record in hours_targets(org):
        rows = wanted.get(key, [])
        if before is not None and before.get(key, []) == rows:
            continue  # not the owner's change: hours edited meanwhile stay
        remaining = list(rows)
        leftovers = []
        for schedule in record.schedules.all():  # type: ignore[attr-defined]
            value = schedule_value(schedule)
            if value in remaining:
                remaining.remove(value)
            else:
                leftovers.append(schedule)
        for row in remaining:
            schedule = (
                leftovers.pop(0)
                if leftovers
                else Schedule(**{record._meta.model_name or "": record})
            )
            schedule.byday = ",".join(row["days"])
            schedule.freq = Schedule.Frequency.WEEKLY if row["days"] else ""
            schedule.opens_at = _parse_time(row["opens_at"])
            schedule.closes_at = _parse_time(row["closes_at"])
            schedule.description = row["description"]
            schedule.valid_from = _parse_date(row["valid_from"])
            schedule.valid_to = _parse_date(row["valid_to"])
            history.save(schedule)
        for schedule in leftovers:
            history.delete(schedule)


def _parse_time(text: str) -> time | None:
    return time.fromisoformat(text) if text else None


def _parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _location_for(org: Organization, history: _History, **fields: Any) -> Location:
    location = main_location(org)
    if location is None:
        location = Location(organization=org, **fields)
        history.save(location)
    return location


def _address_apply(
    org: Organization, wanted: dict[str, Any], history: _History
) -> None:
    location = main_location(org)
    address = _main_address(location)
    if not wanted:
        if address is not None:
            history.delete(address)
        return
    visibility = _visibility(wanted.get("professionals_only", False))
    if location is None:
        location = _location_for(org, history, visibility=visibility)
    else:
        location.visibility = visibility
        if location.location_type == Location.LocationType.VIRTUAL:
            location.location_type = Location.LocationType.PHYSICAL
        if address is None or address.city != wanted["city"]:
            # Coordinates of the old place would put the listing on the wrong spot.
            location.latitude = location.longitude = None
        history.save(location)
    if address is None:
        address = Address(location=location)
    for part in ADDRESS_PARTS:
        setattr(address, part, wanted.get(part, ""))
    history.save(address)


def _languages_apply(org: Organization, wanted: list[str], history: _History) -> None:
    rows = list(_languages(org))
    for row in rows:
        if row.code not in wanted:
            history.delete(row)
    present = {row.code for row in rows if row.code in wanted}
    missing = [code for code in wanted if code not in present]
    if missing:
        location = _location_for(
            org, history, location_type=Location.LocationType.VIRTUAL
        )
        for code in missing:
            history.save(Language(location=location, code=code))


def _services_apply(org: Organization, wanted: list[str], history: _History) -> None:
    by_code: dict[str, list[Attribute]] = {}
    for attribute in _service_terms(org):
        by_code.setdefault(attribute.taxonomy_term.code, []).append(attribute)
    for code, attributes in by_code.items():
        if code in wanted:
            continue
        for attribute in attributes:
            service = Service.objects.get(pk=attribute.link_id)
            # Contacts and phones of the service stay with the organisation.
            records: list[Contact | Phone] = [
                *service.contacts.all(),
                *service.phones.all(),
            ]
            for record in records:
                record.service = None
                history.save(record)
            history.delete(attribute)
            history.delete(service)
    for term in TaxonomyTerm.objects.filter(taxonomy__slug="service", code__in=wanted):
        if term.code in by_code:
            continue
        service = Service(organization=org)
        for field in service._meta.concrete_fields:
            if field.name.startswith("name_"):
                setattr(service, field.name, getattr(term, field.name, ""))
        history.save(service)
        history.save(
            Attribute(
                taxonomy_term=term,
                link_entity=Attribute.LinkEntity.SERVICE,
                link_id=service.pk,
            )
        )


def _organization_terms_apply(
    org: Organization, taxonomy: str, wanted: list[str], history: _History
) -> None:
    present = set()
    for attribute in _organization_terms(org, taxonomy):
        if attribute.taxonomy_term.code in wanted:
            present.add(attribute.taxonomy_term.code)
        else:
            history.delete(attribute)
    for term in TaxonomyTerm.objects.filter(taxonomy__slug=taxonomy, code__in=wanted):
        if term.code not in present:
            history.save(
                Attribute(
                    taxonomy_term=term,
                    link_entity=Attribute.LinkEntity.ORGANIZATION,
                    link_id=org.pk,
                )
            )
