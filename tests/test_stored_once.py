"""Store each number once (expo_data/store/stored_once.py, schema version 4): an attempt's gen_token_logprobs
equal to its policy_token_logprobs is stored null, and every reader presents both columns as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.select.db import connect, run_query
from expo_data.store.schema import SCHEMA_VERSION
from expo_data.store.shards import load_round, read_shard, shard_schema_version
from expo_data.store.stored_once import drop_duplicates, equal_rows, restore
from test_select_scale import synthetic_round

LISTS = pa.large_list(pa.float32())
FLOATS = st.one_of(st.floats(width=32, allow_nan=True), st.sampled_from([0.0, -0.0, float("nan"), -1.5]))
LIST = st.one_of(st.none(), st.lists(FLOATS, max_size=4))


def reference_equal(a, b) -> bool:
    """The plain definition: both present, same length, same float32 bit patterns."""
    if a is None or b is None or len(a) != len(b):
        return False
    bits = lambda xs: np.array(xs, np.float32).view(np.int32).tolist()  # noqa: E731
    return bits(a) == bits(b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["attempt", "explanation", "expert"]), LIST, LIST), max_size=12),
       st.integers(0, 3))
def test_equal_rows_and_the_round_trip_against_a_plain_reference(rows, cut):
    kinds = [k for k, _, _ in rows]
    gen, policy = pa.array([g for _, g, _ in rows], LISTS), pa.array([p for _, _, p in rows], LISTS)
    cut = min(cut, len(rows))  # a sliced array (offsets not at 0), as a reader may hold
    assert equal_rows(gen.slice(cut), policy.slice(cut)).tolist() == \
        [reference_equal(g, p) for _, g, p in rows[cut:]]
    table = pa.table({"kind": kinds, "gen_token_logprobs": gen, "policy_token_logprobs": policy})
    stored = drop_duplicates(table)
    want_null = [(k == "attempt" and reference_equal(g, p)) or g is None for k, g, p in rows]
    assert stored.column("gen_token_logprobs").is_null().to_pylist() == want_null
    back = restore(stored)
    # An attempt whose gen was stored null reads back as its policy list; the rest as they were.
    expected = [p if (k == "attempt" and g is None) else g for k, g, p in rows]
    got = back.column("gen_token_logprobs").to_pylist()
    assert [None if e is None else np.array(e, np.float32).view(np.int32).tolist() for e in expected] == \
        [None if x is None else np.array(x, np.float32).view(np.int32).tolist() for x in got]


def test_a_new_round_stores_attempt_logprobs_once_and_reads_them_whole(tmp_path, verified_cache):
    out = synthetic_round(tmp_path / "r", shards=2, problems_per_shard=30)  # the bench rows: gen == policy
    shard = sorted((out / "shards").glob("*.arrow"))[0]
    assert shard_schema_version(shard) == SCHEMA_VERSION == 4
    raw = pa.ipc.open_file(pa.memory_map(str(shard))).read_all()
    attempts = pc.equal(raw.column("kind"), "attempt")
    assert raw.filter(attempts).column("gen_token_logprobs").null_count == pc.sum(attempts).as_py() > 0
    explanations = raw.filter(pc.equal(raw.column("kind"), "explanation"))
    assert explanations.column("gen_token_logprobs").null_count == 0  # only equal lists are dropped
    table = read_shard(shard)
    others = pc.invert(attempts)
    assert table.filter(others).column("gen_token_logprobs").equals(raw.filter(others).column("gen_token_logprobs"))
    assert table.filter(attempts).column("gen_token_logprobs").equals(table.filter(attempts).column("policy_token_logprobs"))
    full = load_round(out).filter(pc.equal(load_round(out).column("kind"), "attempt"))
    assert full.column("gen_token_logprobs").equals(full.column("policy_token_logprobs"))
    con = connect([out])
    mismatched = run_query(con, "SELECT count(*) AS n FROM samples WHERE kind = 'attempt' AND "
                                "(gen_token_logprobs IS NULL OR gen_token_logprobs <> policy_token_logprobs)")
    assert mismatched.column("n").to_pylist() == [0]
    view = run_query(con, "SELECT kind, gen_token_logprobs FROM samples ORDER BY problem_id, kind, sample_index")
    stored = load_round(out).sort_by([("problem_id", "ascending"), ("kind", "ascending"), ("sample_index", "ascending")])
    assert view.column("gen_token_logprobs").to_pylist() == stored.column("gen_token_logprobs").to_pylist()


def test_the_old_fixture_round_reads_as_before(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "round_v2"
    out = tmp_path / "round_v2"
    shutil.copytree(fixture, out)
    shard = sorted((out / "shards").glob("*.arrow"))[0]
    stored = pa.ipc.open_file(pa.memory_map(str(shard))).read_all()
    assert read_shard(shard).column("gen_token_logprobs").equals(stored.column("gen_token_logprobs").cast(LISTS))
    assert json.loads((out / "manifest.json").read_text())["schema_version"] == 2


def test_a_version_3_shard_reads_with_its_gold_type_and_both_log_prob_lists(tmp_path, verified_cache):
    """Issue 26's version 3 (gold_type added, every log-prob list stored in full) reads as written: its gold
    types kept, and the log-probs as stored (nothing to restore)."""
    from expo_data.store.shards import table_to_ipc_bytes

    out = synthetic_round(tmp_path / "r", shards=1, problems_per_shard=5)
    shard = out / "shards" / "shard-00000-of-00001.arrow"
    whole = read_shard(shard)  # version 4 as written: attempts' equal lists presented whole
    table = whole.set_column(whole.schema.get_field_index("gold_type"), "gold_type",
                             pa.array(["number"] * whole.num_rows)).replace_schema_metadata({"expo.schema_version": "3"})
    data = table_to_ipc_bytes(table)
    shard.write_bytes(data)
    sidecar = shard.with_suffix(".json")
    import hashlib

    sidecar.write_text(json.dumps(dict(json.loads(sidecar.read_text()), bytes=len(data),
                                       sha256=hashlib.sha256(data).hexdigest())))
    assert shard_schema_version(shard) == 3
    again = read_shard(shard)
    assert again.column("gold_type").to_pylist() == ["number"] * 35
    assert again.column("gen_token_logprobs").equals(whole.column("gen_token_logprobs"))
    assert run_query(connect([out]), "SELECT count(*) AS n FROM samples").column("n").to_pylist() == [35]
