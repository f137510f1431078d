import pytest
from django.core.management import call_command

from relais.directory.tests.factories import OrganizationFactory
from relais.referrals.models import Referral, Status

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_every_stage_and_say_they_are_fictitious():
    OrganizationFactory(country="BE", is_fictitious=True)
    OrganizationFactory(country="RO", is_fictitious=True)
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("create_demo_referrals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.CLOSED}
    for referral in Referral.objects.all():
        assert referral.person["situation"].startswith("FICTITIOUS DEMO REFERRAL")
