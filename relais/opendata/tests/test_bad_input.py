"""Bad input: every problem is named by file, row and field, and nothing changes."""

import io
import json
import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from relais.directory.models import Organization, Phone, SearchDocument
from relais.opendata.apply.values import (
    COLUMNS,
    MODELS,
    parse_uuid,
    phone_without_its_plus,
    postal_code_with_its_zeros,
)
from relais.opendata.apply.writer import column_plan
from relais.opendata.services import import_file

pytestmark = pytest.mark.django_db

ORG = "6f1c2b1e-1d3a-4c1e-9a7b-0a1b2c3d4e5f"
OTHER = "7a2d3c4b-2e4b-4d2f-8b8c-1b2c3d4e5f60"
MISSING = "8b3e4d5c-3f5c-4e30-9c9d-2c3d4e5f6071"
HEADER = "name,country,city,phone,services\n"


def errors(result):
    return [
        (f.file, f.row, f.field) for f in result.findings.kept if f.level == "error"
    ]


def messages(result):
    return " ".join(f.message for f in result.findings.kept)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def assert_nothing_imported(result):
    assert not result.ok
    assert not Organization.objects.exists()
    assert not SearchDocument.objects.exists()


# The listing template ---------------------------------------------------------


def test_template_creates_listings_with_their_city_phone_and_services(tmp_path):
    path = write(
        tmp_path,
        "listings.csv",
        HEADER + 'Fictitious Haven,BE,Antwerpen,03 201 16 90,"Shelter; Legal advice"\n',
    )
    result = import_file(path=path)
    assert result.ok, errors(result)
    organization = Organization.objects.get()
    assert (organization.name, organization.country) == ("Fictitious Haven", "BE")
    assert Phone.objects.get().number == "+3232011690"
    assert sorted(s.name for s in organization.services.all()) == [
        "Legal advice",
        "Shelter",
    ]
    assert organization.locations.get().addresses.get().city == "Antwerpen"


def test_template_matched_by_name_and_country_updates_in_place(tmp_path):
    path = write(tmp_path, "a.csv", HEADER + "Fictitious Haven,BE,Gent,,\n")
    import_file(path=path)
    again = write(tmp_path, "b.csv", HEADER + "Fictitious Haven,BE,Brugge,,\n")
    result = import_file(path=again)
    assert result.ok
    organization = Organization.objects.get()
    assert organization.locations.get().addresses.get().city == "Brugge"
    assert import_file(path=again).totals()["updated"] == 0


@pytest.mark.parametrize(
    "content",
    [
        # A spreadsheet's semicolons, in Latin-1.
        "name;country;city\nFictitious Asociația Speranța;RO;Iași\n".encode(
            "cp1252", "replace"
        ),
        # UTF-8 with a byte-order mark.
        "\ufeffname,country,city\nFictitious Asociația Speranța,RO,Iași\n".encode(),
    ],
    ids=["latin1-semicolons", "utf8-bom"],
)
def test_template_reads_spreadsheet_encodings_and_separators(tmp_path, content):
    result = import_file(path=write(tmp_path, "listings.csv", content))
    assert result.ok, errors(result)
    organization = Organization.objects.get()
    assert organization.country == "RO"
    assert organization.name.startswith("Fictitious Asocia")


def test_latin1_text_keeps_its_accents(tmp_path):
    content = "name;country;city\nFictitious Café Liège;BE;Liège\n".encode("latin-1")
    assert import_file(path=write(tmp_path, "l.csv", content)).ok
    assert Organization.objects.get().name == "Fictitious Café Liège"


def test_template_xlsx(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "country", "phone"])
    sheet.append(["Fictitious Haven", "SE", "+46 8 123 456 78"])
    path = tmp_path / "listings.xlsx"
    workbook.save(path)
    result = import_file(path=path)
    assert result.ok, errors(result)
    assert Organization.objects.get().country == "SE"


