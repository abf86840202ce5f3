"""Rounds whose files check out (sidecar sha256 and size match) but whose contents do not belong to the
schema, outputs aimed at a round's own files, and a select cut off while it commits: one error line,
nothing of the round lost or silently wrong."""

import hashlib
import json
import math
import os
import shutil
import signal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.select import selection as select_mod
from expo_data.select.db import format_table
from expo_data.errors import ExpoError
from expo_data.store.schema import SAMPLE_SCHEMA
from expo_data.select import select
from expo_data.store.shards import load_round, read_shard, verify_round_dir
from expo_data.view import write_view

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
SHARD0 = "shards/shard-00000-of-00002"


@pytest.fixture
def round_copy(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "round")
    return tmp_path / "round"


def rewrite_shard(round_dir: Path, table: pa.Table, name: str = SHARD0, version: int = 2) -> None:
    """A shard (shard 0 unless named) replaced by `table`, its sidecar made to match (as a hand-edited
    round would be)."""
    table = table.replace_schema_metadata({b"expo.schema_version": str(version).encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    raw = sink.getvalue().to_pybytes()
    (round_dir / "new.tmp").write_bytes(raw)
    os.replace(round_dir / "new.tmp", round_dir / f"{name}.arrow")  # a reader's memory map keeps the old file
    sidecar = json.loads((round_dir / f"{name}.json").read_text())
    sidecar.update(bytes=len(raw), sha256=hashlib.sha256(raw).hexdigest(), rows=table.num_rows)
    (round_dir / f"{name}.json").write_text(json.dumps(sidecar))


def shard0(round_dir: Path) -> pa.Table:
    return read_shard(round_dir / f"{SHARD0}.arrow")


@pytest.mark.parametrize("column", [f.name for f in SAMPLE_SCHEMA if f.name != "gold_type"])
def test_a_shard_without_a_schema_column_is_refused(round_copy, column):
    rewrite_shard(round_copy, shard0(round_copy).drop_columns([column]))
    with pytest.raises(ExpoError, match=f"lacks column.*{column}"):
        verify_round_dir(round_copy)


def test_a_version_3_shard_without_gold_type_is_refused_and_a_version_2_one_reads_it_null(round_copy):
    """gold_type came with schema version 3: a version-2 shard has none (null on read), a version-3 one must."""
    rewrite_shard(round_copy, shard0(round_copy).drop_columns(["gold_type"]), version=2)
    verify_round_dir(round_copy)
    assert set(shard0(round_copy).column("gold_type").to_pylist()) == {None}
    rewrite_shard(round_copy, shard0(round_copy).drop_columns(["gold_type"]), version=3)
    with pytest.raises(ExpoError, match="lacks column.*gold_type"):
        verify_round_dir(round_copy)


@pytest.mark.parametrize("column", [f.name for f in SAMPLE_SCHEMA if f.name not in ("extra_fields",)])
def test_a_column_of_another_kind_is_refused(round_copy, column):
    """Text where the schema has numbers (or numbers where it has text, lists where it has scalars)."""
    table = shard0(round_copy)
    field = SAMPLE_SCHEMA.field(column)
    if pa.types.is_string(field.type):
        values = pa.array([[1]] * table.num_rows, pa.list_(pa.int32()))
    else:
        values = pa.array(["x"] * table.num_rows)
    rewrite_shard(round_copy, table.set_column(table.schema.get_field_index(column),
                                               pa.field(column, values.type), values))
    with pytest.raises(ExpoError, match=f"{column} is"):
        verify_round_dir(round_copy)


def test_encodings_and_widths_of_the_same_values_are_read(round_copy):
    """Dictionary-encoded or large_ strings, int64 for int32, an extra column: the same values, read."""
    table = shard0(round_copy)
    before = load_round(round_copy)
    for name, values in [("kind", pc.dictionary_encode(table["kind"])),
                         ("completion", table["completion"].cast(pa.large_string())),
                         ("num_tokens", table["num_tokens"].cast(pa.int64()))]:
        table = table.set_column(table.schema.get_field_index(name), pa.field(name, values.type), values)
    rewrite_shard(round_copy, table.append_column("note", pa.array(["x"] * table.num_rows)))
    assert load_round(round_copy).equals(before)


def test_nan_scores_are_no_evidence_for_a_positive(round_copy):
    """NaN sorts above every number in DuckDB: a NaN policy mean or answer log-prob must not pass the
    positive rule's >= tests. The fixture's one positive is made NaN, one column at a time."""
    chosen = select(round_copy, log=lambda m: None)
    assert chosen["rows"]["positives"] >= 1
    positives = pa.ipc.open_file(round_copy / "selected" / "positives.arrow").read_all()
    keys = set(zip(positives["problem_id"].to_pylist(), positives["sample_index"].to_pylist()))
    for column in ("policy_logprob_mean", "answer_logprob", "answer_logprob_base"):
        for shard in sorted((round_copy / "shards").glob("*.arrow")):
            table = read_shard(shard)
            hit = [(p, k, i) in {(p2, "explanation", i2) for p2, i2 in keys}
                   for p, k, i in zip(table["problem_id"].to_pylist(), table["kind"].to_pylist(),
                                      table["sample_index"].to_pylist())]
            values = [math.nan if h else v for h, v in zip(hit, table[column].to_pylist())]
            table = table.set_column(table.schema.get_field_index(column), SAMPLE_SCHEMA.field(column),
                                     pa.array(values, pa.float64()))
            if any(hit):
                break
        work = round_copy.parent / f"nan-{column}"
        shutil.copytree(round_copy, work)
        shutil.rmtree(work / "selected")
        rewrite_shard(work, table, str(shard.relative_to(round_copy).with_suffix("")))
        try:
            select(work, log=lambda m: None)
        except ExpoError as exc:
            assert "empty selection" in str(exc)
            continue
        got = pa.ipc.open_file(work / "selected" / "positives.arrow").read_all()
        assert not pc.any(pc.is_nan(got["policy_logprob_mean"])).as_py()
        assert not pc.any(pc.is_nan(got["answer_gain"])).as_py(), column


@pytest.mark.parametrize("target", ["manifest.json", f"{SHARD0}.arrow", f"{SHARD0}.json",
                                    "selected/pairs.arrow", "selected/selection.json", "selected"])
def test_view_never_writes_over_a_file_of_the_round(round_copy, target):
    before = {p: p.read_bytes() for p in round_copy.rglob("*") if p.is_file()}
    with pytest.raises(ExpoError, match="file of the round"):
        write_view([round_copy], round_copy / target, log=lambda m: None)
    assert {p: p.read_bytes() for p in round_copy.rglob("*") if p.is_file()} == before
    write_view([round_copy], log=lambda m: None)  # its own page, round/view.html, is still its to write
    assert (round_copy / "view.html").is_file()


@pytest.mark.parametrize("step", ["delete", "write_json"])
def test_select_interrupted_while_it_commits_commits_whole(round_copy, monkeypatch, step, default_sigint):
    """Ctrl-C landing between the steps of select's commit (the old record removed, the tables renamed
    in, the new record written) is held until the commit is done: then the tables and record agree."""
    params = {"per_problem": 2, "include_attempts": True}
    rd_class = select_mod.RoundDir
    original = getattr(rd_class, step)

    def interrupted(self, name, *args):
        if name.endswith("selection.json"):
            os.kill(os.getpid(), signal.SIGINT)  # arrives mid-commit
        return original(self, name, *args)

    monkeypatch.setattr(rd_class, step, interrupted)
    with pytest.raises(KeyboardInterrupt):
        select(round_copy, params, log=lambda m: None)
    record = json.loads((round_copy / "selected" / "selection.json").read_text())
    assert record["parameters"]["positives"]["per_problem"] == 2
    for name, rows in record["rows"].items():
        assert pa.ipc.open_file(round_copy / "selected" / f"{name}.arrow").read_all().num_rows == rows
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not [p for p in (round_copy / "selected").iterdir() if ".tmp-" in p.name]


@given(st.lists(st.text(max_size=60), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_the_terminal_table_prints_no_control_character_of_model_text(texts):
    """`expo-data sql`'s table: model output with ESC sequences, CR or BEL cannot rewrite the terminal;
    each row stays one line."""
    printed = format_table(pa.table({"completion": texts}))
    lines = printed.split("\n")
    assert len(lines) == len(texts) + 3
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f for line in lines for ch in line)
