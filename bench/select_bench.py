"""Selection benchmark: `select_pairs.sql` through DuckDB over 64 Arrow shards vs the same selection
in pandas after a pyarrow load, side by side, each in its own process for an honest peak RSS.

Data: --rows synthetic sample rows (default 1M: 4 attempts + 2 explanations + 1 expert per problem),
~200-token completions with token ids and two log-prob lists, written with the project's own writer.
Goals: select_pairs <= 5 s and <= 2 GB on a 2-core machine.
Usage: python bench/select_bench.py [--rows 1000000] [--dir /tmp/expo-select-bench] [--keep]

--mode cli (issue 20) times what a user runs instead of the query alone: `expo-data select DIR` as a
subprocess, then the trainer's data load for --loss exp-dpo and exp-grpo (the examples, their batch
order and the first batch, as `expo-train round` prepares them) as another, each child's wall time and
peak RSS (wait4's ru_maxrss) side by side with --before SRC, a checkout of the previous implementation
put on PYTHONPATH for that column; the order alternates between repeats. A child whose RSS passes
--rss-cap GB is killed (the previous `select` at 5M rows grew past the 24 GB machine) and reported so.
Goals (2 cores, 24 GiB): 5M rows select <= 60 s and <= 4 GB; 10M <= 90 s; 1M <= 10 s; 400k pairs ready
to train within 1.5 GB beyond the model.
Usage: python bench/select_bench.py --mode cli --dir ROUND --keep [--before /path/to/old/checkout]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

KINDS = ["attempt"] * 4 + ["explanation"] * 2 + ["expert"]


def _list_column(rng, n_rows, mean_len, dtype, pa_type, low=0, high=49152):
    lengths = rng.integers(mean_len // 2, mean_len * 3 // 2, n_rows)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if dtype == np.float32:
        values = -rng.exponential(1.0, int(offsets[-1])).astype(np.float32)
    else:
        values = rng.integers(low, high, int(offsets[-1])).astype(np.int32)
    return pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa_type)), lengths


def make_shard(shard: int, n_shards: int, problems_per_shard: int, seed: int) -> pa.Table:
    from expo_data.store.schema import SAMPLE_SCHEMA

    rng = np.random.default_rng(seed * 1000 + shard)
    n = problems_per_shard * len(KINDS)
    pid = np.repeat([f"p{shard:03d}-{i:06d}" for i in range(problems_per_shard)], len(KINDS))
    kind = np.tile(KINDS, problems_per_shard)
    sample_index = np.tile([0, 1, 2, 3, 0, 1, 0], problems_per_shard)
    ids, lengths = _list_column(rng, n, 200, np.int32, pa.int32())
    gen, _ = _list_column(rng, n, 200, np.float32, pa.float32())
    policy_mean = -rng.exponential(0.8, n)
    correct = rng.random(n) < np.where(kind == "attempt", 0.3, 0.7)
    prompt_ids, _ = _list_column(rng, n, 60, np.int32, pa.int32())
    answer_base = -rng.exponential(20, n)
    columns = {
        "problem_id": pa.array(pid), "kind": pa.array(kind), "sample_index": pa.array(sample_index, pa.int32()),
        "round": pa.array(np.zeros(n, np.int32)), "level": pa.array(rng.integers(1, 6, n).astype(np.int32)),
        "category": pa.nulls(n, pa.string()), "extra_fields": pa.nulls(n, SAMPLE_SCHEMA.field("extra_fields").type),
        "question": pa.array(np.char.add("Question ", pid)), "reference_answer": pa.array(["42"] * n),
        "prompt": pa.array(np.char.add("Prompt ", pid)), "plain_prompt": pa.array(np.char.add("Prompt ", pid)),
        "plain_prompt_token_ids": prompt_ids, "completion": pa.array(np.char.add("Completion of ", pid)),
        "completion_token_ids": ids, "gen_token_logprobs": gen, "policy_token_logprobs": gen,
        "policy_logprob_sum": pa.array(policy_mean * lengths), "policy_logprob_mean": pa.array(policy_mean),
        "num_tokens": pa.array(lengths.astype(np.int32)), "finish_reason": pa.array(["stop"] * n),
        "extracted_answer": pa.array(["42"] * n), "extraction_method": pa.array(["boxed"] * n),
        "is_correct": pa.array(correct), "verify_error": pa.nulls(n, pa.string()),
        "answer_logprob": pa.array(answer_base + rng.normal(1, 2, n)), "answer_logprob_base": pa.array(answer_base),
        "mentions_answer_hint": pa.array(rng.random(n) < 0.05), "gold_type": pa.array(["number"] * n),
    }
    return pa.Table.from_pydict(columns, schema=SAMPLE_SCHEMA)


def write_data(out: Path, rows: int, shards: int) -> None:
    from expo_data.store.schema import SCHEMA_VERSION, atomic_write_json
    from expo_data.store.shards import write_shard

    per_shard = rows // len(KINDS) // shards
    config_hash = "synthetic-bench"
    for s in range(shards):
        write_shard(out, s, shards, make_shard(s, shards, per_shard, 0), {"config_hash": config_hash, "problems": per_shard})
    atomic_write_json(out / "manifest.json", {"round": 0, "config_hash": config_hash, "shards": shards,
                                              "schema_version": SCHEMA_VERSION,
                                              "base_model": "synthetic", "num_problems": per_shard * shards})


def run_duckdb(directory: str, queue) -> None:
    from expo_data.select.db import connect, run_query, shipped_query

    t0 = time.perf_counter()
    con = connect([Path(directory)], check_checksums=True)
    verify_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = run_query(con, shipped_query("select_pairs"))
    query_s = time.perf_counter() - t0
    queue.put({"verify_s": verify_s, "query_s": query_s, "pairs": pairs.num_rows,
               "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20})


def run_pandas(directory: str, queue) -> None:
    """The same rules as select_pairs.sql, written the way one would in pandas."""
    import pyarrow.dataset as pads

    from expo_data.store.shards import shard_paths

    t0 = time.perf_counter()
    ds = pads.dataset([str(p) for p in shard_paths(Path(directory))], format="ipc")
    cols = ["round", "problem_id", "kind", "sample_index", "level", "plain_prompt", "plain_prompt_token_ids", "completion",
            "completion_token_ids", "policy_logprob_sum", "policy_logprob_mean", "num_tokens", "is_correct",
            "finish_reason", "mentions_answer_hint", "answer_logprob", "answer_logprob_base"]
    df = ds.to_table(columns=cols).to_pandas()
    att = df[df.kind == "attempt"]
    nll = (-att.groupby(["round", "problem_id"]).policy_logprob_sum.sum()
           / att.groupby(["round", "problem_id"]).num_tokens.sum()).rename("attempt_nll").reset_index()
    pos = df[(df.kind == "explanation") & df.is_correct & (df.finish_reason == "stop") & ~df.mentions_answer_hint
             & (df.answer_logprob - df.answer_logprob_base >= 0.0) & (df.policy_logprob_mean >= -100.0)]
    pos = pos.merge(nll, on=["round", "problem_id"], how="left")
    pos = pos[pos.attempt_nll.isna() | (-pos.policy_logprob_mean <= 2.0 * pos.attempt_nll)]
    pos = pos.sort_values(["round", "problem_id", "policy_logprob_mean", "sample_index"], ascending=[True, True, False, True])
    pos["pair_rank"] = pos.groupby(["round", "problem_id"]).cumcount() + 1
    pos = pos[pos.pair_rank <= 1]
    rej = att[~att.is_correct].sort_values(["round", "problem_id", "policy_logprob_mean", "sample_index"],
                                           ascending=[True, True, False, True])
    rej = rej.assign(wrong_rank=rej.groupby(["round", "problem_id"]).cumcount() + 1)
    rej = rej[rej.wrong_rank == 1]
    pairs = pos.merge(rej, on=["round", "problem_id"], suffixes=("_c", "_r"))
    queue.put({"query_s": time.perf_counter() - t0, "pairs": len(pairs),
               "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20})


def in_process(fn, directory):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=fn, args=(directory, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


# The trainer's data preparation before the model is loaded: examples, the epoch's batch order and the
# first batch's examples (not collated: the synthetic log-prob lists are not aligned with the token ids).
LOAD = """
import sys, time
import expo_train
print("source", expo_train.__file__)
from expo_train.objectives import OBJECTIVES
from expo_train.data import batch_order
t0 = time.perf_counter()
examples = OBJECTIVES[sys.argv[2]].load(sys.argv[1])
batches = batch_order(examples, 8, 0, 0)
first = [examples[i] for i in batches[0]]
print(f"examples={len(examples)} load_s={time.perf_counter() - t0:.2f}")
"""
BASELINE = "import expo_train.objectives, expo_train.data"  # the same imports, no data: what 'beyond' is measured from


def run_child(argv: list[str], pythonpath: str, rss_cap_gb: float) -> dict:
    """Wall time and peak RSS of one child process; killed past the RSS cap."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": pythonpath}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed = False
    # Sampled peaks of the RSS's parts: anonymous memory (heaps, DuckDB's buffers) and file-backed pages
    # (memory-mapped files); ru_maxrss, the figure reported, counts both.
    parts = {"RssAnon": 0, "RssFile": 0}
    while proc.poll() is None:
        try:
            status = {line.split(":")[0]: int(line.split()[1]) for line in open(f"/proc/{proc.pid}/status")
                      if line.startswith(("VmRSS:", "RssAnon:", "RssFile:"))}
        except (OSError, ValueError, IndexError):
            status = {}
        for name in parts:
            parts[name] = max(parts[name], status.get(name, 0))
        if status.get("VmRSS", 0) > rss_cap_gb * 2**20:
            proc.kill()
            killed = True
        time.sleep(0.05)
    # poll() reaped it; wait4 would find nothing, so take the children's rusage delta instead.
    wall = time.perf_counter() - started
    output = proc.stdout.read()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return {"wall_s": wall, "peak_rss_gb": peak, "sampled_peak_anon_gb": parts["RssAnon"] / 2**20,
            "sampled_peak_file_gb": parts["RssFile"] / 2**20, "rc": proc.returncode, "killed_at_cap": killed,
            "output": output.strip().splitlines()[-8:] if output.strip() else [], "argv0": sys.executable}


