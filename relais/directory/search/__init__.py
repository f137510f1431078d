"""Directory search: one interface, an engine per database (SQLite FTS5, PostgreSQL)."""

from .index import index_rebuild, index_update
from .query import FACETS, SORTS, Hit, SearchQuery, SearchResult, search, suggestions

__all__ = [
    "FACETS",
    "SORTS",
    "Hit",
    "SearchQuery",
    "SearchResult",
    "index_rebuild",
    "index_update",
    "search",
    "suggestions",
]
