"""Password reset, access requests and invitations answer alike in time too.

A known address costs a token, an e-mail and an SMTP exchange; an unknown one
costs almost nothing. Both answers are padded to RELAIS_STEADY_RESPONSE_SECONDS,
so the time taken does not say whether an account exists. The e-mail backend
below stands for a slow SMTP server.
"""

import time

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from relais.accounts.models import User

pytestmark = pytest.mark.django_db

FLOOR = 0.4
SMTP_DELAY = 0.1


class SlowEmailBackend(EmailBackend):
    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        time.sleep(SMTP_DELAY)
        return super().send_messages(messages)


@pytest.fixture
def steady(settings):
    settings.RELAIS_STEADY_RESPONSE_SECONDS = FLOOR
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"


def timed(client, url, data):
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def test_password_reset_takes_as_long_for_an_unknown_address(steady, mailoutbox):
    User.objects.create_user("known@example.org", "a long enough pass phrase")
    url = reverse("accounts:password_reset")
    known, known_time = timed(Client(), url, {"email": "known@example.org"})
    unknown, unknown_time = timed(Client(), url, {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert len(mailoutbox) == 1
    assert known_time >= FLOOR
    assert unknown_time >= FLOOR


def test_an_access_request_takes_as_long_for_an_existing_account(
    steady, people, org_a, mailoutbox
):
    url = reverse("accounts:access_request_new")
    data = {
        "country": "BE",
        "organization": org_a.pk,
        "organization_name": "",
        "name": "Fictitious Requester",
        "profession": "social_worker",
        "reason": "Fictitious: I need contacts abroad.",
    }
    existing, existing_time = timed(
        Client(), url, {**data, "email": "member.a@example.org"}
    )
    new, new_time = timed(Client(), url, {**data, "email": "new@example.org"})
    assert existing.status_code == new.status_code == 302
    assert existing_time >= FLOOR
    assert new_time >= FLOOR


def test_an_invitation_takes_as_long_for_an_existing_account(
    steady, clients, org_a, mailoutbox
):
    url = reverse("accounts:invitation_create", args=[org_a.slug])
    data = {"role": "member", "profession": "lawyer"}
    existing, existing_time = timed(
        clients["admin_a"], url, {**data, "email": "member.b@example.org"}
    )
    new, new_time = timed(clients["admin_a"], url, {**data, "email": "new@example.org"})
    assert existing.status_code == new.status_code == 302
    assert existing_time >= FLOOR
    assert new_time >= FLOOR
