"""Searching the knowledge base on the shared search engines (relais.search).

Every published record becomes one `KnowledgeSearchDocument` per interface
language, holding the text a reader of that language sees (the translation,
else English): country profiles and their published, cited rights-matrix
cells, the legislation library, published good practices and the handbook.
The engines of `relais.search.engines` match and rank them over the
knowledge tables; kind and country filters and the excerpts are applied here.

Every write through the services and the admin re-indexes the records it
touched in the same transaction; `relais reindex` and `relais load-knowledge`
rebuild everything.
"""

import html
import math
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import translation
from django.utils.html import strip_tags
from django_countries import countries

from relais.core.languages import translated_field
from relais.core.typography import colon
from relais.search.engines import Engine, IndexTables, engine_for_connection
from relais.search.text import fold, query_words

from .markdown import markdown_to_html
from .models import (
    Audience,
    CellStatus,
    Citation,
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    KnowledgeSearchDocument,
    KnowledgeSearchIndexVersion,
    KnowledgeSearchTerm,
    PracticeStatus,
    Provision,
    RightsCell,
    SearchKind,
)

KNOWLEDGE = IndexTables(
    documents="knowledge_searchdocument",
    fts="knowledge_search_fts",
    terms="knowledge_searchterm",
    version="knowledge_searchindexversion",
)
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
EXCERPT_WORDS = 32


# Building documents -----------------------------------------------------------


@dataclass
class Entry:
    """What one record shows a reader of one language."""

    kind: str
    object_id: Any
    title: str
    url: str
    labels: list[str]
    body: list[str]
    text_language: str | None
    countries: list[str] = field(default_factory=list)
    verified: bool = True
    # Other names weighing as much as the title (a country's, in every language).
    names: str = ""


@cache
def _country_names(code: str) -> str:
    """The country's name in the seven languages (a Belgian profile is found as
    Belgique, België, Белгия...)."""
    names = [code]
    for language in LANGUAGE_CODES:
        with translation.override(language):
            names.append(str(countries.name(code)))
    return " ".join(names)


def _country_name(code: str) -> str:
    return str(countries.name(code)) or code


@lru_cache(maxsize=256)
def _plain(markdown: str) -> str:
    return " ".join(html.unescape(strip_tags(markdown_to_html(markdown))).split())


def _profile_entry(profile: CountryProfile) -> Entry:
    text, language = translated_field(profile, "introduction")
    return Entry(
        kind=SearchKind.PROFILE,
        object_id=profile.pk,
        title=_country_name(profile.code),
        url=profile.get_absolute_url(),
        labels=[],
        body=[text],
        text_language=language,
        countries=[profile.code],
        names=_country_names(profile.code),
    )


def _cell_entry(cell: RightsCell) -> Entry:
    text, language = translated_field(cell, "text")
    cited = [c.provision for c in cell.citation_set.all()]
    code = cell.profile.code
    return Entry(
        kind=SearchKind.PROFILE,
        object_id=cell.pk,
        title=f"{_country_name(code)}{colon()} {cell.get_topic_display()}",
        url=f"{cell.profile.get_absolute_url()}#{cell.topic}",
        labels=[
            str(cell.get_topic_display()),
            _country_names(code),
            *(f"{p.instrument} {p.article}" for p in cited),
        ],
        body=[text],
        text_language=language,
        countries=[code],
        verified=cell.verified,
    )


def _provision_entry(provision: Provision) -> Entry:
    summary, language = translated_field(provision, "summary")
    return Entry(
        kind=SearchKind.LEGISLATION,
        object_id=provision.pk,
        title=str(provision),
        url=provision.get_absolute_url(),
        labels=[
            provision.instrument,
            provision.article,
            str(provision.get_topic_display()),
            _country_names(provision.country),
        ],
        body=[summary, provision.notes],
        text_language=language,
        countries=[provision.country],
        verified=provision.verified,
    )


def _practice_entry(practice: GoodPractice) -> Entry:
    title, _title_language = translated_field(practice, "title")
    body = []
    language = None
    for name in ("context", "practice", "results", "transferability"):
        text, text_language = translated_field(practice, name)
        body.append(text)
        language = language or text_language
    return Entry(
        kind=SearchKind.PRACTICE,
        object_id=practice.pk,
        title=title,
        url=practice.get_absolute_url(),
        labels=[
            str(practice.get_topic_display()),
            *(_country_names(code) for code in practice.countries),
        ],
        body=body,
        text_language=language,
        countries=list(practice.countries),
    )


def _section_entry(section: HandbookSection) -> Entry:
    body, language = translated_field(section, "body")
    title = getattr(section, f"title_{language}", "") or section.title
    chapter_title, _chapter_language = translated_field(section.chapter, "title")
    audiences = dict(Audience.choices)
    return Entry(
        kind=SearchKind.HANDBOOK,
        object_id=section.pk,
        title=f"{section.chapter.number}.{section.number} {title}",
        url=section.get_absolute_url(),
        labels=[
            chapter_title,
            *(str(audiences[a]) for a in section.audiences if a in audiences),
        ],
        body=[_plain(body)],
        text_language=language,
    )


