"""The project's own past events, from public sources, and fictitious demo events.

Past events carry only what their sources state (dates, cities, kind, who
attended); hours are not known, so they are whole-day events. Demo events are
fictitious and say so on every page that shows them.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.directory.models import Organization

from .models import Event, EventFormat, EventKind, EventProvenance, Session

CHECKED_ON = date(2026, 12, 3)
PRO_REFUGIU_CONFERENCES = "http://prorefugiu.org/conference-in-brussels/"
CARITAS_FINAL_CONFERENCE = (
    "https://www.caritasinternational.be/en/asylum-migration-en/"
    "improving-international-cooperation-to-combat-human-trafficking/"
)
SHRL_UPPSALA = "https://humanrightslawyers.eu/workshop-study-visit-uppsala-sweden"
PROJECT = (
    "Project “Strengthening multidisciplinary cooperation to ensure an effective "
    "referral, assistance, rights protection for victims of human trafficking” "
    "(January 2017 – December 2018), coordinated by Association Pro Refugiu "
    "(Romania) with Center for the Study of Democracy (Bulgaria), Caritas "
    "International (Belgium), Asociación Trabe (Spain) and Scandinavian Human "
    "Rights Lawyers (Sweden)."
)
LOCAL_AUDIENCE = ["lawyer", "prosecutor", "judge", "social_worker", "other"]

PAST_EVENTS: list[dict[str, Any]] = [
    {
        "slug": "2018-local-conference-sofia",
        "kind": EventKind.SEMINAR,
        "title_en": "Local conference in Sofia",
        "summary_en": (
            "One of the project's three local conferences, presenting its results "
            "to anti-trafficking professionals and discussing multidisciplinary "
            "cooperation in assisting victims. " + PROJECT
        ),
        "city": "Sofia",
        "country": "BG",
        "time_zone": "Europe/Sofia",
        "days": (date(2018, 10, 16), date(2018, 10, 16)),
        "audiences": LOCAL_AUDIENCE,
        "source_url": PRO_REFUGIU_CONFERENCES,
    },
    {
        "slug": "2018-local-conference-bucharest",
        "kind": EventKind.SEMINAR,
        "title_en": "Local conference in Bucharest",
        "summary_en": (
            "One of the project's three local conferences, presenting its results "
            "to anti-trafficking professionals and discussing multidisciplinary "
            "cooperation in assisting victims. " + PROJECT
        ),
        "city": "Bucharest",
        "country": "RO",
        "time_zone": "Europe/Bucharest",
        "days": (date(2018, 11, 1), date(2018, 11, 1)),
        "audiences": LOCAL_AUDIENCE,
        "source_url": PRO_REFUGIU_CONFERENCES,
    },
    {
        "slug": "2018-local-conference-madrid",
        "kind": EventKind.SEMINAR,
        "title_en": "Local conference in Madrid",
        "summary_en": (
            "One of the project's three local conferences, presenting its results "
            "to anti-trafficking professionals and discussing multidisciplinary "
            "cooperation in assisting victims. " + PROJECT
        ),
        "city": "Madrid",
        "country": "ES",
        "time_zone": "Europe/Madrid",
        "days": (date(2018, 11, 27), date(2018, 11, 27)),
        "audiences": LOCAL_AUDIENCE,
        "source_url": PRO_REFUGIU_CONFERENCES,
    },
    {
        "slug": "2018-final-conference-brussels",
        "kind": EventKind.CONFERENCE,
        "title_en": "Transnational final conference in Brussels",
        "summary_en": (
            "The project's closing conference, with participants from Belgium, "
            "Bulgaria, Romania, Spain and Sweden and from Germany, Ukraine and "
            "Albania: the project's results and the next steps for international "
            "cooperation against trafficking and for victims' access to legal "
            "assistance and support. " + PROJECT
        ),
        "city": "Brussels",
        "country": "BE",
        "time_zone": "Europe/Brussels",
        "days": (date(2018, 11, 29), date(2018, 11, 30)),
        "audiences": LOCAL_AUDIENCE,
        "source_url": CARITAS_FINAL_CONFERENCE,
        "source_note": "also listed on " + PRO_REFUGIU_CONFERENCES,
    },
    {
        "slug": "2017-study-visit-uppsala",
        "kind": EventKind.STUDY_VISIT,
        "title_en": "Workshop and study visit in Uppsala",
        "summary_en": (
            "A workshop and study visit on the Swedish approach: legal aid, "
            "support to victims, working with traumatised persons, drugs and "
            "trafficking, and the hotel sector's anti-trafficking strategy. " + PROJECT
        ),
        "city": "Uppsala",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "days": (date(2017, 3, 9), date(2017, 3, 10)),
        "audiences": ["lawyer", "social_worker", "health_worker", "police", "other"],
        "source_url": SHRL_UPPSALA,
    },
]


def _whole_days(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(zone_name)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last, time(23, 59), tzinfo=zone),
    )


@transaction.atomic
def past_events_load() -> int:
    """Create or update the project's past events. Returns how many."""
    coordinator = Organization.objects.filter(name="Pro Refugiu Association").first()
    for entry in PAST_EVENTS:
        values = dict(entry)
        slug = values.pop("slug")
        first, last = values.pop("days")
        starts_at, ends_at = _whole_days(first, last, values["time_zone"])
        event, _created = Event.objects.update_or_create(
            slug=slug,
            defaults={
                **values,
                "format": EventFormat.IN_PERSON,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "all_day": True,
                "capacity": 1,
                "registration_open": False,
                "languages": [],
                "interpretation": [],
                "provenance": EventProvenance.PAST_PROJECT,
                "source_checked_on": CHECKED_ON,
                "source_note": values.get("source_note", ""),
            },
        )
        event.full_clean()
        if coordinator is not None:
            event.organisers.add(coordinator)
    return len(PAST_EVENTS)


