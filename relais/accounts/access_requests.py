"""Views of access requests: the public request form and the reviewers' pages.

A professional without an invitation asks to join; the coordinators of the
country (platform administrators where there is none) approve, which sends
an invitation, or decline with a reason.
"""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_countries.fields import Country

from relais.core.ratelimit import rate_limited
from relais.core.timing import steady_response

from . import selectors, services
from .forms import (
    AccessRequestApproveForm,
    AccessRequestCountryForm,
    AccessRequestForm,
    AccessRequestRejectForm,
)
from .models import AccessRequest


@login_not_required
@never_cache
@rate_limited("access_request")
@steady_response()
@require_http_methods(["GET", "POST"])
def access_request_new(request: HttpRequest) -> HttpResponse:
    request.relais_no_store = True  # type: ignore[attr-defined]
    country_form = AccessRequestCountryForm(
        request.POST if request.method == "POST" else request.GET or None
    )
    if not country_form.is_valid():
        return render(
            request,
            "accounts/access_request_country.html",
            {"form": AccessRequestCountryForm(initial=request.GET.dict())},
        )
    country = country_form.cleaned_data["country"]
    form = AccessRequestForm(
        request.POST if request.method == "POST" else None, country=country
    )
    if request.method == "POST" and form.is_valid():
        services.access_request_submit(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            country=country,
            organization=form.cleaned_data["organization"],
            organization_name=form.cleaned_data["organization_name"],
            profession=form.cleaned_data["profession"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        return redirect("accounts:access_request_sent")
    return render(
        request,
        "accounts/access_request_form.html",
        {
            "form": form,
            "country": Country(country),
            "retention_days": settings.RELAIS_ACCESS_REQUEST_RETENTION_DAYS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@require_http_methods(["GET"])
def access_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/access_request_sent.html")


@require_http_methods(["GET"])
def access_request_list(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("accounts.review_access_requests", request.user):
        raise Http404
    return render(
        request,
        "accounts/access_request_list.html",
        {"access_requests": selectors.access_requests_pending_for(request.user)},
    )


def _access_request_page(
    request: HttpRequest,
    access_request: AccessRequest,
    approve_form: AccessRequestApproveForm | None = None,
    reject_form: AccessRequestRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organizations = selectors.organisations_for_access_request(access_request)
    return render(
        request,
        "accounts/access_request_detail.html",
        {
            "access_request": access_request,
            "approve_form": approve_form
            or AccessRequestApproveForm(
                organizations=organizations,
                initial={
                    "organization": access_request.organization_id,
                    "profession": access_request.profession,
                },
            ),
            "reject_form": reject_form or AccessRequestRejectForm(),
        },
        status=status,
    )


def _decidable(request: HttpRequest, uuid: str) -> AccessRequest:
    access_request = selectors.access_request_get_decidable(request.user, uuid)
    if access_request is None:
        raise Http404
    return access_request


@require_http_methods(["GET"])
def access_request_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _access_request_page(request, _decidable(request, uuid))


@require_POST
@rate_limited("invitation")
def access_request_approve(request: HttpRequest, uuid: str) -> HttpResponse:
    access_request = _decidable(request, uuid)
    form = AccessRequestApproveForm(
        request.POST,
        organizations=selectors.organisations_for_access_request(access_request),
    )
    if form.is_valid():
        try:
            services.access_request_approve(
                decided_by=request.user,  # type: ignore[arg-type]
                access_request=access_request,
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
                profession=form.cleaned_data["profession"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Approved: the person has been sent an invitation.")
            )
            return redirect("accounts:access_requests")
    return _access_request_page(request, access_request, approve_form=form, status=400)


@require_POST
def access_request_reject(request: HttpRequest, uuid: str) -> HttpResponse:
    access_request = _decidable(request, uuid)
    form = AccessRequestRejectForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_reject(
                decided_by=request.user,  # type: ignore[arg-type]
                access_request=access_request,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Declined: the person has been told, with your reason.")
            )
            return redirect("accounts:access_requests")
    return _access_request_page(request, access_request, reject_form=form, status=400)
