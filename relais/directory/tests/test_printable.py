"""The printable PDF directory of a country: its pages, its command, who sees what."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from relais.audit.models import AuditEntry
from relais.directory.audit_actions import DirectoryAction
from relais.directory.models import Organization, Visibility
from relais.directory.printable import printable_directory, printable_html
from relais.directory.search import index_update
from relais.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    professional_viewer,
    tag,
)
from relais.directory.tests.sentinel_listings import (
    SECRET_CONTACT,
    SECRET_STREET,
    SENTINELS,
    make_directory,
)

# A fixed window far longer than a test: none ends between two of its requests
# (with 60 s, a slow first search once crossed a boundary and got a new budget).
WHOLE_TEST = 10**9

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(vocabularies, gazetteer):
    antwerp, bucharest = make_directory()
    ghent = OrganizationFactory(
        name="Fictitious Ghent Legal Aid",
        country="BE",
        assured_date=None,
        assurer="",
        is_fictitious=False,
    )
    tag(ghent, "organization_type", "lawyer")
    AddressFactory(location=LocationFactory(organization=ghent), city="Gent")
    index_update(Organization.objects.values_list("pk", flat=True))
    return antwerp, bucharest, ghent


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_the_pdf_lists_the_country_and_no_other(directory, anonymous):
    response = anonymous.get("/en/countries/be/directory.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Fictitious Ștefan Welcome Centre" in text
    assert "Fictitious Ghent Legal Aid" in text
    assert "Fictitious Bucharest Helpline" not in text
    assert not [s for s in SENTINELS if s in text]


def test_the_pdf_shows_verification_dates_and_the_date_printed(directory, anonymous):
    antwerp, _bucharest, _ghent = directory
    text = pdf_text(anonymous.get("/en/countries/be/directory.pdf").content)
    verified = f"{antwerp.assured_date.day} {antwerp.assured_date:%B %Y}"
    assert f"Verified on {verified} by Test Coordinator" in text
    assert "Not verified" in text
    assert f"Printed on {verified}" in text  # the factory verifies today


def test_the_pdf_groups_by_city_then_organisation_type(directory):
    result = printable_directory("BE", viewer=None)
    assert [group.city for group in result.cities] == ["Antwerp", "Ghent"]
    antwerpen, gent = result.cities
    assert [t.label for t in antwerpen.types] == ["NGO"]
    assert [t.label for t in gent.types] == ["Lawyer"]
    assert [item.organization.name for item in gent.types[0].listings] == [
        "Fictitious Ghent Legal Aid"
    ]
    assert result.count == 2


def test_a_professional_only_address_files_no_listing_under_its_city(
    directory, member_be
):
    antwerp, _bucharest, _ghent = directory
    shelter = LocationFactory(
        organization=antwerp, name="Shelter", visibility=Visibility.PROFESSIONALS
    )
    AddressFactory(location=shelter, city="Mechelen")
    PhoneFactory(organization=antwerp, location=shelter, number="+3215000000")
    public = printable_directory("BE", viewer=None)
    assert "Mechelen" not in [group.city for group in public.cities]
    assert "+3215000000" not in printable_html(public)
    full = printable_directory("BE", viewer=professional_viewer(member_be))
    assert "Mechelen" in [group.city for group in full.cities]


def test_the_pdf_is_in_the_reader_language_with_the_fictitious_notice(
    directory, anonymous
):
    text = pdf_text(anonymous.get("/fr/countries/be/directory.pdf").content)
    assert "Belgique" in text
    assert "Comment utiliser cet annuaire" in text
    assert "données de démonstration fictives" in text


def test_no_fictitious_notice_without_demo_data(vocabularies, gazetteer):
    real = OrganizationFactory(name="A Real Shelter", country="SE", is_fictitious=False)
    AddressFactory(location=LocationFactory(organization=real), city="Malmö")
    html = printable_html(printable_directory("SE", viewer=None))
    assert "A Real Shelter" in html
    assert "fictitious demo data" not in html.lower()


def test_a_changed_listing_shows_in_the_next_pdf(directory, anonymous):
    _antwerp, _bucharest, ghent = directory
    assert "Fictitious Ghent Legal Aid" in pdf_text(
        anonymous.get("/en/countries/be/directory.pdf").content
    )
    ghent.name = "Fictitious Gent Legal Aid Office"
    ghent.save()
    text = pdf_text(anonymous.get("/en/countries/be/directory.pdf").content)
    assert "Fictitious Gent Legal Aid Office" in text
    assert "Fictitious Ghent Legal Aid" not in text


def test_a_phone_added_on_its_own_shows_in_the_next_public_pdf(directory, anonymous):
    _antwerp, _bucharest, ghent = directory
    url = "/en/countries/be/directory.pdf"
    assert "+32 9 234 56 78" not in pdf_text(anonymous.get(url).content)
    # As the phone's own admin page does: the organisation's row is untouched.
    PhoneFactory(organization=ghent, number="+3292345678")
    index_update([ghent.pk])
    assert "+32 9 234 56 78" in pdf_text(anonymous.get(url).content)


def test_pdf_downloads_are_rate_limited(directory, anonymous, settings):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "pdf": (2, WHOLE_TEST),
    }
    for _ in range(2):
        assert anonymous.get("/en/countries/be/directory.pdf").status_code == 200
    assert anonymous.get("/en/countries/be/directory.pdf").status_code == 429


def test_an_unknown_country_is_a_translated_not_found(db, anonymous):
    response = anonymous.get("/fr/countries/xx/directory.pdf")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_country_without_listings_prints_a_short_pdf(db, anonymous):
    response = anonymous.get("/en/countries/mt/directory.pdf")
    assert response.status_code == 200
    assert "No organisation is listed in this country yet." in pdf_text(
        response.content
    )


def test_professional_pdf_holds_the_details_and_is_audited(
    directory, member_be, member_be_client
):
    response = member_be_client.get("/en/countries/be/directory-professional.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert SECRET_STREET in text
    assert SECRET_CONTACT in text
    assert "Confidential" in text
    entry = AuditEntry.objects.get(action=DirectoryAction.EXPORT)
    assert entry.actor == str(member_be.uuid)
    assert entry.details == {"kind": "pdf", "filters": {"country": ["BE"]}, "count": 2}


def test_the_plain_pdf_is_public_for_professionals_too(directory, member_be_client):
    text = pdf_text(member_be_client.get("/en/countries/be/directory.pdf").content)
    assert not [s for s in SENTINELS if s in text]
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


def test_professional_pdf_needs_a_signed_in_professional(
    directory, anonymous, password_only_client
):
    response = anonymous.get("/en/countries/be/directory-professional.pdf")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    response = password_only_client.get("/en/countries/be/directory-professional.pdf")
    assert "/sign-in/code/" in response["Location"]
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


def test_the_country_page_links_the_pdf(directory, anonymous, member_be_client):
    page = anonymous.get("/en/countries/be/").content.decode()
    assert "/en/countries/be/directory.pdf" in page
    assert "directory-professional.pdf" not in page
    page = member_be_client.get("/en/countries/be/").content.decode()
    assert "/en/countries/be/directory-professional.pdf" in page


# The command -------------------------------------------------------------


def test_export_pdf_command_writes_the_country_in_the_chosen_language(
    directory, tmp_path
):
    path = tmp_path / "be.pdf"
    call_command("export_pdf", "--country", "be", "--language", "fr", "--output", path)
    text = pdf_text(path.read_bytes())
    assert "Fictitious Ghent Legal Aid" in text
    assert "Fictitious Bucharest Helpline" not in text
    assert "Comment utiliser cet annuaire" in text
    assert not [s for s in SENTINELS if s in text]
    assert translation.get_language() == "en"


def test_export_pdf_command_refuses_an_unknown_country(db, tmp_path):
    with pytest.raises(CommandError, match="XX is not"):
        call_command("export_pdf", "--country", "XX", "--output", tmp_path / "x.pdf")


def test_export_pdf_command_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "export_pdf", "--country", "BE", "--output", tmp_path / "no" / "x.pdf"
        )


def test_the_pdf_lists_a_hotline_first_and_names_it(vocabularies, gazetteer):
    org = OrganizationFactory(name="Fictitious Helpline Service", country="BE")
    AddressFactory(location=LocationFactory(organization=org), city="Antwerpen")
    PhoneFactory(organization=org, number="+3232011690")
    PhoneFactory(organization=org, number="+3278055800", is_hotline=True)
    with translation.override("en"):
        html = printable_html(printable_directory("BE", viewer=None))
    text = re.sub(r"<[^>]+>|\s+", " ", html)
    assert re.search(r"Hotline\s*:\s*\+32 78 05 58 00", text)
    assert text.index("+32 78 05 58 00") < text.index("+32 3 201 16 90")


def test_the_pdf_prints_a_short_number_as_dialled_and_where(vocabularies, gazetteer):
    org = OrganizationFactory(name="Fictitious Child Helpline", country="BE")
    AddressFactory(location=LocationFactory(organization=org), city="Antwerpen")
    PhoneFactory(organization=org, number="+3232011690")
    PhoneFactory(organization=org, number="116000", country="BE", is_hotline=True)
    with translation.override("en"):
        html = printable_html(printable_directory("BE", viewer=None))
    text = re.sub(r"<[^>]+>|\s+", " ", html)
    assert re.search(r"Hotline\s*:\s*116 000\s*\(only from within Belgium\)", text)
    assert text.index("116 000") < text.index("+32 3 201 16 90")


@pytest.mark.parametrize(
    ("lang", "country", "location_name", "city", "address", "not_printed"),
    [
        (
            "fr",
            "RO",
            "Bucharest",
            "Bucharest",
            "Adresse : 010101 Bucarest",
            "Bucharest",
        ),
        (
            "sv",
            "BG",
            "София",
            "Sofia",
            "Adress: Demo street 170, 9477 Sofia",
            "София",
        ),
    ],
)
def test_an_address_prints_its_city_once_in_the_readers_language(
    vocabularies,
    gazetteer,
    anonymous,
    lang,
    country,
    location_name,
    city,
    address,
    not_printed,
):
    org = OrganizationFactory(name="Fictitious City Office", country=country)
    AddressFactory(
        location=LocationFactory(organization=org, name=location_name),
        address_1="Demo street 170" if country == "BG" else "",
        postal_code="9477" if country == "BG" else "010101",
        city=city,
        country=country,
    )
    index_update([org.pk])
    text = pdf_text(anonymous.get(f"/{lang}/countries/{country}/directory.pdf").content)
    assert address in text
    assert not_printed not in text


def test_an_address_keeps_its_location_name_when_it_is_not_a_city(
    vocabularies, gazetteer, anonymous
):
    org = OrganizationFactory(name="Fictitious City Office", country="RO")
    AddressFactory(
        location=LocationFactory(organization=org, name="Drop-in centre"),
        address_1="Strada Demo 3",
        postal_code="010101",
        city="București",
        country="RO",
    )
    index_update([org.pk])
    text = pdf_text(anonymous.get("/fr/countries/RO/directory.pdf").content)
    assert "Adresse : Drop-in centre, Strada Demo 3, 010101 Bucarest" in text