def _published_cells() -> models.QuerySet[RightsCell]:
    """As the profile pages show them: published and cited."""
    return (
        RightsCell.objects.filter(status=CellStatus.PUBLISHED, citation__isnull=False)
        .distinct()
        .select_related("profile")
        .prefetch_related(
            models.Prefetch(
                "citation_set", queryset=Citation.objects.select_related("provision")
            )
        )
    )


def _records(ids: set[Any] | None) -> Iterator[Any]:
    """The records to index (all, or those with these ids) that pages show."""

    def only(qs: Any) -> Any:
        return qs if ids is None else qs.filter(pk__in=ids)

    yield from only(CountryProfile.objects.all())
    yield from only(_published_cells())
    yield from only(Provision.objects.all())
    yield from only(GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED))
    yield from only(HandbookSection.objects.select_related("chapter"))


ENTRY_BUILDERS: dict[type, Any] = {
    CountryProfile: _profile_entry,
    RightsCell: _cell_entry,
    Provision: _provision_entry,
    GoodPractice: _practice_entry,
    HandbookSection: _section_entry,
}


def _documents(record: Any) -> Iterator[KnowledgeSearchDocument]:
    build = ENTRY_BUILDERS[type(record)]
    for language in LANGUAGE_CODES:
        with translation.override(language):
            entry = build(record)
        body = " ".join(filter(None, entry.body))
        yield KnowledgeSearchDocument(
            kind=entry.kind,
            object_id=entry.object_id,
            language=language,
            text_language=entry.text_language or "",
            countries=f" {' '.join(entry.countries)} " if entry.countries else "",
            title=entry.title[:600],
            url=entry.url[:600],
            excerpt=body,
            verified=entry.verified,
            name_text=fold(f"{entry.title} {entry.names}"),
            label_text=fold(" ".join(filter(None, entry.labels))),
            body_text=fold(body),
        )


# Writing the index ------------------------------------------------------------


def _bump_version() -> None:
    # A random token, as for the directory: a rolled-back write never leaves a
    # version a process has already seen with other data.
    KnowledgeSearchIndexVersion.objects.update_or_create(
        pk=1, defaults={"version": secrets.randbits(62)}
    )


def _write(records: Iterable[Any]) -> int:
    count = 0
    words: set[str] = set()
    batch: list[KnowledgeSearchDocument] = []
    for record in records:
        for d in _documents(record):
            batch.append(d)
            words.update(f"{d.name_text} {d.label_text} {d.body_text}".split())
        count += 1
        if len(batch) >= 500:
            KnowledgeSearchDocument.objects.bulk_create(batch)
            batch = []
    KnowledgeSearchDocument.objects.bulk_create(batch)
    KnowledgeSearchTerm.objects.bulk_create(
        [KnowledgeSearchTerm(term=w) for w in words if len(w) <= 60],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return count


def _affected_ids(records: Iterable[Any]) -> set[Any]:
    """The records' own ids and those of the documents that show them."""
    ids: set[Any] = set()
    for record in records:
        if isinstance(record, Citation):
            ids.add(record.cell_id)
            continue
        ids.add(record.pk)
        if isinstance(record, (Provision, CountryProfile)):
            ids.update(record.cells.values_list("pk", flat=True))
        elif isinstance(record, HandbookChapter):
            ids.update(record.sections.values_list("pk", flat=True))
    return ids


@transaction.atomic
def index_refresh(records: Iterable[Any]) -> int:
    """Re-index these knowledge records (and the documents that show them); a
    record no longer shown (a declined practice, an uncited cell) leaves."""
    ids = _affected_ids(records)
    KnowledgeSearchDocument.objects.filter(object_id__in=ids).delete()
    count = _write(_records(ids)) if ids else 0
    _bump_version()
    return count


@transaction.atomic
def index_prune() -> int:
    """Drop the documents of deleted records (after deletions and cascades)."""
    documents = KnowledgeSearchDocument.objects.all()
    for model in ENTRY_BUILDERS:
        documents = documents.exclude(object_id__in=model.objects.values("pk"))  # type: ignore[attr-defined]
    deleted, _by_model = documents.delete()
    _bump_version()
    return deleted


@transaction.atomic
def index_rebuild() -> int:
    """Rebuild the whole knowledge index (`relais reindex`, `load-knowledge`)."""
    KnowledgeSearchDocument.objects.all().delete()
    KnowledgeSearchTerm.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO knowledge_search_fts(knowledge_search_fts) "
                "VALUES ('rebuild')"
            )
    count = _write(_records(None))
    _bump_version()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE knowledge_searchdocument, knowledge_searchterm")
    return count


# Searching --------------------------------------------------------------------


@dataclass
class KnowledgeQuery:
    q: str = ""
    kind: str = ""
    country: str = ""
    page: int = 1
    per_page: int = 20


@dataclass
class Excerpt:
    """A short passage around the first matching word; `parts` alternate
    between plain text and a matching word (odd positions)."""

    parts: list[str]
    leading: bool
    trailing: bool