def test_xlsx_numbers_that_lost_their_zeros_or_plus_are_restored_with_a_warning(
    tmp_path,
):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "country", "phone", "postal_code", "city"])
    # Typed into a spreadsheet, 010011 became the number 10011 and
    # +40 21 311 12 34 the number 40213111234 (still a valid Romanian number).
    sheet.append(["Fictitious Speranța", "RO", 40213111234, 10011, "București"])
    # A Belgian listing's Romanian number: without its + it is no Belgian number.
    sheet.append(["Fictitious Haven", "BE", 40213111234, 2000, "Antwerpen"])
    # A national number without its 0 is still a valid national number.
    sheet.append(["Fictitious Harbour", "BE", 470123456, 1000, "Bruxelles"])
    path = tmp_path / "listings.xlsx"
    workbook.save(path)
    result = import_file(path=path)
    assert result.ok, errors(result)
    numbers = {o.name: o.phones.get().number for o in Organization.objects.all()}
    assert numbers == {
        "Fictitious Speranța": "+40213111234",
        "Fictitious Haven": "+40213111234",
        "Fictitious Harbour": "+32470123456",
    }
    postal_codes = {
        o.name: o.locations.get().addresses.get().postal_code
        for o in Organization.objects.all()
    }
    assert postal_codes == {
        "Fictitious Speranța": "010011",
        "Fictitious Haven": "2000",
        "Fictitious Harbour": "1000",
    }
    kept = result.findings.kept
    warnings = sorted((f.row, f.field, f.message) for f in kept if f.level == "warning")
    assert [(row, field) for row, field, _m in warnings] == [
        (2, "postal_code"),
        (3, "number"),
    ]
    assert "010011" in warnings[0][2] and "+40213111234" in warnings[1][2]
    # Importing the same file again changes nothing.
    assert import_file(path=path).totals()["updated"] == 0


@pytest.mark.parametrize(
    ("code", "country", "restored"),
    [
        ("10011", "RO", "010011"),
        ("8001", "ES", "08001"),
        ("1000", "BE", None),  # already a Belgian code
        ("100", "BE", None),  # Belgian codes never begin with 0: a typo
        ("150", "NO", "0150"),
        ("1234AB", "NL", None),  # not digits only
        ("10011", "SE", None),  # Swedish codes are written 100 11
        ("10011", "XX", None),  # no known format
        ("", "RO", None),
        ("١٠٠١١", "RO", None),  # digits of another script are not ours to pad
    ],
)
def test_postal_codes_get_back_the_zeros_a_spreadsheet_dropped(code, country, restored):
    assert postal_code_with_its_zeros(code, country) == restored


@pytest.mark.parametrize(
    ("number", "region", "read_as"),
    [
        ("40213111234", "BE", "+40213111234"),
        ("40 21 311 12 34", None, "+40213111234"),
        ("0470123456", "RO", None),  # a national 0 is never an international code
        ("12", "BE", None),
        ("not a number", "BE", None),
        ("99999999999", None, None),
    ],
)
def test_phone_numbers_that_lost_their_plus(number, region, read_as):
    assert phone_without_its_plus(number, region) == read_as


def test_unknown_and_missing_columns(tmp_path):
    path = write(tmp_path, "t.csv", "name,town\nFictitious Haven,Gent\n")
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert ("t.csv", 1, "town") in errors(result)
    assert ("t.csv", 1, "country") in errors(result)


def test_bad_rows_are_all_named_and_nothing_is_imported(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        HEADER
        + "Fictitious Good,BE,Gent,,\n"
        + ",BE,Gent,,\n"
        + "Fictitious Nowhere,XX,Gent,,\n"
        + "Fictitious Phone,BE,Gent,12,\n",
    )
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [
        ("t.csv", 3, "name"),
        ("t.csv", 4, "country"),
        ("t.csv", 5, "number"),
    ]


def test_row_with_too_many_cells(tmp_path):
    result = import_file(path=write(tmp_path, "t.csv", "name,country\na,BE,extra\n"))
    assert_nothing_imported(result)
    assert errors(result) == [("t.csv", 2, "")]


# HSDS JSON ---------------------------------------------------------------------


def test_malformed_json(tmp_path):
    result = import_file(
        path=write(tmp_path, "x.json", '[{"id": "' + ORG + '", "name": ')
    )
    assert_nothing_imported(result)
    assert errors(result)[0][0] == "x.json"
    assert "malformed" in messages(result)


