"""Who a request with a personal token reads as: its owner, verified through
the token, which is a django-otp device."""

import pytest
from django.test import RequestFactory
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device

from relais.api.auth import InvalidToken, api_reader, token_user
from relais.api.services import api_token_revoke

pytestmark = pytest.mark.django_db


def with_token(raw: str):
    return RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_user_is_verified_through_the_token_device(member_be, token_of):
    token, raw = token_of(member_be)
    user = api_reader(with_token(raw))
    assert user == member_be
    assert user.is_verified()
    assert isinstance(user.otp_device, Device)
    assert user.otp_device == token
    assert user.otp_device.persistent_id == f"relais_api.apitoken/{token.pk}"


def test_a_revoked_token_verifies_nobody(member_be, token_of):
    token, raw = token_of(member_be)
    api_token_revoke(token=token, revoked_by=member_be)
    assert not token.confirmed
    user = token_user(token)
    assert user.otp_device is None
    assert not user.is_verified()
    with pytest.raises(InvalidToken):
        api_reader(with_token(raw))


def test_a_token_verifies_its_owner_only(member_be, outsider_ro, token_of):
    token, _raw = token_of(member_be)
    assert token.verifies(member_be)
    assert not token.verifies(outsider_ro)


def test_a_token_is_not_a_second_factor_to_sign_in_with(member_be, token_of):
    token_of(member_be)
    assert list(devices_for_user(member_be)) == []
    assert not user_has_device(member_be)
