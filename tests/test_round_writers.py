"""One writer per round (issue 27, expo_data/store/lock.py): every command that writes a round waits for another
writer, saying for whom, or with --no-wait is refused in one line (exit 75), nothing changed; each writer reads
what decides its write under the lock; readers are never blocked. Real processes, real files.

A round that a generate can plan and resume without an engine: the manifest `plan` makes for a stand-in model
dir (a config.json is all a plan reads of a model), one shard of two committed. A generate that gets past the
lock on it plans, then would start an engine; on a round whose shards are all complete it says so and ends."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from expo_data.errors import ExpoError
from expo_data.store.lock import LOCK_NAME, RoundBusy, round_writer
from expo_data.generate.plan import GenerateConfig, plan
from expo_data.store.schema import MANIFEST_NAME, RoundDir, read_manifest, rows_to_table
from expo_data.store.shards import write_shard
from expo_data.store.storage import Store
from expo_train.staging import Setup
from expo_train.trainer import TrainConfig, load_data

from conftest import run_cli
from test_environment_failures import copy_round, one_line_error, tree

BIN = Path(sys.executable).parent
HOLDER = "test holder"


@pytest.fixture(scope="module")
def stand_in_model(tmp_path_factory) -> Path:
    model = tmp_path_factory.mktemp("model")
    (model / "config.json").write_text(json.dumps({"model_type": "llama", "torch_dtype": "float32",
                                                   "max_position_embeddings": 2048}))
    return model


def gen_args(model: Path, out: Path, verifier: str = "builtin") -> list[str]:
    return ["generate", "--model", str(model), "--out", str(out), "--limit", "4", "--shards", "2",
            "--dtype", "float32", "--verifier", verifier, "--no-progress"]


def resumable_round(out: Path, model: Path, complete=(0,), verifier: str = "builtin") -> Path:
    """The round `expo-data generate gen_args(...)` writes, with the shards `complete` committed (empty)."""
    cfg = GenerateConfig(out=str(out), model=str(model), limit=4, shards=2, dtype="float32", verifier=verifier)
    p = plan(cfg, log=lambda m: None)
    store = Store(str(out))
    store.makedirs("shards")
    store.write_json(MANIFEST_NAME, dict(p.manifest, logprob_dtype="float32", lineage=None))
    for index in complete:
        write_shard(store, index, 2, rows_to_table([]), {"config_hash": p.manifest["config_hash"], "counts": {},
                                                         "skipped": [], "grading": p.manifest["grading"]})
    return out


def holder_text() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()} ({HOLDER})"


def start(*argv) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / argv[0]), *map(str, argv[1:])], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_line(proc: subprocess.Popen) -> str:
    """The first stderr line that says it waits (a plan line may come first)."""
    for line in proc.stderr:
        if "waiting for" in line:
            return line
    raise AssertionError(f"no waiting line; exit {proc.wait()}")


# -- --no-wait on every writer: one line naming the holder, exit 75, nothing changed ------------------------

@pytest.mark.parametrize("args", [[], ["--worker", "1/2"]], ids=["generate", "generate-slice"])
def test_generate_refuses_with_no_wait_naming_the_holder(tmp_path, stand_in_model, args):
    rd = resumable_round(tmp_path / "round", stand_in_model)
    before = tree(rd)
    with round_writer(rd, HOLDER):
        line = one_line_error(run_cli("expo-data", *gen_args(stand_in_model, rd), *args, "--no-wait"), code=75)
    assert holder_text() in line and "--no-wait" in line and str(rd) in line
    assert tree(rd) == before and not (rd / LOCK_NAME).exists()


def test_regrade_refuses_with_no_wait_and_waits_without_it(tmp_path):
    rd = copy_round(tmp_path)
    before = tree(rd)
    with round_writer(rd, HOLDER):
        line = one_line_error(run_cli("expo-data", "regrade", rd, "--workers", "1", "--no-wait"), code=75)
        assert holder_text() in line and tree(rd) == before
        waiter = start("expo-data", "regrade", rd, "--workers", "1")
        assert holder_text() in wait_line(waiter)
        time.sleep(0.3)
        assert waiter.poll() is None and tree(rd) == before  # nothing written while it waits
    assert waiter.wait(timeout=120) == 0, waiter.stderr.read()
    assert read_manifest(RoundDir(rd))["grading"]["verifier"] == "builtin"


def test_select_refuses_with_no_wait_exit_75(tmp_path):
    rd = copy_round(tmp_path)
    before = tree(rd)
    with round_writer(rd, HOLDER, shared=True):  # a generate slice holds it
        line = one_line_error(run_cli("expo-data", "select", rd, "--no-wait"), code=75)
    assert holder_text() in line and tree(rd) == before


def test_the_waiting_line_names_every_shared_holder(tmp_path):
    """Two generate slices hold the round: a select waiting says both, not 'another process'."""
    rd = copy_round(tmp_path)
    code = ("import sys, time; from expo_data.store.lock import round_writer\n"
            f"with round_writer({str(rd)!r}, 'expo-data generate --worker 1/2', shared=True):\n"
            "    print('held', flush=True); sys.stdin.read()\n")
    slice_ = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert slice_.stdout.readline() == "held\n"
        with round_writer(rd, HOLDER, shared=True):
            line = one_line_error(run_cli("expo-data", "select", rd, "--no-wait"), code=75)
    finally:
        slice_.stdin.close()
        slice_.wait(timeout=30)
    assert f"pid {slice_.pid} on" in line and "--worker 1/2" in line and holder_text() in line


def test_a_released_shared_holder_is_not_named(tmp_path):
    """A slice that ended leaves its line in the lock file while others hold it: a dead pid is not named."""
    rd = copy_round(tmp_path)
    with round_writer(rd, HOLDER, shared=True):
        subprocess.run([sys.executable, "-c", "from expo_data.store.lock import round_writer\n"
                        f"with round_writer({str(rd)!r}, 'gone slice', shared=True): pass"], check=True, timeout=60)
        line = one_line_error(run_cli("expo-data", "select", rd, "--no-wait"), code=75)
    assert "gone slice" not in line and holder_text() in line


def test_round_busy_is_an_expo_error_with_its_own_exit():
    assert issubclass(RoundBusy, Exception) and RoundBusy.exit_code == 75


# -- generate plans under the lock -------------------------------------------------------------------------

def test_generate_waits_then_plans_what_the_round_is_now(tmp_path, stand_in_model):
    """Issue 27's suspicion, reproduced: a generate that waited for a regrade acted on the plan it made before.
    The regrade marks the round `regrading` while generate waits; generate must then refuse (its shards would
    mix two gradings), and leave the regrade's marker (a start would rewrite the manifest without it)."""
    rd = resumable_round(tmp_path / "round", stand_in_model)
    with round_writer(rd, HOLDER):
        waiter = start("expo-data", *gen_args(stand_in_model, rd))
        assert holder_text() in wait_line(waiter)
        manifest = read_manifest(RoundDir(rd))
        Store(str(rd)).write_json(MANIFEST_NAME, dict(manifest, regrading={"verifier": "b", "version": "1"}))
    rest = waiter.stderr.read()
    assert waiter.wait(timeout=120) == 2, rest
    assert "being regraded" in rest and "Traceback" not in rest
    assert read_manifest(RoundDir(rd))["regrading"] == {"verifier": "b", "version": "1"}


