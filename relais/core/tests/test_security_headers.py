"""Security headers and cookies on every page; CSRF on every unsafe method; 429s."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.tests.test_public_pages import PUBLIC, walked_urls

# A fixed window far longer than a test: none ends between two of its requests
# (with 60 s, a slow first search once crossed a boundary and got a new budget).
WHOLE_TEST = 10**9

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/directory/",
    "/en/sign-in/",
    "/en/password-reset/",
    "/en/account/",
]


def _assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    if response.status_code == 200 and "html" in response["Content-Type"]:
        assert "script-src 'self' 'nonce-" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(path, anonymous, member_be_client):
    for client in (anonymous, member_be_client):
        _assert_security_headers(client.get(path, follow=True))


def test_every_reachable_page_sends_the_security_headers(member_be_client):
    for name, _pattern, url in walked_urls():
        if name in PUBLIC or not name.startswith("accounts:"):
            continue
        response = member_be_client.get(url)
        _assert_security_headers(response)


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_never_cached(path, member_be_client):
    response = member_be_client.get(path)
    assert "no-store" in response["Cache-Control"]


def test_no_page_has_inline_script(member_be_client):
    for path in PAGES:
        body = member_be_client.get(path).content.decode()
        for chunk in body.split("<script")[1:]:
            assert "src=" in chunk.split(">", 1)[0], path


def test_session_and_csrf_cookies_are_http_only(anonymous):
    anonymous.get("/en/sign-in/")
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert anonymous.cookies[settings.CSRF_COOKIE_NAME]["httponly"]


def test_every_unsafe_method_needs_the_csrf_token(member_be):
    from relais.conftest import verified_client_for

    client = verified_client_for(member_be)
    client.handler.enforce_csrf_checks = True
    refused = []
    for name, _pattern, url in walked_urls():
        if name.startswith("admin:") and name != "admin:index":
            continue
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            if response.status_code != 403:
                refused.append((name, method, response.status_code))
    assert refused == []


def test_the_login_form_is_rate_limited(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "login": (3, WHOLE_TEST),
    }
    codes = [
        anonymous.post(
            "/en/sign-in/", {"email": f"x{i}@example.org", "password": "y" * 12}
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_password_reset_is_rate_limited(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "password_reset": (2, 300),
    }
    codes = [
        anonymous.post(
            reverse("accounts:password_reset"), {"email": "a@example.org"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_the_api_is_rate_limited(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "api": (2, WHOLE_TEST),
    }
    codes = [anonymous.get("/api/v1/search").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Client().get("/api/v1/search")["Content-Type"] == "application/problem+json"
