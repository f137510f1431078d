"""Importing HSDS data: official examples, round trip, idempotency, all-or-nothing."""

import gc
import io
import json
import uuid
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from relais.accounts.models import User
from relais.directory.models import (
    Assurance,
    Attribute,
    ChangeRecord,
    Organization,
    Phone,
    Schedule,
    SearchDocument,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from relais.directory.search import SearchQuery, search
from relais.directory.tests.factories import (
    AddressFactory,
    OrganizationFactory,
    PhoneFactory,
    professional_viewer,
)
from relais.directory.tests.sentinel_listings import make_directory
from relais.opendata import exports, hsds
from relais.opendata.apply import Applier
from relais.opendata.apply.listings import ListingTables
from relais.opendata.models import ImportedRecord, ImportRun
from relais.opendata.services import import_file

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent / "hsds_examples"


def export(kind: str = "datapackage") -> bytes:
    out = io.BytesIO() if kind == "datapackage" else io.StringIO()
    exports.export_to(
        out,
        kind,
        hsds.organizations_for_hsds(),
        # Everything, as a professional's export holds it.
        hsds.HSDSSerializer(viewer=professional_viewer(User())),
    )
    value = out.getvalue()
    return value if isinstance(value, bytes) else value.encode()


def zip_tables(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tables = {n: archive.read(n).decode() for n in archive.namelist()}
    descriptor = json.loads(tables.pop("datapackage.json"))
    descriptor.pop("created")
    tables["datapackage.json"] = json.dumps(descriptor, sort_keys=True)
    return tables


def empty_directory() -> None:
    Attribute.objects.all().delete()
    Organization.objects.all().delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()
    ChangeRecord.objects.all().delete()


@pytest.mark.parametrize(
    "name",
    [*sorted(p.name for p in EXAMPLES.glob("*.json")), "csv"],
)
def test_every_official_example_imports_without_error(name):
    result = import_file(path=EXAMPLES / name)
    assert result.findings.errors == 0, [str(f) for f in result.findings.kept]
    assert result.run.status == ImportRun.Status.APPLIED


def test_official_tabular_example_creates_its_organisation_and_service():
    import_file(path=EXAMPLES / "csv")
    organization = Organization.objects.get(pk="d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    assert organization.name == "Example Organization Inc."
    assert [s.name for s in organization.services.all()] == ["Community Counselling"]
    assert Phone.objects.get().number == "+441234234567"
    # The search index follows: the new listing is found (asking for outdated
    # listings too: the example's service was last assured in 2005).
    assert (
        search(SearchQuery(q="Example Organization", include_outdated=True)).total == 1
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL planner statistics"
)
def test_an_applied_import_leaves_planner_statistics_for_its_tables():
    """Without ANALYZE, PostgreSQL plans the HSDS API's look-ups over an
    imported 100,000 listings as if the tables were empty (issue 18)."""
    empty_directory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_phone")
    import_file(path=EXAMPLES / "csv")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'directory_phone'"
        )
        (rows,) = cursor.fetchone()
    assert rows > 0


@pytest.mark.parametrize("kind", ["datapackage", "json"])
def test_export_import_export_round_trip_is_identical(
    vocabularies, gazetteer, tmp_path, kind
):
    make_directory()
    # A listing with opening hours on a location and on a service.
    centre = Organization.objects.get(name="Fictitious Ștefan Welcome Centre")
    Schedule.objects.create(
        location=centre.locations.first(),
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=time(8, 30),
        closes_at=time(17),
        valid_from=date(2026, 1, 1),
        notes="Closed on public holidays.",
    )
    Schedule.objects.create(
        service=centre.services.first(), description="Saturday by appointment."
    )
    # And hours of a service at one of its locations (HSDS allows them there).
    delivered = ServiceAtLocation.objects.filter(service__organization=centre).first()
    Schedule.objects.create(
        service_at_location=delivered,
        freq="WEEKLY",
        byday="SA",
        opens_at=time(10),
        closes_at=time(12, 30),
    )
    first = export(kind)
    path = tmp_path / ("export.zip" if kind == "datapackage" else "export.json")
    path.write_bytes(first)
    empty_directory()
    assert not Organization.objects.exists()

    result = import_file(path=path)

    assert result.ok, [str(f) for f in result.findings.kept if f.level == "error"]
    assert result.findings.warnings == 0
    assert Schedule.objects.count() == 3
    kept = Schedule.objects.get(service_at_location__isnull=False)
    assert (kept.service_at_location_id, kept.byday, kept.closes_at) == (
        delivered.pk,
        "SA",
        time(12, 30),
    )
    second = export(kind)
    if kind == "datapackage":
        assert zip_tables(second) == zip_tables(first)
    else:
        assert second == first


def test_importing_the_same_file_twice_changes_nothing(
    vocabularies, gazetteer, tmp_path
):
    make_directory()
    path = tmp_path / "export.zip"
    path.write_bytes(export())
    history = ChangeRecord.objects.count()

    result = import_file(path=path)

    assert result.ok
    assert result.totals()["created"] == 0
    assert result.totals()["updated"] == 0
    assert ChangeRecord.objects.count() == history
    assert not ImportedRecord.objects.exists()


def test_a_changed_file_updates_in_place_and_records_the_field_history(
    vocabularies, gazetteer, tmp_path
):
    make_directory()
    records = json.loads(export("json"))
    records[0]["name"] = "Fictitious Renamed Centre"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(records))
    organization = Organization.objects.get(pk=records[0]["id"])

    result = import_file(path=path, updated_by="editor@example.org")

    assert result.ok
    organization.refresh_from_db()
    assert organization.name == "Fictitious Renamed Centre"
    assert Organization.objects.count() == 2
    change = ChangeRecord.objects.get(
        resource_id=organization.pk,
        field_name="name",
        replacement_value="Fictitious Renamed Centre",
    )
    assert change.updated_by == "editor@example.org"
    provenance = ImportedRecord.objects.get(resource_id=organization.pk)
    assert provenance.action == "update"
    assert provenance.run.file_name == "changed.json"
    assert len(provenance.run.checksum) == 64
    assert search(SearchQuery(q="Renamed")).total == 1


def test_one_bad_row_leaves_the_database_and_the_index_as_they_were(
    vocabularies, gazetteer, tmp_path
):
    make_directory()
    records = json.loads(export("json"))
    records[0]["name"] = "Fictitious Renamed Centre"
    records[1]["phones"] = [
        {"id": "1c1b7b1e-8b9a-4d7e-9b1a-2d2f0a0c0b01", "number": "12"}
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    before = ChangeRecord.objects.count(), SearchDocument.objects.count()

    result = import_file(path=path)

    assert not result.ok
    [finding] = [f for f in result.findings.kept if f.level == "error"]
    assert (finding.file, finding.row, finding.field) == (
        "bad.json",
        "record 2",
        "number",
    )
    assert not Organization.objects.filter(name="Fictitious Renamed Centre").exists()
    assert (ChangeRecord.objects.count(), SearchDocument.objects.count()) == before
    assert search(SearchQuery(q="Renamed")).total == 0
    assert result.run.status == ImportRun.Status.REJECTED


@pytest.mark.parametrize("suffix", ["json", "ndjson"])
def test_records_may_come_before_their_organisation_anywhere_in_a_large_file(
    tmp_path, suffix, monkeypatch
):
    # Past the first batch, the services of the file come before every
    # organisation, as a system that exports table by table writes them.
    monkeypatch.setattr("relais.opendata.readers.BATCH", 50)
    n = 120
    org_ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"org/{i}")) for i in range(n)]
    services = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"service/{i}")),
            "organization_id": org_ids[i],
            "name": f"Fictitious service {i}",
            "status": "active",
        }
        for i in range(n)
    ]
    organizations = [
        {"id": org_ids[i], "name": f"Fictitious organisation {i}"} for i in range(n)
    ]
    records = services + organizations
    path = tmp_path / f"late.{suffix}"
    if suffix == "json":
        path.write_text(json.dumps(records))
    else:
        path.write_text("\n".join(json.dumps(r) for r in records))

    result = import_file(path=path)

    assert result.ok, [str(f) for f in result.findings.kept]
    assert Organization.objects.count() == n
    assert all(o.services.count() == 1 for o in Organization.objects.all())
    assert search(SearchQuery(q="organisation 7")).total >= 1


