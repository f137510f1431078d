"""Turning listings into search documents (text in every language, facets).

The index is public, whoever searches: a document holds only what anyone may
see (`relais.directory.visibility`), never a professionals-only value.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django_countries import countries

from relais.core.bulk import select_in
from relais.core.languages import language_name
from relais.search.text import fold

from ..models import (
    Address,
    Assurance,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    SearchDocument,
    SearchFacet,
    Service,
    TaxonomyTerm,
)
from ..places import place_key, place_spellings
from ..visibility import is_public
from .gazetteer import place_find

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TAXONOMY_FACETS = {
    "organization_type": "type",
    "service": "service",
    "exploitation_form": "exploitation",
    "target_group": "group",
}


@dataclass
class BuiltDocument:
    document: SearchDocument
    facets: list[tuple[str, str]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)


class DocumentBuilder:
    """Builds documents for many listings, caching labels shared between them."""

    def __init__(self) -> None:
        self.terms = {t.pk: t for t in TaxonomyTerm.objects.select_related("taxonomy")}
        self._term_text: dict[Any, str] = {}
        self._country_text: dict[str, str] = {}
        self._language_text: dict[str, str] = {}
        self._city: dict[
            tuple[str, str], tuple[str, str, float | None, float | None]
        ] = {}

    def term_text(self, term: TaxonomyTerm) -> str:
        if term.pk not in self._term_text:
            self._term_text[term.pk] = fold(
                " ".join(getattr(term, f"name_{c}", "") or "" for c in LANGUAGE_CODES)
            )
        return self._term_text[term.pk]

    def country_text(self, code: str) -> str:
        if code not in self._country_text:
            names = []
            for language in LANGUAGE_CODES:
                with translation.override(language):
                    names.append(str(countries.name(code)))
            self._country_text[code] = fold(" ".join(names))
        return self._country_text[code]

    def language_text(self, code: str) -> str:
        if code not in self._language_text:
            names = [language_name(code, lang) for lang in LANGUAGE_CODES]
            self._language_text[code] = fold(" ".join([code, *names]))
        return self._language_text[code]

    def city(
        self, city: str, country: str
    ) -> tuple[str, str, float | None, float | None]:
        """A city's place key (the facet value), its folded spellings (from the
        gazetteer and the names of `relais.directory.places`) and coordinates."""
        key = (fold(city), country)
        if key not in self._city:
            place = place_find(city, country=country)
            variants = [fold(city)]
            latitude = longitude = None
            if place is not None:
                variants += place.names.values_list("folded", flat=True)
                latitude, longitude = place.latitude, place.longitude
            facet = place_key(city, country)
            variants += place_spellings(facet)
            self._city[key] = (
                facet,
                " ".join(dict.fromkeys(variants)),
                latitude,
                longitude,
            )
        return self._city[key]

    def build(self, org: Any, attributes: list[Any]) -> BuiltDocument:
        """The document of one listing: an `Organization` or a `PlainRow`."""
        labels: list[str] = []
        body: list[str] = []
        facets: set[tuple[str, str]] = set()
        for attribute in attributes:
            term = self.terms.get(attribute.taxonomy_term_id)
            if term is None:
                continue
            labels.append(self.term_text(term))
            facet = TAXONOMY_FACETS.get(term.taxonomy.slug)
            if facet:
                facets.add((facet, term.code))

        for code in LANGUAGE_CODES:
            body.append(getattr(org, f"description_{code}", "") or "")
        spoken: set[str] = set()
        for service in org.services.all():
            for code in LANGUAGE_CODES:
                labels.append(getattr(service, f"name_{code}", "") or "")
                body.append(getattr(service, f"description_{code}", "") or "")
            spoken.update(lang.code for lang in service.languages.all())

        latitude = longitude = None
        for location in org.locations.all():
            if not is_public(location, "location"):
                continue
            spoken.update(lang.code for lang in location.languages.all())
            body.append(location.name)
            if (
                location.latitude is not None
                and location.longitude is not None
                and latitude is None
            ):
                latitude, longitude = (
                    float(location.latitude),
                    float(location.longitude),
                )
            for address in location.addresses.all():
                place, variants, lat, lon = self.city(
                    address.city, str(address.country)
                )
                labels.append(variants)
                labels.append(address.region)
                labels.append(address.state_province)
                if place:
                    facets.add(("city", place))
                if latitude is None and lat is not None:
                    latitude, longitude = lat, lon
        for phone in org.phones.all():
            if is_public(phone, "phone"):
                spoken.update(lang.code for lang in phone.languages.all())
        for code in spoken:
            labels.append(self.language_text(code))
            facets.add(("language", code))
        for contact in org.contacts.all():
            if is_public(contact, "contact"):
                body.extend([contact.name, contact.title, contact.department])

        country = str(org.country or "")
        if country:
            labels.append(self.country_text(country))
        completeness = sum(
            0.2
            for present in (
                any(getattr(org, f"description_{c}", "") for c in LANGUAGE_CODES),
                bool(org.services.all()),
                bool(org.website or org.email or org.phones.all()),
                bool(org.locations.all()),
                bool(spoken),
            )
            if present
        )
        document = SearchDocument(
            organization_id=org.pk,
            name_text=fold(f"{org.name} {org.alternate_name}"),
            label_text=fold(" ".join(filter(None, labels))),
            body_text=fold(" ".join(filter(None, body))),
            name_sort=org.name.casefold()[:300],
            country=country,
            latitude=latitude,
            longitude=longitude,
            assured_date=org.assured_date,
            source_verified=org.source_verified,
            public_sources=org.assurance == Assurance.PUBLIC_SOURCES,
            takes_legal_aid_cases=org.takes_legal_aid_cases,
            accepts_referrals_from_abroad=org.accepts_referrals_from_abroad,
            completeness=round(completeness, 2),
        )
        words = set(
            f"{document.name_text} {document.label_text} {document.body_text}".split()
        )
        return BuiltDocument(
            document, sorted(facets), {w for w in words if len(w) <= 60}
        )


class Related(list[Any]):
    """A listing's related rows, read like a prefetched manager (`.all()`)."""

    def all(self) -> "Related":
        return self


