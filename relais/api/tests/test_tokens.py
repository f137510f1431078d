import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.api.models import ApiToken, token_digest
from relais.audit.models import AuditEntry
from relais.core.sessions import REAUTHENTICATED_AT

from .conftest import SECRET_EMAIL, bearer

pytestmark = pytest.mark.django_db


def reauthenticated(client, seconds_ago=0):
    session = client.session
    session[REAUTHENTICATED_AT] = int(time.time()) - seconds_ago
    session.save()
    return client


def create(client, name="Case management system", expires="90"):
    return client.post(reverse("api_tokens:create"), {"name": name, "expires": expires})


def secret_of(response) -> str:
    return response.context["raw"]


def test_anonymous_and_password_only_sessions_cannot_reach_tokens(
    anonymous, password_only_client
):
    for url in (reverse("api_tokens:list"), reverse("api_tokens:create")):
        assert "/sign-in/" in anonymous.get(url)["Location"]
        assert "/sign-in/code/" in password_only_client.get(url)["Location"]


def test_making_a_token_needs_a_recent_reauthentication(member_be_client):
    response = create(reauthenticated(member_be_client, seconds_ago=3600))
    assert response.status_code == 302
    assert reverse("accounts:reauthenticate") in response["Location"]
    assert not ApiToken.objects.exists()


def test_a_new_token_is_shown_once_and_stored_as_a_digest(member_be_client, member_be):
    client = reauthenticated(member_be_client)
    response = create(client, expires="30")
    raw = secret_of(response)
    assert raw.startswith("relais_") and len(raw) > 40
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.user == member_be
    assert token.digest == token_digest(raw) != raw
    assert (token.expires_at - timezone.now()).days in (29, 30)
    stored = " ".join(str(v) for v in ApiToken.objects.values().get().values())
    assert raw not in stored
    listing_page = client.get(reverse("api_tokens:list")).content.decode()
    assert "Case management system" in listing_page
    assert raw not in listing_page


def test_making_a_token_is_audited_without_the_secret(member_be_client, member_be):
    raw = secret_of(create(reauthenticated(member_be_client)))
    entry = AuditEntry.objects.get(action="api_token_created")
    assert entry.actor == str(member_be.uuid)
    assert raw not in str(entry.details) and raw not in entry.target


def test_a_token_without_a_name_is_refused_and_nothing_is_made(member_be_client):
    response = create(reauthenticated(member_be_client), name="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_token_can_be_made_without_expiry(member_be_client):
    create(reauthenticated(member_be_client), expires="never")
    assert ApiToken.objects.get().expires_at is None


def test_the_token_opens_professional_details_and_records_its_use(
    member_be_client, anonymous, listing
):
    raw = secret_of(create(reauthenticated(member_be_client)))
    response = anonymous.get(f"/api/v1/listings/{listing.slug}", **bearer(raw))
    assert SECRET_EMAIL in response.content.decode()
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused_with_401(
    member_be_client, member_be, anonymous, listing
):
    raw = secret_of(create(reauthenticated(member_be_client)))
    token = ApiToken.objects.get()
    response = member_be_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(
        action="api_token_revoked", actor=str(member_be.uuid), target=str(token.pk)
    ).exists()
    refused = anonymous.get(f"/api/v1/listings/{listing.slug}", **bearer(raw))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert SECRET_EMAIL not in refused.content.decode()


def test_nobody_revokes_another_persons_token(outsider_ro_client, member_be, token_of):
    token, _raw = token_of(member_be)
    response = outsider_ro_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(anonymous, member_be, token_of, listing):
    token, raw = token_of(member_be)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = anonymous.get(f"/api/v1/listings/{listing.slug}", **bearer(raw))
    assert response.status_code == 401


def test_the_token_of_a_deactivated_account_is_refused(
    anonymous, member_be, token_of, listing
):
    _token, raw = token_of(member_be)
    member_be.is_active = False
    member_be.save()
    response = anonymous.get("/api/v1/search", {"lang": "fr"}, **bearer(raw))
    assert response.status_code == 401
    assert response.json()["title"] == "Jeton d’API non valide"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer relais_not-a-real-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "relais_only-the-token",
    ],
)
def test_a_wrong_authorization_header_is_refused(anonymous, listing, header):
    response = anonymous.get(
        f"/api/v1/listings/{listing.slug}", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_the_account_page_links_to_the_tokens(member_be_client):
    body = member_be_client.get(reverse("accounts:account")).content.decode()
    assert reverse("api_tokens:list") in body