def test_duplicate_ids(tmp_path):
    records = [{"id": ORG, "name": "Fictitious A"}, {"id": ORG, "name": "Fictitious B"}]
    result = import_file(path=write(tmp_path, "d.json", json.dumps(records)))
    assert_nothing_imported(result)
    assert errors(result) == [("d.json", "record 2", "id")]


def test_service_of_a_missing_organisation(tmp_path):
    records = [
        {"id": ORG, "name": "Fictitious A"},
        {"id": OTHER, "name": "Help", "status": "active", "organization_id": MISSING},
    ]
    result = import_file(path=write(tmp_path, "s.json", json.dumps(records)))
    assert_nothing_imported(result)
    assert errors(result) == [("s.json", "record 2", "organization_id")]
    assert MISSING in messages(result)


def test_invalid_country_in_an_address(tmp_path):
    record = {
        "id": ORG,
        "name": "Fictitious A",
        "locations": [
            {
                "id": OTHER,
                "location_type": "physical",
                "addresses": [
                    {
                        "id": MISSING,
                        "address_1": "1 Rue",
                        "city": "Liège",
                        "state_province": "",
                        "postal_code": "4000",
                        "country": "Belgium",
                        "address_type": "physical",
                    }
                ],
            }
        ],
    }
    result = import_file(path=write(tmp_path, "c.json", json.dumps(record)))
    assert_nothing_imported(result)
    assert errors(result) == [("c.json", "record 1", "country")]


# Files and archives -----------------------------------------------------------


def zip_of(tmp_path, members, name="p.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_path_traversal_inside_a_zip(tmp_path):
    path = zip_of(
        tmp_path, {"../../etc/passwd": "root", "organizations.csv": "id,name\n"}
    )
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [("p.zip", "../../etc/passwd", "")]


def test_absolute_path_inside_a_zip(tmp_path):
    path = zip_of(tmp_path, {"/etc/passwd": "root"})
    assert errors(import_file(path=path)) == [("p.zip", "/etc/passwd", "")]


def test_zip_bomb(tmp_path):
    path = zip_of(tmp_path, {"organizations.csv": b"0" * 50_000_000})
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert "zip bomb" in messages(result)


@override_settings(RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES=1000)
def test_zip_that_unpacks_beyond_the_limit(tmp_path):
    path = zip_of(tmp_path, {"organizations.csv": "id,name\n" + "x" * 2000})
    assert "unpacks to" in messages(import_file(path=path))


@override_settings(RELAIS_IMPORT_MAX_BYTES=1000)
def test_oversized_file(tmp_path):
    path = write(tmp_path, "big.json", "[" + " " * 2000 + "]")
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [("big.json", None, "")]
    assert "limit" in messages(result)


def test_datapackage_tables_are_checked_row_by_row(tmp_path):
    data = io.StringIO()
    data.write("id,name,description\n")
    data.write(f"{ORG},Fictitious A,\n")
    data.write(f"{OTHER},,\n")
    path = zip_of(tmp_path, {"organizations.csv": data.getvalue()})
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [("p.zip/organizations.csv", 3, "name")]


def test_unknown_kind_of_file(tmp_path):
    result = import_file(path=write(tmp_path, "notes.txt", "hello"))
    assert not result.ok


@pytest.mark.parametrize(
    "text",
    [
        "3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f",
        "3F2B8C1E5D7A4E9B8C6D1A2B3C4D5E6F",
        "{3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f}",
        "urn:uuid:3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f",
        "3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6",
        "3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6g",
        "3f2b8c1e_5d7a_4e9b_8c6d_1a2b3c4d5e6f",
        "0x2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f",
        "３f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f",
        "",
    ],
)
def test_ids_are_read_as_the_uuid_constructor_reads_them(text):
    def outcome(parse):
        try:
            made = parse(text)
        except ValueError:
            return "refused"
        return (made, made.int, str(made), hash(made), made.is_safe)

    assert outcome(parse_uuid) == outcome(uuid.UUID)


def test_cells_are_cleaned_as_the_model_fields_clean_them():
    samples = [
        "Fictitious Association",
        "x" * 5000,
        "nul\x00inside",
        "active",
        "inactive",
        "not-a-choice",
        "contact@example.org",
        "not an e-mail",
        "https://example.org/",
        "1999",
        1999,
        12.5,
    ]

    def outcome(clean, raw):
        try:
            return ("value", clean(raw))
        except ValidationError as exc:
            return ("error", exc.messages)

    def field_outcome(field, raw):
        try:
            return outcome(lambda r: field.clean(r, None), raw)
        except TypeError:
            # Django's date and time fields raise TypeError on a number; the
            # import refuses it with the field's own message instead.
            message = field.error_messages["invalid"] % {"value": raw}
            return ("error", [message])

    for table in COLUMNS:
        model_plan = column_plan(table, "fr")
        for _column, name, clean, _required, _empty in model_plan:
            field = MODELS[table]._meta.get_field(name)
            for raw in samples:
                assert outcome(clean, raw) == field_outcome(field, raw), (
                    table,
                    name,
                    raw,
                )


# Hostile files: nesting, damaged archives, control characters -----------------

NESTED_READ = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))
import django
django.setup()
from relais.opendata.findings import Findings
from relais.opendata.readers import Limits, SourceRejected, read
findings = Findings()
try:
    for _batch in read(Path(sys.argv[1]), "nested.json", findings,
                       Limits.from_settings()):
        pass
