"""Navigator contacts match the person: age, gender, form of exploitation,
legal questions; each contact shows its phones and how far it is confirmed.

The listings are fictitious and named so; they are made in Portugal, a country
without reference listings, and marked as not demo data only because the
navigator leaves demo data out of a sheet.
"""

import datetime

import pytest

from relais.directory.models import Assurance
from relais.directory.tests.factories import (
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)
from relais.knowledge.navigator import SUPPORT, Answers, Profile, navigate, serves
from relais.knowledge.tests.factories import CountryProfileFactory

pytestmark = pytest.mark.django_db

COUNTRY = "PT"


def listing(slug, *, types=(), services=(), forms=(), groups=(), **fields):
    org = OrganizationFactory(
        slug=slug,
        name=f"Fictitious {slug.replace('-', ' ')}",
        country=COUNTRY,
        is_fictitious=False,
        **fields,
    )
    for code in types:
        tag(org, "organization_type", code)
    for code in forms:
        tag(org, "exploitation_form", code)
    for code in groups:
        tag(org, "target_group", code)
    for code in services:
        tag(ServiceFactory(organization=org, name_en=code), "service", code)
    return org


@pytest.fixture
def directory(vocabularies):
    CountryProfileFactory(code=COUNTRY)
    return {
        org.slug: org
        for org in [
            listing(
                "women-shelter",
                types=["shelter"],
                services=["shelter", "psychosocial_support"],
                forms=["sexual"],
                groups=["women"],
            ),
            listing(
                "adult-shelter",
                types=["ngo"],
                services=["shelter"],
                forms=["sexual", "labour"],
                groups=["women", "men"],
            ),
            listing(
                "child-shelter",
                types=["ngo"],
                services=["shelter", "psychosocial_support"],
                groups=["children"],
            ),
            listing(
                "mothers-and-children-shelter",
                types=["shelter"],
                services=["shelter"],
                groups=["women", "children"],
            ),
            listing(
                "child-protection-service",
                types=["government_agency"],
                services=["identification"],
                groups=["children"],
            ),
            listing(
                "labour-inspectorate",
                types=["labour_inspection"],
                forms=["labour"],
            ),
            listing(
                "legal-aid-office",
                types=["legal_aid_office"],
                services=["legal_advice"],
            ),
            listing(
                "victims-lawyer",
                types=["lawyer"],
                services=["legal_representation"],
                takes_legal_aid_cases=True,
            ),
            listing(
                "police-unit",
                types=["law_enforcement"],
                services=["identification"],
            ),
        ]
    }


def answers(*, child=False, gender="woman", exploitation="sexual",
            legal_question=False, proceedings=False, nationality="NG",
            wish="stay"):  # fmt: skip
    return Answers(
        identified_in=COUNTRY,
        nationality=nationality,
        child=child,
        exploitation=exploitation,
        wish=wish,
        cooperating="yes",
        proceedings=proceedings,
        gender=gender,
        legal_question=legal_question,
    )


def contacts(answers):
    sheet = navigate(answers)
    assert sheet is not None
    return {c.organization.slug: c for c in sheet.destination_contacts}


def test_child_goes_to_child_protection_never_to_an_adult_shelter(directory):
    found = contacts(answers(child=True, gender="woman"))
    assert "child-protection-service" in found
    assert found["child-protection-service"].reasons[0] == "child_protection"
    assert "child-shelter" in found
    assert "adult-shelter" not in found
    assert "women-shelter" not in found


def test_a_boy_is_not_sent_to_a_shelter_for_women_and_their_children(directory):
    boy = contacts(answers(child=True, gender="man"))
    assert "mothers-and-children-shelter" not in boy
    assert {"child-shelter", "child-protection-service"} <= set(boy)
    # Nor a girl on her own: it is an adult shelter that takes children with
    # their mother.
    girl = contacts(answers(child=True, gender="woman"))
    assert "mothers-and-children-shelter" not in girl
    assert {"child-shelter", "child-protection-service"} <= set(girl)


def test_a_child_is_not_sent_to_adult_support_for_women_and_their_children(
    directory,
):
    listing(
        "women-and-children-support",
        types=["ngo"],
        services=["psychosocial_support", "helpline"],
        groups=["women", "children"],
    )
    assert "women-and-children-support" not in contacts(answers(child=True))
    # It stays a place for the women themselves.
    support = Profile(
        types=frozenset({"ngo"}),
        services=frozenset({"psychosocial_support", "helpline"}),
        groups=frozenset({"women", "children"}),
    )
    assert serves(support, answers(gender="woman"))
    assert SUPPORT.matches(support, answers(gender="woman"))


