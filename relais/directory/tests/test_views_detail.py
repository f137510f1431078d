import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from relais.conftest import LANGUAGE_CODES
from relais.directory.models import Organization, Visibility

from .factories import (
    AddressFactory,
    ContactFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
)

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "sentinel-professional-only@example.org"
SECRET_PHONE = "+3225551234"
SECRET_STREET = "Sentinel Hidden Street 7"
SECRET_NAME = "Sentinel Hidden Person"


@pytest.fixture
def listing(vocabularies):
    org = OrganizationFactory(
        name="Fictitious Shelter",
        email=SECRET_EMAIL,
        email_visibility=Visibility.PROFESSIONALS,
        assured_date=date(2026, 3, 12),
        assurer="Jane Coordinator",
    )
    PhoneFactory(organization=org, number="+3232011690", visibility=Visibility.PUBLIC)
    PhoneFactory(
        organization=org, number=SECRET_PHONE, visibility=Visibility.PROFESSIONALS
    )
    hidden = LocationFactory(organization=org, visibility=Visibility.PROFESSIONALS)
    AddressFactory(location=hidden, address_1=SECRET_STREET)
    ContactFactory(organization=org, name="Public Desk", visibility=Visibility.PUBLIC)
    secret_contact = ContactFactory(
        organization=org, name=SECRET_NAME, visibility=Visibility.PROFESSIONALS
    )
    PhoneFactory(organization=org, contact=secret_contact, number="+3225559999")
    return org


def detail_url(org, lang="en"):
    with translation.override(lang):
        return reverse("directory:listing", kwargs={"slug": org.slug})


SECRETS = [SECRET_EMAIL, SECRET_PHONE, SECRET_STREET, SECRET_NAME, "+32 2 555 12 34"]


def test_anonymous_visitor_never_sees_professional_only_details(anonymous, listing):
    body = anonymous.get(detail_url(listing)).content.decode()
    for secret in SECRETS:
        assert secret not in body
    assert "+32 3 201 16 90" in body
    assert "Public Desk" in body
    assert "shown to signed-in professionals only" in body


def test_signed_in_professional_sees_professional_only_details(
    member_be_client, listing
):
    body = member_be_client.get(detail_url(listing)).content.decode()
    for secret in [SECRET_EMAIL, SECRET_STREET, SECRET_NAME, "+32 2 555 12 34"]:
        assert secret in body


def test_outsider_professional_sees_the_same_as_any_professional(
    outsider_ro_client, listing
):
    body = outsider_ro_client.get(detail_url(listing)).content.decode()
    assert SECRET_NAME in body


def test_anonymous_vcard_of_organisation_has_only_public_details(anonymous, listing):
    response = anonymous.get(reverse("directory:vcard", kwargs={"slug": listing.slug}))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/vcard")
    assert "BEGIN:VCARD" in body
    assert "+3232011690" in body
    assert SECRET_EMAIL not in body
    assert SECRET_PHONE not in body


def test_professional_vcard_of_organisation_includes_professional_details(
    member_be_client, listing
):
    body = member_be_client.get(
        reverse("directory:vcard", kwargs={"slug": listing.slug})
    ).content.decode()
    assert SECRET_EMAIL in body and SECRET_PHONE in body


def test_anonymous_cannot_download_a_professional_only_contact_vcard(
    anonymous, member_be_client, listing
):
    contact = listing.contacts.get(name=SECRET_NAME)
    url = reverse(
        "directory:contact_vcard",
        kwargs={"slug": listing.slug, "contact_id": contact.pk},
    )
    assert anonymous.get(url).status_code == 404
    response = member_be_client.get(url)
    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()


def test_public_contact_vcard_does_not_leak_its_professional_only_phone(
    anonymous, listing
):
    contact = listing.contacts.get(name="Public Desk")
    PhoneFactory(
        organization=listing,
        contact=contact,
        number=SECRET_PHONE,
        visibility=Visibility.PROFESSIONALS,
    )
    url = reverse(
        "directory:contact_vcard",
        kwargs={"slug": listing.slug, "contact_id": contact.pk},
    )
    body = anonymous.get(url).content.decode()
    assert "Public Desk" in body
    assert SECRET_PHONE not in body


