"""Listing verification pages: owners edit and claim, coordinators review,
professionals suggest corrections that owners and coordinators answer."""

import uuid
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from relais.accounts.rules import coordinated_countries
from relais.core.ratelimit import rate_limit_retry_after
from relais.core.rules import is_platform_admin
from relais.directory.models import Organization

from . import selectors, services
from .forms import (
    ClaimForm,
    DecisionForm,
    ListingEditForm,
    OpeningHoursFormSet,
    PhoneFormSet,
    SuggestionAnswerForm,
    SuggestionForm,
    opening_hours_values,
    phone_values,
)
from .listing import field_label, hours_targets, listing_values


def _language() -> str:
    return get_language() or "en"


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _hours_formsets(
    organization: Organization, values: dict[str, Any], data: Any = None
) -> list[dict[str, Any]]:
    """One formset of opening hours per location and service of the listing.

    A location or service added after the owner opened the form has no rows
    in what they send: its hours stay as they are (`unchanged`), rather than
    the whole form being refused for a formset the owner never saw."""
    hours = values.get("opening_hours", {})
    formsets = []
    for key, label, record in hours_targets(organization):
        prefix = f"hours-{record.pk}"
        unchanged = data is None or f"{prefix}-TOTAL_FORMS" not in data
        if unchanged:
            formset = OpeningHoursFormSet(initial=hours.get(key, []), prefix=prefix)
        else:
            formset = OpeningHoursFormSet(data, prefix=prefix)
        formsets.append(
            {
                "key": key,
                "label": label,
                "formset": formset,
                "unchanged": unchanged,
                "rows": hours.get(key, []),
            }
        )
    return formsets


