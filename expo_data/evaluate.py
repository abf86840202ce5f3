"""`expo-data eval`: held-out accuracy of a policy (base model + optional adapter).

Two passes through the generator, so their samples are ordinary round dirs that the SQL
views read: `greedy/` (one temperature-0 attempt: pass@1) and `sampled/` (k attempts at
the sampling temperature: pass@k). `eval.json` holds the figures per level.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from .select.db import connect, run_query
from .errors import ExpoError
from .generate.driver import GenerateConfig, engine_for, generate, validate
from .model import fingerprint_dir
from .store.schema import EVAL_RECORD, read_manifest
from .store.storage import Store, as_location, is_remote, join

DEFAULT_EVAL_PROBLEMS = "builtin:arith:test"


def figures(out: Any) -> dict[str, dict[str, float]]:
    """pass@k (share of problems with a correct attempt) and attempt accuracy per level (or category) and
    over all problems ("all"), as expo_quality_figures (sql/definitions.sql) defines them for any round;
    `expo-data regrade` computes an eval.json again with it."""
    con = connect([out])
    try:
        rows = run_query(con, "SELECT group_key, is_total, problems, pass_at_k, attempt_accuracy "
                              "FROM expo_quality_figures('auto') WHERE problems > 0").to_pylist()
    finally:
        con.close()
    keys = [r["group_key"] for r in rows if not r["is_total"]]
    figures = {}
    for r in rows:
        if r["is_total"]:
            name = "all"
        elif r["group_key"] is None:
            if keys == [None]:  # neither level nor category: "all" holds these problems' figures
                continue
            name = "(none)"
        else:
            name = r["group_key"]
        figures[name] = {"problems": r["problems"], "pass_at_k": r["pass_at_k"], "accuracy": r["attempt_accuracy"]}
    return dict(sorted(figures.items()))


def _unscored_unless_old(cfg: GenerateConfig) -> GenerateConfig:
    existing = read_manifest(cfg.out)
    return replace(cfg, score_answers=existing is not None and "score_answers" not in existing)


def evaluate(base: GenerateConfig, k: int = 4, log: Callable[[str], None] = print, ray=None) -> dict[str, Any]:
    """`base` carries the problems, model, adapter and size flags; out is the eval dir (local or
    object storage). With `ray` (cluster.RayOptions) each pass runs as Ray slices, not in this process."""
    if str(base.out).strip() in ("", "."):
        raise ExpoError("--out is empty; name the eval dir to write")
    out = as_location(base.out)
    if not is_remote(out):
        from .generate.plan import check_no_foreign_files

        check_no_foreign_files(Path(out), rf"greedy|sampled|{re.escape(EVAL_RECORD)}", "eval")
    started = time.perf_counter()
    # Accuracy needs no answer-suffix scores or expert rows (half the CPU time); an eval dir written
    # by an earlier version with them is resumed as it was.
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ExpoError(f"--k must be >= 1, not {k}")
    greedy = replace(base, out=join(out, "greedy"), attempts=1, explanations=0, temperature=0.0)
    sampled = replace(base, out=join(out, "sampled"), attempts=k, explanations=0)
    # Both passes' options (the sampling temperature only the second uses) before either starts an engine.
    validate(greedy)
    validate(sampled)
    greedy, sampled = _unscored_unless_old(greedy), _unscored_unless_old(sampled)
    engines: list = []

    def shared_engine():
        """One engine for both passes, started only if a pass has work left."""
        if not engines:
            engines.append(engine_for(greedy))
        return engines[0]

    results = {}
    for name, cfg in (("greedy", greedy), ("sampled", sampled)):
        if ray is not None:
            from .generate.cluster import generate_on_ray

            generate_on_ray(cfg, ray, log=log)
        else:
            generate(cfg, log=log, engine=shared_engine)
        results[name] = figures(cfg.out)
    record = {
        "problems": base.problems, "model": base.model, "adapter": base.adapter,
        "adapter_sha256": fingerprint_dir(base.adapter), "k": k, "temperature": base.temperature,
        "max_tokens": base.max_tokens, "limit": base.limit, "seed": base.seed,
        "pass_at_1_greedy": {lvl: v["pass_at_k"] for lvl, v in results["greedy"].items()},
        f"pass_at_{k}": {lvl: v["pass_at_k"] for lvl, v in results["sampled"].items()},
        "sampled_accuracy": {lvl: v["accuracy"] for lvl, v in results["sampled"].items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
    store = Store(out)
    store.write_json(EVAL_RECORD, record)
    overall = record["pass_at_1_greedy"].get("all", 0.0)
    log(f"eval: greedy pass@1 {overall:.3f}, pass@{k} {record[f'pass_at_{k}'].get('all', 0.0):.3f} "
        f"on {results['greedy'].get('all', {}).get('problems', 0)} problems -> {store.uri(EVAL_RECORD)}")
    return record
