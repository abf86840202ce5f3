"""Selection at scale (issue 20): streamed, memory-bounded `select` writes the same rows as the queries it
replaced; the trainer's lazy examples are the examples the old eager load built; checksums are hashed
once per process; the memory limit is validated and the spill directory cleaned up."""

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from conftest import run_cli, sample_row
from expo_data.select.db import connect, parse_memory_limit, physical_memory, run_query, shipped_query, used_params
from expo_data.errors import EmptySelection, ExpoError
from expo_data.store.schema import RoundDir, read_arrow, rows_to_table
from expo_data.select import select
from expo_data.store.shards import HASH_COST, verify_round_dir, write_round
from expo_train.data import Example, Pair, batch_order, pair_example
from expo_train.objectives import OBJECTIVES, groups_and_positives, pairs, positives

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
# The selection queries as they were before issue 20 (whole results materialised, groups carrying every
# column): the reference the streamed selection must reproduce row for row.
BEFORE = Path(__file__).parent / "fixtures" / "select_before"
OLD_GROUP_COLUMNS = ["round", "problem_id", "level", "prompt", "prompt_token_ids", "sample_index", "completion",
                     "completion_token_ids", "gen_token_logprobs", "policy_token_logprobs", "reward", "advantage",
                     "group_size", "group_accuracy"]


def before(round_dir, params=None) -> dict[str, pa.Table]:
    """What the previous implementation selected: its queries, run to whole tables."""
    con = connect([round_dir])
    params = params or {}
    out = {}
    for name in ("positives", "pairs", "groups"):
        sql = (BEFORE / f"select_{name}.sql").read_text()
        takes = {k: v for k, v in params.items() if f"${k}" in sql}
        out[name] = run_query(con, sql, takes)
    return out


def expanded_groups(round_dir) -> pa.Table:
    """The keyed groups.arrow joined back to the shards' columns, in the old table's layout."""
    con = connect([round_dir])
    con.register("g", read_arrow(RoundDir(round_dir).selected / "groups.arrow"))
    return con.sql("""
        SELECT g.round, g.problem_id, g.level, s.plain_prompt AS prompt, s.plain_prompt_token_ids AS prompt_token_ids,
               g.sample_index, s.completion, s.completion_token_ids, s.gen_token_logprobs, s.policy_token_logprobs,
               g.reward, g.advantage, g.group_size, g.group_accuracy
        FROM g JOIN samples s ON s.round = g.round AND s.problem_id = g.problem_id AND s.kind = 'attempt'
                             AND s.sample_index = g.sample_index
        ORDER BY g.round, g.problem_id, g.sample_index""").to_arrow_table()


def assert_same_selection(round_dir, params=None):
    reference = before(round_dir, params)
    record = select(round_dir, params, log=lambda m: None)
    selected = RoundDir(round_dir).selected
    assert record["rows"] == {name: table.num_rows for name, table in reference.items()}
    for name in ("positives", "pairs"):
        got = read_arrow(selected / f"{name}.arrow")
        assert got.schema == reference[name].schema, name
        assert got.equals(reference[name]), name
    # select gathers the keys and the wide columns in separate steps; the shipped queries, run as they are
    # (what `expo-data sql -f` runs and selection.json records), give the same tables.
    con = connect([round_dir])
    for name in ("positives", "pairs"):
        sql = shipped_query(f"select_{name}")
        shipped = run_query(con, sql, {k: v for k, v in (params or {}).items() if k in used_params(sql)})
        assert shipped.equals(read_arrow(selected / f"{name}.arrow")), name
    groups = read_arrow(selected / "groups.arrow")
    assert groups.column_names == ["round", "problem_id", "level", "sample_index", "reward", "advantage", "group_size",
                                   "group_accuracy"]
    assert_same_groups(groups, reference["groups"].select(groups.column_names))
    assert_same_groups(expanded_groups(round_dir), reference["groups"].select(OLD_GROUP_COLUMNS))
    return reference


def assert_same_groups(got: pa.Table, want: pa.Table):
    """Identical, but for the advantage's last digit: the old query's stddev_pop rounded it differently
    from run to run (the threads' order); the new one computes the 0/1 std exactly."""
    assert got.schema == want.schema
    exact = [c for c in got.column_names if c != "advantage"]
    assert got.select(exact).equals(want.select(exact))
    np.testing.assert_allclose(got.column("advantage").to_numpy(), want.column("advantage").to_numpy(), rtol=1e-12, atol=1e-12)