def test_a_service_of_an_organisation_missing_from_a_large_file_is_still_named(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("relais.opendata.readers.BATCH", 10)
    records = [
        {"id": str(uuid.uuid4()), "name": f"Fictitious organisation {i}"}
        for i in range(30)
    ]
    records.insert(
        3,
        {
            "id": str(uuid.uuid4()),
            "organization_id": str(uuid.uuid4()),
            "name": "Fictitious orphan service",
            "status": "active",
        },
    )
    path = tmp_path / "orphan.json"
    path.write_text(json.dumps(records))

    result = import_file(path=path)

    errors = [(f.row, f.field) for f in result.findings.kept if f.level == "error"]
    assert errors == [("record 4", "organization_id")]
    assert not Organization.objects.exists()


def test_dry_run_counts_but_changes_nothing(tmp_path):
    result = import_file(path=EXAMPLES / "organization_full.json", dry_run=True)
    assert result.ok
    assert result.counts["organization"]["created"] == 1
    assert not Organization.objects.exists()


def test_command_exits_non_zero_with_findings(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "not-a-uuid", "name": "Fictitious"}]')
    with pytest.raises(CommandError):
        call_command("import", str(path))
    assert "broken.json, record 1, id" in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_command_imports_and_reports_counts(capsys):
    call_command("import", str(EXAMPLES / "organization_full.json"))
    # Its opening hours (one schedule, nested several times) among them.
    assert "14 records were created" in capsys.readouterr().out


