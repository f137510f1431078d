"""Factories for events. Everything they make is fictitious."""

from datetime import timedelta

import factory
from django.utils import timezone

from relais.events.models import Event, EventKind, EventProvenance, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"fictitious-event-{n}")
    kind = EventKind.TRAINING
    title_en = factory.Sequence(lambda n: f"Fictitious training {n}")
    summary_en = "A fictitious training used in tests."
    city = "Brussels"
    country = "BE"
    time_zone = "Europe/Brussels"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=6))
    capacity = 20
    audiences = ["lawyer", "police"]
    languages = ["en", "fr"]
    interpretation = ["ro"]
    provenance = EventProvenance.FICTITIOUS


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Fictitious Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    profession = "lawyer"
    organization_name = "Fictitious NGO"
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)