def _demo_organisation(country: str) -> Organization | None:
    return (
        Organization.objects.filter(country=country)
        .order_by("-is_fictitious", "name")
        .first()
    )


@transaction.atomic
def demo_events_load() -> int:
    """Fictitious upcoming events for the demo, organised by the demo listings."""
    # Upcoming days at 09:00 in Brussels, whatever the hour of the load.
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).date()
    now = datetime.combine(today, time(9), tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))
    organiser_be = _demo_organisation("BE")
    organiser_ro = _demo_organisation("RO")
    demos = [
        (
            "demo-training-brussels",
            organiser_be,
            {
                "kind": EventKind.TRAINING,
                "format": EventFormat.HYBRID,
                "title_en": "Fictitious demo event: the multidisciplinary approach",
                "title_fr": "Événement de démonstration fictif : l'approche "
                "multidisciplinaire",
                "summary_en": "A fictitious training for the demo: lawyers, police, "
                "social workers and labour inspectors work through a fictitious case "
                "together.",
                "city": "Brussels",
                "country": "BE",
                "time_zone": "Europe/Brussels",
                "starts_at": now + timedelta(days=21),
                "ends_at": now + timedelta(days=21, hours=7),
                "registration_deadline": now + timedelta(days=14),
                "capacity": 12,
                "audiences": ["lawyer", "police", "social_worker", "labour_inspector"],
                "languages": ["fr", "nl"],
                "interpretation": ["en"],
            },
        ),
        (
            "demo-seminar-online",
            organiser_ro,
            {
                "kind": EventKind.SEMINAR,
                "format": EventFormat.ONLINE,
                "title_en": "Fictitious demo event: online seminar on return",
                "summary_en": "A fictitious online seminar for the demo.",
                "city": "",
                "country": "RO",
                "time_zone": "Europe/Bucharest",
                "online_url": "https://example.org/fictitious-meeting",
                "starts_at": now + timedelta(days=40),
                "ends_at": now + timedelta(days=40, hours=2),
                "capacity": 50,
                "audiences": ["judge", "prosecutor", "interpreter"],
                "languages": ["ro", "en"],
                "interpretation": ["bg"],
            },
        ),
    ]
    for slug, organiser, values in demos:
        event, _created = Event.objects.update_or_create(
            slug=slug,
            defaults={**values, "provenance": EventProvenance.FICTITIOUS},
        )
        event.full_clean()
        if organiser is not None:
            event.organisers.add(organiser)
        if not event.sessions.exists():
            Session.objects.create(
                event=event,
                starts_at=event.starts_at,
                ends_at=event.starts_at + timedelta(hours=1),
                title_en="Fictitious opening session",
                speakers="Fictitious Speaker (fictitious organisation)",
            )
    return len(demos)
