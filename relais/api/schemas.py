"""The shapes of the Relais API's answers and parameters (OpenAPI components)."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from relais.directory.forms import MAX_VALUES_PER_FACET, RADIUS_CHOICES

VerificationStateCode = Literal["verified", "public_sources", "stale", "unverified"]
VERIFICATION_STATES = (
    "verified: a person confirmed the details with the organisation;"
    " public_sources: compiled from public sources, not yet confirmed;"
    " stale: confirmed too long ago; unverified: never confirmed."
)

LANGUAGE_PARAMETER = (
    "Language of labels and descriptions: en, fr, nl, ro, bg, es or sv. "
    "Without it (or with another value) the Accept-Language header decides."
)


class Problem(Schema):
    """An RFC 9457 problem: every error of the API has this shape."""

    type: str = Field(examples=["about:blank"])
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="Per parameter: what is wrong with its value."
    )


def _facet(description: str) -> list[str]:
    return Field(
        default_factory=list,
        max_length=MAX_VALUES_PER_FACET,
        description=description + " Repeat the parameter for several values.",
    )


class SearchParameters(Schema):
    """The directory page's search, parameter for parameter."""

    q: str = Field("", max_length=500, description="Words to search for.")
    country: list[str] = _facet("ISO 3166-1 alpha-2 country code, e.g. BE.")
    city: list[str] = _facet(
        "A value of the `city` facet (a place key: the GeoNames id of a known "
        "city), or a city name in any spelling or script."
    )
    type: list[str] = _facet("Organisation type code (taxonomy organization_type).")
    service: list[str] = _facet("Service code (taxonomy service).")
    exploitation: list[str] = _facet(
        "Form of exploitation code (taxonomy exploitation_form)."
    )
    group: list[str] = _facet("Target group code (taxonomy target_group).")
    language: list[str] = _facet("ISO 639 code of a language spoken, e.g. ro.")
    legal_aid: Literal["", "yes", "no"] = Field(
        "", description="Takes legally-aided (pro deo) cases."
    )
    referrals: Literal["", "yes", "no"] = Field(
        "", description="Accepts referrals from abroad."
    )
    verification: list[VerificationStateCode] = Field(
        default_factory=list,
        max_length=4,
        description="Verification state. Repeat the parameter for several values.",
    )
    outdated: bool = Field(
        False,
        description=(
            "Include listings not re-confirmed for a long time (18 months by"
            " default), which the default search leaves out."
        ),
    )
    near: str = Field(
        "",
        max_length=200,
        description="A city, in any language or spelling: sort by distance from it.",
    )
    lat: float | None = Field(
        None, ge=-90, le=90, description="Latitude of the point to search near."
    )
    lon: float | None = Field(
        None, ge=-180, le=180, description="Longitude of the point to search near."
    )
    radius: int = Field(
        50,
        description="Distance in km from `near` or `lat`/`lon`.",
        json_schema_extra={"enum": [value for value, _label in RADIUS_CHOICES]},
    )
    sort: Literal["", "relevance", "distance", "name", "verified"] = Field(
        "", description="Order of the results (default: relevance, or distance)."
    )
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(
        20, ge=1, description="Results per page; values above 100 count as 100."
    )
    lang: str = Field("", max_length=10, description=LANGUAGE_PARAMETER)


class Language(Schema):
    lang: str = Field("", max_length=10, description=LANGUAGE_PARAMETER)


class ListingSummary(Schema):
    id: str
    slug: str
    name: str
    url: str
    country: str | None
    cities: list[str]
    types: list[str] = Field(description="Organisation type codes.")
    services: list[str] = Field(description="Service codes.")
    verification: VerificationStateCode = Field(description=VERIFICATION_STATES)
    assured_date: date | None = Field(
        description="Date of the last verification, or of the compilation from "
        "public sources."
    )
    fictitious: bool = Field(description="Fictitious demo data.")
    distance_km: float | None


class FacetOption(Schema):
    value: str
    label: str
    count: int = Field(description="Listings the search would find with this value.")
    selected: bool


class SearchResults(Schema):
    total: int
    page: int
    per_page: int
    total_pages: int
    corrected_query: str | None = Field(
        description="The words actually searched for, when a typo was corrected."
    )
    matched_any_word: bool = Field(
        description="No listing had every word: these have some of them."
    )
    results: list[ListingSummary]
    facets: dict[str, list[FacetOption]]


