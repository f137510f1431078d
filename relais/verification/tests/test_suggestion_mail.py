"""Who is told of a suggested correction, in which language, and what the
e-mail says: that something happened, with a link, never the suggestion."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from relais.accounts.models import CountryCoordinator, Membership, Role, User
from relais.conftest import verified_client_for
from relais.directory.tests.factories import OrganizationFactory
from relais.verification.models import CorrectionSuggestion

pytestmark = pytest.mark.django_db

SUGGESTED = "A correction to a listing was suggested on Relais"
ANSWERED = "Your suggested correction on Relais was answered"
CORRECTION = "Fictitious: the hotline is now +32 3 000 00 00, ask for Maria."
SOURCE = "https://example.org/fictitious-contact-page"


def in_language(language, message):
    with translation.override(language):
        return _(message)


def suggest(client, organization):
    response = client.post(
        reverse("verification:suggestion_new", args=[organization.slug]),
        {"section": "contact", "correction": CORRECTION, "source_url": SOURCE},
    )
    assert response.status_code == 302
    return CorrectionSuggestion.objects.latest("suggested_at")


def test_the_listings_administrators_and_coordinators_are_told_in_their_language(
    clients, people, org_a, mailoutbox
):
    User.objects.filter(pk=people["admin_a"].pk).update(language="fr")
    User.objects.filter(pk=people["coordinator_be"].pk).update(language="nl")
    suggestion = suggest(clients["member_b"], org_a)

    by_recipient = {tuple(mail.to): mail for mail in mailoutbox}
    # Not the Romanian coordinator, not ordinary members, not the platform
    # (Belgium has a coordinator), not the suggester.
    assert set(by_recipient) == {
        ("admin.a@example.org",),
        ("coordinator.be@example.org",),
    }
    for address, language in (
        ("admin.a@example.org", "fr"),
        ("coordinator.be@example.org", "nl"),
    ):
        mail = by_recipient[(address,)]
        assert mail.subject == in_language(language, SUGGESTED)
        link = f"/{language}/corrections/{suggestion.pk}/"
        assert link in mail.body


def test_the_email_carries_a_link_and_nothing_of_the_suggestion(
    clients, people, org_a, mailoutbox
):
    suggestion = suggest(clients["member_b"], org_a)
    assert mailoutbox
    for mail in mailoutbox:
        text = mail.subject + mail.body
        assert f"/en/corrections/{suggestion.pk}/" in mail.body
        for secret in (
            CORRECTION,
            "hotline",
            "Maria",
            SOURCE,
            "example.org/fictitious",
            org_a.name,
            people["member_b"].email,
        ):
            assert secret not in text


def test_a_country_without_coordinator_is_answered_by_the_platform(
    clients, people, mailoutbox
):
    swedish = OrganizationFactory(name="Fictitious Stockholm Desk", country="SE")
    suggest(clients["member_b"], swedish)
    assert [mail.to for mail in mailoutbox] == [["root@example.org"]]


def test_nobody_is_told_of_their_own_suggestion(clients, people, org_a, mailoutbox):
    suggest(clients["admin_a"], org_a)
    assert [mail.to for mail in mailoutbox] == [["coordinator.be@example.org"]]


def test_inactive_accounts_are_not_written_to(clients, people, org_a, mailoutbox):
    User.objects.filter(pk=people["admin_a"].pk).update(is_active=False)
    suggest(clients["member_b"], org_a)
    assert [mail.to for mail in mailoutbox] == [["coordinator.be@example.org"]]


def test_every_coordinator_of_the_country_is_told(clients, people, org_a, mailoutbox):
    second = User.objects.create_user("coordinator2.be@example.org", "fictitious-pw")
    CountryCoordinator.objects.create(user=second, country="BE")
    colleague = User.objects.create_user("admin2.a@example.org", "fictitious-pw")
    Membership.objects.create(
        user=colleague, organization=org_a, role=Role.ORGANISATION_ADMIN
    )
    suggest(clients["member_b"], org_a)
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "admin.a@example.org",
        "admin2.a@example.org",
        "coordinator.be@example.org",
        "coordinator2.be@example.org",
    ]


def test_the_suggester_is_told_of_the_answer_in_their_language(
    clients, people, org_a, mailoutbox
):
    User.objects.filter(pk=people["member_b"].pk).update(language="ro")
    suggestion = suggest(clients["member_b"], org_a)
    mailoutbox.clear()
    clients["coordinator_be"].post(
        reverse("verification:suggestion", args=[suggestion.pk]),
        {"status": "declined", "response": "Fictitious: the number is right."},
    )
    [mail] = mailoutbox
    assert mail.to == ["member.b@example.org"]
    assert mail.subject == in_language("ro", ANSWERED)
    assert f"/ro/corrections/{suggestion.pk}/" in mail.body
    assert "the number is right" not in mail.body


def test_a_refusing_mail_server_loses_no_suggestion(
    clients, org_a, monkeypatch, mailoutbox
):
    from smtplib import SMTPException

    def refuse(*args, **kwargs):
        raise SMTPException("fictitious refusal")

    monkeypatch.setattr("relais.core.mail.send_mass_mail", refuse)
    suggestion = suggest(clients["member_b"], org_a)
    assert suggestion.correction == CORRECTION


def test_the_link_opens_the_suggestion_for_the_recipient(
    clients, people, org_a, mailoutbox
):
    suggest(clients["member_b"], org_a)
    mail = next(m for m in mailoutbox if m.to == ["coordinator.be@example.org"])
    path = mail.body.split("http://testserver", 1)[1].split()[0]
    client = verified_client_for(people["coordinator_be"])
    response = client.get(path)
    assert response.status_code == 200
    assert CORRECTION in response.content.decode()
