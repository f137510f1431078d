"""Registering: professionals and guests, the guest's confirmation link,
a participant's own registration page (cancellation, feedback)."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.core.ratelimit import rate_limited
from relais.core.viewers import is_professional

from .. import selectors, services
from ..forms import FeedbackForm, GuestRegistrationForm
from ..models import Registration, RegistrationStatus
from .base import event_or_404, explained_404, professional_form, registration_or_404


@explained_404
@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in professional registers: a place or a place in line at once."""
    event = event_or_404(request, slug)
    if not rules.has_perm("events.register", request.user, event):
        raise PermissionDenied
    form = professional_form(request, request.POST)
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
    event = event_or_404(request, slug)
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
    registration = registration_or_404(token)
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
    registration = registration_or_404(token)
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
    event = event_or_404(request, slug)
    own = selectors.registration_of(event=event, user=request.user)
    if own is None:
        raise Http404(_("You are not registered for this event."))
    return redirect("events:registration", token=selectors.registration_token(own))
