"""Downloads of the directory's current search: HSDS data package or JSON,
CSV or XLSX, with public details or, re-authenticated and audited, with
professional-only details."""

import io
import tempfile
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from relais.core.ratelimit import rate_limited
from relais.core.sessions import recent_authentication_required
from relais.core.viewers import is_professional
from relais.directory.forms import DirectorySearchForm
from relais.directory.services import export_audit_record

from .exports import EXPORT_FORMATS, export_to, search_summary, searched_organizations
from .hsds import HSDSSerializer


@login_not_required
@rate_limited("download", methods=("GET", "HEAD"))
@require_safe
def directory_export(request: HttpRequest, kind: str) -> FileResponse:
    """The current search (the same query string) as an HSDS export, CSV or XLSX.

    Public details only, whoever asks: the same file an anonymous visitor gets,
    so it needs neither re-authentication nor an audit entry.
    """
    response, _count = _export_response(request, kind, viewer=None)
    return response


@never_cache
@recent_authentication_required  # type: ignore[arg-type]  # typed for HttpResponse
@rate_limited("download", methods=("GET", "HEAD"))
@require_safe
def directory_export_professional(request: HttpRequest, kind: str) -> FileResponse:
    """The current search with professional-only details, after re-authentication."""
    if not is_professional(request.user):
        raise PermissionDenied
    response, count = _export_response(request, kind, viewer=request.user)
    export_audit_record(
        request=request,
        kind=kind,
        filters=search_summary(DirectorySearchForm(request.GET).search_query()),
        count=count,
    )
    return response


def _export_response(
    request: HttpRequest, kind: str, *, viewer: Any
) -> tuple[FileResponse, int]:
    """The export for `viewer`: None for the public file, whoever asks."""
    if kind not in EXPORT_FORMATS:
        raise Http404(_("This export format does not exist."))
    extension, content_type, binary = EXPORT_FORMATS[kind]
    query = DirectorySearchForm(request.GET).search_query()
    serializer = HSDSSerializer(viewer=viewer)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    out = spool if binary else io.TextIOWrapper(spool, encoding="utf-8", newline="")
    count = export_to(out, kind, searched_organizations(query), serializer)
    out.flush()
    if not binary:
        out.detach()  # type: ignore[union-attr]
    spool.seek(0)
    stamp = timezone.localdate().isoformat()
    name = (
        "relais-directory-hsds"
        if kind in ("datapackage", "json")
        else "relais-directory"
    )
    if serializer.professional:
        name += "-professional"
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}-{stamp}.{extension}",
        content_type=content_type,
    )
    return response, count
