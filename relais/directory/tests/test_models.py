from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone, translation

from relais.directory.models import Assurance, Language, Phone, VerificationState

from .factories import OrganizationFactory, PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["+3232011690", "+40214083600", "+46771235000"])
def test_phone_accepts_e164_numbers(number):
    PhoneFactory.build(organization=OrganizationFactory(), number=number).full_clean()


@pytest.mark.parametrize(
    "number", ["032011690", "+32 3 201 16 90", "+1", "phone me", "+999123456", ""]
)
def test_phone_refuses_numbers_not_in_e164_form(number):
    phone = PhoneFactory.build(organization=OrganizationFactory(), number=number)
    with pytest.raises(ValidationError) as excinfo:
        phone.full_clean()
    assert "number" in excinfo.value.message_dict


def test_phone_is_displayed_in_international_format():
    assert Phone(number="+3232011690").display_number == "+32 3 201 16 90"


@pytest.mark.parametrize("number", ["116111", "116000", "116006", "112"])
def test_a_short_number_is_stored_with_the_country_it_is_dialled_in(number):
    org = OrganizationFactory(country="BG")
    PhoneFactory.build(organization=org, number=number, country="BG").full_clean()


def test_a_short_number_without_its_country_is_refused():
    phone = PhoneFactory.build(organization=OrganizationFactory(), number="116111")
    with pytest.raises(ValidationError) as excinfo:
        phone.full_clean()
    assert "country" in excinfo.value.message_dict


@pytest.mark.parametrize("number", ["11", "1161110", "116 111", "116-111", "+116111"])
def test_numbers_neither_international_nor_short_are_refused(number):
    phone = PhoneFactory.build(
        organization=OrganizationFactory(), number=number, country="BG"
    )
    with pytest.raises(ValidationError) as excinfo:
        phone.full_clean()
    assert "number" in excinfo.value.message_dict


def test_the_database_refuses_a_short_number_without_its_country():
    with pytest.raises(IntegrityError), transaction.atomic():
        PhoneFactory(organization=OrganizationFactory(), number="116111", country="")


def test_a_short_number_is_shown_as_dialled_and_only_from_within_its_country():
    phone = Phone(number="116111", country="BG")
    assert phone.display_number == "116 111"
    assert Phone(number="112", country="BG").display_number == "112"
    with translation.override("en"):
        assert phone.dialling_area == "only from within Bulgaria"
    with translation.override("bg"):
        assert "България" in phone.dialling_area
    assert Phone(number="+3232011690").dialling_area == ""


def test_organization_refuses_bad_email_url_and_country():
    org = OrganizationFactory.build(
        email="not-an-email", website="javascript:alert(1)", country="XX"
    )
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()
    assert {"email", "website", "country"} <= set(excinfo.value.message_dict)


def test_organization_accepts_eu_as_seat_for_eu_bodies():
    OrganizationFactory.build(country="EU").full_clean()


def test_additional_sources_must_be_web_addresses():
    org = OrganizationFactory.build(
        additional_sources=["ftp://x", "https://ok.example"]
    )
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()
    assert "additional_sources" in excinfo.value.message_dict


@pytest.mark.parametrize("code", ["ro", "bg", "sv", "ar", "fil"])
def test_language_accepts_iso_639_codes(code):
    Language(service=ServiceFactory(), code=code).full_clean()


@pytest.mark.parametrize("code", ["xx", "RO", "romanian", "r"])
def test_language_refuses_unknown_codes(code):
    with pytest.raises(ValidationError) as excinfo:
        Language(service=ServiceFactory(), code=code).full_clean()
    assert "code" in excinfo.value.message_dict


def test_listing_verified_recently_is_verified():
    org = OrganizationFactory.build(
        assured_date=timezone.localdate() - timedelta(days=30)
    )
    assert org.verification_state == VerificationState.VERIFIED


def test_listing_never_verified_is_unverified():
    assert (
        OrganizationFactory.build(assured_date=None).verification_state
        == VerificationState.UNVERIFIED
    )


def test_listing_whose_source_did_not_confirm_it_is_unverified():
    org = OrganizationFactory.build(source_verified=False)
    assert org.verification_state == VerificationState.UNVERIFIED


def test_listing_becomes_stale_after_twelve_months():
    today = timezone.localdate()
    org = OrganizationFactory.build(
        assured_date=today.replace(year=today.year - 1) - timedelta(days=1)
    )
    assert org.verification_state == VerificationState.STALE
    assert org.months_since_verification == 12


@override_settings(RELAIS_VERIFICATION_STALE_AFTER_MONTHS=24)
def test_staleness_threshold_is_a_setting():
    today = timezone.localdate()
    org = OrganizationFactory.build(
        assured_date=today.replace(year=today.year - 1) - timedelta(days=1)
    )
    assert org.verification_state == VerificationState.VERIFIED


def test_listing_compiled_from_public_sources_is_not_verified():
    org = OrganizationFactory.build(
        assured_date=timezone.localdate() - timedelta(days=30),
        assurance=Assurance.PUBLIC_SOURCES,
    )
    assert org.verification_state == VerificationState.PUBLIC_SOURCES


def test_old_compilation_stays_unconfirmed_and_is_hidden_by_its_date():
    today = timezone.localdate()
    org = OrganizationFactory.build(
        assured_date=today.replace(year=today.year - 2) - timedelta(days=1),
        assurance=Assurance.PUBLIC_SOURCES,
    )
    assert org.verification_state == VerificationState.PUBLIC_SOURCES
    assert org.is_hidden_from_search
