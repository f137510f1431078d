"""Reading a query the way a professional means it.

"avocat roumain aide juridictionnelle" names a profession, a country and a
service: the country becomes a filter, the service and the profession strong
boosts, and only the words left over are matched as text. The words come from
the vocabularies (taxonomy term names in every language), django-countries'
names in every language and data/search_synonyms.json (country adjectives,
everyday words for services and professions). What was recognised is shown to
the user with a way back to searching every word as typed.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import translation
from django_countries import countries

from relais.search.text import MAX_QUERY_LENGTH, MAX_WORD_LENGTH, fold, query_words

from .memory import FacetIndex

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "search_synonyms.json"
MAX_PHRASE_WORDS = 8


@dataclass(frozen=True)
class Concept:
    """A service or a profession a query can name, and the listings it means."""

    code: str
    kind: str  # "service" or "profession"
    label: tuple[str, str]  # (taxonomy slug, term code) naming it to the user
    types: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    legal_aid_cases: bool = False

    def strength(self, index: FacetIndex) -> np.ndarray:
        """How plainly each listing is what this concept names (0 if not at all).

        Being of one of its types (a legal-aid office, a bar association for
        "avocat") counts 1; offering any of its services 1 more, or 0.5 when
        the concept also names types (offering legal representation does not
        make a listing a lawyer); taking legal-aid cases 0.25. A legal-aid
        office giving legal advice thus comes before one that does not, and
        both before a lawyer who gives some.
        """
        strength = np.zeros(index.size)
        if self.types:
            strength += index.multi_count("type", list(self.types)) > 0
        if self.services:
            offers = index.multi_count("service", list(self.services)) > 0
            strength += (0.5 if self.types else 1.0) * offers
        if self.legal_aid_cases:
            strength += 0.25 * (index.legal_aid == 1)
        return strength


@dataclass
class Understood:
    """A query read as filters, boosts and the words left to match as text."""

    words: list[str]
    countries: list[str] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    # Small words ("in", "pour", "gratuite") left out once something was recognised.
    ignored: list[str] = field(default_factory=list)
    # The typed text split at spaces, the piece each folded word came from,
    # and the recognised phrases as [start, end) ranges of folded words.
    pieces: list[str] = field(default_factory=list)
    word_piece: list[int] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    # Folded words matched as text, by position (for replacing one of them).
    text_positions: dict[str, int] = field(default_factory=dict)

    @property
    def recognised(self) -> bool:
        return bool(self.countries or self.concepts)

    def text_without(self, start: int, end: int) -> str:
        """The typed text without the pieces holding folded words [start, end)."""
        kept = [
            piece
            for i, piece in enumerate(self.pieces)
            if any(
                not start <= w < end for w, p in enumerate(self.word_piece) if p == i
            )
        ]
        return " ".join(kept)

    def text_replacing(self, position: int, word: str) -> str:
        """The typed text with the piece of folded word `position` replaced."""
        piece = self.word_piece[position]
        return " ".join(word if i == piece else p for i, p in enumerate(self.pieces))

    def phrase(self, start: int, end: int) -> str:
        """The typed pieces holding folded words [start, end)."""
        wanted = sorted({self.word_piece[w] for w in range(start, end)})
        return " ".join(self.pieces[i] for i in wanted)


@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], tuple[str, Any]]
    stopwords: frozenset[str]
    longest: int


@cache
def _synonyms() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    return data


def _concepts() -> list[Concept]:
    return [
        Concept(
            code=c["code"],
            kind=c["kind"],
            label=(c["label"][0], c["label"][1]),
            types=tuple(c.get("types", ())),
            services=tuple(c.get("services", ())),
            legal_aid_cases=bool(c.get("legal_aid_cases")),
        )
        for c in _synonyms()["concepts"]
    ]


@cache
def _country_names(code: str) -> frozenset[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(str(countries.name(code)))
    return frozenset(names)


def lexicon(index: FacetIndex) -> Lexicon:
    """The phrases a query can contain, for this index (kept with it, so a
    vocabulary edit, which re-indexes and changes the version, is seen)."""
    cached: Lexicon | None = getattr(index, "_lexicon", None)
    if cached is not None:
        return cached
    data = _synonyms()
    phrases: dict[tuple[str, ...], tuple[str, Any]] = {}

    def add(text: str, meaning: tuple[str, Any]) -> None:
        words = tuple(fold(text).split())
        # The first meaning of a phrase wins: countries, then concepts in order.
        if words and len(words) <= MAX_PHRASE_WORDS:
            phrases.setdefault(words, meaning)

    # Only countries that have listings: "Jordan" or "Chad" stay words.
    for code in index.countries:
        if code not in countries:
            continue
        for name in _country_names(code):
            add(name, ("country", code))
        for words in data["countries"].get(code, {}).values():
            for word in words:
                add(word, ("country", code))
    languages = [code for code, _name in settings.LANGUAGES]
    for concept, raw in zip(_concepts(), data["concepts"], strict=True):
        for slug, term_code in raw.get("term_names", []):
            term = index.term_by_code.get((slug, term_code))
            if term is None:
                continue
            for language in languages:
                add(getattr(term, f"name_{language}", "") or "", ("concept", concept))
        for words in raw["phrases"].values():
            for word in words:
                add(word, ("concept", concept))
    stopwords = frozenset(
        word
        for words in data["stopwords"].values()
        for text in words
        for word in fold(text).split()
    )
    found = Lexicon(phrases, stopwords, max((len(p) for p in phrases), default=1))
    index._lexicon = found  # type: ignore[attr-defined]
    return found


def understand(q: str, index: FacetIndex, *, literal: bool = False) -> Understood:
    """Countries, services and professions named in `q`, and the other words.

    The longest known phrase wins at each position ("aide juridique gratuite"
    before "aide"). With `literal`, or when nothing is recognised, the words
    are exactly `query_words(q)`.
    """
    pieces = q[:MAX_QUERY_LENGTH].split()
    tokens: list[str] = []
    word_piece: list[int] = []
    for number, piece in enumerate(pieces):
        for token in fold(piece).split():
            tokens.append(token)
            word_piece.append(number)

    def as_typed() -> Understood:
        positions: dict[str, int] = {}
        for i, token in enumerate(tokens):
            positions.setdefault(token[:MAX_WORD_LENGTH], i)
        return Understood(
            words=query_words(q),
            pieces=pieces,
            word_piece=word_piece,
            text_positions=positions,
        )

    if literal:
        return as_typed()
    found = lexicon(index)
    left: list[tuple[int, str]] = []
    understood = Understood(words=[], pieces=pieces, word_piece=word_piece)
    i = 0
    while i < len(tokens):
        for size in range(min(found.longest, len(tokens) - i), 0, -1):
            meaning = found.phrases.get(tuple(tokens[i : i + size]))
            if meaning is None:
                continue
            kind, value = meaning
            if kind == "country" and value not in understood.countries:
                understood.countries.append(value)
            elif kind == "concept" and value not in understood.concepts:
                understood.concepts.append(value)
            understood.spans.append((i, i + size))
            i += size
            break
        else:
            left.append((i, tokens[i]))
            i += 1
    if not understood.recognised:
        return as_typed()
    kept = [(i, w) for i, w in left if w not in found.stopwords]
    understood.ignored = list(
        dict.fromkeys(w for _i, w in left if w in found.stopwords)
    )
    understood.words = query_words(" ".join(w for _i, w in kept))
    for i, word in kept:
        understood.text_positions.setdefault(word[:MAX_WORD_LENGTH], i)
    return understood


def concept_strength(index: FacetIndex, concepts: list[Concept]) -> np.ndarray | None:
    """Each listing's strength summed over the concepts (None without
    concepts); above 0 where it matches any of them."""
    if not concepts:
        return None
    strength = np.zeros(index.size)
    for concept in concepts:
        strength += concept.strength(index)
    return strength


def services_offered(index: FacetIndex, concepts: list[Concept]) -> np.ndarray:
    """The share of the services the concepts name that each listing offers."""
    services = list(dict.fromkeys(s for c in concepts for s in c.services))
    if not services:
        return np.zeros(index.size)
    return index.multi_count("service", services) / len(services)
