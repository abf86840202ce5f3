"""The generate progress bar moves inside a group (vLLM reports each finished request), shows tok/s,
and its ETA counts the scoring and verification passes still to come."""

import re

import pytest

from conftest import run_cli
from expo_data.generate import driver as gen


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_eta_counts_the_scoring_pass(monkeypatch, capsys):
    clock = Clock()
    monkeypatch.setattr(gen.time, "perf_counter", clock)
    progress = gen.Progress(100, enabled=True)
    progress.start_group()
    clock.now = 10.0
    progress.sampled(50, "est. speed input: 99.00 toks/s, output: 12.50 toks/s")
    # 0.2 s a sample; before any group is done, scoring is assumed to cost what sampling did: the 50
    # samples still to sample (x2), plus scoring the 50 sampled.
    assert progress.eta_s() == pytest.approx(50 * 0.2 * 2 + 50 * 0.2)
    assert progress.tok_s == 12.5 and "ETA ~" in progress._postfix()
    progress.scoring(10)
    clock.now = 15.0
    progress.scored(5, "")
    # Half the group's scoring took 5 s: 5 s more for it, then the rest.
    assert progress.eta_s() == pytest.approx(50 * 0.2 * 2 + 5)
    assert "scoring 5/10" in progress._postfix()
    progress.group_done({"generate_s": 10.0, "score_s": 19.0, "verify_s": 1.0}, gen.Stats(generated_tokens=500, generate_s=10.0))
    # Measured now: scoring + verifying cost twice the sampling.
    assert progress.eta_s() == pytest.approx(50 * 0.2 * 3)
    assert progress._postfix() == "50 tok/s, ETA 00:30"
    progress.skip(20)  # a skipped problem's samples leave the total
    assert progress.eta_s() == pytest.approx(30 * 0.2 * 3)
    progress.close()


@pytest.mark.slow
def test_bar_moves_within_one_group(tiny_model_dir, tmp_path):
    """One group of 8 problems x (2 attempts + 2 explanations): the bar passes through intermediate
    counts before the group is scored and written, and names the scoring pass."""
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", tmp_path / "r", "--limit", 8,
                   "--shards", 1, "--group-problems", 64, "--attempts", 2, "--explanations", 2, "--max-tokens", 16,
                   "--enforce-eager", "--dtype", "float32", "--max-model-len", 512, "--progress",
                   env={"TQDM_MININTERVAL": "0"}, check=True)
    frames = [f for f in re.split(r"[\r\n]", proc.stderr) if " samples [" in f]
    counts = [tuple(map(int, re.search(r"(\d+)/(\d+) samples", f).groups())) for f in frames]
    assert counts and {total for _, total in counts} == {32}
    done = [n for n, _ in counts]
    assert done == sorted(done) and done[-1] == 32
    assert any(0 < n < 32 for n in done), frames  # moved before the group was done
    assert any("tok/s" in f and "ETA" in f for f, n in zip(frames, done) if n < 32), frames
    assert any("scoring" in f for f in frames), frames
