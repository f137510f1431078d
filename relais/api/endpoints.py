"""The operations of the Relais API: what the directory pages show, as JSON."""

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Path, Query

from relais.core.languages import translated_field
from relais.directory import selectors
from relais.directory.forms import TAXONOMY_FIELDS, DirectorySearchForm
from relais.directory.models import Organization, Taxonomy, Visibility
from relais.directory.search import search
from relais.directory.search.gazetteer import places_matching

from . import schemas
from .api import ApiProblem, api, reader_of

MAX_PER_PAGE = 100
ERRORS: dict[int, Any] = {
    400: schemas.Problem,
    401: schemas.Problem,
    429: schemas.Problem,
}
ERRORS_AND_404: dict[int, Any] = {**ERRORS, 404: schemas.Problem}
SEARCH_PARAMETER_OF = {taxonomy: name for name, taxonomy in TAXONOMY_FIELDS.items()}


def _country(code: str) -> dict[str, str] | None:
    return {"code": code, "name": str(countries.name(code))} if code else None


def _summary(
    request: HttpRequest,
    card: selectors.ListingCard,
    distance_km: float | None = None,
) -> dict[str, Any]:
    organization = card.organization
    return {
        "id": str(organization.pk),
        "slug": organization.slug,
        "name": organization.name,
        "url": request.build_absolute_uri(organization.get_absolute_url()),
        "country": str(organization.country or "") or None,
        "cities": card.cities,
        "types": [term.code for term in card.types],
        "services": [term.code for term in card.services],
        "verification": organization.verification_state,
        "assured_date": organization.assured_date,
        "fictitious": organization.is_fictitious,
        "distance_km": round(distance_km, 1) if distance_km is not None else None,
    }


@api.get("", response={200: schemas.Index, **ERRORS}, url_name="index")
def index(request: HttpRequest, params: Query[schemas.Language]) -> dict[str, str]:
    """Where the documentation and the OpenAPI document are."""
    return {
        "documentation": request.build_absolute_uri(reverse("api:openapi-view")),
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
    }


@api.get("/search", response={200: schemas.SearchResults, **ERRORS}, url_name="search")
def search_listings(
    request: HttpRequest, params: Query[schemas.SearchParameters]
) -> dict[str, Any]:
    """Search the directory: the same parameters and results as the directory
    page, with the facets and how many listings each value would leave."""
    form = DirectorySearchForm(request.GET)
    if not form.is_valid():
        raise ApiProblem(
            400,
            _("Invalid search parameters"),
            _("Some parameters have values that cannot be used."),
            errors={
                name: [str(e) for e in errors] for name, errors in form.errors.items()
            },
        )
    query = form.search_query(per_page=min(params.per_page, MAX_PER_PAGE))
    result = search(query)
    cards = selectors.listing_cards([hit.organization for hit in result.hits])
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "total_pages": result.pages,
        "corrected_query": " ".join(result.corrected) if result.corrected else None,
        "matched_any_word": result.matched_any_word,
        "results": [
            _summary(request, card, hit.distance_km)
            for hit, card in zip(result.hits, cards, strict=True)
        ],
        "facets": {
            group.name: [
                {
                    "value": option.value,
                    "label": option.label,
                    "count": option.count,
                    "selected": option.selected,
                }
                for option in group.options
            ]
            for group in selectors.facet_groups(result)
        },
    }


def _text(record: Any, field: str) -> dict[str, Any]:
    text, language = translated_field(record, field)
    return {"text": text, "language": language}


def _terms(terms: list[Any]) -> list[dict[str, str]]:
    return [{"code": term.code, "name": term.name} for term in terms]


def _phone(phone: Any) -> dict[str, Any]:
    return {
        "number": phone.number,
        "display_number": phone.display_number,
        "dialling_country": str(phone.country) if phone.is_short_number else None,
        "extension": phone.extension,
        "type": phone.type,
        "is_hotline": phone.is_hotline,
        "description": _text(phone, "description"),
        "professionals_only": phone.visibility != Visibility.PUBLIC,
    }