@dataclass
class KnowledgeHit:
    kind: str
    kind_label: str
    title: str
    url: str
    countries: list[str]
    verified: bool
    excerpt: Excerpt
    text_language: str


@dataclass
class KnowledgeResult:
    query: KnowledgeQuery
    total: int
    hits: list[KnowledgeHit]
    kind_counts: dict[str, int]
    country_counts: dict[str, int]
    words: list[str]
    corrected: list[str] | None = None
    matched_any_word: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))


@dataclass
class _Matched:
    ids: list[int]
    kind_counts: dict[str, int]
    country_counts: dict[str, int]


def _matched(
    engine: Engine, query: KnowledgeQuery, words: list[str], any_word: bool
) -> _Matched:
    ids, scores = engine.matches(words, any_word=any_word)
    relevance = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    rows = [
        row
        for row in KnowledgeSearchDocument.objects.filter(
            language=translation.get_language() or settings.LANGUAGE_CODE
        ).values_list("id", "kind", "countries", "title")
        if row[0] in relevance
    ]
    in_country = [r for r in rows if not query.country or f" {query.country} " in r[2]]
    of_kind = [r for r in rows if not query.kind or r[1] == query.kind]
    kept = [r for r in in_country if not query.kind or r[1] == query.kind]
    kept.sort(key=lambda r: (-relevance[r[0]], r[3].casefold()))
    return _Matched(
        ids=[r[0] for r in kept],
        kind_counts=dict(Counter(r[1] for r in in_country)),
        country_counts=dict(Counter(code for r in of_kind for code in r[2].split())),
    )


WORD_CHARACTERS = re.compile(r"\w+")
WHITESPACE_SEPARATED = re.compile(r"\S+")


def excerpt_of(text: str, words: list[str]) -> Excerpt:
    """About 32 words of `text` around its first word starting with a query
    word (compared folded), cut at spaces; the matching words are marked."""

    def matches(token: str) -> bool:
        folded = fold(token).replace(" ", "")
        return any(folded.startswith(word) for word in words)

    chunks = list(WHITESPACE_SEPARATED.finditer(text))
    if not chunks:
        return Excerpt([""], False, False)
    first = next(
        (
            i
            for i, chunk in enumerate(chunks)
            if any(matches(w) for w in WORD_CHARACTERS.findall(chunk[0]))
        ),
        0,
    )
    start = max(0, first - EXCERPT_WORDS // 3)
    # Never open on punctuation standing alone ("… ; le coordinateur" in
    # French, where the space before ";" separates it from its word).
    while start < first and not WORD_CHARACTERS.search(chunks[start][0]):
        start += 1
    end = min(len(chunks), start + EXCERPT_WORDS)
    window = text[chunks[start].start() : chunks[end - 1].end()]
    parts = [""]
    position = 0
    for token in WORD_CHARACTERS.finditer(window):
        if matches(token[0]):
            parts[-1] += window[position : token.start()]
            parts += [token[0], ""]
            position = token.end()
    parts[-1] += window[position:]
    return Excerpt(parts, start > 0, end < len(chunks))


def _hits(ids: list[int], words: list[str]) -> list[KnowledgeHit]:
    documents = KnowledgeSearchDocument.objects.in_bulk(ids)
    labels = dict(SearchKind.choices)
    return [
        KnowledgeHit(
            kind=d.kind,
            kind_label=str(labels.get(d.kind, d.kind)),
            title=d.title,
            url=d.url,
            countries=d.countries.split(),
            verified=d.verified,
            excerpt=excerpt_of(d.excerpt, words),
            text_language=d.text_language,
        )
        for d in (documents[i] for i in ids if i in documents)
    ]


def knowledge_search(query: KnowledgeQuery) -> KnowledgeResult:
    """Knowledge records matching every word (as prefixes), in the reader's
    language; typos corrected, then any word accepted, when nothing matches."""
    words = query_words(query.q)
    if not words:
        return KnowledgeResult(query, 0, [], {}, {}, words)
    engine = engine_for_connection(KNOWLEDGE)
    matched = _matched(engine, query, words, any_word=False)
    corrected = None
    any_word = False
    if not matched.ids:
        fixed = [
            word
            if engine.has_match(word)
            else (engine.similar_terms(word, limit=1) or [word])[0]
            for word in words
        ]
        if fixed != words:
            matched = _matched(engine, query, fixed, any_word=False)
            corrected = fixed if matched.ids else None
        if not matched.ids and len(words) > 1:
            matched = _matched(engine, query, corrected or fixed, any_word=True)
            any_word = bool(matched.ids)
        words = corrected or fixed
    start = (query.page - 1) * query.per_page
    return KnowledgeResult(
        query=query,
        total=len(matched.ids),
        hits=_hits(matched.ids[start : start + query.per_page], words),
        kind_counts=matched.kind_counts,
        country_counts=matched.country_counts,
        words=words,
        corrected=corrected,
        matched_any_word=any_word,
    )
