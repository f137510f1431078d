"""Times the search service layer in one process against a filled database.

Run by bench/run.py with DATABASE_URL set; prints one JSON line.
"""

import json
import statistics
import sys
import time

import django

django.setup()

from relais.directory.models import Organization  # noqa: E402
from relais.directory.search import SearchQuery, index_update, search  # noqa: E402
from relais.directory.search.query import text_cache_clear  # noqa: E402

# Each text query runs alone and with two facets; every search computes the
# facet counts and one page of 20 results, as the page and the API do.
TEXTS = [
    ("narrow name", "lighthouse clinic"),
    ("name + city", "anchor foundation malmo"),
    ("number in a name", "1234"),
    ("broad service word", "shelter"),
    ("broad word", "legal"),
    ("French service word", "avocat"),
    ("Cyrillic service word", "адвокат"),
    ("Cyrillic city", "София"),
    ("city variant", "bruxelles"),
    ("city variant", "bukarest"),
    ("accents left out", "sodertalje"),
    ("prefix", "lig"),
    ("prefix", "foun"),
    ("typo", "lighthuose"),
    ("typo", "compas"),
    ("language name", "romanian"),
    ("three words", "police unit brussels"),
    ("no text", ""),
]
FACETS = {"country": ["BE"], "service": ["shelter"]}


def timed(query: SearchQuery, repeats: int) -> tuple[list[float], list[float], int]:
    """Cold (text matches not cached) and warm (same words again) timings."""
    cold, warm, total = [], [], 0
    for _ in range(repeats):
        text_cache_clear()
        started = time.perf_counter()
        result = search(query)
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        search(query)
        warm.append((time.perf_counter() - started) * 1000)
        total = result.total
    return cold, warm, total


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def main() -> None:
    repeats = int(sys.argv[1])
    search(
        SearchQuery()
    )  # loads the facet index once, as a worker's first request does
    queries, every, every_warm = [], [], []
    for label, text in TEXTS:
        for facets in ({}, FACETS):
            samples, warm, total = timed(SearchQuery(q=text, **facets), repeats)
            every.extend(samples)
            every_warm.extend(warm)
            name = f"{label}: “{text}”" if text else label
            if facets:
                name += " + country + service"
            queries.append(
                {
                    "label": name,
                    "total": total,
                    "p50": statistics.median(samples),
                    "p95": p95(samples),
                }
            )
    # An edit bumps the index version; the next search reloads the facet index.
    index_update([Organization.objects.values_list("pk", flat=True).first()])
    started = time.perf_counter()
    search(SearchQuery(q="shelter"))
    reload_ms = (time.perf_counter() - started) * 1000
    print(
        json.dumps(
            {
                "queries": queries,
                "samples": len(every),
                "p50": statistics.median(every),
                "p95": p95(every),
                "warm_p95": p95(every_warm),
                "worst_p95": max(q["p95"] for q in queries),
                "reload_ms": reload_ms,
            }
        )
    )


if __name__ == "__main__":
    main()
