"""The referral pages as a professional uses them, bad input included."""

import uuid

import pytest
from django.urls import reverse

from relais.referrals.models import Referral, Status

from .conftest import move

pytestmark = pytest.mark.django_db


def create_url(org):
    return reverse("referrals:create") + f"?to={org.pk}"


PERSON = {
    "person-given_name": "Fictitious",
    "person-situation": "Fictitious situation for a test.",
    "person-languages": "ro, fr",
    "person-age_band": "14-17",
}


def test_a_member_drafts_records_consent_and_sends(clients, org_a, org_b):
    client = clients["member_a"]
    form = client.get(create_url(org_b))
    assert form.status_code == 200
    response = client.post(
        create_url(org_b),
        {
            "sending_organization": str(org_a.pk),
            "purposes": ["legal_advice", "shelter"],
            "urgency": "urgent",
            "phase": "identification",
            **PERSON,
        },
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:consent", args=[referral.pk])
    # An age band of a child marks the person as a child.
    assert referral.person["is_minor"] is True
    assert referral.person["languages"] == ["ro", "fr"]
    response = client.post(
        reverse("referrals:consent", args=[referral.pk]),
        {
            "version": referral.version,
            "kind": "consent",
            "given_on": "2026-12-01",
            "language": "ro",
            "method": "signed_form",
            "purposes": ["legal_advice", "shelter"],
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    response = client.post(
        reverse("referrals:transition", args=[referral.pk]),
        {"action": "send", "version": referral.version},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert referral.answer_due_at is not None


def test_bad_input_keeps_what_was_typed(clients, org_a, org_b):
    response = clients["member_a"].post(
        create_url(org_b),
        {
            "sending_organization": str(org_a.pk),
            "purposes": [],
            "urgency": "routine",
            "phase": "identification",
            "person-given_name": "Typed name kept",
            "person-situation": "",
            "person-birth_year": "2999",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Typed name kept" in body
    assert body.count('role="alert"') >= 3
    assert Referral.objects.count() == 0


def test_a_forged_sending_organisation_is_refused(clients, org_a, org_b, org_c):
    response = clients["member_a"].post(
        create_url(org_b),
        {
            "sending_organization": str(org_c.pk),
            "purposes": ["legal_advice"],
            "urgency": "routine",
            "phase": "identification",
            **PERSON,
        },
    )
    assert response.status_code == 400
    assert Referral.objects.count() == 0


def test_a_forged_recipient_shows_the_chooser(clients, org_a):
    for to in [str(uuid.uuid4()), "not-a-uuid", str(org_a.pk)]:
        response = clients["member_a"].get(reverse("referrals:create") + f"?to={to}")
        assert response.status_code == 200
        assert "choose the organisation" in response.content.decode()


def test_observers_and_strangers_cannot_refer(clients):
    for role in ["observer_a", "no_organisation", "coordinator_be"]:
        assert clients[role].get(reverse("referrals:create")).status_code == 403


def test_a_stale_page_keeps_the_typed_note_and_explains(clients, people, referral_sent):
    old_version = referral_sent.version
    move(referral_sent, "request_info", people["admin_b"], note="Which court?")
    move(referral_sent, "provide_info", people["member_a"], note="Brussels.")
    response = clients["member_b"].post(
        reverse("referrals:transition", args=[referral_sent.pk]),
        {"action": "decline", "version": old_version, "note": "My typed reason"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "changed by someone else" in body
    assert "My typed reason" in body
    assert Referral.objects.get(pk=referral_sent.pk).status == Status.SENT


def test_a_transition_from_the_wrong_state_says_so(clients, referral_sent):
    response = clients["member_b"].post(
        reverse("referrals:transition", args=[referral_sent.pk]),
        {"action": "close", "version": referral_sent.version, "outcome": "assisted"},
    )
    assert response.status_code == 400
    assert "cannot be closed now" in response.content.decode()


def test_an_unknown_action_or_missing_version_changes_nothing(clients, referral_sent):
    url = reverse("referrals:transition", args=[referral_sent.pk])
    for data in [{"action": "explode", "version": 3}, {"action": "accept"}]:
        response = clients["member_b"].post(url, data)
        assert response.status_code == 400
    assert Referral.objects.get(pk=referral_sent.pk).status == Status.SENT


def test_a_deadline_in_the_past_or_another_country_is_refused(clients, referral_sent):
    url = reverse("referrals:deadline", args=[referral_sent.pk])
    for data in [
        {"kind": "hearing", "date": "2001-01-01", "time": "09:00", "country": "BE"},
        {"kind": "hearing", "date": "2031-01-01", "time": "09:00", "country": "SE"},
        {"kind": "hearing", "date": "not a date", "time": "09:00", "country": "BE"},
    ]:
        assert clients["member_b"].post(url, data).status_code == 400
    assert referral_sent.deadlines.count() == 0
    response = clients["member_b"].post(
        url, {"kind": "hearing", "date": "2031-01-01", "time": "09:30", "country": "BE"}
    )
    assert response.status_code == 302
    deadline = referral_sent.deadlines.get()
    assert deadline.time_zone == "Europe/Brussels"
    assert deadline.due_at.isoformat().startswith("2031-01-01T08:30")  # UTC


def test_the_consent_form_prints_in_the_chosen_language(clients):
    response = clients["member_a"].get(reverse("referrals:consent_form") + "?lang=ro")
    assert response.status_code == 200
    assert 'lang="ro"' in response.content.decode()


def test_a_case_code_finds_the_referral(clients, referral_sent):
    url = reverse("referrals:list") + "?code=" + referral_sent.case_code.lower()
    response = clients["member_b"].get(url)
    assert response["Location"] == reverse("referrals:detail", args=[referral_sent.pk])
    response = clients["coordinator_be"].get(
        reverse("referrals:list") + "?code=RL-AAAA-AAAA"
    )
    assert "No referral you can see" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr", "nl", "ro", "bg", "es", "sv"])
def test_the_pages_answer_in_every_language(clients, referral_full, language):
    from django.utils import translation

    with translation.override(language):
        urls = [
            reverse("referrals:list"),
            reverse("referrals:detail", args=[referral_full.pk]),
            reverse("referrals:statistics"),
            reverse("referrals:create"),
        ]
    for url in urls:
        assert url.startswith(f"/{language}/")
        assert clients["member_a"].get(url).status_code == 200


def test_a_listing_offers_to_refer_a_person_to_it(clients, org_a, org_b):
    page = clients["member_a"].get(org_b.get_absolute_url()).content.decode()
    assert f"/referrals/new/?to={org_b.pk}" in page
    own = clients["member_a"].get(org_a.get_absolute_url()).content.decode()
    assert "/referrals/new/" not in own
    observer = clients["observer_a"].get(org_b.get_absolute_url()).content.decode()
    assert "/referrals/new/" not in observer


def test_the_navigator_answers_suggest_the_country_and_purposes(clients, org_a, org_b):
    answers = "identified_in=BE&nationality=RO&age=child&wish=return&proceedings=yes"
    chooser = clients["member_a"].get(reverse("referrals:create") + "?" + answers)
    body = chooser.content.decode()
    # Returning home: organisations of the country of origin are suggested.
    assert "Fictitious Org B" in body
    assert f"to={org_b.pk}&amp;identified_in=BE" in body
    form = clients["member_a"].get(
        reverse("referrals:create") + f"?to={org_b.pk}&" + answers
    )
    checked = form.context["referral_form"].initial["purposes"]
    assert {
        "legal_advice",
        "child_protection",
        "return",
        "criminal_proceedings",
    } <= set(checked)


def test_an_organisation_without_accounts_gets_a_password_protected_file(
    clients, people, org_a, org_c
):
    from io import BytesIO

    from pypdf import PdfReader

    from relais.audit.models import AuditEntry

    from .conftest import SENTINELS, consent, draft

    referral = draft(people, org_a, org_c)
    consent(referral, people)
    move(referral, "send", people["member_a"])
    detail = clients["member_a"].get(reverse("referrals:detail", args=[referral.pk]))
    url = reverse("referrals:handover", args=[referral.pk])
    assert url in detail.content.decode()
    weak = clients["member_a"].post(
        url, {"password": "passwordpassword", "password_again": "passwordpassword"}
    )
    assert weak.status_code == 400
    secret = "correct-horse-Battery-staple-91"
    response = clients["member_a"].post(
        url, {"password": secret, "password_again": secret}
    )
    if response.status_code == 503:  # no pango on this host
        return
    assert response.status_code == 200
    assert SENTINELS["family_name"].encode() not in response.content
    reader = PdfReader(BytesIO(response.content))
    assert reader.is_encrypted
    assert reader.decrypt(secret)
    text = "".join(page.extract_text() for page in reader.pages)
    assert SENTINELS["family_name"] in text
    assert AuditEntry.objects.filter(action="referral_handed_over").exists()


def test_no_handover_file_when_the_recipient_has_accounts(clients, referral_sent):
    url = reverse("referrals:handover", args=[referral_sent.pk])
    assert clients["member_a"].get(url).status_code == 404
    assert clients["member_b"].get(url).status_code == 404


def test_recipients_are_suggested_by_purpose(
    clients, vocabularies, org_a, org_b, org_c
):
    from relais.directory.tests.factories import tag

    tag(org_c, "service", "shelter")
    url = reverse("referrals:create") + "?purpose=shelter"
    body = clients["member_a"].get(url).content.decode()
    assert "Fictitious Org C" in body
    assert "Fictitious Org B" not in body
