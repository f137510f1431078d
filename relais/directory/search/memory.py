"""The facet side of search, held in memory per process as NumPy arrays.

Text matching and relevance come from the database engine (FTS5 or PostgreSQL);
everything else a search needs — filters, facet counts under the other active
filters, distance, sorting, the page — is computed here over arrays indexed by
`SearchDocument.id`. Counting the facets of 100,000 listings this way costs a
few vectorised passes instead of a dozen SQL GROUP BYs over the matches.

Each process keeps one `FacetIndex` per database and reloads it when the
index version in the database changes (every index write bumps it), so a
search right after an edit sees the edit.
"""

import heapq
import threading
import uuid
from array import array
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max
from django.db.models.functions import Collate

from relais.core.geo import haversine_km
from relais.search.engines import index_version

from ..models import SearchDocument, SearchFacet, TaxonomyTerm
from .tables import DIRECTORY

MULTI_FACETS = ["type", "service", "exploitation", "group", "language", "city"]
TRI_STATE = {None: -1, False: 0, True: 1}
# Indices into this list are the states' codes in `verification_states`.
# How many filter masks an index keeps (each is one byte per document).
MULTI_MASKS_KEPT = 32

VERIFICATION_STATES = ["verified", "stale", "unverified", "public_sources"]


@dataclass
class MultiFacet:
    values: list[str]
    value_index: dict[str, int]
    documents: np.ndarray  # document id of each (document, value) pair, ascending
    value_ids: np.ndarray  # value index of each pair

    def of(self, document: int) -> list[str]:
        start, end = np.searchsorted(self.documents, [document, document + 1])
        return [self.values[i] for i in self.value_ids[start:end]]


