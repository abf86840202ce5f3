"""Rows that arrive in any order, each with its place in a result, read back in place order.

`select` knows every output row's place from the small key columns (its rank in the shipped query's
ORDER BY) before it reads the wide ones; the wide rows then arrive shard by shard. Sorting them would hold
or spill the whole result; here each shard's rows become one sorted run in a temp Arrow file, and reading
back is a k-way merge that holds one small batch per run."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa

class PlacesMismatch(Exception):
    """The rows that arrived do not fill each place exactly once."""


class PlacedRuns:
    """Append rows with their places (`add`), then read them back in place order (`tables`)."""

    def __init__(self, path: Path, schema: pa.Schema, rows_per_batch: int = 256):
        # Small batches: the merge holds one per run, so its memory is runs x rows_per_batch rows however
        # the places interleave across shards.
        self.path, self.schema, self.rows_per_batch = Path(path), schema, rows_per_batch
        self._sink = pa.OSFile(str(self.path), "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)
        self._runs: list[tuple[np.ndarray, int]] = []  # (the run's places, ascending; its first batch in the file)
        self._batches = 0

    def add(self, places: np.ndarray, rows: pa.Table) -> None:
        places = np.asarray(places, dtype=np.int64)
        if len(places) != rows.num_rows:
            raise ValueError(f"{len(places)} places for {rows.num_rows} rows")
        if len(places) == 0:
            return
        rows = rows.select(self.schema.names)
        if np.any(places[1:] < places[:-1]):
            order = np.argsort(places, kind="stable")
            rows, places = rows.take(order), places[order]
        rows = rows.combine_chunks().cast(self.schema)
        self._runs.append((places, self._batches))
        for start in range(0, rows.num_rows, self.rows_per_batch):
            for batch in rows.slice(start, self.rows_per_batch).to_batches():  # one: the table is one chunk
                self._writer.write_batch(batch)
                self._batches += 1

    def close(self) -> None:
        if self._sink.closed:
            return
        try:
            self._writer.close()
        finally:
            self._sink.close()

    def tables(self, total: int, rows_per_table: int = 8192) -> Iterator[pa.Table]:
        """The rows in place order, as tables of up to `rows_per_table` rows covering places
        [0, n), [n, 2n), ...; PlacesMismatch unless every place in 0..total-1 arrived exactly once."""
        self.close()
        arrived = sum(len(places) for places, _ in self._runs)
        if arrived != total:
            raise PlacesMismatch(f"{arrived} rows arrived for {total} places")
        with pa.OSFile(str(self.path), "rb") as source:  # read, not mapped: only the batches in use are in memory
            reader = pa.ipc.open_file(source)
            held: dict[int, tuple[int, pa.RecordBatch]] = {}  # per run: the batch read last
            for start in range(0, total, rows_per_table):
                end = min(start + rows_per_table, total)
                pieces, piece_places = [], []
                for run, (places, first_batch) in enumerate(self._runs):
                    low, high = np.searchsorted(places, [start, end])
                    while low < high:
                        number = low // self.rows_per_batch
                        if run not in held or held[run][0] != number:
                            held[run] = (number, reader.get_batch(first_batch + number))
                        stop = min(high, (number + 1) * self.rows_per_batch)
                        pieces.append(held[run][1].slice(low - number * self.rows_per_batch, stop - low))
                        piece_places.append(places[low:stop])
                        low = stop
                    if high == len(places):
                        held.pop(run, None)  # the run is used up: hold batches of live runs only
                got = np.concatenate(piece_places) if piece_places else np.empty(0, np.int64)
                order = np.argsort(got, kind="stable")
                if not np.array_equal(got[order], np.arange(start, end)):
                    raise PlacesMismatch(f"places {start}..{end - 1} did not each arrive once")
                table = pa.Table.from_batches(pieces, self.schema)
                if np.any(order != np.arange(len(order))):
                    table = table.take(order)
                yield table.combine_chunks()