@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.listing_get_editable(request.user, slug)
    if organization is None:
        raise Http404
    language = _language()
    pending = selectors.pending_change_request(organization)
    values = listing_values(organization, language)
    if (
        pending is not None
        and pending.kind == pending.Kind.EDIT
        and pending.language == language
    ):
        values = {**values, **pending.proposed}
    region = str(organization.country) or None
    form_kwargs: dict[str, Any] = {
        "description_label": field_label("description", language)
    }
    phone_kwargs: dict[str, Any] = {
        "region": region,
        "description_label": field_label("phone_description", language),
    }
    if request.method == "POST":
        form = ListingEditForm(request.POST, **form_kwargs)
        phones = PhoneFormSet(request.POST, prefix="phones", form_kwargs=phone_kwargs)
        hours = _hours_formsets(organization, values, request.POST)
        sent = [h for h in hours if not h["unchanged"]]
        # Every formset validated, so that each shows its errors.
        hours_valid = [h["formset"].is_valid() for h in sent]
        if form.is_valid() and phones.is_valid() and all(hours_valid):
            opening_hours = opening_hours_values(
                [(h["key"], h["formset"]) for h in sent]
            )
            opening_hours.update(
                {h["key"]: h["rows"] for h in hours if h["unchanged"] and h["rows"]}
            )
            try:
                services.change_request_submit(
                    organization=organization,
                    submitted_by=request.user,  # type: ignore[arg-type]
                    values=form.listing_values(phone_values(phones), opening_hours),
                    language=language,
                    request=request,
                )
            except ValidationError as error:
                for message in _error_messages(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Your changes were sent to the country coordinator. "
                        "The listing changes when they approve them."
                    ),
                )
                return redirect(organization)
    else:
        form = ListingEditForm(
            initial=ListingEditForm.initial_from(values), **form_kwargs
        )
        phones = PhoneFormSet(
            initial=values["phones"], prefix="phones", form_kwargs=phone_kwargs
        )
        hours = _hours_formsets(organization, values)
    return render(
        request,
        "verification/edit.html",
        {
            "org": organization,
            "form": form,
            "phones": phones,
            "hours": hours,
            "pending": pending,
            "rejection": selectors.last_rejection(organization),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def listing_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.listing_get_editable(request.user, slug)
    if organization is None:
        raise Http404
    try:
        services.listing_confirmation_submit(
            organization=organization,
            submitted_by=request.user,  # type: ignore[arg-type]
            language=_language(),
            request=request,
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Thank you. The country coordinator will confirm the listing "
                "and its verification date."
            ),
        )
    return redirect(organization)


@require_http_methods(["GET", "POST"])
def listing_claim(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.listing_get_claimable(request.user, slug)
    if organization is None:
        raise Http404
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_submit(
                organization=organization,
                claimant=request.user,  # type: ignore[arg-type]
                profession=form.cleaned_data["profession"],
                message=form.cleaned_data["message"],
                language=_language(),
                request=request,
            )
        except ValidationError as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Your claim was sent to the country coordinator. You will "
                    "receive an e-mail when they decide."
                ),
            )
            return redirect(organization)
    return render(
        request,
        "verification/claim.html",
        {
            "org": organization,
            "form": form,
            "rejection": selectors.last_claim_rejection(request.user, organization),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
def coordination(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("accounts.coordinate", user):
        raise Http404
    rows = selectors.DASHBOARD_ROWS
    stale = selectors.listings_stale(user)
    hidden = selectors.listings_hidden(user)
    return render(
        request,
        "verification/dashboard.html",
        {
            "changes": selectors.change_requests_pending(user),
            "claims": selectors.claims_pending(user),
            "stale": stale[:rows],
            "stale_count": stale.count(),
            "hidden": hidden[:rows],
            "hidden_count": hidden.count(),
            "suggestions_open_count": selectors.suggestions_open(user).count(),
            "all_countries": is_platform_admin(user),
            "countries": sorted(coordinated_countries(user)),
        },
    )


def _decide(form: DecisionForm, approve: Any, reject: Any) -> bool:
    """Run the chosen decision; False (with the errors on the form) when refused."""
    if not form.is_valid():
        return False
    try:
        if form.cleaned_data["decision"] == "approve":
            approve()
        else:
            reject(form.cleaned_data["reason"])
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reason" in error.error_dict:
            form.add_error("reason", error.error_dict["reason"])
        else:
            for message in _error_messages(error):
                form.add_error(None, message)
        return False
    return True


def _review(
    request: HttpRequest,
    *,
    record: Any,
    template: str,
    context: dict[str, Any],
    approve: Any,
    reject: Any,
) -> HttpResponse:
    """The review page of a proposal or a claim, and the decision posted to it."""
    may_decide = rules.has_perm("verification.decide", request.user, record)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise Http404
        if _decide(form, approve, reject):
            messages.success(request, _("Your decision has been recorded."))
            return redirect("verification:coordination")
    return render(
        request,
        template,
        {
            **context,
            "org": record.organization,
            "form": form,
            "may_decide": may_decide,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def change_request_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    change_request = selectors.change_request_get_reviewable(request.user, pk)
    if change_request is None:
        raise Http404
    user: Any = request.user
    return _review(
        request,
        record=change_request,
        template="verification/review_change.html",
        context={
            "change_request": change_request,
            "diff": selectors.change_request_diff(change_request),
        },
        approve=lambda: services.change_request_approve(
            change_request=change_request, decided_by=user, request=request
        ),
        reject=lambda reason: services.change_request_reject(
            change_request=change_request,
            decided_by=user,
            reason=reason,
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
def claim_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    claim = selectors.claim_get_reviewable(request.user, pk)
    if claim is None:
        raise Http404
    user: Any = request.user
    return _review(
        request,
        record=claim,
        template="verification/review_claim.html",
        context={"claim": claim},
        approve=lambda: services.claim_confirm(
            claim=claim, decided_by=user, request=request
        ),
        reject=lambda reason: services.claim_reject(
            claim=claim, decided_by=user, reason=reason, request=request
        ),
    )


def listing_actions_panel(
    request: HttpRequest, organization: Organization
) -> tuple[str, dict[str, Any]]:
    """The listing page's panel: edit, confirm or claim, as the viewer may."""
    return "verification/_actions.html", {
        "actions": selectors.listing_actions(request.user, organization)
    }


# Suggested corrections ----------------------------------------------------------

ANSWERED_ROWS = 50


def _form_errors_from(form: Any, error: ValidationError) -> None:
    """A service's refusal as form errors, on the field it names if any."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for field_error in errors:
                form.add_error(target, field_error)
    else:
        for text in _error_messages(error):
            form.add_error(None, text)


@require_http_methods(["GET", "POST"])
def suggestion_new(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    if not rules.has_perm("verification.suggest_correction", request.user):
        raise Http404
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        retry_after = rate_limit_retry_after(request, "correction_suggestion")
        if retry_after is not None:
            # The typed text stays in the form; only the sending waits.
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many suggestions were sent from your network just now. "
                    "Please wait a few minutes and send this one again."
                ),
            )
            response = _suggestion_form(request, organization, form, 429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            try:
                services.suggestion_submit(
                    organization=organization,
                    suggested_by=request.user,  # type: ignore[arg-type]
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                if selectors.listing_editors(organization).administrators:
                    sent = _(
                        "Thank you. Your suggestion was sent to the people who can "
                        "change this listing: its organisation's administrators "
                        "and the country coordinator."
                    )
                else:
                    sent = _(
                        "Thank you. This organisation has no administrator on "
                        "Relais yet: your suggestion was sent to the people who "
                        "check the listings of its country."
                    )
                messages.success(request, sent)
                return redirect(organization)
        status = 400
    return _suggestion_form(request, organization, form, status)


def _suggestion_form(
    request: HttpRequest, organization: Organization, form: SuggestionForm, status: int
) -> HttpResponse:
    return render(
        request,
        "verification/suggestion_form.html",
        {
            "org": organization,
            "form": form,
            "has_administrators": bool(
                selectors.listing_editors(organization).administrators
            ),
        },
        status=status,
    )


@require_http_methods(["GET"])
def suggestions_mine(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("verification.suggest_correction", request.user):
        raise Http404
    return render(
        request,
        "verification/suggestions_mine.html",
        {"suggestions": selectors.suggestions_by(request.user)[:ANSWERED_ROWS]},
    )


@require_http_methods(["GET"])
def suggestions_inbox(request: HttpRequest) -> HttpResponse:
    """The queue of those who answer suggestions: open, then recently answered."""
    if not selectors.answers_suggestions(request.user):
        raise Http404
    return render(
        request,
        "verification/suggestions_inbox.html",
        {
            "open": selectors.suggestions_open(request.user),
            "answered": selectors.suggestions_answered(request.user)[:ANSWERED_ROWS],
        },
    )


@require_http_methods(["GET", "POST"])
def suggestion_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    suggestion = selectors.suggestion_get_visible(request.user, pk)
    if suggestion is None:
        raise Http404
    may_answer = suggestion.is_open and rules.has_perm(
        "verification.answer_suggestions", request.user, suggestion.organization
    )
    form = SuggestionAnswerForm(request.POST or None)
    if request.method == "POST":
        if not rules.has_perm(
            "verification.answer_suggestions", request.user, suggestion.organization
        ):
            raise Http404
        if form.is_valid():
            try:
                services.suggestion_answer(
                    suggestion=suggestion,
                    answered_by=request.user,  # type: ignore[arg-type]
                    status=form.cleaned_data["status"],
                    response=form.cleaned_data["response"],
                    request=request,
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Your answer has been recorded."))
                return redirect("verification:suggestions")
        elif "status" in form.errors:
            form.add_error(None, _("Choose done or declined."))
    return render(
        request,
        "verification/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "org": suggestion.organization,
            "form": form,
            "may_answer": may_answer,
            "is_mine": suggestion.suggested_by_id == request.user.pk,
        },
        status=400 if request.method == "POST" else 200,
    )


def listing_suggestions_panel(
    request: HttpRequest, organization: Organization
) -> tuple[str, dict[str, Any]]:
    """The listing page's panel: suggest a correction, and who can edit it."""
    return "verification/_suggestions.html", {
        "suggestions": selectors.listing_suggestions(request.user, organization)
    }