def test_public_bodies_that_identify_or_advise_professionals_are_not_support(
    directory,
):
    """An immigration service that identifies victims, or a national agency
    whose line is for professionals, is not the victim's support."""
    listing(
        "immigration-service", types=["government_agency"], services=["identification"]
    )
    listing(
        "coordinating-agency",
        types=["government_agency"],
        services=["helpline", "coordination", "training"],
    )
    found = contacts(answers(gender="man", exploitation="labour"))
    assert "immigration-service" not in found
    assert "coordinating-agency" not in found
    assert "adult-shelter" in found


def test_a_support_centre_is_not_listed_as_labour_inspection(directory):
    listing(
        "labour-victims-centre",
        types=["ngo"],
        services=["shelter", "psychosocial_support"],
        forms=["labour"],
        groups=["men"],
    )
    found = contacts(answers(gender="man", exploitation="labour"))
    assert found["labour-victims-centre"].reasons == ["support"]
    assert "labour" in found["labour-inspectorate"].reasons


def test_adult_is_not_sent_to_child_services(directory):
    found = contacts(answers(gender="woman"))
    assert {"women-shelter", "adult-shelter"} <= set(found)
    assert "child-shelter" not in found
    assert "child-protection-service" not in found


def test_man_is_not_sent_to_a_women_only_shelter(directory):
    found = contacts(answers(gender="man"))
    assert "women-shelter" not in found
    assert "adult-shelter" in found


def test_labour_exploitation_shows_the_labour_inspectorate(directory):
    found = contacts(answers(gender="man", exploitation="labour"))
    assert "labour" in found["labour-inspectorate"].reasons
    # Not for a case of sexual exploitation.
    assert "labour-inspectorate" not in contacts(answers(gender="man"))


def test_legal_question_shows_legal_aid_office_and_lawyers(directory):
    found = contacts(answers(legal_question=True))
    assert "legal" in found["legal-aid-office"].reasons
    assert "legal" in found["victims-lawyer"].reasons
    # The legal-aid office comes before the lawyer.
    order = list(found)
    assert order.index("legal-aid-office") < order.index("victims-lawyer")


def test_police_is_not_offered_as_victim_support(directory):
    assert "police-unit" not in contacts(answers(child=True))
    assert "police-unit" not in contacts(answers())


def test_phones_are_shown_hotline_first(directory, anonymous):
    shelter = directory["adult-shelter"]
    PhoneFactory(organization=shelter, number="+351210000001", type="voice")
    PhoneFactory(organization=shelter, number="+351800000000", type="hotline")
    PhoneFactory(
        organization=shelter, number="+351210000009", visibility="professionals"
    )
    phones = contacts(answers(gender="man"))["adult-shelter"].phones
    assert [p.number for p in phones] == ["+351800000000", "+351210000001"]

    html = anonymous.get(
        "/en/knowledge/navigator/?identified_in=PT&nationality=NG&age=adult"
        "&gender=man&exploitation=sexual&wish=stay&cooperating=yes"
        "&proceedings=no&sheet_language=en"
    ).content.decode()
    sheet = html[html.index('class="sheet"') :]
    assert "Hotline" in sheet and 'href="tel:+351800000000"' in sheet
    assert sheet.index("+351 800") < sheet.index("+351 21 000 0001")
    # A phone for professionals only stays off a sheet anyone can print.
    assert "+351210000009" not in sheet


def test_a_sheet_gives_phone_descriptions_in_its_language(directory, anonymous):
    shelter = directory["adult-shelter"]
    PhoneFactory(
        organization=shelter,
        number="+351800000000",
        is_hotline=True,
        description_en="Fictitious night line",
        description_fr="Ligne de nuit fictive",
    )
    PhoneFactory(
        organization=shelter, number="+351210000001", description_en="Fictitious desk"
    )
    html = anonymous.get(
        "/fr/knowledge/navigator/?identified_in=PT&nationality=NG&age=adult"
        "&gender=man&exploitation=sexual&wish=stay&cooperating=yes"
        "&proceedings=no&sheet_language=fr"
    ).content.decode()
    sheet = html[html.index('class="sheet"') :]
    assert '<span class="meta" lang="fr">Ligne de nuit fictive</span>' in sheet
    assert "Fictitious night line" not in sheet
    assert '<span class="meta" lang="en">Fictitious desk</span>' in sheet


