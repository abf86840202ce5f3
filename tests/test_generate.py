"""expo-data generate with real vLLM on CPU (tiny random Llama; one run on the embedded model)."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import BIN, TINY_GEN, run_cli
from expo_data.store.schema import SAMPLE_SCHEMA
from expo_data.store.shards import load_round, read_shard, shard_paths


def problem_ids_by_shard(out: Path) -> dict[str, list[str]]:
    return {p.name: sorted(set(read_shard(p).column("problem_id").to_pylist())) for p in shard_paths(out)}


@pytest.fixture(scope="module")
def full_run(generated_round):
    return generated_round


@pytest.mark.slow
def test_contract(full_run):
    out, proc = full_run
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("base_model", "base_model_sha256", "adapter", "versions", "sampling", "templates", "problem_source",
                "problems_sha256", "seed", "shards", "round", "logprob_dtype"):
        assert key in manifest
    assert manifest["logprob_dtype"] == "float32" and manifest["shards"] == 4
    assert "done: 6 problems" in proc.stderr
    table = load_round(out)
    assert table.schema.equals(SAMPLE_SCHEMA, check_metadata=False)
    assert table.schema.field("completion_token_ids").type == pa.large_list(pa.int32())
    # 2 attempts + 1 explanation + 1 expert per problem; each problem in exactly one shard.
    rows = table.to_pylist()
    assert len(rows) == 6 * 4
    owners = problem_ids_by_shard(out)
    all_ids = [pid for ids in owners.values() for pid in ids]
    assert len(all_ids) == len(set(all_ids)) == 6
    for r in rows:
        assert len(r["policy_token_logprobs"]) == r["num_tokens"] == len(r["completion_token_ids"])
        assert (r["gen_token_logprobs"] is None) == (r["kind"] == "expert")
        assert r["prompt"] == r["plain_prompt"] or r["kind"] == "explanation"
        if r["kind"] == "explanation":
            hint = f"answer is {r['reference_answer']}"
            assert hint in r["prompt"] and hint not in r["plain_prompt"]
    sidecar = json.loads(next((out / "shards").glob("*.json")).read_text())
    assert {"rows", "problems", "sha256", "group_timings"} <= set(sidecar)


@pytest.mark.slow
def test_policy_logprobs_match_hf_fp32(full_run, tiny_model_dir):
    import torch
    from transformers import AutoModelForCausalLM

    out, _ = full_run
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    worst = 0.0
    for r in load_round(out).to_pylist():
        ids = r["plain_prompt_token_ids"] + r["completion_token_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0].float()
        logprobs = torch.log_softmax(logits, -1)
        start = len(r["plain_prompt_token_ids"])
        hf = logprobs[start - 1:-1].gather(1, torch.tensor(ids[start:])[:, None])[:, 0]
        worst = max(worst, (hf - torch.tensor(r["policy_token_logprobs"])).abs().max().item())
        if r["kind"] == "attempt":  # sampled under the same plain prompt: generation-time log-probs agree too
            worst = max(worst, (hf - torch.tensor(r["gen_token_logprobs"])).abs().max().item())
    assert worst < 1e-3


@pytest.mark.slow
def test_shards_load_with_datasets_pyarrow_polars(full_run):
    import datasets
    import polars as pl

    out, _ = full_run
    files = [str(p) for p in shard_paths(out)]
    ds = datasets.load_dataset("arrow", data_files=files, split="train")
    assert len(ds) == 24 and set(ds.column_names) == set(SAMPLE_SCHEMA.names)
    assert sum(read_shard(p).num_rows for p in shard_paths(out)) == 24
    frame = pl.concat([pl.read_ipc(f) for f in files])
    assert frame.height == 24 and frame["kind"].n_unique() == 3


@pytest.mark.slow
def test_rerun_skips_and_config_change_is_refused(full_run, tiny_model_dir):
    out, _ = full_run
    again = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 6, "--shards", 4, *TINY_GEN)
    assert again.returncode == 0 and "nothing to do" in again.stderr
    changed = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 6, "--shards", 4,
                      *TINY_GEN, "--seed", 7)
    assert changed.returncode == 2
    assert changed.stderr.strip().splitlines()[-1].startswith("error: ") and "different configuration" in changed.stderr
    assert "Traceback" not in changed.stderr


@pytest.mark.slow
def test_workers_split_equals_full_run(full_run, tiny_model_dir, tmp_path):
    out, _ = full_run
    split = tmp_path / "split"
    for worker in ("0/2", "1/2"):
        run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", split, "--limit", 6, "--shards", 4,
                *TINY_GEN, "--worker", worker, check=True)
    assert problem_ids_by_shard(split) == problem_ids_by_shard(out)
    assert load_round(split).num_rows == load_round(out).num_rows


@pytest.mark.slow
def test_sigkill_resume_and_truncated_shard(tiny_model_dir, tmp_path):
    out = tmp_path / "killed"
    args = [str(BIN / "expo-data"), "generate", "--model", str(tiny_model_dir), "--out", str(out), "--limit", "16",
            "--shards", "8", "--group-problems", "2", *map(str, TINY_GEN), "--max-tokens", "48"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((out / "shards").glob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list((out / "shards").glob("*.json")))
    assert 2 <= done_before < 8, "the kill should land mid-run"
    rerun = run_cli("expo-data", *args[1:], check=True)
    assert f"{done_before} complete" in rerun.stderr
    table = load_round(out)
    ids = table.filter(pa.compute.equal(table["kind"], "expert"))["problem_id"].to_pylist()
    assert len(ids) == len(set(ids)) == 16

    victim = shard_paths(out)[3]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    repaired = run_cli("expo-data", *args[1:], check=True)
    assert "7 complete, 0 missing, 1 corrupt" in repaired.stderr and "to generate: 1 shards" in repaired.stderr
    assert load_round(out).num_rows == table.num_rows


@pytest.mark.slow
def test_prompts_longer_than_context_are_skipped_and_counted(tiny_model_dir, tmp_path):
    out = tmp_path / "short"
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 5, "--shards", 1,
                   *TINY_GEN, "--max-model-len", 128, check=True)
    sidecar = json.loads(next((out / "shards").glob("*.json")).read_text())
    reasons = [s["reason"] for s in sidecar["skipped"]]
    assert reasons and all(r.startswith(("prompt_too_long", "expert_too_long")) for r in reasons)
    assert len(reasons) < 5 and f"skipped {len(reasons)} problems" in proc.stderr
    assert sidecar["problems"] == 5 - len(reasons)


@pytest.mark.parametrize("args,message", [
    (["--problems", "/nonexistent.jsonl"], "problems file not found"),
    (["--problems", "EMPTY"], "has no rows"),
    (["--problems", "UNDECODABLE"], "cannot read problems file"),
    (["--problems", "NOANSWER"], "no answer"),
    (["--problems", "WRONGCOLS"], "no question column"),
    (["--model", "/nonexistent-model"], "model path not found"),
    (["--adapter", "/tmp"], "no adapter_config.json"),
    (["--worker", "2/2"], "--worker 2/2"),
    (["--attempts", 0, "--explanations", 0], "not both 0"),
])
def test_bad_input_one_line(tiny_model_dir, tmp_path, args, message):
    files = {"EMPTY": "", "UNDECODABLE": '{"question": "Q", "answer": "1"}\n\xff{oops\n',
             "NOANSWER": '{"question": "Q", "answer": null}\n', "WRONGCOLS": '{"text": "Q"}\n'}
    for name, content in files.items():
        if name in args:
            path = tmp_path / f"{name.lower()}.jsonl"
            path.write_text(content)
            args = [str(path) if a == name else a for a in args]
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", tmp_path / "o", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_unwritable_out(tiny_model_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", blocker / "sub")
    assert proc.returncode == 2 and "not writable" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_dry_run_prints_plan(tiny_model_dir, tmp_path):
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", tmp_path / "o", "--limit", 10, "--dry-run",
                   check=True)
    assert "plan: 10 problems" in proc.stderr and not list((tmp_path / "o" / "shards").glob("*.arrow"))
    # The gold audit (issue 26): the builtin golds are plain numbers, all read whole.
    assert "golds: 10 read (number 10); 0 only partly, 0 only as text" in proc.stderr


@pytest.mark.slow
def test_embedded_model_run(smollm_dir, tmp_path):
    out = tmp_path / "real"
    proc = run_cli("expo-data", "generate", "--out", out, "--limit", 3, "--shards", 2, "--attempts", 2,
                   "--explanations", 1, "--max-tokens", 48, "--enforce-eager", "--no-progress", check=True)
    assert "done: 3 problems, 12 samples" in proc.stderr
    experts = [r for r in load_round(out).to_pylist() if r["kind"] == "expert"]
    assert len(experts) == 3 and all(r["is_correct"] for r in experts)
    # The worked solution computes the answer, so it must raise the answer's likelihood (ExPO property 2).
    assert all(r["answer_logprob"] > r["answer_logprob_base"] for r in experts)


def test_toml_run_config_and_flag_override(tiny_model_dir, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('limit = 7\nshards = 3\nattempts = 5\nmax-tokens = 64\n')
    proc = run_cli("expo-data", "generate", "--config", config, "--model", tiny_model_dir, "--out", tmp_path / "o",
                   "--shards", 2, "--dry-run", check=True)
    assert "plan: 7 problems" in proc.stderr and "in 2 shards" in proc.stderr and "5 attempts" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("nonsense_key = 1\n")
    proc = run_cli("expo-data", "generate", "--config", bad, "--out", tmp_path / "o")
    assert proc.returncode == 2 and "unknown key 'nonsense_key'" in proc.stderr


@pytest.mark.slow
def test_problem_file_keeps_category_and_grades_experts_as_reference(tiny_model_dir, tmp_path):
    """A competition-style set: plain-text golds, worked solutions without \\boxed{}, a `category`
    column and no level."""
    problems = tmp_path / "comp.jsonl"
    rows = [{"id": "c1", "problem": "How many subsets of a 10-set have 5 elements?", "answer": "C(10, 5), or equivalently 252",
             "solution": "Choose 5 of 10: 10!/(5!5!) = 252 subsets.", "category": "Combinatorics", "source": "set-a"},
            {"id": "c2", "problem": "How many regions after n steps?", "answer": "4^n",
             "solution": "Each step multiplies the count by 4, giving 4^n.", "category": "Algebra", "source": "set-b"}]
    problems.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "comp"
    run_cli("expo-data", "generate", "--problems", problems, "--model", tiny_model_dir, "--out", out, "--shards", 1,
            "--keep-fields", "source", *TINY_GEN, check=True)
    table = load_round(out).to_pylist()
    assert {(r["problem_id"], r["category"]) for r in table} == {("c1", "Combinatorics"), ("c2", "Algebra")}
    assert all(r["level"] is None and {e["name"]: e["value"] for e in r["extra_fields"]}["source"].startswith("set-") for r in table)
    experts = [r for r in table if r["kind"] == "expert"]
    assert [(r["is_correct"], r["extraction_method"], r["verify_error"]) for r in experts] == [(True, "reference", None)] * 2
    report = run_cli("expo-data", "report", out, check=True).stdout
    assert "Combinatorics" in report and "Algebra" in report


@pytest.mark.parametrize("flags,requested,on_cpu,expected", [
    ({"fpu", "avx2"}, "auto", True, "float32"),                 # AVX2-only: torch emulates bf16
    ({"avx2", "avx512f", "avx512_bf16"}, "auto", True, "bfloat16"),
    ({"avx2", "amx_bf16", "amx_tile"}, "auto", True, "bfloat16"),
    (set(), "auto", True, "float32"),                           # unreadable flags: the safe choice
    ({"avx2"}, "bfloat16", True, "bfloat16"),                   # --dtype forces
    ({"avx2"}, "auto", False, "bfloat16"),                      # GPU: the model's saved dtype
])
def test_dtype_resolution(monkeypatch, smollm_dir, flags, requested, on_cpu, expected):
    from expo_data import model

    monkeypatch.setattr(model, "cpu_flags", lambda: flags)
    dtype, reason = model.resolve_dtype(requested, str(smollm_dir), on_cpu)
    assert dtype == expected and reason


@pytest.mark.slow
def test_manifest_records_resolved_dtype_and_reason(full_run):
    from expo_data.model import resolve_dtype

    manifest = json.loads((full_run[0] / "manifest.json").read_text())
    assert manifest["dtype"] == manifest["logprob_dtype"] == "float32" and manifest["dtype_reason"] == "--dtype given"
    assert resolve_dtype("auto", manifest["base_model"], True)[0] in ("float32", "bfloat16")


def test_dry_run_writes_nothing(tiny_model_dir, tmp_path):
    """--dry-run prints the plan and leaves the disk as it was: no OUT, no OUT/shards."""
    for out in (tmp_path / "missing" / "deeper" / "x", tmp_path / "existing"):
        if out.name == "existing":
            out.mkdir()
        proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 4, "--dry-run")
        assert proc.returncode == 0 and "plan: 4 problems" in proc.stderr, proc.stderr
        assert not (out / "shards").exists() and (out.exists() == (out.name == "existing"))
