"""Running a directory search: matching, filters, facet counts, ranking, distance."""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone

from relais.search.engines import Engine, engine_for_connection

from ..models import Organization, hidden_cutoff, own_names_first, stale_cutoff
from .memory import VERIFICATION_STATES, FacetIndex, facet_index
from .tables import DIRECTORY
from .understanding import (
    Understood,
    concept_strength,
    services_offered,
    understand,
)

MULTI_FACETS = ["type", "service", "exploitation", "group", "language", "city"]
MAX_CITY_FACET_VALUES = 40
# A listing ranks as if its text matched this many times better per unit of
# `Concept.strength` (how plainly it is a service or profession the query
# names): one unit more, being the legal-aid office asked for say, outweighs
# any difference of verification and completeness (at most 2x).
CONCEPT_BOOST = 3.0


@dataclass
class SearchQuery:
    """A directory search, as validated from the URL or the API."""

    q: str = ""
    country: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)
    exploitation: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    legal_aid: bool | None = None
    referrals: bool | None = None
    verification: list[str] = field(default_factory=list)
    # Listings unverified for RELAIS_VERIFICATION_HIDE_AFTER_MONTHS are left out
    # unless asked for.
    include_outdated: bool = False
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Every word as text: countries, services and professions not recognised.
    literal: bool = False

    @property
    def near(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class Hit:
    organization: Organization
    distance_km: float | None = None


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    words: list[str]
    corrected: list[str] | None = None
    matched_any_word: bool = False
    # What the query named (countries, services, professions), if anything.
    understood: Understood | None = None
    # Words no listing has, left out after the recognised ones found listings.
    left_out: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))


def _filter_masks(
    index: FacetIndex,
    query: SearchQuery,
    states: np.ndarray,
    understood: Understood | None = None,
) -> dict[str, np.ndarray]:
    masks: dict[str, np.ndarray] = {}
    if query.country:
        masks["country"] = index.country_mask(query.country)
    elif understood is not None and understood.countries:
        # A country chosen in the facet outranks one named in the words.
        masks["country"] = index.country_mask(understood.countries)
    for facet in MULTI_FACETS:
        values = getattr(query, facet)
        if values:
            masks[facet] = index.multi_mask(facet, values)
    if query.legal_aid is not None:
        masks["legal_aid"] = index.legal_aid == int(query.legal_aid)
    if query.referrals is not None:
        masks["referrals"] = index.referrals == int(query.referrals)
    if query.verification:
        wanted = [VERIFICATION_STATES.index(v) for v in query.verification]
        masks["verification"] = np.isin(states, wanted)
    return masks


def _all_but(
    masks: dict[str, np.ndarray], base: np.ndarray, left_out: str
) -> np.ndarray:
    mask = base
    for name, other in masks.items():
        if name != left_out:
            mask = mask & other
    return mask


def _facet_counts(
    index: FacetIndex,
    base: np.ndarray,
    masks: dict[str, np.ndarray],
    states: np.ndarray,
) -> dict[str, dict[str, int]]:
    # Each facet counts under every other active filter but its own, so that
    # choosing a second value of the same facet (OR) still shows its count.
    everything = _all_but(masks, base, "")

    def scope(name: str) -> np.ndarray:
        return _all_but(masks, base, name) if name in masks else everything

    counts = {"country": index.count_country(scope("country"))}
    for facet in MULTI_FACETS:
        counts[facet] = index.count_multi(facet, scope(facet))
    counts["city"] = dict(
        sorted(counts["city"].items(), key=lambda kv: (-kv[1], kv[0]))[
            :MAX_CITY_FACET_VALUES
        ]
    )
    counts["legal_aid"] = index.count_tri_state(index.legal_aid, scope("legal_aid"))
    counts["referrals"] = index.count_tri_state(index.referrals, scope("referrals"))
    counts["verification"] = index.count_states(states, scope("verification"))
    return counts


# Added to a fictitious listing's (negative) score: far beyond any score.
FICTITIOUS_AFTER = 1e12


