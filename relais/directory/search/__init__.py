"""Directory search: one interface, an engine per database (SQLite FTS5, PostgreSQL)."""

from .index import index_rebuild, index_update
from .query import (
    Hit,
    SearchQuery,
    SearchResult,
    search,
    search_documents,
    search_page_ids,
)

__all__ = [
    "Hit",
    "SearchQuery",
    "SearchResult",
    "index_rebuild",
    "index_update",
    "search",
    "search_documents",
    "search_page_ids",
]
