"""Reading: the list and calendar of events, and one event's page."""

from itertools import groupby
from typing import Any

import rules
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from relais.accounts.models import Profession
from relais.knowledge.models import PracticeStatus

from .. import selectors
from ..forms import EventFilterForm, GuestRegistrationForm
from ..models import RegistrationStatus
from .base import event_or_404, explained_404, professional_form


@explained_404
@login_not_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters: dict[str, Any] = form.filters() if request.GET else {"when": "upcoming"}
    events = list(
        selectors.events_filtered(user=request.user, **filters).prefetch_related(
            "organisers"
        )
    )
    months = [
        (month, list(items))
        for month, items in groupby(
            events,
            # A calendar month in each event's own time zone.
            key=lambda e: e.starts_at.astimezone(e.zone).date().replace(day=1),
        )
    ]
    view = "calendar" if request.GET.get("view") == "calendar" else "list"
    template = (
        "events/_results.html"
        if getattr(request, "htmx", False)
        else "events/list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "events": events,
            "months": months,
            "view": view,
            "filters": filters,
            "query": request.GET.urlencode(),
            "may_create": rules.has_perm("events.create_event", request.user),
            "professions": Profession.choices,
        },
    )


@explained_404
@login_not_required
@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_or_404(request, slug)
    own = selectors.registration_of(event=event, user=request.user)
    may_organise = rules.has_perm("events.organise", request.user, event)
    materials = [
        m
        for m in event.materials.all()
        if not m.participants_only
        or may_organise
        or (own is not None and own.status == RegistrationStatus.CONFIRMED)
    ]
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "sessions": event.sessions.all(),
            "organisers": event.organisers.all(),
            "seats_left": selectors.seats_left(event),
            "own": own,
            "own_token": selectors.registration_token(own) if own else "",
            "may_organise": may_organise,
            "may_view_participants": rules.has_perm(
                "events.view_participants", request.user, event
            ),
            "may_register": rules.has_perm("events.register", request.user, event),
            "professional_form": professional_form(request),
            "guest_form": GuestRegistrationForm(),
            "materials": materials,
            "good_practices": event.good_practices.filter(
                status=PracticeStatus.PUBLISHED
            ),
            "handbook_sections": event.handbook_sections.select_related("chapter"),
        },
    )
