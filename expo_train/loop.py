"""`expo-train loop`: ExPO's refresh rounds. Round r generates with round r-1's adapter, selects,
trains (continuing that adapter) and evaluates on the held-out split. Every stage is skipped
when its outputs are complete and match, so an interrupted loop resumes where it stopped."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from expo_data.errors import EmptySelection, ExpoError
from expo_data.generate.cluster import in_child
from expo_data.evaluate import DEFAULT_EVAL_PROBLEMS, evaluate
from expo_data.generate.driver import GenerateConfig, generate, validate
from expo_data.store.grading import stale_reason
from expo_data.model import fingerprint_dir, resolve_adapter
from expo_data.generate.problems import load_problems
from expo_data.store.schema import RoundDir, atomic_write_json, read_selection_record, sha256_file
from expo_data.select.report import report
from expo_data.select import select

from .heldout import SPLIT_DIR
from .objectives import OBJECTIVES
from .reporting import REPORT_DIRS, Reporter
from .trainer import TrainConfig, _validate as validate_train, config_key, train_round, trained_on


def selection_is_current(round_dir: Path) -> bool:
    rd = RoundDir(round_dir)
    record = read_selection_record(rd)
    return (record is not None and record.get("source_shards") == rd.sidecar_hashes()
            and stale_reason(record, rd.manifest()) is None)


def _json_record(path: Path) -> dict[str, Any] | None:
    """A stage's JSON record; None when absent or unreadable (the stage then runs again)."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def training_is_current(train: TrainConfig) -> bool:
    rd = RoundDir(train.data)
    summary = _json_record(rd.train_summary)
    if summary is None or not (rd.adapter / "adapter_config.json").exists():
        return False
    # The data it trained on: a summary from before this was recorded is taken as current.
    recorded = summary.get("trained_on")
    return summary.get("config_key") == config_key(train) and recorded in (None, trained_on(rd))


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def in_process(fn, *args, **kwargs):
    return fn(*args, **kwargs)