def _order(
    index: FacetIndex,
    query: SearchQuery,
    candidates: np.ndarray,
    relevance: np.ndarray | None,
    states: np.ndarray,
    distances: np.ndarray | None,
    named: np.ndarray | None = None,
) -> np.ndarray:
    """The candidates sorted for display (best first; by relevance, real
    listings before fictitious ones), ties broken by real listings before
    fictitious ones, then by the name the reader sees first
    (`Organization.display_name`)."""
    rank = index.own_name_rank if own_names_first() else index.name_rank
    names = rank[candidates]
    if query.sort == "distance" and distances is not None:
        primary = np.nan_to_num(distances[candidates], nan=np.inf)
    elif query.sort == "name":
        primary = names.astype(np.float64)
    elif query.sort == "verified":
        primary = -index.assured[candidates].astype(np.float64)
    else:
        # Text relevance times a static boost for verified, complete listings.
        # A fictitious listing's verification and completeness are made up
        # (the demo generator fills them in), so they earn no boost.
        boost = np.where(
            index.fictitious[candidates],
            1.0,
            1.0
            + 0.5 * np.choose(states[candidates], [1.0, 0.4, 0.0, 0.4])
            + 0.5 * index.completeness[candidates],
        )
        score = boost if relevance is None else relevance[candidates] * boost
        if named is not None:
            score = score * CONCEPT_BOOST ** named[candidates]
        # Real listings before fictitious ones: in the demo, the real listings
        # are the ones a professional can call; the made-up ones only fill
        # the pages (production has none). A name match made "antwerpen" put
        # fictitious "… Antwerpen 101" above Payoke, by a margin that moved
        # with the text index's statistics.
        primary = -score + FICTITIOUS_AFTER * index.fictitious[candidates]
    wanted = query.page * query.per_page
    if len(candidates) > 4 * wanted:
        # Only the first pages are sorted: keep every candidate as good as the
        # last one shown (ties included) and sort those alone.
        threshold = np.partition(primary, wanted - 1)[wanted - 1]
        keep = primary <= threshold
        candidates, primary, names = candidates[keep], primary[keep], names[keep]
    fictitious = index.fictitious[candidates]
    return candidates[np.lexsort((names, fictitious, primary))]


def _run(
    engine: Engine,
    index: FacetIndex,
    query: SearchQuery,
    words: list[str],
    any_word: bool,
    understood: Understood | None = None,
    *,
    ranked: bool = True,
    facets: bool = True,
) -> tuple[int, list[tuple[Any, float | None]], dict[str, dict[str, int]], np.ndarray]:
    """Total, page, facet counts and the mask of every match (over documents).

    `ranked=False` leaves out the page and the facet counts, `facets=False`
    the facet counts."""
    states = index.verification_states(stale_cutoff(timezone.localdate()))
    masks = _filter_masks(index, query, states, understood)
    named = concept_strength(index, understood.concepts) if understood else None
    base = index.alive
    if not query.include_outdated:
        cutoff = hidden_cutoff(timezone.localdate())
        base = base & ~((index.assured > 0) & (index.assured <= cutoff.toordinal()))
    relevance = None
    if words:
        ids, scores = _text_matches(engine, index, words, any_word)
        ids_in = ids < index.size
        ids, scores = ids[ids_in], scores[ids_in]
        # Within the filters above: outdated listings stay hidden here too.
        base = base & index.text_mask(ids)
        relevance = np.zeros(index.size)
        relevance[ids] = scores
    elif named is not None:
        # Only services or professions named: the listings offering any of them,
        # those offering more of the named services first at equal strength.
        base = base & (named > 0)
        assert understood is not None
        relevance = 1.0 + services_offered(index, understood.concepts)
    distances = None
    if query.near:
        assert query.latitude is not None and query.longitude is not None
        distances = index.distances_km(query.latitude, query.longitude)
        if query.radius_km:
            base = base & (distances <= query.radius_km)
    final = _all_but(masks, base, "")
    candidates = np.flatnonzero(final)
    total = len(candidates)
    if not ranked:
        return total, [], {}, final
    ordered = (
        _order(index, query, candidates, relevance, states, distances, named)
        if total
        else candidates
    )
    start = (query.page - 1) * query.per_page
    page = ordered[start : start + query.per_page]
    hits = [
        (
            index.organization_of(doc),
            None if distances is None else float(distances[doc]),
        )
        for doc in page
    ]
    counts = _facet_counts(index, base, masks, states) if facets else {}
    return total, hits, counts, final


