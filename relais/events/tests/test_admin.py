"""The administration's event pages (registrations are deliberately absent)."""

import pytest

pytestmark = pytest.mark.django_db


def test_platform_admin_opens_the_event_admin(event, clients):
    client = clients["platform_admin"]
    assert client.get("/en/admin/events/event/").status_code == 200
    assert client.get(f"/en/admin/events/event/{event.pk}/change/").status_code == 200
    assert client.get("/en/admin/events/event/add/").status_code == 200
    assert client.get("/en/admin/events/registration/").status_code == 404