class PlainRow:
    """One row of `values()`, its columns as attributes (and `pk` for `id`)."""

    services: Related
    locations: Related
    phones: Related
    contacts: Related
    addresses: Related
    languages: Related
    location: "PlainRow | None"
    contact: "PlainRow | None"

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.pk: Any = values.get("id")

    def __getattr__(self, name: str) -> Any:
        # Only for columns that were not read: the others are instance attributes.
        raise AttributeError(name)


ORGANIZATION_COLUMNS = [
    "id",
    "name",
    "alternate_name",
    "country",
    "website",
    "email",
    "assured_date",
    "source_verified",
    "assurance",
    "takes_legal_aid_cases",
    "accepts_referrals_from_abroad",
    *(f"description_{c}" for c in LANGUAGE_CODES),
]
SERVICE_COLUMNS = [
    "id",
    "organization_id",
    *(f"name_{c}" for c in LANGUAGE_CODES),
    *(f"description_{c}" for c in LANGUAGE_CODES),
]


ATTRIBUTE_COLUMNS = ["link_entity", "link_id", "taxonomy_term_id"]


def plain_listings(ids: list[Any]) -> list[PlainRow]:
    """These listings with what their documents need, in a few plain queries.

    The same rows, in the same order, as `Organization` instances with their
    services, locations (addresses), phones, contacts and languages
    prefetched, without a model instance (or a queryset) per related row. A
    phone's `location` and `contact`, and a contact's `location`, are those
    rows (or None), as `visibility.is_public` reads them.
    """

    def rows(
        model: Any, columns: list[str], key: str, keys: Iterable[Any]
    ) -> Iterator[PlainRow]:
        for values in select_in(model, columns, key, keys):
            yield PlainRow(dict(zip(columns, values, strict=True)))

    orgs = sorted(
        rows(Organization, ORGANIZATION_COLUMNS, "id", ids), key=lambda o: o.pk
    )
    by_id: dict[Any, PlainRow] = {}
    for org in orgs:
        org.services = Related()
        org.locations = Related()
        org.phones = Related()
        org.contacts = Related()
        by_id[org.pk] = org

    def children(model: Any, attr: str, columns: list[str]) -> dict[Any, PlainRow]:
        found = {}
        for row in rows(model, columns, "organization", ids):
            row.languages = Related()
            getattr(by_id[row.organization_id], attr).append(row)
            found[row.pk] = row
        return found

    services = children(Service, "services", SERVICE_COLUMNS)
    locations = children(
        Location,
        "locations",
        ["id", "organization_id", "visibility", "name", "latitude", "longitude"],
    )
    phones = children(
        Phone,
        "phones",
        ["id", "organization_id", "location_id", "contact_id", "visibility"],
    )
    contacts: dict[Any, PlainRow] = {}
    for contact in rows(
        Contact,
        [
            "id",
            "organization_id",
            "location_id",
            "name",
            "title",
            "department",
            "visibility",
        ],
        "organization",
        ids,
    ):
        by_id[contact.organization_id].contacts.append(contact)
        contacts[contact.pk] = contact
    _link_marked(phones, contacts, locations)
    for location in locations.values():
        location.addresses = Related()
    for address in rows(
        Address,
        ["location_id", "city", "country", "region", "state_province"],
        "location",
        locations,
    ):
        locations[address.location_id].addresses.append(address)
    for column, owners in (
        ("service", services),
        ("location", locations),
        ("phone", phones),
    ):
        for owner, code in select_in(
            Language, [f"{column}_id", "code"], column, owners
        ):
            owners[owner].languages.append(PlainRow({"code": code}))
    return orgs


