"""Deny by default: only the pages on this allow-list are open to anonymous visitors.

The walker visits every URL pattern, administration included, as an anonymous
visitor and as a password-only session (second factor not passed): neither
reaches anything off the allow-list.
"""

import re
import uuid

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
)
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    "health",
    "health_ready",
    "directory:list",
    "directory:listing",
    "directory:vcard",
    "directory:contact_vcard",
    "directory:country",
    "directory:places",
    "api:index",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "api:search",
    "api:listing",
    "api:listing_by_id",
    "api:taxonomies",
    "api:taxonomy",
    "api:countries",
    "api:country",
    "api:places",
    "hsds:root",
    "hsds:api-root",
    "hsds:openapi-json",
    "hsds:openapi-view",
    "hsds:services",
    "hsds:service",
    "hsds:organizations",
    "hsds:organization",
    "hsds:service_at_locations",
    "hsds:service_at_location",
    "hsds:taxonomies",
    "hsds:taxonomy",
    "hsds:taxonomy_terms",
    "hsds:taxonomy_term",
    "opendata:export",
    "directory:country_pdf",
    "knowledge:home",
    "knowledge:profile",
    "knowledge:compare",
    "knowledge:legislation",
    "knowledge:provision",
    "knowledge:practices",
    "knowledge:practice",
    "knowledge:handbook",
    "knowledge:handbook_print",
    "knowledge:handbook_pdf",
    "knowledge:section",
    "knowledge:section_history",
    "knowledge:navigator",
    # The printable sheet as a PDF: like the page, built from the answers in
    # the address, storing nothing (relais/knowledge/tests/test_i18n.py).
    "knowledge:navigator_pdf",
    "knowledge:search",
    # A calendar application cannot sign in: the secret token in the address
    # is the key, and the feed holds no personal data (referrals/calendar.py).
    "referrals:calendar_feed",
    # The referrals API answers an anonymous reader an empty list and 404s
    # (relais/referrals/tests/test_api.py); its documentation is public.
    "referrals_api:api-root",
    "referrals_api:openapi-json",
    "referrals_api:openapi-view",
    "referrals_api:referrals",
    "referrals_api:referral",
    "events:list",
    "events:detail",
    "events:ics",
    "events:feeds",
    "events:feed_country",
    "events:feed_audience",
    "events:register_guest",
    "events:registration",
    "events:confirm",
    "events:certificate",
    "events:material_pdf",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:invitation_accept",
    "accounts:access_request_new",
    "accounts:access_request_sent",
    "admin:login",
    "admin_login_redirect",
}
# Reached with a password alone: the steps that lead to the second factor.
SECOND_FACTOR_STEPS = {
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:logout",
    # Signing in with a passkey instead of a code, and its scripts' messages.
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}


def named_patterns(resolver=None, namespace="", prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def sample_kwargs(pattern):
    kwargs = {}
    converters = getattr(pattern.pattern, "converters", {})
    for name, converter in converters.items():
        if isinstance(converter, UUIDConverter):
            kwargs[name] = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            kwargs[name] = 1
        elif isinstance(converter, SlugConverter):
            kwargs[name] = "fictitious-slug"
        else:
            kwargs[name] = "1"
    if not converters:
        regex = getattr(pattern.pattern, "regex", None)
        if regex is not None:
            for name in regex.groupindex:
                kwargs[name] = "accounts" if name == "app_label" else "1"
    return kwargs


def walked_urls():
    for name, pattern in named_patterns():
        try:
            url = reverse(name, kwargs=sample_kwargs(pattern))
        except NoReverseMatch:
            continue
        yield name, pattern, url


def test_the_allow_list_matches_the_views_marked_public():
    for name, pattern in named_patterns():
        if name.startswith("admin:") and name != "admin:login":
            continue
        open_to_all = not getattr(pattern.callback, "login_required", True)
        assert open_to_all == (name in PUBLIC), name


def test_the_walker_reaches_every_named_pattern():
    names = {name for name, _pattern in named_patterns()}
    walked = {name for name, _pattern, _url in walked_urls()}
    assert names - walked <= {"admin:view_on_site"}, names - walked


def _refused(response, login_marker):
    if response.status_code in (301, 302):
        location = response["Location"]
        # The administration sends visitors to its login, which is the Relais sign-in.
        return login_marker in location or "/admin/login/" in location
    return response.status_code in (403, 404, 405)


def test_anonymous_visitors_reach_nothing_off_the_allow_list(anonymous):
    leaks = []
    for name, _pattern, url in walked_urls():
        if name in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            if not _refused(response, "/sign-in/"):
                leaks.append((name, method, response.status_code))
    assert leaks == []


def test_password_only_sessions_reach_nothing_beyond_the_second_factor(
    password_only_client,
):
    leaks = []
    for name, _pattern, url in walked_urls():
        if name in PUBLIC or name in SECOND_FACTOR_STEPS:
            continue
        response = password_only_client.get(url)
        if not _refused(response, "/sign-in/code/"):
            leaks.append((name, response.status_code))
        assert response.wsgi_request.user.is_authenticated, name
    assert leaks == []


def test_password_only_sessions_see_no_professional_details(password_only_client):
    from relais.core.viewers import is_professional

    response = password_only_client.get(reverse("home"))
    assert not is_professional(response.wsgi_request.user)


def test_admin_pages_need_the_second_factor(password_only_client, member_be):
    member_be.is_staff = member_be.is_superuser = True
    member_be.save()
    response = password_only_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert re.search(r"/sign-in/code/", response["Location"])
