"""HSDS exports: datapackage zip, HSDS JSON and the CSV of a search."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from relais.directory.tests.sentinel_listings import (
    SECRET_STREET,
    SENTINELS,
    make_directory,
)
from relais.opendata.exports import table_columns
from relais.opendata.tests.hsds_validation import errors, schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(vocabularies, gazetteer):
    return make_directory()


def read_zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_export_validates_against_the_official_organization_schema(
    directory, tmp_path
):
    path = tmp_path / "relais.json"
    call_command("export_hsds", str(path), "--format", "json")
    records = json.loads(path.read_text(encoding="utf-8"))
    assert {r["name"] for r in records} == {
        "Fictitious Ștefan Welcome Centre",
        "Fictitious Bucharest Helpline",
    }
    for record in records:
        assert errors("organization", record) == []
        for service in record["services"]:
            assert errors("service", service) == []
    assert not any(s in path.read_text(encoding="utf-8") for s in SENTINELS)


def test_datapackage_columns_match_the_official_tabular_schema(directory, tmp_path):
    path = tmp_path / "relais.zip"
    call_command("export_hsds", str(path))
    files = read_zip(path.read_bytes())
    descriptor = json.loads(files["datapackage.json"])
    official = schema("tabular")["properties"]
    assert {r["name"] for r in descriptor["resources"]} == set(official)
    for resource in descriptor["resources"]:
        header = next(csv.reader(io.StringIO(files[resource["path"]])))
        expected = [
            name
            for name, spec in official[resource["name"]]["items"]["properties"].items()
            if spec.get("type") != "array" and "properties" not in spec
        ]
        assert header == expected, resource["name"]


def test_datapackage_holds_every_public_record_once_and_nothing_private(
    directory, tmp_path
):
    path = tmp_path / "relais.zip"
    call_command("export_hsds", str(path))
    files = read_zip(path.read_bytes())
    assert not any(s in text for text in files.values() for s in SENTINELS)
    assert len(rows(files["organizations.csv"])) == 2
    assert sorted(r["name"] for r in rows(files["services.csv"])) == [
        "Helpline",
        "Safe housing",
    ]
    phones = rows(files["phones.csv"])
    assert [p["number"] for p in phones] == ["+3232011690"]
    contacts = rows(files["contacts.csv"])
    assert [c["name"] for c in contacts] == ["Reception desk"]
    locations = rows(files["locations.csv"])
    assert len(locations) == len({loc["id"] for loc in locations}) == 2
    assert {a["city"] for a in rows(files["addresses.csv"])} == {
        "Antwerpen",
        "București",
    }
    assert len(rows(files["service_at_location.csv"])) == 2
    codes = {r["taxonomy_term_id"] for r in rows(files["attributes.csv"])}
    term_ids = {r["id"] for r in rows(files["taxonomy_terms.csv"])}
    assert codes and codes <= term_ids
    assert rows(files["taxonomies.csv"])
    assert [m["previous_value"] for m in rows(files["metadata.csv"])] == ["Old name"]
    assert rows(files["metadata.csv"])[0]["updated_by"] == ""


def test_export_by_country(directory, tmp_path):
    path = tmp_path / "ro.json"
    call_command("export_hsds", str(path), "--format", "json", "--country", "ro")
    assert [r["name"] for r in json.loads(path.read_text())] == [
        "Fictitious Bucharest Helpline"
    ]


def test_export_refuses_an_unknown_country(db, tmp_path):
    with pytest.raises(CommandError, match="XX is not"):
        call_command("export_hsds", str(tmp_path / "x.zip"), "--country", "XX")


def test_the_search_page_offers_downloads_of_the_current_search(directory, anonymous):
    page = anonymous.get("/en/directory/", {"q": "stefan"}).content.decode()
    assert "/en/directory/download/csv?q=stefan" in page
    assert "/en/directory/download/datapackage?q=stefan" in page


def test_csv_of_the_current_search(directory, anonymous):
    response = anonymous.get("/en/directory/download/csv", {"q": "stefan"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8")
    listed = rows(text)
    assert [r["name"] for r in listed] == ["Fictitious Ștefan Welcome Centre"]
    assert listed[0]["cities"] == "Antwerpen"
    assert listed[0]["phones"] == "+3232011690"
    assert not any(s in text for s in SENTINELS)


def test_hsds_downloads_of_the_current_search(directory, anonymous):
    response = anonymous.get("/en/directory/download/json", {"country": "RO"})
    records = json.loads(b"".join(response.streaming_content))
    assert [r["name"] for r in records] == ["Fictitious Bucharest Helpline"]
    response = anonymous.get("/en/directory/download/datapackage", {"q": "stefan"})
    files = read_zip(b"".join(response.streaming_content))
    assert [r["name"] for r in rows(files["organizations.csv"])] == [
        "Fictitious Ștefan Welcome Centre"
    ]


def test_a_professional_download_includes_professional_details(
    directory, member_be_client
):
    response = member_be_client.get(
        "/en/directory/download/json/professional", {"q": "stefan"}
    )
    text = b"".join(response.streaming_content).decode()
    assert SECRET_STREET in text


def test_an_unknown_export_format_is_not_found(directory, anonymous):
    assert anonymous.get("/en/directory/download/pdf").status_code == 404


def test_an_empty_search_exports_an_empty_but_valid_package(directory, anonymous):
    response = anonymous.get("/en/directory/download/datapackage", {"q": "zzzzqqq"})
    files = read_zip(b"".join(response.streaming_content))
    assert rows(files["organizations.csv"]) == []
    assert "datapackage.json" in files
    assert set(table_columns()) == {
        r["name"] for r in json.loads(files["datapackage.json"])["resources"]
    }


def test_a_hotline_is_exported_as_a_valid_hsds_voice_phone_that_says_so(
    directory, tmp_path
):
    from relais.directory.models import Organization, Phone

    helpline = Organization.objects.get(name="Fictitious Bucharest Helpline")
    Phone.objects.create(
        organization=helpline,
        number="+40800800678",
        is_hotline=True,
        description="Free line, 24/7",
    )
    path = tmp_path / "relais.json"
    call_command("export_hsds", str(path), "--format", "json")
    records = json.loads(path.read_text(encoding="utf-8"))
    record = next(r for r in records if r["id"] == str(helpline.pk))
    assert errors("organization", record) == []
    hotline = next(p for p in record["phones"] if p["number"] == "+40800800678")
    assert hotline["type"] == "voice"
    assert hotline["description"] == "Hotline: Free line, 24/7"


def test_opening_hours_are_exported_as_valid_hsds_schedules(directory, tmp_path):
    from datetime import time

    from relais.directory.models import Organization, Schedule

    centre = Organization.objects.get(name="Fictitious Ștefan Welcome Centre")
    location = centre.locations.filter(visibility="public").first()
    service = centre.services.first()
    weekdays = Schedule.objects.create(
        location=location,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=time(8, 30),
        closes_at=time(17),
    )
    Schedule.objects.create(service=service, description="By appointment only.")

    path = tmp_path / "relais.json"
    call_command("export_hsds", str(path), "--format", "json")
    record = next(
        r
        for r in json.loads(path.read_text(encoding="utf-8"))
        if r["id"] == str(centre.pk)
    )
    assert errors("organization", record) == []
    exported = next(loc for loc in record["locations"] if loc["id"] == str(location.pk))
    assert exported["schedules"] == [
        {
            "id": str(weekdays.pk),
            "location_id": str(location.pk),
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": "08:30:00",
            "closes_at": "17:00:00",
        }
    ]
    exported_service = next(s for s in record["services"] if s["id"] == str(service.pk))
    assert errors("service", exported_service) == []
    assert [s["description"] for s in exported_service["schedules"]] == [
        "By appointment only."
    ]

    package = tmp_path / "relais.zip"
    call_command("export_hsds", str(package))
    table = rows(read_zip(package.read_bytes())["schedules.csv"])
    assert {(r["byday"], r["opens_at"], r["description"]) for r in table} == {
        ("MO,TU,WE,TH,FR", "08:30:00", ""),
        ("", "", "By appointment only."),
    }
