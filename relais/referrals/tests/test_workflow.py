"""The workflow, enforced on the server: each refusal changes nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from relais.audit.models import AuditEntry
from relais.referrals import services
from relais.referrals.models import Referral, Status, TimelineKind

from .conftest import ALL_SENTINELS, consent, draft, move

pytestmark = pytest.mark.django_db


def snapshot(referral):
    fresh = Referral.objects.get(pk=referral.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.outcome,
        fresh.timeline.count(),
        AuditEntry.objects.count(),
    )


def test_a_referral_goes_from_draft_to_closed_with_one_shared_timeline(
    people, org_a, org_b
):
    referral = draft(people, org_a, org_b)
    consent(referral, people)
    move(referral, "send", people["member_a"])
    move(referral, "accept", people["member_b"])
    move(referral, "start", people["admin_b"])
    closed = move(referral, "close", people["member_b"], outcome="assisted")
    assert closed.status == Status.CLOSED
    assert closed.outcome == "assisted"
    assert closed.closed_at is not None
    kinds = list(closed.timeline.values_list("kind", flat=True))
    assert kinds == [
        TimelineKind.DRAFTED,
        TimelineKind.CONSENT,
        TimelineKind.SENT,
        TimelineKind.ACCEPTED,
        TimelineKind.STARTED,
        TimelineKind.CLOSED,
    ]
    assert closed.version == 6


def test_sending_without_consent_is_refused_and_changes_nothing(people, org_a, org_b):
    referral = draft(people, org_a, org_b)
    before = snapshot(referral)
    with pytest.raises(ValidationError) as refused:
        move(referral, "send", people["member_a"])
    assert "consent" in str(refused.value)
    assert snapshot(referral) == before


def test_consent_for_fewer_purposes_than_the_referral_does_not_allow_sending(
    people, org_a, org_b
):
    referral = draft(people, org_a, org_b)
    services.referral_consent_record(
        referral_id=referral.pk,
        actor=people["member_a"],
        version=referral.version,
        kind="consent",
        given_on=referral.created_at.date(),
        language="ro",
        method="oral",
        purposes=["legal_advice"],
    )
    with pytest.raises(ValidationError):
        move(referral, "send", people["member_a"])


def test_an_emergency_override_needs_a_written_reason(people, org_a, org_b):
    referral = draft(people, org_a, org_b)
    with pytest.raises(ValidationError) as refused:
        services.referral_consent_record(
            referral_id=referral.pk,
            actor=people["member_a"],
            version=referral.version,
            kind="override_emergency",
            given_on=referral.created_at.date(),
            language="ro",
            method="",
            purposes=[],
            override_reason="urgent",
        )
    assert "override_reason" in refused.value.error_dict
    services.referral_consent_record(
        referral_id=referral.pk,
        actor=people["member_a"],
        version=referral.version,
        kind="override_emergency",
        given_on=referral.created_at.date(),
        language="ro",
        method="",
        purposes=[],
        override_reason="Immediate danger: the exploiters know where she is.",
    )
    assert move(referral, "send", people["member_a"]).status == Status.SENT
    assert AuditEntry.objects.filter(action="referral_consent_overridden").exists()


def test_a_child_override_is_refused_for_an_adult(people, org_a, org_b):
    referral = draft(people, org_a, org_b)
    with pytest.raises(ValidationError) as refused:
        services.referral_consent_record(
            referral_id=referral.pk,
            actor=people["member_a"],
            version=referral.version,
            kind="override_child",
            given_on=referral.created_at.date(),
            language="ro",
            method="",
            purposes=[],
            override_reason="In the child's best interests, the guardian is absent.",
        )
    assert "kind" in refused.value.error_dict


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("accept", Status.DRAFT),
        ("close", Status.SENT),
        ("start", Status.SENT),
        ("provide_info", Status.SENT),
    ],
)
def test_a_transition_not_allowed_from_the_current_state_changes_nothing(
    people, org_a, org_b, action, status
):
    referral = draft(people, org_a, org_b)
    if status == Status.SENT:
        consent(referral, people)
        move(referral, "send", people["member_a"])
    before = snapshot(referral)
    actor = people["member_a"] if action == "provide_info" else people["member_b"]
    with pytest.raises((ValidationError, PermissionDenied)):
        move(referral, action, actor, outcome="assisted", note="x")
    assert snapshot(referral) == before


def test_the_sending_side_cannot_accept_and_observers_cannot_act(people, referral_sent):
    before = snapshot(referral_sent)
    for user in [people["member_a"], people["observer_b"], people["coordinator_ro"]]:
        with pytest.raises(PermissionDenied):
            move(referral_sent, "accept", user)
    assert snapshot(referral_sent) == before


def test_an_outsider_and_a_third_organisation_cannot_act(
    people, referral_sent, member_c
):
    for user in [member_c, people["no_organisation"], people["platform_admin"]]:
        with pytest.raises(PermissionDenied):
            move(referral_sent, "accept", user)


def test_a_stale_update_is_refused_with_a_clear_message_and_nothing_overwritten(
    people, referral_sent
):
    version = referral_sent.version
    move(referral_sent, "request_info", people["member_b"], note="Which court?")
    before = snapshot(referral_sent)
    with pytest.raises(ValidationError) as refused:
        services.referral_transition(
            referral_id=referral_sent.pk,
            action="decline",
            actor=people["admin_b"],
            version=version,
            note="We cannot help.",
        )
    assert refused.value.code == "stale"
    assert "changed by someone else" in refused.value.messages[0]
    assert snapshot(referral_sent) == before


def test_decline_needs_a_reason(people, referral_sent):
    with pytest.raises(ValidationError) as refused:
        move(referral_sent, "decline", people["member_b"], note="  ")
    assert "note" in refused.value.error_dict


def test_close_needs_a_known_outcome(people, referral_sent):
    move(referral_sent, "accept", people["member_b"])
    with pytest.raises(ValidationError):
        move(referral_sent, "close", people["member_b"], outcome="invented")
    assert Referral.objects.get(pk=referral_sent.pk).status == Status.ACCEPTED


def test_a_forged_referral_id_is_refused(people):
    import uuid

    with pytest.raises(PermissionDenied):
        services.referral_transition(
            referral_id=uuid.uuid4(),
            action="accept",
            actor=people["member_b"],
            version=1,
        )


def test_a_referral_to_ones_own_organisation_is_refused(people, org_a):
    with pytest.raises(ValidationError):
        draft(people, org_a, org_a)


def test_withdrawing_consent_stops_sharing_and_deletes_the_receiving_side_data(
    people, referral_full
):
    import rules

    assert rules.has_perm("referrals.view_personal", people["member_b"], referral_full)
    services.referral_consent_withdraw(
        referral_id=referral_full.pk,
        actor=people["member_a"],
        version=referral_full.version,
    )
    referral = Referral.objects.get(pk=referral_full.pk)
    assert referral.status == Status.WITHDRAWN
    assert not rules.has_perm("referrals.view_personal", people["member_b"], referral)
    assert not rules.has_perm("referrals.view", people["member_b"], referral)
    assert rules.has_perm("referrals.view_personal", people["member_a"], referral)
    assert referral.messages.filter(side="receiving").count() == 0
    assert referral.documents.count() == 0


def test_emails_say_what_happened_and_carry_no_personal_data(people, referral_full):
    move(referral_full, "close", people["member_b"], outcome="assisted", note="done")
    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        text = message.subject + message.body
        assert "/referrals/" in message.body
        for sentinel in ALL_SENTINELS:
            assert sentinel not in text
        assert referral_full.case_code not in text
