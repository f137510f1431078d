"""Navigator outcomes for a table of situations: rights, deadlines and contacts."""

from dataclasses import dataclass, field

import pytest

from relais.knowledge.navigator import Answers, navigate

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    name: str
    answers: Answers
    destination_rights: set[str]
    not_destination_rights: set[str]
    origin_rights: set[str] = field(default_factory=set)
    reflection_days: int | None = None
    destination_contact: str | None = None
    origin_contact: str | None = None
    not_destination_contacts: set[str] = field(default_factory=set)
    steps: set[str] = field(default_factory=set)
    not_steps: set[str] = field(default_factory=set)


def answers(identified_in, nationality, *, child=False, exploitation="sexual",
            wish="stay", cooperating="yes", proceedings=False, gender="",
            legal_question=False):  # fmt: skip
    return Answers(
        identified_in=identified_in,
        nationality=nationality,
        child=child,
        exploitation=exploitation,
        wish=wish,
        cooperating=cooperating,
        proceedings=proceedings,
        gender=gender,
        legal_question=legal_question,
    )


THIRD_COUNTRY = {"reflection_period", "residence_permit", "right_to_work"}
# An EU citizen's sheet keeps the national victim procedure, with a note that
# says whether it is confirmed to apply to them.
VICTIM_PROCEDURE = {"reflection_period", "residence_permit"}
THIRD_COUNTRY_ONLY = {"right_to_work"}
CORE = {"identification", "legal_aid", "state_compensation", "non_punishment"}
ORIGIN = {"social_aid", "health_care", "shelter", "legal_aid"}

