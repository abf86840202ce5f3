"""`--ray`: a real local Ray cluster (started by the CLI on this machine's 2 CPUs) runs the worker
slices; the rows match a single-process run, and a slice whose process is SIGKILLed is retried
and the dataset completes with no problem lost or duplicated."""

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pyarrow.compute as pc
import pytest

from conftest import BIN, TINY_GEN, run_cli
from expo_data.store.shards import load_round, verify_round_dir

TASK_TITLE = re.compile(rb"ray::expo_generate_slice_(\d+)of2\x00")  # a running task's process title is its name


def row_keys(out: Path) -> Counter:
    table = load_round(out).select(["problem_id", "kind", "sample_index"])
    return Counter(zip(*(table.column(c).to_pylist() for c in table.column_names)))


@pytest.mark.slow
def test_ray_slices_yield_the_rows_of_one_process(tmp_path, tiny_model_dir, generated_round):
    common = ["--model", tiny_model_dir, "--limit", 6, "--shards", 4, *TINY_GEN]  # generated_round's options
    one_process, _ = generated_round
    proc = run_cli("expo-data", "generate", "--out", tmp_path / "ray", *common, "--ray", "--workers", 2, check=True)
    assert "ray: 2 slices as tasks" in proc.stderr and "done: 6 problems, 24 samples" in proc.stderr
    assert row_keys(tmp_path / "ray") == row_keys(one_process)
    one, ray = (json.loads((d / "manifest.json").read_text()) for d in (one_process, tmp_path / "ray"))
    assert one["config_hash"] == ray["config_hash"] and ray["logprob_dtype"] == "float32"
    workers = {tuple(json.loads(p.read_text())["worker"]) for p in (tmp_path / "ray" / "shards").glob("*.json")}
    assert workers == {(0, 2), (1, 2)}
    # Everything complete: a rerun has nothing to do and launches no task.
    proc = run_cli("expo-data", "generate", "--out", tmp_path / "ray", *common, "--ray", "--workers", 2, check=True)
    assert "nothing to do" in proc.stderr and "ray:" not in proc.stderr


def slice_pids() -> dict[int, int]:
    """Slice index -> the pid of the Ray worker process running it now."""
    pids = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = TASK_TITLE.match((entry / "cmdline").read_bytes())
            except OSError:
                continue
            if title:
                pids[int(title.group(1))] = int(entry.name)
    return pids


