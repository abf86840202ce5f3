"""sql/definitions.sql: the ExPO positive rule and the quality figures, each defined once and checked
against a plain Python computation of the same rules on random rounds."""

import math
import random
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import sample_row
from expo_data.select.db import connect, run_query, shipped_query, sql_dir
from expo_data.store.schema import rows_to_table
from expo_data.store.shards import write_round


def random_round(rng: random.Random, round_: int, problems: int = 40) -> list[dict]:
    rows = []
    for p in range(problems):
        level = rng.choice([1, 2, 3, None])
        for kind, count in (("attempt", rng.randint(0, 4)), ("explanation", rng.randint(0, 3)), ("expert", rng.randint(0, 1))):
            for index in range(count):
                row = sample_row(f"p{p}", kind, index, rng.random() < 0.5, -rng.uniform(0.05, 3.0),
                                 tokens=rng.randint(1, 6), answer_gain=rng.uniform(-2, 2), hint=rng.random() < 0.2,
                                 finish=rng.choice(["stop", "stop", "length"]), level=level, round_=round_)
                row["category"] = rng.choice(["algebra", "geometry", None])
                rows.append(row)
    return rows


def write(tmp_path: Path, rows_by_round: list[list[dict]]) -> list[Path]:
    dirs = []
    for round_, rows in enumerate(rows_by_round):
        out = tmp_path / f"round{round_}"
        write_round(out, [rows_to_table(rows)], {"round": round_, "base_model": "m", "num_problems": 40})
        dirs.append(out)
    return dirs


def reference_candidates(rows, max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts) -> set:
    attempt_lp, attempt_tokens = defaultdict(float), defaultdict(int)
    for r in rows:
        if r["kind"] == "attempt":
            attempt_lp[r["round"], r["problem_id"]] += r["policy_logprob_sum"]
            attempt_tokens[r["round"], r["problem_id"]] += r["num_tokens"]
    out = set()
    for r in rows:
        key = (r["round"], r["problem_id"])
        nll = -attempt_lp[key] / attempt_tokens[key] if attempt_tokens.get(key) else None
        gain = r["answer_logprob"] - r["answer_logprob_base"]
        explanation_ok = (r["kind"] == "explanation" and not r["mentions_answer_hint"]
                          and r["policy_logprob_mean"] >= min_policy_mean
                          and (nll is None or -r["policy_logprob_mean"] <= max_nll_ratio * nll)
                          and gain >= min_answer_gain)
        if r["is_correct"] and r["finish_reason"] == "stop" and (explanation_ok or (r["kind"] == "attempt" and include_attempts)):
            out.add((r["round"], r["problem_id"], r["kind"], r["sample_index"]))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_positive_rule_matches_a_plain_computation(tmp_path, seed):
    rng = random.Random(seed)
    rounds = [random_round(rng, 0), random_round(rng, 1)]
    con = connect(write(tmp_path, rounds))
    rows = rounds[0] + rounds[1]
    for _ in range(5):
        params = (rng.uniform(0.5, 2.5), rng.choice([-100.0, -1.5]), rng.choice([0.0, -1.0, 0.5]), rng.random() < 0.5)
        got = run_query(con, "SELECT round, problem_id, kind, sample_index FROM expo_positive_candidates($a, $b, $c, $d)",
                        dict(zip("abcd", params))).to_pylist()
        assert {tuple(r.values()) for r in got} == reference_candidates(rows, *params)
        # select_positives ranks exactly these candidates, so its rank-1 rows are the likeliest of each problem.
        named = dict(zip(("max_nll_ratio", "min_policy_mean", "min_answer_gain", "include_attempts"), params))
        positives = run_query(con, shipped_query("select_positives"), {**named, "per_problem": 99}).to_pylist()
        assert {(r["round"], r["problem_id"], r["kind"], r["sample_index"]) for r in positives} == reference_candidates(rows, *params)
        rescued = {(r["round"], r["problem_id"]) for r in run_query(con, shipped_query("hard_problems"),
                                                                     {k: v for k, v in named.items() if k != "include_attempts"}).to_pylist()
                   if r["rescued"]}
        explanations = {(c[0], c[1]) for c in reference_candidates(rows, *params[:3], False)}
        solved = {(r["round"], r["problem_id"]) for r in rows if r["kind"] == "attempt" and r["is_correct"]}
        assert rescued == explanations - solved


@pytest.mark.parametrize("seed", range(3))
def test_quality_figures_match_a_plain_computation(tmp_path, seed):
    rng = random.Random(100 + seed)
    rounds = [random_round(rng, 0), random_round(rng, 1)]
    con = connect(write(tmp_path, rounds))
    by_round = {r["round"]: r for r in run_query(con, shipped_query("compare_rounds")).to_pylist()}
    for round_, rows in enumerate(rounds):
        attempts = [r for r in rows if r["kind"] == "attempt"]
        problems = {r["problem_id"] for r in rows}
        solved = {r["problem_id"] for r in attempts if r["is_correct"]}
        figures = by_round[round_]
        assert figures["problems"] == len(problems)
        assert math.isclose(figures["pass_at_k"], len(solved) / len(problems))
        assert math.isclose(figures["attempt_accuracy"], sum(r["is_correct"] for r in attempts) / len(attempts))
        assert math.isclose(figures["nll_attempt"],
                            -sum(r["policy_logprob_sum"] for r in attempts) / sum(r["num_tokens"] for r in attempts))
    # The report's overall row over both rounds is the same definition, grouped differently.
    total = [r for r in run_query(con, shipped_query("quality_report"), {"group_by": "level"}).to_pylist()
             if r["group_key"] is None][0]
    assert total["problems"] == sum(by_round[r]["problems"] for r in by_round)


def test_each_rule_is_written_once():
    bodies = {}
    for resource in sql_dir().iterdir():
        if resource.name.endswith(".sql"):
            bodies[resource.name] = "\n".join(line.split("--", 1)[0] for line in resource.read_text().splitlines())
    for clause in ("max_nll_ratio * attempt_nll", "mentions_answer_hint IS NOT FALSE", "FILTER (WHERE kind = 'attempt') AS nll_attempt"):
        assert [name for name, body in bodies.items() if clause in body] == ["definitions.sql"], clause