def _opening_hours(schedules: Any, location_id: Any = None) -> list[dict[str, Any]]:
    return [
        {
            "location_id": str(location_id) if location_id else None,
            "byday": schedule.byday,
            "opens_at": schedule.opens_at.strftime("%H:%M")
            if schedule.opens_at
            else None,
            "closes_at": schedule.closes_at.strftime("%H:%M")
            if schedule.closes_at
            else None,
            "valid_from": schedule.valid_from,
            "valid_to": schedule.valid_to,
            "description": schedule.description,
            "text": schedule.summary(),
        }
        for schedule in schedules.all()
    ]


def _listing(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    reader = reader_of(request)
    detail = selectors.listing_detail(organization, reader.user)
    org = organization
    return {
        "id": str(org.pk),
        "slug": org.slug,
        "name": org.name,
        "alternate_name": org.alternate_name,
        "url": request.build_absolute_uri(org.get_absolute_url()),
        "country": _country(str(org.country or "")),
        "description": _text(org, "description"),
        "website": org.website,
        "email": detail.email,
        "types": _terms(detail.terms.get("organization_type", [])),
        "exploitation_forms": _terms(detail.terms.get("exploitation_form", [])),
        "target_groups": _terms(detail.terms.get("target_group", [])),
        "languages": detail.languages,
        "accepts_referrals_from_abroad": org.accepts_referrals_from_abroad,
        "legal_practice": {
            "bar_membership": org.bar_membership,
            "practice_countries": [
                _country(str(code)) for code in org.practice_countries
            ],
            "courts": org.courts,
            "takes_legal_aid_cases": org.takes_legal_aid_cases,
            "victims_counsel_experience": org.victims_counsel_experience,
        },
        "services": [
            {
                "id": str(service.pk),
                "name": service.name,
                "description": _text(service, "description"),
                "status": service.status,
                "services": _terms(terms),
                "languages": languages,
                "opening_hours": [
                    *_opening_hours(service.schedules),
                    *(
                        hours
                        for at in service.hours_at_locations  # type: ignore[attr-defined]
                        for hours in _opening_hours(at.schedules, at.location_id)
                    ),
                ],
            }
            for service, terms, languages in detail.services
        ],
        "locations": [
            {
                "id": str(location.pk),
                "name": location.name,
                "location_type": location.location_type,
                "latitude": location.latitude,
                "longitude": location.longitude,
                "professionals_only": location.visibility != Visibility.PUBLIC,
                "addresses": [
                    {
                        "address_1": address.address_1,
                        "address_2": address.address_2,
                        "postal_code": address.postal_code,
                        "city": address.city,
                        "region": address.region,
                        "country": _country(str(address.country)),
                    }
                    for address in location.addresses.all()
                ],
                "opening_hours": _opening_hours(location.schedules),
            }
            for location in detail.locations
        ],
        "phones": [_phone(phone) for phone in detail.phones],
        "contacts": [
            {
                "id": str(contact.pk),
                "name": contact.name,
                "title": contact.title,
                "department": contact.department,
                "email": contact.email,
                "professionals_only": contact.visibility != Visibility.PUBLIC,
                "phones": [_phone(phone) for phone in contact.phones.all()],
            }
            for contact in detail.contacts
        ],
        "hidden_details": detail.hidden_details,
        "professional": reader.professional,
        "verification": {
            "state": org.verification_state,
            "assured_date": org.assured_date,
            "assurer": org.assurer,
            "months_since": org.months_since_verification,
        },
        "source": {
            "url": org.source_url,
            "additional": list(org.additional_sources or []),
            "seen": org.source_seen,
            "confirmed": org.source_verified,
            "notes": org.notes,
        },
        "fictitious": org.is_fictitious,
    }


def _no_listing() -> Http404:
    return Http404(_("No listing has this address."))


@api.get(
    "/listings/{slug}",
    response={200: schemas.ListingDetail, **ERRORS_AND_404},
    url_name="listing",
)
def listing(
    request: HttpRequest,
    slug: Path[str],
    params: Query[schemas.Language],
) -> dict[str, Any]:
    """One listing, as its page shows it to this reader."""
    organization = selectors.organization_get(slug)
    if organization is None:
        raise _no_listing()
    return _listing(request, organization)


@api.get(
    "/listings/by-id/{id}",
    response={200: schemas.ListingDetail, **ERRORS_AND_404},
    url_name="listing_by_id",
)
def listing_by_id(
    request: HttpRequest,
    id: Path[str],
    params: Query[schemas.Language],
) -> dict[str, Any]:
    """One listing by its UUID (the `id` of search results and HSDS records)."""
    try:
        organization = Organization.objects.filter(pk=uuid.UUID(id)).first()
    except ValueError:
        organization = None
    if organization is None:
        raise _no_listing()
    return _listing(request, organization)


def _taxonomy(taxonomy: Taxonomy) -> dict[str, Any]:
    return {
        "slug": taxonomy.slug,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "search_parameter": SEARCH_PARAMETER_OF.get(taxonomy.slug),
        "terms": [
            {
                "code": term.code,
                "name": term.name,
                "description": term.description,
                "parent": term.parent.code if term.parent else None,
            }
            for term in taxonomy.terms.all()
        ],
    }


def _taxonomies() -> Any:
    return Taxonomy.objects.order_by("slug").prefetch_related("terms__parent")


@api.get(
    "/taxonomies",
    response={200: list[schemas.Taxonomy], **ERRORS},
    url_name="taxonomies",
)
def taxonomies(
    request: HttpRequest, params: Query[schemas.Language]
) -> list[dict[str, Any]]:
    """The controlled vocabularies (organisation types, services, forms of
    exploitation, target groups, …) with their terms, labelled in the language."""
    return [_taxonomy(taxonomy) for taxonomy in _taxonomies()]


@api.get(
    "/taxonomies/{slug}",
    response={200: schemas.Taxonomy, **ERRORS_AND_404},
    url_name="taxonomy",
)
def taxonomy(
    request: HttpRequest, slug: Path[str], params: Query[schemas.Language]
) -> dict[str, Any]:
    """One vocabulary with its terms."""
    found = _taxonomies().filter(slug=slug).first()
    if found is None:
        raise Http404(_("No vocabulary has this code."))
    return _taxonomy(found)


@api.get(
    "/countries",
    response={200: list[schemas.CountryCount], **ERRORS},
    url_name="countries",
)
def country_list(
    request: HttpRequest, params: Query[schemas.Language]
) -> list[dict[str, Any]]:
    """The countries that have listings, with how many, by localised name."""
    return [
        {"code": code, "name": name, "listings": count}
        for code, name, count in selectors.countries_with_listings()
    ]


@api.get(
    "/countries/{code}",
    response={200: schemas.CountryListings, **ERRORS_AND_404},
    url_name="country",
)
def country(
    request: HttpRequest, code: Path[str], params: Query[schemas.Language]
) -> dict[str, Any]:
    """The listings of one country (ISO 3166-1 alpha-2 code), by name."""
    code = code.upper()
    if code not in countries:
        raise Http404(_("Unknown country."))
    cards = selectors.listing_cards(list(selectors.organizations_in_country(code)))
    return {
        "code": code,
        "name": str(countries.name(code)),
        "listings": [_summary(request, card) for card in cards],
    }


@api.get("/places", response={200: list[schemas.Place], **ERRORS}, url_name="places")
def places(
    request: HttpRequest, params: Query[schemas.PlaceParameters]
) -> list[dict[str, Any]]:
    """Cities of the gazetteer whose name, in any language or spelling, starts
    with `q` (two letters at least), most populous first: values for `near`."""
    return [
        {
            "name": place.name,
            "country": place.country,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "population": place.population,
        }
        for place in places_matching(params.q)
    ]
