"""What a referral leaves on disk: run against a fresh SQLite file (child
process, so that the file and its write-ahead log are real) or against the
PostgreSQL test database (in the test process).

`python -m relais.referrals.tests.storage_scenario` migrates the database of
DATABASE_URL, writes a referral with a sentinel in every personal field, and
prints as JSON which sentinels it finds in the database file, its WAL and a
`relais backup` of it, while its connection is still open.
"""

import json
import tempfile
from pathlib import Path
from typing import Any

# Stored in clear on purpose (an organisation's name is public): the scan
# must find it, or it proves nothing.
CONTROL = "Fictitious Storage Control Org"


def referral_with_sentinels() -> Any:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from relais.accounts.models import Membership, Role, User
    from relais.directory.tests.factories import OrganizationFactory
    from relais.referrals import services
    from relais.referrals.documents import DocumentCheck

    from .conftest import (
        DOCUMENT_NAME_SENTINEL,
        MESSAGE_SENTINEL,
        NOTE_SENTINEL,
        OVERRIDE_SENTINEL,
        PDF,
        person_record,
        verified,
    )

    with transaction.atomic():
        org_a = OrganizationFactory(country="BE", name=CONTROL)
        org_b = OrganizationFactory(country="RO")
        member_a = User.objects.create_user("storage.a@example.org", "x")
        member_b = User.objects.create_user("storage.b@example.org", "x")
        Membership.objects.create(user=member_a, organization=org_a, role=Role.MEMBER)
        Membership.objects.create(user=member_b, organization=org_b, role=Role.MEMBER)
    verified(member_a)
    verified(member_b)
    person = {**person_record(), "is_minor": True}
    referral = services.referral_create(
        sending_organization=org_a,
        receiving_organization=org_b,
        created_by=member_a,
        purposes=["legal_advice"],
        urgency="emergency",
        phase="identification",
        person=person,
    )
    services.referral_consent_record(
        referral_id=referral.pk,
        actor=member_a,
        version=referral.version,
        kind="override_child",
        given_on=timezone.localdate(),
        language="ro",
        method="",
        purposes=[],
        override_reason=OVERRIDE_SENTINEL,
    )
    services.referral_transition(
        referral_id=referral.pk, action="send", actor=member_a, version=2
    )
    services.referral_transition(
        referral_id=referral.pk,
        action="request_info",
        actor=member_b,
        version=3,
        note=NOTE_SENTINEL,
    )
    services.referral_message_send(
        referral_id=referral.pk,
        actor=member_a,
        body=MESSAGE_SENTINEL,
        document=DocumentCheck(
            name=DOCUMENT_NAME_SENTINEL, content_type="application/pdf", content=PDF
        ),
    )
    services.referral_deadline_set(
        referral_id=referral.pk,
        actor=member_a,
        kind="hearing",
        local_time=datetime.datetime.now() + datetime.timedelta(days=10),
        country="BE",
    )
    return referral


def found_in(data: bytes) -> list[str]:
    from .conftest import ALL_SENTINELS

    return [s for s in [*ALL_SENTINELS, CONTROL] if s.encode() in data]


def main() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    referral = referral_with_sentinels()
    database = Path(settings.DATABASES["default"]["NAME"])
    wal = Path(f"{database}-wal")
    connection.ensure_connection()  # kept open: the WAL is not checkpointed away
    with tempfile.TemporaryDirectory() as folder:
        backup = Path(folder) / "backup.sqlite3"
        call_command("backup", str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
        result = {
            "database": found_in(database.read_bytes()),
            "wal": found_in(wal.read_bytes()) if wal.exists() else None,
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
            "backup": found_in(backup.read_bytes()),
            "case_code_in_database": referral.case_code.encode()
            in database.read_bytes() + (wal.read_bytes() if wal.exists() else b""),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
