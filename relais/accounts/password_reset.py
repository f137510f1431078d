"""Password reset through Django's views, with Relais templates, rate limit and audit.

A reset never signs the account in: the next sign-in still asks for the
second factor.
"""

import logging
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from relais.audit.services import audit_record
from relais.core.mail import MAIL_ERRORS
from relais.core.ratelimit import rate_limited
from relais.core.timing import steady_response

from .audit_actions import AccountsAction

logger = logging.getLogger(__name__)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            action=AccountsAction.PASSWORD_RESET,
            actor=form.user,
            request=self.request,
            target=form.user,
        )
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except MAIL_ERRORS:
            # The same answer as for any address (no enumeration); logged.
            logger.warning("A password reset e-mail was not sent", exc_info=True)
            return HttpResponseRedirect(self.get_success_url())


password_reset = rate_limited("password_reset")(
    steady_response()(PasswordReset.as_view())
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirm.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
