"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor.

The library's views do the WebAuthn ceremonies; the subclasses here add what
Relais requires around them: adding a passkey needs a verified session and a
recent re-authentication, as every other second-factor change; signing in
with a passkey comes after the password (never instead of it), renews the
session key and is rate-limited like a code; both write the audit trail. The
library's scripts are served from this site with the page's CSP nonce
(templatetags/passkeys.py), and their few messages are translated in
Relais' own catalogue (SCRIPT_MESSAGES).
"""

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views

from relais.audit.services import audit_record
from relais.core import sessions
from relais.core.ratelimit import rate_limited

from . import selectors, services
from .audit_actions import AccountsAction

# The messages of the library's scripts, so that `make translations` puts them
# in Relais' catalogue and the script catalogue below can serve them.
SCRIPT_MESSAGES = [
    gettext_noop("Register a Passkey"),
    gettext_noop("Registering..."),
    gettext_noop("Finishing registration..."),
    gettext_noop("Registration successful!"),
    gettext_noop("Registration aborted."),
    gettext_noop("Registration aborted or not allowed."),
    gettext_noop("An error occurred during registration."),
    gettext_noop("Registration failed. A server error occurred."),
    gettext_noop(
        "Registration failed. A technical problem occurred that prevents you "
        "from registering a Passkey for this site."
    ),
    gettext_noop("Registration failed. An unknown error occurred."),
    gettext_noop("Registration failed. The server was unable to verify this passkey."),
    gettext_noop(
        "Registration failed. Unable to fetch registration options from server."
    ),
    gettext_noop(
        "Registration failed. You most likely already have a Passkey registered "
        "for this site."
    ),
    gettext_noop("Verify with Passkey"),
    gettext_noop("Verifying..."),
    gettext_noop("Finishing verification..."),
    gettext_noop("Verification successful!"),
    gettext_noop("Verification aborted."),
    gettext_noop("Verification canceled or not allowed."),
    gettext_noop("Verification failed. A server error occurred."),
    gettext_noop("Verification failed. An unknown error occurred."),
    gettext_noop("Verification failed. Could not retrieve parameters from the server."),
    gettext_noop("Verification failed. An unknown server error occurred."),
    gettext_noop("An error occurred during verification."),
]


class ScriptCatalog(JavaScriptCatalog):
    """Relais' translations of the library's script messages, and only those."""

    packages = ["django_otp_webauthn"]

    def get_catalog(self) -> dict[str, Any]:
        return {message: _(message) for message in SCRIPT_MESSAGES}


class ReauthenticationRequired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = gettext_lazy(
        "Confirm it is you again (password, then a code or a passkey) before "
        "you add a passkey."
    )
    default_code = "reauthentication_required"


class RecentVerificationRequired:
    """Adding a passkey is a second-factor change: verified and recently confirmed."""

    request: HttpRequest

    def check_can_register(self) -> None:
        if not self.request.user.is_verified():  # type: ignore[union-attr]
            raise exceptions.NotVerified()
        if not sessions.recently_authenticated(self.request):
            raise ReauthenticationRequired()


class RegistrationBegin(
    RecentVerificationRequired, webauthn_views.BeginCredentialRegistrationView
):
    pass


class RegistrationComplete(
    RecentVerificationRequired, webauthn_views.CompleteCredentialRegistrationView
):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        credential = selectors.passkey_get(
            self.request.user, json.loads(response.content)["id"]
        )
        services.passkey_added(
            user=self.request.user,  # type: ignore[arg-type]
            credential=credential,
            request=self.request,
        )
        return response


class AuthenticationBegin(webauthn_views.BeginCredentialAuthenticationView):
    """The second step with a passkey, after the password (never passwordless)."""


class AuthenticationComplete(webauthn_views.CompleteCredentialAuthenticationView):
    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            user = self.request.user
            audit_record(
                action=AccountsAction.TWO_FACTOR_FAILED,
                actor=user,
                request=self.request,
                target=user if user.is_authenticated else None,
                details={"method": "passkey"},
            )
        return super().handle_exception(exc)

    def complete_auth(self, device: Any) -> Any:
        user = self.request.user
        confirming = user.is_authenticated and user.is_verified()  # type: ignore[union-attr]
        super().complete_auth(device)
        # As after a code: a new session key once the second factor passes.
        self.request.session.cycle_key()
        started = sessions.take_confirmation_started(self.request)
        if confirming and started:
            # Password just typed again, then this passkey: a re-authentication,
            # as password and code are (relais.accounts.views.reauthenticate).
            sessions.stamp_reauthentication(self.request)
        elif confirming and started is False:
            messages.error(
                self.request,
                _(
                    "The password was not right, or the passkey came too late. "
                    "Try again."
                ),
            )


registration_begin = RegistrationBegin.as_view()
registration_complete = RegistrationComplete.as_view()
# Reached with a password alone: they are the second step of signing in.
authentication_begin = sessions.verification_not_required(
    rate_limited("login")(AuthenticationBegin.as_view())
)
authentication_complete = sessions.verification_not_required(
    rate_limited("login")(AuthenticationComplete.as_view())
)
script_catalog = sessions.verification_not_required(ScriptCatalog.as_view())


@require_POST
@sessions.recent_authentication_required
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    credential = selectors.passkey_get(request.user, pk)
    if credential is None:
        raise Http404
    services.passkey_remove(
        user=request.user,  # type: ignore[arg-type]
        credential=credential,
        request=request,
    )
    messages.success(request, _("The passkey has been removed."))
    return redirect("accounts:account")


# Mounted under the library's namespace, which its template tags reverse.
urlpatterns = [
    path(
        "registration/begin/",
        registration_begin,
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        registration_complete,
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        authentication_begin,
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        authentication_complete,
        name="credential-authentication-complete",
    ),
    path("jsi18n/", script_catalog, name="js-i18n-catalog"),
]
