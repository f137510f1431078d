"""The answer of a list endpoint: one `Page`, or every record as ndjson."""

import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from django.utils import translation

from relais.opendata import hsds

STREAM_CHUNK = 500

M = TypeVar("M", bound=Model)


def page_envelope(
    contents: list[Any], total: int, page: int, per_page: int
) -> dict[str, Any]:
    """HSDS `Page` (schemas.Page) around one page of `per_page` records."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def _batches(items: Iterable[M], size: int) -> Iterator[list[M]]:
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Listing:
    """The records of one list endpoint, read a page or a stream at a time."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        render: Callable[[Any], dict[str, Any]],
        serializer: hsds.HSDSSerializer,
        ids_of: Callable[[Any], list[Any]] | None = None,
        *,
        rows: Callable[[QuerySet[Any], int], Iterable[Any]] | None = None,
        nested: bool = True,
    ) -> None:
        """`rows` reads records from a queryset (default: model instances);
        `nested` says whether `render` needs attributes and history loaded."""
        self.rows = rows or (lambda qs, size: qs.iterator(chunk_size=size))
        self.nested = nested
        self.queryset = queryset
        self.render = render
        self.serializer = serializer
        self.ids_of = ids_of or (lambda record: [record.pk])

    def _load(self, records: list[Any]) -> None:
        if not self.nested:
            return
        ids: list[Any] = []
        for record in records:
            ids.extend(self.ids_of(record))
        self.serializer.load(ids)

    def page(self, page: int, per_page: int) -> dict[str, Any]:
        total = self.queryset.count()
        start = (page - 1) * per_page
        records = (
            list(self.rows(self.queryset[start : start + per_page], per_page))
            if start < total
            else []
        )
        self._load(records)
        contents = [self.render(record) for record in records]
        return page_envelope(contents, total, page, per_page)

    def known_page(self, total: int, page: int, per_page: int) -> dict[str, Any]:
        """A page whose records are the whole queryset, `total` counted
        elsewhere (the search's page, found in memory)."""
        records = list(self.rows(self.queryset, per_page))
        self._load(records)
        contents = [self.render(record) for record in records]
        return page_envelope(contents, total, page, per_page)

    def stream(self) -> StreamingHttpResponse:
        """Every record, one JSON document a line, in the active language
        (the lines are written after the view has returned)."""
        language = translation.get_language()

        def lines() -> Iterator[bytes]:
            with translation.override(language):
                records = self.rows(self.queryset, STREAM_CHUNK)
                for batch in _batches(records, STREAM_CHUNK):
                    self._load(batch)
                    yield b"".join(
                        json.dumps(self.render(r), ensure_ascii=False).encode() + b"\n"
                        for r in batch
                    )

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson")
