"""The Open Referral HSDS 3.0 API under `/api/hsds/` (read-only, public).

Parameters and the `Page` envelope follow the official OpenAPI document
(HSDS 3.0 schema/openapi.json). Anonymous callers get public details only;
a professional's personal API token, or signed-in session, also sees
professional-only details.
Bad parameters get an RFC 9457 problem (400 or 404), never a 500.
"""

import json
import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, time
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from relais.accounts.permissions import can_view_professional_details
from relais.api.auth import InvalidToken, api_reader, invalid_token_problem
from relais.audit.models import AuditAction
from relais.audit.services import audit_record
from relais.core.problems import problem, request_language
from relais.core.ratelimit import rate_limit_retry_after, too_many_requests_problem
from relais.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from relais.directory.search import SearchQuery, search

from . import hsds

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
STREAM_CHUNK = 500
MAX_SEARCH_MATCHES = 100_000
EARTH_RADIUS_KM = 6371.0

M = TypeVar("M", bound=Model)


class BadParameter(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def _bad_request(error: BadParameter) -> JsonResponse:
    return problem(
        400,
        _("Invalid parameter"),
        error.message,
        errors={error.name: [error.message]},
    )


def _not_found() -> JsonResponse:
    return problem(404, _("Not found"), _("No record has this id."))


def _int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, _("This parameter must be a whole number.")) from None
    if value < 1:
        raise BadParameter(name, _("This parameter must be 1 or more."))
    return value


def _bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name, "").lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadParameter(name, _("This parameter must be true or false."))


def _float(request: HttpRequest, name: str, low: float, high: float) -> float | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, _("This parameter must be a number.")) from None
    if not (low <= value <= high):  # also rejects NaN
        raise BadParameter(name, _("This number is out of range."))
    return value


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, _("This parameter must be a UUID.")) from None


def _modified_after(request: HttpRequest) -> datetime | None:
    raw = request.GET.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            "modified_after",
            _("Give a date or date and time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z."),
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _format(request: HttpRequest) -> str:
    value = request.GET.get("format", "json") or "json"
    if value not in ("json", "ndjson"):
        raise BadParameter("format", _("The format must be json or ndjson."))
    return value


def _path_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _search_text(request: HttpRequest) -> str:
    return request.GET.get("search", "").replace("\x00", "").strip()[:500]


def _searched_organization_ids(text: str) -> list[Any]:
    """Every organisation the directory search finds for `text`, best first."""
    # The HSDS API lists every record, outdated ones included (with their
    # assured date): consuming systems decide what to show.
    first = search(SearchQuery(q=text, per_page=1, include_outdated=True))
    if first.total <= 1:
        return [hit.organization.pk for hit in first.hits]
    everything = search(
        SearchQuery(
            q=text,
            per_page=min(first.total, MAX_SEARCH_MATCHES),
            include_outdated=True,
        )
    )
    return [hit.organization.pk for hit in everything.hits]


