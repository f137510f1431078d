"""The part of a listing its owners edit, as plain values, and how it is applied.

A change request stores these values as JSON; approval applies them through
the directory's records, writing the field history of every record touched.
"""

from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from relais.core.languages import language_name
from relais.directory.models import (
    Address,
    Assurance,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
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


def display_value(name: str, value: Any) -> str:
    """A value as the reviewer reads it, in their language."""
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
) -> None:
    """Apply the changed values to the listing's records and set its verification.

    Called by `change_request_approve` inside its transaction; the caller
    re-indexes the listing.
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
