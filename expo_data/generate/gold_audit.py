"""The gold audit: every gold read by the grader's own reader (verify/typed.py) when the plan is made, before
any engine starts, so a user sees which golds the reward can only compare as text, or read only in part, and
fixes them or points --answer-field at a cleaner column before spending GPU hours."""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .problems import Problem

SHOWN = 20  # flagged golds listed one by one; the rest are counted


# A plain decimal number (most golds of GSM8K-style sets): read as the reader reads it, without sympy.
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# Past this many distinct golds the audit reads them in a process pool (1M problems at ~500 golds/s per
# process is half an hour in one).
POOL_FROM = 5_000


@functools.lru_cache(maxsize=65536)
def gold_reading(answer: str):
    """The reader's verdict on one gold (cached: a gold is read once per process, by the audit and the rows)."""
    from ..verify.typed import Reading, read_gold

    if _PLAIN_NUMBER.fullmatch(answer.strip()):
        return Reading("number")
    try:
        return read_gold(answer)
    except Exception as exc:  # the reader runs sympy/math-verify: a gold it chokes on is unreadable, not a crash
        return Reading("unreadable", "text", f"{type(exc).__name__}")


def gold_type(answer: str) -> str:
    return gold_reading(answer).kind


@dataclass
class GoldAudit:
    counts: dict[str, int] = field(default_factory=dict)  # type -> golds
    statuses: dict[str, int] = field(default_factory=dict)  # ok | partial | text -> golds
    # (row in the problems file, problem id, gold, status, reason) of each gold read only as text or in part.
    flagged: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    # golds that are whole solutions, read by their answer (the last \\boxed{}, the `####` line)
    from_solutions: int = 0

    def record(self) -> dict[str, Any]:
        """What the manifest keeps: the counts, and how many golds were flagged."""
        return {"by_type": dict(sorted(self.counts.items())), "by_status": dict(sorted(self.statuses.items())),
                "flagged": len(self.flagged), "from_solutions": self.from_solutions}

    def lines(self, source: str) -> list[str]:
        total = sum(self.counts.values())
        by_type = ", ".join(f"{kind} {n}" for kind, n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out = [f"golds: {total} read ({by_type}); {self.statuses.get('partial', 0)} only partly, "
               f"{self.statuses.get('text', 0)} only as text"]
        if self.from_solutions:
            out.append(f"  {self.from_solutions} golds are whole solutions: read by their answer (last box, #### line)")
        if self.flagged:
            out.append(f"golds the reward compares only as text or reads only partly (row of {source}, id):")
            for row, pid, gold, status, reason in self.flagged[:SHOWN]:
                shown = gold if len(gold) <= 60 else gold[:57] + "..."
                out.append(f"  row {row} (line {row + 1} of a JSONL file), id {pid}: {shown!r}: "
                           f"{'partly read' if status == 'partial' else 'text only'} ({reason})")
            if len(self.flagged) > SHOWN:
                out.append(f"  ... and {len(self.flagged) - SHOWN} more")
            out.append("  (fix them, or point --answer-field at a cleaner column)")
        return out


def _readings(golds: list[str]) -> dict[str, Any]:
    """Each distinct gold's reading; a process per core when there are many (the reader is pure Python)."""
    distinct = list(dict.fromkeys(g for g in golds if not _PLAIN_NUMBER.fullmatch(g.strip())))
    workers = min(os.cpu_count() or 1, 32)
    if len(distinct) < POOL_FROM or workers < 2:
        return {g: gold_reading(g) for g in dict.fromkeys(golds)}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        read = dict(zip(distinct, pool.map(gold_reading, distinct, chunksize=256)))
    return {g: read[g] if g in read else gold_reading(g) for g in dict.fromkeys(golds)}


def audit_golds(problems: list[Problem]) -> GoldAudit:
    """Every problem's gold read once; problems are in file order, so a position is the file's row."""
    audit = GoldAudit()
    counts: Counter = Counter()
    statuses: Counter = Counter()
    readings = _readings([problem.answer for problem in problems])
    for row, problem in enumerate(problems):
        reading = readings[problem.answer]
        counts[reading.kind] += 1
        statuses[reading.status] += 1
        if reading.status != "ok":
            audit.flagged.append((row, problem.id, problem.answer, reading.status, reading.reason or ""))
    audit.counts, audit.statuses = dict(counts), dict(statuses)
    from ..verify.gold import gold_answer

    audit.from_solutions = sum(gold_answer(problem.answer)[1] for problem in problems)
    return audit
