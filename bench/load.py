"""A small HTTP load generator: N client processes with keep-alive, for S seconds.

Usage: load.py PORT SECONDS CLIENTS PATH [PATH ...]; prints {"rps": ..., "errors": ...}.
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
    deadline = time.monotonic() + seconds
    for path in itertools.cycle(paths):
        if time.monotonic() >= deadline:
            break
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            errors += 1
        done += 1
    queue.put((done, errors))


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
    print(json.dumps({"rps": done / elapsed, "errors": errors}))


if __name__ == "__main__":
    main()
