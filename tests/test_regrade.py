"""`expo-data regrade` and verifier plugins, on copies of the committed round tests/fixtures/round_v2 (no model:
regrade loads none). Each regrade starts a real verifier pool (spawn workers), about 2-3 s here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from cli.data import main as data_main
from expo_data.errors import ExpoError
from expo_data.store.grading import check_selection
from expo_data.store.schema import read_selection_record
from expo_data.regrade import REGRADED_COLUMNS, commit_shard, intent_name, regrade, regrade_table
from expo_data.store.schema import read_manifest, shard_name, sidecar_name
from expo_data.store.shards import load_round, read_checked_shard, read_sidecar, verify_round_dir
from expo_data.verifiers import resolve, verdict_of

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
GENERATED = ("attempt", "explanation")

PLUGINS = textwrap.dedent('''
    import os, time

    def reject(reference, completion, extracted=None, row=None):
        return False, "rejected"

    def slow_reject(reference, completion, extracted=None, row=None):
        with open(os.environ["EXPO_TEST_CALLS"], "a") as f:
            f.write(row["problem_id"] + "\\n")
        time.sleep(float(os.environ.get("EXPO_TEST_SLEEP", "0")))
        return False

    def faulty(reference, completion, extracted=None, row=None):
        if row["kind"] == "attempt" and row["sample_index"] == 0:
            raise ValueError("cannot grade this")
        if row["kind"] == "attempt":
            return "yes"  # garbage: a truthy string is not a verdict
        if row["problem_id"] == "arith-train-L1-0000" and row["sample_index"] == 0:
            time.sleep(60)  # hangs: the pool's timeout ends it
        return True, "looks right"

    def echo_row(reference, completion, extracted=None, row=None):
        return False, "|".join([reference, str(extracted), completion[:5], row["kind"], str(row["round"]),
                                ",".join(sorted(row))])

    def one_argument(reference):
        return True

    NOT_A_FUNCTION = 42
''')


@pytest.fixture
def round_copy(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "round")
    (tmp_path / "plug.py").write_text(PLUGINS)
    return tmp_path / "round"


def plugin(round_dir: Path, name: str) -> str:
    return f"{round_dir.parent / 'plug.py'}:{name}"


def cli(*args):
    return CliRunner().invoke(data_main, [str(a) for a in args])


def correct_generated(round_dir) -> int:
    rows = load_round(round_dir).to_pylist()
    return sum(r["is_correct"] for r in rows if r["kind"] in GENERATED)


def sidecar_counts(round_dir) -> dict[str, int]:
    totals: dict[str, int] = {}
    for index in range(2):
        for key, value in read_sidecar(verify_store(round_dir), index, 2)["counts"].items():
            totals[key] = totals.get(key, 0) + value
    return totals


def verify_store(round_dir):
    from expo_data.store.schema import RoundDir

    return RoundDir(round_dir)


def test_reject_everything_then_builtin_restores_the_counts_and_selection(round_copy):
    original = load_round(FIXTURE)
    before = correct_generated(FIXTURE)
    assert before == 4  # 2 attempts and 2 explanations of the fixture are graded correct

    result = cli("regrade", round_copy, "--verifier", plugin(round_copy, "reject"), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "correct attempts 2 -> 0 of 12, correct explanations 2 -> 0 of 12" in result.output
    assert correct_generated(round_copy) == 0
    rows = load_round(round_copy).to_pylist()
    assert all(r["verify_error"] == "rejected" for r in rows if r["kind"] in GENERATED)
    assert all(r["is_correct"] and r["extraction_method"] == "reference" for r in rows if r["kind"] == "expert")
    assert sidecar_counts(round_copy)["attempts_correct"] == sidecar_counts(round_copy)["explanations_correct"] == 0
    manifest = read_manifest(round_copy)
    assert manifest["grading"]["verifier"] == plugin(round_copy, "reject")
    assert manifest["grading"]["version"].startswith("sha256:") and "regrading" not in manifest
    assert manifest["config_hash"] == read_manifest(FIXTURE)["config_hash"]  # the samples are the same run's

    # The fixture's selection was made under the old grading: the trainer refuses it until it is redone.
    with pytest.raises(ExpoError, match="stale"):
        check_selection(verify_store(round_copy), read_selection_record(verify_store(round_copy)))
    result = cli("select", round_copy)
    assert result.exit_code == 2 and "is stale" in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: empty selection")
    assert read_selection_record(verify_store(round_copy)) is None  # no stale record left to train on

    result = cli("regrade", round_copy, "--verifier", "builtin", "--workers", "1")
    assert result.exit_code == 0, result.output
    restored = load_round(round_copy)
    for name in ("is_correct", "verify_error"):
        assert restored.column(name).equals(original.column(name)), name
    for name in set(original.column_names) - set(REGRADED_COLUMNS):  # nothing but the grading was touched
        assert restored.column(name).equals(original.column(name)), name
    assert correct_generated(round_copy) == before
    assert sidecar_counts(round_copy)["attempts_correct"] == 2 and sidecar_counts(round_copy)["explanations_correct"] == 2

    result = cli("select", round_copy)
    assert result.exit_code == 0, result.output
    record = read_selection_record(verify_store(round_copy))
    fixture_record = json.loads((FIXTURE / "selected" / "selection.json").read_text())
    assert record["rows"] == fixture_record["rows"]
    assert record["grading"] == read_manifest(round_copy)["grading"]
    check_selection(verify_store(round_copy), record)  # current: no error


def test_regrade_of_the_fixture_round_keeps_it_reading_and_checksummed(round_copy):
    totals = regrade(round_copy, "builtin", workers=1, log=lambda m: None)
    assert totals["before"]["attempts_correct"] == totals["after"]["attempts_correct"] == 2
    manifest = verify_round_dir(round_copy, check_checksums=True)  # every new shard matches its new sidecar
    for index in range(2):
        sidecar = read_sidecar(verify_store(round_copy), index, 2)
        assert sidecar["grading"] == manifest["grading"]
        assert sidecar["problem_ids"] == json.loads((FIXTURE / "shards" / sidecar_name(index, 2)).read_text())["problem_ids"]
        assert sidecar["counts"]["samples"] == 15
    # Done already under this verifier and version: a second run touches no shard.
    stamps = [os.stat(round_copy / "shards" / shard_name(i, 2)).st_mtime_ns for i in range(2)]
    logged = []
    regrade(round_copy, "builtin", workers=1, log=logged.append)
    assert "regraded 0 of 2 shards" in logged[0] and "2 already graded so: skipped" in logged[0]
    assert stamps == [os.stat(round_copy / "shards" / shard_name(i, 2)).st_mtime_ns for i in range(2)]


@pytest.mark.slow  # kills a regrade subprocess mid-run and resumes it (6.4 s): a process-kill test, like the SIGKILL ones
def test_a_killed_regrade_resumes_where_it_stopped(round_copy, tmp_path):
    calls = tmp_path / "calls.txt"
    spec = plugin(round_copy, "slow_reject")
    env = dict(os.environ, EXPO_TEST_CALLS=str(calls), EXPO_TEST_SLEEP="0.3")
    expo_data = Path(sys.executable).parent / "expo-data"
    process = subprocess.Popen([str(expo_data), "regrade", str(round_copy), "--verifier", spec, "--workers", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while (read_sidecar(verify_store(round_copy), 0, 2) or {}).get("grading", {}).get("verifier") != spec:
            assert process.poll() is None, "regrade ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)  # the regrade and its verifier workers
    finally:
        process.wait()
    assert read_sidecar(verify_store(round_copy), 1, 2).get("grading") is None  # shard 1 was not committed
    assert read_manifest(round_copy)["regrading"]["verifier"] == spec
    result = cli("select", round_copy)  # shards of two gradings: refused until the regrade is finished
    assert result.exit_code == 2 and "being regraded" in result.output and len(result.output.strip().splitlines()) == 1

    calls.write_text("")
    os.environ["EXPO_TEST_CALLS"], os.environ["EXPO_TEST_SLEEP"] = str(calls), "0"
    try:
        logged = []
        regrade(round_copy, spec, workers=1, log=logged.append)
    finally:
        del os.environ["EXPO_TEST_CALLS"], os.environ["EXPO_TEST_SLEEP"]
    assert "1 already graded so: skipped" in logged[0]
    shard1 = set(json.loads((FIXTURE / "shards" / sidecar_name(1, 2)).read_text())["problem_ids"])
    graded = calls.read_text().split()
    assert len(graded) == 12 and set(graded) == shard1  # only shard 1's generated rows were graded again
    assert correct_generated(round_copy) == 0
    manifest = verify_round_dir(round_copy, check_checksums=True)
    assert "regrading" not in manifest and manifest["grading"]["verifier"] == spec


def test_a_kill_between_shard_and_sidecar_is_finished_or_rolled_back(round_copy):
    """The intent record: a shard holding the intended bytes is committed; one still holding the old bytes is
    regraded as if nothing had happened. Neither is left corrupt."""
    from expo_data import regrade as module
    from expo_data.store.schema import RoundDir

    rd = RoundDir(round_copy)
    table = read_checked_shard(rd, 0, 2)
    flipped = table.set_column(table.schema.get_field_index("is_correct"), "is_correct",
                               pa.array([False] * table.num_rows))
    sidecar = dict(read_sidecar(rd, 0, 2), grading={"verifier": "x", "version": "1"})
    writes = []
    original_write = rd.write_json

    class Killed(Exception):
        pass

    def write_json(name, obj):  # the process "dies" right after the shard bytes, before its sidecar
        writes.append(name)
        if name.endswith(sidecar_name(0, 2)) and not name.startswith("shards/.regrade"):
            raise Killed
        original_write(name, obj)

    rd.write_json = write_json
    with pytest.raises(Killed):
        commit_shard(rd, 0, 2, flipped, sidecar)
    assert rd.exists(intent_name(0, 2))
    with pytest.raises(ExpoError, match="corrupt"):  # as any reader sees it until the next regrade
        verify_round_dir(round_copy, check_checksums=True)
    module._recover(RoundDir(round_copy), 0, 2)
    assert not RoundDir(round_copy).exists(intent_name(0, 2))
    verify_round_dir(round_copy, check_checksums=True)
    assert read_sidecar(rd, 0, 2)["grading"] == {"verifier": "x", "version": "1"}
    assert not any(load_round(round_copy).slice(0, 15).column("is_correct").to_pylist())

    # An intent whose shard was never replaced: dropped, the shard and sidecar as they were.
    before = (round_copy / "shards" / sidecar_name(1, 2)).read_bytes()
    RoundDir(round_copy).write_json(intent_name(1, 2), dict(sidecar, sha256="0" * 64))
    module._recover(RoundDir(round_copy), 1, 2)
    assert (round_copy / "shards" / sidecar_name(1, 2)).read_bytes() == before
    assert not RoundDir(round_copy).exists(intent_name(1, 2))


def test_a_plugin_that_raises_returns_garbage_or_hangs_gives_counted_errors(round_copy):
    logged = []
    totals = regrade(round_copy, plugin(round_copy, "faulty"), timeout_s=1.0, workers=1, log=logged.append)
    assert totals["errors"] == {"error": 12, "timeout": 1}
    assert "verifier errors 12, timeouts 1" in logged[0]
    rows = [r for r in load_round(round_copy).to_pylist() if r["kind"] in GENERATED]
    errors = [r["verify_error"] for r in rows]
    assert sum(e.startswith("error: ValueError: cannot grade this") for e in errors) == 6
    assert sum(e == "error: verifier returned str, not a bool or (bool, reason)" for e in errors) == 6
    assert errors.count("timeout") == 1
    assert sum(r["is_correct"] for r in rows) == 11 and errors.count("looks right") == 11
    assert all(not r["is_correct"] for r in rows if r["verify_error"].startswith(("error", "timeout")))
    per_shard = [read_sidecar(verify_store(round_copy), i, 2)["regrade"]["verifier_errors"] for i in range(2)]
    assert sum(s["error"] for s in per_shard) == 12 and sum(s["timeout"] for s in per_shard) == 1


@pytest.mark.parametrize("name, message", [
    ("nope", "unknown verifier"),
    ("no_such_module_xyz:f", "cannot import no_such_module_xyz"),
    ("{plug}:missing", "has no attribute missing"),
    ("{plug}:one_argument", "cannot be called as function(reference, completion, extracted=..., row=...)"),
    ("{plug}:NOT_A_FUNCTION", "int is not callable"),
    ("{dir}/absent.py:f", "no file"),
    ("{dir}/broken.py:f", "cannot import"),
    (":f", "expected builtin, math-verify"),
])
def test_bad_verifier_names_and_signatures_are_one_line_before_any_work(round_copy, name, message):
    (round_copy.parent / "broken.py").write_text("raise RuntimeError('broken on import')\n")
    name = name.format(plug=round_copy.parent / "plug.py", dir=round_copy.parent)
    manifest_bytes = (round_copy / "manifest.json").read_bytes()
    result = cli("regrade", round_copy, "--verifier", name)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert message in result.output and "Traceback" not in result.output
    assert (round_copy / "manifest.json").read_bytes() == manifest_bytes  # nothing touched
    # generate refuses it in its option check, before problems, model or engine.
    result = cli("generate", "--out", round_copy.parent / "new_round", "--verifier", name, "--dry-run")
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (round_copy.parent / "new_round").exists()


def test_module_function_and_entry_point_verifiers(round_copy, tmp_path, monkeypatch):
    """`module:function` (found beside the working dir) and an installed entry point, with its package version."""
    monkeypatch.chdir(round_copy.parent)
    spec = resolve("plug:reject")
    assert spec.version.startswith("sha256:") and len(spec.version) == len("sha256:") + 12
    site = tmp_path / "site"
    (site / "fake_verifier_pkg").mkdir(parents=True)
    (site / "fake_verifier_pkg" / "__init__.py").write_text(
        "def accept_all(reference, completion, extracted=None, row=None):\n    return True\n")
    dist = site / "fake_verifier_pkg-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-verifier-pkg\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text("[expo_toolkit.verifiers]\naccept-all = fake_verifier_pkg:accept_all\n")
    monkeypatch.syspath_prepend(str(site))
    assert resolve("accept-all").version == "fake-verifier-pkg 1.2.3"
    totals = regrade(round_copy, "accept-all", workers=1, log=lambda m: None)  # the workers find it too
    assert totals["after"]["attempts_correct"] == 12 and totals["after"]["explanations_correct"] == 12
    assert read_manifest(round_copy)["grading"] == {"verifier": "accept-all", "version": "fake-verifier-pkg 1.2.3"}
    result = cli("regrade", round_copy, "--verifier", "accept-al")
    assert result.exit_code == 2 and "or an installed one (accept-all)" in result.output


def test_the_plugin_sees_reference_completion_extraction_and_row(round_copy):
    """What generate and regrade pass a plugin; and math-verify, the plain peer, grades through the same pool."""
    from expo_data.store.schema import RoundDir
    from expo_data.verifiers import Grader

    table = read_checked_shard(RoundDir(round_copy), 0, 2)
    with Grader(resolve(plugin(round_copy, "echo_row")), workers=1) as grader:
        regraded, errors = regrade_table(table, grader)
    assert errors == {"error": 0, "timeout": 0}
    first = regraded.slice(0, 1).to_pylist()[0]
    reference, extracted, head, kind, round_, keys = first["verify_error"].split("|")
    assert (reference, extracted, head, kind, round_) == ("18", "18", first["completion"][:5], "attempt", "1")
    assert keys.split(",") == sorted(["problem_id", "kind", "sample_index", "round", "level", "category", "question",
                                      "reference_answer", "finish_reason", "num_tokens", "extra"])
    with Grader(resolve("math-verify"), workers=1) as grader:
        peer, _ = regrade_table(table, grader)
    assert peer.column("is_correct").to_pylist()[:2] == [True, True]  # the two correct attempts of "18"


@given(st.one_of(st.integers(), st.floats(), st.text(), st.none(), st.lists(st.booleans()),
                 st.tuples(st.integers(), st.text()), st.tuples(st.booleans())))
def test_anything_but_a_bool_or_bool_reason_is_an_error_verdict(value):
    correct, error = verdict_of(value)
    assert correct is False and error.startswith("error: verifier returned ")


@given(st.booleans(), st.one_of(st.none(), st.text(max_size=300)))
def test_a_bool_or_bool_reason_is_taken_as_it_is(correct, reason):
    assert verdict_of(correct) == (correct, None)
    got, error = verdict_of((correct, reason))
    assert got is correct
    assert error is None or (len(error) <= 200 and "\n" not in error)


def test_generate_resumes_only_with_the_verifier_its_shards_were_graded_with(round_copy):
    from expo_data.generate.plan import GenerateConfig, check_resume_grading

    manifest = read_manifest(round_copy)  # the fixture records none: graded by the builtin
    check_resume_grading(GenerateConfig(out=round_copy), manifest, would_mix=True)
    with pytest.raises(ExpoError, match="was graded with --verifier builtin"):
        check_resume_grading(GenerateConfig(out=round_copy, verifier="math-verify"), manifest, would_mix=True)
    check_resume_grading(GenerateConfig(out=round_copy, verifier="math-verify"), manifest, would_mix=False)
    with pytest.raises(ExpoError, match="being regraded"):
        check_resume_grading(GenerateConfig(out=round_copy), dict(manifest, regrading={"verifier": "b", "version": "1"}),
                             would_mix=True)


@pytest.mark.slow
def test_generate_grades_with_a_plugin_and_records_it(tiny_model_dir, tmp_path):
    """generate --verifier: the plugin grades every generated row (with its row), the manifest and sidecars record
    it, a resume with another verifier is refused before the engine, and regrade puts the builtin back."""
    from conftest import TINY_GEN, run_cli

    (tmp_path / "plug.py").write_text(PLUGINS)
    spec = f"{tmp_path / 'plug.py'}:echo_row"
    out = tmp_path / "round"
    run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 2, "--shards", 1,
            *TINY_GEN, "--verifier", spec, check=True)
    manifest = read_manifest(out)
    assert manifest["grading"]["verifier"] == spec
    assert read_sidecar(verify_store(out), 0, 1)["grading"] == manifest["grading"]
    rows = load_round(out).to_pylist()
    generated = [r for r in rows if r["kind"] in GENERATED]
    assert generated and all(r["verify_error"].split("|")[0] == r["reference_answer"] for r in generated)
    assert all(r["verify_error"].split("|")[3] == r["kind"] and not r["is_correct"] for r in generated)
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 2, "--shards", 1,
                   *TINY_GEN, "--verifier", "math-verify")
    assert proc.returncode == 0 and "all shards complete" in proc.stderr  # nothing to grade: nothing mixed
    regrade(out, "builtin", workers=1, log=lambda m: None)
    assert read_manifest(out)["grading"]["verifier"] == "builtin"
    assert all(r["verify_error"] is None or "|" not in r["verify_error"] for r in load_round(out).to_pylist())


def test_a_selection_under_another_grading_is_stale_for_each_consumer(round_copy):
    """No pool needed: the manifest's grading changed as a regrade changes it. The trainer refuses the old
    selection, the loop reselects, select replaces it and records the grading it was made under."""
    from expo_train.loop import selection_is_current
    from expo_train.trainer import ensure_selection

    from expo_data.select import select

    ensure_selection(round_copy, log=lambda m: None)  # the fixture's, from before gradings were recorded
    assert select(round_copy, log=lambda m: None)["grading"] is None  # a round never regraded records none
    assert selection_is_current(round_copy)
    manifest = read_manifest(round_copy)
    (round_copy / "manifest.json").write_text(json.dumps(dict(manifest, grading={"verifier": "v", "version": "2"})))
    assert not selection_is_current(round_copy)
    with pytest.raises(ExpoError, match=r"stale: it was made under an unrecorded grading .* graded by v \(2\)"):
        ensure_selection(round_copy, log=lambda m: None)
    logged = []
    record = select(round_copy, log=logged.append)
    assert any("is stale" in line for line in logged)
    assert record["grading"] == {"verifier": "v", "version": "2"} and selection_is_current(round_copy)
    assert ensure_selection(round_copy, log=lambda m: None)["grading"] == record["grading"]
    (round_copy / "manifest.json").write_text(json.dumps(dict(manifest, grading={"verifier": "v", "version": "2"},
                                                              regrading={"verifier": "w", "version": "1"})))
    with pytest.raises(ExpoError, match="being regraded with w"):
        ensure_selection(round_copy, log=lambda m: None)


@pytest.mark.slow
def test_regrade_a_round_on_object_storage(round_copy, s3_bucket):
    """The same protocol on S3 (moto): shards and sidecars replaced as objects, intent records removed."""
    from expo_data.store.storage import Store

    uri = f"{s3_bucket}/regrade/round"
    Store(uri).upload_dir(round_copy, "")
    regrade(uri, plugin(round_copy, "reject"), workers=1, log=lambda m: None)
    assert correct_generated(uri) == 0 and read_manifest(uri)["grading"]["verifier"] == plugin(round_copy, "reject")
    assert not [name for name in Store(uri).list("shards") if ".regrade-" in name]
    # In a process of its own, as tests/test_remote.py runs select: in this one, DuckDB's S3 reads share the GIL
    # with the in-process moto server, and on a loaded machine timed out.
    from conftest import run_cli

    proc = run_cli("expo-data", "select", uri)
    assert proc.returncode == 2 and "is stale" in proc.stderr and "empty selection" in proc.stderr
    regrade(uri, "builtin", workers=1, log=lambda m: None)
    assert correct_generated(uri) == correct_generated(FIXTURE)
    verify_round_dir(uri, check_checksums=True)


def test_an_eval_dir_is_regraded_pass_by_pass_and_its_figures_recomputed(tmp_path):
    """eval.json's pass@1, pass@k and accuracy are is_correct's: computed again under the new grading."""
    from expo_data.evaluate import figures

    eval_dir = tmp_path / "eval"
    for name in ("greedy", "sampled"):
        shutil.copytree(FIXTURE, eval_dir / name, ignore=shutil.ignore_patterns("selected"))
    original = figures(eval_dir / "sampled")
    assert original["all"]["pass_at_k"] > 0
    record = {"k": 2, "problems": "builtin:arith", "pass_at_1_greedy": {lvl: v["pass_at_k"] for lvl, v in original.items()},
              "pass_at_2": {lvl: v["pass_at_k"] for lvl, v in original.items()},
              "sampled_accuracy": {lvl: v["accuracy"] for lvl, v in original.items()}}
    (eval_dir / "eval.json").write_text(json.dumps(record))
    (tmp_path / "plug.py").write_text(PLUGINS)
    result = cli("regrade", eval_dir, "--verifier", f"{tmp_path / 'plug.py'}:reject", "--workers", "1")
    assert result.exit_code == 0, result.output
    rejected = json.loads((eval_dir / "eval.json").read_text())
    assert set(rejected["pass_at_2"].values()) == set(rejected["pass_at_1_greedy"].values()) == {0.0}
    assert rejected["grading"] == read_manifest(eval_dir / "greedy")["grading"] == read_manifest(eval_dir / "sampled")["grading"]
    assert rejected["problems"] == "builtin:arith"  # what the record says besides the figures is kept
    assert cli("regrade", eval_dir, "--workers", "1").exit_code == 0
    restored = json.loads((eval_dir / "eval.json").read_text())
    assert {k: restored[k] for k in record} == record


def test_readers_name_a_cut_regrade_instead_of_calling_the_round_corrupt(round_copy):
    """A regrade cut between a shard and its sidecar (the manifest says `regrading`): every reader says to
    finish the regrade; "corrupt; rerun generate" would have the user throw the round away."""
    from expo_data.store.schema import RoundDir

    manifest = read_manifest(round_copy)
    RoundDir(round_copy).write_json("manifest.json", dict(manifest, regrading={"verifier": "builtin", "version": "x"}))
    shard = round_copy / "shards" / shard_name(0, 2)
    shard.write_bytes(shard.read_bytes() + b"new")  # the new bytes, their sidecar not yet written
    for args in (["sql", round_copy, "SELECT 1"], ["select", round_copy], ["report", round_copy]):
        result = cli(*args)
        assert result.exit_code == 2 and "is being regraded" in result.stderr, (args, result.stderr)
        assert "corrupt" not in result.stderr


def test_regrade_never_writes_through_a_shards_dir_linked_to_another_round(tmp_path):
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    shutil.copytree(FIXTURE, theirs)
    ours.mkdir()
    shutil.copy(FIXTURE / "manifest.json", ours / "manifest.json")
    (ours / "shards").symlink_to(theirs / "shards")
    before = {p.name: p.read_bytes() for p in (theirs / "shards").iterdir()}
    result = cli("regrade", ours)
    assert result.exit_code == 2 and "is a link" in result.stderr, result.stderr
    assert {p.name: p.read_bytes() for p in (theirs / "shards").iterdir()} == before


def test_regraded_shards_store_each_number_once_and_read_back_whole(round_copy):
    """A regrade writes shards as generate does: an attempt's log-probs equal to its policy's stored once."""
    original = load_round(FIXTURE)
    regrade(round_copy, log=lambda m: None)
    stored = pa.concat_tables(pa.ipc.open_file(pa.py_buffer((round_copy / "shards" / shard_name(i, 2)).read_bytes()))
                              .read_all() for i in range(2))
    rows = original.to_pylist()
    equal = [r["kind"] == "attempt" and r["gen_token_logprobs"] == r["policy_token_logprobs"] for r in rows]
    assert any(equal)
    # Null where stored once, or where it always was (an expert row has no sampler log-probs).
    assert ([v is None for v in stored.column("gen_token_logprobs").to_pylist()]
            == [once or r["gen_token_logprobs"] is None for once, r in zip(equal, rows)])
    assert load_round(round_copy).column("gen_token_logprobs").equals(original.column("gen_token_logprobs"))
