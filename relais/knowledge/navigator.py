"""The rights navigator: from a few answers to the rights and contacts that apply.

A pure function of the answers; nothing about the person is stored or logged.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from relais.directory.models import Organization, Service
from relais.directory.search import search
from relais.directory.search.query import SearchQuery

from .models import CountryProfile, RightsCell, RightTopic
from .selectors import published_cells

# EU Member States (ISO 3166-1): nationals of these are EU citizens.
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)

T = RightTopic
ALWAYS = [
    T.IDENTIFICATION,
    T.LEGAL_AID,
    T.STATE_COMPENSATION,
    T.OFFENDER_COMPENSATION,
    T.HEALTH_CARE,
    T.SOCIAL_AID,
    T.SHELTER,
    T.NON_PUNISHMENT,
]
THIRD_COUNTRY_ONLY = [T.REFLECTION_PERIOD, T.RESIDENCE_PERMIT, T.RIGHT_TO_WORK]
ORIGIN_ON_RETURN = [T.SOCIAL_AID, T.HEALTH_CARE, T.SHELTER, T.LEGAL_AID]

DESTINATION_SERVICES = ["legal_advice", "shelter", "psychosocial_support"]
ORIGIN_SERVICES = ["return_reintegration", "shelter", "psychosocial_support"]
CONTACTS_PER_COUNTRY = 5


@dataclass(frozen=True)
class Answers:
    identified_in: str
    nationality: str
    child: bool
    exploitation: str
    wish: str  # stay | return | undecided
    cooperating: str  # yes | no | undecided
    proceedings: bool

    @property
    def eu_citizen(self) -> bool:
        return self.nationality in EU_MEMBER_STATES


@dataclass
class RightLine:
    topic: str
    label: str
    cell: RightsCell | None
    # Why this line is on the sheet or what limits it: a code the sheet
    # template turns into a sentence in the sheet's language.
    note: str = ""


@dataclass
class Contact:
    organization: Organization
    services: list[str]
    languages: list[str]


@dataclass
class Sheet:
    answers: Answers
    destination: CountryProfile
    origin: CountryProfile | None
    destination_rights: list[RightLine] = field(default_factory=list)
    origin_rights: list[RightLine] = field(default_factory=list)
    destination_contacts: list[Contact] = field(default_factory=list)
    origin_contacts: list[Contact] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    reflection_days: int | None = None


def _lines(profile: CountryProfile, topics: list[RightTopic]) -> list[RightLine]:
    cells = {c.topic: c for c in published_cells(profile)}
    return [
        RightLine(topic=t.value, label=str(t.label), cell=cells.get(t.value))
        for t in topics
    ]


def contacts_in(
    country: str, services: list[str], *, child: bool = False
) -> list[Contact]:
    """Real (not demo) directory listings of a country offering any of the
    services; for a child, those working with children first."""
    groups = [["children"], []] if child else [[]]
    organizations: list[Organization] = []
    for group in groups:
        result = search(
            SearchQuery(
                country=[country],
                service=services,
                group=group,
                sort="name",
                per_page=60,
            )
        )
        organizations += [
            h.organization
            for h in result.hits
            if not h.organization.is_fictitious and h.organization not in organizations
        ]
    organizations = organizations[:CONTACTS_PER_COUNTRY]
    listed = (
        Organization.objects.filter(pk__in=[o.pk for o in organizations])
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.prefetch_related("languages"))
        )
        .in_bulk()
    )
    contacts = []
    for org in organizations:
        full = listed[org.pk]
        languages = sorted(
            {lang.code for s in full.services.all() for lang in s.languages.all()}
        )
        contacts.append(
            Contact(
                organization=full,
                services=[s.name for s in full.services.all()],
                languages=languages,
            )
        )
    return contacts


def navigate(answers: Answers) -> Sheet | None:
    """The sheet for these answers, or None when the destination has no profile."""
    destination = CountryProfile.objects.filter(code=answers.identified_in).first()
    if destination is None:
        return None
    origin = CountryProfile.objects.filter(code=answers.nationality).first()
    sheet = Sheet(answers=answers, destination=destination, origin=origin)

    topics = list(ALWAYS)
    if not answers.eu_citizen:
        topics[1:1] = THIRD_COUNTRY_ONLY
    topics.append(T.EU_AND_THIRD_COUNTRY)
    if answers.child:
        topics.append(T.CHILDREN)
    sheet.destination_rights = _lines(destination, topics)
    for line in sheet.destination_rights:
        if line.topic == T.RESIDENCE_PERMIT and answers.cooperating != "yes":
            line.note = "residence_needs_cooperation"
        if line.topic == T.EU_AND_THIRD_COUNTRY:
            line.note = "eu_citizen" if answers.eu_citizen else "third_country"
        if line.topic == T.REFLECTION_PERIOD and line.cell is not None:
            sheet.reflection_days = line.cell.value

    returning = answers.wish in ("return", "undecided")
    if returning and origin is not None:
        origin_topics = list(ORIGIN_ON_RETURN)
        if answers.child:
            origin_topics.append(T.CHILDREN)
        sheet.origin_rights = _lines(origin, origin_topics)

    sheet.destination_contacts = contacts_in(
        answers.identified_in, DESTINATION_SERVICES, child=answers.child
    )
    if returning:
        sheet.origin_contacts = contacts_in(
            answers.nationality, ORIGIN_SERVICES, child=answers.child
        )

    steps = []
    if not answers.eu_citizen:
        steps.append("reflection_with_days" if sheet.reflection_days else "reflection")
    steps.append("lawyer")
    if answers.cooperating == "undecided":
        steps.append("decide_cooperation")
    if answers.child:
        steps.append("guardian")
    if answers.exploitation == "labour":
        steps.append("labour")
    if answers.exploitation == "sexual":
        steps.append("sexual_health")
    if answers.proceedings:
        steps.append("compensation")
    if answers.wish == "return":
        steps.append("prepare_return")
    elif answers.wish == "stay" and answers.eu_citizen:
        steps.append("stay_eu")
    steps.append("check_sources")
    sheet.steps = steps
    return sheet
