"""Reads from the directory; what a viewer may see comes from `visibility`."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django_countries import countries as all_countries

from relais.core.languages import language_name
from relais.core.viewers import is_professional

from .models import (
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    VerificationState,
)
from .places import place_names

if TYPE_CHECKING:
    from .search import SearchResult


def organizations_in_country(code: str) -> QuerySet[Organization]:
    return Organization.objects.filter(country=code).order_by("name", "id")


def countries_with_listings() -> list[tuple[str, str, int]]:
    """(code, localised name, listing count), sorted by the localised name."""
    rows = (
        Organization.objects.exclude(country="")
        .values("country")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = [
        (r["country"], str(all_countries.name(r["country"])), r["n"]) for r in rows
    ]
    return sorted(result, key=lambda row: row[1].casefold())


@dataclass
class ListingCard:
    """What a result row shows: the listing and its labels in the reader's language."""

    organization: Organization
    types: list[TaxonomyTerm] = field(default_factory=list)
    services: list[TaxonomyTerm] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)


def listing_cards(organizations: Sequence[Organization]) -> list[ListingCard]:
    """Decorate listings with their type, services and cities from the search index."""
    from .search.memory import facet_index

    index = facet_index()
    cards = []
    for org in organizations:
        card = ListingCard(org)
        document = index.document_for(org.pk)
        if document is not None:
            card.types = _terms(
                index, "organization_type", index.facets["type"].of(document)
            )
            card.services = _terms(
                index, "service", index.facets["service"].of(document)
            )
            card.cities = index.facets["city"].of(document)
        cards.append(card)
    # Each listing's cities, named in the reader's language.
    names = place_names({key for card in cards for key in card.cities})
    for card in cards:
        card.cities = sorted(
            {names[key] for key in card.cities}, key=lambda name: name.casefold()
        )
    return cards


def _terms(index: Any, taxonomy: str, codes: list[str]) -> list[TaxonomyTerm]:
    terms = [
        index.term_by_code[(taxonomy, c)]
        for c in codes
        if (taxonomy, c) in index.term_by_code
    ]
    return sorted(terms, key=lambda t: t.position)


