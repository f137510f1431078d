"""What the directory search made of the words, and what to change when
nothing was found: plain links (query strings), working without JavaScript."""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries

from relais.search.engines import engine_for_connection

from ..forms import RADIUS_CHOICES, DirectorySearchForm
from ..search import SearchResult, search_documents
from ..search.memory import facet_index
from ..search.tables import DIRECTORY
from ..search.understanding import Understood, understand

register = template.Library()

MAX_SUGGESTIONS = 8
# Each suggestion is a search of its own, run only when nothing was found:
# past this many, the page stops trying (a crafted address with many filters
# costs no more than an ordinary one).
MAX_SUGGESTION_SEARCHES = 12
# Words checked one by one for "no listing has this word" (one indexed look-up each).
MAX_WORDS_CHECKED = 8
# Facets whose values are removed one by one (the others are single choices).
MULTI_VALUE_FILTERS = [
    "country",
    "city",
    "type",
    "service",
    "exploitation",
    "group",
    "language",
    "verification",
]


@dataclass
class Suggestion:
    label: str
    href: str
    total: int = 0


@dataclass
class Reading:
    """How the words were read, for the note above the results."""

    countries: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    country_overridden: bool = False
    literal_href: str = ""
    # In literal mode: the link back to reading the words.
    understand_href: str = ""


def _href(params: QueryDict) -> str:
    params = params.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _with(params: QueryDict, **changes: str | None) -> QueryDict:
    changed = params.copy()
    for name, value in changes.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    return changed


def _total(params: QueryDict) -> int:
    query = DirectorySearchForm(params).search_query(per_page=1)
    _index, found = search_documents(query)
    return int(found.sum())


def _concept_label(label: tuple[str, str]) -> str:
    term = facet_index().term_by_code.get(label)
    return str(term.name) if term is not None else label[1]


@register.simple_tag(takes_context=True)
def search_reading(context: Any) -> Reading | None:
    """The countries, services and professions read in the words, if any."""
    result: SearchResult | None = context.get("result")
    request = context.get("request")
    if result is None or request is None:
        return None
    params = request.GET
    query = result.query
    understood = result.understood
    if understood is None:
        if query.literal and query.q and understand(query.q, facet_index()).recognised:
            return Reading(understand_href=_href(_with(params, literal=None)))
        return None
    return Reading(
        countries=[str(countries.name(code)) for code in understood.countries],
        concepts=[_concept_label(c.label) for c in understood.concepts],
        words=[] if result.left_out else result.words,
        ignored=understood.ignored,
        left_out=result.left_out,
        country_overridden=bool(understood.countries and query.country),
        literal_href=_href(_with(params, literal="on")),
    )


def _filter_suggestions(params: QueryDict, facet_groups: list[Any]) -> list[Suggestion]:
    found = []
    for group in facet_groups:
        if group.name not in params:
            continue
        for option in group.options:
            if not option.selected:
                continue
            changed = params.copy()
            if group.name in MULTI_VALUE_FILTERS:
                changed.setlist(
                    group.name,
                    [v for v in params.getlist(group.name) if v != option.value],
                )
                label = _("Remove the filter “%(value)s”") % {"value": option.label}
            else:
                changed.pop(group.name, None)
                label = _("Remove the filter “%(name)s: %(value)s”") % {
                    "name": group.label,
                    "value": option.label,
                }
            found.append(Suggestion(label, _href(changed)))
    return found


def _word_suggestions(params: QueryDict, understood: Understood) -> list[Suggestion]:
    found = []
    for start, end in understood.spans:
        found.append(
            Suggestion(
                _("Search without “%(words)s”")
                % {"words": understood.phrase(start, end)},
                _href(_with(params, q=understood.text_without(start, end) or None)),
            )
        )
    engine = engine_for_connection(DIRECTORY)
    # Leaving out one of several words matched as text, or searching one alone,
    # finds nothing more: the search already tried any of them, within the same
    # filters (and without them, after a reading). Clearing the words is
    # offered with the filters (`search_suggestions`).
    for word, position in understood.text_positions.items():
        if not engine.has_match(word):
            for term in engine.similar_terms(word, limit=2):
                found.append(
                    Suggestion(
                        _("Did you mean “%(word)s”?") % {"word": term},
                        _href(
                            _with(params, q=understood.text_replacing(position, term))
                        ),
                    )
                )
    return found