def _batches(items: Iterable[M], size: int) -> Iterator[list[M]]:
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Listing:
    """One list endpoint's answer: a page in the `Page` envelope, or ndjson."""

    def __init__(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        render: Callable[[Any], dict[str, Any]],
        serializer: hsds.HSDSSerializer,
        ids_of: Callable[[Any], list[Any]] | None = None,
        *,
        rows: Callable[[QuerySet[Any], int], Iterable[Any]] | None = None,
        nested: bool = True,
    ) -> None:
        """`rows` reads records from a queryset (default: model instances);
        `nested` says whether `render` needs attributes and history loaded."""
        self.request = request
        self.rows = rows or (lambda qs, size: qs.iterator(chunk_size=size))
        self.nested = nested
        self.queryset = queryset
        self.render = render
        self.serializer = serializer
        self.ids_of = ids_of or (lambda record: [record.pk])
        self.language = translation.get_language()

    def _load(self, records: list[Any]) -> None:
        if not self.nested:
            return
        ids: list[Any] = []
        for record in records:
            ids.extend(self.ids_of(record))
        self.serializer.load(ids)

    def response(self) -> HttpResponseBase:
        if _format(self.request) == "ndjson":
            return self.stream()
        return self.page()

    def page(self) -> JsonResponse:
        page = _int(self.request, "page", 1)
        per_page = min(_int(self.request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        total = self.queryset.count()
        total_pages = max(1, math.ceil(total / per_page))
        start = (page - 1) * per_page
        records = (
            list(self.rows(self.queryset[start : start + per_page], per_page))
            if start < total
            else []
        )
        self._load(records)
        contents = [self.render(record) for record in records]
        return _json(page_envelope(contents, total, page, per_page, total_pages))

    def stream(self) -> StreamingHttpResponse:
        language = self.language

        def lines() -> Iterator[bytes]:
            with translation.override(language):
                records = self.rows(self.queryset, STREAM_CHUNK)
                for batch in _batches(records, STREAM_CHUNK):
                    self._load(batch)
                    yield b"".join(
                        json.dumps(self.render(r), ensure_ascii=False).encode() + b"\n"
                        for r in batch
                    )

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def page_envelope(
    contents: list[Any], total: int, page: int, per_page: int, total_pages: int
) -> dict[str, Any]:
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def hsds_view(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Public, read-only, in the caller's language, rate-limited, with bad
    parameters answered 400.

    The reader is the session's user or, with `Authorization: Bearer`, the
    owner of a personal API token (relais.api.auth), as in the Relais API;
    both APIs draw on the same `api` rate limit.
    """

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override(request_language(request)):
            response = _answer(view, request, *args, **kwargs)
            response.headers["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_not_required(require_safe(wrapped))


def _answer(
    view: Callable[..., HttpResponseBase],
    request: HttpRequest,
    *args: Any,
    **kwargs: Any,
) -> HttpResponseBase:
    retry_after = rate_limit_retry_after(request, "api")
    if retry_after is not None:
        return too_many_requests_problem(retry_after)
    try:
        reader = api_reader(request)
    except InvalidToken:
        return invalid_token_problem()
    professional = can_view_professional_details(reader)
    serializer = hsds.HSDSSerializer(professional=professional)
    try:
        response = view(request, serializer, *args, **kwargs)
    except BadParameter as error:
        return _bad_request(error)
    if professional:
        patch_cache_control(response, private=True, no_store=True)
        if isinstance(response, StreamingHttpResponse):
            # A whole table with professional-only details: an export.
            audit_record(
                action=AuditAction.EXPORT,
                actor=reader,
                request=request,
                target_type="directory",
                details={
                    "kind": "hsds-ndjson",
                    "endpoint": request.path.rstrip("/").rsplit("/", 1)[-1],
                    # Parameter names only: a search may name a person.
                    "parameters": sorted(k for k in request.GET if k != "format"),
                },
            )
    return response


# Filters ------------------------------------------------------------------------


def _tagged_ids(request: HttpRequest, entity: str) -> QuerySet[Any] | None:
    """Ids of records of `entity` tagged with the requested term or taxonomy."""
    term_id = _uuid(request, "taxonomy_term_id")
    taxonomy_id = _uuid(request, "taxonomy_id")
    if term_id is None and taxonomy_id is None:
        return None
    attributes = Attribute.objects.filter(link_entity=entity)
    if term_id is not None:
        attributes = attributes.filter(taxonomy_term_id=term_id)
    if taxonomy_id is not None:
        attributes = attributes.filter(taxonomy_term__taxonomy_id=taxonomy_id)
    return attributes.values("link_id")


def _service_filters(
    request: HttpRequest, queryset: QuerySet[Any], prefix: str = ""
) -> QuerySet[Any]:
    """Filters of /services and /service_at_locations (`prefix`: to the service)."""
    organization_id = _uuid(request, "organization_id")
    if organization_id is not None:
        queryset = queryset.filter(**{f"{prefix}organization_id": organization_id})
    modified_after = _modified_after(request)
    if modified_after is not None:
        queryset = queryset.filter(
            **{f"{prefix}organization__updated_at__gte": modified_after}
        )
    tagged = _tagged_ids(request, Attribute.LinkEntity.SERVICE)
    if tagged is not None:
        # A service also carries the terms of its organisation (type, groups).
        organization_tagged = _tagged_ids(request, Attribute.LinkEntity.ORGANIZATION)
        queryset = queryset.filter(
            Q(**{f"{prefix}id__in": tagged})
            | Q(**{f"{prefix}organization_id__in": organization_tagged})
        )
    text = _search_text(request)
    if text:
        queryset = queryset.filter(
            **{f"{prefix}organization_id__in": _searched_organization_ids(text)}
        )
    return queryset


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _locations_within(lat: float, lon: float, radius_km: float) -> list[Any]:
    """Ids of locations within `radius_km` of a point (box in SQL, then exact)."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    rows = Location.objects.filter(
        latitude__gte=lat - dlat,
        latitude__lte=lat + dlat,
        longitude__gte=lon - dlon,
        longitude__lte=lon + dlon,
    ).values_list("id", "latitude", "longitude")
    return [
        pk
        for pk, la, lo in rows
        if la is not None
        and lo is not None
        and _haversine_km(lat, lon, float(la), float(lo)) <= radius_km
    ]


def _place_filter(
    request: HttpRequest, queryset: QuerySet[ServiceAtLocation]
) -> QuerySet[ServiceAtLocation]:
    """`postcode` (+ `proximity` in metres) or `lat`/`lon` (+ `radius` in km)."""
    postcode = request.GET.get("postcode", "").replace("\x00", "").strip()[:20]
    proximity = _float(request, "proximity", 0, 20_000_000)
    lat = _float(request, "lat", -90, 90)
    lon = _float(request, "lon", -180, 180)
    radius = _float(request, "radius", 0, 20_000)
    if (lat is None) != (lon is None):
        raise BadParameter("lat", _("Give both lat and lon, or neither."))
    if lat is not None and lon is not None:
        ids = _locations_within(lat, lon, radius if radius is not None else 50.0)
        queryset = queryset.filter(location_id__in=ids)
    if postcode:
        if proximity is None:
            return queryset.filter(location__addresses__postal_code__iexact=postcode)
        points = [
            (float(la), float(lo))
            for la, lo in Location.objects.filter(
                addresses__postal_code__iexact=postcode,
                latitude__isnull=False,
                longitude__isnull=False,
            ).values_list("latitude", "longitude")
            if la is not None and lo is not None
        ]
        if not points:
            return queryset.none()
        centre_lat = sum(p[0] for p in points) / len(points)
        centre_lon = sum(p[1] for p in points) / len(points)
        ids = _locations_within(centre_lat, centre_lon, proximity / 1000)
        queryset = queryset.filter(location_id__in=ids)
    return queryset.distinct()


# Views --------------------------------------------------------------------------


@hsds_view
def root(request: HttpRequest, serializer: hsds.HSDSSerializer) -> HttpResponseBase:
    """HSDS version and profile of this API."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": hsds.HSDS_PROFILE,
            "openapi_url": "https://raw.githubusercontent.com/openreferral/"
            "specification/3.0/schema/openapi.json",
        }
    )


@hsds_view
def services(request: HttpRequest, serializer: hsds.HSDSSerializer) -> HttpResponseBase:
    """Services, one-to-one fields (or fully nested with `full=true`)."""
    full = _bool(request, "full")
    minimal = _bool(request, "minimal")
    queryset = _service_filters(request, hsds.services_for_hsds())
    if minimal:
        return Listing(
            request,
            queryset,
            lambda s: {
                "id": str(s.pk),
                "modified_date": hsds.timestamp(s.organization.updated_at),
            },
            serializer,
            rows=hsds.service_rows,
            nested=False,
        ).response()
    if full:
        return Listing(
            request, hsds.full_services(queryset), serializer.service, serializer
        ).response()
    return Listing(
        request,
        queryset,
        serializer.service_base,
        serializer,
        rows=hsds.service_rows,
        nested=False,
    ).response()


@hsds_view
def service_detail(
    request: HttpRequest, serializer: hsds.HSDSSerializer, id: str
) -> HttpResponseBase:
    pk = _path_uuid(id)
    service = hsds.full_services(Service.objects.filter(pk=pk)).first() if pk else None
    if service is None:
        return _not_found()
    serializer.load(
        [service.pk, service.organization_id]
        + [loc.pk for loc in service.organization.locations.all()]
        + [c.pk for c in service.organization.contacts.all()]
        + [sal.pk for sal in service.service_at_locations.all()]
    )
    return _json(serializer.service(service))


@hsds_view
def organizations(
    request: HttpRequest, serializer: hsds.HSDSSerializer
) -> HttpResponseBase:
    """Organisations: one-to-one fields, or nested with `full`/`full_service`."""
    full = _bool(request, "full")
    full_service = _bool(request, "full_service")
    queryset = hsds.organizations_for_hsds()
    text = _search_text(request)
    if text:
        if _format(request) == "json":
            return _searched_organizations_page(
                request, serializer, text, full or full_service, full_service
            )
        queryset = queryset.filter(pk__in=_searched_organization_ids(text))
    if full or full_service:
        return Listing(
            request,
            hsds.full_organizations(queryset),
            lambda o: serializer.organization(o, full_service=full_service),
            serializer,
            ids_of=serializer.ids_of_organization,
        ).response()
    return Listing(
        request, queryset, serializer.organization_base, serializer, nested=False
    ).response()


def _searched_organizations_page(
    request: HttpRequest,
    serializer: hsds.HSDSSerializer,
    text: str,
    full: bool,
    full_service: bool,
) -> HttpResponseBase:
    """A page of organisations in the directory search's order (relevance)."""
    page = _int(request, "page", 1)
    per_page = min(_int(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    result = search(
        SearchQuery(q=text, page=page, per_page=per_page, include_outdated=True)
    )
    ids = [hit.organization.pk for hit in result.hits]
    queryset: Any = Organization.objects.filter(pk__in=ids)
    if full:
        queryset = hsds.full_organizations(queryset)
    found = {o.pk: o for o in queryset}
    records = [found[pk] for pk in ids if pk in found]
    load: list[Any] = []
    for record in records:
        load.extend(serializer.ids_of_organization(record) if full else [record.pk])
    serializer.load(load)
    contents = [
        serializer.organization(o, full_service=full_service)
        if full
        else serializer.organization_base(o)
        for o in records
    ]
    total_pages = max(1, math.ceil(result.total / per_page))
    return _json(page_envelope(contents, result.total, page, per_page, total_pages))


@hsds_view
def organization_detail(
    request: HttpRequest, serializer: hsds.HSDSSerializer, id: str
) -> HttpResponseBase:
    full_service = _bool(request, "full_service")
    pk = _path_uuid(id)
    organization = (
        hsds.full_organizations(Organization.objects.filter(pk=pk)).first()
        if pk
        else None
    )
    if organization is None:
        return _not_found()
    serializer.load(serializer.ids_of_organization(organization))
    return _json(serializer.organization(organization, full_service=full_service))


@hsds_view
def service_at_locations(
    request: HttpRequest, serializer: hsds.HSDSSerializer
) -> HttpResponseBase:
    """Services at locations, filtered by service, place and search."""
    full = _bool(request, "full")
    queryset = hsds.service_at_locations_for_hsds()
    if not serializer.professional:
        queryset = queryset.filter(location__visibility="public")
    queryset = _service_filters(request, queryset, prefix="service__")
    queryset = _place_filter(request, queryset)
    if full:
        queryset = queryset.prefetch_related(
            "location__addresses", "location__languages"
        )
        return Listing(
            request, queryset, serializer.service_at_location, serializer
        ).response()
    return Listing(
        request,
        queryset,
        serializer.service_at_location_summary,
        serializer,
        nested=False,
    ).response()


@hsds_view
def service_at_location_detail(
    request: HttpRequest, serializer: hsds.HSDSSerializer, id: str
) -> HttpResponseBase:
    """The service delivered at a location, fully nested (HSDS compiled `service`)."""
    pk = _path_uuid(id)
    sal = (
        ServiceAtLocation.objects.select_related("location").filter(pk=pk).first()
        if pk
        else None
    )
    if sal is None or not serializer.visible(sal.location):
        return _not_found()
    service = hsds.full_services(Service.objects.filter(pk=sal.service_id)).get()
    serializer.load(
        [service.pk, service.organization_id, sal.pk, sal.location_id]
        + [c.pk for c in service.organization.contacts.all()]
    )
    record = serializer.service(service)
    record["service_at_locations"] = [
        item for item in record["service_at_locations"] if item["id"] == str(sal.pk)
    ]
    return _json(record)


@hsds_view
def taxonomies(
    request: HttpRequest, serializer: hsds.HSDSSerializer
) -> HttpResponseBase:
    queryset = Taxonomy.objects.order_by("slug")
    text = _search_text(request)
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    return Listing(request, queryset, serializer.taxonomy, serializer).response()


@hsds_view
def taxonomy_detail(
    request: HttpRequest, serializer: hsds.HSDSSerializer, id: str
) -> HttpResponseBase:
    pk = _path_uuid(id)
    taxonomy = Taxonomy.objects.filter(pk=pk).first() if pk else None
    if taxonomy is None:
        return _not_found()
    serializer.load([taxonomy.pk])
    return _json(serializer.taxonomy(taxonomy))


@hsds_view
def taxonomy_terms(
    request: HttpRequest, serializer: hsds.HSDSSerializer
) -> HttpResponseBase:
    queryset = TaxonomyTerm.objects.select_related("taxonomy").order_by(
        "taxonomy__slug", "position", "code", "id"
    )
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        queryset = queryset.filter(taxonomy_id=taxonomy_id)
    parent_id = _uuid(request, "parent_id")
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
    if _bool(request, "top_only"):
        queryset = queryset.filter(parent__isnull=True)
    text = _search_text(request)
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(code__icontains=text))
    return Listing(request, queryset, serializer.taxonomy_term, serializer).response()


@hsds_view
def taxonomy_term_detail(
    request: HttpRequest, serializer: hsds.HSDSSerializer, id: str
) -> HttpResponseBase:
    pk = _path_uuid(id)
    term = (
        TaxonomyTerm.objects.select_related("taxonomy").filter(pk=pk).first()
        if pk
        else None
    )
    if term is None:
        return _not_found()
    serializer.load([term.pk, term.taxonomy_id])
    return _json(serializer.taxonomy_term(term))
