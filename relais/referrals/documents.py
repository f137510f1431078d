"""Documents in a referral: PDF and images only, checked by their content.

The type is read from the file's first bytes (its magic number), never
trusted from the name or the browser; a file that says it is one type and
is another is refused. Images are decoded and written again without their
metadata (camera, GPS position, author), so that a photo never tells where
the person is.
"""

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAGIC = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class DocumentCheck:
    name: str
    content_type: str
    content: bytes


def sniffed_type(head: bytes) -> str | None:
    for magic, content_type in MAGIC.items():
        if head.startswith(magic):
            return content_type
    return None


def _name(raw: str) -> str:
    # Only the last path part, without control characters, at most 150 characters.
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name[-150:] or "document"


def image_without_metadata(content: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            # Pixels only: EXIF, XMP, ICC and text chunks stay behind.
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P" and image.getpalette():
                pixels.putpalette(image.getpalette() or [])
            out = io.BytesIO()
            pixels.save(out, format=PILLOW_FORMATS[content_type])
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        raise ValidationError(
            _("The image could not be read: it is damaged or not really an image."),
            code="damaged",
        ) from None
    return out.getvalue()


def document_check(upload: Any) -> DocumentCheck:
    """The checked document of an uploaded file, or a clear ValidationError."""
    limit = settings.RELAIS_REFERRAL_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    name = _name(getattr(upload, "name", "") or "")
    content_type = sniffed_type(content[:16])
    if content_type is None:
        raise ValidationError(
            _("Only PDF documents and PNG or JPEG images can be attached."),
            code="type",
        )
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    if extension not in EXTENSIONS[content_type] or (
        declared and declared != "application/octet-stream" and declared != content_type
    ):
        raise ValidationError(
            _(
                "The file “%(name)s” is not what it says it is: its content is "
                "%(actual)s. Rename it or attach the right file."
            ),
            code="type_mismatch",
            params={"name": name, "actual": content_type},
        )
    if content_type in PILLOW_FORMATS:
        content = image_without_metadata(content, content_type)
    return DocumentCheck(name=name, content_type=content_type, content=content)
