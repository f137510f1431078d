import json
from datetime import date

import pytest
from django.core.management import call_command

from relais.conftest import LANGUAGE_CODES
from relais.core.typography import french_spacing
from relais.directory.models import (
    Address,
    Assurance,
    Attribute,
    ChangeRecord,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
    VerificationState,
)
from relais.directory.services import (
    OFFICIAL_LISTINGS_FILE,
    REFERENCE_ASSURER,
    REFERENCE_COMPILED_ON,
    REFERENCE_CONTACTS_FILE,
    REFERENCE_FILE,
    reference_load,
    reference_records,
)

pytestmark = pytest.mark.django_db

# The command is run by the first two tests; the others look at what it loads,
# through the `reference` fixture (the same loader, loaded once for them all).

# Every record as loaded: the reference file with its contact additions, then
# the official listings.
REFERENCE = [record for record, _compilation in reference_records()]
RAW_REFERENCE = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
OFFICIAL = json.loads(OFFICIAL_LISTINGS_FILE.read_text(encoding="utf-8"))
ADDITIONS = json.loads(REFERENCE_CONTACTS_FILE.read_text(encoding="utf-8"))["records"]
MODELS = [
    Organization,
    Service,
    Location,
    Address,
    Phone,
    Schedule,
    Attribute,
    TaxonomyTerm,
]


def counts():
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_loads_every_reference_organisation_and_official_listing():
    call_command("load_reference")
    assert Organization.objects.filter(is_fictitious=False).count() == len(
        RAW_REFERENCE
    ) + len(OFFICIAL["organisations"])


def test_loading_twice_creates_no_duplicates_and_changes_nothing():
    call_command("load_reference")
    first = counts()
    history = ChangeRecord.objects.count()
    ids = set(Organization.objects.values_list("id", flat=True))
    call_command("load_reference")
    assert counts() == first
    assert ChangeRecord.objects.count() == history
    assert set(Organization.objects.values_list("id", flat=True)) == ids


def test_keeps_source_notes_and_verified_flag(reference):
    for record in REFERENCE:
        org = Organization.objects.get(slug=record["id"])
        assert org.source_url == record["source_url"]
        assert org.additional_sources == (record.get("additional_sources") or [])
        assert org.notes == (record["notes"] or "")
        assert org.source_verified is record["verified"]


def test_records_not_verified_in_their_source_are_shown_as_unverified(reference):
    unverified = [r["id"] for r in REFERENCE if not r["verified"]]
    assert unverified, "the reference file has unverified records"
    for slug in unverified:
        assert (
            Organization.objects.get(slug=slug).verification_state
            == VerificationState.UNVERIFIED
        )


def test_reference_services_are_tagged_with_the_service_vocabulary(reference):
    payoke = Organization.objects.get(slug="be-payoke")
    codes = set(
        Attribute.objects.filter(link_id__in=payoke.services.values("id")).values_list(
            "taxonomy_term__code", flat=True
        )
    )
    assert codes == {
        "shelter",
        "psychosocial_support",
        "legal_advice",
        "helpline",
        "training",
    }


def test_reference_phones_are_stored_in_e164_form_or_as_short_numbers(reference):
    for phone in Phone.objects.all():
        phone.full_clean()
        assert phone.number.startswith("+") or (
            phone.is_short_number and phone.country == phone.organization.country
        )


def test_an_edited_reference_record_is_updated_in_place(reference, tmp_path):
    changed = [dict(r) for r in RAW_REFERENCE]
    # A record whose notes the contacts file does not replace.
    edited = next(r for r in changed if "notes" not in ADDITIONS.get(r["id"], {}))
    edited["notes"] = "Changed note."
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    from relais.directory.services import reference_load

    result = reference_load(path=path)
    assert (result.created, result.updated) == (0, 1)
    org = Organization.objects.get(slug=edited["id"])
    assert org.notes == "Changed note."
    change = ChangeRecord.objects.get(
        resource_id=org.id, field_name="notes", last_action_type="update"
    )
    assert change.replacement_value == "Changed note."


