"""A generation run's summary, totalled in one place: from each shard's sidecar (its `counts` and
`skipped`), whether the shards were written by this process or by Ray slices it never talked to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

COUNTS = ("problems", "samples", "attempts", "attempts_correct", "explanations", "explanations_correct",
          "generated_tokens")


def shard_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """What a shard adds to a run's summary, kept in its sidecar so that a driver can total the
    work of workers it never talked to (a retried worker's first life included)."""
    sampled = [r for r in rows if r["kind"] in ("attempt", "explanation")]
    return {"problems": len({r["problem_id"] for r in rows}),
            "samples": len(rows),
            "attempts": sum(r["kind"] == "attempt" for r in rows),
            "attempts_correct": sum(r["kind"] == "attempt" and r["is_correct"] for r in rows),
            "explanations": sum(r["kind"] == "explanation" for r in rows),
            "explanations_correct": sum(r["kind"] == "explanation" and r["is_correct"] for r in rows),
            "generated_tokens": sum(r["num_tokens"] for r in sampled)}


@dataclass
class Stats:
    problems: int = 0
    samples: int = 0
    attempts: int = 0
    attempts_correct: int = 0
    explanations: int = 0
    explanations_correct: int = 0
    generated_tokens: int = 0
    generate_s: float = 0.0
    score_s: float = 0.0
    verify_s: float = 0.0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def add_shard(self, sidecar: dict[str, Any]) -> None:
        """A shard's sidecar: its `counts` and its `skipped` problems (each reason's kind, before ':')."""
        counts = sidecar.get("counts", {})
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))
        for skip in sidecar.get("skipped", []):
            self.skipped += 1
            key = skip["reason"].split(":")[0]
            self.skip_reasons[key] = self.skip_reasons.get(key, 0) + 1

    def add_time(self, timings: dict[str, float]) -> None:
        """One group's phase times (a group spans several shards: added once, not per shard)."""
        self.generate_s += timings.get("generate_s", 0.0)
        self.score_s += timings.get("score_s", 0.0)
        self.verify_s += timings.get("verify_s", 0.0)

    @classmethod
    def from_sidecars(cls, sidecars: Iterable[dict[str, Any]], wall_s: float) -> "Stats":
        """The run's summary totalled from its shards' sidecars; tokens/s over the driver's wall time."""
        stats = cls()
        for sidecar in sidecars:
            stats.add_shard(sidecar)
        stats.generate_s = wall_s
        return stats

    def summary(self, wall_s: float) -> str:
        def acc(c, n):
            return f"{c / n:.3f}" if n else "n/a"

        tps = self.generated_tokens / self.generate_s if self.generate_s else 0.0
        return (f"done: {self.problems} problems, {self.samples} samples, attempt accuracy "
                f"{acc(self.attempts_correct, self.attempts)}, explanation accuracy "
                f"{acc(self.explanations_correct, self.explanations)}, {tps:.0f} generated tokens/s, "
                f"skipped {self.skipped} problems, {wall_s:.1f}s")
