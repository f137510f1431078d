"""The rights navigator: from a few answers to the rights and contacts that apply.

A pure function of the answers; nothing about the person is stored or logged.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from relais.directory.models import (
    Attribute,
    Organization,
    Phone,
    Service,
    VerificationState,
    hidden_cutoff,
)
from relais.directory.visibility import public_condition

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
# The national victim procedure: Directive 2004/81/EC makes it a right of
# third-country nationals; whether a country also opens it to EU citizens is
# national law (see EU_CITIZEN_PROCEDURE).
VICTIM_PROCEDURE = [T.REFLECTION_PERIOD, T.RESIDENCE_PERMIT]
THIRD_COUNTRY_ONLY = [T.RIGHT_TO_WORK]
ORIGIN_ON_RETURN = [T.SOCIAL_AID, T.HEALTH_CARE, T.SHELTER, T.LEGAL_AID]

# Whether a country's victim procedure (reflection period, residence documents)
# is open to EU citizens. Only a rule read in the official text may become
# "confirmed"; until then the sheet says it is not confirmed.
# BE: a summary of the Circular of 23 December 2016 on multidisciplinary
# cooperation (Moniteur belge 10 March 2017, numac 2017030090) says it covers
# Belgian, EU and third-country victims alike; the circular's own text was not
# read, so it stays "public_sources".
EU_CITIZEN_PROCEDURE = {"BE": "public_sources"}

GENDER_GROUP = {"woman": "women", "man": "men"}
ADULT_GROUPS = frozenset({"women", "men"})
LEGAL_TYPES = frozenset({"legal_aid_office", "bar_association", "lawyer", "law_firm"})
LEGAL_SERVICES = frozenset({"legal_advice", "legal_representation"})
SUPPORT_SERVICES = frozenset(
    {"shelter", "psychosocial_support", "helpline", "identification", "health_care"}
)
# Public authorities acting on the case (inspection, police, prosecution,
# courts): never offered as victim support, whatever services they list.
AUTHORITY_TYPES = frozenset(
    {"labour_inspection", "law_enforcement", "prosecution", "court"}
)
# Public bodies: victim support only through what they give victims themselves
# (shelter, psychosocial support, health care).
PUBLIC_BODY_TYPES = frozenset(
    {"government_agency", "national_rapporteur", "embassy_consulate"}
)
# Hotlines are shown first (issue 17): a phone of this type, or one marked
# `is_hotline` where the model has that marker.
HOTLINE = "hotline"
PHONES_PER_CONTACT = 3


@dataclass(frozen=True)
class Answers:
    identified_in: str
    nationality: str
    child: bool
    exploitation: str
    wish: str  # stay | return | undecided
    cooperating: str  # yes | no | undecided
    proceedings: bool
    gender: str = ""  # woman | man | other | "" (not said)
    legal_question: bool = False

    @property
    def eu_citizen(self) -> bool:
        return self.nationality in EU_MEMBER_STATES

    @property
    def needs_lawyer(self) -> bool:
        return self.legal_question or self.proceedings


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
    # Named when the sheet is rendered, so in the sheet's language.
    services: list[Service]
    languages: list[str]
    # Public phones, hotlines first.
    phones: list[Phone] = field(default_factory=list)
    # Why it is on the sheet, in NEEDS order: codes the template words.
    reasons: list[str] = field(default_factory=list)


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

    @property
    def destination_lacks_child_protection(self) -> bool:
        return self.answers.child and not _has_reason(
            self.destination_contacts, "child_protection"
        )

    @property
    def origin_lacks_child_protection(self) -> bool:
        return self.answers.child and not _has_reason(
            self.origin_contacts, "child_protection"
        )


def _has_reason(contacts: list[Contact], reason: str) -> bool:
    return any(reason in contact.reasons for contact in contacts)


def _lines(profile: CountryProfile, topics: list[RightTopic]) -> list[RightLine]:
    cells = {c.topic: c for c in published_cells(profile)}
    return [
        RightLine(topic=t.value, label=str(t.label), cell=cells.get(t.value))
        for t in topics
    ]


# Contacts -----------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a listing is, does and whom it serves, from its taxonomy terms
    (its own and its services')."""

    types: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    exploitation: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    @property
    def child_protection(self) -> bool:
        # A "child_protection" term where the vocabulary has one; otherwise a
        # public body that serves children (Romania's DGASPC, Bulgaria's State
        # Agency for Child Protection, Swedish social services).
        return (
            "child_protection" in self.types
            or "child_protection" in self.services
            or ("children" in self.groups and "government_agency" in self.types)
        )

    @property
    def shelter(self) -> bool:
        return "shelter" in self.types or "shelter" in self.services

    @property
    def child_only(self) -> bool:
        return self.child_protection or (
            "children" in self.groups and not self.groups & ADULT_GROUPS
        )


