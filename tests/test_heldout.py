"""The loop's held-out problems (issue 29): with --problems a file and no --eval-problems, a seeded split
of that file, disjoint from training and named with its size in the plan line; never the built-in set."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.errors import ExpoError
from expo_data.generate.problems import Problem, load_problems
from expo_train.heldout import needs_split, split


def _problems(n):
    return [Problem(id=f"p{i}", question=f"What is {i} + 1?", answer=str(i + 1)) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 300), st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_split_is_a_seeded_disjoint_partition(n, seed, rng):
    problems = _problems(n)
    train, held = split(problems, seed)
    assert {p.id for p in train}.isdisjoint({p.id for p in held})
    assert sorted(p.id for p in train + held) == sorted(p.id for p in problems)
    assert len(held) == min(max(1, round(0.2 * n)), n - 1) and train
    shuffled = problems[:]
    rng.shuffle(shuffled)  # the file's row order does not change which problems are held out
    assert {p.id for p in split(shuffled, seed)[1]} == {p.id for p in held}
    assert [p.id for p in held] == [p.id for p in problems if p in held]  # file order kept


def test_split_needs_two_problems_and_only_for_files():
    with pytest.raises(ExpoError, match="needs at least 2"):
        split(_problems(1), 0)
    assert needs_split("gsm.jsonl", None) and not needs_split("builtin:arith", None)
    assert not needs_split("gsm.jsonl", "other.jsonl")


@pytest.mark.parametrize("eval_problems", [None, "builtin:arith:test"])
def test_loop_plan_holds_out_a_split_of_the_problems_file(tmp_path, monkeypatch, eval_problems):
    from cli.train import main
    from expo_train import loop

    source = tmp_path / "gsm.jsonl"
    source.write_text("".join(json.dumps({"question": f"Q{i}?", "answer": f"#### {i}", "id": f"g{i}"}) + "\n"
                              for i in range(20)))
    captured = {}

    class Stop(Exception):
        pass

    def capture(rounds, out, gen, train, eval_cfg, k, **kwargs):
        captured.update(gen=gen, eval_cfg=eval_cfg)
        raise Stop

    monkeypatch.setattr(loop, "run_loop", capture)
    monkeypatch.setattr("expo_data.model.resolve_model", lambda model, log=None: "the-model")
    out = tmp_path / "loop"
    args = ["loop", "--out", str(out), "--problems", str(source), "--limit", "8", "--eval-limit", "3"]
    result = CliRunner().invoke(main, args + (["--eval-problems", eval_problems] if eval_problems else []))
    assert "Stop" in result.output and captured, result.output
    gen, eval_cfg = captured["gen"], captured["eval_cfg"]
    if eval_problems:  # given: used as given, nothing split or written
        assert eval_cfg.problems == eval_problems and gen.problems == str(source) and not (out / "problems").exists()
        return
    assert eval_cfg.problems == str(out / "problems" / "heldout.jsonl") and eval_cfg.limit == 3
    assert gen.problems == str(out / "problems" / "train.jsonl") and gen.limit == 8
    train, held = load_problems(gen.problems, gen.fields), load_problems(eval_cfg.problems, eval_cfg.fields)
    assert len(held) == 4 and len(train) == 16 and {p.id for p in train}.isdisjoint({p.id for p in held})
    assert {p.id: p.answer for p in train + held} == {f"g{i}": str(i) for i in range(20)}  # GSM8K answers kept
    assert "held-out: 3 of 4 problems split off" in result.output and "builtin" not in result.output


def test_loop_quiets_the_engines_unless_verbose(monkeypatch):
    """The loop's stage processes inherit VLLM_LOGGING_LEVEL=ERROR and ignored Python warnings; --verbose
    shows vLLM's INFO; a level the user set wins either way."""
    import logging

    import cli.common as common

    for name in ("VLLM_LOGGING_LEVEL", "PYTHONWARNINGS"):
        monkeypatch.setenv(name, "placeholder")  # restored after the test
        monkeypatch.delenv(name)
    monkeypatch.setattr(common, "_USER_VLLM_LEVEL", None)
    monkeypatch.setattr(logging.getLogger("vllm"), "level", logging.getLogger("vllm").level)
    common.quiet_engines(verbose=False)
    assert common.os.environ["VLLM_LOGGING_LEVEL"] == "ERROR" and common.os.environ["PYTHONWARNINGS"] == "ignore"
    assert logging.getLogger("vllm").level == logging.ERROR
    common.quiet_engines(verbose=True)
    assert common.os.environ["VLLM_LOGGING_LEVEL"] == "INFO"
    monkeypatch.setattr(common, "_USER_VLLM_LEVEL", "DEBUG")
    common.quiet_engines(verbose=False)
    assert common.os.environ["VLLM_LOGGING_LEVEL"] == "DEBUG"
