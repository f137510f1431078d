"""A small HTTP load generator: N client processes with keep-alive, for S seconds.

Usage: load.py PORT SECONDS CLIENTS PATH [PATH ...]; prints {"rps": ..., "errors": ...,
"p50_ms": ..., "p95_ms": ...} (latency per request, as the clients saw it).
Only ever targets 127.0.0.1.
"""

import http.client
import itertools
import json
import multiprocessing
import sys
import time


def client(
    port: int, seconds: float, paths: list[str], queue: multiprocessing.Queue
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = errors = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    for path in itertools.cycle(paths):
        sent = time.monotonic()
        if sent >= deadline:
            break
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies.append((time.monotonic() - sent) * 1000)
        if response.status != 200:
            errors += 1
        done += 1
    queue.put((done, errors, latencies))


def main() -> None:
    port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    paths = sys.argv[4:]
    queue: multiprocessing.Queue = multiprocessing.Queue()
    # Warm-up: every worker loads its facet index before the clock starts.
    warm = multiprocessing.Process(target=client, args=(port, 2.0, paths, queue))
    warm.start()
    warm.join()
    queue.get()
    processes = [
        multiprocessing.Process(target=client, args=(port, seconds, paths, queue))
        for _ in range(clients)
    ]
    started = time.monotonic()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    elapsed = time.monotonic() - started
    totals = [queue.get() for _ in processes]
    done = sum(t[0] for t in totals)
    errors = sum(t[1] for t in totals)
    if errors:
        raise SystemExit(f"{errors} of {done} requests did not answer 200")
    latencies = sorted(ms for t in totals for ms in t[2]) or [float("nan")]
    p95 = latencies[min(len(latencies) - 1, len(latencies) * 95 // 100)]
    print(
        json.dumps(
            {
                "rps": done / elapsed,
                "errors": errors,
                "p50_ms": latencies[len(latencies) // 2],
                "p95_ms": p95,
            }
        )
    )


if __name__ == "__main__":
    main()
