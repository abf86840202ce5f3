"""The generate progress bar: in samples, moving as vLLM finishes each request, with an ETA that
counts the scoring and verification passes still to come."""

from __future__ import annotations

import re
import sys
import time

from .stats import Stats


class Progress:
    """The generate bar, in samples. A group is sampled, then scored, then verified, then written; the
    bar moves as vLLM finishes each request inside it, shows the generation tok/s and an ETA that
    counts the scoring and verification still to come (their cost relative to sampling as measured
    on the groups done; before the first one, assumed equal: about what a CPU shows)."""

    REFRESH_S = 0.5

    def __init__(self, total_samples: int, enabled: bool, scores: bool = True):
        from tqdm import tqdm

        self.bar = tqdm(total=total_samples, unit="sample", disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                        bar_format="{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} samples [{elapsed}{postfix}]")
        self.sample_s = 0.0  # sampling time of the finished groups
        self.after_s = 0.0  # their scoring + verification time
        self.assumed_ratio = 1.0 if scores else 0.0
        self.done_before = 0  # samples of the finished groups
        self.phase, self.tok_s = "sampling", None
        self.group_start = self.score_start = self.last_refresh = time.perf_counter()
        self.group_samples = self.scored_requests = self.score_requests = 0
        self.group_sample_s = 0.0

    def start_group(self) -> None:
        self.phase, self.group_samples, self.group_start = "sampling", 0, time.perf_counter()

    def skip(self, samples: int) -> None:
        """Samples of problems skipped (too long): never generated, off the total."""
        self.bar.total -= samples
        self.bar.refresh()

    def sampled(self, n: int, vllm_speed: str) -> None:
        self.group_samples += n
        match = re.search(r"output: ([\d.]+) toks/s", vllm_speed)
        if match:
            self.tok_s = float(match.group(1))
        self.bar.update(n)  # redraws at most every tqdm mininterval
        self.bar.set_postfix_str(self._postfix(), refresh=False)  # shown from the next redraw

    def scoring(self, requests: int) -> None:
        self.phase, self.score_requests, self.scored_requests = "scoring", requests, 0
        self.score_start = time.perf_counter()
        self.group_sample_s = self.score_start - self.group_start
        self._refresh(force=True)

    def scored(self, n: int, _speed: str) -> None:
        self.scored_requests += n
        self._refresh()

    def verifying(self) -> None:
        self.phase = "verifying"
        self._refresh(force=True)

    def group_done(self, timings: dict[str, float], stats: "Stats") -> None:
        self.sample_s += timings["generate_s"]
        self.after_s += timings["score_s"] + timings["verify_s"]
        self.done_before += self.group_samples
        self.group_samples, self.group_sample_s, self.group_start = 0, 0.0, time.perf_counter()
        self.tok_s = stats.generated_tokens / stats.generate_s if stats.generate_s else self.tok_s
        self.phase = "sampling"
        self._refresh(force=True)

    def close(self) -> None:
        self.bar.close()

    def eta_s(self) -> float | None:
        now = time.perf_counter()
        group_sample_s = now - self.group_start if self.phase == "sampling" else self.group_sample_s
        sampled = self.done_before + self.group_samples
        if sampled == 0:
            return None
        per_sample = (self.sample_s + group_sample_s) / sampled
        ratio = self.after_s / self.sample_s if self.sample_s else self.assumed_ratio
        eta = (self.bar.total - self.bar.n) * per_sample * (1 + ratio)
        if self.phase == "sampling":  # this group's scoring is still to come for what it sampled so far
            eta += self.group_samples * per_sample * ratio
        elif self.phase == "scoring":  # this group's scoring so far tells how long the rest of it takes
            share = self.scored_requests / self.score_requests if self.score_requests else 1.0
            elapsed = now - self.score_start
            eta += elapsed * (1 - share) / share if share > 0 else self.group_samples * per_sample * ratio
        return eta

    def _postfix(self) -> str:
        from tqdm import tqdm

        parts = []
        if self.phase == "scoring":
            parts.append(f"scoring {self.scored_requests}/{self.score_requests}")
        elif self.phase == "verifying":
            parts.append("verifying")
        if self.tok_s is not None:
            parts.append(f"{self.tok_s:.0f} tok/s")
        eta = self.eta_s()
        if eta is not None:
            parts.append(("ETA ~" if not self.sample_s else "ETA ") + tqdm.format_interval(eta))
        return ", ".join(parts)  # tqdm puts ", " before it

    def _refresh(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last_refresh >= self.REFRESH_S:
            self.last_refresh = now
            self.bar.set_postfix_str(self._postfix())

