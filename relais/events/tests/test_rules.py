"""Who may create and organise events and see their participants."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from relais.events.models import EventVisibility
from relais.events.selectors import events_visible_to

pytestmark = pytest.mark.django_db


def _verified(user):
    user.is_verified = lambda: True
    return user


def test_permissions_by_role(event, people):
    def allowed(perm, name):
        user = AnonymousUser() if name == "anonymous" else _verified(people[name])
        return rules.has_perm(perm, user, event)

    names = [
        "admin_a",
        "member_a",
        "observer_a",
        "admin_b",
        "coordinator_be",
        "platform_admin",
        "no_organisation",
        "anonymous",
    ]
    assert {n for n in names if allowed("events.organise", n)} == {
        "admin_a",
        "platform_admin",
    }
    assert {n for n in names if allowed("events.view_participants", n)} == {"admin_a"}
    assert {n for n in names if allowed("events.register", n)} == set(names) - {
        "anonymous"
    }
    assert {
        n
        for n in names
        if rules.has_perm(
            "events.create_event",
            AnonymousUser() if n == "anonymous" else _verified(people[n]),
        )
    } == {"admin_a", "admin_b", "platform_admin"}


def test_password_only_session_has_no_rights(event, people):
    admin = people["admin_a"]
    admin.is_verified = lambda: False
    assert not rules.has_perm("events.organise", admin, event)
    assert not rules.has_perm("events.register", admin, event)


def test_private_events_are_visible_to_their_organisers_only(event, people):
    event.visibility = EventVisibility.PRIVATE
    event.save()
    assert event in events_visible_to(_verified(people["admin_a"]))
    assert event in events_visible_to(_verified(people["platform_admin"]))
    for name in ("member_a", "admin_b", "coordinator_be"):
        assert event not in events_visible_to(_verified(people[name])), name
    assert event not in events_visible_to(AnonymousUser())
    assert not rules.has_perm("events.register", _verified(people["member_b"]), event)