CASES = [
    Case(
        "Romanian adult woman identified in Belgium, sexual exploitation, "
        "wishes to return",
        answers("BE", "RO", wish="return", cooperating="no"),
        destination_rights=CORE | VICTIM_PROCEDURE | {"eu_and_third_country"},
        not_destination_rights=THIRD_COUNTRY_ONLY | {"children"},
        origin_rights=ORIGIN,
        destination_contact="be-payoke",
        origin_contact="ro-adpare",
        steps={"lawyer", "prepare_return", "sexual_health"},
        not_steps={"reflection", "reflection_with_days", "guardian"},
    ),
    Case(
        "Bulgarian man identified in Spain, labour exploitation, cooperating",
        answers("ES", "BG", exploitation="labour", proceedings=True, gender="man"),
        destination_rights=CORE | VICTIM_PROCEDURE,
        not_destination_rights=THIRD_COUNTRY_ONLY,
        # Both work with women only.
        not_destination_contacts={"es-proyecto-esperanza", "es-apramp"},
        steps={"labour", "compensation", "stay_eu"},
        not_steps={"prepare_return"},
    ),
    Case(
        "Nigerian woman identified in Sweden, sexual exploitation, undecided",
        answers("SE", "NG", cooperating="undecided", wish="undecided"),
        destination_rights=CORE | THIRD_COUNTRY,
        not_destination_rights={"children"},
        reflection_days=30,
        destination_contact="se-talita",
        steps={"reflection_with_days", "decide_cooperation"},
    ),
    Case(
        "Unaccompanied Romanian child identified in Belgium, begging",
        answers("BE", "RO", child=True, exploitation="begging", wish="undecided"),
        destination_rights=CORE | VICTIM_PROCEDURE | {"children"},
        not_destination_rights=THIRD_COUNTRY_ONLY,
        origin_rights=ORIGIN | {"children"},
        destination_contact="be-minor-ndako",
        origin_contact="ro-dgaspc",
        steps={"guardian"},
    ),
    Case(
        "Vietnamese child identified in Belgium, criminal activities",
        answers("BE", "VN", child=True, exploitation="criminal_activities"),
        destination_rights=CORE | THIRD_COUNTRY | {"children"},
        not_destination_rights=set(),
        reflection_days=45,
        steps={"guardian", "reflection_with_days"},
    ),
    Case(
        "Ukrainian man identified in Bulgaria, labour exploitation, not cooperating",
        answers("BG", "UA", exploitation="labour", cooperating="no", gender="man"),
        destination_rights=CORE | THIRD_COUNTRY,
        not_destination_rights={"children"},
        reflection_days=30,
        destination_contact="bg-nlab",
        not_destination_contacts={"bg-animus", "bg-nadja"},
        steps={"labour", "reflection_with_days"},
    ),
    Case(
        "Moldovan woman identified in Romania, wishes to return",
        answers("RO", "MD", wish="return", cooperating="undecided"),
        destination_rights=CORE | THIRD_COUNTRY,
        not_destination_rights=set(),
        reflection_days=90,
        destination_contact="ro-reaching-out",
        steps={"prepare_return", "reflection_with_days", "decide_cooperation"},
    ),
    Case(
        "Paraguayan woman identified in Spain: at least 90 days' reflection",
        answers("ES", "PY", cooperating="undecided"),
        destination_rights=CORE | THIRD_COUNTRY,
        not_destination_rights=set(),
        reflection_days=90,
        steps={"reflection_with_days"},
        not_steps=set(),
    ),
    Case(
        "Bulgarian woman identified in Belgium, domestic servitude, proceedings",
        answers(
            "BE",
            "BG",
            exploitation="domestic_servitude",
            wish="return",
            proceedings=True,
        ),
        destination_rights=CORE | VICTIM_PROCEDURE | {"offender_compensation"},
        not_destination_rights=THIRD_COUNTRY_ONLY,
        origin_rights=ORIGIN,
        origin_contact="bg-nccthb",
        steps={"compensation", "prepare_return"},
    ),
    Case(
        "Romanian man identified in Sweden, forced begging, stays",
        answers("SE", "RO", exploitation="begging", gender="man"),
        destination_rights=CORE | VICTIM_PROCEDURE,
        not_destination_rights=THIRD_COUNTRY_ONLY,
        destination_contact="se-platform",
        not_destination_contacts={"se-talita", "se-noomi"},
        steps={"stay_eu"},
        not_steps={"prepare_return"},
    ),
    Case(
        "Romanian woman identified at home in Romania (internal trafficking)",
        answers("RO", "RO", wish="stay"),
        destination_rights=CORE,
        # Residence procedures for foreigners: not for the country's nationals.
        not_destination_rights=THIRD_COUNTRY,
        destination_contact="ro-adpare",
    ),
    Case(
        "Eritrean man identified in Belgium, forced marriage, not cooperating",
        answers(
            "BE", "ER", exploitation="forced_marriage", cooperating="no", gender="man"
        ),
        destination_rights=CORE | THIRD_COUNTRY,
        not_destination_rights={"children"},
        reflection_days=45,
        steps={"reflection_with_days"},
        not_steps={"decide_cooperation"},
    ),
    Case(
        "Spanish woman identified in Bulgaria wishing to return: Spain's profile",
        answers("BG", "ES", wish="return"),
        destination_rights=CORE | VICTIM_PROCEDURE,
        not_destination_rights=THIRD_COUNTRY_ONLY,
        origin_rights=ORIGIN,
        origin_contact="es-proyecto-esperanza",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_navigator_outcome(knowledge, case):
    sheet = navigate(case.answers)
    assert sheet is not None
    destination = {line.topic for line in sheet.destination_rights}
    assert case.destination_rights <= destination
    assert not (case.not_destination_rights & destination)
    # Every right on the sheet is either documented with a citation or
    # explicitly "not yet documented"; none is stated without a source.
    for line in sheet.destination_rights + sheet.origin_rights:
        if line.cell is not None:
            assert line.cell.citation_set.exists()
    assert {line.topic for line in sheet.origin_rights} == case.origin_rights
    assert sheet.reflection_days == case.reflection_days
    destination_slugs = {c.organization.slug for c in sheet.destination_contacts}
    origin_slugs = {c.organization.slug for c in sheet.origin_contacts}
    assert all(
        c.organization.country == case.answers.identified_in
        for c in sheet.destination_contacts
    )
    assert all(
        c.organization.country == case.answers.nationality
        for c in sheet.origin_contacts
    )
    if case.destination_contact:
        assert case.destination_contact in destination_slugs
    assert not (case.not_destination_contacts & destination_slugs)
    if case.origin_contact:
        assert case.origin_contact in origin_slugs
    if case.answers.wish == "stay":
        assert sheet.origin_contacts == []
    assert case.steps <= set(sheet.steps)
    assert not (case.not_steps & set(sheet.steps))
    assert sheet.steps[-1] == "check_sources"


def test_residence_permit_line_warns_when_not_cooperating(knowledge):
    sheet = navigate(answers("BE", "ER", cooperating="no"))
    line = next(x for x in sheet.destination_rights if x.topic == "residence_permit")
    assert line.note == "residence_needs_cooperation"


def test_origin_without_profile_gives_no_origin_rights(knowledge):
    sheet = navigate(answers("BE", "NG", wish="return"))
    assert sheet.origin is None
    assert sheet.origin_rights == []


def test_destination_without_profile_gives_no_sheet(knowledge):
    assert navigate(answers("FR", "RO")) is None


def test_contacts_for_a_child_list_those_working_with_children_first(knowledge):
    sheet = navigate(answers("BE", "RO", child=True, wish="return"))
    first = [c.organization.slug for c in sheet.destination_contacts[:3]]
    # Child protection (the guardianship service) and the two centres
    # specialised in children come before any service for adults.
    assert set(first) == {"be-guardianship-service", "be-esperanto", "be-minor-ndako"}
    origin = [c.organization.slug for c in sheet.origin_contacts]
    assert origin[0] == "ro-dgaspc"
    # A shelter for women and the children who come with them is no place
    # for a child returning on their own: child protection finds one.
    assert "ro-reaching-out" not in origin


def test_a_child_identified_in_spain_is_sent_to_spanish_child_protection(
    knowledge, anonymous
):
    sheet = navigate(answers("ES", "RO", child=True, gender="woman"))
    contacts = [c.organization.slug for c in sheet.destination_contacts]
    assert contacts[0] == "es-child-protection"
    assert not sheet.destination_lacks_child_protection
    # Never the shelters for adult women (and the children who come with them).
    assert not {"es-apramp", "es-amaranta"} & set(contacts)
    page = anonymous.get(
        "/en/knowledge/navigator/",
        {
            "identified_in": "ES",
            "nationality": "RO",
            "age": "child",
            "gender": "woman",
            "exploitation": "sexual",
            "wish": "stay",
            "cooperating": "yes",
            "proceedings": "no",
            "sheet_language": "en",
        },
    ).content.decode()
    assert "No child-protection service in Spain" not in page
    assert "entidades públicas de protección de menores" in page