# The text matches of recent queries, per process: clicking facets, paging or
# changing the sort re-uses the words' matches instead of asking the text
# index again. Keyed by the index version, so an edit is never served stale.
_text_cache: OrderedDict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
_text_cache_lock = threading.Lock()
TEXT_CACHE_MAX_IDS = 2_000_000


def _text_matches(
    engine: Engine, index: FacetIndex, words: list[str], any_word: bool
) -> tuple[np.ndarray, np.ndarray]:
    key = (index.key, index.version, tuple(words), any_word)
    with _text_cache_lock:
        cached = _text_cache.get(key)
        if cached is not None:
            _text_cache.move_to_end(key)
            return cached
    ids, scores = engine.matches(words, any_word=any_word)
    with _text_cache_lock:
        _text_cache[key] = (ids, scores)
        while sum(len(v[0]) for v in _text_cache.values()) > TEXT_CACHE_MAX_IDS:
            _text_cache.popitem(last=False)
    return ids, scores


def text_cache_clear() -> None:
    """Forget cached text matches (benchmarks measure searches without them)."""
    with _text_cache_lock:
        _text_cache.clear()


def _matching(
    query: SearchQuery, *, ranked: bool = True, facets: bool = True
) -> tuple[
    FacetIndex,
    list[str],
    int,
    list[tuple[Any, float | None]],
    dict[str, dict[str, int]],
    np.ndarray,
    list[str] | None,
    bool,
    Understood,
    list[str],
]:
    """The search with its fall-backs: typos corrected, then any word, then
    (when the query named a country, service or profession) without the
    words no listing has."""
    engine = engine_for_connection(DIRECTORY)
    index = facet_index()
    understood = understand(query.q, index, literal=query.literal)
    words = understood.words
    total, page, counts, final = _run(
        engine,
        index,
        query,
        words,
        any_word=False,
        understood=understood,
        ranked=ranked,
        facets=facets,
    )
    corrected = None
    any_word = False
    if words and total == 0:
        # Nothing has every word: correct typos first, then accept any word.
        fixed = [
            word
            if engine.has_match(word)
            else (engine.similar_terms(word, limit=1) or [word])[0]
            for word in words
        ]
        if fixed != words:
            total, page, counts, final = _run(
                engine,
                index,
                query,
                fixed,
                any_word=False,
                understood=understood,
                ranked=ranked,
                facets=facets,
            )
            if total:
                corrected = fixed
        if total == 0 and len(words) > 1:
            total, page, counts, final = _run(
                engine,
                index,
                query,
                corrected or fixed,
                any_word=True,
                understood=understood,
                ranked=ranked,
                facets=facets,
            )
            any_word = total > 0
    left_out: list[str] = []
    if words and total == 0 and understood.recognised:
        total, page, counts, final = _run(
            engine,
            index,
            query,
            [],
            any_word=False,
            understood=understood,
            ranked=ranked,
            facets=facets,
        )
        if total:
            left_out = words
    return (
        index,
        words,
        total,
        page,
        counts,
        final,
        corrected,
        any_word,
        understood,
        left_out,
    )


def search_documents(query: SearchQuery) -> tuple[FacetIndex, np.ndarray]:
    """Every listing the search finds, as a mask over the facet index's
    documents: no ranking, no facet counts, no records loaded (the HSDS API
    maps it to services and organisations)."""
    index, _w, _t, _p, _f, final, _c, _a, _u, _l = _matching(query, ranked=False)
    return index, final


def search_page_ids(query: SearchQuery) -> tuple[int, list[Any]]:
    """The total and the organisation ids of one page, in the search's order:
    no facet counts and no records loaded (the HSDS API reads its own)."""
    _i, _w, total, page, _f, _m, _c, _a, _u, _l = _matching(query, facets=False)
    return total, [org_id for org_id, _d in page]


def search(query: SearchQuery) -> SearchResult:
    """Listings matching the query, one page of them, and the facet counts."""
    (_i, words, total, page, facets, _m, corrected, any_word, understood, left_out) = (
        _matching(query)
    )
    organizations = Organization.objects.in_bulk([org_id for org_id, _d in page])
    hits = [
        Hit(organizations[org_id], distance)
        for org_id, distance in page
        if org_id in organizations
    ]
    return SearchResult(
        query=query,
        total=total,
        hits=hits,
        facets=facets,
        words=words,
        corrected=corrected,
        matched_any_word=any_word,
        understood=understood if understood.recognised else None,
        left_out=left_out,
    )
