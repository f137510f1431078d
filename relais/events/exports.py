"""Files made for organisers and participants: participant lists (CSV, XLSX)
and certificates of attendance (PDF, WeasyPrint)."""

import csv
import io
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from relais.core.pdf import html_to_pdf

from .models import Event, Registration


def _header() -> list[str]:
    return [
        _("Name"),
        _("E-mail address"),
        _("Profession"),
        _("Organisation"),
        _("Status"),
        _("Registered on"),
        _("Attended"),
    ]


def _safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _rows(registrations: Iterable[Registration]) -> list[list[str]]:
    rows = []
    for r in registrations:
        attended = "" if r.attended is None else (_("yes") if r.attended else _("no"))
        rows.append(
            [
                _safe(r.name),
                _safe(r.email),
                str(r.get_profession_display()),
                _safe(r.organisation_label),
                str(r.get_status_display()),
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                str(attended),
            ]
        )
    return rows


def participants_csv(registrations: Iterable[Registration]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows(_rows(registrations))
    # With a byte-order mark, so that spreadsheet programs read UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def participants_xlsx(registrations: Iterable[Registration], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Participants")[:31]
    sheet.append(_header())
    for row in _rows(registrations):
        sheet.append(row)
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def certificate_pdf(registration: Registration, event: Event) -> bytes:
    """The certificate of attendance, in the participant's language."""
    with translation.override(registration.language or "en"):
        html = render_to_string(
            "events/certificate.html",
            {
                "registration": registration,
                "event": event,
                "organisers": list(event.organisers.all()),
                "language": registration.language or "en",
            },
        )
    return html_to_pdf(html)