def test_contact_from_public_sources_is_flagged_unconfirmed(directory, anonymous):
    shelter = directory["adult-shelter"]
    shelter.assurance = Assurance.PUBLIC_SOURCES
    shelter.assured_date = datetime.date(2026, 11, 29)
    shelter.save()
    response = anonymous.get(
        "/en/knowledge/navigator/?identified_in=PT&nationality=NG&age=adult"
        "&gender=man&exploitation=sexual&wish=stay&cooperating=yes"
        "&proceedings=no&legal_question=yes&sheet_language=en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    (entry,) = [e for e in html.split("\n</li>") if "Fictitious adult shelter</a>" in e]
    assert "From public sources, not yet confirmed (29 November 2026)" in entry
    assert "Verified" not in entry
    # The legal contacts the question asked for are on the sheet.
    assert "Fictitious legal aid office" in html
    assert "Legal aid and lawyers" in html


def test_eu_citizen_gets_article_11_and_no_does_not_apply(knowledge, anonymous):
    """A Romanian in Belgium: assistance whatever the nationality, and the
    Belgian victim procedure shown as reported, not confirmed."""
    sheet = navigate(
        Answers(
            identified_in="BE",
            nationality="RO",
            child=False,
            exploitation="labour",
            wish="stay",
            cooperating="undecided",
            proceedings=False,
            gender="man",
        )
    )
    assert sheet is not None
    notes = {line.topic: line.note for line in sheet.destination_rights}
    assert notes["eu_and_third_country"] == "eu_citizen"
    assert notes["reflection_period"] == "eu_citizen_procedure_public_sources"
    assert notes["residence_permit"] == "eu_citizen_procedure_public_sources"

    html = anonymous.get(
        "/en/knowledge/navigator/?identified_in=BE&nationality=RO&age=adult"
        "&gender=man&exploitation=labour&wish=stay&cooperating=undecided"
        "&proceedings=no&sheet_language=en"
    ).content.decode()
    text = " ".join(html.split())
    assert "do not apply" not in text
    assert "whatever your nationality or residence status" in text
    assert "Directive 2011/36/EU, art. 11" in text
    assert "https://eur-lex.europa.eu/eli/dir/2011/36/oj" in text
    assert "not yet confirmed against the official text" in text


def test_eu_citizen_procedure_elsewhere_is_marked_unconfirmed(knowledge):
    sheet = navigate(
        Answers(
            identified_in="SE",
            nationality="RO",
            child=False,
            exploitation="begging",
            wish="stay",
            cooperating="yes",
            proceedings=False,
        )
    )
    assert sheet is not None
    notes = {line.topic: line.note for line in sheet.destination_rights}
    assert notes["reflection_period"] == "eu_citizen_procedure_unconfirmed"
    # No reflection deadline is counted for a rule not confirmed to apply.
    assert sheet.reflection_days is None


def test_service_names_are_in_the_sheet_language(directory, anonymous):
    service = directory["adult-shelter"].services.get()
    service.name_en = "Safe house"
    service.name_ro = "Locuință protejată"
    service.save()
    html = anonymous.get(
        "/en/knowledge/navigator/?identified_in=PT&nationality=RO&age=adult"
        "&gender=man&exploitation=sexual&wish=stay&cooperating=yes"
        "&proceedings=no&sheet_language=ro"
    ).content.decode()
    sheet = html[html.index('class="sheet"') :]
    assert "Locuință protejată" in sheet
    assert "Safe house" not in sheet


def test_a_defunct_service_matches_no_need(directory):
    directory["adult-shelter"].services.update(status="defunct")
    assert "adult-shelter" not in contacts(answers(gender="man"))


def test_a_child_sheet_says_when_no_child_protection_service_is_listed(
    directory, anonymous
):
    url = (
        f"/en/knowledge/navigator/?identified_in={COUNTRY}&nationality=NG"
        "&age=child&exploitation=sexual&wish=stay&cooperating=yes&proceedings=no"
        "&sheet_language=en"
    )
    missing = "No child-protection service in Portugal is listed here yet."
    assert navigate(answers(child=True)).destination_lacks_child_protection is False
    assert missing not in anonymous.get(url).content.decode()

    directory["child-protection-service"].delete()
    assert navigate(answers(child=True)).destination_lacks_child_protection
    page = anonymous.get(url).content.decode()
    assert missing in page
    assert "call 112 in an emergency" in page
    # Never on an adult's sheet.
    assert not navigate(answers()).destination_lacks_child_protection
