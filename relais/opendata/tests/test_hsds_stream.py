"""`format=ndjson` at scale: every record streamed, memory flat as the data grows."""

import json
import tracemalloc

import pytest
from django.test import Client

from relais.directory.models import Organization, Service
from relais.opendata.hsds_api import listing

pytestmark = pytest.mark.django_db


def add_services(start: int, count: int) -> None:
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Fictitious Stream Organisation {n:06d}",
            slug=f"fictitious-stream-{n}",
            country="BE",
            description_en="A fictitious organisation for the streaming test.",
            is_fictitious=True,
        )
        for n in range(start, start + count)
    )
    Service.objects.bulk_create(
        Service(
            organization=organization,
            name_en=f"Fictitious service {n}",
            description_en="Counselling and shelter. " * 5,
        )
        for n, organization in enumerate(organizations)
    )


def streamed_peak(client: Client) -> tuple[int, int]:
    """(records streamed, peak bytes allocated while streaming them)."""
    tracemalloc.start()
    try:
        response = client.get("/api/hsds/services", {"format": "ndjson"})
        count = 0
        for chunk in response.streaming_content:
            for line in chunk.splitlines():
                json.loads(line)
                count += 1
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_ndjson_memory_does_not_grow_with_the_number_of_records(anonymous, monkeypatch):
    # Chunks of 50 instead of 500: ten times the records are then 20 chunks
    # instead of 2, as with 6,000 records in chunks of 500, in a fifth of the time.
    monkeypatch.setattr(listing, "STREAM_CHUNK", 50)
    add_services(0, 100)
    small_count, small_peak = streamed_peak(anonymous)
    add_services(100, 900)
    large_count, large_peak = streamed_peak(anonymous)
    assert (small_count, large_count) == (100, 1000)
    # Ten times the records, about the same memory (one chunk at a time).
    # A list built in memory would grow about tenfold (it does, 8.6 times, with
    # all the records in one chunk); the margin absorbs garbage the collector
    # has not reached yet, which varies from run to run.
    assert large_peak < small_peak * 3, (small_peak, large_peak)


def test_ndjson_streams_records_in_a_stable_order_without_repeats(anonymous):
    add_services(0, 1234)
    response = anonymous.get("/api/hsds/services", {"format": "ndjson"})
    ids = [
        json.loads(line)["id"]
        for chunk in response.streaming_content
        for line in chunk.splitlines()
    ]
    assert len(ids) == len(set(ids)) == 1234
    paged = anonymous.get("/api/hsds/services", {"per_page": 500, "page": 3}).json()
    assert [s["id"] for s in paged["contents"]] == ids[1000:]