def _link_marked(
    phones: dict[Any, PlainRow],
    contacts: dict[Any, PlainRow],
    locations: dict[Any, PlainRow],
) -> None:
    """Give phones and contacts the rows whose marking decides whether they show.

    A phone or contact may point to another listing's contact or location:
    those rows are read too, so that nothing is taken for public unread.
    """
    wanted = {p.contact_id for p in phones.values()} - set(contacts)
    for values in select_in(Contact, ["id", "location_id", "visibility"], "id", wanted):
        row = PlainRow(
            dict(zip(["id", "location_id", "visibility"], values, strict=True))
        )
        contacts[row.pk] = row
    wanted = {r.location_id for r in [*phones.values(), *contacts.values()]} - set(
        locations
    )
    for values in select_in(Location, ["id", "visibility"], "id", wanted):
        row = PlainRow(dict(zip(["id", "visibility"], values, strict=True)))
        locations[row.pk] = row
    for contact in contacts.values():
        contact.location = locations.get(contact.location_id)
    for phone in phones.values():
        phone.location = locations.get(phone.location_id)
        phone.contact = contacts.get(phone.contact_id)


def built_documents(
    ids: Iterable[Any] | None, *, batch_size: int = 1000
) -> Iterator[list[BuiltDocument]]:
    builder = DocumentBuilder()
    if ids is None:
        all_ids = sorted(Organization.objects.values_list("pk", flat=True))
    else:
        all_ids = sorted(pk for (pk,) in select_in(Organization, ["id"], "id", ids))
    for start in range(0, len(all_ids), batch_size):
        orgs = plain_listings(all_ids[start : start + batch_size])
        org_ids = [o.pk for o in orgs]
        service_owner = {s.pk: o.pk for o in orgs for s in o.services.all()}
        by_org: dict[Any, list[Any]] = defaultdict(list)
        for attribute in (
            PlainRow(dict(zip(ATTRIBUTE_COLUMNS, values, strict=True)))
            for values in select_in(
                Attribute, ATTRIBUTE_COLUMNS, "link_id", org_ids + list(service_owner)
            )
        ):
            owner = (
                attribute.link_id
                if attribute.link_entity == "organization"
                else service_owner.get(attribute.link_id)
            )
            if owner is not None:
                by_org[owner].append(attribute)
        yield [builder.build(o, by_org[o.pk]) for o in orgs]


__all__ = ["BuiltDocument", "SearchFacet", "built_documents"]
