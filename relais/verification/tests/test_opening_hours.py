"""An organisation's administrators propose the opening hours of its locations
and services; they go live when the country coordinator approves them."""

from datetime import date, time

import pytest
from django.test import Client
from django.urls import reverse

from relais.audit.models import AuditEntry
from relais.directory.models import ChangeRecord, Schedule
from relais.directory.tests.factories import AddressFactory, ServiceFactory
from relais.verification.audit_actions import VerificationAction
from relais.verification.models import ListingChangeRequest, ReviewStatus

from .helpers import edit_form_data, edit_post, hours_prefix

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing_a(vocabularies, org_a, today):
    address = AddressFactory(
        location__organization=org_a, address_1="Fictitious Street 1", city="Gent"
    )
    service = ServiceFactory(organization=org_a, name_en="Legal advice")
    return {"org": org_a, "location": address.location, "service": service}


def edit_url(org):
    return reverse("verification:listing_edit", args=[org.slug])


def approve(coordinator, org):
    change = ListingChangeRequest.objects.get(organization=org)
    url = reverse("verification:change_review", args=[change.pk])
    page = coordinator.get(url).content.decode()
    response = coordinator.post(url, {"decision": "approve"})
    assert response.status_code == 302
    return page


def test_owner_adds_hours_that_show_in_the_readers_language_once_approved(
    clients, listing_a
):
    org, location, service = (
        listing_a["org"],
        listing_a["location"],
        listing_a["service"],
    )
    at, of = hours_prefix(location), hours_prefix(service)
    response = edit_post(
        clients["admin_a"],
        org,
        **{
            f"{at}-0-days": ["MO", "TU", "WE", "TH", "FR"],
            f"{at}-0-opens_at": "09:00",
            f"{at}-0-closes_at": "17:30",
            f"{of}-0-description": "Fictitious: by appointment only",
            f"{of}-0-valid_from": "2027-07-01",
        },
    )
    assert response.status_code == 302
    assert not Schedule.objects.exists()  # nothing is live before approval
    assert AuditEntry.objects.filter(
        action=VerificationAction.LISTING_CHANGE_PROPOSED
    ).exists()

    review = approve(clients["coordinator_be"], org)
    assert "Opening hours" in review
    assert f"Location: {location.name}" in review
    assert "Service: Legal advice" in review
    assert "Fictitious: by appointment only" in review

    hours = location.schedules.get()
    assert (hours.byday, hours.opens_at, hours.closes_at, hours.freq) == (
        "MO,TU,WE,TH,FR",
        time(9),
        time(17, 30),
        "WEEKLY",
    )
    words = service.schedules.get()
    assert words.description == "Fictitious: by appointment only"
    assert words.valid_from == date(2027, 7, 1)
    assert ChangeRecord.objects.filter(
        resource_id=hours.pk, field_name="opens_at", replacement_value="09:00:00"
    ).exists()

    page = Client().get(f"/fr{org.get_absolute_url()[3:]}").content.decode()
    assert "lun." in page and "ven." in page and "17:30" in page
    assert "Fictitious: by appointment only" in page