def organization_get(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first()


@dataclass
class ListingDetail:
    organization: Organization
    terms: dict[str, list[TaxonomyTerm]]
    services: list[tuple[Service, list[TaxonomyTerm], list[str]]]
    locations: list[Location]
    contacts: list[Contact]
    phones: list[Phone]
    email: str
    languages: list[str]
    hidden_details: int


def _terms_by_taxonomy(
    entity: str, ids: Iterable[uuid.UUID]
) -> dict[Any, dict[str, list[TaxonomyTerm]]]:
    result: dict[Any, dict[str, list[TaxonomyTerm]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for attribute in (
        Attribute.objects.filter(link_entity=entity, link_id__in=list(ids))
        .select_related("taxonomy_term__taxonomy")
        .order_by("taxonomy_term__position")
    ):
        term = attribute.taxonomy_term
        result[attribute.link_id][term.taxonomy.slug].append(term)
    return result


def hours_at_locations(viewer: Any) -> Prefetch:
    """A service's opening hours at each of its locations (HSDS schedules of a
    service_at_location), as `service.hours_at_locations`: only at the
    locations `viewer` may see."""
    with_hours = Schedule.objects.filter(service_at_location__isnull=False).values(
        "service_at_location"
    )
    return Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.filter(
            pk__in=with_hours, location__in=Location.objects.visible_to(viewer)
        )
        .select_related("location__organization")
        .prefetch_related("location__addresses", "schedules")
        .order_by("location__name", "id"),
        to_attr="hours_at_locations",
    )


def listing_detail(organization: Organization, user: Any) -> ListingDetail:
    """Everything a listing page shows to this viewer, and nothing they may not see."""
    services = list(
        organization.services.prefetch_related(
            "languages", "schedules", hours_at_locations(user)
        ).order_by("name")
    )
    service_terms = _terms_by_taxonomy(
        Attribute.LinkEntity.SERVICE, (s.pk for s in services)
    )
    service_rows = [
        (
            service,
            service_terms.get(service.pk, {}).get("service", []),
            [language_name(lang.code) for lang in service.languages.all()],
        )
        for service in services
    ]

    all_locations = organization.locations.prefetch_related("addresses", "schedules")
    locations = list(all_locations.visible_to(user))
    all_contacts = organization.contacts.all()
    contacts = list(
        all_contacts.visible_to(user).prefetch_related(_visible_phones(user))
    )
    # Phone's own manager: django-modeltranslation replaces the class of
    # `organization.phones`, which mypy then no longer knows has `visible_to`.
    all_phones = Phone.objects.filter(organization=organization, contact__isnull=True)
    phones = list(all_phones.visible_to(user))
    email = organization.email_for(user)

    hidden = 0
    if not is_professional(user):
        hidden = (
            all_locations.count()
            - len(locations)
            + all_contacts.count()
            - len(contacts)
            + all_phones.count()
            - len(phones)
            + (1 if organization.email and not email else 0)
        )

    codes = set(
        Language.objects.filter(
            Q(service__organization=organization)
            | Q(location__in=locations)
            | Q(phone__in=phones)
        ).values_list("code", flat=True)
    )
    return ListingDetail(
        organization=organization,
        terms=_terms_by_taxonomy(
            Attribute.LinkEntity.ORGANIZATION, [organization.pk]
        ).get(organization.pk, {}),
        services=service_rows,
        locations=locations,
        contacts=contacts,
        phones=phones,
        email=email,
        languages=sorted(language_name(c) for c in codes),
        hidden_details=hidden,
    )


def _visible_phones(user: Any) -> Prefetch:
    return Prefetch("phones", queryset=Phone.objects.visible_to(user))


def contact_get_visible(
    organization: Organization, contact_id: uuid.UUID, user: Any
) -> Contact | None:
    """The contact if `user` may see it, with the phones they may see."""
    return (
        organization.contacts.visible_to(user)
        .filter(pk=contact_id)
        .prefetch_related(_visible_phones(user))
        .first()
    )


# Search results ---------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    label: str
    options: list[FacetOption]
    single: bool = False


def facet_groups(result: "SearchResult") -> list[FacetGroup]:
    """The facets of a search with labels in the reader's language and live counts."""
    from django.utils.translation import gettext as _

    query = result.query
    term_labels: dict[str, dict[str, str]] = defaultdict(dict)
    positions: dict[tuple[str, str], int] = {}
    from .search.documents import TAXONOMY_FACETS
    from .search.memory import facet_index

    for term in facet_index().terms.values():
        facet = TAXONOMY_FACETS.get(term.taxonomy.slug)
        if facet is None:
            continue
        term_labels[facet][term.code] = term.name
        positions[(facet, term.code)] = term.position

    def options(facet: str, label_of: Any, order: str = "label") -> list[FacetOption]:
        counts = result.facets.get(facet, {})
        selected = set(getattr(query, facet, []) or [])
        values = set(counts) | selected
        rows = [
            FacetOption(str(v), str(label_of(v)), counts.get(v, 0), v in selected)
            for v in values
        ]
        if order == "position":
            rows.sort(key=lambda o: positions.get((facet, o.value), 999))
        elif order == "count":
            rows.sort(key=lambda o: (-o.count, o.label.casefold()))
        else:
            rows.sort(key=lambda o: o.label.casefold())
        return rows

    def yes_no(facet: str, label: str) -> FacetGroup:
        counts = result.facets.get(facet, {})
        current = getattr(query, facet)
        return FacetGroup(
            facet,
            label,
            [
                FacetOption("yes", _("Yes"), counts.get("yes", 0), current is True),
                FacetOption("no", _("No"), counts.get("no", 0), current is False),
            ],
            single=True,
        )

    states = dict(VerificationState.choices)
    city_names = place_names(set(result.facets.get("city", {})) | set(query.city or []))
    return [
        FacetGroup("country", _("Country"), options("country", all_countries.name)),
        FacetGroup("city", _("City"), options("city", city_names.get, order="count")),
        FacetGroup(
            "type",
            _("Organisation type"),
            options("type", lambda v: term_labels["type"].get(v, v), "position"),
        ),
        FacetGroup(
            "service",
            _("Service"),
            options("service", lambda v: term_labels["service"].get(v, v), "position"),
        ),
        FacetGroup(
            "exploitation",
            _("Form of exploitation"),
            options(
                "exploitation",
                lambda v: term_labels["exploitation"].get(v, v),
                "position",
            ),
        ),
        FacetGroup(
            "group",
            _("Target group"),
            options("group", lambda v: term_labels["group"].get(v, v), "position"),
        ),
        FacetGroup(
            "language", _("Language spoken"), options("language", language_name)
        ),
        yes_no("legal_aid", _("Takes legally-aided (pro deo) cases")),
        yes_no("referrals", _("Accepts referrals from abroad")),
        FacetGroup(
            "verification",
            _("Verification"),
            [
                FacetOption(
                    state,
                    str(label),
                    result.facets.get("verification", {}).get(state, 0),
                    state in query.verification,
                )
                for state, label in states.items()
            ],
        ),
    ]


def map_points(organizations: Sequence[Organization]) -> list[dict[str, Any]]:
    """Public coordinates of these listings, for the results map."""
    from .models import SearchDocument

    names = {o.pk: o for o in organizations}
    return [
        {
            "name": names[org_id].name,
            "url": names[org_id].get_absolute_url(),
            "lat": round(lat or 0, 5),
            "lon": round(lon or 0, 5),
        }
        for org_id, lat, lon in SearchDocument.objects.filter(
            organization_id__in=list(names),
            latitude__isnull=False,
            longitude__isnull=False,
        ).values_list("organization_id", "latitude", "longitude")
    ]