def test_print_version_is_the_same_page_without_hidden_details(anonymous, listing):
    body = anonymous.get(detail_url(listing)).content.decode()
    assert 'media="print"' in body
    for secret in SECRETS:
        assert secret not in body


def test_verification_badge_names_date_and_verifier(anonymous, listing):
    body = anonymous.get(detail_url(listing)).content.decode()
    assert "Verified on 12 March 2026 by Jane Coordinator" in body


def test_stale_listing_says_how_long_it_has_not_been_verified(anonymous, vocabularies):
    from django.utils import timezone

    today = timezone.localdate()
    org = OrganizationFactory(assured_date=date(today.year - 2, today.month, 1))
    body = anonymous.get(detail_url(org)).content.decode()
    assert "Not verified for 2" in body


def test_description_falls_back_to_another_language_with_a_note(
    anonymous, vocabularies
):
    org = OrganizationFactory(
        description_en="", description_nl="Een fictieve organisatie."
    )
    body = anonymous.get(detail_url(org, "fr")).content.decode()
    assert "Een fictieve organisatie." in body
    assert 'lang="nl"' in body
    assert "néerlandais" in body


def test_description_in_the_readers_language_has_no_note(anonymous, vocabularies):
    org = OrganizationFactory(
        description_en="English text.", description_fr="Texte français."
    )
    body = anonymous.get(detail_url(org, "fr")).content.decode()
    assert "Texte français." in body
    assert "English text." not in body


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_detail_renders_in_every_language(anonymous, listing, lang):
    response = anonymous.get(detail_url(listing, lang))
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_unknown_listing_is_a_translated_404(anonymous, vocabularies, lang):
    with translation.override(lang):
        url = reverse("directory:listing", kwargs={"slug": "no-such-listing"})
        expected = translation.gettext("Page not found")
    response = anonymous.get(url)
    assert response.status_code == 404
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    "reader", ["anonymous", "member_be_client", "outsider_ro_client"]
)
def test_reference_listing_says_public_sources_not_verified(request, reader, reference):
    client = request.getfixturevalue(reader)
    payoke = Organization.objects.get(slug="be-payoke")
    body = client.get(detail_url(payoke)).content.decode()
    assert "From public sources, not yet confirmed (29 November 2026)" in body
    assert "badge-public_sources" in body
    assert "Verified" not in body


def test_a_hotline_is_shown_first_and_named_a_hotline(anonymous, vocabularies):
    org = OrganizationFactory(name="Fictitious Helpline Service")
    PhoneFactory(organization=org, number="+3232011690", description="Office")
    PhoneFactory(
        organization=org,
        number="+3278055800",
        is_hotline=True,
        description="Victims and witnesses",
    )
    body = anonymous.get(detail_url(org)).content.decode()
    contact = body[body.index('id="contact"') :]
    assert 'Hotline</strong> (<span lang="en">Victims and witnesses</span>)' in contact
    assert contact.index("+32 78 05 58 00") < contact.index("+32 3 201 16 90")


def contact_section(response):
    body = response.content.decode()
    return body[body.index('id="contact"') : body.index('id="source"')]


def test_a_french_reader_reads_the_belgian_single_line_in_french(anonymous, reference):
    payoke = Organization.objects.get(slug="be-payoke")
    contact = contact_section(anonymous.get(detail_url(payoke, "fr")))
    assert '<a href="tel:+3278055800">+32 78 05 58 00</a>' in contact
    assert (
        '(<span lang="fr">Numéro unique belge pour les victimes de la traite des '
        "êtres humains\u202f; les trois centres spécialisés y répondent en cas "
        "d’urgence, 24 heures sur 24, 7 jours sur 7</span>)"
    ) in contact
    assert "Belgian single line" not in contact


