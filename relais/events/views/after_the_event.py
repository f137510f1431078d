"""After the event: shared materials and attendance certificates."""

import rules
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from relais.core.ratelimit import rate_limited

from .. import exports, selectors
from ..models import Material, RegistrationStatus
from .base import event_or_404, explained_404, registration_or_404


@explained_404
@login_not_required
@require_safe
def material_pdf(request: HttpRequest, slug: str, pk: str) -> HttpResponse:
    event = event_or_404(request, slug)
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


@explained_404
@login_not_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def certificate(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_or_404(token)
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
