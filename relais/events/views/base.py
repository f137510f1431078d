"""What every event page shares: explained 404s, loading what the viewer
may see, the organisations a user acts for, errors into forms."""

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from relais.accounts.models import Membership, Role
from relais.core.viewers import is_professional
from relais.directory.models import Organization

from .. import selectors
from ..forms import ProfessionalRegistrationForm
from ..models import Event, Registration


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


def event_or_404(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_get(slug=slug, user=request.user)
    if event is None:
        raise Http404(_("No event has this address."))
    return event


def organised_or_404(
    request: HttpRequest, slug: str, perm: str = "events.organise"
) -> Event:
    event = event_or_404(request, slug)
    if not rules.has_perm(perm, request.user, event):
        raise PermissionDenied
    return event


def registration_or_404(token: str) -> Registration:
    registration = selectors.registration_from_token(token)
    if registration is None:
        raise Http404(_("This registration link is not valid."))
    return registration


def user_organisations(user: Any) -> Any:
    if not is_professional(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organization")
    )


def admin_organisations(user: Any) -> Any:
    if is_professional(user) and user.is_superuser:
        return Organization.objects.all()
    if not is_professional(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(
            user=user, role=Role.ORGANISATION_ADMIN
        ).values("organization")
    )


def professional_form(request: HttpRequest, data: Any = None) -> Any:
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
        data, organisations=user_organisations(request.user), initial=initial
    )


def errors_into(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
