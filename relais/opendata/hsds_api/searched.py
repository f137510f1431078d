"""The directory's search, mapped to the HSDS API's records without loading them.

The directory search finds listings (organisations). `search_documents` gives
every match as a mask over the facet index's documents
(relais/directory/search/memory.py), in a few vectorised passes. From there:

- organisations: the mask's organisation ids, passed to SQL as one parameter
  (`in_values`) when a filter needs them, never as thousands of parameters;
- services: `ServiceOrder`, built once per index version and language, holds
  every service in the HSDS list order (organisation name, service name, id)
  with its organisation's document, so that a search's services are the
  positions whose document matches: the total is a count of the mask, and a
  page is a slice, whose records alone are read from the database.
"""

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import translation

from relais.directory.models import Service
from relais.directory.search import SearchQuery, search_documents
from relais.directory.search.memory import FacetIndex


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
class ServiceOrder:
    """Every service in the HSDS list order, with its organisation's document."""

    services: np.ndarray  # "S16": the services' ids
    documents: np.ndarray  # int64: its organisation's search document, -1 none

    @classmethod
    def build(cls, index: FacetIndex) -> "ServiceOrder":
        ids: list[bytes] = []
        organizations: list[bytes] = []
        rows = (
            Service.objects.order_by("organization__name", "name", "id")
            .values_list("id", "organization_id")
            .iterator(chunk_size=5000)
        )
        for service_id, organization_id in rows:
            ids.append(service_id.bytes)
            organizations.append(organization_id.bytes)
        services = np.array(ids, dtype="S16")
        keys = np.array(organizations, dtype="S16")
        known = index._organization_keys
        documents = np.full(len(keys), -1, dtype=np.int64)
        if len(known) and len(keys):
            at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
            found = known[at] == keys
            documents[found] = index._organization_documents[at[found]]
        return cls(services=services, documents=documents)

    def positions(self, mask: np.ndarray) -> np.ndarray:
        """The positions (in list order) of the services of matched listings."""
        has = self.documents >= 0
        selected = np.zeros(len(self.documents), dtype=bool)
        selected[has] = mask[self.documents[has]]
        return np.flatnonzero(selected)

    def ids(self, positions: np.ndarray) -> list[uuid.UUID]:
        return [uuid.UUID(hex=h) for h in _hex(self.services[positions])]


_lock = threading.Lock()
_orders: dict[tuple[str, str], tuple[int, ServiceOrder]] = {}


def service_order(index: FacetIndex) -> ServiceOrder:
    """This process's `ServiceOrder` for the index's version and the language
    (names are translated, so the order may differ by language)."""
    key = (index.key, translation.get_language() or "")
    with _lock:
        cached = _orders.get(key)
        if cached is not None and cached[0] == index.version:
            return cached[1]
        order = ServiceOrder.build(index)
        _orders[key] = (index.version, order)
        return order


def searched_services_page(
    text: str, organization_id: uuid.UUID | None, page: int, per_page: int
) -> tuple[int, list[uuid.UUID]]:
    """The total and one page of service ids (in list order) of the
    organisations the search finds (of one organisation, if given)."""
    index, mask = matches(text)
    if organization_id is not None:
        document = index.document_for(organization_id)
        only = np.zeros(len(mask), dtype=bool)
        if document is not None:
            only[document] = mask[document]
        mask = only
    positions = service_order(index).positions(mask)
    start = (page - 1) * per_page
    return len(positions), service_order(index).ids(positions[start : start + per_page])
