import uuid
from typing import Any

import nh3
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_countries import countries
from django_htmx.middleware import HtmxDetails

from relais.core.ratelimit import rate_limited
from relais.core.sessions import recent_authentication_required
from relais.core.viewers import is_professional

from . import panels, printable, selectors
from .forms import RADIUS_CHOICES, SORT_CHOICES, DirectorySearchForm
from .search import search
from .search.gazetteer import places_matching
from .services import export_audit_record
from .vcard import contact_vcard, organization_vcard


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/home.html",
        {"countries": selectors.countries_with_listings()},
    )


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@login_not_required
@rate_limited("search", methods=("GET", "HEAD"))
@require_safe
def directory_list(request: HtmxHttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    query = form.search_query(per_page=settings.RELAIS_DIRECTORY_PAGE_SIZE)
    result = search(query)
    if result.total and query.page > result.pages:
        query.page = result.pages
        result = search(query)
    organizations = [hit.organization for hit in result.hits]
    cards = selectors.listing_cards(organizations)
    distances = {hit.organization.pk: hit.distance_km for hit in result.hits}
    context = {
        "form": form,
        "result": result,
        "query": query,
        "cards": [(card, distances.get(card.organization.pk)) for card in cards],
        "facet_groups": selectors.facet_groups(result),
        "map_points": selectors.map_points(organizations),
        "map_tile_url": settings.RELAIS_MAP_TILE_URL,
        "map_attribution": _map_attribution(),
        "filter_errors": [
            (form.fields[name].label or name, error)
            for name, errors in form.errors.items()
            for error in errors
        ],
        "query_without_page": _query_without_page(request),
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": SORT_CHOICES,
    }
    # A history restore (htmx's cache missed) needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context["partial"] = partial
    template = "directory/_search.html" if partial else "directory/list.html"
    response = render(request, template, context)
    # The same address answers a page or a fragment: caches must keep both apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_not_required
@require_safe
def place_options(request: HttpRequest) -> HttpResponse:
    """Gazetteer places matching what is typed, as <option>s for a datalist."""
    prefix = request.GET.get("near", "")[:100]
    return render(
        request, "directory/_place_options.html", {"places": places_matching(prefix)}
    )


def _map_attribution() -> str:
    """The configured attribution of the map tiles, kept to text and links:
    Leaflet writes it into the page as HTML."""
    return nh3.clean(
        settings.RELAIS_MAP_ATTRIBUTION,
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes={"https", "http"},
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _listing_or_404(slug: str):  # type: ignore[no-untyped-def]
    organization = selectors.organization_get(slug)
    if organization is None:
        raise Http404(_("No listing has this address."))
    return organization


@login_not_required
@require_safe
def listing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _listing_or_404(slug)
    detail = selectors.listing_detail(organization, request.user)
    return render(
        request,
        "directory/detail.html",
        {
            "detail": detail,
            "org": organization,
            "panels": panels.listing_panels(request, organization),
        },
    )


@login_not_required
@require_safe
def organization_vcard_download(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _listing_or_404(slug)
    detail = selectors.listing_detail(organization, request.user)
    return _vcard_response(
        organization_vcard(organization, email=detail.email, phones=detail.phones),
        organization.slug,
    )


@login_not_required
@require_safe
def contact_vcard_download(
    request: HttpRequest, slug: str, contact_id: uuid.UUID
) -> HttpResponse:
    organization = _listing_or_404(slug)
    contact = selectors.contact_get_visible(organization, contact_id, request.user)
    if contact is None:
        raise Http404(_("No contact has this address."))
    name = slugify(contact.name or contact.department) or "contact"
    return _vcard_response(
        contact_vcard(contact, phones=contact.phones.all()),
        f"{organization.slug}-{name}",
    )


def _vcard_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


@login_not_required
@require_safe
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if code not in countries:
        raise Http404(_("Unknown country."))
    organizations = list(selectors.organizations_in_country(code))
    cards = selectors.listing_cards(organizations)
    groups: dict[str, list[selectors.ListingCard]] = {}
    for card in cards:
        label = card.types[0].name if card.types else _("Other")
        groups.setdefault(label, []).append(card)
    return render(
        request,
        "directory/country.html",
        {
            "country_code": code,
            "country_name": countries.name(code),
            "groups": sorted(groups.items()),
            "count": len(cards),
        },
    )


@login_not_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def country_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The printable directory of a country, public details only (see printable)."""
    response, _count = _country_pdf_response(request, code, viewer=None)
    return response


@never_cache
@recent_authentication_required
@rate_limited("pdf", methods=("GET", "HEAD"))
@require_safe
def country_pdf_professional(request: HttpRequest, code: str) -> HttpResponse:
    """The printable directory with professional-only details, re-authenticated."""
    if not is_professional(request.user):
        raise PermissionDenied
    response, count = _country_pdf_response(request, code, viewer=request.user)
    if count is not None:
        export_audit_record(
            request=request,
            kind="pdf",
            filters={"country": [code.upper()]},
            count=count,
        )
    return response


def _country_pdf_response(
    request: HttpRequest, code: str, *, viewer: Any
) -> tuple[HttpResponse, int | None]:
    """The PDF for `viewer`: None for the public edition, whoever asks."""
    code = code.upper()
    if code not in countries:
        raise Http404(_("Unknown country."))
    page = reverse("directory:country", args=[code.lower()])
    try:
        pdf, count = printable.country_pdf(
            code,
            viewer=viewer,
            request=request,
            online_url=request.build_absolute_uri(page),
        )
    except OSError:  # pango missing on this host: say so, point to the web page
        unavailable = render(
            request,
            "directory/pdf_unavailable.html",
            {"country_code": code, "country_name": countries.name(code)},
            status=503,
        )
        return unavailable, None
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-professional" if is_professional(viewer) else ""
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="relais-directory-{code.lower()}{suffix}-{stamp}.pdf"'
    )
    return response, count
