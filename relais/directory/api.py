"""The directory search as JSON (`GET /api/v1/search`), the same search as the page."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from relais.core.ratelimit import rate_limit_exceeded

from . import selectors
from .forms import DirectorySearchForm
from .search import search

MAX_PER_PAGE = 100


def problem(status: int, title: str, detail: str, **extra: Any) -> JsonResponse:
    """An RFC 9457 problem-details response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _language(request: HttpRequest) -> str:
    requested = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return requested
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


@login_not_required
@require_safe
def search_json(request: HttpRequest) -> JsonResponse:
    with translation.override(_language(request)):
        if rate_limit_exceeded(request, "api"):
            return problem(
                429,
                translation.gettext("Too many requests"),
                translation.gettext("Please wait a minute before the next request."),
            )
        form = DirectorySearchForm(request.GET)
        form.is_valid()
        if form.errors:
            return problem(
                400,
                translation.gettext("Invalid search parameters"),
                translation.gettext("Some parameters have values that cannot be used."),
                errors={
                    name: [str(e) for e in errors]
                    for name, errors in form.errors.items()
                },
            )
        try:
            per_page = min(max(int(request.GET.get("per_page", 20)), 1), MAX_PER_PAGE)
        except ValueError:
            per_page = 20
        query = form.search_query(per_page=per_page)
        result = search(query)
        organizations = [hit.organization for hit in result.hits]
        cards = {c.organization.pk: c for c in selectors.listing_cards(organizations)}
        return JsonResponse(
            {
                "total": result.total,
                "page": query.page,
                "per_page": query.per_page,
                "total_pages": result.pages,
                "corrected_query": " ".join(result.corrected)
                if result.corrected
                else None,
                "matched_any_word": result.matched_any_word,
                "results": [
                    {
                        "id": str(hit.organization.pk),
                        "slug": hit.organization.slug,
                        "name": hit.organization.name,
                        "url": request.build_absolute_uri(
                            hit.organization.get_absolute_url()
                        ),
                        "country": str(hit.organization.country or "") or None,
                        "cities": cards[hit.organization.pk].cities,
                        "types": [t.code for t in cards[hit.organization.pk].types],
                        "services": [
                            t.code for t in cards[hit.organization.pk].services
                        ],
                        "verification": hit.organization.verification_state,
                        "assured_date": hit.organization.assured_date.isoformat()
                        if hit.organization.assured_date
                        else None,
                        "fictitious": hit.organization.is_fictitious,
                        "distance_km": round(hit.distance_km, 1)
                        if hit.distance_km is not None
                        else None,
                    }
                    for hit in result.hits
                ],
                "facets": {
                    group.name: [
                        {
                            "value": o.value,
                            "label": o.label,
                            "count": o.count,
                            "selected": o.selected,
                        }
                        for o in group.options
                    ]
                    for group in selectors.facet_groups(result)
                },
            },
            json_dumps_params={"ensure_ascii": False},
        )
