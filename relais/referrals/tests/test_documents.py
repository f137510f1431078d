"""Documents: PDF and images only, by content; metadata stripped; size limited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from relais.referrals.documents import document_check
from relais.referrals.models import Document

from .conftest import PDF

pytestmark = pytest.mark.django_db


def jpeg_with_gps():
    image = Image.new("RGB", (32, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "FictitiousCameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0)}  # GPS info
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_image_loses_its_metadata():
    content = jpeg_with_gps()
    assert b"FictitiousCameraMaker" in content
    checked = document_check(
        SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
    )
    assert checked.content_type == "image/jpeg"
    assert b"FictitiousCameraMaker" not in checked.content
    assert not Image.open(io.BytesIO(checked.content)).getexif()


def test_a_file_that_lies_about_its_type_is_refused(clients, referral_full):
    exe = b"MZ\x90\x00fictitious program"
    url = reverse("referrals:message", args=[referral_full.pk])
    before = Document.objects.count()
    for name, content, declared in [
        ("report.pdf", exe, "application/pdf"),
        ("photo.png", PDF, "image/png"),
        ("report.pdf", jpeg_with_gps(), "application/pdf"),
    ]:
        response = clients["member_b"].post(
            url,
            {
                "body": "Typed text that must not be lost",
                "document": SimpleUploadedFile(name, content, content_type=declared),
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Typed text that must not be lost" in body
        assert 'role="alert"' in body
    assert Document.objects.count() == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    clients, referral_full, settings
):
    settings.RELAIS_REFERRAL_DOCUMENT_MAX_BYTES = 1000
    response = clients["member_b"].post(
        reverse("referrals:message", args=[referral_full.pk]),
        {"document": SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)},
    )
    assert response.status_code == 400
    assert "largest accepted" in response.content.decode()


def test_a_200_mb_upload_is_refused_by_its_size():
    class Huge:
        name = "huge.pdf"
        size = 200 * 1000 * 1000
        content_type = "application/pdf"

        def seek(self, offset):
            raise AssertionError("a file over the limit is never read")

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        document_check(Huge())
    assert refused.value.code == "too_large"


def test_a_good_pdf_goes_through_and_downloads_as_an_attachment(clients, referral_sent):
    response = clients["member_b"].post(
        reverse("referrals:message", args=[referral_sent.pk]),
        {
            "body": "The hearing notice",
            "document": SimpleUploadedFile(
                "notice.pdf", PDF, content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(referral=referral_sent)
    download = clients["member_a"].get(
        reverse("referrals:document", args=[referral_sent.pk, document.pk])
    )
    assert download.content == PDF
    assert "attachment" in download["Content-Disposition"]
    assert "notice.pdf" in download["Content-Disposition"]
