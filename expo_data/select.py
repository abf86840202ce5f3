"""`expo-data select` and `expo-data report`: the shipped selection queries, written to
DIR/selected/ with the query text, parameters and source checksums that produced them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from .db import bind, connect, run_query, shipped_query
from .errors import ExpoError
from .schema import SHARDS_DIR, atomic_write_bytes, atomic_write_json
from .shards import table_to_ipc_bytes

SELECTED_DIR = "selected"
SELECTIONS = {"positives": "select_positives", "pairs": "select_pairs", "groups": "select_groups"}


def select(round_dir: Path, params: dict[str, Any] | None = None, log=print) -> dict[str, Any]:
    """Write positives.arrow, pairs.arrow, groups.arrow and selection.json under DIR/selected/."""
    round_dir = Path(round_dir)
    params = params or {}
    con = connect([round_dir])
    queries = {name: shipped_query(query) for name, query in SELECTIONS.items()}
    # A parameter must mean something to at least one query; each query gets the ones it takes.
    takes = {name: set(bind(sql, {}).keys()) for name, sql in queries.items()}
    unknown = sorted(set(params) - set().union(*takes.values()))
    if unknown:
        raise ExpoError(f"unknown parameter(s) {', '.join(unknown)}; selection takes: {', '.join(sorted(set().union(*takes.values())))}")
    tables, bound = {}, {}
    for name, sql in queries.items():
        mine = {k: v for k, v in params.items() if k in takes[name]}
        bound[name] = bind(sql, mine)
        tables[name] = run_query(con, sql, mine)
    if tables["positives"].num_rows == 0:
        raise ExpoError(f"empty selection: no positive in {round_dir} passes the rules "
                        f"(parameters {json.dumps(bound['positives'])}); loosen --param min_policy_mean / min_answer_gain "
                        f"or generate more explanations")
    out = round_dir / SELECTED_DIR
    out.mkdir(exist_ok=True)
    for name, table in tables.items():
        atomic_write_bytes(out / f"{name}.arrow", table_to_ipc_bytes(table))
    sidecars = sorted((round_dir / SHARDS_DIR).glob("shard-*.json"))
    record = {
        "round_dir": str(round_dir),
        "parameters": bound,
        "queries": queries,
        "rows": {name: table.num_rows for name, table in tables.items()},
        "source_shards": {p.name: json.loads(p.read_text())["sha256"] for p in sidecars},
    }
    atomic_write_json(out / "selection.json", record)
    log(f"selected {record['rows']['positives']} positives, {record['rows']['pairs']} pairs, "
        f"{record['rows']['groups']} group rows -> {out}")
    return record


def export_trl(round_dir: Path, output: Path) -> int:
    """prompt/chosen/rejected columns as TRL's DPOTrainer reads them (conversational form, so TRL
    applies the same chat template the prompt was rendered with), plus the reference log-probs."""
    import pyarrow.parquet as pq

    pairs_path = Path(round_dir) / SELECTED_DIR / "pairs.arrow"
    if not pairs_path.exists():
        raise ExpoError(f"{pairs_path} not found; run `expo-data select {round_dir}` first")
    with pa.memory_map(str(pairs_path)) as source:
        pairs = pa.ipc.open_file(source).read_all()
    if pairs.num_rows == 0:
        raise ExpoError(f"{pairs_path} holds no pairs")
    rows = pairs.select(["prompt", "chosen", "rejected", "ref_chosen_logp", "ref_rejected_logp", "problem_id"])
    # The stored prompt is already chat-formatted text; TRL's standard (non-conversational) format takes
    # it as is and concatenates the completions.
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    pq.write_table(rows, tmp)
    tmp.replace(output)
    return rows.num_rows


def report(round_dirs: list[Path], png: Path | None = None) -> tuple[pa.Table, pa.Table, Path | None]:
    con = connect([Path(d) for d in round_dirs])
    quality = run_query(con, shipped_query("quality_report"))
    rounds = run_query(con, shipped_query("compare_rounds"))
    if png is not None:
        _plot(quality, rounds, con, png)
    return quality, rounds, png


def _plot(quality: pa.Table, rounds: pa.Table, con, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_level = [r for r in quality.to_pylist() if r["level"] is not None]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    nll = con.execute("SELECT round, kind, -sum(policy_logprob_sum) / sum(num_tokens) AS nll FROM samples "
                      "GROUP BY round, kind ORDER BY round, kind").fetchall()
    kinds = ["attempt", "explanation", "expert"]
    round_ids = sorted({r for r, _, _ in nll})
    width = 0.8 / max(len(round_ids), 1)
    for i, rnd in enumerate(round_ids):
        values = [next((v for r, k, v in nll if r == rnd and k == kind), 0.0) for kind in kinds]
        axes[0].bar([x + i * width for x in range(len(kinds))], values, width, label=f"round {rnd}")
    axes[0].set_xticks([x + width * (len(round_ids) - 1) / 2 for x in range(len(kinds))], kinds)
    axes[0].set_title("policy NLL per token (plain prompt)")
    axes[0].legend()
    levels = [r["level"] for r in per_level]
    axes[1].bar([str(l) for l in levels], [r["attempt_accuracy"] or 0 for r in per_level], label="attempt accuracy")
    axes[1].plot([str(l) for l in levels], [r["pass_at_k"] or 0 for r in per_level], "o-", color="C1", label="pass@k")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("accuracy by level")
    axes[1].set_xlabel("level")
    axes[1].legend()
    axes[2].bar([str(l) for l in levels], [r["hard_share"] or 0 for r in per_level], color="C3")
    axes[2].set_ylim(0, 1)
    axes[2].set_title("hard-set share (no correct attempt) by level")
    axes[2].set_xlabel("level")
    fig.tight_layout()
    png = Path(png)
    tmp = png.with_name(f".{png.stem}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(png)
