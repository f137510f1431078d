"""The bulk writer writes what the ORM would, and reads what the ORM reads."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from relais.core import bulk
from relais.directory.models import (
    Location,
    Organization,
    Phone,
    SearchTerm,
    Service,
)
from relais.directory.tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "created_at", "updated_at", "slug"}


def stored(model, pk):
    """Every concrete column of one row as stored.

    A plain QuerySet: modeltranslation's manager would read `description` as
    the active language's translation, not the column itself.
    """
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED]
    return QuerySet(model=model).filter(pk=pk).values(*names).get()


def outcome(convert, value):
    """A conversion's result, or the kind of error it raised."""
    try:
        result = convert(value)
    except Exception as exc:
        return ("error", type(exc))
    # psycopg's Jsonb wrapper (PostgreSQL) does not compare by its content.
    return ("value", getattr(result, "obj", result))


def write_both(model, values):
    """The same values written by the bulk writer and by the ORM's bulk_create."""
    fast, orm = uuid.uuid4(), uuid.uuid4()
    builder = bulk.RowBuilder(model)
    # A unique slug each (it is left out of the comparison).
    slug = {"slug": f"fictitious-{fast.hex[:8]}"} if model is Organization else {}
    bulk.insert_rows(
        model,
        builder.fields,
        [builder.row({**values, **slug, "id": fast})],
        prepared=True,
    )
    model._base_manager.bulk_create([model(id=orm, **values)])
    return stored(model, fast), stored(model, orm)


@pytest.mark.parametrize("active", ["en", "fr", "sv"])
def test_new_organisation_rows_equal_what_the_orm_writes(active):
    values = {
        "name": "Fictitious Association Étoile",
        "slug": "fictitious-association",
        "description_fr": "Une association fictive.",
        "country": "BE",
        "email": "contact@example.org",
        "website": "https://example.org/",
        "year_incorporated": 1999,
        "takes_legal_aid_cases": True,
        "assured_date": datetime.date(2026, 1, 31),
    }
    with translation.override(active):
        fast, orm = write_both(Organization, {**values})
    assert fast == orm
    # The untranslated column follows the translations as modeltranslation reads
    # them: the French text is the only one, whatever the active language.
    assert fast["description"] == "Une association fictive."
    assert fast["additional_sources"] == []
    assert fast["source_verified"] is True


def test_children_rows_equal_what_the_orm_writes():
    org = OrganizationFactory()
    service = ServiceFactory(organization=org)
    with translation.override("en"):
        for model, values in (
            (
                Service,
                {
                    "organization_id": org.pk,
                    "name_ro": "Consiliere juridică",
                    "description_en": "Legal advice.",
                    "status": "active",
                },
            ),
            (
                Location,
                {
                    "organization_id": org.pk,
                    "name": "Office",
                    "latitude": Decimal("50.850000"),
                    "longitude": Decimal("-4.350000"),
                },
            ),
            (
                Phone,
                {
                    "organization_id": org.pk,
                    "service_id": service.pk,
                    "location_id": None,
                    "number": "+3222000000",
                    "type": "voice",
                },
            ),
        ):
            fast, orm = write_both(model, values)
            assert fast == orm, model


def test_a_row_without_its_primary_key_is_refused():
    builder = bulk.RowBuilder(Organization)
    with pytest.raises(ValueError, match="no id"):
        builder.row({"name": "Fictitious"})


@pytest.mark.parametrize("model", [Organization, Service, Location, Phone])
def test_converters_give_the_fields_own_database_values(model):
    samples = [
        None,
        "text",
        0,
        7,
        12.5,
        7.0,
        True,
        False,
        uuid.uuid4(),
        str(uuid.uuid4()),
    ]
    for field in model._meta.concrete_fields:
        convert = bulk.db_converter(field, connection)
        for value in samples:
            assert outcome(convert, value) == outcome(
                lambda v, f=field: f.get_db_prep_save(v, connection), value
            ), (field.attname, value)


def test_select_in_reads_what_values_list_reads(monkeypatch):
    monkeypatch.setattr(bulk, "IN_CHUNK", 2)  # several chunks
    orgs = OrganizationFactory.create_batch(5)
    services = [ServiceFactory(organization=o) for o in orgs[:3]]
    ids = [o.pk for o in orgs] + [uuid.uuid4()]  # one that is not there
    rows = bulk.select_in(
        Organization, ["id", "name", "takes_legal_aid_cases"], "id", ids
    )
    assert sorted(rows) == sorted(
        Organization.objects.filter(pk__in=ids).values_list(
            "id", "name", "takes_legal_aid_cases"
        )
    )
    by_owner = bulk.select_in(Service, ["id", "organization_id"], "organization", ids)
    assert sorted(by_owner) == sorted((s.pk, s.organization_id) for s in services)
    assert all(isinstance(pk, uuid.UUID) for pk, _org in by_owner)
    assert bulk.select_in(Service, ["id"], "id", []) == []


def test_insert_rows_can_skip_what_is_already_there():
    SearchTerm.objects.create(term="fictitious")
    sent = bulk.insert_rows(
        SearchTerm,
        [SearchTerm._meta.pk],
        [("fictitious",), ("association",)],
        ignore_conflicts=True,
    )
    assert sent == 2
    assert sorted(SearchTerm.objects.values_list("term", flat=True)) == [
        "association",
        "fictitious",
    ]


def test_a_refused_row_raises_djangos_integrity_error():
    SearchTerm.objects.create(term="fictitious")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(SearchTerm, [SearchTerm._meta.pk], [("fictitious",)])
    assert SearchTerm.objects.count() == 1
