"""The filters of the HSDS API's lists: vocabulary terms, organisation, date of
change, the directory's search, and places."""

import math
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from relais.api.api import ApiProblem
from relais.core.geo import haversine_km
from relais.directory.models import Attribute, Location, ServiceAtLocation

from .schemas import ServiceAtLocationListParameters, ServiceFilters
from .searched import searched_organizations

DEFAULT_RADIUS_KM = 50.0


def _tagged_ids(
    entity: str, term_id: uuid.UUID | None, taxonomy_id: uuid.UUID | None
) -> QuerySet[Any] | None:
    """Ids of records of `entity` tagged with the requested term or taxonomy."""
    if term_id is None and taxonomy_id is None:
        return None
    attributes = Attribute.objects.filter(link_entity=entity)
    if term_id is not None:
        attributes = attributes.filter(taxonomy_term_id=term_id)
    if taxonomy_id is not None:
        attributes = attributes.filter(taxonomy_term__taxonomy_id=taxonomy_id)
    return attributes.values("link_id")


def service_filters(
    params: ServiceFilters, text: str, queryset: QuerySet[Any], prefix: str = ""
) -> QuerySet[Any]:
    """Filters of /services and /service_at_locations (`prefix`: to the service)."""
    if params.organization_id is not None:
        queryset = queryset.filter(
            **{f"{prefix}organization_id": params.organization_id}
        )
    if params.modified_after is not None:
        queryset = queryset.filter(
            **{f"{prefix}organization__updated_at__gte": params.modified_after}
        )
    terms = (params.taxonomy_term_id, params.taxonomy_id)
    tagged = _tagged_ids(Attribute.LinkEntity.SERVICE, *terms)
    if tagged is not None:
        # A service also carries the terms of its organisation (type, groups).
        organization_tagged = _tagged_ids(Attribute.LinkEntity.ORGANIZATION, *terms)
        queryset = queryset.filter(
            Q(**{f"{prefix}id__in": tagged})
            | Q(**{f"{prefix}organization_id__in": organization_tagged})
        )
    if text:
        queryset = queryset.filter(
            **{f"{prefix}organization_id__in": searched_organizations(text)}
        )
    return queryset


def _locations_within(
    locations: QuerySet[Location], lat: float, lon: float, radius_km: float
) -> list[Any]:
    """Ids of `locations` within `radius_km` of a point (box in SQL, then exact)."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    rows = locations.filter(
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
        and haversine_km(lat, lon, float(la), float(lo)) <= radius_km
    ]


def place_filter(
    params: ServiceAtLocationListParameters,
    queryset: QuerySet[ServiceAtLocation],
    viewer: Any,
) -> QuerySet[ServiceAtLocation]:
    """`postcode` (+ `proximity` in metres) or `lat`/`lon` (+ `radius` in km).

    Only the locations `viewer` may see place a search: the centre of a
    postcode is never that of a shelter.
    """
    locations = Location.objects.visible_to(viewer)
    lat, lon = params.lat, params.lon
    if (lat is None) != (lon is None):
        message = _("Give both lat and lon, or neither.")
        raise ApiProblem(400, _("Invalid parameter"), message, {"lat": [message]})
    if lat is not None and lon is not None:
        radius = params.radius if params.radius is not None else DEFAULT_RADIUS_KM
        queryset = queryset.filter(
            location_id__in=_locations_within(locations, lat, lon, radius)
        )
    if params.postcode:
        if params.proximity is None:
            return queryset.filter(
                location__addresses__postal_code__iexact=params.postcode
            )
        points = [
            (float(la), float(lo))
            for la, lo in locations.filter(
                addresses__postal_code__iexact=params.postcode,
                latitude__isnull=False,
                longitude__isnull=False,
            ).values_list("latitude", "longitude")
            if la is not None and lo is not None
        ]
        if not points:
            return queryset.none()
        centre_lat = sum(p[0] for p in points) / len(points)
        centre_lon = sum(p[1] for p in points) / len(points)
        ids = _locations_within(
            locations, centre_lat, centre_lon, params.proximity / 1000
        )
        queryset = queryset.filter(location_id__in=ids)
    return queryset.distinct()
