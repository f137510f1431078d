"""Professionals-only details stay out of every output, whatever the record.

One listing carries a distinctive value (a sentinel) on each kind of record
that can be marked "professionals only", and on the records that belong to
one: a public phone and a public contact of a professionals-only shelter.
Every output is read as an anonymous visitor, as a password-only session and
as a verified professional: the first two never see a sentinel; the
professional sees those that the output shows to professionals.
"""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from relais.directory.models import (
    Contact,
    Organization,
    SearchDocument,
    ServiceAtLocation,
    Visibility,
)
from relais.directory.places import place_key
from relais.directory.search import SearchQuery, index_update, search
from relais.search.text import fold

from .factories import (
    AddressFactory,
    ContactFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db

NAME = "Fictitious Harbour House"

ORG_EMAIL = "orgmail.zentinel@example.org"  # the organisation's, professionals only
SHELTER_NAME = "Zentinel Refuge"  # a professionals-only location ...
SHELTER_STREET = "Zentinelweg 13"  # ... its address ...
SHELTER_CITY = "Zentinelburg"
SHELTER_LATITUDE = "51.200123"
SHELTER_LANGUAGE = "Georgian"  # ... a language spoken there ...
SHELTER_PHONE = "+3225550101"  # ... and a public phone attached to it,
SHELTER_PHONE_LANGUAGE = "Armenian"  # with a language of its own.
WARDEN_NAME = "Zentinel Warden"  # a public contact at the shelter
WARDEN_EMAIL = "warden.zentinel@example.org"
CONFIDANT_NAME = "Zentinel Confidant"  # a professionals-only contact
CONFIDANT_EMAIL = "confidant.zentinel@example.org"
CONFIDANT_PHONE = "+3225550303"  # its public phone
OFFICE_PHONE = "+3225550404"  # a professionals-only phone at the public office
DESK_PHONE = "+3225550505"  # a professionals-only phone of the public desk
DESK_SHELTER_PHONE = "+3225550606"  # a public phone of the desk, at the shelter

LISTING = {
    ORG_EMAIL,
    SHELTER_NAME,
    SHELTER_STREET,
    SHELTER_CITY,
    SHELTER_LATITUDE,
    SHELTER_LANGUAGE,
    SHELTER_PHONE,
    SHELTER_PHONE_LANGUAGE,
    WARDEN_NAME,
    WARDEN_EMAIL,
    CONFIDANT_NAME,
    CONFIDANT_EMAIL,
    CONFIDANT_PHONE,
    OFFICE_PHONE,
    DESK_PHONE,
    DESK_SHELTER_PHONE,
}
SENTINELS = sorted(LISTING)
SEARCH_WORDS = ["Zentinel", "Zentinelweg", "Zentinelburg", "Refuge", "Warden"]

VIEWERS = ["anonymous", "password_only_client", "member_be_client"]
PROFESSIONAL = "member_be_client"


@pytest.fixture
def listing(vocabularies):
    org = OrganizationFactory(
        name=NAME,
        slug="fictitious-harbour-house",
        country="BE",
        email=ORG_EMAIL,
        email_visibility=Visibility.PROFESSIONALS,
    )
    tag(org, "organization_type", "ngo")
    service = ServiceFactory(organization=org, name_en="Safe housing")
    office = LocationFactory(
        organization=org,
        name="Head office",
        latitude=Decimal("51.219400"),
        longitude=Decimal("4.402500"),
    )
    AddressFactory(location=office, address_1="Public Street 1", city="Antwerpen")
    shelter = LocationFactory(
        organization=org,
        name=SHELTER_NAME,
        visibility=Visibility.PROFESSIONALS,
        latitude=Decimal(SHELTER_LATITUDE),
        longitude=Decimal("4.400123"),
    )
    AddressFactory(
        location=shelter,
        address_1=SHELTER_STREET,
        city=SHELTER_CITY,
        postal_code="2999",
    )
    LanguageFactory(service=None, location=shelter, code="ka")
    ServiceAtLocation.objects.create(service=service, location=office)
    ServiceAtLocation.objects.create(service=service, location=shelter)

    PhoneFactory(organization=org, number="+3232011690")
    shelter_phone = PhoneFactory(
        organization=org, location=shelter, number=SHELTER_PHONE
    )
    LanguageFactory(service=None, phone=shelter_phone, code="hy")
    PhoneFactory(
        organization=org,
        location=office,
        number=OFFICE_PHONE,
        visibility=Visibility.PROFESSIONALS,
    )
    ContactFactory(
        organization=org,
        service=service,
        location=shelter,
        name=WARDEN_NAME,
        email=WARDEN_EMAIL,
    )
    confidant = ContactFactory(
        organization=org,
        name=CONFIDANT_NAME,
        email=CONFIDANT_EMAIL,
        visibility=Visibility.PROFESSIONALS,
    )
    PhoneFactory(organization=org, contact=confidant, number=CONFIDANT_PHONE)
    desk = ContactFactory(organization=org, name="Public Desk", email="")
    PhoneFactory(
        organization=org,
        contact=desk,
        number=DESK_PHONE,
        visibility=Visibility.PROFESSIONALS,
    )
    PhoneFactory(
        organization=org, contact=desk, location=shelter, number=DESK_SHELTER_PHONE
    )
    index_update([org.pk])
    return org


def squeezed(text: str) -> str:
    """Without white space: phone numbers however grouped, lines however folded."""
    return re.sub(r"\s+", "", text)


def found(text: str) -> set[str]:
    flat = squeezed(text)
    return {sentinel for sentinel in SENTINELS if squeezed(sentinel) in flat}


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def ok(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return content(response)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return "\n".join(
        str(v) for row in sheet.iter_rows(values_only=True) for v in row if v
    )


def zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode() for n in archive.namelist())


def decoded(kind: str, data: bytes) -> str:
    if kind == "xlsx":
        return xlsx_text(data)
    if kind == "datapackage":
        return zip_text(data)
    if kind == "pdf":
        return pdf_text(data)
    return data.decode()


# Each output: what a client gets, and the sentinels it shows a professional.


def html_page(client, org: Organization) -> str:
    pages = [
        reverse("directory:listing", kwargs={"slug": org.slug}),
        reverse("directory:country", kwargs={"code": "be"}),
        reverse("directory:list") + "?country=BE",
    ]
    return "\n".join(ok(client.get(url)).decode() for url in pages)


def vcards(client, org: Organization) -> str:
    cards = [ok(client.get(reverse("directory:vcard", kwargs={"slug": org.slug})))]
    for contact in Contact.objects.filter(organization=org):
        url = reverse(
            "directory:contact_vcard",
            kwargs={"slug": org.slug, "contact_id": contact.pk},
        )
        response = client.get(url)
        assert response.status_code in (200, 404)
        cards.append(response.content)
    return b"\n".join(cards).decode()


def public_download(kind: str):
    def fetch(client, org: Organization) -> str:
        url = reverse("opendata:export", kwargs={"kind": kind})
        return decoded(kind, ok(client.get(url, {"country": "BE"})))

    return fetch


def professional_download(kind: str):
    def fetch(client, org: Organization) -> str:
        url = reverse("opendata:export_professional", kwargs={"kind": kind})
        response = client.get(url, {"country": "BE"})
        if response.status_code != 200:
            assert response.status_code == 302  # to sign in or the second factor
            return ""
        return decoded(kind, content(response))

    return fetch


def public_pdf(client, org: Organization) -> str:
    url = reverse("directory:country_pdf", kwargs={"code": "be"})
    return pdf_text(ok(client.get(url)))


def professional_pdf(client, org: Organization) -> str:
    url = reverse("directory:country_pdf_professional", kwargs={"code": "be"})
    response = client.get(url)
    if response.status_code != 200:
        assert response.status_code == 302
        return ""
    return pdf_text(response.content)


def api_v1(client, org: Organization) -> str:
    paths = [
        f"/api/v1/listings/{org.slug}",
        f"/api/v1/listings/by-id/{org.pk}",
        "/api/v1/search?country=BE",
        "/api/v1/countries/be",
    ]
    return "\n".join(ok(client.get(path)).decode() for path in paths)


def hsds_read(client, path: str, **params) -> str:
    pages = ok(client.get(f"/api/hsds/{path}", params)).decode()
    lines = ok(client.get(f"/api/hsds/{path}", {**params, "format": "ndjson"}))
    return pages + "\n" + lines.decode()


def hsds_organizations(client, org: Organization) -> str:
    return "\n".join(
        [
            hsds_read(client, "organizations"),
            hsds_read(client, "organizations", full="true"),
            hsds_read(client, "organizations", full_service="true"),
            hsds_read(client, "organizations", search="harbour", full="true"),
            ok(client.get(f"/api/hsds/organizations/{org.pk}")).decode(),
        ]
    )


def hsds_services(client, org: Organization) -> str:
    service = org.services.get()
    return "\n".join(
        [
            hsds_read(client, "services"),
            hsds_read(client, "services", full="true"),
            ok(client.get(f"/api/hsds/services/{service.pk}")).decode(),
        ]
    )


def hsds_service_at_locations(client, org: Organization) -> str:
    texts = [
        hsds_read(client, "service_at_locations"),
        hsds_read(client, "service_at_locations", full="true"),
        hsds_read(client, "service_at_locations", postcode="2000", full="true"),
        hsds_read(client, "service_at_locations", lat="51.2", lon="4.4", full="true"),
    ]
    for sal in ServiceAtLocation.objects.filter(service__organization=org):
        response = client.get(f"/api/hsds/service_at_locations/{sal.pk}")
        assert response.status_code in (200, 404)
        texts.append(response.content.decode())
    return "\n".join(texts)


NOTHING: set[str] = set()
SHELTER = {
    SHELTER_NAME,
    SHELTER_STREET,
    SHELTER_CITY,
    SHELTER_LATITUDE,
    SHELTER_LANGUAGE,
}
# A service shows its organisation's e-mail, its locations and its contacts.
SERVICE = {ORG_EMAIL, WARDEN_NAME, WARDEN_EMAIL, *SHELTER}
ON_PAPER = LISTING - {SHELTER_LATITUDE}
OUTPUTS = {
    "html": (html_page, ON_PAPER),
    "vcard": (vcards, LISTING - SHELTER - {SHELTER_PHONE_LANGUAGE}),
    "api_v1": (api_v1, LISTING),
    "pdf": (public_pdf, NOTHING),
    "pdf_professional": (professional_pdf, ON_PAPER),
    "hsds_organizations": (hsds_organizations, LISTING),
    "hsds_services": (hsds_services, SERVICE),
    "hsds_service_at_locations": (hsds_service_at_locations, SERVICE),
}
TABLE_ROWS = {ORG_EMAIL, SHELTER_CITY, SHELTER_PHONE, OFFICE_PHONE}
for kind, shown in [
    ("csv", TABLE_ROWS),
    ("xlsx", TABLE_ROWS),
    ("json", LISTING),
    ("datapackage", LISTING),
]:
    OUTPUTS[kind] = (public_download(kind), NOTHING)
    OUTPUTS[f"{kind}_professional"] = (professional_download(kind), shown)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_professionals_only_details_reach_professionals_only(
    request, listing, viewer, output
):
    fetch, shown = OUTPUTS[output]
    text = fetch(request.getfixturevalue(viewer), listing)
    if viewer == PROFESSIONAL or not output.endswith("_professional"):
        assert squeezed(NAME) in squeezed(text)  # read, not refused
    if viewer == PROFESSIONAL:
        assert found(text) == shown
    else:
        assert found(text) == set()


# Search: the index is public, whoever searches.


def test_search_documents_hold_public_values_only(listing):
    document = SearchDocument.objects.get(organization=listing)
    text = " ".join([document.name_text, document.label_text, document.body_text])
    for word in [*SEARCH_WORDS, *SENTINELS]:
        assert fold(word) not in text
    assert "public desk" in text  # public contacts are searchable
    facets = {(f.facet, f.value) for f in document.facets.all()}
    assert ("city", place_key("Antwerpen", "BE")) in facets
    assert ("city", SHELTER_CITY) not in facets
    assert not {("language", "ka"), ("language", "hy")} & facets
    assert not str(document.latitude).startswith(SHELTER_LATITUDE[:5])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_searching_a_professionals_only_value_finds_nothing(
    request, listing, viewer, word
):
    client = request.getfixturevalue(viewer)
    assert search(SearchQuery(q=word, include_outdated=True)).total == 0
    page = ok(client.get(reverse("directory:list"), {"q": word})).decode()
    assert NAME not in page
    assert client.get("/api/v1/search", {"q": word}).json()["total"] == 0
    hsds = client.get("/api/hsds/organizations", {"search": word}).json()
    assert hsds["total_items"] == 0


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_language_spoken_only_at_the_shelter_is_no_search_facet(
    request, listing, viewer
):
    client = request.getfixturevalue(viewer)
    for code in ("ka", "hy"):
        assert search(SearchQuery(language=[code], include_outdated=True)).total == 0
        data = client.get("/api/v1/search", {"language": code}).json()
        assert data["total"] == 0


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_professionals_only_postcode_locates_nothing(request, listing, viewer):
    client = request.getfixturevalue(viewer)
    answer = client.get(
        "/api/hsds/service_at_locations", {"postcode": "2999", "proximity": "5000"}
    ).json()
    # Around the shelter's postcode lies the public office, 2 km away.
    assert answer["total_items"] == (2 if viewer == PROFESSIONAL else 0)
