"""The concurrent-transitions scenario, run in the test process (PostgreSQL)
or in a child process on a fresh SQLite file (SQLite's in-memory test
database locks whole tables between connections, so it cannot show how the
real file database behaves under concurrent writers).

`python -m relais.referrals.tests.concurrency_scenario ATTEMPTS WORKERS`
migrates the database of DATABASE_URL and prints the result as JSON.
"""

import json
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def scenario(attempts: int, workers: int) -> dict[str, Any]:
    from django.core.exceptions import ValidationError
    from django.db import connection, transaction
    from django.utils import timezone

    from relais.accounts.models import Membership, Role, User
    from relais.directory.tests.factories import OrganizationFactory
    from relais.referrals import services
    from relais.referrals.models import Referral, Status, TimelineKind

    from .conftest import verified

    with transaction.atomic():
        org_a = OrganizationFactory(country="BE")
        org_b = OrganizationFactory(country="RO")
        member_a = User.objects.create_user("concurrency.a@example.org", "x")
        member_b = User.objects.create_user("concurrency.b@example.org", "x")
        Membership.objects.create(user=member_a, organization=org_a, role=Role.MEMBER)
        Membership.objects.create(user=member_b, organization=org_b, role=Role.MEMBER)
    verified(member_a)
    verified(member_b)
    referral = services.referral_create(
        sending_organization=org_a,
        receiving_organization=org_b,
        created_by=member_a,
        purposes=["legal_advice"],
        urgency="routine",
        phase="identification",
        person={"situation": "fictitious"},
    )
    services.referral_consent_record(
        referral_id=referral.pk,
        actor=member_a,
        version=referral.version,
        kind="consent",
        given_on=timezone.localdate(),
        language="ro",
        method="oral",
        purposes=["legal_advice"],
    )
    services.referral_transition(
        referral_id=referral.pk, action="send", actor=member_a, version=2
    )
    start = Referral.objects.get(pk=referral.pk)
    start_entries = start.timeline.count()

    def attempt(_n: int) -> str:
        try:
            current = Referral.objects.get(pk=referral.pk)
            if current.status == Status.SENT:
                action, actor = "request_info", member_b
            else:
                action, actor = "provide_info", member_a
            services.referral_transition(
                referral_id=referral.pk,
                action=action,
                actor=actor,
                version=current.version,
                note="fictitious",
            )
        except ValidationError as error:
            return str(error.code or "invalid")
        except Exception as error:
            return f"error: {error}"
        finally:
            connection.close()
        return "done"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = Counter(pool.map(attempt, range(attempts)))
    final = Referral.objects.get(pk=referral.pk)
    versions = list(final.timeline.values_list("version", flat=True))
    return {
        "outcomes": dict(outcomes),
        "start_version": start.version,
        "final_version": final.version,
        "moves": final.timeline.filter(
            kind__in=[TimelineKind.INFO_REQUESTED, TimelineKind.INFO_PROVIDED]
        ).count(),
        "entries_added": final.timeline.count() - start_entries,
        "status": final.status,
        "versions_unique": len(versions) == len(set(versions)),
    }


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(scenario(int(sys.argv[1]), int(sys.argv[2]))))


if __name__ == "__main__":
    main()
