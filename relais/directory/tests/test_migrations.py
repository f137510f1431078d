"""Data migrations of the directory."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from relais.core.languages import translated_field
from relais.directory.models import (
    Assurance,
    Organization,
    Phone,
    SearchDocument,
    SearchFacet,
)

BEFORE_ASSURANCE = [("directory", "0005_listing_verification_moved")]
SEARCH_TRIGGERS = {
    "directory_search_fts_insert",
    "directory_search_fts_delete",
    "directory_search_fts_update",
    "directory_search_version_delete",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def sqlite_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_reference_compilation_rows_become_public_sources():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = migrate(BEFORE_ASSURANCE)
        apps = executor.loader.project_state(BEFORE_ASSURANCE).apps
        Old = apps.get_model("directory", "Organization")
        OldDocument = apps.get_model("directory", "SearchDocument")
        compiled = Old.objects.create(
            slug="fictitious-compiled",
            name="Fictitious Compiled",
            assured_date=date(2026, 11, 29),
            assurer="Relais reference compilation (public sources)",
        )
        OldDocument.objects.create(organization_id=compiled.pk, name_sort="c")
        Old.objects.create(
            slug="fictitious-confirmed",
            name="Fictitious Confirmed",
            assured_date=date(2026, 12, 1),
            assurer="Relais country coordinator (Belgium)",
        )
        migrate(latest)
    finally:
        migrate(latest)
    assert Organization.objects.get(slug="fictitious-compiled").assurance == (
        Assurance.PUBLIC_SOURCES
    )
    assert Organization.objects.get(slug="fictitious-confirmed").assurance == (
        Assurance.CONFIRMED
    )
    assert SearchDocument.objects.get(
        organization__slug="fictitious-compiled"
    ).public_sources
    if connection.vendor == "sqlite":
        # Adding the column rebuilt the table: the full-text triggers are back.
        assert SEARCH_TRIGGERS.issubset(sqlite_triggers())


BEFORE_PLACE_KEYS = [("directory", "0007_phone_is_hotline")]


@pytest.mark.django_db(transaction=True)
def test_city_facets_written_as_typed_become_one_place_key():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = migrate(BEFORE_PLACE_KEYS)
        apps = executor.loader.project_state(BEFORE_PLACE_KEYS).apps
        Old = apps.get_model("directory", "Organization")
        Location = apps.get_model("directory", "Location")
        Address = apps.get_model("directory", "Address")
        Document = apps.get_model("directory", "SearchDocument")
        Facet = apps.get_model("directory", "SearchFacet")
        org = Old.objects.create(slug="fictitious-two", name="Two", country="RO")
        for city in ("București", "Bucharest", "Zentinelburg"):
            location = Location.objects.create(organization_id=org.pk, name=city)
            Address.objects.create(location_id=location.pk, city=city, country="RO")
        document = Document.objects.create(organization_id=org.pk, name_sort="two")
        for city in ("București", "Bucharest", "Zentinelburg"):
            Facet.objects.create(document_id=document.pk, facet="city", value=city)
        migrate(latest)
    finally:
        migrate(latest)
    facets = SearchFacet.objects.filter(document__organization__slug="fictitious-two")
    assert sorted(facets.values_list("value", flat=True)) == ["683506", "Zentinelburg"]
    if connection.vendor == "sqlite":
        assert SEARCH_TRIGGERS.issubset(sqlite_triggers())


BEFORE_PHONE_TRANSLATIONS = [("directory", "0010_schedule")]


@pytest.mark.django_db(transaction=True)
def test_a_phone_description_written_before_translations_is_kept_in_english():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = migrate(BEFORE_PHONE_TRANSLATIONS)
        apps = executor.loader.project_state(BEFORE_PHONE_TRANSLATIONS).apps
        Old = apps.get_model("directory", "Organization")
        OldPhone = apps.get_model("directory", "Phone")
        org = Old.objects.create(slug="fictitious-line", name="Line", country="BE")
        OldPhone.objects.create(
            organization_id=org.pk,
            number="+3278055800",
            description="Fictitious night line for victims",
        )
        OldPhone.objects.create(organization_id=org.pk, number="+3232011690")
        migrate(latest)
    finally:
        migrate(latest)
    described = Phone.objects.get(number="+3278055800")
    assert described.description_en == "Fictitious night line for victims"
    assert not described.description_fr
    assert not Phone.objects.get(number="+3232011690").description_en
    with translation.override("fr"):
        # A French reader gets the English text, and the language it is in.
        assert translated_field(described, "description") == (
            "Fictitious night line for victims",
            "en",
        )
