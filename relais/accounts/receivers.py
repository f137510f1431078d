"""Audit hooks for sign-in events raised by Django and django-axes.

These come from libraries, so a signal is the only place to see them; no
other business logic lives in signal receivers.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from relais.audit.services import audit_record
from relais.core import sessions

from .audit_actions import AccountsAction


@receiver(user_logged_in, dispatch_uid="relais_audit_login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.stamp_sign_in(request)
    audit_record(action=AccountsAction.LOGIN, actor=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="relais_audit_logout")
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            action=AccountsAction.LOGOUT, actor=user, request=request, target=user
        )


@receiver(user_login_failed, dispatch_uid="relais_audit_login_failed")
def on_login_failed(
    sender: Any, credentials: Any, request: Any = None, **kwargs: Any
) -> None:
    # The address typed is personal data and may be a mistyped password: not recorded.
    audit_record(action=AccountsAction.LOGIN_FAILED, request=request)


@receiver(user_locked_out, dispatch_uid="relais_audit_lockout")
def on_lockout(sender: Any, request: Any, username: Any = None, **kwargs: Any) -> None:
    audit_record(action=AccountsAction.LOCKOUT, request=request)