class FacetIndex:
    def __init__(self, version: int, key: str = "") -> None:
        self.version = version
        self.key = key
        self._states: dict[date, np.ndarray] = {}
        # The vocabularies, for labelling results and facets without a query.
        # Editing a term re-indexes its listings, which changes the version.
        self.terms = {
            term.pk: term
            for term in TaxonomyTerm.objects.select_related("taxonomy").order_by(
                "position"
            )
        }
        self.term_by_code = {(t.taxonomy.slug, t.code): t for t in self.terms.values()}
        by_id = SearchDocument.objects.order_by("id")
        last = by_id.aggregate(last=Max("id"))["last"]
        size = (last + 1) if last is not None else 1
        self.size = size
        self.alive = np.zeros(size, dtype=bool)
        # multi_mask's answers for this index: a page that finds nothing
        # counts its suggestions with the same filters again and again.
        self._multi_masks: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        # Each document's organisation as the 16 bytes of its UUID: a UUID
        # object and a dictionary entry per listing took 15 MB at 100,000.
        self.organization = np.zeros(size, dtype="S16")
        self.name_rank = np.zeros(size, dtype=np.int32)
        # The rank by the name a reader of any other language than English
        # sees first (`Organization.display_name`): its own-language name.
        self.own_name_rank = np.zeros(size, dtype=np.int32)
        self.country = np.full(size, -1, dtype=np.int16)
        self.latitude = np.full(size, np.nan)
        self.longitude = np.full(size, np.nan)
        self.assured = np.zeros(size, dtype=np.int32)  # proleptic ordinal, 0 = never
        self.source_verified = np.zeros(size, dtype=bool)
        self.public_sources = np.zeros(size, dtype=bool)
        self.legal_aid = np.full(size, -1, dtype=np.int8)
        self.referrals = np.full(size, -1, dtype=np.int8)
        self.completeness = np.zeros(size, dtype=np.float32)
        self.countries: list[str] = []
        country_index: dict[str, int] = {}
        ids = array("q")
        # Read in chunks: a list of every row would be the process's peak.
        for (
            doc,
            org,
            country,
            lat,
            lon,
            assured,
            verified,
            public_sources,
            legal_aid,
            referrals,
            completeness,
        ) in by_id.values_list(
            "id",
            "organization_id",
            "country",
            "latitude",
            "longitude",
            "assured_date",
            "source_verified",
            "public_sources",
            "takes_legal_aid_cases",
            "accepts_referrals_from_abroad",
            "completeness",
        ).iterator(chunk_size=2000):
            if doc >= size:
                continue  # written after the count; the next version has it
            ids.append(doc)
            self.alive[doc] = True
            self.organization[doc] = org.bytes
            if country:
                if country not in country_index:
                    country_index[country] = len(self.countries)
                    self.countries.append(country)
                self.country[doc] = country_index[country]
            if lat is not None and lon is not None:
                self.latitude[doc], self.longitude[doc] = lat, lon
            self.assured[doc] = assured.toordinal() if assured else 0
            self.source_verified[doc] = verified
            self.public_sources[doc] = public_sources
            self.legal_aid[doc] = TRI_STATE[legal_aid]
            self.referrals[doc] = TRI_STATE[referrals]
            self.completeness[doc] = completeness
        # Demo data, shown like any listing: only a last tie-break puts it
        # after real listings of equal relevance. The real listings are read
        # apart: a column joined to every row cost the reload an eighth more
        # with 20,000 demo listings.
        self.fictitious = np.ones(size, dtype=bool)
        real = np.fromiter(
            SearchDocument.objects.filter(organization__is_fictitious=False)
            .values_list("id", flat=True)
            .iterator(chunk_size=2000),
            dtype=np.int64,
        )
        self.fictitious[real[real < size]] = False
        # Code-point order, as Python sorts: PostgreSQL would otherwise use
        # its database's collation, and SQLite compares bytes (the same).
        name: Any = (
            Collate("name_sort", "C")
            if connection.vendor == "postgresql"
            else "name_sort"
        )
        by_name = array("q")
        for doc in (
            by_id.order_by(name, "id")
            .values_list("id", flat=True)
            .iterator(chunk_size=2000)
        ):
            if doc < size:
                by_name.append(doc)
        self.name_rank[np.frombuffer(by_name, dtype=np.int64)] = np.arange(
            len(by_name), dtype=np.int32
        )
        # By the own-language name where there is one: those listings sorted
        # here, merged into the others, already in `name_sort` order.
        own_names = sorted(
            (own.casefold()[:300], doc)
            for doc, own in by_id.exclude(organization__alternate_name="")
            .values_list("id", "organization__alternate_name")
            .iterator(chunk_size=2000)
            if doc < size
        )
        english_only = (
            (key, doc)
            for doc, key in by_id.filter(organization__alternate_name="")
            .order_by(name, "id")
            .values_list("id", "name_sort")
            .iterator(chunk_size=2000)
            if doc < size
        )
        by_own_name = array(
            "q", (doc for _, doc in heapq.merge(english_only, own_names))
        )
        self.own_name_rank[np.frombuffer(by_own_name, dtype=np.int64)] = np.arange(
            len(by_own_name), dtype=np.int32
        )
        document_ids = np.frombuffer(ids, dtype=np.int64)
        # From an organisation to its document: the UUIDs sorted, searched.
        order = np.argsort(self.organization[document_ids], kind="stable")
        self._organization_keys = self.organization[document_ids][order]
        self._organization_documents = document_ids[order]
        self.country_index = country_index

        # array('i') keeps a million pairs in 8 MB where lists of ints take 60;
        # NumPy then reads the same memory rather than a copy of it.
        pairs: dict[str, tuple[array, array, dict[str, int], list[str]]] = {
            facet: (array("i"), array("i"), {}, []) for facet in MULTI_FACETS
        }
        for doc, facet, value in (
            SearchFacet.objects.order_by("document_id")
            .values_list("document_id", "facet", "value")
            .iterator(chunk_size=20000)
        ):
            if facet not in pairs or doc >= size:
                continue
            documents, value_ids, index, values = pairs[facet]
            if value not in index:
                index[value] = len(values)
                values.append(value)
            documents.append(doc)
            value_ids.append(index[value])
        self.facets = {
            facet: MultiFacet(
                values=values,
                value_index=index,
                documents=np.frombuffer(documents, dtype=np.intc),
                value_ids=np.frombuffer(value_ids, dtype=np.intc),
            )
            for facet, (documents, value_ids, index, values) in pairs.items()
        }

    def organization_of(self, document: int) -> uuid.UUID:
        # NumPy drops trailing zero bytes of an "S16" value: put them back.
        return uuid.UUID(bytes=bytes(self.organization[document]).ljust(16, b"\0"))

    def document_for(self, organization: uuid.UUID) -> int | None:
        """The search document of an organisation, if it has one."""
        key = organization.bytes
        keys = self._organization_keys
        i = int(np.searchsorted(keys, key))
        if i < len(keys) and bytes(keys[i]).ljust(16, b"\0") == key:
            return int(self._organization_documents[i])
        return None

    # Masks -------------------------------------------------------------------

    def text_mask(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        ids = ids[ids < self.size]
        mask[ids] = True
        return mask & self.alive

    def multi_mask(self, facet: str, selected: list[str]) -> np.ndarray:
        key = (facet, tuple(sorted(selected)))
        known = self._multi_masks.get(key)
        if known is None:
            data = self.facets[facet]
            wanted = [data.value_index[v] for v in selected if v in data.value_index]
            known = np.zeros(self.size, dtype=bool)
            if wanted:
                known[data.documents[np.isin(data.value_ids, wanted)]] = True
            if len(self._multi_masks) >= MULTI_MASKS_KEPT:
                self._multi_masks.clear()
            self._multi_masks[key] = known
        # A copy: callers may combine it in place.
        return known.copy()

    def multi_count(self, facet: str, selected: list[str]) -> np.ndarray:
        """How many of the `selected` values each document has."""
        data = self.facets[facet]
        wanted = [data.value_index[v] for v in selected if v in data.value_index]
        if not wanted:
            return np.zeros(self.size, dtype=np.intp)
        return np.bincount(
            data.documents[np.isin(data.value_ids, wanted)], minlength=self.size
        )

    def country_mask(self, selected: list[str]) -> np.ndarray:
        wanted = [self.country_index[c] for c in selected if c in self.country_index]
        return np.isin(self.country, wanted)

    def verification_states(self, stale_cutoff: date) -> np.ndarray:
        """0 verified, 1 stale, 2 unverified, 3 from public sources, per
        document (cached per cut-off day), as `Organization.verification_state`.

        Stale: verified on or before `stale_cutoff` (models.stale_cutoff).
        """
        cached = self._states.get(stale_cutoff)
        if cached is not None:
            return cached
        states = np.full(self.size, 2, dtype=np.int8)
        assured = self.source_verified & (self.assured > 0)
        states[assured & (self.assured > stale_cutoff.toordinal())] = 0
        states[assured & (self.assured <= stale_cutoff.toordinal())] = 1
        states[assured & self.public_sources] = 3
        self._states = {stale_cutoff: states}
        return states

    def distances_km(self, latitude: float, longitude: float) -> np.ndarray:
        """Great-circle distance to every listing (NaN where it has no place)."""
        return haversine_km(latitude, longitude, self.latitude, self.longitude)

    # Counts ------------------------------------------------------------------

    def count_multi(self, facet: str, mask: np.ndarray) -> dict[str, int]:
        data = self.facets[facet]
        if not data.values:
            return {}
        counts = np.bincount(
            data.value_ids[mask[data.documents]], minlength=len(data.values)
        )
        return {
            data.values[i]: int(n) for i in np.flatnonzero(counts) for n in [counts[i]]
        }

    def count_country(self, mask: np.ndarray) -> dict[str, int]:
        values = self.country[mask]
        values = values[values >= 0]
        counts = np.bincount(values, minlength=len(self.countries))
        return {self.countries[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    @staticmethod
    def count_tri_state(column: np.ndarray, mask: np.ndarray) -> dict[str, int]:
        result = {
            "yes": int(np.count_nonzero((column == 1) & mask)),
            "no": int(np.count_nonzero((column == 0) & mask)),
        }
        return {k: v for k, v in result.items() if v}

    @staticmethod
    def count_states(states: np.ndarray, mask: np.ndarray) -> dict[str, int]:
        counts = np.bincount(states[mask], minlength=len(VERIFICATION_STATES))
        return {VERIFICATION_STATES[i]: int(counts[i]) for i in np.flatnonzero(counts)}


_lock = threading.Lock()
_indexes: dict[str, FacetIndex] = {}


def facet_index() -> FacetIndex:
    """This process's facet index for the current database, fresh as of now."""
    key = f"{connection.alias}:{connection.settings_dict['NAME']}"
    version = index_version(DIRECTORY)
    index = _indexes.get(key)
    if index is None or index.version != version:
        with _lock:
            index = _indexes.get(key)
            if index is None or index.version != version:
                index = FacetIndex(version, key)
                _indexes[key] = index
    return index