def test_generate_waits_then_finds_the_round_complete(tmp_path, stand_in_model):
    """The other way round: the holder completed the round meanwhile; generate plans again and has nothing to do."""
    rd = resumable_round(tmp_path / "round", stand_in_model)
    with round_writer(rd, HOLDER):
        waiter = start("expo-data", *gen_args(stand_in_model, rd))
        assert holder_text() in wait_line(waiter)
        manifest = read_manifest(RoundDir(rd))
        write_shard(Store(str(rd)), 1, 2, rows_to_table([]), {"config_hash": manifest["config_hash"], "counts": {},
                                                              "skipped": [], "grading": manifest["grading"]})
    rest = waiter.stderr.read()
    assert waiter.wait(timeout=120) == 0, rest
    assert "all shards complete; nothing to do" in rest


def test_generate_dry_run_is_a_reader(tmp_path, stand_in_model):
    rd = resumable_round(tmp_path / "round", stand_in_model)
    with round_writer(rd, HOLDER):
        proc = run_cli("expo-data", *gen_args(stand_in_model, rd), "--dry-run", "--no-wait")
    assert proc.returncode == 0 and "1 complete, 1 missing" in proc.stderr, proc.stderr


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_generate_on_a_round_whose_manifest_is_a_fifo_says_so(tmp_path, stand_in_model, overwrite):
    """Not 'unreadable or of another version; pass --overwrite': a FIFO is the machine's answer, not a version."""
    rd = resumable_round(tmp_path / "round", stand_in_model)
    (rd / MANIFEST_NAME).unlink()
    os.mkfifo(rd / MANIFEST_NAME)
    line = one_line_error(run_cli("expo-data", *gen_args(stand_in_model, rd), "--dry-run", *overwrite, timeout=60))
    assert "FIFO" in line and "not a regular file" in line and "--overwrite" not in line


