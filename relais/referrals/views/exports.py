"""Exports, the consent form, the calendar, statistics and the listing panel."""

import csv
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_safe,
)

from relais.core.pdf import html_to_pdf
from relais.directory.models import Organization

from .. import selectors, services
from ..calendar import deadlines_ics
from ..forms import (
    HandoverForm,
)
from ..models import CalendarFeed, Purpose, Referral
from .base import (
    no_store,
    professional_or_403,
    referral_or_404,
)
from .case import (
    person_rows,
)


def export_context(referral: Referral) -> dict[str, Any]:
    return {
        "referral": referral,
        "person_rows": person_rows(referral.person),
        "case_code": referral.case_code,
        "consents": referral.consents.all(),
        "timeline": referral.timeline.all(),
        "messages_list": referral.messages.prefetch_related("documents"),
        "deadlines": referral.deadlines.all(),
        "now": timezone.now(),
    }


@require_safe
def referral_export(request: HttpRequest, pk: Any) -> HttpResponse:
    """The subject-access export: what Relais holds about the person, as PDF."""
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.export", request.user, referral):
        raise Http404
    try:
        pdf = _referral_pdf(request, referral)
    except OSError:  # pango missing on this host
        return render(request, "knowledge/pdf_unavailable.html", status=503)
    services.referral_export_record(
        referral=referral,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="relais-referral.pdf"'
    return no_store(response)


@require_http_methods(["GET", "POST"])
def referral_handover(request: HttpRequest, pk: Any) -> HttpResponse:
    """The referral as a password-protected PDF (AES-256) for a receiving
    organisation that has no accounts on Relais."""
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.handover", request.user, referral):
        raise Http404
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pdf = _referral_pdf(
                request, referral, password=form.cleaned_data["password"]
            )
        except OSError:  # pango missing on this host
            return render(request, "knowledge/pdf_unavailable.html", status=503)
        services.referral_handover_record(
            referral=referral, actor=request.user, request=request
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            'attachment; filename="relais-referral-handover.pdf"'
        )
        return no_store(response)
    return no_store(
        render(
            request,
            "referrals/handover.html",
            {"referral": referral, "form": form},
            status=400 if request.method == "POST" else 200,
        )
    )


def _referral_pdf(
    request: HttpRequest, referral: Referral, *, password: str = ""
) -> bytes:
    """The referral as PDF with its documents attached: the subject-access
    export, or (with a password) the handover file, encrypted with it."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    context = {**export_context(referral), "handover": bool(password)}
    pdf = html_to_pdf(render_to_string("referrals/export.html", context, request))
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    for document in referral.documents.all():
        writer.add_attachment(document.name, document.content)
    if password:
        writer.encrypt(password, algorithm="AES-256")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@require_safe
def consent_form(request: HttpRequest) -> HttpResponse:
    """The printable consent form and "what happens to your data", in the
    language chosen for the person."""
    professional_or_403(request)
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("lang", translation.get_language() or "en")
    if language not in codes:
        language = "en"
    with translation.override(language):
        sheet = render_to_string(
            "referrals/_consent_sheet.html",
            {
                "language": language,
                "purposes": Purpose.choices,
                "retention_months": settings.RELAIS_REFERRAL_RETENTION_MONTHS,
            },
            request,
        )
    return render(
        request,
        "referrals/consent_form.html",
        {"sheet": sheet, "language": language, "languages": settings.LANGUAGES},
    )


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    professional_or_403(request)
    feed = services.calendar_feed_for(
        request.user,
        renew=request.method == "POST",
    )
    if request.method == "POST":
        messages.success(
            request, _("A new calendar address was made; the old one no longer works.")
        )
        return redirect("referrals:calendar")
    url = request.build_absolute_uri(
        reverse("referrals:calendar_feed", args=[feed.token])
    )
    return no_store(render(request, "referrals/calendar.html", {"feed_url": url}))


@login_not_required
@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The deadlines of the user's referrals as iCal: kinds and dates, no names."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    response = HttpResponse(
        deadlines_ics(selectors.deadlines_for_feed(feed.user), request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="relais-deadlines.ics"'
    return no_store(response)


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("referrals.view_statistics", request.user):
        raise PermissionDenied
    stats = selectors.referral_statistics()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="relais-referrals.csv"'
        writer = csv.writer(response)
        writer.writerow(["table", "key", "referrals"])
        for pair in stats["pairs"]:
            writer.writerow(
                [
                    "country_pair",
                    f"{pair['sending']}-{pair['receiving']}",
                    pair["cell"].shown,
                ]
            )
        for name in ("purposes", "outcomes", "statuses"):
            for row in stats[name]:
                writer.writerow([name[:-1], row["code"], row["cell"].shown])
        return response
    largest = max(
        [p["cell"].count for p in stats["pairs"] if not p["cell"].suppressed] or [1]
    )
    return render(
        request, "referrals/statistics.html", {"stats": stats, "largest": largest}
    )


def listing_referral_panel(
    request: HttpRequest, organization: Organization
) -> tuple[str, dict[str, Any]] | None:
    """The listing page's "Refer a person to this organisation", for those who
    may refer from another organisation."""
    if not rules.has_perm("referrals.use", request.user):
        return None
    own = selectors.organisations_to_refer_from(request.user)
    if not own or organization.pk in {o.pk for o in own}:
        return None
    return "referrals/_listing_panel.html", {"referral_recipient": organization}
