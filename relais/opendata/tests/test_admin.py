"""Imports in the administration: upload → preview → confirm, platform admins only."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from relais.audit.models import AuditEntry
from relais.directory.models import Organization
from relais.opendata.models import ImportedRecord, ImportRun

pytestmark = pytest.mark.django_db

CSV = b"name,country,city\nFictitious Haven,BE,Gent\n"


@pytest.fixture(autouse=True)
def pending_dir(tmp_path, settings):
    settings.RELAIS_IMPORT_PENDING_DIR = tmp_path / "pending"
    return settings.RELAIS_IMPORT_PENDING_DIR


def upload(client, content=CSV, name="listings.csv"):
    return client.post(
        reverse("admin:imports_upload"),
        {"file": SimpleUploadedFile(name, content), "language": "en"},
    )


def test_upload_preview_then_confirm_imports_and_audits(
    platform_admin_client, platform_admin, pending_dir
):
    response = upload(platform_admin_client)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_preview", args=[run.pk])
    assert not Organization.objects.exists()
    assert len(list(Path(pending_dir).iterdir())) == 1

    preview = platform_admin_client.get(response["Location"])
    assert preview.status_code == 200
    assert b"3 to create, 0 to update, 0 unchanged" in preview.content

    platform_admin_client.post(reverse("admin:imports_confirm", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    assert run.created_by == platform_admin
    organization = Organization.objects.get()
    assert ImportedRecord.objects.filter(run=run, resource_id=organization.pk).exists()
    assert list(Path(pending_dir).iterdir()) == []
    entry = AuditEntry.objects.get(action="directory_import")
    assert entry.target == str(run.pk)
    assert "Haven" not in str(entry.details)


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(
    platform_admin_client, pending_dir
):
    response = upload(platform_admin_client, b"name,country\nFictitious Haven,XX\n")
    preview = platform_admin_client.get(response["Location"])
    assert "XX" in preview.content.decode()
    assert b"Confirm the import" not in preview.content
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    platform_admin_client.post(reverse("admin:imports_confirm", args=[run.pk]))
    assert not Organization.objects.exists()
    assert list(Path(pending_dir).iterdir()) == []


def test_cancel_deletes_the_kept_file(platform_admin_client, pending_dir):
    upload(platform_admin_client)
    run = ImportRun.objects.get()
    platform_admin_client.post(reverse("admin:imports_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert list(Path(pending_dir).iterdir()) == []
    assert not Organization.objects.exists()


@override_settings(RELAIS_IMPORT_MAX_BYTES=10)
def test_oversized_upload_is_refused_with_a_message(platform_admin_client):
    response = upload(platform_admin_client)
    assert response.status_code == 200
    assert b"the limit is" in response.content
    assert not ImportRun.objects.exists()


def test_uploaded_name_never_becomes_a_path(platform_admin_client, pending_dir):
    upload(platform_admin_client, name="../../evil.csv")
    run = ImportRun.objects.get()
    assert run.file_name == "evil.csv"
    [kept] = Path(pending_dir).iterdir()
    assert kept.name == f"{run.pk}.csv"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_template_downloads_and_imports_as_is(platform_admin_client, tmp_path, kind):
    response = platform_admin_client.get(reverse("admin:imports_template", args=[kind]))
    assert response.status_code == 200
    from relais.opendata.services import import_file

    path = tmp_path / f"template.{kind}"
    path.write_bytes(response.content)
    result = import_file(path=path, dry_run=True)
    assert result.ok, [str(f) for f in result.findings.kept]
    assert result.counts["organization"]["created"] == 1


@pytest.mark.parametrize(
    "client_fixture", ["member_be_client", "outsider_ro_client", "anonymous"]
)
def test_only_platform_admins_reach_the_import_pages(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    response = client.post(
        reverse("admin:imports_upload"),
        {"file": SimpleUploadedFile("l.csv", CSV), "language": "en"},
    )
    assert response.status_code in (302, 403)
    assert not ImportRun.objects.exists()
    assert client.get(reverse("admin:imports_template", args=["csv"])).status_code in (
        302,
        403,
    )


def test_a_preview_is_confirmed_once(platform_admin_client, platform_admin):
    upload(platform_admin_client)
    run = ImportRun.objects.get()
    confirm = reverse("admin:imports_confirm", args=[run.pk])
    platform_admin_client.post(confirm)
    platform_admin_client.post(confirm)
    assert AuditEntry.objects.filter(action="directory_import").count() == 1
    assert ImportedRecord.objects.filter(run=run).count() == 3


def test_the_change_page_of_an_import_is_its_report(platform_admin_client):
    upload(platform_admin_client)
    run = ImportRun.objects.get()
    response = platform_admin_client.get(
        reverse("admin:opendata_importrun_change", args=[run.pk])
    )
    assert response["Location"] == reverse("admin:imports_preview", args=[run.pk])


def test_nested_json_upload_is_refused_with_a_finding(platform_admin_client):
    response = upload(platform_admin_client, b"[" * 5000, name="nested.json")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.status == ImportRun.Status.REJECTED
    assert "nested more than" in run.findings[0]["message"]
    assert run.findings[0]["file"] == "nested.json"
    assert not Organization.objects.exists()


def test_damaged_zip_upload_is_a_finding_not_an_error_page(platform_admin_client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", "id,name\n" + "x,y\n" * 50)
    data = bytearray(buffer.getvalue())
    data[14] ^= 0xFF
    data[data.rfind(b"PK\x01\x02") + 16] ^= 0xFF
    response = upload(platform_admin_client, bytes(data), name="p.zip")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert any("damaged" in f["message"] for f in run.findings)


def test_deeply_nested_datapackage_upload_is_a_finding(platform_admin_client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", "[" * 50_000 + "]" * 50_000)
        archive.writestr("organizations.csv", "id,name\n")
    response = upload(platform_admin_client, buffer.getvalue(), name="p.zip")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert run.findings[0]["file"] == "p.zip/datapackage.json"