def serves(profile: Profile, answers: Answers) -> bool:
    """False when what the listing says of itself rules this person out.

    Stated target groups are whom a listing serves: a shelter for women does
    not take men, one that does not say it takes children is an adult shelter.
    A listing that states no group is not ruled out by it. Forms of
    exploitation only rank listings (`_rank`): the compiled lists of forms are
    the known ones, not a listing's limits.
    """
    wanted = GENDER_GROUP.get(answers.gender)
    adult_groups = profile.groups & ADULT_GROUPS
    if answers.child:
        if profile.groups and "children" not in profile.groups:
            return False
        if profile.shelter and "children" not in profile.groups:
            return False
        # A shelter "for women and children" (or men and children) takes
        # children with their parent: it is an adult shelter for a child on
        # their own, girl or boy. A child's place is found by child protection.
        if profile.shelter and adult_groups and not profile.child_protection:
            return False
    else:
        if profile.child_only:
            return False
        if wanted and adult_groups and wanted not in adult_groups:
            return False
    return True


@dataclass(frozen=True)
class Need:
    """One kind of help the sheet points to, and the listings that give it."""

    code: str
    limit: int
    matches: Callable[[Profile, Answers], bool]
    # Lower comes first among the listings that match.
    priority: Callable[[Profile], int] = lambda p: 0


def _is_support(p: Profile, a: Answers) -> bool:
    if p.child_protection or p.types & AUTHORITY_TYPES:
        return False
    # For a child: services for children, not adult services that also take
    # the children who come with their parent.
    if a.child and ("children" not in p.groups or p.groups & ADULT_GROUPS):
        return False
    services = p.services & SUPPORT_SERVICES
    if p.types & PUBLIC_BODY_TYPES:
        # A ministry or agency that identifies victims (immigration services)
        # or runs a line for professionals is not itself victim support.
        services -= {"identification", "helpline"}
    return bool(services or p.types & {"shelter"})


def _is_return(p: Profile, a: Answers) -> bool:
    return "return_reintegration" in p.services and not p.types & AUTHORITY_TYPES


def _is_labour(p: Profile, a: Answers) -> bool:
    # Inspection and workers' rights: a support centre that also assists
    # victims of labour exploitation is listed under support, not here.
    return bool(
        "labour_inspection" in p.types
        or "trade_union" in p.types
        or "labour_rights" in p.services
    )


def _is_legal(p: Profile, a: Answers) -> bool:
    return bool(p.types & LEGAL_TYPES or p.services & LEGAL_SERVICES)


def _labour_priority(p: Profile) -> int:
    if "labour_inspection" in p.types:
        return 0
    if "trade_union" in p.types or "labour_rights" in p.services:
        return 1
    return 2


def _legal_priority(p: Profile) -> int:
    if p.types & {"legal_aid_office", "bar_association"}:
        return 0
    if p.types & {"lawyer", "law_firm"}:
        return 1
    return 2


CHILD_PROTECTION = Need("child_protection", 2, lambda p, a: p.child_protection)
SUPPORT = Need("support", 3, _is_support, lambda p: 0 if p.shelter else 1)
RETURN = Need("return", 3, _is_return)
LABOUR = Need("labour", 3, _is_labour, _labour_priority)
LEGAL = Need("legal", 2, _is_legal, _legal_priority)
LEGAL_MORE = Need("legal", 4, _is_legal, _legal_priority)
LEGAL_ONE = Need("legal", 1, _is_legal, _legal_priority)


def destination_needs(answers: Answers) -> list[Need]:
    needs = [CHILD_PROTECTION] if answers.child else []
    needs.append(SUPPORT)
    if answers.exploitation == "labour":
        needs.append(LABOUR)
    # The sheet always says to see a lawyer; a legal question asks for more.
    needs.append(LEGAL_MORE if answers.needs_lawyer else LEGAL)
    return needs


def origin_needs(answers: Answers) -> list[Need]:
    needs = [CHILD_PROTECTION] if answers.child else []
    needs += [RETURN, SUPPORT]
    if answers.needs_lawyer:
        needs.append(LEGAL_ONE)
    return needs