def test_reference_listings_are_from_public_sources_never_verified(reference):
    for record in RAW_REFERENCE:
        if not record["verified"]:
            continue
        org = Organization.objects.get(slug=record["id"])
        assert org.assurance == Assurance.PUBLIC_SOURCES
        assert org.assured_date == REFERENCE_COMPILED_ON
        assert org.verification_state == VerificationState.PUBLIC_SOURCES


def test_loading_again_keeps_a_persons_confirmation(reference):
    Organization.objects.filter(slug="be-payoke").update(
        assurance=Assurance.CONFIRMED,
        assured_date=date(2026, 12, 1),
        assurer="Relais country coordinator (Belgium)",
    )
    reference_load()
    payoke = Organization.objects.get(slug="be-payoke")
    assert payoke.assurance == Assurance.CONFIRMED
    assert payoke.assured_date == date(2026, 12, 1)
    assert payoke.assurer == "Relais country coordinator (Belgium)"
    other = Organization.objects.exclude(slug="be-payoke").filter(
        assurer=REFERENCE_ASSURER
    )
    assert other.exists()
    assert not other.exclude(assurance=Assurance.PUBLIC_SOURCES).exists()


def test_a_record_added_later_shows_its_own_compilation_date(reference, client):
    added = Organization.objects.get(slug="bg-social-assistance-agency")
    assert added.assured_date == date(2026, 12, 4)
    assert Organization.objects.get(slug="be-legal-aid-offices").assured_date == (
        date.fromisoformat(OFFICIAL["compiled_on"])
    )
    page = client.get(f"/en{added.get_absolute_url()[3:]}").content.decode()
    assert "4 December 2026" in page


# Contact details moved out of the notes -------------------------------------


def test_a_hotline_from_the_notes_is_a_structured_hotline_phone(reference):
    phone = Phone.objects.get(organization__slug="be-stoptraite")
    assert phone.number == "+3278055800"
    assert phone.is_hotline
    assert phone.type == Phone.PhoneType.VOICE
    stoptraite = Organization.objects.get(slug="be-stoptraite")
    assert "news.belgium.be" in " ".join(stoptraite.additional_sources)
    assert "verify before use" not in stoptraite.notes


def test_the_professionals_support_line_is_a_hotline_with_its_hours(reference):
    phone = Phone.objects.get(organization__slug="se-jamy")
    assert phone.number == "+4620390000"
    assert phone.is_hotline
    assert "office hours" in phone.description


PAYOKE_LINE_FR = (
    "Numéro unique belge pour les victimes de la traite des êtres humains\u202f; "
    "les trois centres spécialisés y répondent en cas d’urgence, 24 heures sur 24, "
    "7 jours sur 7"
)


def test_a_phone_description_is_loaded_in_the_seven_languages(reference):
    phone = Phone.objects.get(organization__slug="be-payoke")
    assert phone.description_fr == PAYOKE_LINE_FR
    assert phone.description_en.startswith("Belgian single line")
    assert phone.description_nl.startswith("Eén Belgisch nummer")
    described = Phone.objects.exclude(description_en="")
    assert described.count() == 8
    for phone in described:
        for code in LANGUAGE_CODES:
            assert getattr(phone, f"description_{code}"), (phone, code)


def described_phones():
    for record in REFERENCE:
        for phone in record.get("phones") or []:
            if phone.get("description"):
                yield record["id"], phone


def test_every_phone_description_in_the_data_is_in_the_seven_languages():
    for record_id, phone in described_phones():
        assert sorted(phone["description"]) == sorted(LANGUAGE_CODES), record_id
        # The English is the compiler's; the others are Relais's translations.
        assert phone["description_translated_from"] == "en", record_id


def test_french_phone_descriptions_follow_french_typography():
    for record_id, phone in described_phones():
        french = phone["description"]["fr"]
        assert french == french_spacing(french), record_id
        assert "'" not in french, record_id


