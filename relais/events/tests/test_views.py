"""The event pages: public reading, filters, registration, organisers' pages."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from relais.conftest import LANGUAGE_CODES
from relais.events import selectors
from relais.events.models import EventVisibility, Registration, RegistrationStatus

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_event_pages_render_in_every_language(event, anonymous, lang):
    for page in [
        f"/{lang}/events/",
        f"/{lang}/events/?when=past",
        f"/{lang}/events/?view=calendar",
        f"/{lang}/events/calendars/",
        f"/{lang}/events/{event.slug}/",
    ]:
        response = anonymous.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{lang}">' in response.content.decode()


def test_event_text_in_another_language_is_marked_with_a_note(event, anonymous):
    html = anonymous.get(f"/fr/events/{event.slug}/").content.decode()
    assert '<h1 lang="en">Fictitious training' in html
    assert 'class="language-note"' in html


def test_list_filters_by_country_kind_audience_language_and_time(anonymous, org_a):
    now = timezone.now()
    EventFactory(
        title_en="Bucharest seminar",
        country="RO",
        kind="seminar",
        audiences=["judge"],
        languages=["ro"],
        interpretation=[],
    )
    EventFactory(
        title_en="Brussels training",
        country="BE",
        audiences=["police"],
        languages=["fr"],
        interpretation=[],
    )
    EventFactory(
        title_en="Old conference",
        kind="conference",
        starts_at=now - timedelta(days=400),
        ends_at=now - timedelta(days=399),
    )

    def titles(query):
        html = anonymous.get(f"/en/events/?{query}").content.decode()
        return {
            t
            for t in ("Bucharest seminar", "Brussels training", "Old conference")
            if t in html
        }

    assert titles("country=RO") == {"Bucharest seminar"}
    assert titles("kind=seminar") == {"Bucharest seminar"}
    assert titles("audience=police") == {"Brussels training"}
    assert titles("language=ro") == {"Bucharest seminar"}
    assert titles("when=past") == {"Old conference"}
    assert titles("when=all&kind=conference") == {"Old conference"}


def test_bad_filter_values_show_every_upcoming_event(event, anonymous):
    response = anonymous.get("/en/events/?country=ZZ&kind=party&when=<script>")
    assert response.status_code == 200


def test_unknown_event_is_a_translated_404(anonymous):
    response = anonymous.get("/ro/events/forged-event-id/")
    assert response.status_code == 404
    assert '<html lang="ro">' in response.content.decode()


def test_private_event_is_hidden_from_the_public_and_outsiders(
    event, clients, anonymous
):
    event.visibility = EventVisibility.PRIVATE
    event.save()
    assert anonymous.get(f"/en/events/{event.slug}/").status_code == 404
    assert clients["admin_b"].get(f"/en/events/{event.slug}/").status_code == 404
    assert clients["admin_a"].get(f"/en/events/{event.slug}/").status_code == 200
    assert event.title not in anonymous.get("/en/events/").content.decode()


def test_private_event_has_no_ics_file(event, clients, anonymous):
    event.visibility = EventVisibility.PRIVATE
    event.save()
    for client in (anonymous, clients["admin_a"]):
        response = client.get(f"/en/events/{event.slug}/event.ics")
        assert response.status_code == 404
        assert "private" in response.content.decode()


# Registration -------------------------------------------------------------------


def test_professional_registers_and_gets_a_confirmed_place(event, clients, people):
    response = clients["member_b"].post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}, follow=True
    )
    assert "your place is confirmed" in response.content.decode()
    registration = Registration.objects.get(user=people["member_b"])
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.profession == "judge"
    assert len(mail.outbox) == 1
    assert people["member_b"].email not in mail.outbox[0].body


def test_anonymous_cannot_register_as_a_professional(event, anonymous):
    response = anonymous.post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}
    )
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    assert not Registration.objects.exists()


def test_registration_for_a_forged_event_changes_nothing(clients, anonymous):
    response = clients["member_a"].post(
        "/en/events/forged/register/", {"profession": "judge"}
    )
    assert response.status_code == 404
    response = anonymous.post(
        "/en/events/forged/register/guest/",
        {
            "name": "X",
            "email": "x@example.org",
            "profession": "lawyer",
            "organization_name": "Y",
        },
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_registration_after_the_deadline_is_refused(event, clients):
    event.registration_deadline = timezone.now() - timedelta(hours=1)
    event.save()
    response = clients["member_a"].post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}, follow=True
    )
    assert "deadline for this event has passed" in response.content.decode()
    assert not Registration.objects.exists()


def test_full_event_without_waiting_list_refuses(event, clients):
    event.waitlist = False
    event.capacity = 1
    event.save()
    RegistrationFactory(event=event)
    response = clients["member_a"].post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}, follow=True
    )
    assert "This event is full" in response.content.decode()
    assert Registration.objects.count() == 1


def test_full_event_puts_the_professional_on_the_waiting_list(event, clients, people):
    RegistrationFactory.create_batch(2, event=event)
    clients["member_a"].post(
        f"/en/events/{event.slug}/register/", {"profession": "police"}
    )
    own = Registration.objects.get(user=people["member_a"])
    assert own.status == RegistrationStatus.WAITLISTED


def test_same_professional_cannot_register_twice(event, clients):
    url = f"/en/events/{event.slug}/register/"
    clients["member_a"].post(url, {"profession": "police"})
    response = clients["member_a"].post(url, {"profession": "police"}, follow=True)
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def _guest(anonymous, event, email="guest@example.org"):
    return anonymous.post(
        f"/en/events/{event.slug}/register/guest/",
        {
            "name": "Fictitious Guest",
            "email": email,
            "profession": "interpreter",
            "organization_name": "Fictitious Interpreters",
        },
    )


def _link(message):
    return next(w for w in message.body.split() if w.startswith("http"))


def test_guest_registers_and_confirms_by_the_e_mailed_link(event, anonymous):
    response = _guest(anonymous, event)
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert selectors.seats_taken(event) == 0
    link = _link(mail.outbox[0]).replace("http://testserver", "")
    assert "/events/registration/" in link
    assert "Fictitious Guest" not in mail.outbox[0].body
    # Opening the link (a mail scanner does) confirms nothing.
    assert anonymous.get(link).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNCONFIRMED
    response = anonymous.post(link, follow=True)
    assert "your place is confirmed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_guest_is_told_how_long_the_confirmation_link_works(event, anonymous, settings):
    settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS = 5
    _guest(anonymous, event)
    body = " ".join(mail.outbox[0].body.split())
    assert "The link works for 5 days" in body
    assert "after that the registration is deleted" in body


def test_guest_link_confirmed_twice_changes_nothing(event, anonymous):
    _guest(anonymous, event)
    link = _link(mail.outbox[0]).replace("http://testserver", "")
    anonymous.post(link)
    registration = Registration.objects.get()
    confirmed_at = registration.confirmed_at
    response = anonymous.post(link, follow=True)
    assert "already confirmed; nothing was changed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.confirmed_at == confirmed_at
    assert len(mail.outbox) == 2


def test_forged_registration_link_is_a_404(anonymous):
    response = anonymous.post("/en/events/registration/forged-token/confirm/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_guest_form_errors_keep_what_was_typed(event, anonymous):
    response = anonymous.post(
        f"/en/events/{event.slug}/register/guest/",
        {"name": "Fictitious Guest", "email": "not-an-address", "profession": "lawyer"},
    )
    assert response.status_code == 400
    assert 'value="Fictitious Guest"' in response.content.decode()


def test_guest_registration_is_rate_limited(event, anonymous, settings):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "event_registration": (1, 3600),
    }
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    _guest(anonymous, event, "one@example.org")
    response = _guest(anonymous, event, "two@example.org")
    assert response.status_code == 429


def test_cancelling_promotes_the_first_in_line(event, clients, people):
    first = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    clients["member_a"].post(
        f"/en/events/{event.slug}/register/", {"profession": "police"}
    )
    clients["member_b"].post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}
    )
    mail.outbox.clear()
    token = selectors.registration_token(first)
    response = clients["member_b"].post(  # anyone with the link: the participant
        f"/en/events/registration/{token}/", {"action": "cancel"}, follow=True
    )
    assert "Your registration is cancelled." in response.content.decode()
    statuses = dict(
        Registration.objects.filter(user__isnull=False).values_list(
            "user__email", "status"
        )
    )
    assert statuses == {
        "member.a@example.org": "confirmed",
        "member.b@example.org": "waitlisted",
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member.a@example.org"]


def test_professional_finds_their_registration(event, clients, anonymous):
    clients["member_a"].post(
        f"/en/events/{event.slug}/register/", {"profession": "police"}
    )
    response = clients["member_a"].get(
        f"/en/events/{event.slug}/my-registration/", follow=True
    )
    assert "Status: Confirmed." in response.content.decode()
    assert (
        clients["member_b"].get(f"/en/events/{event.slug}/my-registration/").status_code
        == 404
    )
    assert anonymous.get(f"/en/events/{event.slug}/my-registration/").status_code == 302


# Organisers ---------------------------------------------------------------------


def test_only_organisers_see_participants(event, clients, anonymous):
    RegistrationFactory(event=event, name="Fictitious Ana", profession="judge")
    url = f"/en/events/{event.slug}/participants/"
    assert anonymous.get(url).status_code == 302
    for outsider in ("member_a", "observer_a", "admin_b", "coordinator_be"):
        assert clients[outsider].get(url).status_code == 403, outsider
        assert (
            clients[outsider]
            .get(f"/en/events/{event.slug}/participants.csv")
            .status_code
            == 403
        )
    html = clients["admin_a"].get(url).content.decode()
    assert "Fictitious Ana" in html
    assert "Judge: 1" in html
    assert (
        "Fictitious Ana"
        not in anonymous.get(f"/en/events/{event.slug}/").content.decode()
    )


def test_organiser_exports_csv_and_xlsx(event, clients):
    RegistrationFactory(event=event, name="=cmd|' /C calc'!A0", profession="judge")
    response = clients["admin_a"].get(f"/en/events/{event.slug}/participants.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert rows[1][0].startswith("'=")
    response = clients["admin_a"].get(f"/en/events/{event.slug}/participants.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=3).value == "Judge"


def test_organiser_marks_attendance(event, clients):
    present = RegistrationFactory(event=event)
    absent = RegistrationFactory(event=event)
    response = clients["admin_a"].post(
        f"/en/events/{event.slug}/participants/", {"present": [str(present.pk)]}
    )
    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)
    response = clients["member_a"].post(
        f"/en/events/{event.slug}/participants/", {"present": [str(absent.pk)]}
    )
    assert response.status_code == 403
    absent.refresh_from_db()
    assert absent.attended is False


def test_organisation_admin_creates_a_training(clients, org_a):
    data = {
        "organiser": str(org_a.pk),
        "kind": "training",
        "format": "hybrid",
        "title": "Fictitious training on the multidisciplinary approach",
        "summary": "For lawyers and police.",
        "slug": "fictitious-new-training",
        "city": "Brussels",
        "country": "BE",
        "time_zone": "Europe/Brussels",
        "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-01T17:00",
        "registration_deadline": "2030-02-20T23:59",
        "capacity": "25",
        "waitlist": "on",
        "audiences": ["lawyer", "police"],
        "languages": ["fr"],
        "interpretation": ["nl"],
        "visibility": "public",
    }
    response = clients["admin_a"].post("/fr/events/new/", data)
    assert response.status_code == 302
    from relais.events.models import Event

    event = Event.objects.get(slug="fictitious-new-training")
    assert event.title_fr.startswith("Fictitious training")
    assert event.starts_local.hour == 9
    assert event.starts_at.utcoffset() is not None
    assert list(event.organisers.all()) == [org_a]
    assert clients["member_a"].get("/en/events/new/").status_code == 403
    assert (
        clients["admin_b"].post("/en/events/new/", {**data, "slug": "x"}).status_code
        == 200
    )


def test_create_form_keeps_input_on_errors(clients, org_a):
    response = clients["admin_a"].post(
        "/en/events/new/",
        {
            "organiser": str(org_a.pk),
            "title": "Fictitious kept title",
            "starts_at": "2030-03-02T09:00",
            "ends_at": "2030-03-01T09:00",
        },
    )
    assert response.status_code == 200
    assert 'value="Fictitious kept title"' in response.content.decode()


def test_anonymous_cannot_create(anonymous):
    assert anonymous.get("/en/events/new/").status_code == 302


def test_organiser_adds_a_session_in_the_venue_time_zone(event, clients, anonymous):
    url = f"/en/events/{event.slug}/programme/"
    data = {
        "starts_at": "2030-03-01T09:30",
        "title": "Fictitious opening",
        "speakers": "Fictitious Speaker (Fictitious Org A)",
    }
    assert anonymous.post(url, data).status_code == 302
    assert clients["admin_b"].post(url, data).status_code == 403
    assert not event.sessions.exists()
    assert clients["admin_a"].post(url, data).status_code == 302
    session = event.sessions.get()
    assert session.starts_at.astimezone(event.zone).hour == 9
    html = anonymous.get(f"/en/events/{event.slug}/").content.decode()
    assert "Fictitious opening" in html
    assert "Fictitious Speaker" in html
    response = clients["admin_a"].post(url, {"title": "No start"})
    assert response.status_code == 400
    assert 'value="No start"' in response.content.decode()


def test_event_creation_with_a_taken_address_keeps_the_form(event, clients, org_a):
    data = {
        "organiser": str(org_a.pk),
        "kind": "training",
        "format": "online",
        "title": "Fictitious duplicate",
        "slug": event.slug,
        "time_zone": "UTC",
        "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-01T10:00",
        "capacity": "5",
        "visibility": "public",
    }
    response = clients["admin_a"].post("/en/events/new/", data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_list_answers_htmx_with_the_results_only(event, anonymous):
    response = anonymous.get("/en/events/?kind=training", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="results">' in html
    assert "<html" not in html


def test_export_is_for_organisers_only(event, anonymous, clients):
    for suffix in ("csv", "xlsx"):
        url = f"/en/events/{event.slug}/participants.{suffix}"
        assert anonymous.get(url).status_code == 302
        assert clients["admin_b"].get(url).status_code == 403
        assert clients["platform_admin"].get(url).status_code == 403
        assert clients["admin_a"].get(url).status_code == 200


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_participant_and_organiser_pages_render_in_every_language(event, clients, lang):
    registration = RegistrationFactory(event=event)
    token = selectors.registration_token(registration)
    for client, page in [
        (clients["admin_a"], f"/{lang}/events/{event.slug}/participants/"),
        (clients["admin_a"], f"/{lang}/events/new/"),
        (clients["member_b"], f"/{lang}/events/registration/{token}/"),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{lang}">' in response.content.decode()


def _edit_data(event, **changes):
    from relais.events.forms import event_initial

    data = {k: v for k, v in event_initial(event).items() if v not in (None, "")}
    data["good_practices"] = []
    data["handbook_sections"] = []
    data["waitlist"] = "on" if event.waitlist else ""
    data.update(changes)
    return data


def test_more_places_go_to_the_first_in_line(event, clients):
    RegistrationFactory.create_batch(2, event=event)
    waiting = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=timezone.now()
    )
    response = clients["admin_a"].post(
        f"/en/events/{event.slug}/edit/", _edit_data(event, capacity="3")
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert mail.outbox[-1].to == [waiting.email]


def test_fewer_places_than_participants_is_refused(event, clients):
    RegistrationFactory.create_batch(2, event=event)
    response = clients["admin_a"].post(
        f"/en/events/{event.slug}/edit/", _edit_data(event, capacity="1")
    )
    assert response.status_code == 200
    assert "already have a place" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 2


def test_editing_in_another_language_adds_a_translation(event, clients):
    response = clients["admin_a"].post(
        f"/fr/events/{event.slug}/edit/",
        _edit_data(event, title="Formation fictive", summary="Résumé fictif."),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title_fr == "Formation fictive"
    assert event.title_en.startswith("Fictitious training")


def test_only_organisers_edit_events(event, clients, anonymous):
    url = f"/en/events/{event.slug}/edit/"
    assert anonymous.get(url).status_code == 302
    for outsider in ("member_a", "admin_b", "coordinator_be"):
        assert clients[outsider].get(url).status_code == 403
        clients[outsider].post(url, _edit_data(event, capacity="99"))
    event.refresh_from_db()
    assert event.capacity == 2
    assert clients["admin_a"].get(url).status_code == 200


def test_forged_attendance_values_change_nothing(event, clients):
    registration = RegistrationFactory(event=event)
    other = RegistrationFactory(event=EventFactory())
    response = clients["admin_a"].post(
        f"/en/events/{event.slug}/participants/",
        {"present": ["not-a-uuid", str(other.pk)]},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    other.refresh_from_db()
    assert (registration.attended, other.attended) == (False, None)


def test_password_only_session_is_asked_to_finish_signing_in(
    event, password_only_client
):
    response = password_only_client.get(f"/en/events/{event.slug}/")
    assert response.status_code == 200
    assert "Finish signing in" in response.content.decode()
    response = password_only_client.post(
        f"/en/events/{event.slug}/register/", {"profession": "judge"}
    )
    assert response.status_code in (302, 403)
    assert not Registration.objects.exists()


def test_calendar_groups_events_of_one_month_across_time_zones(anonymous):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    for day, zone in ((3, "Europe/Brussels"), (20, "Europe/Bucharest")):
        start = datetime(2030, 5, day, 9, tzinfo=ZoneInfo(zone))
        EventFactory(
            time_zone=zone, starts_at=start, ends_at=start + timedelta(hours=2)
        )
    html = anonymous.get("/en/events/?view=calendar&when=all").content.decode()
    assert html.count("<h2>May 2030</h2>") == 1


def test_venue_time_zone_must_match_its_country(clients, org_a):
    data = {
        "organiser": str(org_a.pk),
        "kind": "seminar",
        "format": "in_person",
        "title": "Fictitious seminar",
        "slug": "fictitious-seminar-zone",
        "city": "Bucharest",
        "country": "RO",
        "time_zone": "Europe/Brussels",
        "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-01T17:00",
        "capacity": "25",
        "visibility": "public",
    }
    response = clients["admin_a"].post("/en/events/new/", data)
    assert response.status_code == 200
    assert "A venue in Romania is in one of these time zones: Europe/Bucharest." in (
        response.content.decode()
    )
    response = clients["admin_a"].post(
        "/en/events/new/", {**data, "time_zone": "Europe/Bucharest"}
    )
    assert response.status_code == 302
