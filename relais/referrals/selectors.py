"""Reads for referrals, each scoped by who is looking (rules.py)."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from relais.accounts.rules import coordinated_countries
from relais.audit.models import AuditEntry
from relais.core.viewers import is_professional
from relais.directory.models import Attribute, Organization, own_names_first

from .audit_actions import ReferralAction
from .models import Deadline, Outcome, Purpose, Referral, Status
from .services import case_code_hash

# Statistics cells counting fewer referrals than this are not shown: a small
# number for a country pair can point at one person.
SMALL_CELL = 5


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Every referral the user may see at least the metadata of."""
    if not is_professional(user):
        return Referral.objects.none()
    if user.is_superuser:
        return Referral.objects.all()
    organizations = list(
        Membership.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    countries = coordinated_countries(user)
    condition = Q(sending_organization__in=organizations) | Q(
        receiving_organization__in=organizations,
        consent_withdrawn_at__isnull=True,
        status__in=[s for s in Status.values if s != Status.DRAFT],
    )
    if countries:
        condition |= Q(sending_country__in=countries) | (
            Q(receiving_country__in=countries) & ~Q(status=Status.DRAFT)
        )
    return Referral.objects.filter(condition)


def referral_get(user: Any, pk: Any) -> Referral | None:
    """The referral if the user may see it; None for a forged or foreign id."""
    try:
        referral = Referral.objects.select_related(
            "sending_organization", "receiving_organization"
        ).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, ValidationError):
        return None
    return referral if rules.has_perm("referrals.view", user, referral) else None


def referral_find(user: Any, case_code: str) -> Referral | None:
    """Look a referral up by its case code (by keyed hash, never in clear)."""
    referral = Referral.objects.filter(case_code_hash=case_code_hash(case_code)).first()
    if referral is None or not rules.has_perm("referrals.view", user, referral):
        return None
    return referral


def referral_list(user: Any) -> dict[str, list[Referral]]:
    """The user's referrals: sent by their organisations, received, and those
    of the countries they coordinate (metadata only)."""
    organizations = set(
        Membership.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    rows = referrals_visible_to(user).select_related(
        "sending_organization", "receiving_organization"
    )
    lists: dict[str, list[Referral]] = {"sent": [], "received": [], "country": []}
    for referral in rows.order_by("-created_at")[:500]:
        if referral.sending_organization_id in organizations:
            lists["sent"].append(referral)
        elif referral.receiving_organization_id in organizations:
            lists["received"].append(referral)
        else:
            lists["country"].append(referral)
    return lists


def organisations_to_refer_from(user: Any) -> list[Organization]:
    if not is_professional(user):
        return []
    return [
        m.organization
        for m in Membership.objects.filter(
            user=user, role__in=[Role.ORGANISATION_ADMIN, Role.MEMBER]
        ).select_related("organization")
    ]


# The directory's terms (taxonomy, code) that serve each purpose.
PURPOSE_TERMS: dict[str, list[tuple[str, str]]] = {
    "legal_advice": [("service", "legal_advice"), ("service", "legal_representation")],
    "criminal_proceedings": [("service", "legal_representation")],
    "compensation": [("service", "compensation_claims")],
    "residence": [("service", "residence_procedures")],
    "asylum": [("service", "asylum")],
    "labour_rights": [("service", "labour_rights")],
    "social_aid": [("service", "psychosocial_support")],
    "health_care": [("service", "health_care")],
    "shelter": [("service", "shelter"), ("organization_type", "shelter")],
    "return": [("service", "return_reintegration")],
    "child_protection": [("target_group", "children")],
}


def _serving(purpose: str) -> Q:
    """Organisations tagged (themselves or one of their services) for `purpose`."""
    terms = PURPOSE_TERMS.get(purpose, [])
    condition = Q()
    for taxonomy, code in terms:
        condition |= Q(taxonomy_term__taxonomy__slug=taxonomy, taxonomy_term__code=code)
    ids = Attribute.objects.filter(condition).values_list("link_id", flat=True)
    return Q(pk__in=ids) | Q(services__pk__in=ids)


def recipients_suggested(
    user: Any,
    *,
    country: str = "",
    language: str = "",
    text: str = "",
    purpose: str = "",
    excluding: list[Any] | None = None,
    limit: int = 25,
) -> list[Organization]:
    """Organisations to refer to, for a purpose, in a country, speaking a
    language: those accepting referrals from abroad first, then by the name
    the reader sees (`Organization.display_name`), so that the first `limit`
    are the first ones of the list the reader reads."""
    rows = Organization.objects.exclude(pk__in=[o.pk for o in excluding or []])
    if country:
        rows = rows.filter(country=country.upper())
    if language:
        rows = rows.filter(
            Q(services__languages__code=language.lower())
            | Q(locations__languages__code=language.lower())
        )
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(alternate_name__icontains=text))
    if purpose in PURPOSE_TERMS:
        rows = rows.filter(_serving(purpose))
    shown_name = (
        Coalesce(NullIf("alternate_name", Value("")), "name")
        if own_names_first()
        else F("name")
    )
    return list(
        rows.distinct()
        .annotate(shown_name=Lower(shown_name))
        .order_by("-accepts_referrals_from_abroad", "shown_name", "name")[:limit]
    )


