"""Times the directory page in one process against an already filled database.

Run by bench/run.py with DATABASE_URL set; prints one JSON line of results.
"""

import json
import statistics
import sys
import time

import django

django.setup()

from django.test import Client  # noqa: E402

from relais.directory.selectors import FILTER_TAXONOMIES, organizations_filtered  # noqa: E402


def main() -> None:
    queries = json.loads(sys.argv[1])
    repeats = int(sys.argv[2])
    client = Client()
    rows = []
    for label, params in queries:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            response = client.get("/en/directory/", params)
            samples.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label}: HTTP {response.status_code}")
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        matches = organizations_filtered(
            q=params.get("q", ""),
            country=params.get("country", ""),
            language=params.get("language", ""),
            terms={k: params.get(k, "") for k in FILTER_TAXONOMIES},
        ).count()
        rows.append((label, statistics.median(samples), p95, matches))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
