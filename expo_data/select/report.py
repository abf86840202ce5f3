"""`expo-data report`: the quality tables of one or more rounds (the figures sql/definitions.sql defines),
the held-out accuracy of their eval.json records, and the report's plots (also shown by `expo-data view`)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from .db import connect, parse_memory_limit, run_query, shipped_query, spill_dir
from ..errors import ExpoError
from ..store.schema import LAYOUT, RoundDir, atomic_write_bytes, read_manifest
from ..store.storage import as_location, join

ALL_PROBLEMS = "all problems"  # the one group of problems that carry neither a level nor a category


def expand_round_dirs(paths: list[Any]) -> list[Any]:
    """Round dirs as given, or the round*/ dirs inside a loop's output dir, in round order."""
    dirs: list[Any] = []
    for path in map(as_location, paths):
        if RoundDir(path).is_round():
            dirs.append(path)
        else:
            found = [join(path, name) for name in RoundDir(path).subdirs() if name.startswith("round")]
            found = [d for d in found if RoundDir(d).is_round()]
            if not found:
                raise ExpoError(f"{path} is not a round dir (no manifest.json) and holds no round*/ dirs")
            dirs += sorted(found, key=lambda d: read_manifest(d)["round"])
    return dirs


def held_out(paths: list[Path]) -> pa.Table:
    """eval.json figures as rows: round, level, pass@1 (greedy), pass@k, sampled accuracy."""
    records = []
    candidates = {str(join(p, "round0")) for p in paths} | {str(d) for d in expand_round_dirs(paths)}
    for directory in sorted(candidates):
        rd = RoundDir(directory)
        try:
            record = json.loads(rd.read_bytes(LAYOUT["eval_record"]))
        except FileNotFoundError:
            continue
        except (ValueError, RecursionError):  # not JSON, not UTF-8
            record = None
        name = str(directory).rstrip("/").rsplit("/", 1)[-1]
        round_ = int(name.removeprefix("round")) if name.startswith("round") and name[5:].isdigit() else None
        records += _eval_rows(record, round_, rd.uri("eval_record"))
    records.sort(key=lambda r: (r["round"] if r["round"] is not None else -1, r["level"]))
    return pa.Table.from_pylist(records) if records else pa.table({})


def _eval_rows(record: Any, round_: int | None, where: str) -> list[dict[str, Any]]:
    """eval.json's figures as rows; an eval.json of another shape is an ExpoError naming the file."""
    def number(v: Any) -> bool:
        return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))

    try:
        k = record["k"]
        greedy, at_k, sampled = record["pass_at_1_greedy"], record[f"pass_at_{k}"], record["sampled_accuracy"]
        if not (isinstance(k, int) and all(isinstance(d, dict) for d in (greedy, at_k, sampled))):
            raise TypeError
        rows = [{"round": round_, "level": str(level), "pass_at_1": value, "pass_at_k": at_k.get(level), "k": k,
                 "sampled_accuracy": sampled.get(level)} for level, value in greedy.items()]
        if not all(number(r[c]) for r in rows for c in ("pass_at_1", "pass_at_k", "sampled_accuracy")):
            raise TypeError
        return rows
    except (KeyError, TypeError):
        raise ExpoError(f"{where} is corrupt or partial (not an `expo-data eval` record); rerun `expo-data eval`")


def report(round_dirs: list[Path], png: Path | None = None, group_by: str = "auto", memory_limit: Any = None
           ) -> tuple[pa.Table, pa.Table, pa.Table, Path | None]:
    """The quality tables (one row per group or round: small whatever the rounds' size) and the plots;
    DuckDB's aggregations run within `memory_limit` and spill beside the first round."""
    if group_by not in ("auto", "level", "category", "gold_type"):
        raise ExpoError(f"group_by must be auto, level or category (or gold_type), not {group_by}")
    limit = memory_limit if isinstance(memory_limit, int) else parse_memory_limit(memory_limit)
    dirs = expand_round_dirs(round_dirs)
    with spill_dir(dirs[0]) as spill:
        con = connect(dirs, memory_limit=limit, temp_directory=spill)
        quality = run_query(con, shipped_query("quality_report"), {"group_by": group_by})
        rounds = run_query(con, shipped_query("compare_rounds"))
        evals = held_out(list(round_dirs))
        if png is not None:
            _plot(con, evals, png)
        con.close()
    return quality, rounds, evals, png


def _plot(con, evals: pa.Table, png: Path) -> None:
    import matplotlib.pyplot as plt

    fig = report_figure(con, evals)
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=110, format="png")
    plt.close(fig)
    atomic_write_bytes(Path(png), buffer.getvalue())  # a device or pipe (/dev/null, a FIFO) is written into, never replaced


