"""A query's result as `expo-data sql` prints or writes it: an aligned table, CSV, JSON lines or Arrow.
Each format has one conversion, used alike for the terminal and for a file (-o), so both hold the same
bytes."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _plain(t) -> bool:
    import pyarrow as pa

    return (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_string(t)
            or pa.types.is_large_string(t) or pa.types.is_null(t) or pa.types.is_decimal(t)
            or pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_time(t))


def csv_ready(table):
    """CSV has no nested or binary types: list columns (token ids, log-probs), structs and maps go out
    as JSON text, any other type CSV cannot hold (durations, intervals, binary) as its string form."""
    import pyarrow as pa

    for i, column in enumerate(table.schema):
        if _plain(column.type):
            continue
        nested = pa.types.is_nested(column.type)
        values = [None if v is None else (json.dumps(v, default=str) if nested else str(v))
                  for v in table.column(i).to_pylist()]
        table = table.set_column(i, column.name, pa.array(values, pa.string()))
    return table


def csv_bytes(table, header: bool = True) -> bytes:
    """A table (or one batch of a result) as CSV, through csv_ready."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from expo_data.errors import ExpoError, first_line

    buffer = io.BytesIO()
    try:
        pacsv.write_csv(csv_ready(table), buffer, pacsv.WriteOptions(include_header=header))
    except (pa.ArrowException, ValueError) as exc:
        raise ExpoError(f"cannot write the result as CSV: {first_line(exc)}")
    return buffer.getvalue()


def json_lines(table) -> bytes:
    return "".join(json.dumps(row, default=str) + "\n" for row in table.to_pylist()).encode()


def write_result(table, fmt: str, output: Path | None) -> None:
    """A whole result to the terminal, or into `output` (renamed into place)."""
    from expo_data.select.db import format_table
    from expo_data.store.schema import atomic_write_bytes
    from expo_data.store.shards import table_to_ipc_bytes

    if fmt == "table":
        data = (format_table(table) + "\n").encode()
    elif fmt == "csv":
        data = csv_bytes(table)
    elif fmt == "json":
        data = json_lines(table)
    else:
        data = table_to_ipc_bytes(table)
    if output is None:
        from .common import write_stdout

        write_stdout(data.decode())
    else:
        atomic_write_bytes(output, data)
        click.echo(f"wrote {table.num_rows} rows to {output}", err=True)


def stream_result(batches, fmt: str, output: Path) -> None:
    """A query result into a file by record batches (never the whole result in memory), renamed into place:
    the same conversions as write_result, batch by batch."""
    import pyarrow as pa

    from expo_data.select.db import query_error
    from expo_data.store.schema import atomic_output
    from expo_data.select.selection import write_ipc

    with atomic_output(output) as tmp:
        if fmt == "arrow":
            rows = write_ipc(batches, tmp)
        else:
            rows = 0
            with open(tmp, "wb") as sink:
                if fmt == "csv":  # the header once, also for a result without rows
                    sink.write(csv_bytes(batches.schema.empty_table()))
                try:
                    for batch in batches:
                        rows += batch.num_rows
                        table = pa.Table.from_batches([batch])
                        sink.write(json_lines(table) if fmt == "json" else csv_bytes(table, header=False))
                except (pa.ArrowException, RuntimeError) as exc:  # a query failing mid-stream (DuckDB's, by Arrow)
                    raise query_error(exc)
    click.echo(f"wrote {rows} rows to {output}", err=True)