def engine_children(pid: int) -> list[int]:
    """The slice's engine process under a Ray worker: a child of the fork server the worker started
    (`in_child`), or a spawned child; not multiprocessing's resource tracker."""
    def children(parent: int) -> list[int]:
        try:
            return [int(c) for c in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            return []

    def cmdline(child: int) -> bytes:
        try:
            return Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return b""

    found = []
    for child in children(pid):
        if b"spawn_main" in cmdline(child):
            found.append(child)
        elif b"forkserver" in cmdline(child):
            found.extend(children(child))  # forked from the server: its cmdline is the server's
    return found


@pytest.mark.slow
def test_killed_slice_is_retried_and_the_dataset_completes(tmp_path, tiny_model_dir):
    out = tmp_path / "round0"
    def committed() -> Counter:
        """Shards committed per slice (each sidecar names its writer)."""
        found = Counter()
        for sidecar in (out / "shards").glob("shard-*.json") if (out / "shards").exists() else []:
            try:
                found[json.loads(sidecar.read_text())["worker"][0]] += 1
            except (OSError, ValueError, KeyError):
                continue
        return found

    driver = subprocess.Popen(
        [str(BIN / "expo-data"), "generate", "--model", str(tiny_model_dir), "--out", str(out), "--limit", "32",
         "--shards", "8", "--group-problems", "1", "--max-tokens", "48", *map(str, TINY_GEN), "--ray", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    try:
        # Each slice is killed once, mid-way (1 or 2 of its 4 shards committed, so work is left whatever the
        # other slice is doing): slice 0's Ray worker process, and slice 1's engine process (what an OOM kill
        # takes). Slices are told apart by their task's process title.
        deadline, killed = time.time() + 300, set()
        while time.time() < deadline and len(killed) < 2 and driver.poll() is None:
            pids, done = slice_pids(), committed()
            if 0 not in killed and 0 in pids and 1 <= done[0] <= 2:
                os.kill(pids[0], signal.SIGKILL)
                killed.add(0)
            if 1 not in killed and 1 in pids and 1 <= done[1] <= 2 and engine_children(pids[1]):
                os.kill(engine_children(pids[1])[0], signal.SIGKILL)
                killed.add(1)
            time.sleep(0.1)
        assert killed == {0, 1}, f"slices killed mid-way: {sorted(killed)}"
        output, _ = driver.communicate(timeout=400)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 0, output[-3000:]
    manifest = verify_round_dir(out)  # every shard complete, checksums and all
    table = load_round(out)
    ids = table.filter(pc.equal(table.column("kind"), "attempt"))
    per_problem = Counter(ids.column("problem_id").to_pylist())
    assert len(per_problem) == 32 and set(per_problem.values()) == {2}  # none lost, none duplicated
    assert manifest["num_problems"] == 32 and "done: 32 problems" in output
    # The retried slice planned again and found the shards its first life had committed.
    plans = re.findall(r"\[worker (\d)/2\] plan: .*?owns 4 shards \((\d) complete", output)
    lives = {worker: [int(done) for w, done in plans if w == worker] for worker, _ in plans}
    # Both slices lived twice, and each second life resumed from shards its first had committed.
    assert all(len(counts) == 2 and counts[1] >= 1 for counts in lives.values()) and len(lives) == 2, plans


def test_ray_flags_are_checked_before_any_work(tmp_path):
    proc = run_cli("expo-data", "generate", "--out", tmp_path / "r", "--workers", 2)
    assert proc.returncode == 2 and "--workers needs --ray" in proc.stderr
    proc = run_cli("expo-data", "generate", "--out", tmp_path / "r", "--ray", "--worker", "0/2")
    assert proc.returncode == 2 and "drop --worker" in proc.stderr
    proc = run_cli("expo-data", "generate", "--out", tmp_path / "r", "--ray", "--workers", 0, "--limit", 2)
    assert proc.returncode == 2 and "--workers must be >= 1" in proc.stderr


@pytest.mark.slow
def test_loop_generates_and_evaluates_on_ray(tmp_path, tiny_model_dir):
    out = tmp_path / "loop"
    proc = run_cli("expo-train", "loop", "--rounds", 1, "--out", out, "--model", tiny_model_dir, "--loss", "expert-sft",
                   "--limit", 4, "--eval-limit", 2, "--attempts", 2, "--explanations", 1, "--max-tokens", 8, "--k", 2,
                   "--shards", 2, "--max-steps", 2, "--batch-size", 2, "--enforce-eager", "--no-progress",
                   "--dtype", "float32", "--ray", "--workers", 2, check=True)
    assert "round 1 done" in proc.stderr
    # Data and both evals (each pass of each) were written by Ray slices; training ran on the driver's machine.
    for directory in ("round1", "round0/eval/greedy", "round0/eval/sampled", "round1/eval/greedy", "round1/eval/sampled"):
        workers = {tuple(json.loads(p.read_text())["worker"]) for p in (out / directory / "shards").glob("*.json")}
        assert workers == {(0, 2), (1, 2)}, directory
    for r in (0, 1):
        record = json.loads((out / f"round{r}" / "eval" / "eval.json").read_text())
        assert record["k"] == 2 and set(record["pass_at_1_greedy"]) >= {"all"}
        for name, samples in (("greedy", 1), ("sampled", 2)):
            assert load_round(out / f"round{r}" / "eval" / name).num_rows == 2 * samples, (r, name)
    assert json.loads((out / "round1" / "train_summary.json").read_text())["steps"] == 2
    assert json.loads((out / "round1" / "manifest.json").read_text())["lineage"]["parent_adapter"] is None


def test_ray_missing_is_one_clear_error(monkeypatch):
    import sys

    import pytest

    from expo_data.generate.cluster import ray_init
    from expo_data.errors import ExpoError

    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets without the extra
    with pytest.raises(ExpoError, match=r"pip install -e '\.\[ray\]'"):
        ray_init(None)