def cli_mode(a) -> None:
    import sys

    here = str(Path(__file__).resolve().parents[1])
    implementations = [("after", here)] + ([("before", a.before)] if a.before else [])
    implementations = [(name, src) for name, src in implementations if name in a.impls.split(",")]
    expo_data = str(Path(sys.executable).with_name("expo-data"))
    results = []
    for repeat in range(a.repeats):
        for name, src in (implementations if repeat % 2 == 0 else implementations[::-1]):
            row = {"impl": name, "repeat": repeat}
            if not a.no_select:
                row["select"] = measured([expo_data, "select", a.dir], src, a.rss_cap)
            # -P: the source tree on PYTHONPATH, not the working directory, provides the modules.
            for loss in a.losses.split(","):
                row[loss] = measured([sys.executable, "-P", "-c", LOAD, a.dir, loss], src, a.rss_cap)
            row["baseline"] = measured([sys.executable, "-P", "-c", BASELINE], src, a.rss_cap)
            results.append(row)
            print(json.dumps(row), flush=True)
    print(f"\n{a.dir}:")
    for row in results:
        parts = [f"{row['impl']:6s} #{row['repeat']}"]
        for key in ["select"] * (not a.no_select) + a.losses.split(","):
            if key in row:
                r = row[key]
                state = "ok" if r["rc"] == 0 else ("KILLED at RSS cap" if r["killed_at_cap"] else f"rc={r['rc']}")
                load = next((o.split("load_s=")[1] for o in r["output"] if "load_s=" in o), None)
                parts.append(f"{key}: {r['wall_s']:.1f}s" + (f" (load {load}s)" if load else "") +
                             f" {r['peak_rss_gb']:.2f}GB (anon {r.get('sampled_peak_anon_gb', 0):.2f}, file "
                             f"{r.get('sampled_peak_file_gb', 0):.2f}) {state}")
        parts.append(f"baseline imports {row['baseline']['peak_rss_gb']:.2f}GB")
        print(" | ".join(parts))


