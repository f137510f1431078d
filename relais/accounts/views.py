import base64
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from relais.audit.services import audit_record
from relais.core import sessions
from relais.core.ratelimit import rate_limited
from relais.core.timing import steady_response

from . import selectors, services
from .audit_actions import AccountsAction
from .forms import (
    CodeForm,
    InvitationAcceptForm,
    InvitationForm,
    ReauthenticateForm,
    RoleForm,
    SetupCodeForm,
    SignInForm,
)
from .models import AuthenticatorApp, Membership, RecoveryCodes


def _next_url(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@rate_limited("login")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        auth_login(request, form.user)
        services.user_language_remember(
            user=form.user, language=translation.get_language()
        )
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
    return render(
        request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)}
    )


@require_POST
@sessions.verification_not_required
def sign_out(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("home")


def _verify_code(request: HttpRequest, code: str) -> Any:
    """The device that accepts the code (authenticator first, then recovery codes)."""
    user = request.user
    for device in AuthenticatorApp.objects.filter(user=user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    for device in RecoveryCodes.objects.filter(user=user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            audit_record(
                action=AccountsAction.RECOVERY_CODE_USED,
                actor=user,
                request=request,
                target=user,
            )
            return device
    audit_record(
        action=AccountsAction.TWO_FACTOR_FAILED,
        actor=user,
        request=request,
        target=user,
    )
    return None


@sessions.verification_not_required
@never_cache
@rate_limited("login")
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    if not services.has_second_factor(request.user):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('accounts:two_factor_setup')}?{query}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify_code(request, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Try the next one."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_passkey": selectors.passkeys_of_signing_in(request.user).exists(),
        },
    )


def _qr_data_uri(uri: str) -> str:
    import segno  # only at authenticator set-up: not loaded in every worker

    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#111", light="#fff")


@sessions.verification_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First set-up after the first sign-in or, re-authenticated, a new device."""
    user: Any = request.user
    if services.has_second_factor(user):
        if not user.is_verified():  # type: ignore[union-attr]
            return redirect("accounts:two_factor")
        if not sessions.recently_authenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
    device = services.totp_device_pending(user=user)  # type: ignore[arg-type]
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.two_factor_enable(
                user=user, device=device, request=request
            )  # type: ignore[arg-type]
            otp_login(request, device)
            request.session.cycle_key()
            sessions.stamp_reauthentication(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _("This code is not valid. Check the time on your phone and try again."),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": _qr_data_uri(device.config_url),
            "next": _next_url(request),
        },
    )


@never_cache
@sessions.recent_authentication_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = services.recovery_codes_renew(user=request.user, request=request)  # type: ignore[arg-type]
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": reverse("accounts:account")},
        )
    return render(request, "accounts/recovery_codes_renew.html")


def _password_confirms(request: HttpRequest, password: str) -> bool:
    """The session's own password, checked as a sign-in checks it: a wrong one
    counts towards the account's lockout (django-axes) and is audited."""
    user: Any = request.user
    confirmed = authenticate(request, email=user.email, password=password)
    return confirmed is not None and confirmed.pk == user.pk


@never_cache
@sensitive_post_parameters("password")
@rate_limited("login")
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Password and a code again; or password, then a passkey (two steps)."""
    has_passkey = selectors.passkeys_of(request.user).exists()
    with_passkey = has_passkey and request.POST.get("method") == "passkey"
    form = ReauthenticateForm(request.POST or None, code_required=not with_passkey)
    next_url = _next_url(request, "accounts:account")
    if request.method == "POST" and form.is_valid():
        password_ok = _password_confirms(request, form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # Too many wrong passwords: as at sign-in, the account is locked
            # and this session ends (django-axes' middleware answers).
            auth_logout(request)
            return render(request, "accounts/locked_out.html", status=429)
        if with_passkey:
            # The passkey ceremony (relais.accounts.passkeys) completes it, and
            # only then says whether the password was right.
            sessions.stamp_confirmation_started(request, password_ok=password_ok)
            return render(
                request, "accounts/reauthenticate_passkey.html", {"next": next_url}
            )
        if password_ok and _verify_code(request, form.cleaned_data["code"]):
            sessions.stamp_reauthentication(request)
            return redirect(next_url)
        else:
            form.add_error(None, _("The password or the code is not right."))
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "next": next_url, "has_passkey": has_passkey},
    )


@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "passkeys": selectors.passkeys_of(request.user),
            "recently_authenticated": sessions.recently_authenticated(request),
            "pending_access_requests": (
                selectors.access_requests_pending_for(request.user).count()
                if rules.has_perm("accounts.review_access_requests", request.user)
                else None
            ),
            "recovery_codes_left": sum(
                d.token_set.count()
                for d in RecoveryCodes.objects.filter(user=request.user)  # type: ignore[misc]
            ),
        },
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Every other session of the account ends; this one goes on.
        update_session_auth_hash(request, user)
        request.session.cycle_key()
        audit_record(
            action=AccountsAction.PASSWORD_CHANGED,
            actor=user,
            request=request,
            target=user,
        )
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET"])
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organisation_get_manageable(request.user, slug)
    if organization is None:
        raise Http404
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organization": organization,
            "members": selectors.organisation_members(request.user, organization),
            "invitations": selectors.organisation_invitations(
                request.user, organization
            ),
            "can_manage": rules.has_perm(
                "accounts.manage_organisation", request.user, organization
            ),
            "invitation_form": InvitationForm(),
            "role_form": RoleForm(),
        },
    )


@require_POST
@rate_limited("invitation")
@steady_response()
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organisation_get_manageable(request.user, slug)
    if organization is None or not rules.has_perm(
        "accounts.manage_organisation", request.user, organization
    ):
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_send(
                invited_by=request.user,  # type: ignore[arg-type]
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                profession=form.cleaned_data["profession"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("accounts:organisation_members", slug=slug)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organization": organization,
            "members": selectors.organisation_members(request.user, organization),
            "invitations": selectors.organisation_invitations(
                request.user, organization
            ),
            "can_manage": True,
            "invitation_form": form,
            "role_form": RoleForm(),
        },
        status=400,
    )


@require_POST
@sessions.recent_authentication_required
def membership_role(request: HttpRequest, slug: str, user_uuid: str) -> HttpResponse:
    organization = selectors.organisation_get_manageable(request.user, slug)
    if organization is None or not rules.has_perm(
        "accounts.manage_organisation", request.user, organization
    ):
        raise Http404
    membership = get_object_or_404(
        Membership, organization=organization, user__uuid=user_uuid
    )
    form = RoleForm(request.POST)
    if form.is_valid():
        services.membership_role_change(
            changed_by=request.user,  # type: ignore[arg-type]
            membership=membership,
            role=form.cleaned_data["role"],
            request=request,
        )
        messages.success(request, _("The role has been changed."))
    else:
        messages.error(request, _("Choose one of the roles offered."))
    return redirect("accounts:organisation_members", slug=slug)


@login_not_required
@never_cache
@sensitive_post_parameters("password")
@rate_limited("invitation")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    request.relais_no_store = True  # type: ignore[attr-defined]
    invitation = services.invitation_get_valid(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if selectors.invitation_has_account(invitation):
        return _invitation_accept_signed_in(request, token, invitation)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(
                request,
                _("Welcome to Relais. Sign in, then set up your authenticator app."),
            )
            return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


def _invitation_accept_signed_in(
    request: HttpRequest, token: str, invitation: Any
) -> HttpResponse:
    """An address with an account accepts signed in as that account, fully."""
    user: Any = request.user
    if not (user.is_authenticated and user.is_verified()):
        query = urlencode({"next": request.get_full_path()})
        sign_in = f"{reverse('accounts:login')}?{query}"
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {"invitation": invitation, "sign_in": sign_in},
        )
    if user.email.lower() != invitation.email.lower():
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {"invitation": invitation, "other_account": True},
            status=403,
        )
    if request.method == "POST":
        membership, created = services.invitation_accept_signed_in(
            token=token, user=user, request=request
        )
        organisation = invitation.organization.name
        if created:
            messages.success(
                request,
                _("You have joined %(organisation)s.") % {"organisation": organisation},
            )
        else:
            messages.info(
                request,
                _(
                    "You are already a member of %(organisation)s as %(role)s; the "
                    "invitation did not change your role. An administrator of the "
                    "organisation can change it."
                )
                % {"organisation": organisation, "role": membership.get_role_display()},
            )
        return redirect("accounts:account")
    return render(request, "accounts/invitation_join.html", {"invitation": invitation})