@register.simple_tag(takes_context=True)
def search_suggestions(context: Any) -> list[Suggestion]:
    """What to change when a search finds nothing: each change that finds
    listings, with how many (most useful first)."""
    result: SearchResult | None = context.get("result")
    request = context.get("request")
    if result is None or request is None or result.total:
        return []
    params = request.GET.copy()
    params.pop("page", None)
    query = result.query
    # Groups of alternatives: of each group, the first that finds listings.
    groups: list[list[Suggestion]] = []
    if result.understood is not None:
        groups.append(
            [
                Suggestion(
                    _("Search every word as typed"),
                    _href(_with(params, literal="on")),
                )
            ]
        )
    elif query.literal and query.q and understand(query.q, facet_index()).recognised:
        groups.append(
            [
                Suggestion(
                    _("Read countries, services and professions in my words"),
                    _href(_with(params, literal=None)),
                )
            ]
        )
    filters = _filter_suggestions(params, facet_groups(context))
    groups += [[s] for s in filters]
    if query.q and len(filters) > 1:
        # Each filter removed alone may still find nothing; all of them at once.
        words_only = QueryDict(mutable=True)
        for name in ("q", "literal", "sort", "outdated"):
            if name in params:
                words_only.setlist(name, params.getlist(name))
        groups.append(
            [Suggestion(_("Keep the words, remove every filter"), _href(words_only))]
        )
    if query.near and query.radius_km:
        groups.append(
            [
                Suggestion(
                    _("Search within %(km)s km") % {"km": radius},
                    _href(_with(params, radius=str(radius))),
                )
                for radius, _label in RADIUS_CHOICES
                if radius > query.radius_km
            ]
            + [
                Suggestion(
                    _("Search at any distance"),
                    _href(_with(params, near=None, lat=None, lon=None, radius=None)),
                )
            ]
        )
    if query.q:
        words = result.understood or understand(query.q, facet_index(), literal=True)
        groups += [[s] for s in _word_suggestions(params, words)]
        if _href(_with(params, q=None)) != "?":
            # The filters alone (without them, this is "Start a new search").
            groups.append(
                [
                    Suggestion(
                        _("Search without “%(words)s”")
                        % {"words": Truncator(" ".join(query.q.split())).chars(60)},
                        _href(_with(params, q=None)),
                    )
                ]
            )
    if not query.include_outdated:
        groups.append(
            [
                Suggestion(
                    _("Include outdated listings"),
                    _href(_with(params, outdated="on")),
                )
            ]
        )
    useful: list[Suggestion] = []
    seen: set[str] = set()
    for group in groups:
        for suggestion in group:
            if suggestion.href in seen or len(seen) >= MAX_SUGGESTION_SEARCHES:
                continue
            seen.add(suggestion.href)
            try:
                suggestion.total = _total(QueryDict(suggestion.href[1:]))
            except TooManyFieldsSent:
                # A crafted address with hundreds of repeated filters: no
                # suggestion is better than an error page.
                continue
            if suggestion.total:
                useful.append(suggestion)
                break
        if len(useful) >= MAX_SUGGESTIONS:
            break
    return useful


@register.simple_tag(takes_context=True)
def words_found_nowhere(context: Any) -> list[str]:
    """The words searched as text that no listing has at all, as typed (only
    when nothing was found): the ones to check or change."""
    result: SearchResult | None = context.get("result")
    if result is None or result.total or not result.query.q:
        return []
    words = result.understood or understand(result.query.q, facet_index(), literal=True)
    engine = engine_for_connection(DIRECTORY)
    checked = list(words.text_positions.items())[:MAX_WORDS_CHECKED]
    return [
        words.phrase(position, position + 1)
        for word, position in checked
        if not engine.has_match(word)
    ]


@register.filter
def quoted_words(words: list[str]) -> str:
    """Each word between the reader's language's quotation marks, joined by
    commas: “xyzzy”, “plombier” in English, « xyzzy », « plombier » in French."""
    return ", ".join(
        pgettext("a word quoted in a sentence", "“%(word)s”") % {"word": word}
        for word in words
    )


def facet_groups(context: Any) -> list[Any]:
    groups: list[Any] = context.get("facet_groups") or []
    return groups
