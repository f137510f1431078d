"""The directory's search, mapped to the HSDS API's records without loading them.

The directory search finds listings (organisations). `search_documents` gives
every match as a mask over the facet index's documents
(relais/directory/search/memory.py), in a few vectorised passes. From there:

- organisations: the mask's organisation ids, passed to SQL as one parameter
  (`in_values`) when a filter needs them, never as thousands of parameters;
- services and services at locations: a `RecordOrder`, built once per index
  version, language (names are translated) and kind of reader (for services
  at locations, whose locations may be for professionals only), holds every
  record in the HSDS list order (organisation name, service name, id) with
  its organisation's document. A search's records are the positions whose
  document matches: the total is a count of the mask, and a page is a slice,
  whose records alone are read from the database.

Every write to the directory goes through a service that re-indexes its
listings, which changes the index version. The page's records are read
with the endpoint's own queryset (and visibility), so an order a moment old
could only leave a record out, never show one the reader may not see.
"""

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

from relais.core.viewers import is_professional
from relais.directory.search import SearchQuery, search_documents
from relais.directory.search.memory import FacetIndex

from .. import hsds


def matches(text: str) -> tuple[FacetIndex, np.ndarray]:
    """The facet index and the mask of every listing the search finds.

    The HSDS API lists every record, outdated ones included (with their
    assured date): consuming systems decide what to show."""
    return search_documents(SearchQuery(q=text, per_page=1, include_outdated=True))


def _hex(keys: np.ndarray) -> list[str]:
    # NumPy drops trailing zero bytes of an "S16" value: put them back.
    return [key.ljust(16, b"\0").hex() for key in keys.tolist()]


def in_values(keys: np.ndarray) -> Any:
    """An `__in` right-hand side for many UUIDs (16-byte keys), as one SQL
    parameter: a statement with 40,000 parameters costs more to prepare than
    to run."""
    if connection.vendor == "sqlite":
        # Django stores a UUID on SQLite as its 32 hexadecimal digits.
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(_hex(keys))])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::uuid[])", ["{" + ",".join(_hex(keys)) + "}"])
    return [uuid.UUID(hex=h) for h in _hex(keys)]


def searched_organizations(text: str) -> Any:
    """Every organisation the directory search finds for `text`, for `pk__in`."""
    index, mask = matches(text)
    return in_values(index.organization[mask])


@dataclass
class RecordOrder:
    """Records in the HSDS list order, with their organisation's document."""

    records: np.ndarray  # "S16": the records' ids
    documents: np.ndarray  # int64: its organisation's search document, -1 none

    @classmethod
    def build(cls, index: FacetIndex, rows: QuerySet[Any]) -> "RecordOrder":
        """`rows`: (id, organisation id) of every record, in list order."""
        ids: list[bytes] = []
        organizations: list[bytes] = []
        for record_id, organization_id in rows.iterator(chunk_size=5000):
            ids.append(record_id.bytes)
            organizations.append(organization_id.bytes)
        keys = np.array(organizations, dtype="S16")
        known = index._organization_keys
        documents = np.full(len(keys), -1, dtype=np.int64)
        if len(known) and len(keys):
            at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
            found = known[at] == keys
            documents[found] = index._organization_documents[at[found]]
        return cls(records=np.array(ids, dtype="S16"), documents=documents)

    def positions(self, mask: np.ndarray) -> np.ndarray:
        """The positions (in list order) of the records of matched listings."""
        has = self.documents >= 0
        selected = np.zeros(len(self.documents), dtype=bool)
        selected[has] = mask[self.documents[has]]
        return np.flatnonzero(selected)

    def ids(self, positions: np.ndarray) -> list[uuid.UUID]:
        return [uuid.UUID(hex=h) for h in _hex(self.records[positions])]


_lock = threading.Lock()
_orders: dict[tuple[str, str, str], tuple[int, RecordOrder]] = {}


def _order(
    index: FacetIndex, kind: str, rows: Callable[[], QuerySet[Any]]
) -> RecordOrder:
    key = (index.key, kind, translation.get_language() or "")
    with _lock:
        cached = _orders.get(key)
        if cached is not None and cached[0] == index.version:
            return cached[1]
        order = RecordOrder.build(index, rows())
        _orders[key] = (index.version, order)
        return order


def _page(
    order: RecordOrder, mask: np.ndarray, page: int, per_page: int
) -> tuple[int, list[uuid.UUID]]:
    positions = order.positions(mask)
    start = (page - 1) * per_page
    return len(positions), order.ids(positions[start : start + per_page])


def _only(
    index: FacetIndex, mask: np.ndarray, organization_id: uuid.UUID | None
) -> np.ndarray:
    if organization_id is None:
        return mask
    document = index.document_for(organization_id)
    only = np.zeros(len(mask), dtype=bool)
    if document is not None:
        only[document] = mask[document]
    return only


def searched_services_page(
    text: str, organization_id: uuid.UUID | None, page: int, per_page: int
) -> tuple[int, list[uuid.UUID]]:
    """The total and one page of service ids (in list order) of the
    organisations the search finds (of one organisation, if given)."""
    index, mask = matches(text)
    order = _order(
        index,
        "service",
        lambda: hsds.services_for_hsds().values_list("id", "organization_id"),
    )
    return _page(order, _only(index, mask, organization_id), page, per_page)


def searched_service_at_locations_page(
    text: str,
    organization_id: uuid.UUID | None,
    viewer: Any,
    page: int,
    per_page: int,
) -> tuple[int, list[uuid.UUID]]:
    """The same for the services at locations `viewer` may see."""
    index, mask = matches(text)
    professional = is_professional(viewer)
    order = _order(
        index,
        "service_at_location:" + ("professional" if professional else "public"),
        lambda: (
            hsds.service_at_locations_for_hsds()
            .visible_to(viewer)
            .values_list("id", "service__organization_id")
        ),
    )
    return _page(order, _only(index, mask, organization_id), page, per_page)