def test_a_phone_description_in_an_unknown_language_is_refused(tmp_path):
    data = json.loads(OFFICIAL_LISTINGS_FILE.read_text(encoding="utf-8"))
    record = next(r for r in data["organisations"] if r.get("phones"))
    record["phones"][0]["description"]["xx"] = "Not a language"
    path = tmp_path / "official.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown languages"):
        reference_load(official_path=path)


def test_an_office_number_is_not_a_hotline(reference):
    assert not Phone.objects.get(organization__slug="bg-sacp").is_hotline


def test_street_addresses_from_official_pages_are_structured(reference):
    address = Address.objects.get(location__organization__slug="bg-nccthb")
    assert (address.address_1, address.postal_code, address.city) == (
        "52A G. M. Dimitrov Blvd",
        "1797",
        "Sofia",
    )
    assert str(address.country) == "BG"


def test_numbers_seen_only_in_the_press_stay_out_of_structured_fields(reference):
    # ANITP's free line, the Spanish police line and Animus's free number were
    # only seen in the press: they stay in the notes, marked "verify".
    for slug in ("ro-anitp", "es-policia-nacional"):
        org = Organization.objects.get(slug=slug)
        assert not org.phones.exists()
        assert "verify" in org.notes
    animus = Organization.objects.get(slug="bg-animus")
    assert "+35980018676" not in set(animus.phones.values_list("number", flat=True))
    assert "0800 1 8676" in animus.notes and "verify" in animus.notes


def test_a_confirmed_listing_is_not_overwritten_by_a_reload(reference):
    stoptraite = Organization.objects.get(slug="be-stoptraite")
    Organization.objects.filter(pk=stoptraite.pk).update(
        assurance=Assurance.CONFIRMED,
        assured_date=date(2026, 12, 2),
        assurer="Relais country coordinator (Belgium)",
        notes="Confirmed by phone with FPS Justice.",
    )
    Phone.objects.filter(organization=stoptraite).update(description="Confirmed line")

    result = reference_load()

    stoptraite.refresh_from_db()
    assert result.kept_confirmed == 1
    assert stoptraite.notes == "Confirmed by phone with FPS Justice."
    assert stoptraite.assurance == Assurance.CONFIRMED
    assert stoptraite.phones.get().description == "Confirmed line"


# Official listings ------------------------------------------------------------


def official(slug):
    return Organization.objects.get(slug=slug)


def terms(org, taxonomy):
    return set(
        Attribute.objects.filter(
            link_id=org.pk, taxonomy_term__taxonomy__slug=taxonomy
        ).values_list("taxonomy_term__code", flat=True)
    )


def test_official_listings_record_their_official_source(reference):
    for record in OFFICIAL["organisations"]:
        org = official(record["id"])
        assert org.source_url.startswith("https://")
        assert org.source_url == record["source_url"]
        assert org.assurance == Assurance.PUBLIC_SOURCES
        compiled_on = record.get("compiled_on") or OFFICIAL["compiled_on"]
        assert org.assured_date == date.fromisoformat(compiled_on)
        assert org.verification_state == VerificationState.PUBLIC_SOURCES
        assert "not confirmed" in org.notes


@pytest.mark.parametrize("country", ["BE", "RO", "ES", "BG", "SE"])
def test_each_country_has_a_labour_inspectorate_and_a_way_to_a_lawyer(
    reference, country
):
    orgs = Organization.objects.filter(country=country, is_fictitious=False)
    types = [terms(org, "organization_type") for org in orgs]
    assert any("labour_inspection" in t for t in types)
    assert any("legal_aid_office" in t for t in types)


@pytest.mark.parametrize("country", ["BE", "RO", "BG", "SE"])
def test_each_country_has_a_public_child_protection_body(reference, country):
    orgs = Organization.objects.filter(country=country, is_fictitious=False)
    assert any(
        "children" in terms(org, "target_group")
        and "government_agency" in terms(org, "organization_type")
        for org in orgs
    )


@pytest.mark.parametrize("slug", ["be-myria", "ro-anitp", "bg-nccthb", "se-police-nr"])
def test_national_rapporteurs_carry_the_national_rapporteur_type(reference, slug):
    assert "national_rapporteur" in terms(official(slug), "organization_type")


