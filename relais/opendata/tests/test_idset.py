"""The compact set of ids an import remembers behaves as a Python set would."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from relais.opendata.apply import idset
from relais.opendata.apply.idset import IdSet

# Few distinct values, so that batches repeat each other; some end in zero
# bytes, which NumPy's fixed-size byte strings would otherwise cut off.
IDS = (
    st.sampled_from(
        [uuid.UUID(int=n) for n in (0, 1, 255, 256, 2**64, 2**120)]
        + [uuid.UUID(int=(2**128 - 1) ^ (0xFF << shift)) for shift in (0, 8, 64)]
    )
    | st.uuids()
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(IDS, max_size=12), max_size=12), st.integers(1, 5))
def test_matches_a_python_set_batch_after_batch(batches, pending_max):
    original = idset.PENDING_MAX
    idset.PENDING_MAX = pending_max  # many runs and merges from few ids
    try:
        ids = IdSet()
        reference: set[uuid.UUID] = set()
        for batch in batches:
            assert ids.among(batch) == {v for v in batch if v in reference}
            ids.update(batch)
            reference.update(batch)
        assert ids.sorted() == sorted(reference)
    finally:
        idset.PENDING_MAX = original


def test_an_id_ending_in_zero_bytes_comes_back_whole():
    ids = IdSet()
    value = uuid.UUID("12345678-1234-4678-9234-567812340000")
    ids.add(value)
    ids.update(uuid.uuid4() for _ in range(idset.PENDING_MAX))  # into a run
    assert ids.among([value]) == {value}
    assert value in ids.sorted()


def test_an_empty_set():
    ids = IdSet()
    assert ids.among([uuid.uuid4()]) == set()
    assert ids.among([]) == set()
    assert ids.sorted() == []
