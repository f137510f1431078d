import pytest
from django.core.management import call_command

from relais.accounts.models import (
    AuthenticatorApp,
    CountryCoordinator,
    Membership,
    Role,
    User,
)
from relais.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_accounts_cover_every_role_with_an_authenticator(capsys):
    OrganizationFactory(country="BE")
    OrganizationFactory(country="RO")
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    users = User.objects.filter(email__endswith="@demo.relais.invalid")
    assert users.count() == 6
    assert users.filter(is_superuser=True).count() == 1
    assert CountryCoordinator.objects.filter(user__in=users, country="BE").exists()
    assert {m.role for m in Membership.objects.filter(user__in=users)} == set(Role)
    for user in users:
        assert AuthenticatorApp.objects.filter(user=user, confirmed=True).count() == 1
        assert user.email in out
    assert out.count("otpauth://totp/") == 6


def test_demo_accounts_can_be_made_again(capsys):
    OrganizationFactory(country="BE")
    OrganizationFactory(country="RO")
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    assert User.objects.filter(email__endswith="@demo.relais.invalid").count() == 6


def test_demo_accounts_are_named_as_fictitious_with_their_role(capsys):
    OrganizationFactory(country="BE")
    OrganizationFactory(country="RO")
    call_command("create_demo_accounts")
    admin = User.objects.get(email="org-admin-be@demo.relais.invalid")
    # "Who can change this listing" shows this name to the organisation's members.
    assert admin.get_full_name() == "Demo (organisation admin, fictitious)"