def _group_label(key: str | None, keys: list[str | None]) -> str:
    """A group's axis label: problems with neither level nor category are "all problems" when they are
    all there is, "(none)" beside named groups (as the quality table names them)."""
    if key is not None:
        return key
    return ALL_PROBLEMS if keys == [None] else "(none)"


def report_figure(con, evals: pa.Table):
    """The report's four panels: NLL per kind, attempt accuracy and hard-set share per level or category,
    held-out pass@1 per round. The figures are expo_quality_figures_per_round's (sql/definitions.sql)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(20, 4.2))
    figures = run_query(con, """SELECT * FROM expo_quality_figures_per_round('auto', true)
        ORDER BY round, is_total, try_cast(group_key AS INTEGER) NULLS LAST, group_key""").to_pylist()
    totals = {r["round"]: r for r in figures if r["is_total"]}
    kinds = ["attempt", "explanation", "expert"]
    round_ids = sorted(totals)
    width = 0.8 / max(len(round_ids), 1)
    for i, rnd in enumerate(round_ids):
        values = [totals[rnd][f"nll_{kind}"] or 0.0 for kind in kinds]
        axes[0].bar([x + i * width for x in range(len(kinds))], values, width, label=f"round {rnd}")
    axes[0].set_xticks([x + width * (len(round_ids) - 1) / 2 for x in range(len(kinds))], kinds)
    axes[0].set_title("policy NLL per token (plain prompt)")
    axes[0].legend()
    # The same grouping as the quality table: level, or the category when no row has a level.
    by_level = bool(figures) and figures[0]["grouped_by"] == "level"
    per_group = [r for r in figures if not r["is_total"]]
    keys = list(dict.fromkeys(r["group_key"] for r in per_group))
    groups = [_group_label(k, keys) for k in keys]
    for i, rnd in enumerate(round_ids):
        rows = {_group_label(r["group_key"], keys): (r["attempt_accuracy"], r["hard_share"])
                for r in per_group if r["round"] == rnd}
        if by_level:  # levels are ordered: lines show the trend across them
            shown = [g for g in groups if g in rows]
            axes[1].plot(shown, [rows[g][0] for g in shown], "o-", label=f"round {rnd}")
            axes[2].plot(shown, [rows[g][1] for g in shown], "o-", label=f"round {rnd}")
        else:  # categories have no order: a line between them would suggest one; bars, one per round
            x = [j + i * width for j, g in enumerate(groups) if g in rows]
            axes[1].bar(x, [rows[g][0] or 0.0 for g in groups if g in rows], width, label=f"round {rnd}")
            axes[2].bar(x, [rows[g][1] or 0.0 for g in groups if g in rows], width, label=f"round {rnd}")
    if not by_level:
        for ax in (axes[1], axes[2]):
            ax.set_xticks([j + width * (len(round_ids) - 1) / 2 for j in range(len(groups))], groups)
    grouping = "level" if by_level else ALL_PROBLEMS if keys == [None] else "category"
    accuracy_title = ("attempt accuracy, all problems (no level or category)" if grouping == ALL_PROBLEMS
                      else f"attempt accuracy by {grouping}") + " (training problems)"
    for ax, title in ((axes[1], accuracy_title), (axes[2], "hard-set share (no correct attempt)")):
        ax.set_ylim(0, 1)
        ax.set_xlabel(grouping)
        ax.tick_params(axis="x", labelrotation=30)
        ax.set_title(title)
        ax.legend()
    if evals.num_rows:
        rows = evals.to_pylist()
        for level in sorted({r["level"] for r in rows}):
            points = [(r["round"], r["pass_at_1"]) for r in rows if r["level"] == level and r["round"] is not None]
            axes[3].plot([p[0] for p in points], [p[1] for p in points], "o-", label=f"level {level}",
                         linewidth=3 if level == "all" else 1.2)
        axes[3].set_ylim(0, 1)
        axes[3].set_xlabel("round")
        # Rounds are whole numbers: a tick at each round present (a locator falls back to 0.95..1.05 for one round).
        present = sorted({r["round"] for r in rows if r["round"] is not None})
        if present:
            axes[3].set_xticks(present if len(present) <= 12 else present[:: -(-len(present) // 12)])
            axes[3].set_xlim(present[0] - 0.5, present[-1] + 0.5)
        axes[3].legend(fontsize=8)
    else:
        axes[3].text(0.5, 0.5, "no eval yet\n(expo-data eval --out ROUND/eval,\nor expo-train loop)", ha="center",
                     va="center", transform=axes[3].transAxes, color="0.35")
        axes[3].set_xticks([])
        axes[3].set_yticks([])
    axes[3].set_title("held-out greedy pass@1 by round")
    fig.tight_layout()
    return fig
