"""Referral personas and a referral carrying a sentinel in every personal field.

The organisation personas come from relais/accounts/tests/conftest.py: org A
in Belgium (admin_a, member_a, observer_a), org B in Romania (admin_b,
member_b, observer_b), the coordinators of both countries, a platform
administrator and a professional of no organisation. Org C is a third
organisation with its own member. All fictitious.
"""

import datetime

import pytest
from django.utils import timezone

from relais.accounts.models import AuthenticatorApp, Role
from relais.accounts.tests.conftest import _person, everyone
from relais.conftest import verified_client_for
from relais.directory.tests.factories import OrganizationFactory
from relais.referrals import services
from relais.referrals.models import ConsentKind, ConsentMethod, Referral

# One value per personal field, each found nowhere else: where one shows up,
# personal data leaked.
SENTINELS = {
    "given_name": "Sentinelgiven Qx7",
    "family_name": "Sentinelfamily Wz3",
    "guardian": "Sentinelguardian Kp2",
    "contact_channel": "Sentinelchannel Vb9",
    "situation": "Sentinelsituation Hy4 exploited in a fictitious place",
    "proceedings_court": "Sentinelcourt Jm6",
    "proceedings_case_number": "SENTINELCASE-5521",
    "proceedings_lawyer": "Sentinellawyer Tr8",
    "safety_concerns": "Sentinelsafety Gd1",
}
MESSAGE_SENTINEL = "Sentinelmessage Lo5"
NOTE_SENTINEL = "Sentinelnote Pe3"
DOCUMENT_NAME_SENTINEL = "sentineldocument-Nu2.pdf"
DOCUMENT_CONTENT_SENTINEL = b"SentinelPDFcontent Ci0"
OVERRIDE_SENTINEL = "Sentineloverride reason: an emergency, fictitious Xa4"
ALL_SENTINELS = [
    *SENTINELS.values(),
    MESSAGE_SENTINEL,
    NOTE_SENTINEL,
    DOCUMENT_NAME_SENTINEL,
    DOCUMENT_CONTENT_SENTINEL.decode(),
    OVERRIDE_SENTINEL,
]

PDF = b"%PDF-1.4\n% fictitious\n" + DOCUMENT_CONTENT_SENTINEL + b"\n%%EOF\n"


def person_record():
    return {
        **SENTINELS,
        "sex": "female",
        "birth_year": 1990,
        "nationality": "RO",
        "languages": ["ro", "en"],
        "interpreter_needed": True,
    }


@pytest.fixture
def org_a(db):
    return OrganizationFactory(
        name="Fictitious Org A", slug="fictitious-org-a", country="BE"
    )


@pytest.fixture
def org_b(db):
    return OrganizationFactory(
        name="Fictitious Org B", slug="fictitious-org-b", country="RO"
    )


def verified(user):
    """The user as a session that passed its second factor sees the rules."""
    from functools import partial

    from django_otp.middleware import is_verified

    user.otp_device = AuthenticatorApp.objects.create(
        user=user, name="Test", confirmed=True
    )
    user.is_verified = partial(is_verified, user)
    return user


@pytest.fixture
def people(org_a, org_b):
    """Every role, in both organisations and countries, signed in with a
    second factor (as relais/accounts/tests/conftest.py, verified)."""
    return {name: verified(user) for name, user in everyone(org_a, org_b).items()}


@pytest.fixture
def clients(people):
    return {name: verified_client_for(user) for name, user in people.items()}


@pytest.fixture
def org_c(db):
    return OrganizationFactory(
        name="Fictitious Org C", slug="fictitious-org-c", country="ES"
    )


@pytest.fixture
def member_c(org_c):
    return verified(_person("member.c@example.org", org_c, Role.MEMBER))


def draft(people, org_a, org_b, **overrides):
    return services.referral_create(
        sending_organization=org_a,
        receiving_organization=org_b,
        created_by=people["member_a"],
        purposes=overrides.get("purposes", ["legal_advice", "compensation"]),
        urgency="routine",
        phase="first_assistance",
        person=overrides.get("person", person_record()),
    )


def consent(referral, people):
    return services.referral_consent_record(
        referral_id=referral.pk,
        actor=people["member_a"],
        version=Referral.objects.get(pk=referral.pk).version,
        kind=ConsentKind.CONSENT,
        given_on=timezone.localdate() - datetime.timedelta(days=1),
        language="ro",
        method=ConsentMethod.SIGNED_FORM,
        purposes=list(referral.purposes),
    )


def move(referral, action, user, **kwargs):
    return services.referral_transition(
        referral_id=referral.pk,
        action=action,
        actor=user,
        version=Referral.objects.get(pk=referral.pk).version,
        **kwargs,
    )


def sent(people, org_a, org_b):
    referral = draft(people, org_a, org_b)
    consent(referral, people)
    return move(referral, "send", people["member_a"])


@pytest.fixture
def referral_sent(people, org_a, org_b):
    return sent(people, org_a, org_b)


@pytest.fixture
def referral_full(people, org_a, org_b):
    """Sent, accepted, with a message, a document, a note and a deadline."""
    from relais.referrals.documents import DocumentCheck

    referral = sent(people, org_a, org_b)
    move(referral, "request_info", people["member_b"], note=NOTE_SENTINEL)
    move(referral, "provide_info", people["member_a"], note=NOTE_SENTINEL)
    move(referral, "accept", people["member_b"])
    services.referral_message_send(
        referral_id=referral.pk,
        actor=people["member_b"],
        body=MESSAGE_SENTINEL,
        document=DocumentCheck(
            name=DOCUMENT_NAME_SENTINEL, content_type="application/pdf", content=PDF
        ),
    )
    services.referral_deadline_set(
        referral_id=referral.pk,
        actor=people["member_a"],
        kind="hearing",
        local_time=datetime.datetime.now() + datetime.timedelta(days=30),
        country="BE",
    )
    return Referral.objects.get(pk=referral.pk)


def client_of(user):
    return verified_client_for(user)
