"""The scheduled jobs: reminders a week and a day before, the retention purges."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relais.audit.models import AuditEntry
from relais.core.models import ScheduledJobRun
from relais.events import services
from relais.events.models import Feedback, Registration, RegistrationStatus

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_reminders_go_a_week_and_a_day_before_once_each():
    now = timezone.now()
    in_six_days = EventFactory(
        starts_at=now + timedelta(days=6), ends_at=now + timedelta(days=6, hours=3)
    )
    far = EventFactory(
        starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=3)
    )
    RegistrationFactory(event=in_six_days, email="a@example.org", language="ro")
    RegistrationFactory(
        event=in_six_days, email="b@example.org", status=RegistrationStatus.WAITLISTED
    )
    RegistrationFactory(event=far, email="c@example.org")

    call_command("event_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "a@example.org" not in mail.outbox[0].body
    assert "/ro/events/registration/" in mail.outbox[0].body
    call_command("event_reminders", stdout=StringIO())
    assert len(mail.outbox) == 1  # the week's reminder is not sent twice

    type(in_six_days).objects.filter(pk=in_six_days.pk).update(
        starts_at=now + timedelta(hours=20)
    )
    call_command("event_reminders", stdout=StringIO())
    # In the participant's language (Romanian here).
    assert [m.subject for m in mail.outbox][1:] == [
        "Memento: evenimentul dumneavoastră pe Relais are loc mâine"
    ]
    assert ScheduledJobRun.objects.filter(name="event-reminders").exists()


def test_purge_clears_personal_data_after_the_retention_period(settings):
    settings.RELAIS_EVENTS_RETENTION_MONTHS = 6
    now = timezone.now()
    old = EventFactory(
        starts_at=now - timedelta(days=200), ends_at=now - timedelta(days=199)
    )
    recent = EventFactory(
        starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=29)
    )
    gone = RegistrationFactory(
        event=old, name="Fictitious Old", profession="judge", attended=True
    )
    Feedback.objects.create(event=old, registration=gone, usefulness=4)
    kept = RegistrationFactory(event=recent, name="Fictitious Recent")

    out = StringIO()
    call_command("purge_event_participants", stdout=out)
    assert "1 registration(s)" in out.getvalue()
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.organization_name) == ("", "", "")
    assert (gone.profession, gone.attended, gone.anonymised) == ("judge", True, True)
    assert Feedback.objects.get().registration is None
    kept.refresh_from_db()
    assert kept.name == "Fictitious Recent"
    old.refresh_from_db()
    assert old.personal_data_deleted_at is not None
    assert Registration.objects.filter(name="Fictitious Old").count() == 0
    assert ScheduledJobRun.objects.filter(name="purge-event-participants").exists()


def test_relais_purge_clears_event_participants_too(settings):
    settings.RELAIS_EVENTS_RETENTION_MONTHS = 6
    now = timezone.now()
    old = EventFactory(
        starts_at=now - timedelta(days=200), ends_at=now - timedelta(days=199)
    )
    gone = RegistrationFactory(event=old, name="Fictitious Old", profession="judge")

    out = StringIO()
    call_command("purge", stdout=out)
    assert "event participants: 1 purged." in out.getvalue()
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.anonymised) == ("", "", True)
    assert gone.profession == "judge"
    # The events' own command, kept for existing timers, finds nothing left.
    out = StringIO()
    call_command("purge_event_participants", stdout=out)
    assert "Cleared the personal data of 0 registration(s)" in out.getvalue()


def test_cleared_participants_disappear_from_the_organisers_list(event, clients):
    now = timezone.now()
    event.starts_at = now - timedelta(days=400)
    event.ends_at = now - timedelta(days=399)
    event.save()
    RegistrationFactory(event=event, name="Fictitious Gone", profession="police")
    call_command("purge_event_participants", stdout=StringIO())
    html = (
        clients["admin_a"]
        .get(f"/en/events/{event.slug}/participants/")
        .content.decode()
    )
    assert "Fictitious Gone" not in html
    assert "personal data was deleted" in html
    assert "Police: 1" in html


def _unconfirmed(event, *, days_ago, **values):
    registration = RegistrationFactory(
        event=event,
        status=RegistrationStatus.UNCONFIRMED,
        confirmed_at=None,
        **values,
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return registration


def test_relais_purge_deletes_guest_registrations_left_unconfirmed(settings):
    settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS = 7
    event = EventFactory()  # in a month, registration open
    stale = _unconfirmed(event, days_ago=8, name="Fictitious Stale")
    fresh = _unconfirmed(event, days_ago=6)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, confirmed_at=None
    )
    Registration.objects.filter(pk__in=[confirmed.pk, waiting.pk]).update(
        created_at=timezone.now() - timedelta(days=30)
    )

    out = StringIO()
    call_command("purge", stdout=out)
    assert "unconfirmed event registrations: 1 purged." in out.getvalue()
    assert not Registration.objects.filter(pk=stale.pk).exists()
    assert set(Registration.objects.values_list("pk", flat=True)) == {
        fresh.pk,
        confirmed.pk,
        waiting.pk,
    }
    entry = AuditEntry.objects.get(action="event_unconfirmed_deleted")
    assert (entry.target, entry.details) == (str(event.pk), {"registrations": 1})
    assert services.unconfirmed_registrations_purge() == 0


def test_unconfirmed_registration_goes_once_it_can_no_longer_be_confirmed(settings):
    settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS = 7
    now = timezone.now()
    started = EventFactory(starts_at=now - timedelta(hours=2))
    closed = EventFactory(
        starts_at=now + timedelta(days=10),
        registration_deadline=now - timedelta(hours=1),
    )
    still_open = EventFactory(
        starts_at=now + timedelta(days=10),
        registration_deadline=now + timedelta(days=1),
    )
    _unconfirmed(started, days_ago=1)
    _unconfirmed(closed, days_ago=0)
    kept = _unconfirmed(still_open, days_ago=0)

    assert services.unconfirmed_registrations_purge() == 2
    assert list(Registration.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_guest_whose_registration_was_never_confirmed_can_register_again(
    event, anonymous, settings
):
    settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS = 7
    guest = {
        "name": "Fictitious Guest",
        "email": "guest@example.org",
        "profession": "interpreter",
        "organization_name": "Fictitious Interpreters",
    }
    url = f"/en/events/{event.slug}/register/guest/"
    anonymous.post(url, guest)
    first_link = next(w for w in mail.outbox[0].body.split() if w.startswith("http"))
    Registration.objects.update(created_at=timezone.now() - timedelta(days=8))
    response = anonymous.post(url, guest)
    assert "already registered" in response.content.decode()

    call_command("purge", stdout=StringIO())
    response = anonymous.post(url, guest)
    assert response.status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.UNCONFIRMED
    # The first e-mail's link no longer leads anywhere.
    response = anonymous.get(first_link.replace("http://testserver", ""))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