def test_a_labour_inspectorate_is_tagged_for_labour_exploitation(reference):
    inspectorate = official("bg-labour-inspectorate")
    assert terms(inspectorate, "exploitation_form") == {"labour"}
    address = Address.objects.get(location__organization=inspectorate)
    assert address.address_1 == "3 Knyaz Aleksandar Dondukov Blvd"


def test_a_postal_address_is_stored_as_postal(reference):
    address = Address.objects.get(
        location__organization__slug="se-work-environment-authority"
    )
    assert (address.address_1, address.postal_code, address.city) == (
        "Box 9082",
        "171 09",
        "Solna",
    )
    assert address.address_type == Address.AddressType.POSTAL


def test_the_official_listing_page_says_public_sources_not_verified(
    reference, anonymous
):
    body = anonymous.get(official("ro-dgaspc").get_absolute_url()).content.decode()
    assert "From public sources, not yet confirmed (3 December 2026)" in body
    assert "Verified on" not in body
    assert "https://dgaspc5.ro/" in body


def test_a_record_listed_twice_is_refused(tmp_path):
    data = json.loads(OFFICIAL_LISTINGS_FILE.read_text(encoding="utf-8"))
    data["organisations"].append(dict(data["organisations"][0]))
    path = tmp_path / "official.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="Listed twice"):
        reference_records(official_path=path)


@pytest.mark.parametrize(
    ("slug", "shown"),
    [
        ("bg-animus", "+359 2 981 7686"),
        ("be-payoke", "+32 78 05 58 00"),
        ("be-pagasa", "+32 78 05 58 00"),
        ("be-surya", "+32 78 05 58 00"),
    ],
)
def test_the_named_listings_now_show_a_hotline_on_their_page(
    reference, client, slug, shown
):
    body = client.get(official(slug).get_absolute_url()).content.decode()
    contact = body[body.index('id="contact"') :]
    assert "Hotline</strong>" in contact
    assert shown in contact


@pytest.mark.parametrize(
    ("slug", "digits", "country"),
    [
        ("be-childfocus", "116000", "Belgium"),
        ("bg-social-assistance-agency", "116111", "Bulgaria"),
    ],
)
def test_a_national_short_number_is_listed_as_dialled_inside_its_country(
    reference, client, slug, digits, country
):
    phone = official(slug).phones.get()
    assert (phone.number, phone.is_hotline) == (digits, True)
    body = client.get(official(slug).get_absolute_url()).content.decode()
    assert f'<a href="tel:{digits}">{digits[:3]} {digits[3:]}</a>' in body
    assert f"only from within {country}" in body


@pytest.mark.parametrize(
    ("slug", "page"),
    [
        ("bg-animus", "animusassociation.org"),
        ("be-childfocus", "childfocus.be"),
        ("be-payoke", "seraing.be"),
        ("be-stoptraite", "seraing.be"),
    ],
)
def test_each_contact_added_names_the_official_page_it_was_seen_on(
    reference, slug, page
):
    assert any(page in url for url in official(slug).additional_sources)


def test_opening_hours_from_an_official_page_are_structured(reference):
    from datetime import time

    inspectorate = Organization.objects.get(slug="bg-labour-inspectorate")
    (schedule,) = Schedule.objects.filter(location__organization=inspectorate)
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "MO,TU,WE,TH,FR",
        time(9),
        time(17, 30),
    )
    assert schedule.location.addresses.get().city == "Sofia"


def test_every_structured_opening_hours_name_a_page_of_their_record():
    for record in REFERENCE:
        sources = {record.get("source_url"), *(record.get("additional_sources") or [])}
        for hours in record.get("hours") or []:
            assert hours["source"] in sources, record["id"]


def test_opening_hours_without_their_page_are_refused(tmp_path):
    data = json.loads(OFFICIAL_LISTINGS_FILE.read_text(encoding="utf-8"))
    record = next(r for r in data["organisations"] if r.get("hours"))
    record["hours"][0]["source"] = "https://press.example.org/article"
    path = tmp_path / "official.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="without their page"):
        reference_load(official_path=path)
