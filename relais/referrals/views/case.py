"""The referral page and what both organisations do on it."""

from typing import Any
from urllib.parse import quote

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_POST,
    require_safe,
)

from .. import selectors, services
from ..forms import (
    DeadlineForm,
    MessageForm,
    PersonForm,
    TransitionForm,
    VersionForm,
)
from ..models import Outcome, Referral
from .base import (
    errors_into,
    no_store,
    referral_or_404,
)


def detail_context(
    request: HttpRequest, referral: Referral, **forms: Any
) -> dict[str, Any]:
    user = request.user
    personal = rules.has_perm("referrals.view_personal", user, referral)
    if personal:
        services.referral_personal_data_read(
            referral=referral, viewer=user, request=request, what="record"
        )
    allowed = services.transitions_allowed(user, referral)
    version_initial = {"version": referral.version}
    consents = list(referral.consents.select_related("recorded_by"))
    return {
        "referral": referral,
        "personal": personal,
        "person_rows": person_rows(referral.person) if personal else [],
        "case_code": referral.case_code if personal else "",
        "consents": consents,
        "consent_ok": services.consent_in_force(referral) is not None,
        "timeline": list(referral.timeline.select_related("actor")),
        "messages_list": (
            list(
                referral.messages.select_related("author").prefetch_related("documents")
            )
            if personal
            else []
        ),
        "deadlines": list(referral.deadlines.all()),
        "allowed": allowed,
        "transition_forms": {
            action: forms.get(f"transition_{action}")
            or TransitionForm(initial={**version_initial, "action": action})
            for action in allowed
        },
        "outcomes": Outcome.choices,
        "message_form": forms.get("message_form") or MessageForm(),
        "can_message": rules.has_perm("referrals.message", user, referral),
        "deadline_form": forms.get("deadline_form")
        or DeadlineForm(
            country_codes=referral_countries(referral),
            initial={"country": str(referral.receiving_country)},
        ),
        "can_set_deadline": rules.has_perm("referrals.set_deadline", user, referral),
        "can_edit": rules.has_perm("referrals.edit", user, referral),
        "can_record_consent": rules.has_perm(
            "referrals.record_consent", user, referral
        ),
        "can_withdraw_consent": rules.has_perm(
            "referrals.withdraw_consent", user, referral
        )
        and any(c.withdrawn_at is None for c in consents),
        "can_export": rules.has_perm("referrals.export", user, referral),
        "can_erase": rules.has_perm("referrals.erase", user, referral),
        "can_handover": rules.has_perm("referrals.handover", user, referral),
        "can_see_readers": rules.has_perm("referrals.view_readers", user, referral),
        "version_form": VersionForm(initial=version_initial),
        "error": forms.get("error"),
    }


def person_rows(person: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    """(label, value, field name) of what the person record holds, in form order."""
    rows = []
    for name, field in PersonForm.base_fields.items():
        if name not in person:
            continue
        value = person[name]
        choices = getattr(field, "choices", None)
        if choices and isinstance(value, str):
            value = dict(choices).get(value, value)
        rows.append((field.label, value, name))
    return rows


def referral_countries(referral: Referral) -> list[str]:
    return list(
        dict.fromkeys([str(referral.receiving_country), str(referral.sending_country)])
    )


@require_safe
def referral_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    return no_store(
        render(request, "referrals/detail.html", detail_context(request, referral))
    )


def detail_again(request: HttpRequest, pk: Any, **forms: Any) -> HttpResponse:
    """The referral page as it is now, with the refused form and its errors."""
    referral = referral_or_404(request, pk)
    return no_store(
        render(
            request,
            "referrals/detail.html",
            detail_context(request, referral, **forms),
            status=400,
        )
    )


@require_POST
def referral_transition(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return detail_again(request, pk, error=_("The form was incomplete."))
    action = form.cleaned_data["action"]
    try:
        services.referral_transition(
            referral_id=referral.pk,
            action=action,
            actor=request.user,  # type: ignore[arg-type]
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            outcome=form.cleaned_data["outcome"],
            request=request,
        )
    except PermissionDenied:
        return detail_again(
            request, pk, error=_("You cannot do this on this referral.")
        )
    except ValidationError as error:
        # The typed note stays; the version is the current one, so that the
        # next try (after reading the changes) goes through.
        current = Referral.objects.get(pk=referral.pk)
        if action not in services.transitions_allowed(request.user, current):
            return detail_again(request, pk, error=" ".join(error.messages))
        data = request.POST.copy()
        data["version"] = str(current.version)
        again = TransitionForm(data)
        again.is_valid()
        errors_into(again, error)
        return detail_again(request, pk, **{f"transition_{action}": again})
    messages.success(request, _("The referral was updated."))
    return redirect("referrals:detail", pk=referral.pk)


@require_POST
def referral_message(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.message", request.user, referral):
        raise Http404
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.referral_message_send(
                referral_id=referral.pk,
                actor=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                document=form.cleaned_data["document"],
                request=request,
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(
                reverse("referrals:detail", args=[referral.pk]) + "#messages"
            )
    return detail_again(request, pk, message_form=form)


@require_safe
def document_download(request: HttpRequest, pk: Any, document_pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.view_personal", request.user, referral):
        raise Http404
    document = referral.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404
    services.referral_personal_data_read(
        referral=referral, viewer=request.user, request=request, what="document"
    )
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(document.name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


@require_POST
def referral_deadline(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.set_deadline", request.user, referral):
        raise Http404
    form = DeadlineForm(request.POST, country_codes=referral_countries(referral))
    if form.is_valid():
        try:
            services.referral_deadline_set(
                referral_id=referral.pk,
                actor=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                local_time=form.local_time(),
                country=form.cleaned_data["country"],
                request=request,
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("The deadline was added."))
            return redirect(
                reverse("referrals:detail", args=[referral.pk]) + "#deadlines"
            )
    return detail_again(request, pk, deadline_form=form)


@require_POST
def referral_erase(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    try:
        services.referral_erase(
            referral_id=referral.pk,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The person's data was deleted."))
    return redirect("referrals:detail", pk=referral.pk)


@require_safe
def referral_readers(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.view_readers", request.user, referral):
        raise Http404
    return no_store(
        render(
            request,
            "referrals/readers.html",
            {"referral": referral, "readers": selectors.referral_readers(referral)},
        )
    )
