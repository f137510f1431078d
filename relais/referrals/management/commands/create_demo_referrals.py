"""`relais create-demo-referrals`: a few fictitious referrals between the demo
organisations (after `relais create-demo-accounts`), at every stage."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relais.accounts.models import AuthenticatorApp, Membership, Role, User
from relais.referrals import services
from relais.referrals.documents import DocumentCheck
from relais.referrals.models import Referral

DEMO_DOMAIN = "demo.relais.invalid"
LABEL = "FICTITIOUS DEMO REFERRAL: no real person."
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _acting(user: User) -> User:
    """The demo account as a session that passed its second factor."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    user.otp_device = device  # type: ignore[attr-defined]
    user.is_verified = lambda: device is not None  # type: ignore[attr-defined]
    return user


class Command(BaseCommand):
    help = "Create fictitious demo referrals between the demo organisations."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not settings.DEBUG:
            raise CommandError("Demo referrals are for the development profile only.")
        try:
            sender = _acting(User.objects.get(email=f"member-be@{DEMO_DOMAIN}"))
            receiver = _acting(User.objects.get(email=f"member-ro@{DEMO_DOMAIN}"))
        except User.DoesNotExist:
            raise CommandError("Run `relais create-demo-accounts` first.") from None
        org_be = Membership.objects.get(user=sender, role=Role.MEMBER).organization
        org_ro = Membership.objects.get(user=receiver).organization
        stages = ["draft", "sent", "accepted", "closed"]
        for stage in stages:
            referral = services.referral_create(
                sending_organization=org_be,
                receiving_organization=org_ro,
                created_by=sender,
                purposes=["legal_advice", "compensation", "return"],
                urgency="routine",
                phase="return",
                person={
                    "given_name": "Demo",
                    "family_name": f"Person ({stage})",
                    "sex": "female",
                    "age_band": "25-34",
                    "nationality": "RO",
                    "languages": ["ro"],
                    "interpreter_needed": True,
                    "situation": f"{LABEL} Exploited in agriculture in Belgium; "
                    "wishes to return to Romania and to claim back pay.",
                },
            )
            if stage == "draft":
                continue
            services.referral_consent_record(
                referral_id=referral.pk,
                actor=sender,
                version=1,
                kind="consent",
                given_on=timezone.localdate(),
                language="ro",
                method="signed_form",
                purposes=["legal_advice", "compensation", "return"],
            )
            services.referral_transition(
                referral_id=referral.pk, action="send", actor=sender, version=2
            )
            if stage == "sent":
                continue
            services.referral_transition(
                referral_id=referral.pk, action="accept", actor=receiver, version=3
            )
            services.referral_message_send(
                referral_id=referral.pk,
                actor=receiver,
                body=f"{LABEL} We will meet her at the airport; a lawyer is assigned.",
                document=DocumentCheck(
                    name="fictitious-demo-letter.pdf",
                    content_type="application/pdf",
                    content=DEMO_PDF,
                ),
            )
            services.referral_deadline_set(
                referral_id=referral.pk,
                actor=sender,
                kind="hearing",
                local_time=datetime.datetime.combine(
                    timezone.localdate() + datetime.timedelta(days=21),
                    datetime.time(9, 30),
                ),
                country="BE",
            )
            if stage == "closed":
                version = Referral.objects.get(pk=referral.pk).version
                services.referral_transition(
                    referral_id=referral.pk,
                    action="close",
                    actor=receiver,
                    version=version,
                    outcome="returned_safely",
                    note=LABEL,
                )
        self.stdout.write(
            f"{len(stages)} fictitious demo referrals from {org_be.name} to "
            f"{org_ro.name} (sign in as member-be or member-ro)."
        )
