"""The rules (django-rules) by role; a password alone passes none of them."""

from functools import partial

import pytest
import rules
from django_otp.middleware import is_verified

from relais.accounts.models import AccessRequest, AuthenticatorApp

EVERYONE = [
    "admin_a",
    "member_a",
    "observer_a",
    "admin_b",
    "member_b",
    "observer_b",
    "coordinator_be",
    "coordinator_ro",
    "platform_admin",
    "no_organisation",
]


def verified(user):
    """The user as a session that passed the second factor sees it."""
    user.otp_device = AuthenticatorApp.objects.create(
        user=user, name="Test", confirmed=True
    )
    user.is_verified = partial(is_verified, user)
    return user


@pytest.mark.parametrize(
    ("rule", "target", "allowed"),
    [
        (
            "accounts.manage_organisation",
            "org_a",
            {"admin_a", "coordinator_be", "platform_admin"},
        ),
        (
            "accounts.view_organisation_members",
            "org_a",
            {"admin_a", "member_a", "observer_a", "coordinator_be", "platform_admin"},
        ),
        (
            "accounts.coordinate",
            None,
            {"coordinator_be", "coordinator_ro", "platform_admin"},
        ),
        (
            "accounts.decide_access_request",
            "request_be",
            {"coordinator_be", "platform_admin"},
        ),
        # Platform administrators review listings; only owners edit them.
        ("verification.edit_listing", "org_a", {"admin_a"}),
        ("verification.review_listing", "org_a", {"coordinator_be", "platform_admin"}),
        ("knowledge.edit", None, {"platform_admin"}),
    ],
)
def test_each_rule_lets_in_exactly_its_roles(people, org_a, rule, target, allowed):
    request_be = AccessRequest.objects.create(
        email="fictitious.applicant@example.org",
        name="Fictitious Applicant",
        country="BE",
        organization=org_a,
        organization_name=org_a.name,
    )
    obj = {"org_a": org_a, "request_be": request_be, None: None}[target]
    passed = {
        name for name in EVERYONE if rules.has_perm(rule, verified(people[name]), obj)
    }
    assert passed == allowed


@pytest.mark.parametrize(
    "rule",
    ["accounts.manage_organisation", "verification.review_listing", "knowledge.edit"],
)
def test_a_platform_admin_with_a_password_alone_passes_no_rule(people, org_a, rule):
    assert not rules.has_perm(rule, people["platform_admin"], org_a)
