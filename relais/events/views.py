from collections.abc import Callable
from functools import wraps
from itertools import groupby
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.accounts.models import Membership, Profession, Role
from relais.core.ratelimit import rate_limited
from relais.core.viewers import is_professional
from relais.directory.models import Location, Organization
from relais.knowledge.models import PracticeStatus

from . import exports, ical, selectors, services
from .forms import (
    EventFilterForm,
    EventForm,
    FeedbackForm,
    GuestRegistrationForm,
    MaterialForm,
    ProfessionalRegistrationForm,
    SessionForm,
    event_initial,
)
from .models import Event, Material, Registration, RegistrationStatus


def explained_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A 404 that says what was not found (the site's 404 page is generic)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return render(
                request, "events/not_found.html", {"message": str(error)}, status=404
            )

    return wrapped


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_get(slug=slug, user=request.user)
    if event is None:
        raise Http404(_("No event has this address."))
    return event


def _organised_or_404(
    request: HttpRequest, slug: str, perm: str = "events.organise"
) -> Event:
    event = _event_or_404(request, slug)
    if not rules.has_perm(perm, request.user, event):
        raise PermissionDenied
    return event


def _registration_or_404(token: str) -> Registration:
    registration = selectors.registration_from_token(token)
    if registration is None:
        raise Http404(_("This registration link is not valid."))
    return registration


def _user_organisations(user: Any) -> Any:
    if not is_professional(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organization")
    )


def _admin_organisations(user: Any) -> Any:
    if is_professional(user) and user.is_superuser:
        return Organization.objects.all()
    if not is_professional(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(
            user=user, role=Role.ORGANISATION_ADMIN
        ).values("organization")
    )


# Reading ------------------------------------------------------------------------


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
    event = _event_or_404(request, slug)
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
            "professional_form": _professional_form(request),
            "guest_form": GuestRegistrationForm(),
            "materials": materials,
            "good_practices": event.good_practices.filter(
                status=PracticeStatus.PUBLISHED
            ),
            "handbook_sections": event.handbook_sections.select_related("chapter"),
        },
    )


def _professional_form(request: HttpRequest, data: Any = None) -> Any:
    if not is_professional(request.user):
        return None
    membership = Membership.objects.filter(user=request.user.pk).first()
    initial = {}
    if membership is not None:
        initial = {
            "profession": membership.profession,
            "organization": membership.organization_id,
        }
    return ProfessionalRegistrationForm(
        data, organisations=_user_organisations(request.user), initial=initial
    )


# Organising ------------------------------------------------------------------------


@explained_404
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("events.create_event", request.user):
        raise PermissionDenied
    organisations = _admin_organisations(request.user)
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
            _add_errors(form, error)
        else:
            messages.success(request, _("The event was created."))
            return redirect(event)
    return render(request, "events/create.html", {"form": form})