def measured(argv: list[str], src: str, cap: float) -> dict:
    """run_child in a fresh grandchild, so RUSAGE_CHILDREN's maximum is this command's alone."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measured, args=(argv, src, cap, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _measured(argv, src, cap, queue) -> None:
    queue.put(run_child(argv, src, cap))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["query", "cli"], default="query")
    ap.add_argument("--before", default=None, help="cli mode: source checkout of the previous implementation")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--impls", default="after,before", help="cli mode: which columns to run")
    ap.add_argument("--no-select", action="store_true", help="cli mode: load the selection already there")
    ap.add_argument("--losses", default="exp-dpo,exp-grpo")
    ap.add_argument("--rss-cap", type=float, default=12.0, help="cli mode: kill a child past this many GB")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--shards", type=int, default=64)
    ap.add_argument("--dir", default="/tmp/expo-select-bench")
    ap.add_argument("--keep", action="store_true", help="Reuse data from an earlier run if present.")
    a = ap.parse_args()
    out = Path(a.dir)
    if not (a.keep and (out / "manifest.json").exists()):
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        write_data(out, a.rows, a.shards)
        print(f"wrote {a.rows} rows in {a.shards} shards ({sum(p.stat().st_size for p in out.rglob('*.arrow')) / 2**30:.2f} GiB) "
              f"in {time.perf_counter() - t0:.0f}s")
    if a.mode == "cli":
        return cli_mode(a)
    duck = in_process(run_duckdb, str(out))
    pandas = in_process(run_pandas, str(out))
    print(f"select_pairs via DuckDB: {duck['query_s']:.2f}s, peak RSS {duck['peak_rss_gb']:.2f} GB, {duck['pairs']} pairs "
          f"(+ {duck['verify_s']:.2f}s shard checksum verification)")
    print(f"same selection in pandas after a pyarrow load: {pandas['query_s']:.2f}s, peak RSS {pandas['peak_rss_gb']:.2f} GB, "
          f"{pandas['pairs']} pairs")
    print(f"DuckDB/pandas time ratio {duck['query_s'] / pandas['query_s']:.2f}, RSS ratio {duck['peak_rss_gb'] / pandas['peak_rss_gb']:.2f}")
    print(json.dumps({"duckdb": duck, "pandas": pandas}))


if __name__ == "__main__":
    main()
