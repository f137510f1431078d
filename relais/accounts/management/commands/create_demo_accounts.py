"""`relais create-demo-accounts`: one fictitious account per role, for trying Relais.

Prints each account's e-mail address, password and TOTP secret once. Never run
it on a platform that holds real data.
"""

import base64
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais.accounts.models import (
    AuthenticatorApp,
    CountryCoordinator,
    Membership,
    Profession,
    Role,
    User,
)
from relais.accounts.services import two_factor_enable
from relais.directory.models import Organization

DEMO_DOMAIN = "demo.relais.invalid"


class Command(BaseCommand):
    help = "Create fictitious demo accounts for each role and print their secrets once."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not settings.DEBUG:
            raise CommandError("Demo accounts are for the development profile only.")
        org_be = _demo_organisation("BE")
        org_ro = _demo_organisation("RO")
        if org_be is None or org_ro is None:
            raise CommandError(
                "Demo accounts need listings in Belgium and Romania: run "
                "`relais load-reference` or `relais generate-demo` first."
            )
        people = [
            ("platform-admin", None, None, "platform administrator"),
            ("coordinator-be", None, "BE", "country coordinator, Belgium"),
            (
                "org-admin-be",
                (org_be, Role.ORGANISATION_ADMIN),
                None,
                "organisation admin",
            ),
            ("member-be", (org_be, Role.MEMBER), None, "member"),
            ("observer-be", (org_be, Role.OBSERVER), None, "observer (read-only)"),
            ("member-ro", (org_ro, Role.MEMBER), None, "member, another organisation"),
        ]
        self.stdout.write("Fictitious demo accounts (shown once):")
        with transaction.atomic():
            for local, membership, country, label in people:
                email = f"{local}@{DEMO_DOMAIN}"
                User.objects.filter(email=email).delete()
                password = "demo-" + secrets.token_urlsafe(12)
                if local == "platform-admin":
                    user = User.objects.create_superuser(email, password)
                else:
                    # A name that says what the account is, as the listing's
                    # "Who can change this listing" shows names.
                    user = User.objects.create_user(
                        email,
                        password,
                        first_name="Demo",
                        last_name=f"({label}, fictitious)",
                    )
                if membership is not None:
                    Membership.objects.create(
                        user=user,
                        organization=membership[0],
                        role=membership[1],
                        profession=Profession.SOCIAL_WORKER,
                    )
                if country:
                    CountryCoordinator.objects.create(user=user, country=country)
                device = AuthenticatorApp.objects.create(
                    user=user, name="Demo app", confirmed=False
                )
                two_factor_enable(user=user, device=device)
                secret = base64.b32encode(device.bin_key).decode().rstrip("=")
                where = f" at {membership[0].name}" if membership else ""
                self.stdout.write(
                    f"\n  {label}{where}\n    e-mail:   {email}\n"
                    f"    password: {password}\n    TOTP key: {secret}\n"
                    f"    otpauth:  {device.config_url}"
                )
        self.stdout.write(
            "\nAdd the TOTP key to an authenticator app, or compute a code with "
            "`oathtool --totp -b KEY`."
        )


def _demo_organisation(country: str) -> Organization | None:
    return (
        Organization.objects.filter(country=country)
        .order_by("-is_fictitious", "name")
        .first()
    )
