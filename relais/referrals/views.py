"""Referral pages: thin views over selectors (who may see) and services (writes).

A referral the viewer may not see answers 404, whatever the reason (a forged
id, another organisation's case): its existence is not confirmed either.
"""

import csv
from typing import Any
from urllib.parse import quote, urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.core.pdf import html_to_pdf
from relais.directory.models import Organization

from . import selectors, services
from .calendar import deadlines_ics
from .forms import (
    CaseCodeForm,
    ConsentForm,
    DeadlineForm,
    HandoverForm,
    MessageForm,
    PersonForm,
    ReferralEditForm,
    ReferralForm,
    TransitionForm,
    VersionForm,
)
from .models import CalendarFeed, ConsentKind, Outcome, Purpose, Referral

NO_STORE = "no-store, private"


def _professional_or_403(request: HttpRequest) -> None:
    if not rules.has_perm("referrals.use", request.user):
        raise PermissionDenied


def _referral_or_404(request: HttpRequest, pk: Any) -> Referral:
    _professional_or_403(request)
    referral = selectors.referral_get(request.user, pk)
    if referral is None:
        raise Http404
    return referral


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def _errors_into(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for text in error.messages:
            form.add_error(None, text)


@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    _professional_or_403(request)
    code_form = CaseCodeForm(request.GET or None)
    not_found = False
    if code_form.is_valid():
        found = selectors.referral_find(request.user, code_form.cleaned_data["code"])
        if found is not None:
            return redirect("referrals:detail", pk=found.pk)
        not_found = True
    return _no_store(
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
    _professional_or_403(request)
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
            _errors_into(referral_form, error)
        else:
            messages.success(
                request,
                _(
                    "The draft is saved. Record the person's consent, then send "
                    "the referral."
                ),
            )
            return redirect("referrals:consent", pk=referral.pk)
    return _no_store(
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


def _detail_context(
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
            country_codes=_referral_countries(referral),
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


def _referral_countries(referral: Referral) -> list[str]:
    return list(
        dict.fromkeys([str(referral.receiving_country), str(referral.sending_country)])
    )


@require_safe
def referral_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    return _no_store(
        render(request, "referrals/detail.html", _detail_context(request, referral))
    )


def _detail_again(request: HttpRequest, pk: Any, **forms: Any) -> HttpResponse:
    """The referral page as it is now, with the refused form and its errors."""
    referral = _referral_or_404(request, pk)
    return _no_store(
        render(
            request,
            "referrals/detail.html",
            _detail_context(request, referral, **forms),
            status=400,
        )
    )


@require_POST
def referral_transition(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, pk, error=_("The form was incomplete."))
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
        return _detail_again(
            request, pk, error=_("You cannot do this on this referral.")
        )
    except ValidationError as error:
        # The typed note stays; the version is the current one, so that the
        # next try (after reading the changes) goes through.
        current = Referral.objects.get(pk=referral.pk)
        if action not in services.transitions_allowed(request.user, current):
            return _detail_again(request, pk, error=" ".join(error.messages))
        data = request.POST.copy()
        data["version"] = str(current.version)
        again = TransitionForm(data)
        again.is_valid()
        _errors_into(again, error)
        return _detail_again(request, pk, **{f"transition_{action}": again})
    messages.success(request, _("The referral was updated."))
    return redirect("referrals:detail", pk=referral.pk)


@require_POST
def referral_message(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
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
            _errors_into(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(
                reverse("referrals:detail", args=[referral.pk]) + "#messages"
            )
    return _detail_again(request, pk, message_form=form)


@require_safe
def document_download(request: HttpRequest, pk: Any, document_pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
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
    return _no_store(response)


@require_POST
def referral_deadline(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    if not rules.has_perm("referrals.set_deadline", request.user, referral):
        raise Http404
    form = DeadlineForm(request.POST, country_codes=_referral_countries(referral))
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
            _errors_into(form, error)
        else:
            messages.success(request, _("The deadline was added."))
            return redirect(
                reverse("referrals:detail", args=[referral.pk]) + "#deadlines"
            )
    return _detail_again(request, pk, deadline_form=form)


@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
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
                _errors_into(form, error)
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
    return _no_store(
        render(
            request,
            "referrals/edit.html",
            {"referral": referral, "form": form, "person_form": person_form},
            status=400 if request.method == "POST" else 200,
        )
    )


@require_http_methods(["GET", "POST"])
def referral_consent(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
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
            _errors_into(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("referrals:detail", pk=referral.pk)
    return _no_store(
        render(
            request,
            "referrals/consent.html",
            {"referral": referral, "form": form, "kinds": ConsentKind},
            status=400 if request.method == "POST" else 200,
        )
    )


@require_POST
def referral_consent_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, pk, error=_("The form was incomplete."))
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
        return _detail_again(request, pk, error=" ".join(error.messages))
    messages.success(
        request,
        _(
            "Consent withdrawn: the receiving organisation no longer sees the "
            "referral's personal data."
        ),
    )
    return redirect("referrals:detail", pk=referral.pk)


@require_POST
def referral_erase(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _referral_or_404(request, pk)
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
    referral = _referral_or_404(request, pk)
    if not rules.has_perm("referrals.view_readers", request.user, referral):
        raise Http404
    return _no_store(
        render(
            request,
            "referrals/readers.html",
            {"referral": referral, "readers": selectors.referral_readers(referral)},
        )
    )


def _export_context(referral: Referral) -> dict[str, Any]:
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
    referral = _referral_or_404(request, pk)
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
    return _no_store(response)


@require_http_methods(["GET", "POST"])
def referral_handover(request: HttpRequest, pk: Any) -> HttpResponse:
    """The referral as a password-protected PDF (AES-256) for a receiving
    organisation that has no accounts on Relais."""
    referral = _referral_or_404(request, pk)
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
        return _no_store(response)
    return _no_store(
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

    context = {**_export_context(referral), "handover": bool(password)}
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
    _professional_or_403(request)
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
    _professional_or_403(request)
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
    return _no_store(render(request, "referrals/calendar.html", {"feed_url": url}))


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
    return _no_store(response)


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
