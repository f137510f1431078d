"""Drafting: the list, choosing the recipient, the draft, consent and its withdrawal."""

from typing import Any
from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.directory.models import Organization

from .. import selectors, services
from ..forms import (
    CaseCodeForm,
    ConsentForm,
    PersonForm,
    ReferralEditForm,
    ReferralForm,
    VersionForm,
)
from ..models import ConsentKind, Purpose
from .base import (
    errors_into,
    no_store,
    professional_or_403,
    referral_or_404,
)
from .case import (
    detail_again,
)


@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    professional_or_403(request)
    code_form = CaseCodeForm(request.GET or None)
    not_found = False
    if code_form.is_valid():
        found = selectors.referral_find(request.user, code_form.cleaned_data["code"])
        if found is not None:
            return redirect("referrals:detail", pk=found.pk)
        not_found = True
    return no_store(
        render(
            request,
            "referrals/list.html",
            {
                "lists": selectors.referral_list(request.user),
                "deadlines": selectors.deadlines_upcoming(request.user),
                "code_form": code_form,
                "not_found": not_found,
                "can_refer": bool(selectors.organisations_to_refer_from(request.user)),
            },
        )
    )


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    professional_or_403(request)
    organisations = selectors.organisations_to_refer_from(request.user)
    if not organisations:
        raise PermissionDenied
    recipient = None
    to = request.GET.get("to", "")
    if to:
        recipient = (
            Organization.objects.all()
            .filter(pk__in=[to] if _is_uuid(to) else [])
            .exclude(pk__in=[o.pk for o in organisations])
            .first()
        )
        if recipient is None:
            messages.error(
                request,
                _("That organisation cannot receive a referral from you. Choose one."),
            )
    if recipient is None:
        answers = _navigator_answers(request)
        country = request.GET.get("country", "")[:2]
        if not country and answers:
            # Returning home: an organisation in the country of origin.
            key = "nationality" if answers.get("wish") == "return" else "identified_in"
            country = answers.get(key, "")
        return render(
            request,
            "referrals/choose_recipient.html",
            {
                "carry": urlencode(answers),
                "navigator_answers": answers,
                "suggestions": selectors.recipients_suggested(
                    request.user,
                    country=country,
                    language=request.GET.get("language", "")[:3],
                    text=request.GET.get("q", "")[:100],
                    purpose=request.GET.get("purpose", "")[:30],
                    excluding=organisations,
                ),
                "query": {**request.GET.dict(), "country": country},
                "countries": _country_choices(),
                "purposes": Purpose.choices,
            },
        )
    initial = _navigator_initial(request)
    referral_form = ReferralForm(
        request.POST or None, organisations=organisations, initial=initial
    )
    person_form = PersonForm(request.POST or None, prefix="person")
    if request.method == "POST" and referral_form.is_valid() and person_form.is_valid():
        try:
            referral = services.referral_create(
                sending_organization=referral_form.sending(),
                receiving_organization=recipient,
                created_by=request.user,  # type: ignore[arg-type]
                purposes=referral_form.cleaned_data["purposes"],
                urgency=referral_form.cleaned_data["urgency"],
                phase=referral_form.cleaned_data["phase"],
                person=person_form.person(),
                request=request,
            )
        except ValidationError as error:
            errors_into(referral_form, error)
        else:
            messages.success(
                request,
                _(
                    "The draft is saved. Record the person's consent, then send "
                    "the referral."
                ),
            )
            return redirect("referrals:consent", pk=referral.pk)
    return no_store(
        render(
            request,
            "referrals/create.html",
            {
                "recipient": recipient,
                "referral_form": referral_form,
                "person_form": person_form,
            },
            status=400 if request.method == "POST" else 200,
        )
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _country_choices() -> list[tuple[str, str]]:
    from django_countries import countries

    return [(code, str(name)) for code, name in countries]


# The rights navigator's answers a referral can start from (never personal
# data: the navigator asks for none), and the purposes each one suggests.
NAVIGATOR_KEYS = (
    "identified_in",
    "nationality",
    "age",
    "exploitation",
    "wish",
    "proceedings",
)


def _navigator_answers(request: HttpRequest) -> dict[str, str]:
    return {
        key: request.GET[key][:30] for key in NAVIGATOR_KEYS if request.GET.get(key)
    }


def _navigator_initial(request: HttpRequest) -> dict[str, Any]:
    answers = _navigator_answers(request)
    if not answers:
        return {}
    purposes = ["legal_advice"]
    if answers.get("age") == "child":
        purposes.append("child_protection")
    if answers.get("exploitation") == "labour":
        purposes.append("labour_rights")
    if answers.get("wish") == "return":
        purposes.append("return")
    if answers.get("wish") == "stay":
        purposes.append("residence")
    if answers.get("proceedings") == "yes":
        purposes += ["criminal_proceedings", "compensation"]
    return {"purposes": purposes}


@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.edit", request.user, referral):
        raise Http404
    if request.method == "POST":
        form = ReferralEditForm(request.POST)
        person_form = PersonForm(request.POST, prefix="person")
        if form.is_valid() and person_form.is_valid():
            try:
                services.referral_update(
                    referral_id=referral.pk,
                    actor=request.user,  # type: ignore[arg-type]
                    version=form.cleaned_data["version"],
                    purposes=form.cleaned_data["purposes"],
                    urgency=form.cleaned_data["urgency"],
                    phase=form.cleaned_data["phase"],
                    person=person_form.person(),
                    request=request,
                )
            except ValidationError as error:
                errors_into(form, error)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("referrals:detail", pk=referral.pk)
    else:
        services.referral_personal_data_read(
            referral=referral, viewer=request.user, request=request, what="record"
        )
        form = ReferralEditForm(
            initial={
                "version": referral.version,
                "purposes": referral.purposes,
                "urgency": referral.urgency,
                "phase": referral.phase,
            }
        )
        person = referral.person
        person["languages"] = ", ".join(person.get("languages", []))
        person_form = PersonForm(initial=person, prefix="person")
    return no_store(
        render(
            request,
            "referrals/edit.html",
            {"referral": referral, "form": form, "person_form": person_form},
            status=400 if request.method == "POST" else 200,
        )
    )


@require_http_methods(["GET", "POST"])
def referral_consent(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.record_consent", request.user, referral):
        raise Http404
    form = ConsentForm(
        request.POST or None,
        purposes=referral.purposes,
        initial={
            "version": referral.version,
            "given_on": timezone.localdate(),
            "purposes": referral.purposes,
            "language": translation.get_language(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_consent_record(
                referral_id=referral.pk,
                actor=request.user,  # type: ignore[arg-type]
                version=data["version"],
                kind=data["kind"],
                given_on=data["given_on"],
                language=data["language"],
                method=data["method"],
                purposes=data["purposes"],
                override_reason=data["override_reason"],
                request=request,
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("referrals:detail", pk=referral.pk)
    return no_store(
        render(
            request,
            "referrals/consent.html",
            {"referral": referral, "form": form, "kinds": ConsentKind},
            status=400 if request.method == "POST" else 200,
        )
    )


@require_POST
def referral_consent_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return detail_again(request, pk, error=_("The form was incomplete."))
    try:
        services.referral_consent_withdraw(
            referral_id=referral.pk,
            actor=request.user,  # type: ignore[arg-type]
            version=form.cleaned_data["version"],
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        return detail_again(request, pk, error=" ".join(error.messages))
    messages.success(
        request,
        _(
            "Consent withdrawn: the receiving organisation no longer sees the "
            "referral's personal data."
        ),
    )
    return redirect("referrals:detail", pk=referral.pk)
