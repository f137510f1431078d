"""The audit trail: one entry per event, append-only, and tampering is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import User
from relais.audit.models import AuditEntry, AuditTrailIsAppendOnly
from relais.audit.selectors import audit_trail_verify
from relais.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(db):
    actor = User.objects.create_user(
        "auditor.test@example.org", "fictitious-pass-phrase"
    )
    for index in range(6):
        audit_record(
            action=AccountsAction.PASSWORD_CHANGED, actor=actor, details={"n": index}
        )
    return list(AuditEntry.objects.order_by("sequence"))


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_trail_verifies(trail):
    result = audit_trail_verify()
    assert result.ok and result.checked == 6
    call_command("audit", "verify")


def test_an_edited_entry_is_named(trail):
    raw("UPDATE audit_auditentry SET action = %s WHERE sequence = %s", ["login", 4])
    result = audit_trail_verify()
    assert result.first_bad_sequence == 4
    with pytest.raises(CommandError, match="#4"):
        call_command("audit", "verify")


def test_edited_details_are_detected(trail):
    raw("UPDATE audit_auditentry SET details = %s WHERE sequence = %s", ['{"n": 9}', 2])
    assert audit_trail_verify().first_bad_sequence == 2


def test_a_deleted_entry_is_named_by_the_one_after_it(trail):
    raw("DELETE FROM audit_auditentry WHERE sequence = %s", [3])
    result = audit_trail_verify()
    assert result.first_bad_sequence == 4
    assert "missing" in result.problem


def test_a_deleted_and_renumbered_entry_is_detected(trail):
    raw("DELETE FROM audit_auditentry WHERE sequence = %s", [3])
    for sequence in (4, 5, 6):
        raw(
            "UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s",
            [sequence - 1, sequence],
        )
    assert audit_trail_verify().first_bad_sequence == 3


def test_reordered_entries_are_detected(trail):
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [100, 2])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [2, 5])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [5, 100])
    assert audit_trail_verify().first_bad_sequence == 2


def test_a_trail_written_with_another_key_does_not_verify(trail, settings):
    settings.AUDIT_HMAC_KEY = "another-key-" + "q" * 40
    assert audit_trail_verify().first_bad_sequence == 1


def test_the_application_cannot_change_or_delete_entries(trail):
    entry = trail[0]
    entry.action = AccountsAction.LOGIN
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(sequence=1).update(action="login")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert audit_trail_verify().ok


def test_entries_record_who_when_and_where_without_personal_values(client, trail):
    entry = trail[0]
    actor = User.objects.get(email="auditor.test@example.org")
    assert entry.actor == str(actor.uuid)
    assert entry.created_at.utcoffset().total_seconds() == 0
    for value in AuditEntry.objects.values_list("actor", "target", "details"):
        assert "@" not in str(value)


def test_the_admin_shows_the_trail_read_only(platform_admin_client, trail):
    before = AuditEntry.objects.count()
    response = platform_admin_client.get(
        "/en/admin/audit/auditentry/?action=password_changed"
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 6
    add = platform_admin_client.get("/en/admin/audit/auditentry/add/")
    assert add.status_code == 403
    delete = platform_admin_client.post(
        f"/en/admin/audit/auditentry/{trail[0].pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    # Nothing deleted; the refused deletion itself is recorded.
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.last().action == "request_refused"


def test_members_cannot_read_the_trail(member_be_client, trail):
    assert member_be_client.get("/en/admin/audit/auditentry/").status_code == 302


def test_an_unregistered_action_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValueError, match="Unregistered audit action"):
        audit_record(action="no_such_action")
    assert not AuditEntry.objects.exists()


def test_entries_show_the_label_their_app_registered(db):
    from django.utils import translation

    entry = audit_record(action=AccountsAction.PASSWORD_CHANGED)
    with translation.override("fr"):
        assert entry.action_label == "Mot de passe modifié"


@pytest.fixture
def checkpointed_trail(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "audit" / "head.json")
    actor = User.objects.create_user(
        "checkpointed.test@example.org", "fictitious-pass-phrase"
    )
    for index in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            audit_record(
                action=AccountsAction.PASSWORD_CHANGED,
                actor=actor,
                details={"n": index},
            )
    return tmp_path / "audit" / "head.json"


def test_the_checkpoint_is_private_and_names_the_head(checkpointed_trail):
    import json

    assert checkpointed_trail.stat().st_mode & 0o777 == 0o600
    assert json.loads(checkpointed_trail.read_text())["sequence"] == 6
    assert audit_trail_verify().ok


def test_deleting_the_latest_entries_is_detected(checkpointed_trail):
    raw("DELETE FROM audit_auditentry WHERE sequence >= %s", [5])
    result = audit_trail_verify()
    assert not result.ok
    assert result.first_bad_sequence == 5
    assert "end of the trail" in result.problem
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify")
    # A trail cut short is never checkpointed over.
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint")


def test_a_forged_checkpoint_is_not_trusted(checkpointed_trail):
    import json

    data = json.loads(checkpointed_trail.read_text())
    checkpointed_trail.write_text(json.dumps({**data, "sequence": 2}))
    result = audit_trail_verify()
    assert not result.ok and "cannot be trusted" in result.problem


def test_the_checkpoint_command_records_the_head(settings, tmp_path, trail):
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "head.json")
    call_command("audit", "checkpoint")
    raw("DELETE FROM audit_auditentry WHERE sequence = %s", [6])
    assert "end of the trail" in audit_trail_verify().problem