except SourceRejected:
    pass
print(*findings.kept, sep="\\n")
"""


def test_deeply_nested_json_is_refused_before_it_is_parsed(tmp_path):
    # 200 kB of `[` grew an unbounded reader to 22 GB: read in a child with
    # 2 GB of address space and a time limit, so a regression fails here
    # instead of eating the machine.
    import os
    import subprocess
    import sys

    path = write(tmp_path, "nested.json", "[" * 200_000)
    child = subprocess.run(
        [sys.executable, "-c", NESTED_READ, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "relais.settings"},
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "error: nested.json: The JSON is nested more than 64 levels" in (
        child.stdout
    )


@pytest.mark.parametrize("name", ["n.json", "n.ndjson"])
def test_json_beyond_the_depth_limit_is_refused(tmp_path, name):
    path = write(tmp_path, name, '{"id": ' + "[" * 70 + "]" * 70 + "}\n")
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [(name, None, "")]
    assert "nested more than 64 levels" in messages(result)


def test_deeply_nested_datapackage_descriptor_is_refused(tmp_path):
    descriptor = '{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = zip_of(
        tmp_path,
        {"datapackage.json": descriptor, "organizations.csv": "id,name\n"},
    )
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert errors(result) == [("p.zip/datapackage.json", None, "")]
    assert "nested more than" in messages(result)


def damaged_zip(tmp_path):
    path = zip_of(
        tmp_path,
        {"organizations.csv": f"id,name\n{ORG},Fictitious Haven\n"},
    )
    data = bytearray(path.read_bytes())
    # Flip one byte of the stored CRC-32 (local header and central
    # directory): the archive opens, the member fails only once it is read.
    data[14] ^= 0xFF
    data[data.rfind(b"PK\x01\x02") + 16] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_zip_with_a_bad_crc_is_a_finding(tmp_path):
    result = import_file(path=damaged_zip(tmp_path))
    assert_nothing_imported(result)
    assert "damaged" in messages(result)


def test_nul_in_free_text_is_removed_with_a_warning_and_line_breaks_stay(tmp_path):
    record = {
        "id": ORG,
        "name": "Fictitious\x00 Haven\x07",
        "description": "First line\nsecond\tline\x00",
    }
    path = write(tmp_path, "c.json", json.dumps(record))
    result = import_file(path=path)
    assert result.ok, errors(result)
    organization = Organization.objects.get()
    assert organization.name == "Fictitious Haven"
    assert organization.description == "First line\nsecond\tline"
    warned = {f.field for f in result.findings.kept if f.level == "warning"}
    assert {"name", "description"} <= warned


def test_control_character_in_an_identifier_is_refused(tmp_path):
    path = write(
        tmp_path,
        "c.json",
        json.dumps({"id": ORG, "name": "Fictitious Haven", "email": "a@b.org"}).replace(
            ORG, ORG[:-1] + "\\u0000"
        ),
    )
    result = import_file(path=path)
    assert_nothing_imported(result)
    assert ("c.json", "record 1", "id") in errors(result)


# Opening hours ----------------------------------------------------------------

HOURS = "9c4f5e6d-4a6d-4f41-8dae-3d4e5f607182"


def listing_with_hours(**schedule):
    return {
        "id": ORG,
        "name": "Fictitious A",
        "locations": [
            {
                "id": OTHER,
                "location_type": "physical",
                "schedules": [{"id": HOURS, **schedule}],
            }
        ],
    }


def test_opening_hours_nested_in_a_location_are_imported(tmp_path):
    from datetime import time

    from relais.directory.models import Schedule

    record = listing_with_hours(
        freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:30"
    )
    result = import_file(path=write(tmp_path, "h.json", json.dumps(record)))
    assert result.ok, [str(f) for f in result.findings.kept]
    schedule = Schedule.objects.get(pk=HOURS)
    assert str(schedule.location_id) == OTHER
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "MO,TU,WE,TH,FR",
        time(9),
        time(17, 30),
    )


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"byday": "Monday", "opens_at": "09:00", "closes_at": "17:00"}, "byday"),
        ({"byday": "MO", "opens_at": "17:00", "closes_at": "09:00"}, "closes_at"),
        ({"byday": "MO", "opens_at": "9 am", "closes_at": "17:00"}, "opens_at"),
        ({"byday": "MO"}, "description"),
    ],
)
def test_bad_opening_hours_are_named_and_nothing_is_imported(tmp_path, schedule, field):
    record = listing_with_hours(**schedule)
    result = import_file(path=write(tmp_path, "h.json", json.dumps(record)))
    assert_nothing_imported(result)
    assert errors(result) == [("h.json", "record 1", field)]


SERVICE = "0d4f5e6d-5b7e-4f52-9ebf-4e5f60718293"
AT = "1e5f6a7b-6c8f-4a63-8fc0-5f6071829304"


def listing_with_hours_at_a_location(**schedule):
    """A service delivered at a location, with its own hours there."""
    return {
        "id": ORG,
        "name": "Fictitious A",
        "locations": [{"id": OTHER, "location_type": "physical"}],
        "services": [
            {
                "id": SERVICE,
                "name": "Fictitious legal advice",
                "status": "active",
                "service_at_locations": [
                    {
                        "id": AT,
                        "location_id": OTHER,
                        "schedules": [{"id": HOURS, **schedule}],
                    }
                ],
            }
        ],
    }


def test_opening_hours_of_a_service_at_a_location_are_kept_there(tmp_path):
    from datetime import time

    from relais.directory.models import Schedule

    record = listing_with_hours_at_a_location(
        freq="WEEKLY", byday="TU,TH", opens_at="14:00", closes_at="18:00"
    )
    result = import_file(path=write(tmp_path, "h.json", json.dumps(record)))
    assert result.ok, [str(f) for f in result.findings.kept]
    schedule = Schedule.objects.get(pk=HOURS)
    assert str(schedule.service_at_location_id) == AT
    assert (schedule.service_id, schedule.location_id) == (None, None)
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "TU,TH",
        time(14),
        time(18),
    )


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"byday": "MO", "opens_at": "17:00", "closes_at": "09:00"}, "closes_at"),
        ({"byday": "MO"}, "description"),
    ],
)
def test_bad_opening_hours_of_a_service_at_a_location_are_named(
    tmp_path, schedule, field
):
    record = listing_with_hours_at_a_location(**schedule)
    result = import_file(path=write(tmp_path, "h.json", json.dumps(record)))
    assert_nothing_imported(result)
    assert errors(result) == [("h.json", "record 1", field)]


def test_a_schedule_naming_an_unknown_service_at_location_is_named(tmp_path):
    header = "id,service_at_location_id,byday,opens_at,closes_at\n"
    row = f"{HOURS},{MISSING},MO,09:00,17:00\n"
    path = tmp_path / "tables.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schedules.csv", header + row)
    result = import_file(path=path)
    assert not result.ok
    assert "service_at_location_id" in {field for *_x, field in errors(result)}