def synthetic_round(out: Path, shards=4, problems_per_shard=150, seed=3) -> Path:
    sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
    from select_bench import make_shard

    tables = [make_shard(s, shards, problems_per_shard, seed) for s in range(shards)]
    write_round(out, tables, {"round": 0, "base_model": "synthetic", "num_problems": shards * problems_per_shard})
    return out


@pytest.fixture
def fixture_round(tmp_path):
    out = tmp_path / "round_v2"
    shutil.copytree(FIXTURE, out)
    shutil.rmtree(out / "selected")
    return out


@pytest.mark.parametrize("params", [None, {"per_problem": 3, "include_attempts": True, "min_answer_gain": -5.0}])
def test_fixture_round_selects_the_same_rows(fixture_round, params):
    reference = assert_same_selection(fixture_round, params)
    assert reference["positives"].num_rows > 0 and reference["pairs"].num_rows > 0


@pytest.mark.parametrize("params", [None, {"per_problem": 2, "max_nll_ratio": 1.2},
                                    {"include_attempts": True, "per_problem": 4, "min_answer_gain": -1.0}])
def test_multi_shard_round_selects_the_same_rows(tmp_path, params):
    round_dir = synthetic_round(tmp_path / "synthetic")
    reference = assert_same_selection(round_dir, params)
    assert reference["pairs"].num_rows > 50 and reference["groups"].num_rows == 4 * 150 * 4


@pytest.mark.parametrize("seed", range(30))
def test_random_rounds_select_the_same_rows(tmp_path, seed):
    """Random small rounds (hypothesis is not among the venv's packages, so a seeded generator): ties in
    likelihood, hint leaks, problems without attempts or wrong attempts, rows spread over shards."""
    rng = np.random.default_rng(seed)
    counters: dict = {}
    made = []
    for _ in range(rng.integers(1, 40)):
        problem, kind = int(rng.integers(0, 6)), str(rng.choice(["attempt", "attempt", "explanation", "expert"]))
        index = counters.setdefault((problem, kind), 0)
        counters[(problem, kind)] += 1
        made.append((int(rng.integers(0, 2)), sample_row(
            f"p{problem}", kind, index, bool(rng.random() < 0.5), float(rng.choice([-0.5, -0.8, -1.0, -2.5])),
            tokens=1 + index % 3, answer_gain=float(rng.choice([-1.0, 0.0, 2.0])),
            hint=bool(rng.random() < 0.2) and kind == "explanation", level=problem % 3)))
    tables = [rows_to_table([r for s, r in made if s == shard]) for shard in (0, 1)]
    round_dir = tmp_path / "round"
    write_round(round_dir, tables, {"round": 0, "base_model": "m", "num_problems": len(counters)})
    params = {"per_problem": int(rng.integers(1, 4)), "include_attempts": bool(rng.random() < 0.5)}
    try:
        assert_same_selection(round_dir, params)
    except EmptySelection:
        assert before(round_dir, params)["positives"].num_rows == 0


def test_groups_are_the_same_on_every_run(tmp_path):
    round_dir = synthetic_round(tmp_path / "r", shards=4, problems_per_shard=100)
    select(round_dir, log=lambda m: None)
    first = read_arrow(RoundDir(round_dir).selected / "groups.arrow")
    for _ in range(5):
        select(round_dir, log=lambda m: None)
        assert read_arrow(RoundDir(round_dir).selected / "groups.arrow").equals(first)


