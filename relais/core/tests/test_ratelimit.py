"""Every 429 says when to come back (Retry-After)."""

import os
import random
import socket
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# A fixed window far longer than a test: none ends between two of its requests
# (with 60 s, a slow first search once crossed a boundary and got a new budget).
WHOLE_TEST = 10**9


def test_the_sign_in_rate_limit_answers_with_retry_after(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "login": (1, 300)}
    data = {"email": "nobody@example.org", "password": "y" * 12}
    anonymous.post(reverse("accounts:login"), data)
    response = anonymous.post(reverse("accounts:login"), data)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 300


def test_the_api_rate_limit_answers_with_retry_after(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "api": (1, 60)}
    anonymous.get("/api/v1/search")
    response = anonymous.get("/api/v1/search")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/fr/directory/?q=abri", "search"),
        ("/fr/knowledge/search/?q=victime", "search"),
        ("/fr/directory/download/csv", "download"),
        ("/fr/directory/download/datapackage", "download"),
        ("/fr/countries/BE/directory.pdf", "pdf"),
        ("/fr/knowledge/handbook/relais-handbook.pdf", "pdf"),
    ],
)
def test_public_searches_and_downloads_are_rate_limited(
    path, scope, settings, anonymous
):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, scope: (0, 600)}
    response = anonymous.get(path)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    assert response["Content-Language"] == "fr"
    assert "Trop de requêtes" in response.content.decode()


def test_the_search_budget_is_spent_by_searches_only(settings, anonymous):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "search": (2, WHOLE_TEST),
    }
    codes = [anonymous.get("/en/directory/?q=shelter").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert anonymous.get("/en/knowledge/").status_code == 200


def test_the_professional_export_is_rate_limited(settings, member_be_client):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "download": (0, 600)}
    response = member_be_client.get("/en/directory/download/csv/professional")
    assert response.status_code == 429
    assert response["Retry-After"]


REDIS_URL = "redis://127.0.0.1:6379/7"

# A window far longer than the test, so that no window ends between two requests.
SPEND_REQUESTS = """
import django, sys
django.setup()
from django.conf import settings
from django.test import RequestFactory
from relais.core.ratelimit import rate_limit_retry_after
settings.RELAIS_RATE_LIMITS["shared_test"] = (2, 10**9)
request = RequestFactory().get("/en/directory/", REMOTE_ADDR=sys.argv[1])
for _ in range(int(sys.argv[2])):
    print(rate_limit_retry_after(request, "shared_test"))
"""


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_processes_share_one_budget_through_redis():
    """Two production processes with CACHE_URL=redis:// spend one budget."""
    from relais.core.tests.test_settings import (
        REAL_AUDIT_KEY,
        REAL_ENCRYPTION_KEYS,
        REAL_KEY,
    )

    address = f"198.51.100.{random.randint(1, 254)}"
    env = {
        **os.environ,
        "RELAIS_PROFILE": "production",
        "SECRET_KEY": REAL_KEY,
        "AUDIT_HMAC_KEY": REAL_AUDIT_KEY,
        "RELAIS_ENCRYPTION_KEYS": REAL_ENCRYPTION_KEYS,
        "ALLOWED_HOSTS": "relais.example.org",
        "CACHE_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "relais.settings",
    }

    def spend(count: int) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", SPEND_REQUESTS, address, str(count)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.split()

    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        first_process = spend(2)
        second_process = spend(1)
    finally:
        for key in client.scan_iter(f"*relais-rl:shared_test:{address}:*"):
            client.delete(key)
    assert first_process == ["None", "None"]
    assert len(second_process) == 1
    assert int(second_process[0]) >= 1
