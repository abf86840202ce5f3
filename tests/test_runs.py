"""PlacedRuns against a plain sort: rows added in any order, in runs of any size, come back in place order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from expo_data.select.runs import PlacedRuns, PlacesMismatch

SCHEMA = pa.schema([("place_copy", pa.int64()), ("text", pa.string()), ("ids", pa.list_(pa.int32()))])


def _rows(places) -> pa.Table:
    return pa.table({"place_copy": pa.array(places, pa.int64()), "text": [f"row {p}" * (p % 3) for p in places],
                     "ids": [list(range(p % 5)) for p in places]}, schema=SCHEMA)


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 300), runs=st.integers(1, 8), batch=st.integers(1, 17), table_rows=st.integers(1, 50),
       seed=st.integers(0, 2**32 - 1))
def test_rows_come_back_in_place_order(tmp_path_factory, total, runs, batch, table_rows, seed):
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, runs, total)  # which run each place arrives in: any interleaving
    merged = PlacedRuns(tmp_path_factory.mktemp("runs") / "r.arrow", SCHEMA, rows_per_batch=batch)
    for run in range(runs):
        places = rng.permutation(np.flatnonzero(owner == run))  # and in any order within its run
        merged.add(places, _rows(places.tolist()))
    tables = list(merged.tables(total, rows_per_table=table_rows))
    assert [t.num_rows for t in tables] == [min(table_rows, total - s) for s in range(0, total, table_rows)]
    got = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    assert got.equals(_rows(list(range(total))))


@pytest.mark.parametrize("places, total", [([0, 1, 1], 3), ([0, 2], 2), ([0, 1], 3), ([5], 1)])
def test_a_place_missing_or_twice_is_an_error(tmp_path, places, total):
    merged = PlacedRuns(tmp_path / "r.arrow", SCHEMA)
    merged.add(np.array(places), _rows(places))
    with pytest.raises(PlacesMismatch):
        list(merged.tables(total))


def test_rows_are_cast_to_the_schema_and_counted_against_places(tmp_path):
    merged = PlacedRuns(tmp_path / "r.arrow", SCHEMA)
    loose = pa.table({"ids": pa.array([[1]], pa.list_(pa.int64())), "text": pa.array(["a"], pa.large_string()),
                      "place_copy": pa.array([0], pa.int32()), "extra": [1]})
    merged.add(np.array([0]), loose)
    assert list(merged.tables(1))[0].equals(pa.table({"place_copy": [0], "text": ["a"], "ids": [[1]]}, schema=SCHEMA))
    with pytest.raises(ValueError):
        PlacedRuns(tmp_path / "s.arrow", SCHEMA).add(np.array([0, 1]), loose)