def _offered(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services still offered: an inactive or defunct one matches no need."""
    return services.exclude(
        status__in=[Service.Status.INACTIVE, Service.Status.DEFUNCT]
    )


def _profiles(organizations: list[Organization]) -> dict[object, Profile]:
    """Each listing's taxonomy terms, its own and its services', by taxonomy."""
    service_owner = dict(
        _offered(Service.objects.filter(organization__in=organizations)).values_list(
            "id", "organization_id"
        )
    )
    terms: dict[object, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = Attribute.objects.filter(
        Q(
            link_entity=Attribute.LinkEntity.ORGANIZATION,
            link_id__in=[o.pk for o in organizations],
        )
        | Q(link_entity=Attribute.LinkEntity.SERVICE, link_id__in=list(service_owner))
    ).values_list(
        "link_entity", "link_id", "taxonomy_term__taxonomy__slug", "taxonomy_term__code"
    )
    for entity, link_id, taxonomy, code in rows:
        owner = (
            link_id
            if entity == Attribute.LinkEntity.ORGANIZATION
            else service_owner[link_id]
        )
        terms[owner][taxonomy].add(code)
    return {
        org.pk: Profile(
            types=frozenset(terms[org.pk]["organization_type"]),
            services=frozenset(terms[org.pk]["service"]),
            exploitation=frozenset(terms[org.pk]["exploitation_form"]),
            groups=frozenset(terms[org.pk]["target_group"]),
        )
        for org in organizations
    }


def _rank(org: Organization, profile: Profile, need: Need, answers: Answers) -> tuple:
    group = "children" if answers.child else GENDER_GROUP.get(answers.gender)
    return (
        need.priority(profile),
        answers.exploitation not in profile.exploitation,
        group not in profile.groups,
        org.verification_state != VerificationState.VERIFIED,
        org.name.casefold(),
    )


def contacts_for(
    country: str, needs: Iterable[Need], answers: Answers
) -> list[Contact]:
    """Real (not demo) listings of a country for these needs, each one serving
    this person (`serves`), best first within each need."""
    cutoff = hidden_cutoff(timezone.localdate())
    # As the directory search: listings unverified for too long are left out.
    organizations = list(
        Organization.objects.filter(country=country, is_fictitious=False).exclude(
            assured_date__lte=cutoff
        )
    )
    profiles = _profiles(organizations)
    eligible = [o for o in organizations if serves(profiles[o.pk], answers)]
    chosen: dict[object, list[str]] = {}
    for need in needs:
        matching = [o for o in eligible if need.matches(profiles[o.pk], answers)]
        matching.sort(key=lambda o: _rank(o, profiles[o.pk], need, answers))
        for org in matching[: need.limit]:
            reasons = chosen.setdefault(org.pk, [])
            if need.code not in reasons:
                reasons.append(need.code)
    return _contacts(chosen)


def is_hotline(phone: Phone) -> bool:
    return phone.type == HOTLINE or bool(getattr(phone, "is_hotline", False))


def _contacts(chosen: dict[object, list[str]]) -> list[Contact]:
    listed = (
        Organization.objects.filter(pk__in=list(chosen))
        .prefetch_related(
            Prefetch(
                "services",
                queryset=_offered(Service.objects.all()).prefetch_related("languages"),
            ),
            Prefetch(
                "phones",
                queryset=Phone.objects.filter(public_condition("phone")).order_by(
                    "number"
                ),
                to_attr="public_phones",
            ),
        )
        .in_bulk()
    )
    contacts = []
    for pk, reasons in chosen.items():
        full = listed[pk]
        languages = sorted(
            {lang.code for s in full.services.all() for lang in s.languages.all()}
        )
        phones = sorted(full.public_phones, key=lambda p: not is_hotline(p))  # type: ignore[attr-defined]
        contacts.append(
            Contact(
                organization=full,
                services=list(full.services.all()),
                languages=languages,
                phones=phones[:PHONES_PER_CONTACT],
                reasons=reasons,
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
    # An EU citizen's sheet keeps the victim procedure, marked as national law
    # that may or may not apply to them (EU_CITIZEN_PROCEDURE).
    if answers.nationality != answers.identified_in:
        topics[1:1] = VICTIM_PROCEDURE + (
            [] if answers.eu_citizen else THIRD_COUNTRY_ONLY
        )
    topics.append(T.EU_AND_THIRD_COUNTRY)
    if answers.child:
        topics.append(T.CHILDREN)
    sheet.destination_rights = _lines(destination, topics)
    for line in sheet.destination_rights:
        if answers.eu_citizen and line.topic in VICTIM_PROCEDURE:
            state = EU_CITIZEN_PROCEDURE.get(answers.identified_in, "unconfirmed")
            line.note = f"eu_citizen_procedure_{state}"
        elif line.topic == T.RESIDENCE_PERMIT and answers.cooperating != "yes":
            line.note = "residence_needs_cooperation"
        if line.topic == T.EU_AND_THIRD_COUNTRY:
            line.note = "eu_citizen" if answers.eu_citizen else "third_country"
        if (
            line.topic == T.REFLECTION_PERIOD
            and line.cell is not None
            and not answers.eu_citizen
        ):
            sheet.reflection_days = line.cell.value

    returning = answers.wish in ("return", "undecided")
    if returning and origin is not None:
        origin_topics = list(ORIGIN_ON_RETURN)
        if answers.child:
            origin_topics.append(T.CHILDREN)
        sheet.origin_rights = _lines(origin, origin_topics)

    sheet.destination_contacts = contacts_for(
        answers.identified_in, destination_needs(answers), answers
    )
    if returning:
        sheet.origin_contacts = contacts_for(
            answers.nationality, origin_needs(answers), answers
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
    elif (
        answers.wish == "stay"
        and answers.eu_citizen
        and answers.nationality != answers.identified_in
    ):
        steps.append("stay_eu")
    steps.append("check_sources")
    sheet.steps = steps
    return sheet