def test_the_edit_form_shows_the_hours_and_the_owner_changes_and_removes_them(
    clients, listing_a
):
    org, location = listing_a["org"], listing_a["location"]
    Schedule.objects.create(
        location=location, byday="MO", opens_at=time(8), closes_at=time(12)
    )
    Schedule.objects.create(
        location=location, byday="SA", opens_at=time(10), closes_at=time(13)
    )
    page = clients["admin_a"].get(edit_url(org)).content.decode()
    at = hours_prefix(location)
    assert f'name="{at}-0-opens_at" value="08:00"' in page
    assert f'name="{at}-1-opens_at" value="10:00"' in page

    response = edit_post(
        clients["admin_a"],
        org,
        **{f"{at}-0-closes_at": "12:30", f"{at}-1-DELETE": "on"},
    )
    assert response.status_code == 302
    change = ListingChangeRequest.objects.get()
    assert change.changed_fields == ["opening_hours"]
    approve(clients["coordinator_be"], org)
    [left] = location.schedules.all()
    assert (left.byday, left.opens_at, left.closes_at) == ("MO", time(8), time(12, 30))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"days": ["MO"], "opens_at": "17:00", "closes_at": "09:00"},
            "The closing time must come after the opening time.",
        ),
        (
            {"opens_at": "09:00", "closes_at": "17:00"},
            "Choose the days these hours are for.",
        ),
        (
            {"days": ["MO"], "opens_at": "09:00"},
            "Give both the opening and the closing time.",
        ),
        (
            {"days": ["MO"], "opens_at": "9 o'clock", "closes_at": "17:00"},
            "Enter a time such as 09:00.",
        ),
        (
            {
                "description": "Fictitious",
                "valid_from": "2027-09-01",
                "valid_to": "2027-08-01",
            },
            "The end date must not come before the start date.",
        ),
    ],
)
def test_bad_hours_are_refused_and_what_was_typed_stays(
    clients, listing_a, row, message
):
    org, location = listing_a["org"], listing_a["location"]
    at = hours_prefix(location)
    response = edit_post(
        clients["admin_a"],
        org,
        name="Fictitious Kept Name",
        **{f"{at}-0-{name}": value for name, value in row.items()},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'value="Fictitious Kept Name"' in body
    if "closes_at" in row:
        assert f'name="{at}-0-closes_at" value="{row["closes_at"]}"' in body
    assert not ListingChangeRequest.objects.exists()
    assert not Schedule.objects.exists()


def test_the_hours_form_speaks_the_readers_language(clients, listing_a):
    org = listing_a["org"]
    page = clients["admin_a"].get(f"/ro{edit_url(org)[3:]}").content.decode()
    assert "luni" in page and "duminică" in page


def test_hours_changed_by_staff_meanwhile_are_kept_at_approval(clients, listing_a):
    org, location, service = (
        listing_a["org"],
        listing_a["location"],
        listing_a["service"],
    )
    of = hours_prefix(service)
    edit_post(
        clients["admin_a"],
        org,
        **{f"{of}-0-description": "Fictitious: on Tuesdays"},
    )
    Schedule.objects.create(
        location=location, byday="FR", opens_at=time(9), closes_at=time(11)
    )
    approve(clients["coordinator_be"], org)
    assert location.schedules.count() == 1
    assert service.schedules.get().description == "Fictitious: on Tuesdays"


@pytest.mark.parametrize(
    "persona", ["member_a", "observer_a", "admin_b", "coordinator_be", "anonymous"]
)
def test_only_the_organisations_administrators_propose_hours(
    persona, clients, listing_a
):
    org, location = listing_a["org"], listing_a["location"]
    at = hours_prefix(location)
    data = edit_form_data(
        clients["admin_a"],
        org,
        **{
            f"{at}-0-days": ["MO"],
            f"{at}-0-opens_at": "09:00",
            f"{at}-0-closes_at": "12:00",
        },
    )
    client = Client() if persona == "anonymous" else clients[persona]
    response = client.post(edit_url(org), data)
    assert response.status_code == (302 if persona == "anonymous" else 404)
    assert "sign-in" in response.get("Location", "sign-in")
    assert not ListingChangeRequest.objects.exists()
    assert not Schedule.objects.exists()
    # The owner's own proposal goes through.
    assert clients["admin_a"].post(edit_url(org), data).status_code == 302
    assert ListingChangeRequest.objects.get().status == ReviewStatus.PENDING


def test_imported_hours_the_form_would_not_write_do_not_block_other_changes(
    clients, listing_a
):
    org, location = listing_a["org"], listing_a["location"]
    Schedule.objects.create(
        location=location,
        opens_at=time(9),
        closes_at=time(12),
        description="Fictitious: mornings, except in August. " * 10,
    )
    response = edit_post(clients["admin_a"], org, name="Fictitious New Name")
    assert response.status_code == 302
    assert ListingChangeRequest.objects.get().changed_fields == ["name"]


def test_a_location_added_while_the_owner_edits_keeps_its_hours_and_the_send_works(
    clients, listing_a
):
    org, location = listing_a["org"], listing_a["location"]
    client = clients["admin_a"]
    data = edit_form_data(client, org, website="https://fictitious.example.org")
    # Meanwhile an editor adds a location with its hours: the owner's form
    # has no rows for it.
    added = AddressFactory(
        location__organization=org, address_1="Fictitious Lane 2", city="Gent"
    ).location
    Schedule.objects.create(
        location=added, byday="SA", opens_at=time(10), closes_at=time(12)
    )
    assert not any(name.startswith(hours_prefix(added)) for name in data)

    response = client.post(edit_url(org), data)

    assert response.status_code == 302
    approve(clients["coordinator_be"], org)
    org.refresh_from_db()
    assert org.website == "https://fictitious.example.org"
    kept = added.schedules.get()
    assert (kept.byday, kept.opens_at, kept.closes_at) == ("SA", time(10), time(12))
    assert not location.schedules.exists()


def test_the_french_review_spaces_its_colons_and_semicolons(clients, listing_a):
    from django.utils import translation

    org, location = listing_a["org"], listing_a["location"]
    at = hours_prefix(location)
    edit_post(
        clients["admin_a"],
        org,
        **{
            f"{at}-0-days": ["MO"],
            f"{at}-0-opens_at": "09:00",
            f"{at}-0-closes_at": "12:00",
            f"{at}-0-description": "Fictitious: on appointment",
        },
    )
    change = ListingChangeRequest.objects.get(organization=org)
    with translation.override("fr"):
        url = reverse("verification:change_review", args=[change.pk])
    page = clients["coordinator_be"].get(url).content.decode()
    line = next(
        line for line in page.splitlines() if "Fictitious: on appointment" in line
    )
    assert f"Lieu\u00a0: {location.name}\u00a0: " in line
    assert "\u202f; Fictitious: on appointment" in line
