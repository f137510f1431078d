"""Refused state-changing requests are in the trail, without flooding it."""

import pytest

from relais.audit.audit_actions import AuditAction
from relais.audit.models import AuditEntry
from relais.audit.selectors import audit_trail_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def refusing_urls(settings):
    settings.ROOT_URLCONF = "relais.audit.tests.refusal_urls"
    settings.AUDIT_REFUSALS_PER_MINUTE = 3


def refusals():
    return list(
        AuditEntry.objects.filter(
            action__in=[AuditAction.REQUEST_REFUSED, AuditAction.REFUSALS_SUPPRESSED]
        ).order_by("sequence")
    )


def test_a_refused_post_records_who_where_and_which_view(member_be_client, member_be):
    response = member_be_client.post(
        "/forbidden/fictitious-slug/?q=secret", {"note": "private words"}
    )
    assert response.status_code == 403
    (entry,) = refusals()
    assert entry.action == AuditAction.REQUEST_REFUSED
    assert entry.actor == str(member_be.uuid)
    assert entry.ip_address == "127.0.0.1"
    assert entry.details == {
        "method": "POST",
        "path": "/forbidden/fictitious-slug/",
        "view": "refuse",
    }
    assert "private words" not in str(entry.details)
    assert audit_trail_verify().ok


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_state_changing_methods_are_recorded(member_be_client, method):
    assert getattr(member_be_client, method)("/forbidden/x/").status_code == 403
    assert len(refusals()) == 1


def test_reads_and_not_found_answers_are_not_recorded(member_be_client):
    assert member_be_client.get("/forbidden/x/").status_code == 403
    assert member_be_client.post("/missing/").status_code == 404
    assert refusals() == []


def test_a_flood_of_refusals_writes_the_budget_then_one_suppressed_entry(
    member_be_client,
):
    for _ in range(20):
        assert member_be_client.post("/forbidden/x/").status_code == 403
    actions = [entry.action for entry in refusals()]
    assert actions == [AuditAction.REQUEST_REFUSED] * 3 + [
        AuditAction.REFUSALS_SUPPRESSED
    ]


def test_the_next_minute_counts_what_was_suppressed(member_be_client, monkeypatch):
    from types import SimpleNamespace

    clock = [1_800_000_000.0]
    monkeypatch.setattr(
        "relais.audit.middleware.time", SimpleNamespace(time=lambda: clock[0])
    )
    for _ in range(10):
        member_be_client.post("/forbidden/x/")
    clock[0] += 60
    member_be_client.post("/forbidden/x/")
    assert refusals()[-1].details["suppressed_last_minute"] == 7


def test_each_address_has_its_own_budget(member_be_client):
    for address in ("192.0.2.1", "192.0.2.2"):
        for _ in range(5):
            member_be_client.post("/forbidden/x/", REMOTE_ADDR=address)
    by_address = [(e.ip_address, e.action) for e in refusals()]
    for address in ("192.0.2.1", "192.0.2.2"):
        assert by_address.count((address, AuditAction.REQUEST_REFUSED)) == 3
        assert by_address.count((address, AuditAction.REFUSALS_SUPPRESSED)) == 1