# -- the verifier's version --------------------------------------------------------------------------------

def forget_loaded_verifiers() -> None:
    from expo_data import verifiers

    verifiers.load.cache_clear()
    for name in [name for name in sys.modules if name.startswith("_expo_verifier_")]:
        del sys.modules[name]


def test_a_resume_under_another_version_of_the_verifier_is_refused(tmp_path, stand_in_model):
    """A verifier whose code changed since the complete shards were graded: its version (the source's sha256)
    differs, and resuming would mix two gradings; the line names both versions. Also for a slice whose own
    shards are all missing (another slice's are complete)."""
    verifier = tmp_path / "grader.py"
    verifier.write_text("def grade(reference, completion, extracted=None, row=None):\n    return extracted == reference\n")
    spec = f"{verifier}:grade"
    rd = resumable_round(tmp_path / "round", stand_in_model, verifier=spec)
    old = read_manifest(RoundDir(rd))["grading"]["version"]
    cfg = GenerateConfig(out=str(rd), model=str(stand_in_model), limit=4, shards=2, dtype="float32", verifier=spec)
    assert plan(cfg, log=lambda m: None).todo == [1]  # the same version resumes
    verifier.write_text(verifier.read_text() + "# changed\n")
    forget_loaded_verifiers()  # as a new process would find it
    before = tree(rd)
    with pytest.raises(ExpoError, match=f"graded by .*{old}.*mix two gradings"):
        plan(replace(cfg, worker=(1, 2)), log=lambda m: None)  # its own shards all missing, the other slice's done
    line = one_line_error(run_cli("expo-data", *gen_args(stand_in_model, rd, spec), "--no-wait"))
    assert old in line and "mix two gradings" in line and line.count("sha256:") == 2 and "--overwrite" in line
    assert tree(rd) == before


def test_a_complete_round_under_another_version_is_not_refused(tmp_path, stand_in_model):
    """Nothing left to generate mixes nothing: `all shards complete` (a regrade is the user's choice)."""
    verifier = tmp_path / "grader.py"
    verifier.write_text("def grade(reference, completion, extracted=None, row=None):\n    return True\n")
    spec = f"{verifier}:grade"
    rd = resumable_round(tmp_path / "round", stand_in_model, complete=(0, 1), verifier=spec)
    verifier.write_text(verifier.read_text() + "# changed\n")
    proc = run_cli("expo-data", *gen_args(stand_in_model, rd, spec))
    assert proc.returncode == 0 and "nothing to do" in proc.stderr, proc.stderr


# -- the trainer reads its selection and tables together ---------------------------------------------------

SELECT_LOOP = textwrap.dedent("""
    import sys, time
    from expo_data.select.selection import select
    end = time.time() + float(sys.argv[2])
    value = True
    while time.time() < end:
        select(sys.argv[1], {"include_attempts": value}, log=lambda m: None)
        value = not value
    print("done", flush=True)
""")


def _read_as_the_trainer(rd: Path, log=lambda m: None) -> tuple[int, bool, str | None]:
    """What `expo-train round --loss exp-sft` reads: (examples, the record's include_attempts, the record's sha256
    it will write into train_summary.json as what it trained on)."""
    setup = Setup(RoundDir(rd), read_manifest(RoundDir(rd)), "unused", None, None, False, 0, 1)
    examples, selection = load_data(TrainConfig(data=rd, loss="exp-sft"), setup, log)
    source = getattr(setup, "trained_on", None) or {}
    return len(examples), selection["parameters"]["positives"]["include_attempts"], source.get("selection_sha256")


