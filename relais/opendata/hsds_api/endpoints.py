"""The operations of the HSDS API: the paths, parameters and operation ids of the
official OpenAPI document (data/hsds/openapi.json), read-only.

Anonymous callers get public details only; a professional's personal API
token, or signed-in session, also sees professional-only details (then a
whole table streamed as ndjson is an export, written to the audit trail).
"""

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from relais.api.api import reader_of
from relais.api.schemas import Language, Problem
from relais.audit.services import audit_record
from relais.directory.audit_actions import DirectoryAction
from relais.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from relais.directory.search import SearchQuery, search_page_ids

from .. import hsds
from . import schemas
from .filters import place_filter, service_filters
from .listing import Listing, page_envelope
from .searched import (
    searched_organizations,
    searched_service_at_locations_page,
    searched_services_page,
)

router = Router()

ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 429: Problem}
ERRORS_AND_404: dict[int, Any] = {**ERRORS, 404: Problem}
PAGE = {200: schemas.Page, **ERRORS}
RECORD = {200: dict[str, Any], **ERRORS_AND_404}
OFFICIAL_OPENAPI = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
    "openapi.json"
)


def _serializer(request: HttpRequest) -> hsds.HSDSSerializer:
    return hsds.HSDSSerializer(viewer=reader_of(request).user)


def _answer(
    request: HttpRequest, listing: Listing, params: schemas.ListParameters
) -> Any:
    """A page of `listing`, or all of it as ndjson with `format=ndjson`."""
    if params.format != "ndjson":
        return listing.page(params.page, params.page_size)
    reader = reader_of(request)
    if reader.professional:
        # A whole table with professional-only details: an export.
        audit_record(
            action=DirectoryAction.EXPORT,
            actor=reader.user,
            request=request,
            target_type="directory",
            details={
                "kind": "hsds-ndjson",
                "endpoint": request.path.rstrip("/").rsplit("/", 1)[-1],
                # Parameter names only: a search may name a person.
                "parameters": sorted(k for k in request.GET if k != "format"),
            },
        )
    return listing.stream()


