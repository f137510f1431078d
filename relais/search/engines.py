"""The two search engines: SQLite FTS5 and PostgreSQL full text with pg_trgm.

Both index the same folded columns of a documents table (name, labels, body,
weighted in that order) and receive only [a-z0-9] words from
`text.query_words`, from which each builds its own match syntax; the words
travel as query parameters, never inside the SQL text.

An engine works on one index, named by its `IndexTables`: the directory's
(relais.directory.search) and the knowledge base's (relais.knowledge.search).
"""

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.db import connection, transaction
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract


@dataclass(frozen=True)
class IndexTables:
    """The tables of one search index (code constants, never user input).

    `documents` has `id`, `name_text`, `label_text` and `body_text`; `fts` is
    its FTS5 table (SQLite); `terms` holds every indexed word (`term`) for typo
    candidates; `version` has one row (id 1) whose `version` changes on writes.
    """

    documents: str
    fts: str
    terms: str
    version: str


PG_VECTOR = (
    "(setweight(to_tsvector('simple', d.name_text), 'A') || "
    "setweight(to_tsvector('simple', d.label_text), 'B') || "
    "setweight(to_tsvector('simple', d.body_text), 'C'))"
)


# Above this many matches, relevance is "name matches or not" instead of
# bm25 / ts_rank for every match: computing those for tens of thousands of
# documents costs more than the rest of a search (docs/benchmarks.md).
BM25_MAX_MATCHES = 2000


def max_typo_distance(word: str) -> int:
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 5 else 2


