"""Every 429 says when to come back (Retry-After)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