class Term(Schema):
    code: str
    name: str


class Country(Schema):
    code: str
    name: str


class Address(Schema):
    address_1: str
    address_2: str
    postal_code: str
    city: str
    region: str
    country: Country


class OpeningHours(Schema):
    location_id: str | None = Field(
        description="For a service's hours at one of its locations only (HSDS "
        "service_at_location schedules), that location's id; null for hours "
        "that hold wherever the service or location is."
    )
    byday: str = Field(
        description="iCal days, a comma list of MO, TU, WE, TH, FR, SA, SU; "
        "empty when only `description` says when."
    )
    opens_at: str | None = Field(description="Local time, HH:MM.")
    closes_at: str | None = Field(description="Local time, HH:MM.")
    valid_from: date | None
    valid_to: date | None
    description: str = Field(description="Hours the fields cannot say, as written.")
    text: str = Field(
        description="Days and times in the requested language, e.g. "
        "'Mon - Fri 08:30-17:00' (empty without days)."
    )


class Location(Schema):
    id: str
    name: str
    location_type: str
    latitude: float | None
    longitude: float | None
    professionals_only: bool
    addresses: list[Address]
    opening_hours: list[OpeningHours]


class Text(Schema):
    text: str
    language: str | None = Field(
        description="The language the text is written in: another one than "
        "requested when no translation exists."
    )


class Phone(Schema):
    number: str = Field(
        description="E.164 form, or the digits of a national short number "
        "(e.g. 116111) that can only be dialled inside `dialling_country`."
    )
    display_number: str
    dialling_country: str | None = Field(
        description="For a short number, the ISO 3166-1 code of the only country "
        "it can be dialled from; null for an international number."
    )
    extension: str
    type: str = Field(description="The HSDS phone type (voice, text, fax, ...).")
    is_hotline: bool = Field(
        description="A helpline for victims, witnesses or professionals; "
        "hotlines come first."
    )
    description: Text
    professionals_only: bool


class Contact(Schema):
    id: str
    name: str
    title: str
    department: str
    email: str
    professionals_only: bool
    phones: list[Phone]


class Service(Schema):
    id: str
    name: str
    description: Text
    status: str
    services: list[Term]
    languages: list[str] = Field(description="Languages spoken, by name.")
    opening_hours: list[OpeningHours]


class Verification(Schema):
    state: VerificationStateCode = Field(description=VERIFICATION_STATES)
    assured_date: date | None
    assurer: str
    months_since: int | None


class Source(Schema):
    url: str
    additional: list[str]
    seen: date | None
    confirmed: bool = Field(
        description="The source confirmed the organisation's core facts."
    )
    notes: str


class LegalPractice(Schema):
    bar_membership: str
    practice_countries: list[Country]
    courts: str
    takes_legal_aid_cases: bool | None
    victims_counsel_experience: str


class ListingDetail(Schema):
    id: str
    slug: str
    name: str
    alternate_name: str
    url: str
    country: Country | None
    description: Text
    website: str
    email: str = Field(description="Empty when hidden from this reader.")
    types: list[Term]
    exploitation_forms: list[Term]
    target_groups: list[Term]
    languages: list[str] = Field(description="Languages spoken, by name.")
    accepts_referrals_from_abroad: bool | None
    legal_practice: LegalPractice
    services: list[Service]
    locations: list[Location]
    phones: list[Phone]
    contacts: list[Contact]
    hidden_details: int = Field(
        description="Contact details left out because they are for "
        "professionals only (0 for a professional reader)."
    )
    professional: bool = Field(
        description="The answer includes professional-only details."
    )
    verification: Verification
    source: Source
    fictitious: bool


class TaxonomyTerm(Schema):
    code: str
    name: str
    description: str
    parent: str | None = Field(description="Code of the broader term.")


class Taxonomy(Schema):
    slug: str
    name: str
    description: str
    search_parameter: str | None = Field(
        description="The search parameter that filters by this vocabulary."
    )
    terms: list[TaxonomyTerm]


class CountryCount(Schema):
    code: str
    name: str
    listings: int


class CountryListings(Schema):
    code: str
    name: str
    listings: list[ListingSummary]


class Place(Schema):
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


class Index(Schema):
    documentation: str
    openapi: str


class PlaceParameters(Schema):
    q: str = Field(max_length=100, description="The first letters of a city name.")
    lang: str = Field("", max_length=10, description=LANGUAGE_PARAMETER)