@explained_404
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organised_or_404(request, slug)
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
            _add_errors(form, error)
        else:
            messages.success(request, _("The event was changed."))
            return redirect(event)
    return render(request, "events/edit.html", {"form": form, "event": event})


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@explained_404
@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    event = _organised_or_404(request, slug, "events.view_participants")
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
    event = _organised_or_404(request, slug, "events.view_participants")
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
    event = _organised_or_404(request, slug)
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
    event = _organised_or_404(request, slug)
    form = SessionForm(request.POST, zone=event.zone)
    if form.is_valid():
        try:
            services.session_add(
                event=event, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The session was added to the programme."))
            return redirect("events:participants", slug=event.slug)
    return render(
        request,
        "events/session_add.html",
        {"event": event, "session_form": form},
        status=400,
    )


@explained_404
@login_not_required
@require_safe
def material_pdf(request: HttpRequest, slug: str, pk: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    material = Material.objects.filter(event=event, pk=pk).exclude(pdf=None).first()
    if material is None:
        raise Http404(_("No material has this address."))
    if material.participants_only:
        own = selectors.registration_of(event=event, user=request.user)
        participant = own is not None and own.status == RegistrationStatus.CONFIRMED
        if not (participant or rules.has_perm("events.organise", request.user, event)):
            raise PermissionDenied
    response = HttpResponse(bytes(material.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-material.pdf"'
    return response


# Registering ---------------------------------------------------------------------


@explained_404
@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in professional registers: a place or a place in line at once."""
    event = _event_or_404(request, slug)
    if not rules.has_perm("events.register", request.user, event):
        raise PermissionDenied
    form = _professional_form(request, request.POST)
    if form.is_valid():
        user = request.user
        organization = form.cleaned_data["organization"]
        try:
            registration = services.registration_create(
                event=event,
                user=user,
                name=user.get_full_name() or user.email,  # type: ignore[union-attr]
                email=user.email,  # type: ignore[union-attr]
                profession=form.cleaned_data["profession"],
                organization=organization,
                organization_name=str(organization or ""),
                language=get_language() or "en",
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(event)
        _say_status(request, registration)
        return redirect(event)
    messages.error(request, _("Please choose your profession."))
    return redirect(event)


@explained_404
@login_not_required
@require_POST
@rate_limited("event_registration")
def register_guest(request: HttpRequest, slug: str) -> HttpResponse:
    """A guest registers; the place is held once they confirm their e-mail."""
    event = _event_or_404(request, slug)
    form = GuestRegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.registration_create(
                event=event,
                language=get_language() or "en",
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "events/guest_check_mail.html", {"event": event})
    return render(
        request,
        "events/register_guest.html",
        {"event": event, "form": form},
        status=400,
    )


def _say_status(request: HttpRequest, registration: Registration) -> None:
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You are registered: your place is confirmed."))
    elif registration.status == RegistrationStatus.WAITLISTED:
        messages.info(
            request,
            _(
                "Every place is taken: you are on the waiting list and will get "
                "an e-mail if a place becomes free."
            ),
        )


@explained_404
@login_not_required
@require_http_methods(["GET", "POST"])
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the guest's e-mail; a GET only shows a button, so that mail
    scanners that open links confirm nothing."""
    registration = _registration_or_404(token)
    if request.method == "POST":
        try:
            registration = services.registration_confirm(
                registration=registration, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _say_status(request, registration)
        return redirect("events:registration", token=token)
    if registration.status != RegistrationStatus.UNCONFIRMED:
        messages.info(
            request, _("This registration was already confirmed; nothing was changed.")
        )
        return redirect("events:registration", token=token)
    return render(
        request,
        "events/confirm.html",
        {"registration": registration, "event": registration.event},
    )


@explained_404
@login_not_required
@require_http_methods(["GET", "POST"])
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """A participant's own registration: status, cancellation, feedback."""
    registration = _registration_or_404(token)
    event = registration.event
    feedback_form = FeedbackForm()
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.registration_cancel(
                registration=registration,
                actor=request.user if is_professional(request.user) else None,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("events:registration", token=token)
    if request.method == "POST" and request.POST.get("action") == "feedback":
        feedback_form = FeedbackForm(request.POST)
        if feedback_form.is_valid():
            try:
                services.feedback_submit(
                    registration=registration, **feedback_form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you for your feedback."))
            return redirect("events:registration", token=token)
    elif request.method == "POST" and request.POST.get("action") != "feedback":
        messages.error(request, _("Nothing was changed."))
        return redirect("events:registration", token=token)
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "event": event,
            "token": token,
            "confirmed": confirmed,
            "may_cancel": registration.status != RegistrationStatus.CANCELLED
            and not event.is_past,
            "certificate": confirmed and registration.attended is True,
            "feedback_form": feedback_form
            if confirmed and event.is_past and not hasattr(registration, "feedback")
            else None,
        },
        status=400 if feedback_form.errors else 200,
    )


@explained_404
@require_safe
def my_registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    own = selectors.registration_of(event=event, user=request.user)
    if own is None:
        raise Http404(_("You are not registered for this event."))
    return redirect("events:registration", token=selectors.registration_token(own))


@explained_404
@login_not_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def certificate(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    if not (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.attended is True
    ):
        raise Http404(
            _("A certificate is issued once the organisers mark you present.")
        )
    try:
        pdf = exports.certificate_pdf(registration, registration.event)
    except OSError:  # pango missing on this host
        return render(request, "knowledge/pdf_unavailable.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificate-{registration.event.slug}.pdf"'
    )
    return response


# Calendars ---------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@explained_404
@login_not_required
@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get(slug=slug, user=request.user)
    if event is None or not event.is_public:
        # A private event has no public calendar file, even for its organisers
        # (calendar programs share subscriptions).
        raise Http404(_("This event has no calendar file: it is private or unknown."))
    return _ics(
        ical.calendar_of([event], name=event.title, request=request),
        f"{event.slug}.ics",
    )


@explained_404
@login_not_required
@require_safe
def feed_country(request: HttpRequest, code: str) -> HttpResponse:
    from django_countries import countries

    if code.upper() not in dict(countries):
        raise Http404(_("Unknown country code."))
    name = _("Relais events: %(country)s") % {"country": countries.name(code.upper())}
    events = selectors.public_events(country=code)
    return _ics(ical.calendar_of(events, name=name, request=request), f"{code}.ics")


@explained_404
@login_not_required
@require_safe
def feed_audience(request: HttpRequest, profession: str) -> HttpResponse:
    labels = dict(Profession.choices)
    if profession not in labels:
        raise Http404(_("Unknown audience."))
    name = _("Relais events for: %(audience)s") % {"audience": labels[profession]}
    events = selectors.public_events(audience=profession)
    return _ics(
        ical.calendar_of(events, name=name, request=request), f"{profession}.ics"
    )


@login_not_required
@require_safe
def feeds(request: HttpRequest) -> HttpResponse:
    from django_countries import countries

    codes = sorted(
        {
            str(c)
            for c in selectors.public_events().values_list("country", flat=True)
            if c
        }
    )
    return render(
        request,
        "events/feeds.html",
        {
            "countries": [(c.lower(), countries.name(c)) for c in codes],
            "professions": Profession.choices,
            "base": request.build_absolute_uri(reverse("events:list")),
        },
    )
