"""The referrals' JSON API under /api/referrals/ (django-ninja, read-only).

For case-management systems that follow their organisation's referrals: the
metadata (organisations, purposes, status, version, dates, deadlines, the
timeline's steps) of the referrals the token's owner may see, by the same
rules as the pages (rules.py). It never answers personal data (the person,
messages, documents, notes): a bearer token lives long and travels between
systems; the person's data is read in the browser, with a second factor, and
every reading is audited.
"""

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import URLPattern, URLResolver
from ninja import Field, Router, Schema

from relais.api.api import RelaisAPI, reader_of
from relais.api.schemas import Problem

from . import selectors
from .models import Referral

ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 404: Problem, 429: Problem}


class DeadlineOut(Schema):
    kind: str
    due_at: datetime
    time_zone: str


class StepOut(Schema):
    at: datetime
    kind: str
    side: str
    version: int


class ReferralOut(Schema):
    id: uuid.UUID
    url: str
    sending_organization: str = Field(description="The organisation's slug.")
    receiving_organization: str
    sending_country: str
    receiving_country: str
    purposes: list[str]
    urgency: str
    phase: str
    status: str
    outcome: str
    version: int = Field(description="Changes with every update of the referral.")
    created_at: datetime
    sent_at: datetime | None
    answer_due_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    personal_data_deleted_at: datetime | None
    deadlines: list[DeadlineOut]


class ReferralDetailOut(ReferralOut):
    timeline: list[StepOut]


def _out(request: HttpRequest, referral: Referral, timeline: bool) -> dict[str, Any]:
    data = {
        "id": referral.pk,
        "url": request.build_absolute_uri(f"/en/referrals/{referral.pk}/"),
        "sending_organization": referral.sending_organization.slug,
        "receiving_organization": referral.receiving_organization.slug,
        "sending_country": str(referral.sending_country),
        "receiving_country": str(referral.receiving_country),
        "purposes": referral.purposes,
        "urgency": referral.urgency,
        "phase": referral.phase,
        "status": referral.status,
        "outcome": referral.outcome,
        "version": referral.version,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "answer_due_at": referral.answer_due_at,
        "accepted_at": referral.accepted_at,
        "closed_at": referral.closed_at,
        "personal_data_deleted_at": referral.purged_at,
        "deadlines": [
            {"kind": d.kind, "due_at": d.due_at, "time_zone": d.time_zone}
            for d in referral.deadlines.all()
        ],
    }
    if timeline:
        data["timeline"] = [
            {"at": e.at, "kind": e.kind, "side": e.side, "version": e.version}
            for e in referral.timeline.all()
        ]
    return data


router = Router(tags=["referrals"])


@router.get("", response={200: list[ReferralOut], **ERRORS}, url_name="referrals")
def referral_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The referrals the token's owner may see (the 500 most recent)."""
    user = reader_of(request).user
    rows = (
        selectors.referrals_visible_to(user)
        .select_related("sending_organization", "receiving_organization")
        .prefetch_related("deadlines")
        .order_by("-created_at")[:500]
    )
    return [_out(request, referral, timeline=False) for referral in rows]


@router.get(
    "{referral_id}",
    response={200: ReferralDetailOut, **ERRORS},
    url_name="referral",
)
def referral_detail(request: HttpRequest, referral_id: str) -> dict[str, Any]:
    """One referral's metadata and timeline; 404 when it is not the reader's."""
    referral = selectors.referral_get(reader_of(request).user, referral_id)
    if referral is None:
        raise Http404
    return _out(request, referral, timeline=True)


referrals_api = RelaisAPI(
    title="Relais referrals API",
    version="1",
    description=(
        "The metadata of the referrals a personal API token's owner may see "
        "(never personal data). Errors are RFC 9457 problem details. "
        "See docs/referrals.md."
    ),
    urls_namespace="referrals_api",
)
referrals_api.add_router("", router)


def referrals_api_urls() -> list[URLPattern | URLResolver]:
    return referrals_api.public_urls()
