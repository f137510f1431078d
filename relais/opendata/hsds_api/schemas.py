"""The parameters and the `Page` envelope of the HSDS API, named and described
as in the official OpenAPI document (data/hsds/openapi.json).

An empty parameter (`?page=`) counts as not given. Text is cut to a sensible
length rather than refused; anything else that cannot be used is answered 400
by relais.api's validation handler.
"""

import uuid
from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticUseDefault

from relais.api.api import parameter_error
from relais.api.schemas import Language

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def _blank_is_absent(value: Any) -> Any:
    if value == "":
        raise PydanticUseDefault
    return value


def _cut(length: int) -> AfterValidator:
    return AfterValidator(lambda text: text.replace("\x00", "").strip()[:length])


def _moment(value: Any) -> Any:
    """A date or a date and time; a `+` of a time zone may arrive as a space."""
    if not isinstance(value, str):
        return value
    raw = value.strip()
    if not raw:
        raise PydanticUseDefault
    try:
        moment = parse_datetime(raw.replace(" ", "+"))
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise parameter_error(
            _("Give a date or date and time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z.")
        )
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _format(value: Any) -> Any:
    if value == "":
        raise PydanticUseDefault
    if value not in ("json", "ndjson"):
        raise parameter_error(_("The format must be json or ndjson."))
    return value


Flag = Annotated[bool, BeforeValidator(_blank_is_absent)]
Id = Annotated[uuid.UUID | None, BeforeValidator(_blank_is_absent)]
Number = Annotated[float | None, BeforeValidator(_blank_is_absent)]
Count = Annotated[int, BeforeValidator(_blank_is_absent)]


class ListParameters(Language):
    search: Annotated[str, _cut(500)] = Field("", description="Full text search.")
    page: Count = Field(1, ge=1, description="Page number of paginated result.")
    per_page: Count = Field(
        DEFAULT_PER_PAGE,
        ge=1,
        description=(
            "Number of results requested in a single page "
            f"(at most {MAX_PER_PAGE}; more counts as {MAX_PER_PAGE})."
        ),
    )
    format: Annotated[Literal["json", "ndjson"], BeforeValidator(_format)] = Field(
        "json",
        description=(
            "Return results in the specified format. Default is `json`. Could be "
            "`ndjson` which should stream all the results without pagination."
        ),
    )

    @property
    def page_size(self) -> int:
        return min(self.per_page, MAX_PER_PAGE)


class ServiceFilters(Schema):
    taxonomy_term_id: Id = Field(
        None, description="Search for services with particular taxonomy_term."
    )
    taxonomy_id: Id = Field(
        None,
        description="Search for services which contain any term with this taxonomy.",
    )
    organization_id: Id = Field(
        None,
        description=(
            "Search for services which contain services that that this "
            "organization provides."
        ),
    )
    modified_after: Annotated[datetime | None, BeforeValidator(_moment)] = Field(
        None, description="Return all results modified on or after this datetime."
    )
    full: Flag = Field(
        False,
        description=(
            "Return a fully nested service, service_at_location, or organization "
            "based on the request."
        ),
    )


class ServiceListParameters(ServiceFilters, ListParameters):
    minimal: Flag = Field(
        False,
        description=(
            "Return array of just service 'id' and 'modified_date'.  When using "
            "this parameter aim to return all services within one call."
        ),
    )


class ServiceAtLocationListParameters(ServiceFilters, ListParameters):
    postcode: Annotated[str, _cut(20)] = Field(
        "",
        description=(
            "The postcode or zip code of a point used to check service coverage. "
            "With `proximity`, only show results within the proximity from the "
            "centroid of the postcode."
        ),
    )
    proximity: Number = Field(
        None,
        ge=0,
        le=20_000_000,
        allow_inf_nan=False,
        description=(
            "Return services that exist within meters from the centroid of the "
            "provided postcode"
        ),
    )
    lat: Number = Field(
        None,
        ge=-90,
        le=90,
        allow_inf_nan=False,
        description="Latitude of a point: with `lon`, services within `radius` of it.",
    )
    lon: Number = Field(
        None,
        ge=-180,
        le=180,
        allow_inf_nan=False,
        description="Longitude of the point of `lat`.",
    )
    radius: Number = Field(
        None,
        ge=0,
        le=20_000,
        allow_inf_nan=False,
        description="Distance in km from `lat`/`lon` (50 when not given).",
    )


FULL_SERVICE = (
    "Fully nested organization with service array that contains full service "
    "information."
)


class OrganizationListParameters(ListParameters):
    full_service: Flag = Field(False, description=FULL_SERVICE)
    full: Flag = Field(
        False,
        description=(
            "Return a fully nested service, service_at_location, or organization "
            "based on the request."
        ),
    )


class OrganizationParameters(Language):
    full_service: Flag = Field(False, description=FULL_SERVICE)


class TaxonomyTermListParameters(ListParameters):
    taxonomy_id: Id = Field(None, description="Terms of this taxonomy.")
    top_only: Flag = Field(False, description="Only terms without a parent.")
    parent_id: Id = Field(None, description="Only the children of this term.")


class Page(Schema):
    """HSDS `Page`: one page of a list and where it stands in the whole."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


class Root(Schema):
    version: str = Field(description="HSDS version of this API.")
    profile: str = Field(description="URL of the HSDS profile this API follows.")
    openapi_url: str = Field(description="URL of the official HSDS OpenAPI document.")