def referral_readers(referral: Referral) -> list[dict[str, Any]]:
    """Who read the personal data of this referral, and when (from the audit trail)."""
    entries = list(
        AuditEntry.objects.filter(
            target=str(referral.pk),
            action__in=[
                ReferralAction.PERSONAL_DATA_VIEWED,
                ReferralAction.DOCUMENT_DOWNLOADED,
                ReferralAction.EXPORTED,
            ],
        ).order_by("-sequence")[:200]
    )
    users = {
        str(u.uuid): u for u in User.objects.filter(uuid__in={e.actor for e in entries})
    }
    organizations = {
        referral.sending_organization_id: referral.sending_organization,
        referral.receiving_organization_id: referral.receiving_organization,
    }
    memberships: dict[int, list[Organization]] = defaultdict(list)
    for membership in Membership.objects.filter(
        user__in=users.values(), organization_id__in=list(organizations)
    ):
        memberships[membership.user_id].append(
            organizations[membership.organization_id]
        )
    return [
        {
            "at": entry.created_at,
            "who": users[entry.actor].email if entry.actor in users else "?",
            "organisations": memberships.get(users[entry.actor].pk, [])
            if entry.actor in users
            else [],
            "what": entry.details.get("what", ""),
            "action": entry.action,
        }
        for entry in entries
    ]


def deadlines_upcoming(user: Any, *, days: int = 60) -> QuerySet[Deadline]:
    now = timezone.now()
    visible = referrals_visible_to(user).exclude(
        status__in=[Status.DECLINED, Status.CLOSED, Status.WITHDRAWN]
    )
    return (
        Deadline.objects.filter(
            referral__in=visible, due_at__gte=now, due_at__lte=now + timedelta(days)
        )
        .select_related("referral")
        .order_by("due_at")
    )


def deadlines_for_feed(user: User) -> QuerySet[Deadline]:
    """The deadlines of the referrals the user handles (not only sees)."""
    organizations = Membership.objects.filter(
        user=user, role__in=[Role.ORGANISATION_ADMIN, Role.MEMBER]
    ).values_list("organization_id", flat=True)
    return (
        Deadline.objects.filter(
            Q(referral__sending_organization__in=organizations)
            | Q(
                referral__receiving_organization__in=organizations,
                referral__consent_withdrawn_at__isnull=True,
            )
        )
        .exclude(referral__status__in=[Status.DRAFT, Status.DECLINED, Status.WITHDRAWN])
        .select_related("referral")
        .order_by("due_at")
    )


@dataclass
class Cell:
    count: int

    @property
    def shown(self) -> str:
        return str(self.count) if self.count >= SMALL_CELL else f"<{SMALL_CELL}"

    @property
    def suppressed(self) -> bool:
        return self.count < SMALL_CELL


def _median_days(durations: list[timedelta]) -> float | None:
    if len(durations) < SMALL_CELL:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 86400, 1)


def referral_statistics() -> dict[str, Any]:
    """Anonymised counts of the referrals sent (drafts are not counted);
    cells under SMALL_CELL are suppressed."""
    rows = list(
        Referral.objects.exclude(status=Status.DRAFT).values(
            "sending_country",
            "receiving_country",
            "purposes",
            "outcome",
            "status",
            "sent_at",
            "accepted_at",
            "closed_at",
        )
    )
    pairs: Counter[tuple[str, str]] = Counter()
    purposes: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    to_accept: list[timedelta] = []
    to_close: list[timedelta] = []
    for row in rows:
        pairs[(row["sending_country"], row["receiving_country"])] += 1
        purposes.update(row["purposes"] or [])
        statuses[row["status"]] += 1
        if row["outcome"]:
            outcomes[row["outcome"]] += 1
        if row["sent_at"] and row["accepted_at"]:
            to_accept.append(row["accepted_at"] - row["sent_at"])
        if row["sent_at"] and row["closed_at"] and row["status"] == Status.CLOSED:
            to_close.append(row["closed_at"] - row["sent_at"])
    purpose_labels = dict(Purpose.choices)
    outcome_labels = dict(Outcome.choices)
    status_labels = dict(Status.choices)
    return {
        "total": Cell(len(rows)),
        "pairs": [
            {"sending": s, "receiving": r, "cell": Cell(n)}
            for (s, r), n in sorted(pairs.items())
        ],
        "purposes": [
            {"code": code, "label": purpose_labels[code], "cell": Cell(purposes[code])}
            for code in Purpose.values
            if purposes[code]
        ],
        "outcomes": [
            {"code": code, "label": outcome_labels[code], "cell": Cell(outcomes[code])}
            for code in Outcome.values
            if outcomes[code]
        ],
        "statuses": [
            {"code": code, "label": status_labels[code], "cell": Cell(statuses[code])}
            for code in Status.values
            if statuses[code]
        ],
        "median_days_to_accept": _median_days(to_accept),
        "median_days_to_close": _median_days(to_close),
    }
