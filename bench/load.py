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
    port: int,
    seconds: float,
    paths: list[str],
    queue: multiprocessing.Queue,
    rounds: int = 0,
) -> None:
    """Request `paths` in turn for `seconds`, and at least `rounds` times each."""
    # A cold first search of a large directory may take several seconds on
    # a loaded machine: a time-out here would lose the client's results.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    done = errors = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    for path in itertools.cycle(paths):
        sent = time.monotonic()
        if sent >= deadline and done >= rounds * len(paths):
            break
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies.append((time.monotonic() - sent) * 1000)
        if response.status != 200:
            errors += 1
        done += 1
    queue.put((done, errors, latencies))


def run(
    processes: list[multiprocessing.Process], queue: multiprocessing.Queue
) -> list[tuple[int, int, list[float]]]:
    """Start the clients and collect their results.

    Results are read before joining: a client whose latencies fill the
    queue's pipe cannot exit until they are read (a fast view answers tens
    of thousands of requests in a run).
    """
    for p in processes:
        p.start()
    results = [queue.get() for _ in processes]
    for p in processes:
        p.join()
    return results


def main() -> None:
    port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    paths = sys.argv[4:]
    queue: multiprocessing.Queue = multiprocessing.Queue()
    # Warm-up: every worker loads its facet index (and the other per-process
    # data of each path) before the clock starts. As many clients as the
    # measurement, each through every path at least once, so that each
    # worker gets requests.
    run(
        [
            multiprocessing.Process(target=client, args=(port, 2.0, paths, queue, 1))
            for _ in range(clients)
        ],
        queue,
    )
    started = time.monotonic()
    totals = run(
        [
            multiprocessing.Process(target=client, args=(port, seconds, paths, queue))
            for _ in range(clients)
        ],
        queue,
    )
    elapsed = time.monotonic() - started
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