def test_a_failed_select_leaves_the_previous_selection(fixture_round):
    select(fixture_round, log=lambda m: None)
    selected = RoundDir(fixture_round).selected
    files = {p.name: p.read_bytes() for p in selected.iterdir()}
    with pytest.raises(EmptySelection):
        select(fixture_round, {"min_policy_mean": 100.0}, log=lambda m: None)
    assert {p.name: p.read_bytes() for p in selected.iterdir()} == files  # no temp file, nothing replaced
    assert not list(fixture_round.glob(".expo-spill-*"))
    # The checksums run beside the queries: a shard corrupted since still fails the select before any commit.
    shard = sorted((fixture_round / "shards").glob("*.arrow"))[-1]
    data = bytearray(shard.read_bytes())
    data[len(data) // 3] ^= 0xFF
    shard.unlink()
    shard.write_bytes(bytes(data))
    with pytest.raises(ExpoError, match="is corrupt"):
        select(fixture_round, log=lambda m: None)
    assert {p.name: p.read_bytes() for p in selected.iterdir()} == files


def test_memory_limit_spill_dir_and_validation(fixture_round):
    con = connect([fixture_round], memory_limit=256 * 2**20, temp_directory=str(fixture_round / "spill-here"))
    limit, temp = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    assert limit == "256.0 MiB" and temp.endswith("spill-here")
    assert parse_memory_limit("512MiB") == 512 * 2**20 and parse_memory_limit("2GB") == 2 * 10**9
    assert parse_memory_limit("50%") == physical_memory() // 2
    assert 0 < parse_memory_limit() < physical_memory()
    for bad in ("lots", "-1GB", "0", "12 parsecs", "1KB", "200%", f"{physical_memory() * 2}B"):
        with pytest.raises(ExpoError, match="--memory-limit"):
            parse_memory_limit(bad)
    proc = run_cli("expo-data", "select", fixture_round, "--memory-limit", "lots")
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1 and "--memory-limit lots" in proc.stderr
    assert not (fixture_round / "selected").exists()
    proc = run_cli("expo-data", "select", fixture_round, "--memory-limit", "300MiB", check=True)
    assert "group rows" in proc.stderr and (fixture_round / "selected" / "selection.json").exists()
    assert not list(fixture_round.glob(".expo-spill-*"))


@pytest.mark.parametrize("fmt", ["arrow", "csv", "json"])
def test_sql_output_streams_the_whole_result(fixture_round, tmp_path, fmt):
    out = tmp_path / f"pairs.{fmt}"
    proc = run_cli("expo-data", "sql", fixture_round, "-f", "select_pairs", "--format", fmt, "-o", out, check=True)
    reference = before(fixture_round)["pairs"]
    assert f"wrote {reference.num_rows} rows" in proc.stderr
    if fmt == "arrow":
        assert read_arrow(out).equals(reference)
    elif fmt == "json":
        got = [json.loads(line) for line in out.read_text().splitlines()]
        assert [r["chosen_token_ids"] for r in got] == reference.column("chosen_token_ids").to_pylist()
    else:
        import pyarrow.csv as pacsv

        got = pacsv.read_csv(out)  # prompts hold newlines: count rows with a CSV reader, not by lines
        assert got.column_names == reference.column_names and got.num_rows == reference.num_rows
        assert [json.loads(v) for v in got.column("chosen_token_ids").to_pylist()] == \
            reference.column("chosen_token_ids").to_pylist()
    assert not list(tmp_path.glob(".*tmp*"))


def test_checksums_are_hashed_once_per_process_and_still_catch_corruption(tmp_path, verified_cache):
    round_dir = synthetic_round(tmp_path / "r", shards=2, problems_per_shard=20)
    verified_cache.forget()  # written elsewhere: not known to be verified here
    logged = []
    verify_round_dir(round_dir, log=logged.append)
    files = HASH_COST["files"]
    verify_round_dir(round_dir, log=logged.append)
    assert HASH_COST["files"] == files and len(logged) == 1 and "verified 2 shard checksums" in logged[0]
    shard = sorted((round_dir / "shards").glob("*.arrow"))[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.unlink()
    shard.write_bytes(bytes(data))  # a new file: the cache must not vouch for it
    with pytest.raises(ExpoError, match="is corrupt"):
        verify_round_dir(round_dir)


def old_examples(reference: dict[str, pa.Table], loss: str) -> list[Example]:
    """The examples the eager loader built (to_pylist of whole tables)."""
    sft = [Example("sft", [(r["plain_prompt_token_ids"], r["completion_token_ids"])])
           for r in reference["positives"].to_pylist()]
    if loss == "exp-sft":
        return sft
    if loss == "exp-dpo":
        return [pair_example(r["prompt_token_ids"], r["chosen_token_ids"], r["rejected_token_ids"],
                             Pair(chosen=r["ref_chosen_logp"], rejected=r["ref_rejected_logp"]))
                for r in reference["pairs"].to_pylist()]
    return [Example("pg", [(r["prompt_token_ids"], r["completion_token_ids"])], old_token_logps=r["gen_token_logprobs"],
                    advantage=r["advantage"]) for r in reference["groups"].to_pylist() if abs(r["advantage"]) > 1e-6] + sft


@pytest.mark.parametrize("loss", ["exp-sft", "exp-dpo", "exp-grpo"])
def test_lazy_examples_are_the_eager_ones(tmp_path, loss):
    round_dir = synthetic_round(tmp_path / "r", shards=3, problems_per_shard=40)
    reference = before(round_dir)
    select(round_dir, log=lambda m: None)
    lazy = OBJECTIVES[loss].load(round_dir)
    eager = old_examples(reference, loss)
    assert len(lazy) == len(eager) > 0
    built = [lazy[i] for i in range(len(lazy))]
    # The advantage to its last digit (see assert_same_groups); every other field exactly.
    assert [ex.advantage for ex in built] == pytest.approx([ex.advantage for ex in eager], rel=1e-12, abs=1e-12)
    for ex in eager:
        ex.advantage = 0.0
    for ex in built:
        ex.advantage = 0.0
    assert built == eager and lazy[-1].sequences == eager[-1].sequences and [e.sequences for e in lazy[1:3]] == \
        [e.sequences for e in eager[1:3]]
    assert list(lazy.lengths) == [ex.num_tokens for ex in eager]
    assert batch_order(lazy, 4, 0, 1) == batch_order(eager, 4, 0, 1)
    with pytest.raises(IndexError):
        lazy[len(lazy)]


def test_groups_written_before_keys_still_train(fixture_round):
    """A selection made before groups became keys carries the token columns itself."""
    shutil.copytree(FIXTURE / "selected", fixture_round / "selected")
    old = groups_and_positives(RoundDir(fixture_round))
    select(fixture_round, log=lambda m: None)
    new = groups_and_positives(RoundDir(fixture_round))
    assert [old[i] for i in range(len(old))] == [new[i] for i in range(len(new))]


def test_shards_changed_since_the_selection_are_refused(tmp_path):
    round_dir = synthetic_round(tmp_path / "r", shards=2, problems_per_shard=20)
    select(round_dir, log=lambda m: None)
    synthetic_round(round_dir, shards=2, problems_per_shard=20, seed=4)  # regenerated, selection not rerun
    with pytest.raises(ExpoError, match="changed since its selection"):
        groups_and_positives(RoundDir(round_dir))
    assert len(pairs(RoundDir(round_dir))) and len(positives(RoundDir(round_dir)))


def test_select_reads_and_hashes_each_shard_once(tmp_path, verified_cache):
    """Each shard's sha256 is computed once, whether ahead while the keys are chosen or in the pass that
    reads the wide columns (which then finds the shard in the page cache), and the log says the cost."""
    round_dir = synthetic_round(tmp_path / "r", shards=3, problems_per_shard=40)
    verified_cache.forget()  # written elsewhere: not known to be verified here
    size = sum(p.stat().st_size for p in (round_dir / "shards").glob("*.arrow"))
    before_cost, logged = dict(HASH_COST), []
    select(round_dir, log=logged.append)
    assert (HASH_COST["files"] - before_cost["files"], HASH_COST["bytes"] - before_cost["bytes"]) == (3, size)
    assert any("sha256 of 3 shards" in line for line in logged), logged
    select(round_dir, log=logged.append)  # the same files in the same process: not hashed again
    assert HASH_COST["files"] - before_cost["files"] == 3



@pytest.mark.parametrize("where", ["same shard", "other shard"])
def test_a_sample_key_twice_is_one_error_and_no_selection(tmp_path, where):
    """Positives and pairs are merged by place: a selected sample present twice (a shard copied in by hand)
    cannot fill its place once. It used to come out as two training rows; now it is refused by name."""
    rows = [sample_row("p1", "attempt", 0, False, -1.0), sample_row("p1", "explanation", 0, True, -0.5),
            sample_row("p2", "attempt", 0, False, -1.0), sample_row("p2", "explanation", 0, True, -0.5)]
    twice = sample_row("p2", "explanation", 0, True, -0.5)
    tables = ([rows_to_table(rows[:2]), rows_to_table(rows[2:] + [twice])] if where == "same shard"
              else [rows_to_table(rows[:2] + [twice]), rows_to_table(rows[2:])])
    round_dir = tmp_path / "round"
    write_round(round_dir, tables, {"round": 0, "base_model": "m", "num_problems": 2})
    with pytest.raises(ExpoError, match=r"holds the sample \(0, 'p2', 'explanation', 0\).*more than one row"):
        select(round_dir, log=lambda m: None)
    assert not (round_dir / "selected" / "selection.json").exists()
    assert not [p for p in (round_dir / "selected").iterdir() if p.suffix == ".arrow"]


def test_problems_interleaved_across_shards_select_the_same_rows(tmp_path):
    """Shards are slices of the problem file, not of the sorted ids: every shard spans the whole id range
    here, so every output table draws on every shard's run at once."""
    rng = np.random.default_rng(7)
    shards = [[] for _ in range(5)]
    for problem in range(120):
        shard = shards[int(rng.integers(0, 5))]
        for index in range(3):
            shard.append(sample_row(f"q{problem}", "attempt", index, bool(rng.random() < 0.3), float(-rng.random() * 3)))
        for index in range(2):
            shard.append(sample_row(f"q{problem}", "explanation", index, True, float(-rng.random()),
                                    answer_gain=float(rng.random())))
    round_dir = tmp_path / "round"
    write_round(round_dir, [rows_to_table(rows) for rows in shards], {"round": 0, "base_model": "m", "num_problems": 120})
    reference = assert_same_selection(round_dir, {"per_problem": 2})
    assert reference["pairs"].num_rows > 100


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_killed_selects_leftovers_go_and_nothing_else(fixture_round):
    """SIGKILL (or the OOM killer) leaves the spill dir, whose sorted runs are the selection's size, and
    half-written tables: the next select removes those of this host's dead processes, and only those."""
    from expo_data.store.files import owner_tag

    host, dead = owner_tag().rsplit("-", 1)[0], _dead_pid()
    selected = fixture_round / "selected"
    selected.mkdir()
    stale_spill = fixture_round / f".expo-spill-{host}-{dead}-k1ll3d"
    stale_spill.mkdir()
    (stale_spill / "positives.runs").write_bytes(b"x" * 1000)
    stale_table = selected / f".pairs.arrow.tmp-{host}-{dead}"
    stale_table.write_bytes(b"half")
    kept = [fixture_round / f".expo-spill-{host}-{os.getpid()}-live",  # a live process's (this one)
            fixture_round / f".expo-spill-otherhost-{dead}-x",  # another host's, on a shared filesystem
            fixture_round / ".expo-spill-notours",  # not a name this toolkit writes
            selected / f".pairs.arrow.tmp-otherhost-{dead}", selected / f"pairs.arrow.tmp-{host}-{dead}",
            selected / "notes.txt"]
    for path in kept:
        path.mkdir() if "spill" in path.name else path.write_text("keep")
    select(fixture_round, log=lambda m: None)
    assert not stale_spill.exists() and not stale_table.exists()
    assert all(path.exists() for path in kept)
    assert not [p for p in fixture_round.glob(f".expo-spill-{host}-{os.getpid()}-*") if p not in kept]


def test_ctrl_c_inside_a_query_is_an_interrupt(fixture_round):
    """DuckDB reports Ctrl-C as an error of the query: it reaches the CLI as the interrupt (exit 130),
    not as an SQL or internal error."""
    import duckdb
    from click.testing import CliRunner

    from cli.data import main
    from expo_data.select import db

    assert isinstance(db.query_error(duckdb.InterruptException("INTERRUPT Error: Interrupted!")), KeyboardInterrupt)
    assert isinstance(db.query_error(RuntimeError("Query interrupted")), KeyboardInterrupt)
    assert isinstance(db.query_error(duckdb.BinderException("Binder Error: x")), ExpoError)

    def interrupted(*args, **kwargs):
        raise RuntimeError("Query interrupted")

    import expo_data.select.selection as select_module

    original = select_module.query_batches
    select_module.query_batches = interrupted
    try:
        result = CliRunner().invoke(main, ["select", str(fixture_round)])
    finally:
        select_module.query_batches = original
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output and "internal error" not in result.output
    assert not (fixture_round / "selected" / "selection.json").exists()