def test_texts_go_into_the_language_of_the_file(tmp_path):
    record = {"id": "6f1c2b1e-1d3a-4c1e-9a7b-0a1b2c3d4e5f", "name": "Fictitious"}
    path = tmp_path / "fr.json"
    path.write_text(json.dumps({**record, "description": "Hébergement et conseil."}))

    assert import_file(path=path, language="fr").ok

    organization = Organization.objects.get()
    assert organization.description_fr == "Hébergement et conseil."
    assert not organization.description_en
    again = import_file(path=path, language="fr")
    assert again.totals()["updated"] == 0


def test_a_phone_description_goes_into_the_language_of_the_file(tmp_path):
    record = {
        "id": "6f1c2b1e-1d3a-4c1e-9a7b-0a1b2c3d4e5f",
        "name": "Fictitious",
        "phones": [
            {
                "id": "7a2d3c4e-5f60-4a1b-8c9d-0e1f2a3b4c5d",
                "number": "+3232011690",
                "description": "Ligne de nuit fictive",
            }
        ],
    }
    path = tmp_path / "fr.json"
    path.write_text(json.dumps(record))

    assert import_file(path=path, language="fr").ok

    phone = Phone.objects.get()
    assert phone.description_fr == "Ligne de nuit fictive"
    assert not phone.description_en
    assert import_file(path=path, language="fr").totals()["updated"] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
@override_settings(RELAIS_IMPORT_SQLITE_CACHE_MB=48)
def test_sqlite_imports_with_a_larger_page_cache_and_give_it_back(monkeypatch):
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    seen = []
    original = Applier.apply

    def apply(self, table, rows):
        seen.append(cache_size())
        return original(self, table, rows)

    monkeypatch.setattr(Applier, "apply", apply)
    result = import_file(path=EXAMPLES / "csv")

    assert result.ok
    assert seen and set(seen) == {-48 * 1024}
    assert cache_size() == before