def test_the_trainer_reads_one_selection_while_selects_swap_it(tmp_path):
    """Issue 27's suspicion, reproduced: the trainer read selection.json, then the tables, with no lock, and a
    select in between swapped them (or the trainer found no record mid-commit and selected with the defaults
    itself, over the user's: 25 times in 20 s of this loop on the code before the fix). Under the lock every read is
    one selection: the record's parameters with their own tables, and the record it will name as trained on."""
    from expo_data.select import select

    rd = copy_round(tmp_path)
    expected = {}
    for value in (False, True):
        select(rd, {"include_attempts": value}, log=lambda m: None)
        count, recorded, _ = _read_as_the_trainer(rd)
        assert recorded is value
        expected[value] = (count, hashlib.sha256((rd / "selected" / "selection.json").read_bytes()).hexdigest())
    assert expected[False][0] != expected[True][0]
    writer = subprocess.Popen([sys.executable, "-c", SELECT_LOOP, str(rd), "2"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    reads, said = 0, []
    while writer.poll() is None:
        count, value, source = _read_as_the_trainer(rd, said.append)
        assert (count, source) == expected[value], f"read {reads}: tables or record of another selection"
        assert not [line for line in said if "default" in line], "the trainer selected with the defaults over a select"
        reads += 1
    assert writer.returncode == 0 and writer.stdout.read() == "done\n", writer.stderr.read()
    assert reads > 10


def test_the_trainer_waits_for_a_select_or_refuses_with_no_wait(tmp_path):
    rd = copy_round(tmp_path)
    setup = Setup(RoundDir(rd), read_manifest(RoundDir(rd)), "unused", None, None, False, 0, 1)
    code = ("from expo_data.store.lock import round_writer\n"
            f"with round_writer({str(rd)!r}, 'expo-data select'):\n    print('held', flush=True); input()\n")
    select_ = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert select_.stdout.readline() == "held\n"
        with pytest.raises(RoundBusy, match=f"pid {select_.pid} on .*expo-data select"):
            load_data(TrainConfig(data=rd, loss="exp-sft", wait=False), setup, lambda m: None)
    finally:
        select_.stdin.close()
        select_.wait(timeout=30)
    lines = []
    examples, _ = load_data(TrainConfig(data=rd, loss="exp-sft"), setup, lines.append)
    assert len(examples) >= 1 and not lines  # free again: no wait, nothing said


def test_the_trainers_default_selection_reads_the_record_again_under_the_lock(tmp_path):
    """A round with no selection.json while a select commits (its old record removed first): the trainer waits
    for it and takes its record, instead of selecting again with the defaults over it."""
    from expo_train.staging import ensure_selection

    rd = copy_round(tmp_path)
    run_cli("expo-data", "select", rd, "-p", "include_attempts=true", check=True)
    record = (rd / "selected" / "selection.json").read_bytes()
    (rd / "selected" / "selection.json").unlink()  # the select is mid-commit ...
    code = ("import sys, time; from expo_data.store.lock import round_writer\n"
            f"with round_writer({str(rd)!r}, 'expo-data select'):\n"
            "    print('held', flush=True); time.sleep(1)\n"
            f"    open({str(rd / 'selected' / 'selection.json')!r}, 'wb').write({record!r})\n")
    select_ = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert select_.stdout.readline() == "held\n"
    lines = []
    got = ensure_selection(rd, lines.append)
    assert select_.wait(timeout=30) == 0
    assert got["parameters"]["positives"]["include_attempts"] is True  # the select's, not the defaults
    assert any("waiting for" in line and "expo-data select" in line for line in lines)


# -- the slow ones: model-loading CLIs and Ray -------------------------------------------------------------

@pytest.mark.slow
def test_train_round_refuses_with_no_wait(tiny_round, tmp_path):
    import shutil

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    before = tree(data)
    with round_writer(data, HOLDER):
        line = one_line_error(run_cli("expo-train", "round", "--data", data, "--max-steps", 1, "--no-progress",
                                      "--lora-r", 8, "--no-wait"), code=75)
    assert holder_text() in line and tree(data) == before


@pytest.mark.slow
def test_loop_refuses_with_no_wait(tmp_path, stand_in_model):
    out = tmp_path / "loop"
    with round_writer(out / "round0" / "eval" / "greedy", HOLDER):
        proc = run_cli("expo-train", "loop", "--model", stand_in_model, "--out", out, "--limit", 4, "--shards", 2,
                       "--dtype", "float32", "--rounds", 1, "--no-wait")
    line = one_line_error(proc, code=75)
    assert holder_text() in line and "--verbose" not in proc.stderr


@pytest.mark.slow
def test_generate_on_ray_refuses_with_no_wait_and_writes_no_manifest(tmp_path, stand_in_model):
    """The --ray driver writes the manifest under the shared lock: not while a select or regrade holds the round."""
    rd = resumable_round(tmp_path / "round", stand_in_model)
    before = tree(rd)
    with round_writer(rd, HOLDER):
        line = one_line_error(run_cli("expo-data", *gen_args(stand_in_model, rd), "--ray", "--workers", 2, "--no-wait",
                                      env={"RAY_ADDRESS": ""}, timeout=300), code=75)
    assert holder_text() in line and tree(rd) == before