def _searched_in_memory(params: schemas.ServiceListParameters | Any) -> bool:
    """A page of a text search, filtered by an organisation at most, is found
    in memory (searched.py): the records of the organisations found, in list
    order, and only the page's records read. Other filters go to SQL, with the
    organisations found as one parameter."""
    return bool(
        params.search
        and params.format == "json"
        and params.modified_after is None
        and params.taxonomy_term_id is None
        and params.taxonomy_id is None
        and not getattr(params, "postcode", "")
        and getattr(params, "lat", None) is None
        and getattr(params, "lon", None) is None
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _not_found() -> Http404:
    return Http404(_("No record has this id."))


@router.get(
    "/",
    response={200: schemas.Root, **ERRORS},
    operation_id="getAPIMetaInformation",
    url_name="root",
)
def root(request: HttpRequest, params: Query[Language]) -> dict[str, str]:
    """HSDS version and profile of this API."""
    return {
        "version": hsds.HSDS_VERSION,
        "profile": hsds.HSDS_PROFILE,
        "openapi_url": OFFICIAL_OPENAPI,
    }


@router.get(
    "/services",
    response=PAGE,
    operation_id="getPaginatedListOfServices",
    url_name="services",
)
def services(request: HttpRequest, params: Query[schemas.ServiceListParameters]) -> Any:
    """Services, one-to-one fields (or fully nested with `full=true`)."""
    serializer = _serializer(request)
    queryset = hsds.services_for_hsds()
    in_memory = _searched_in_memory(params)
    total = 0
    if in_memory:
        total, ids = searched_services_page(
            params.search, params.organization_id, params.page, params.page_size
        )
        queryset = queryset.filter(pk__in=ids)
    else:
        queryset = service_filters(params, params.search, queryset)
    if params.minimal:
        listing = Listing(
            queryset,
            lambda s: {
                "id": str(s.pk),
                "modified_date": hsds.timestamp(s.organization.updated_at),
            },
            serializer,
            rows=hsds.service_rows,
            nested=False,
        )
    elif params.full:
        listing = Listing(
            serializer.full_services(queryset), serializer.service, serializer
        )
    else:
        listing = Listing(
            queryset,
            serializer.service_base,
            serializer,
            rows=hsds.service_rows,
            nested=False,
        )
    if in_memory:
        return listing.known_page(total, params.page, params.page_size)
    return _answer(request, listing, params)


@router.get(
    "/services/{path:id}",
    response=RECORD,
    operation_id="getFullyNestedServiceById",
    url_name="service",
)
def service_detail(
    request: HttpRequest, id: str, params: Query[Language]
) -> dict[str, Any]:
    """One service, fully nested."""
    serializer = _serializer(request)
    pk = _uuid(id)
    service = (
        serializer.full_services(Service.objects.filter(pk=pk)).first() if pk else None
    )
    if service is None:
        raise _not_found()
    serializer.load(
        [service.pk, service.organization_id]
        + [loc.pk for loc in service.organization.locations.all()]
        + [c.pk for c in service.organization.contacts.all()]
        + [sal.pk for sal in service.service_at_locations.all()]
    )
    return serializer.service(service)


@router.get(
    "/organizations",
    response=PAGE,
    operation_id="getPaginatedListOfOrganizations",
    url_name="organizations",
)
def organizations(
    request: HttpRequest, params: Query[schemas.OrganizationListParameters]
) -> Any:
    """Organisations: one-to-one fields, or nested with `full`/`full_service`."""
    serializer = _serializer(request)
    nested = params.full or params.full_service
    queryset = hsds.organizations_for_hsds()
    if params.search:
        if params.format == "json":
            return _searched_organizations_page(serializer, params, nested=nested)
        queryset = queryset.filter(pk__in=searched_organizations(params.search))
    if nested:
        listing = Listing(
            serializer.full_organizations(queryset),
            lambda o: serializer.organization(o, full_service=params.full_service),
            serializer,
            ids_of=serializer.ids_of_organization,
        )
    else:
        listing = Listing(
            queryset, serializer.organization_base, serializer, nested=False
        )
    return _answer(request, listing, params)


def _searched_organizations_page(
    serializer: hsds.HSDSSerializer,
    params: schemas.OrganizationListParameters,
    *,
    nested: bool,
) -> dict[str, Any]:
    """A page of organisations in the directory search's order (relevance)."""
    total, ids = search_page_ids(
        SearchQuery(
            q=params.search,
            page=params.page,
            per_page=params.page_size,
            include_outdated=True,
        )
    )
    queryset: Any = Organization.objects.filter(pk__in=ids)
    if nested:
        queryset = serializer.full_organizations(queryset)
    found = {o.pk: o for o in queryset}
    records = [found[pk] for pk in ids if pk in found]
    if nested:
        # As the unsearched list: only nested records need their attributes
        # and history (`organization_base` reads neither).
        load: list[Any] = []
        for record in records:
            load.extend(serializer.ids_of_organization(record))
        serializer.load(load)
    contents = [
        serializer.organization(o, full_service=params.full_service)
        if nested
        else serializer.organization_base(o)
        for o in records
    ]
    return page_envelope(contents, total, params.page, params.page_size)


@router.get(
    "/organizations/{path:id}",
    response=RECORD,
    operation_id="getOrganizationById",
    url_name="organization",
)
def organization_detail(
    request: HttpRequest, id: str, params: Query[schemas.OrganizationParameters]
) -> dict[str, Any]:
    """One organisation, fully nested (services in full with `full_service`)."""
    serializer = _serializer(request)
    pk = _uuid(id)
    organization = (
        serializer.full_organizations(Organization.objects.filter(pk=pk)).first()
        if pk
        else None
    )
    if organization is None:
        raise _not_found()
    serializer.load(serializer.ids_of_organization(organization))
    return serializer.organization(organization, full_service=params.full_service)


@router.get(
    "/service_at_locations",
    response=PAGE,
    operation_id="getPaginatedListOfServiceAtLocation",
    url_name="service_at_locations",
)
def service_at_locations(
    request: HttpRequest, params: Query[schemas.ServiceAtLocationListParameters]
) -> Any:
    """Services at locations, filtered by service, place and search."""
    serializer = _serializer(request)
    queryset: QuerySet[ServiceAtLocation] = (
        hsds.service_at_locations_for_hsds().visible_to(serializer.viewer)
    )
    in_memory = _searched_in_memory(params)
    total = 0
    if in_memory:
        total, ids = searched_service_at_locations_page(
            params.search,
            params.organization_id,
            serializer.viewer,
            params.page,
            params.page_size,
        )
        queryset = queryset.filter(pk__in=ids)
    else:
        queryset = service_filters(params, params.search, queryset, prefix="service__")
        queryset = place_filter(params, queryset, serializer.viewer)
    if params.full:
        queryset = queryset.prefetch_related(
            "location__addresses", "location__languages"
        )
        listing = Listing(queryset, serializer.service_at_location, serializer)
    else:
        listing = Listing(
            queryset,
            serializer.service_at_location_summary,
            serializer,
            nested=False,
        )
    if in_memory:
        return listing.known_page(total, params.page, params.page_size)
    return _answer(request, listing, params)


@router.get(
    "/service_at_locations/{path:id}",
    response=RECORD,
    operation_id="getServiceAtLocationWithNestedDataById",
    url_name="service_at_location",
)
def service_at_location_detail(
    request: HttpRequest, id: str, params: Query[Language]
) -> dict[str, Any]:
    """The service delivered at a location, fully nested (HSDS compiled `service`)."""
    serializer = _serializer(request)
    pk = _uuid(id)
    sal = (
        ServiceAtLocation.objects.visible_to(serializer.viewer).filter(pk=pk).first()
        if pk
        else None
    )
    if sal is None:
        raise _not_found()
    service = serializer.full_services(Service.objects.filter(pk=sal.service_id)).get()
    serializer.load(
        [service.pk, service.organization_id, sal.pk, sal.location_id]
        + [c.pk for c in service.organization.contacts.all()]
    )
    record = serializer.service(service)
    record["service_at_locations"] = [
        item for item in record["service_at_locations"] if item["id"] == str(sal.pk)
    ]
    return record


@router.get(
    "/taxonomies",
    response=PAGE,
    operation_id="getPaginatedListOfTaxonomies",
    url_name="taxonomies",
)
def taxonomies(request: HttpRequest, params: Query[schemas.ListParameters]) -> Any:
    """The vocabularies, the anti-trafficking ones included."""
    serializer = _serializer(request)
    queryset = Taxonomy.objects.order_by("slug")
    if params.search:
        queryset = queryset.filter(
            Q(name__icontains=params.search) | Q(slug__icontains=params.search)
        )
    return _answer(request, Listing(queryset, serializer.taxonomy, serializer), params)


@router.get(
    "/taxonomies/{path:id}",
    response=RECORD,
    operation_id="getTaxonomyById",
    url_name="taxonomy",
)
def taxonomy_detail(
    request: HttpRequest, id: str, params: Query[Language]
) -> dict[str, Any]:
    serializer = _serializer(request)
    pk = _uuid(id)
    taxonomy = Taxonomy.objects.filter(pk=pk).first() if pk else None
    if taxonomy is None:
        raise _not_found()
    serializer.load([taxonomy.pk])
    return serializer.taxonomy(taxonomy)


# The official document swaps the operation ids of the two taxonomy_terms
# paths; they are kept, so that clients generated from it call these.
@router.get(
    "/taxonomy_terms",
    response=PAGE,
    operation_id="getTaxonomyTermById",
    url_name="taxonomy_terms",
)
def taxonomy_terms(
    request: HttpRequest, params: Query[schemas.TaxonomyTermListParameters]
) -> Any:
    """The terms of the vocabularies."""
    serializer = _serializer(request)
    queryset = TaxonomyTerm.objects.select_related("taxonomy").order_by(
        "taxonomy__slug", "position", "code", "id"
    )
    if params.taxonomy_id is not None:
        queryset = queryset.filter(taxonomy_id=params.taxonomy_id)
    if params.parent_id is not None:
        queryset = queryset.filter(parent_id=params.parent_id)
    if params.top_only:
        queryset = queryset.filter(parent__isnull=True)
    if params.search:
        queryset = queryset.filter(
            Q(name__icontains=params.search) | Q(code__icontains=params.search)
        )
    listing = Listing(queryset, serializer.taxonomy_term, serializer)
    return _answer(request, listing, params)


@router.get(
    "/taxonomy_terms/{path:id}",
    response=RECORD,
    operation_id="getPaginatedListOfTaxonomyTerms",
    url_name="taxonomy_term",
)
def taxonomy_term_detail(
    request: HttpRequest, id: str, params: Query[Language]
) -> dict[str, Any]:
    serializer = _serializer(request)
    pk = _uuid(id)
    term = (
        TaxonomyTerm.objects.select_related("taxonomy").filter(pk=pk).first()
        if pk
        else None
    )
    if term is None:
        raise _not_found()
    serializer.load([term.pk, term.taxonomy_id])
    return serializer.taxonomy_term(term)