def test_the_collector_skips_the_old_heap_during_an_import_and_is_restored(
    monkeypatch,
):
    thresholds = gc.get_threshold()
    seen = []
    original = Applier.apply

    def apply(self, table, rows):
        seen.append((gc.get_freeze_count() > 0, gc.get_threshold()[0]))
        return original(self, table, rows)

    monkeypatch.setattr(Applier, "apply", apply)
    result = import_file(path=EXAMPLES / "csv")

    assert result.ok
    assert seen and all(frozen and gen0 > thresholds[0] for frozen, gen0 in seen)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


@pytest.mark.django_db(transaction=True)
def test_a_reference_the_database_refuses_at_commit_is_a_finding(monkeypatch):
    """Foreign keys are checked at COMMIT: a refusal there is reported, not a 500."""
    original = ListingTables.prepare_phone

    def prepare_phone(self, prepared, rows):
        kept = original(self, prepared, rows)
        for _record_id, values, _where in kept:
            values["organization_id"] = uuid.uuid4()  # slips past the checks
        return kept

    monkeypatch.setattr(ListingTables, "prepare_phone", prepare_phone)
    preview = import_file(path=EXAMPLES / "csv", dry_run=True)
    result = import_file(path=EXAMPLES / "csv")

    # The preview already says what the import would then refuse.
    assert not preview.ok
    assert any("refused" in str(f) for f in preview.findings.kept)
    assert not result.ok
    assert result.run.status == ImportRun.Status.REJECTED
    assert any("refused" in str(f) for f in result.findings.kept)
    assert not Organization.objects.exists()
    assert not Phone.objects.exists()
    assert not SearchDocument.objects.exists()


def test_an_assured_date_in_a_file_confirms_and_its_absence_does_not(
    vocabularies, gazetteer, tmp_path
):
    antwerp, _ = make_directory()
    confirmed = tmp_path / "confirmed.json"
    confirmed.write_bytes(export("json"))
    Organization.objects.filter(pk=antwerp.pk).update(
        assurance=Assurance.PUBLIC_SOURCES
    )
    unconfirmed = tmp_path / "unconfirmed.json"
    unconfirmed.write_bytes(export("json"))

    assert import_file(path=unconfirmed).ok
    antwerp.refresh_from_db()
    assert antwerp.assurance == Assurance.PUBLIC_SOURCES

    assert import_file(path=confirmed).ok
    antwerp.refresh_from_db()
    assert antwerp.assurance == Assurance.CONFIRMED
    assert ChangeRecord.objects.filter(
        resource_id=antwerp.pk, field_name="assurance"
    ).exists()


def test_a_short_number_goes_out_as_its_digits_and_comes_back_with_its_country(
    vocabularies, gazetteer, tmp_path
):
    org = OrganizationFactory(name="Fictitious Child Helpline", country="BG")
    AddressFactory(location__organization=org, city="Sofia", country="BG")
    PhoneFactory(organization=org, number="116111", country="BG", is_hotline=True)
    first = export("json")
    numbers = [p["number"] for o in json.loads(first) for p in o["phones"]]
    assert numbers == ["116111"]
    path = tmp_path / "export.json"
    path.write_bytes(first)
    empty_directory()

    result = import_file(path=path)

    assert result.ok, [str(f) for f in result.findings.kept if f.level == "error"]
    phone = Phone.objects.get()
    assert (phone.number, phone.country) == ("116111", "BG")
    assert phone.display_number == "116 111"
    assert export("json") == first


def test_a_short_number_of_an_organisation_without_country_is_a_finding(
    vocabularies, tmp_path
):
    org_id = str(uuid.uuid4())
    record = {
        "id": org_id,
        "name": "Fictitious Network Without Seat",
        "phones": [{"id": str(uuid.uuid4()), "number": "116 000"}],
    }
    path = tmp_path / "listing.json"
    path.write_text(json.dumps([record]))

    result = import_file(path=path)

    assert not result.ok
    assert any("short number" in str(f) for f in result.findings.kept)
    assert not Phone.objects.exists()