def validate_loop(rounds: int, out: Any, gen: GenerateConfig, train: TrainConfig, eval_cfg: GenerateConfig, k: int,
                  start_adapter: str | None = None, ray=None) -> None:
    """Every option of every stage, both problem sets and the starting adapter, before the round-0
    evaluation (the first engine) starts: a bad --attempts must not wait for a whole eval to be reported."""
    from expo_data.store.storage import is_remote

    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 10_000:
        raise ExpoError(f"--rounds must be from 1 to 10000, not {rounds}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ExpoError(f"--k must be >= 1, not {k}")
    if str(out).strip() in ("", "."):
        raise ExpoError("--out is empty; name the dir to write the rounds to")
    if is_remote(out):
        raise ExpoError(f"expo-train loop keeps its rounds on a local or shared filesystem, not {out}; on object "
                        f"storage run the stages (expo-data generate/select/eval, expo-train round) with s3:// dirs")
    if Path(out).exists() and not Path(out).is_dir():
        raise ExpoError(f"--out {out} is not a directory")
    from expo_data.store.files import unwritable_dir_reason
    from expo_data.generate.plan import check_no_foreign_files

    reason = unwritable_dir_reason(Path(out))
    if reason:
        raise ExpoError(f"--out {out}: {reason}")
    if (Path(out) / "manifest.json").is_file():
        raise ExpoError(f"--out {out} is a round dir; a loop writes OUT/round0, OUT/round1 ...: name the loop's own dir")
    check_no_foreign_files(Path(out), r"round\d+|report\.png|" + "|".join((SPLIT_DIR, *REPORT_DIRS)), "loop's rounds")
    round_gen = replace(gen, out=Path(out) / "round1", round=1, seed=gen.seed + 1)
    validate(round_gen)
    validate(replace(eval_cfg, out=Path(out) / "round0" / "eval" / "greedy", attempts=1, explanations=0, temperature=0.0))
    validate(replace(eval_cfg, out=Path(out) / "round0" / "eval" / "sampled", attempts=k, explanations=0))
    validate_train(replace(train, data=Path(out) / "round1"))
    load_problems(gen.problems, gen.fields, gen.limit)
    load_problems(eval_cfg.problems, eval_cfg.fields, eval_cfg.limit)
    resolve_adapter(start_adapter)
    if ray is not None:
        from expo_data.generate.cluster import validate_ray

        validate_ray(ray)


def run_loop(rounds: int, out: Path, gen: GenerateConfig, train: TrainConfig, eval_cfg: GenerateConfig, k: int,
             start_adapter: str | None = None, log: Callable[[str], None] = print, ray=None) -> list[dict[str, Any]]:
    """Round 0 (the starting policy on the held-out split, unless it starts from an adapter), then
    `rounds` rounds, then the cross-round report (OUT/report.png). With `ray` (cluster.RayOptions)
    generation and eval run as Ray slices; training stays on this machine."""
    validate_loop(rounds, out, gen, train, eval_cfg, k, start_adapter, ray)
    out = Path(out)
    with Reporter(train.report_to, out, {"rounds": rounds, "loss": train.loss, "problems": str(gen.problems),
                                         "eval_problems": str(eval_cfg.problems), "k": k}, name="loop") as reporter:
        if start_adapter is None:
            log_heldout(reporter, base_eval(out, eval_cfg, k, log=log, ray=ray), 0, k)
        history = _rounds(rounds, out, gen, train, eval_cfg, k, start_adapter, log, ray, reporter)
    *_, png = report([out], out / "report.png")
    log(f"report: {png}; tables: expo-data report {out}")
    return history


def log_heldout(reporter: Reporter, record: dict[str, Any] | None, r: int, k: int) -> None:
    """A round's held-out accuracy, at step r, beside the rounds' training curves (--report-to)."""
    if record:
        reporter.log({"heldout/pass_at_1_greedy": record["pass_at_1_greedy"].get("all"),
                      f"heldout/pass_at_{k}": record.get(f"pass_at_{k}", {}).get("all"),
                      "heldout/sampled_accuracy": record.get("sampled_accuracy", {}).get("all")}, r)


def _rounds(rounds: int, out: Path, gen: GenerateConfig, train: TrainConfig, eval_cfg: GenerateConfig, k: int,
            start_adapter: str | None, log: Callable[[str], None], ray, reporter: Reporter) -> list[dict[str, Any]]:
    """Rounds 1..rounds, each generate -> select -> train -> eval, skipping what is current."""
    # Engines run in Ray's workers, so the driver needs no child process to release their memory.
    stage = in_child if ray is None else in_process
    adapter, parent = start_adapter, None
    history = []
    for r in range(1, rounds + 1):
        round_dir = out / f"round{r}"
        rd = RoundDir(round_dir)
        times: dict[str, float] = {}

        t = time.perf_counter()
        generate_round(r, round_dir, gen, adapter, parent, log, ray)
        times["generate"] = time.perf_counter() - t

        try:
            select_and_train(r, round_dir, train, times, log)
        except EmptySelection as exc:
            # Common with a small --limit: no explanation passes the rules. The policy stays as it
            # is and the next round samples again under a new seed.
            log(f"== round {r}: no training data ({exc}); keeping the policy, next round resamples")
            atomic_write_json(rd.round_status, {"round": r, "status": "no training data",
                                                                "reason": str(exc), "adapter": adapter})
            history.append({"round": r, "dir": str(round_dir), "times": times, "eval": None,
                            "status": "no training data"})
            parent = round_dir
            continue

        t = time.perf_counter()
        log(f"== round {r}: eval on {eval_cfg.problems}")
        new_adapter = str(rd.adapter)
        record = stage(evaluate, replace(eval_cfg, out=rd.eval, adapter=new_adapter, round=r), k=k, log=_log, ray=ray)
        times["eval"] = time.perf_counter() - t
        log_heldout(reporter, record, r, k)

        elapsed = sum(times.values())
        left = f"; about {elapsed * (rounds - r) / 60:.0f} min for the {rounds - r} rounds left" if r < rounds else ""
        log(f"== round {r} done: " + ", ".join(f"{stage} {sec:.0f}s" for stage, sec in times.items()) + left)
        history.append({"round": r, "dir": str(round_dir), "times": times, "eval": record, "status": "trained"})
        adapter, parent = new_adapter, round_dir
    return history


def generate_round(r: int, round_dir: Path, gen: GenerateConfig, adapter: str | None, parent: Path | None,
                   log: Callable[[str], None], ray=None) -> None:
    """Round r's samples from the current policy (round r-1's adapter), with the lineage that ties it to its parent."""
    lineage = {"parent_round_dir": str(parent) if parent else None, "parent_adapter": adapter,
               "parent_adapter_sha256": fingerprint_dir(adapter),
               "parent_selection_sha256": sha256_file(RoundDir(parent).selection_record) if parent else None}
    log(f"== round {r}: generate -> {round_dir}")
    round_gen = replace(gen, out=round_dir, adapter=adapter, round=r, seed=gen.seed + r)
    if ray is None:
        in_child(generate, round_gen, log=_log, lineage=lineage)
    else:
        from expo_data.generate.cluster import generate_on_ray

        generate_on_ray(round_gen, ray, log=_log, lineage=lineage)


def select_and_train(r: int, round_dir: Path, train: TrainConfig, times: dict[str, float],
                     log: Callable[[str], None]) -> None:
    """The selection (unless current, or the loss reads the samples) and the adapter (unless current), timed
    into `times`; EmptySelection when the round has nothing to train on."""
    t = time.perf_counter()
    round_train = replace(train, data=round_dir)
    if not OBJECTIVES[train.loss].needs_selection:
        log(f"== round {r}: {train.loss} trains on the samples directly, no selection")
    elif selection_is_current(round_dir):
        log(f"== round {r}: selection is current, skipped")
    else:
        log(f"== round {r}: select")
        select(round_dir, log=log, wait=train.wait)
    times["select"] = time.perf_counter() - t

    t = time.perf_counter()
    if training_is_current(round_train):
        log(f"== round {r}: adapter is current, skipped")
    else:
        log(f"== round {r}: train ({train.loss})")
        in_child(train_round, round_train, log=_log)
    times["train"] = time.perf_counter() - t


def base_eval(out: Path, eval_cfg: GenerateConfig, k: int, log: Callable[[str], None] = print, ray=None) -> dict[str, Any]:
    """Round 0: the starting policy on the held-out split, the baseline every round compares to."""
    stage = in_child if ray is None else in_process
    return stage(evaluate, replace(eval_cfg, out=RoundDir(Path(out) / "round0").eval, round=0), k=k, log=_log, ray=ray)


__all__ = ["run_loop", "base_eval", "DEFAULT_EVAL_PROBLEMS"]
