"""The organiser's and participants' journey in a real browser, with axe-core:
create a training, register a professional and a guest, fill it, cancel one,
the waiting list moves up, attendance, certificate."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from relais.conftest import LANGUAGE_CODES
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)
from relais.events.models import Event, Registration
from relais.verification.tests.test_browser import signed_in

from .factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_training_from_creation_to_certificate(live_server, browser, people, org_a):  # noqa: F811
    url = live_server.url
    # An organisation administrator creates a training with two places.
    page = signed_in(browser, live_server, people["admin_a"])
    page.goto(f"{url}/en/events/")
    page.get_by_role("link", name="Create an event").click()
    assert serious_violations(page) == []
    page.get_by_label("Organised by").select_option(label=org_a.name)
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Format").select_option("in_person")
    page.get_by_label("Title").fill(
        "Fictitious training on the multidisciplinary approach"
    )
    page.get_by_label("Short name in the address").fill("fictitious-browser-training")
    page.get_by_label("City").fill("Brussels")
    page.get_by_label("Country").select_option("BE")
    start = timezone.now() + timedelta(days=30)
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT17:00"))
    page.get_by_label("Places").fill("2")
    page.get_by_label("Lawyer").check()
    page.locator("#id_languages_0").check()
    page.get_by_role("button", name="Create the event").click()
    page.wait_for_url("**/events/fictitious-browser-training/")
    assert "The event was created." in page.content()
    assert serious_violations(page) == []
    event_url = page.url

    # A professional registers and gets a place.
    member_b = signed_in(browser, live_server, people["member_b"])
    member_b.goto(event_url)
    member_b.get_by_label("Profession").select_option("judge")
    member_b.get_by_role("button", name="Register").click()
    assert "your place is confirmed" in member_b.content()
    assert serious_violations(member_b) == []

    # A guest registers, confirms by the e-mailed link and takes the last place.
    guest = browser.new_context().new_page()
    guest.goto(event_url)
    guest.get_by_label("Your name").fill("Fictitious Guest")
    guest.get_by_label("E-mail address").fill("guest@example.org")
    guest.get_by_label("Profession").select_option("interpreter")
    guest.get_by_label("Organisation").fill("Fictitious Interpreters")
    guest.get_by_role("button", name="Register as a guest").click()
    assert "Check your e-mail" in guest.content()
    assert serious_violations(guest) == []
    link = next(w for w in mail.outbox[-1].body.split() if w.startswith("http"))
    guest.goto(link.replace("http://testserver", url))
    assert serious_violations(guest) == []
    guest.get_by_role("button", name="Confirm my registration").click()
    assert "your place is confirmed" in guest.content()
    guest_page = guest.url

    # The event is full: the next professional waits in line.
    member_a = signed_in(browser, live_server, people["member_a"])
    member_a.goto(event_url)
    assert "Every place is taken" in member_a.content()
    member_a.get_by_label("Profession").select_option("police")
    member_a.get_by_role("button", name="Join the waiting list").click()
    assert "waiting list" in member_a.content()

    # The first professional cancels; the one waiting gets the place.
    member_b.goto(event_url)
    member_b.get_by_role("link", name="See or cancel your registration").click()
    assert serious_violations(member_b) == []
    member_b.get_by_role("button", name="Cancel my registration").click()
    assert "Your registration is cancelled." in member_b.content()
    promoted = Registration.objects.get(user=people["member_a"])
    assert promoted.status == "confirmed"

    # After the event the organiser marks who came and sees the mix.
    event = Event.objects.get(slug="fictitious-browser-training")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=8),
    )
    page.goto(f"{url}/en/events/{event.slug}/participants/")
    assert serious_violations(page) == []
    page.get_by_label("Fictitious Guest was present").check()
    page.get_by_role("button", name="Save attendance").click()
    assert "Attendance saved: 1 present." in page.content()
    assert "Interpreter: 1" in page.content()

    # The guest downloads the certificate.
    guest.goto(guest_page)
    assert serious_violations(guest) == []
    certificate = guest.get_by_role("link", name="Certificate of attendance (PDF)")
    response = guest.request.get(url + certificate.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_event_pages_pass_axe_in_every_language(live_server, browser_page, lang, org_a):  # noqa: F811
    event = EventFactory(slug="fictitious-axe")
    event.organisers.add(org_a)
    for path in (
        "/events/",
        "/events/?view=calendar",
        f"/events/{event.slug}/",
        "/events/calendars/",
    ):
        browser_page.goto(f"{live_server.url}/{lang}{path}")
        assert serious_violations(browser_page) == [], path
