"""`relais rotate-keys` re-encrypts the referrals' columns under the new key."""

import base64
import os

import pytest
from django.core.management import call_command

from relais.referrals.models import Consent, Document, Message, Referral, TimelineEntry

from .conftest import DOCUMENT_CONTENT_SENTINEL, MESSAGE_SENTINEL, SENTINELS

pytestmark = pytest.mark.django_db

COLUMNS = [
    (Referral, "person_encrypted"),
    (Referral, "case_code_encrypted"),
    (Consent, "override_reason_encrypted"),
    (Message, "body_encrypted"),
    (Document, "name_encrypted"),
    (Document, "content_encrypted"),
    (TimelineEntry, "note_encrypted"),
]


def test_rotation_moves_every_referral_value_to_the_new_key(settings, referral_full):
    old = list(settings.RELAIS_ENCRYPTION_KEYS)
    new_key = "rot2:" + base64.b64encode(os.urandom(32)).decode()
    case_code = referral_full.case_code
    settings.RELAIS_ENCRYPTION_KEYS = [new_key, *old]
    call_command("rotate_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The old key can go: everything reads with the new one alone.
    settings.RELAIS_ENCRYPTION_KEYS = [new_key]
    for model, field in COLUMNS:
        values = [v for v in model.objects.values_list(field, flat=True) if v]
        assert all(value.startswith("rot2:") for value in values), (model, field)
    referral = Referral.objects.get(pk=referral_full.pk)
    assert referral.person["family_name"] == SENTINELS["family_name"]
    assert referral.case_code == case_code
    assert referral.messages.get().body == MESSAGE_SENTINEL
    assert DOCUMENT_CONTENT_SENTINEL in referral.documents.get().content
