"""`expo-data sql`'s result formats: one conversion per format, so a query written to a file with -o holds
exactly what the same query prints to the terminal, for every column type DuckDB can return (struct, map,
list, interval, blob, ...), and over many record batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.data import main

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
NESTED = ("SELECT problem_id, {'kind': kind, 'index': sample_index, 'ids': completion_token_ids[1:2]} AS s, "
          "MAP {'n': num_tokens, 'i': sample_index} AS m, completion_token_ids[1:3] AS l, "
          "INTERVAL (sample_index) DAY + INTERVAL 90 MINUTE AS iv, encode(kind) AS b, "
          "[{'a': 1, 'b': [1.5::DOUBLE, NULL]}] AS ls, NULL AS nothing, 'x,\"y\"\n' AS quoted "
          "FROM samples ORDER BY problem_id, kind, sample_index")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sql", str(FIXTURE), *args], catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("query", [NESTED, NESTED + " LIMIT 0", "SELECT * FROM samples ORDER BY ALL",
                                   "SELECT range AS i, [range] AS l, {'r': range} AS s FROM range(200000)"])
def test_file_equals_stdout(tmp_path, fmt, query):
    code, printed = invoke(query, "--format", fmt)
    assert code == 0, printed
    out = tmp_path / f"result.{fmt}"
    code, _ = invoke(query, "--format", fmt, "-o", str(out))
    assert code == 0
    assert out.read_text() == printed


def test_nested_values_are_json_in_csv():
    import csv
    import io

    code, printed = invoke(NESTED + " LIMIT 1", "--format", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(printed)))
    ids = json.loads(row["l"])  # DuckDB's slices include both ends: [1:3] is three ids
    assert len(ids) == 3 and json.loads(row["s"]) == {"kind": "attempt", "index": 0, "ids": ids[:2]}
    assert dict(json.loads(row["m"]))["i"] == 0 and isinstance(dict(json.loads(row["m"]))["n"], int)
    assert json.loads(row["ls"]) == [{"a": 1, "b": [1.5, None]}]
    assert row["quoted"] == 'x,"y"\n' and row["b"] == "b'attempt'" and row["iv"]