class Engine(ABC):
    vendor = ""

    def __init__(self, tables: IndexTables) -> None:
        self.tables = tables

    @abstractmethod
    def matches(
        self, words: list[str], *, any_word: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """(document ids, relevance) of every document matching the words.

        Relevance is positive, higher is better; names weigh most, then labels.
        """

    def similar_terms(self, word: str, limit: int = 5) -> list[str]:
        """Indexed words within the typo distance of `word`, closest first.

        Remembered per index version: a page that finds nothing asks again
        for the same words in each suggestion it counts (14 look-ups of a few
        ms each at 100,000 listings)."""
        key = (
            connection.settings_dict["NAME"],
            self.tables.terms,
            index_version(self.tables),
            word,
            limit,
        )
        with _similar_lock:
            remembered = _similar_memo.get(key)
            if remembered is not None:
                _similar_memo.move_to_end(key)
                return list(remembered)
        found = self._similar_terms(word, limit)
        with _similar_lock:
            _similar_memo[key] = tuple(found)
            while len(_similar_memo) > SIMILAR_MEMO_SIZE:
                _similar_memo.popitem(last=False)
        return found

    @abstractmethod
    def _similar_terms(self, word: str, limit: int) -> list[str]:
        """`similar_terms` without the memo."""

    @staticmethod
    def _ids(sql: str, params: list[Any]) -> np.ndarray:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return np.array(rows, dtype=np.int64).reshape(-1)

    @staticmethod
    def name_boosted(ids: np.ndarray, name_ids: np.ndarray) -> np.ndarray:
        """Relevance of a broad match: 10 where a name matches, else 1 (as bm25's
        column weights would have it), without computing bm25 for every match."""
        return np.where(np.isin(ids, name_ids), 10.0, 1.0)

    def has_match(self, word: str) -> bool:
        ids, _scores = self.matches([word], any_word=False)
        return len(ids) > 0

    @staticmethod
    def _arrays(sql: str, params: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, scores = zip(*rows, strict=True)
        return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)

    @staticmethod
    def closest(word: str, candidates: list[str], limit: int) -> list[str]:
        distance = max_typo_distance(word)
        if distance == 0:
            return []
        found = extract(
            word,
            candidates,
            scorer=Levenshtein.distance,
            score_cutoff=distance,
            limit=limit,
        )
        return [
            term for term, _score, _index in sorted(found, key=lambda f: (f[1], f[0]))
        ]


class SQLiteEngine(Engine):
    vendor = "sqlite"

    @staticmethod
    def fts_query(words: list[str], any_word: bool) -> str:
        # Each word is [a-z0-9]+, quoted as an FTS5 string and prefix-matched.
        joiner = " OR " if any_word else " AND "
        return joiner.join(f'"{word}"*' for word in words)

    def matches(
        self, words: list[str], *, any_word: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        fts = self.tables.fts
        query = self.fts_query(words, any_word)
        ids = self._ids(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [query])
        if len(ids) > BM25_MAX_MATCHES:
            name_ids = self._ids(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s",
                [f"name_text : ({query})"],
            )
            return ids, self.name_boosted(ids, name_ids)
        # bm25 is negative, lower is better.
        return self._arrays(
            f"SELECT rowid, -bm25({fts}, 10.0, 3.0, 1.0) FROM {fts} "
            f"WHERE {fts} MATCH %s",
            [query],
        )

    def _similar_terms(self, word: str, limit: int) -> list[str]:
        vocabulary = _sqlite_vocabulary(index_version(self.tables), self.tables)
        return self.closest(word, vocabulary, limit)

    def has_match(self, word: str) -> bool:
        fts = self.tables.fts
        return bool(
            len(
                self._ids(
                    f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT 1",
                    [self.fts_query([word], False)],
                )
            )
        )


class PostgresEngine(Engine):
    vendor = "postgresql"

    @staticmethod
    def tsquery(words: list[str], any_word: bool) -> str:
        joiner = " | " if any_word else " & "
        return joiner.join(f"{word}:*" for word in words)

    def matches(
        self, words: list[str], *, any_word: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        # The planner prices a sequential scan of the (narrow, TOASTed) rows
        # below the GIN index, not counting that it must de-TOAST every
        # tsvector: half a second at 100,000 listings. Use the indexes.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            return self._matches(self.tsquery(words, any_word))

    def has_match(self, word: str) -> bool:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            return bool(
                len(
                    self._ids(
                        f"SELECT id FROM {self.tables.documents} "
                        "WHERE search_vector @@ to_tsquery('simple', %s) LIMIT 1",
                        [self.tsquery([word], False)],
                    )
                )
            )

    def _matches(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        documents = self.tables.documents
        ids = self._ids(
            f"SELECT id FROM {documents} "
            "WHERE search_vector @@ to_tsquery('simple', %s)",
            [query],
        )
        if len(ids) > BM25_MAX_MATCHES:
            # The names' own GIN index (a weight-A query would re-read every match).
            name_ids = self._ids(
                f"SELECT id FROM {documents} "
                "WHERE to_tsvector('simple', name_text) @@ to_tsquery('simple', %s)",
                [query],
            )
            return ids, self.name_boosted(ids, name_ids)
        return self._arrays(
            f"SELECT d.id, ts_rank(d.search_vector, q) + 1e-6 FROM {documents} d, "
            "to_tsquery('simple', %s) q WHERE d.search_vector @@ q",
            [query],
        )

    def _similar_terms(self, word: str, limit: int) -> list[str]:
        # pg_trgm narrows the vocabulary; the edit distance then decides.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term FROM {self.tables.terms} WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC LIMIT 50",
                [word, word],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        return self.closest(word, candidates, limit)


# similar_terms' answers, per database, terms table, index version, word and
# limit; a new index version makes the old ones unreachable (and they age out).
_similar_memo: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()
_similar_lock = threading.Lock()
SIMILAR_MEMO_SIZE = 4096


def index_version(tables: IndexTables) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {tables.version} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


@cache
def _sqlite_vocabulary_for(alias: str, version: int, terms: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {terms}")
        return [row[0] for row in cursor.fetchall()]


def _sqlite_vocabulary(version: int, tables: IndexTables) -> list[str]:
    if _sqlite_vocabulary_for.cache_info().currsize > 8:
        _sqlite_vocabulary_for.cache_clear()
    return _sqlite_vocabulary_for(
        connection.settings_dict["NAME"], version, tables.terms
    )


def engine_for_connection(tables: IndexTables) -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine(tables)
    if connection.vendor == "sqlite":
        return SQLiteEngine(tables)
    raise RuntimeError(f"No search engine for the {connection.vendor} database.")


SQLITE_RANDOM = "abs(random() % 4611686018427387904)"
PG_RANDOM = "floor(random() * 4611686018427387904)::bigint"


def sqlite_setup(tables: IndexTables, prefix: str) -> list[str]:
    """The FTS5 table over `tables.documents` and the triggers keeping it in
    step; `prefix` names the triggers (e.g. "directory_search")."""
    fts, documents = tables.fts, tables.documents
    bump = f"UPDATE {tables.version} SET version = {SQLITE_RANDOM} WHERE id = 1"
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(
        name_text, label_text, body_text,
        content='{documents}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )""",
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_fts_insert AFTER INSERT
    ON {documents}
    BEGIN
        INSERT INTO {fts}(rowid, name_text, label_text, body_text)
        VALUES (new.id, new.name_text, new.label_text, new.body_text);
    END""",
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_fts_delete AFTER DELETE
    ON {documents}
    BEGIN
        INSERT INTO {fts}({fts}, rowid, name_text, label_text, body_text)
        VALUES ('delete', old.id, old.name_text, old.label_text, old.body_text);
    END""",
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_fts_update AFTER UPDATE
    ON {documents}
    BEGIN
        INSERT INTO {fts}({fts}, rowid, name_text, label_text, body_text)
        VALUES ('delete', old.id, old.name_text, old.label_text, old.body_text);
        INSERT INTO {fts}(rowid, name_text, label_text, body_text)
        VALUES (new.id, new.name_text, new.label_text, new.body_text);
    END""",
        # A document deleted by a cascade (not through the index) still
        # changes the version, so per-process caches reload.
        f"""CREATE TRIGGER IF NOT EXISTS {prefix}_version_delete AFTER DELETE
    ON {documents}
    BEGIN
        {bump};
    END""",
    ]


def sqlite_teardown(tables: IndexTables, prefix: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_version_delete",
        f"DROP TRIGGER IF EXISTS {prefix}_fts_insert",
        f"DROP TRIGGER IF EXISTS {prefix}_fts_delete",
        f"DROP TRIGGER IF EXISTS {prefix}_fts_update",
        f"DROP TABLE IF EXISTS {tables.fts}",
    ]


def postgres_setup(tables: IndexTables, prefix: str) -> list[str]:
    """The weighted tsvector column, its GIN index, the trigram index on the
    vocabulary and the version bump on deletes; `prefix` names them."""
    documents = tables.documents
    bump = f"UPDATE {tables.version} SET version = {PG_RANDOM} WHERE id = 1"
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"ALTER TABLE {documents} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({PG_VECTOR.replace('d.', '')}) STORED",
        f"CREATE INDEX IF NOT EXISTS {prefix}_vector ON {documents} "
        "USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {tables.terms}_trgm ON {tables.terms} "
        "USING gin (term gin_trgm_ops)",
        f"""CREATE OR REPLACE FUNCTION {prefix}_version_bump() RETURNS trigger AS $$
    BEGIN
        {bump};
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER {prefix}_version_delete AFTER DELETE ON {documents} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_version_bump()",
    ]


def postgres_teardown(tables: IndexTables, prefix: str) -> list[str]:
    documents = tables.documents
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_version_delete ON {documents}",
        f"DROP FUNCTION IF EXISTS {prefix}_version_bump()",
        f"DROP INDEX IF EXISTS {prefix}_vector",
        f"DROP INDEX IF EXISTS {tables.terms}_trgm",
        f"ALTER TABLE {documents} DROP COLUMN IF EXISTS search_vector",
    ]
