"""Organisers' pages: creating and changing an event, its programme,
participants and attendance, materials."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.directory.models import Location, Organization

from .. import exports, selectors, services
from ..forms import EventForm, MaterialForm, SessionForm, event_initial
from ..models import RegistrationStatus
from .base import admin_organisations, errors_into, explained_404, organised_or_404


@explained_404
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("events.create_event", request.user):
        raise PermissionDenied
    organisations = admin_organisations(request.user)
    form = EventForm(
        request.POST or None,
        organisations=organisations,
        locations=Location.objects.filter(organization__in=organisations),
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user,
                organiser=form.cleaned_data["organiser"],
                values=form.event_values(),
                request=request,
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("The event was created."))
            return redirect(event)
    return render(request, "events/create.html", {"form": form})


@explained_404
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = organised_or_404(request, slug)
    organisations = Organization.objects.filter(pk__in=event.organisers.values("pk"))
    form = EventForm(
        request.POST or None,
        initial=event_initial(event),
        organisations=organisations,
        locations=Location.objects.filter(organization__in=organisations),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                event=event,
                values=form.event_values(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("The event was changed."))
            return redirect(event)
    return render(request, "events/edit.html", {"form": form, "event": event})


@explained_404
@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    event = organised_or_404(request, slug, "events.view_participants")
    if request.method == "POST":
        count = services.attendance_mark(
            event=event,
            present=set(request.POST.getlist("present")),
            actor=request.user,
            request=request,
        )
        messages.success(
            request,
            _("Attendance saved: %(count)s present.") % {"count": count},
        )
        return redirect("events:participants", slug=event.slug)
    registrations = list(selectors.participants(event))
    return render(
        request,
        "events/participants.html",
        {
            "event": event,
            "registrations": registrations,
            "confirmed": [
                r for r in registrations if r.status == RegistrationStatus.CONFIRMED
            ],
            "others": [
                r for r in registrations if r.status != RegistrationStatus.CONFIRMED
            ],
            "mix": selectors.profession_mix(event),
            "seats_taken": selectors.seats_taken(event),
            "feedback": event.feedback.all(),
            "material_form": MaterialForm(),
            "session_form": SessionForm(zone=event.zone),
        },
    )


@explained_404
@require_safe
def participants_export(
    request: HttpRequest, slug: str, file_format: str
) -> HttpResponse:
    event = organised_or_404(request, slug, "events.view_participants")
    registrations = list(selectors.participants(event))
    services.participants_export_record(
        event=event, actor=request.user, file_format=file_format, request=request
    )
    if file_format == "csv":
        response = HttpResponse(
            exports.participants_csv(registrations), content_type="text/csv"
        )
    else:
        response = HttpResponse(
            exports.participants_xlsx(registrations, title=event.title),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
    filename = f"participants-{event.slug}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@explained_404
@require_POST
def material_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = organised_or_404(request, slug)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.material_add(
            event=event, actor=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, _("The material was added."))
        return redirect("events:participants", slug=event.slug)
    return render(
        request,
        "events/material_add.html",
        {"event": event, "material_form": form},
        status=400,
    )


@explained_404
@require_POST
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = organised_or_404(request, slug)
    form = SessionForm(request.POST, zone=event.zone)
    if form.is_valid():
        try:
            services.session_add(
                event=event, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("The session was added to the programme."))
            return redirect("events:participants", slug=event.slug)
    return render(
        request,
        "events/session_add.html",
        {"event": event, "session_form": form},
        status=400,
    )
