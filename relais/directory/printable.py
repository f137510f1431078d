"""The printable directory of one country: a PDF (WeasyPrint) for places with a
poor connection, grouped by city and by organisation type.

An edition is made for a viewer, and holds what `relais.directory.visibility`
lets that viewer see, as the listing page does: for the public (None), only
public locations, contacts, phones and e-mail addresses are printed, and a
listing is filed under the cities of its public addresses only, so a
professional-only address does not leak through its city either.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from relais.core.languages import language_name
from relais.core.pdf import html_to_pdf
from relais.core.viewers import is_professional
from relais.search.engines import index_version

from .models import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
)
from .places import city_name
from .search.tables import DIRECTORY
from .selectors import hours_at_locations

ORGANIZATION_TYPE = "organization_type"


@dataclass
class PrintedListing:
    """One listing as printed: only what this edition may show."""

    organization: Organization
    types: list[TaxonomyTerm]
    services: list[Service]
    languages: list[str]
    locations: list[Location]
    contacts: list[Contact]
    phones: list[Phone]
    email: str
    cities: list[str]


@dataclass
class TypeGroup:
    label: str
    listings: list[PrintedListing] = field(default_factory=list)


@dataclass
class CityGroup:
    city: str
    anchor: str
    types: list[TypeGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.listings) for group in self.types)


@dataclass
class PrintableDirectory:
    country_code: str
    country_name: str
    cities: list[CityGroup]
    count: int
    has_fictitious: bool
    professional: bool
    printed_on: date


def _listings(code: str, viewer: Any) -> list[PrintedListing]:
    phones_shown = Phone.objects.visible_to(viewer)
    organizations = (
        Organization.objects.filter(country=code)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.order_by("name").prefetch_related(
                    "languages", "schedules", hours_at_locations(viewer)
                ),
            ),
            Prefetch(
                "locations",
                queryset=Location.objects.visible_to(viewer)
                .order_by("name", "id")
                .prefetch_related("addresses", "languages", "schedules"),
            ),
            Prefetch(
                "contacts",
                queryset=Contact.objects.visible_to(viewer).prefetch_related(
                    Prefetch("phones", queryset=phones_shown)
                ),
            ),
            Prefetch(
                "phones",
                queryset=phones_shown.filter(contact__isnull=True)
                .order_by("-is_hotline", "number")
                .prefetch_related("languages"),
                to_attr="visible_phones",
            ),
        )
    )
    types: dict[object, list[TaxonomyTerm]] = defaultdict(list)
    for attribute in (
        Attribute.objects.filter(
            link_entity=Attribute.LinkEntity.ORGANIZATION,
            link_id__in=Organization.objects.filter(country=code).values("pk"),
            taxonomy_term__taxonomy__slug=ORGANIZATION_TYPE,
        )
        .select_related("taxonomy_term")
        .order_by("taxonomy_term__position")
    ):
        types[attribute.link_id].append(attribute.taxonomy_term)

    names: dict[tuple[str, str], str] = {}

    def city_of(city: str, country: str) -> str:
        if (city, country) not in names:
            names[(city, country)] = city_name(city, country)
        return names[(city, country)]

    listings = []
    for organization in organizations:
        services = list(organization.services.all())
        locations = list(organization.locations.all())
        phones: list[Phone] = organization.visible_phones  # type: ignore[attr-defined]
        codes = {lang.code for s in services for lang in s.languages.all()}
        codes |= {lang.code for loc in locations for lang in loc.languages.all()}
        codes |= {lang.code for phone in phones for lang in phone.languages.all()}
        # One heading per place, in the edition's language, whatever the spelling.
        cities = sorted(
            {
                city_of(address.city, str(address.country))
                for location in locations
                for address in location.addresses.all()
                if address.city.strip()
            },
            key=str.casefold,
        )
        listings.append(
            PrintedListing(
                organization=organization,
                types=types.get(organization.pk, []),
                services=services,
                languages=sorted((language_name(c) for c in codes), key=str.casefold),
                locations=locations,
                contacts=list(organization.contacts.all()),
                phones=phones,
                email=organization.email_for(viewer),
                cities=cities,
            )
        )
    return listings


def printable_directory(code: str, *, viewer: Any) -> PrintableDirectory:
    """Every listing of country `code` as `viewer` may see it (None: the public
    edition), filed by city, then by organisation type.

    A listing with offices in several cities appears under each of them; one
    without a printable address is filed at the end.
    """
    professional = is_professional(viewer)
    listings = _listings(code, viewer)
    no_city = _("No public address") if not professional else _("No address")
    by_city: dict[str, dict[tuple[int, str], list[PrintedListing]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for listing in listings:
        kind = listing.types[0] if listing.types else None
        type_key = (kind.position, str(kind.name)) if kind else (10**6, _("Other"))
        for city in listing.cities or [no_city]:
            by_city[city][type_key].append(listing)

    def city_order(city: str) -> tuple[bool, str]:
        return (city == no_city, city.casefold())

    cities = [
        CityGroup(
            city=city,
            anchor=f"city-{number}",
            types=[
                TypeGroup(label=label, listings=by_city[city][(position, label)])
                for position, label in sorted(by_city[city])
            ],
        )
        for number, city in enumerate(sorted(by_city, key=city_order), start=1)
    ]
    return PrintableDirectory(
        country_code=code,
        country_name=str(countries.name(code)),
        cities=cities,
        count=len(listings),
        has_fictitious=any(item.organization.is_fictitious for item in listings),
        professional=professional,
        printed_on=timezone.localdate(),
    )


def printable_html(
    directory: PrintableDirectory,
    request: HttpRequest | None = None,
    *,
    online_url: str = "",
) -> str:
    """The HTML that WeasyPrint lays out, in the active language."""
    return render_to_string(
        "directory/country_pdf.html",
        {"directory": directory, "online_url": online_url},
        request,
    )


def country_pdf(
    code: str,
    *,
    viewer: Any,
    request: HttpRequest | None = None,
    online_url: str = "",
) -> tuple[bytes, int]:
    """The PDF directory of country `code` for `viewer` (None: the public
    edition) in the active language, and its count.

    Laying out ~1,000 listings takes WeasyPrint some 15 s of CPU, so the public
    edition, the same for every reader, is cached for PUBLIC_EDITION_SECONDS,
    keyed by language, day, the country's last listing change and the
    directory index's version (which any write to a listing's parts changes). The
    professional edition is never cached.
    """
    key = None
    if not is_professional(viewer):
        key = _public_edition_key(code, online_url)
        cached = cache.get(key)
        if cached is not None:
            return cached
    directory = printable_directory(code, viewer=viewer)
    pdf = printable_pdf(printable_html(directory, request, online_url=online_url))
    if key is not None:
        cache.set(key, (pdf, directory.count), PUBLIC_EDITION_SECONDS)
    return pdf, directory.count


PUBLIC_EDITION_SECONDS = 15 * 60


def _public_edition_key(code: str, online_url: str) -> str:
    state = Organization.objects.filter(country=code).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    parts = [
        code,
        get_language() or "",
        timezone.localdate().isoformat(),
        str(state["count"]),
        str(state["changed"]),
        # Every write to a listing's parts (a phone, hours, an address edited
        # on its own) changes the index version, not the organisation's date.
        str(index_version(DIRECTORY)),
        online_url,
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"relais-directory-pdf:{digest}"


def printable_pdf(html: str) -> bytes:
    """Lay out `html` on A4 pages. Raises OSError when pango is missing."""
    return html_to_pdf(html)
