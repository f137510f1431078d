"""A set of UUIDs kept in 16 bytes each, for the ids an import has seen.

An import remembers every record id it has written (to find an id that comes
twice in a table, in different batches) and every listing it touched (to
re-index each once at the end). As Python sets of UUIDs or integers these
cost about 100 bytes an id: some 65 MB for 100,000 organisations with their
services, locations, addresses and phones. Here the ids are sorted NumPy runs
of 16-byte values, checked a batch at a time.

Ids arrive in batches. Each batch becomes a sorted run; runs are merged as a
binary counter merges its bits (a run is merged into the one before it while
that one is not larger), so there are at most about log2(n) runs and each id
is copied about log2(n) times in all.
"""

import uuid
from collections.abc import Iterable

import numpy as np

KEY = "S16"
# Ids buffered in a Python set before they become a run of their own.
PENDING_MAX = 4096


class IdSet:
    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []
        self._pending: set[bytes] = set()

    def add(self, value: uuid.UUID) -> None:
        self._pending.add(value.bytes)
        if len(self._pending) >= PENDING_MAX:
            self._flush()

    def update(self, values: Iterable[uuid.UUID]) -> None:
        for value in values:
            self.add(value)

    def among(self, values: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of `values` that are already in the set."""
        given = list(values)
        if not given:
            return set()
        found = {v for v in given if v.bytes in self._pending}
        if self._runs:
            keys = np.array([v.bytes for v in given], dtype=KEY)
            hit = np.zeros(len(given), dtype=bool)
            for run in self._runs:
                at = np.searchsorted(run, keys)
                inside = at < len(run)
                hit[inside] |= run[at[inside]] == keys[inside]
            found.update(given[i] for i in np.flatnonzero(hit))
        return found

    def sorted(self) -> list[uuid.UUID]:
        """Every id once, in ascending order (the order of `sorted(uuids)`)."""
        self._flush()
        if not self._runs:
            return []
        everything = self._runs[0]
        for run in self._runs[1:]:
            everything = np.union1d(everything, run)
        # NumPy drops the trailing zero bytes of an "S16" value: put them back.
        return [uuid.UUID(bytes=bytes(key).ljust(16, b"\0")) for key in everything]

    def _flush(self) -> None:
        if not self._pending:
            return
        run = np.unique(np.array(list(self._pending), dtype=KEY))
        self._pending = set()
        self._runs.append(run)
        while len(self._runs) >= 2 and len(self._runs[-2]) <= len(self._runs[-1]):
            last = self._runs.pop()
            self._runs[-1] = np.union1d(self._runs[-1], last)
