from datetime import time

import pytest
from django.contrib import admin
from django.urls import reverse

from relais.conftest import LANGUAGE_CODES
from relais.directory.models import ChangeRecord, Organization, Schedule

from .factories import (
    AddressFactory,
    ContactFactory,
    LanguageFactory,
    OrganizationFactory,
    PhoneFactory,
    admin_change_post,
    tag,
)

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = [m for m in admin.site._registry if m._meta.app_label == "directory"]


@pytest.fixture
def records(vocabularies):
    org = OrganizationFactory()
    tag(org, "organization_type", "ngo")
    AddressFactory(location__organization=org)
    ContactFactory(organization=org)
    PhoneFactory(organization=org)
    LanguageFactory(service__organization=org)
    Schedule.objects.create(
        location=org.locations.first(),
        byday="MO,FR",
        opens_at=time(9),
        closes_at=time(12),
    )
    return org


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_search_and_change_pages_render(
    platform_admin_client, records, model
):
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert platform_admin_client.get(changelist).status_code == 200
    assert platform_admin_client.get(changelist, {"q": "fictitious"}).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert platform_admin_client.get(change).status_code == 200


def test_every_directory_model_is_in_the_admin():
    from django.apps import apps

    derived = {
        "SearchDocument",
        "SearchFacet",
        "SearchTerm",
        "SearchIndexVersion",
        "PlaceName",
    }
    models = {
        m
        for m in apps.get_app_config("directory").get_models()
        if m.__name__ not in derived
    }
    assert models == set(DIRECTORY_MODELS)


def test_anonymous_and_non_staff_cannot_open_the_admin(
    anonymous, member_be_client, records
):
    url = reverse("admin:directory_organization_changelist")
    assert anonymous.get(url).status_code == 302
    assert member_be_client.get(url).status_code == 302


def test_admin_is_translated(platform_admin_client, records):
    response = platform_admin_client.get("/fr/admin/directory/organization/")
    assert "organisations" in response.content.decode().lower()
    assert "Ajouter" in response.content.decode()


def test_editing_a_listing_in_the_admin_records_field_history(
    platform_admin_client, records
):
    org = records
    response = admin_change_post(
        platform_admin_client, org, name="Renamed Fictitious Organisation"
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    org.refresh_from_db()
    assert org.name == "Renamed Fictitious Organisation"
    change = ChangeRecord.objects.get(resource_id=org.pk, field_name="name")
    assert change.replacement_value == "Renamed Fictitious Organisation"
    assert change.updated_by == "admin@example.org"


def test_deleting_a_listing_in_the_admin_records_the_deletion(
    platform_admin_client, records
):
    url = reverse("admin:directory_organization_delete", args=[records.pk])
    platform_admin_client.post(url, {"post": "yes"})
    assert not Organization.objects.filter(pk=records.pk).exists()
    assert ChangeRecord.objects.filter(
        resource_id=records.pk, last_action_type="delete"
    ).exists()


def test_a_phone_description_is_edited_in_each_language_in_the_admin(
    platform_admin_client, records
):
    phone = records.phones.get()
    listing_page = platform_admin_client.get(
        reverse("admin:directory_organization_change", args=[records.pk])
    ).content.decode()
    for code in LANGUAGE_CODES:
        assert f'name="phones-0-description_{code}"' in listing_page
    assert 'name="phones-0-description"' not in listing_page
    url = reverse("admin:directory_phone_change", args=[phone.pk])
    form = platform_admin_client.get(url).context["adminform"].form
    assert {f"description_{code}" for code in LANGUAGE_CODES} <= set(form.fields)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value not in (None, False):
            data[name] = "on" if value is True else value
    data["description_fr"] = "Ligne de bureau fictive"
    response = platform_admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    phone.refresh_from_db()
    assert phone.description_fr == "Ligne de bureau fictive"
    change = ChangeRecord.objects.get(resource_id=phone.pk, field_name="description_fr")
    assert change.replacement_value == "Ligne de bureau fictive"
