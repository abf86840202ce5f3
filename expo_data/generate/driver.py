"""`expo-data generate`: K on-policy attempts and M answer-conditioned self-explanations per
problem through vLLM, re-scored under the plain prompt, verified, written as Arrow shards.

Work is done in groups of whole shards (a few hundred sequences per vLLM call keeps the
engine's batch full); each shard is written as soon as its group is done, so a killed run
loses at most one group and a rerun picks up the missing shards.

This module is the driver; the parts live in `plan` (options, manifest, which shards to write),
`engine` (vLLM), `rows` (one group into rows), `progress` (the bar) and `stats` (the summary).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from .engine import Engine
from ..errors import ExpoError
from ..store.lock import round_writer
from ..model import resolve_adapter, resolve_model
from .plan import GenerateConfig, Plan, build_manifest, check_inputs, drop_stale_shards, plan, prepare, validate
from .problems import Problem
from .progress import Progress
from .rows import run_group
from ..store.schema import MANIFEST_NAME, rows_to_table
from ..store.shards import write_shard
from .stats import Stats, shard_counts
from ..store.storage import Store
from ..verifiers import Grader, resolve

# What callers import from here: the driver, and the plan's and engine's names a caller of it needs.
__all__ = ["generate", "engine_for", "GenerateConfig", "Plan", "validate", "check_inputs", "build_manifest", "plan",
           "prepare", "drop_stale_shards", "Engine", "Progress", "Stats"]


def _groups(todo: list[int], assignment: dict[int, list[Problem]], target: int) -> list[list[int]]:
    groups, current, size = [], [], 0
    for shard in todo:
        current.append(shard)
        size += len(assignment[shard])
        if size >= target:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def start_round(cfg: GenerateConfig, store: Store, p: Plan, engine: "Engine | Callable[[], Engine] | None",
                lineage: dict[str, Any] | None, log: Callable[[str], None]) -> tuple[Engine, dict[str, Any]]:
    """The engine (started only now, when there is work), checked against the round's dtype; then, and
    only then, --overwrite may drop the old run's shards; the manifest is written last."""
    engine = engine() if callable(engine) else engine or engine_for(cfg, p.manifest)
    if engine.dtype != p.manifest["dtype"]:
        raise ExpoError(f"the engine serves {engine.dtype} but this round resolves dtype {p.manifest['dtype']} "
                        f"({p.manifest['dtype_reason']}); pass --dtype {engine.dtype} or reuse no engine")
    drop_stale_shards(cfg, store, p)
    log(f"dtype {engine.dtype} ({p.manifest['dtype_reason']}); "
        f"{'eager' if engine.enforce_eager else 'compiled'} engine")
    manifest = dict(p.manifest, logprob_dtype=engine.dtype, lineage=lineage, lora_serving=engine.lora_serving)
    store.write_json(MANIFEST_NAME, manifest)
    return engine, manifest


def write_group(cfg: GenerateConfig, store: Store, p: Plan, group: list[int],
                by_problem: dict[str, list[dict[str, Any]]], skipped: dict[str, str], timings: dict[str, float],
                stats: Stats) -> None:
    """Each shard of a finished group, its sidecar (the commit marker) holding what it adds to the summary."""
    for shard in group:
        problems = p.assignment[shard]
        rows = [row for pr in problems for row in by_problem.get(pr.id, [])]
        skips = [{"problem_id": pr.id, "reason": skipped[pr.id]} for pr in problems if pr.id in skipped]
        sidecar = {
            "config_hash": p.manifest["config_hash"],
            "problems": len(problems) - len(skips),
            "problem_ids": [pr.id for pr in problems if pr.id not in skipped],
            "skipped": skips,
            "group_timings": {k: round(v, 4) for k, v in timings.items()},
            "group_shards": group,
            "worker": list(cfg.worker),
            "counts": shard_counts(rows),
            "grading": p.manifest["grading"],  # what `expo-data regrade` compares to skip a shard already so graded
        }
        write_shard(store, shard, cfg.shards, rows_to_table(rows), sidecar)
        stats.add_shard(sidecar)
    stats.add_time(timings)


def generate(cfg: GenerateConfig, log: Callable[[str], None] = print,
             engine: "Engine | Callable[[], Engine] | None" = None, lineage: dict[str, Any] | None = None) -> Stats:
    """Run (or resume) a generation into cfg.out (left as given). `engine` reuses a vLLM engine of the same model and
    adapter, or is a function that returns one, called only when there is work (eval runs several
    passes); `lineage` is recorded in the manifest."""
    start = time.perf_counter()
    stats = Stats()
    if cfg.dry_run:  # reads the round, writes nothing: a reader, never blocked
        prepare(cfg, log)
        return stats
    inputs = check_inputs(cfg, log)  # every option, the problems and the model, before the round dir is made
    # Shared among --worker slices, exclusive of select, regrade and the trainer (expo_data/store/lock.py). The plan is
    # made under it: a select or regrade that held the round meanwhile may have changed what it decides from.
    with round_writer(cfg.out, "expo-data generate", shared=True, wait=cfg.wait, log=log):
        store, p = prepare(cfg, log, inputs=inputs)
        if not p.todo:
            log("all shards complete; nothing to do")
            return stats
        return _generate_locked(cfg, store, p, engine, lineage, log, stats, start)


def _generate_locked(cfg, store, p, engine, lineage, log, stats, start) -> Stats:
    engine, _ = start_round(cfg, store, p, engine, lineage, log)
    # In samples, moving within a group (a group of 64 problems takes minutes on CPU).
    progress = Progress(sum(len(p.assignment[s]) for s in p.todo) * (cfg.attempts + cfg.explanations), cfg.progress,
                        scores=cfg.score_answers)
    with Grader(resolve(cfg.verifier), timeout_s=cfg.verify_timeout) as grader:
        for group in _groups(p.todo, p.assignment, cfg.group_problems):
            problems = [pr for s in group for pr in p.assignment[s]]
            by_problem, skipped, timings = run_group(engine, grader, cfg, problems, progress)
            write_group(cfg, store, p, group, by_problem, skipped, timings, stats)
            progress.group_done(timings, stats)
    progress.close()
    log(stats.summary(time.perf_counter() - start))
    if stats.skipped:
        log("skipped: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.skip_reasons.items())) +
            " (per-problem reasons in the shard sidecars)")
    return stats


def engine_for(cfg: GenerateConfig, manifest: dict[str, Any] | None = None) -> Engine:
    if manifest is None:
        manifest = {"base_model": resolve_model(cfg.model)}
    # The adapter as the user named it: a manifest holds a remote one without its ?options.
    # The engine serves the round's resolved dtype (its manifest's), not a fresh reading of --dtype.
    return Engine(manifest["base_model"], resolve_adapter(cfg.adapter), seed=cfg.seed,
                  dtype=manifest.get("dtype", cfg.dtype),
                  max_model_len=cfg.max_model_len, tensor_parallel_size=cfg.tensor_parallel_size,
                  gpu_memory_utilization=cfg.gpu_memory_utilization, enforce_eager=cfg.enforce_eager,
                  lora_mode=cfg.lora_mode)