def test_a_description_only_in_english_is_marked_english_on_a_french_page(
    anonymous, vocabularies
):
    org = OrganizationFactory(name="Fictitious Night Line")
    PhoneFactory(organization=org, description_en="Fictitious night line")
    contact = contact_section(anonymous.get(detail_url(org, "fr")))
    assert '(<span lang="en">Fictitious night line</span>)' in contact


def test_the_vcard_lists_the_hotline_first(anonymous, vocabularies):
    org = OrganizationFactory(name="Fictitious Helpline Service")
    PhoneFactory(organization=org, number="+3232011690")
    PhoneFactory(organization=org, number="+3278055800", is_hotline=True)
    card = anonymous.get(
        reverse("directory:vcard", kwargs={"slug": org.slug})
    ).content.decode()
    assert card.index("+3278055800") < card.index("+3232011690")


def test_a_short_number_is_shown_as_dialled_and_only_from_within_its_country(
    anonymous, vocabularies
):
    org = OrganizationFactory(name="Fictitious Child Helpline", country="BG")
    PhoneFactory(organization=org, number="+35929811411")
    PhoneFactory(organization=org, number="116111", country="BG", is_hotline=True)
    body = anonymous.get(detail_url(org)).content.decode()
    contact = body[body.index('id="contact"') :]
    assert '<a href="tel:116111">116 111</a>' in contact
    assert "only from within Bulgaria" in contact
    assert contact.index("116 111") < contact.index("+359 2 981 1411")
    body = anonymous.get(detail_url(org, "fr")).content.decode()
    assert "Bulgarie" in body[body.index('id="contact"') :]


def test_the_vcard_dials_a_short_number_as_its_digits_and_says_where(
    anonymous, vocabularies
):
    org = OrganizationFactory(name="Fictitious Child Helpline", country="BG")
    PhoneFactory(organization=org, number="116111", country="BG", is_hotline=True)
    card = anonymous.get(
        reverse("directory:vcard", kwargs={"slug": org.slug})
    ).content.decode()
    assert "TEL;TYPE=VOICE:116111" in card
    assert "116 111: only from within Bulgaria" in card


def location_list_text(response) -> str:
    content = response.content.decode()
    start = content.index('class="location-list"')
    block = content[content.index(">", start) + 1 : content.index("</ul>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


@pytest.mark.parametrize(
    ("lang", "country", "location_name", "city", "shown", "not_shown"),
    [
        ("fr", "BE", "Antwerp", "Antwerpen", "Anvers", "Antwerp"),
        ("bg", "RO", "Bucharest", "București", "Букурещ", "Bucharest"),
        ("bg", "BG", "Sofia", "Sofia", "София", "Sofia"),
        ("sv", "BG", "София", "Sofia", "Sofia", "София"),
    ],
)
def test_a_location_named_after_its_city_shows_the_city_once_in_the_readers_language(
    anonymous, vocabularies, lang, country, location_name, city, shown, not_shown
):
    org = OrganizationFactory(name="Fictitious Office", country=country)
    location = LocationFactory(organization=org, name=location_name)
    AddressFactory(location=location, address_1="", city=city, country=country)
    text = location_list_text(anonymous.get(f"/{lang}/directory/{org.slug}/"))
    assert text.count(shown) == 1
    assert not_shown not in text


def test_a_location_named_only_by_a_city_is_named_in_the_readers_language(
    anonymous, vocabularies
):
    org = OrganizationFactory(name="Fictitious Office", country="RO")
    LocationFactory(organization=org, name="Bucharest")
    text = location_list_text(anonymous.get(f"/bg/directory/{org.slug}/"))
    assert text == "Букурещ"


def test_a_location_with_its_own_name_keeps_it_above_the_address(
    anonymous, vocabularies
):
    org = OrganizationFactory(name="Fictitious Office", country="BE")
    location = LocationFactory(organization=org, name="Drop-in centre")
    AddressFactory(location=location, address_1="Fictitious street 1", city="Antwerpen")
    text = location_list_text(anonymous.get(f"/fr/directory/{org.slug}/"))
    assert text == "Drop-in centre Fictitious street 1 2000 Anvers Belgique"
