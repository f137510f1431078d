"""Keeping the search index in step with the directory.

Every service or admin action that changes a listing calls `index_update`
with the listing's id inside its transaction, so a search right after an edit
sees the edit and never a deleted listing.
"""

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from relais.core.bulk import insert_rows, select_in

from ..models import (
    Organization,
    SearchDocument,
    SearchFacet,
    SearchIndexVersion,
    SearchTerm,
)
from .documents import built_documents


def _bump_version() -> None:
    # A random token, not a counter: a rolled-back write must never leave a
    # version number that a process has already seen with other data.
    SearchIndexVersion.objects.update_or_create(
        pk=1, defaults={"version": secrets.randbits(62)}
    )


DOCUMENT_FIELDS = [f for f in SearchDocument._meta.concrete_fields if not f.primary_key]
FACET_FIELDS = [
    SearchFacet._meta.get_field(name) for name in ("document", "facet", "value")
]


def _write(batches: Iterable[list[Any]]) -> int:
    """Insert the built documents, their facets and new words, a batch at a time."""
    count = 0
    for batch in batches:
        insert_rows(
            SearchDocument,
            DOCUMENT_FIELDS,
            ([getattr(b.document, f.attname) for f in DOCUMENT_FIELDS] for b in batch),
        )
        ids = dict(
            select_in(
                SearchDocument,
                ["organization_id", "id"],
                "organization",
                [b.document.organization_id for b in batch],
            )
        )
        insert_rows(
            SearchFacet,
            FACET_FIELDS,
            (
                (ids[b.document.organization_id], facet, value[:200])
                for b in batch
                for facet, value in b.facets
            ),
        )
        words = set().union(*(b.words for b in batch)) if batch else set()
        insert_rows(
            SearchTerm,
            [SearchTerm._meta.pk],
            ((w,) for w in sorted(words)),
            ignore_conflicts=True,
        )
        count += len(batch)
    return count


@transaction.atomic
def index_update(organization_ids: Iterable[Any]) -> int:
    """Re-index these listings (and drop the documents of deleted ones)."""
    ids = list(set(organization_ids))
    if not ids:
        # Nothing to re-index (an unused term was edited, say): the version
        # still changes, so that cached vocabularies are read again.
        _bump_version()
        return 0
    SearchDocument.objects.filter(organization_id__in=ids).delete()
    existing = list(
        Organization.objects.filter(pk__in=ids).values_list("pk", flat=True)
    )
    count = _write(built_documents(existing)) if existing else 0
    _bump_version()
    return count


@transaction.atomic
def index_rebuild() -> int:
    """Rebuild the whole index from the directory (`relais reindex`)."""
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) "
                "VALUES ('rebuild')"
            )
    count = _write(built_documents(None))
    _bump_version()
    analyze()
    return count


def analyze() -> None:
    """Refresh the planner's statistics after a bulk write (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_searchdocument, directory_searchfacet")
