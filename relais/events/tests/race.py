"""The race of test_concurrency.py: `racers` professionals register at once
for the last place of a fictitious event. Run in the test process
(PostgreSQL) or, for SQLite, in a child process on a database file, as in
production (the test run's in-memory SQLite shares one cache between threads
and answers "table is locked" where a file database waits its busy timeout).
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone


def race(racers: int) -> dict[str, Any]:
    from relais.accounts.models import User
    from relais.events import services
    from relais.events.models import Event, Registration, RegistrationStatus

    start = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        slug="fictitious-race",
        kind="training",
        title_en="Fictitious race",
        city="Brussels",
        country="BE",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=3,
        provenance="fictitious",
    )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            name="Fictitious",
            email=f"seated{n}@example.org",
            profession="lawyer",
            status=RegistrationStatus.CONFIRMED,
        )
        for n in range(2)
    )
    users = User.objects.bulk_create(
        User(email=f"racer{n}@example.org", password="!") for n in range(racers)
    )

    def register(user: Any) -> str:
        try:
            return str(
                services.registration_create(
                    event=event,
                    user=user,
                    name=user.email,
                    email=user.email,
                    profession="lawyer",
                ).status
            )
        # Every failure is reported by the test, none raised in a worker thread.
        except Exception as error:
            return repr(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(register, users))
    return {
        "outcomes": outcomes,
        "confirmed": Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED
        ).count(),
        "capacity": event.capacity,
    }


def main() -> None:
    """Entry point of the child process: migrate the new file, race, print JSON."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    result = race(int(sys.argv[1]))
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
