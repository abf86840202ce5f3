"""The ExPO rule lives in SQL only (issue 30): expo_sample_roles (sql/definitions.sql) says each sample's
role and the first clause of the positive rule it fails; it agrees with the tables `expo-data select`
writes on random rounds, its first failed clause with a plain computation in the rule's order; no module
of the package compares against the rule's thresholds; their defaults are declared once; `expo-data
eval`'s figures are the quality figures'."""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import sample_row
from expo_data.select.db import bind, connect, declared_params, run_query, shipped_query, sql_dir
from expo_data.errors import EmptySelection
from expo_data.store.schema import RoundDir, rows_to_table
from expo_data.select import select
from expo_data.store.shards import write_round
from test_sql_definitions import random_round

ROOT = Path(__file__).resolve().parent.parent
RULE = ("max_nll_ratio", "min_policy_mean", "min_answer_gain", "include_attempts", "per_problem")
ROLES_SQL = "SELECT * FROM expo_sample_roles($max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts, $per_problem)"


def first_failed_clause(row: dict, attempt_nll: float | None, p: dict) -> str | None:
    """The rule in plain Python, clause by clause in the order definitions.sql checks them."""
    gain = row["answer_logprob"] - row["answer_logprob_base"]
    mean = row["policy_logprob_mean"]
    if row["kind"] == "attempt" and not p["include_attempts"]:
        return "attempt"
    if row["kind"] not in ("attempt", "explanation"):
        return "expert"
    if not row["is_correct"]:
        return "incorrect"
    if row["finish_reason"] != "stop":
        return "unfinished"
    if row["kind"] == "attempt":
        return None
    if row["mentions_answer_hint"]:
        return "hint"
    if math.isnan(mean) or not mean >= p["min_policy_mean"]:
        return "min_policy_mean"
    if attempt_nll is not None and not -mean <= p["max_nll_ratio"] * attempt_nll:
        return "max_nll_ratio"
    if math.isnan(gain) or not gain >= p["min_answer_gain"]:
        return "min_answer_gain"
    return None


def random_params(rng: random.Random) -> dict:
    return {"max_nll_ratio": rng.uniform(0.5, 2.5), "min_policy_mean": rng.choice([-100.0, -1.5]),
            "min_answer_gain": rng.choice([0.0, -1.0, 0.5]), "include_attempts": rng.random() < 0.3,
            "per_problem": rng.choice([1, 2])}


def write_one(tmp_path: Path, rows: list[dict], name: str = "round0") -> Path:
    out = tmp_path / name
    write_round(out, [rows_to_table(rows)], {"round": rows[0]["round"], "base_model": "m", "num_problems": 40})
    return out


@pytest.mark.parametrize("seed", range(6))
def test_roles_agree_with_the_selected_tables(tmp_path, seed):
    """On a random round and random parameters, the role of each sample is the one `expo-data select`
    gave it: positives (with their rank) are positives.arrow's rows, pair_chosen and pair_rejected are
    pairs.arrow's sides, every other candidate is ranked out, every other sample names a failed clause."""
    rng = random.Random(seed)
    rows = random_round(rng, 0)
    out = write_one(tmp_path, rows)
    params = random_params(rng)
    try:
        select(out, params, log=lambda m: None)
    except EmptySelection:
        pytest.skip("no positive in this random round")  # the seeds are chosen so that this does not happen
    rd = RoundDir(out)
    positives = {(r["problem_id"], r["kind"], r["sample_index"]): r["positive_rank"]
                 for r in rd.selected_table("positives").to_pylist()}
    pairs = rd.selected_table("pairs").to_pylist()
    # Pairs name their rows by content: within a problem, completion token ids are distinct per kind here.
    by_ids = {(r["problem_id"], r["kind"], tuple(r["completion_token_ids"]), r["completion"]): r["sample_index"]
              for r in rows}
    chosen = {(p["problem_id"], p["chosen_kind"], by_ids[p["problem_id"], p["chosen_kind"], tuple(p["chosen_token_ids"]), p["chosen"]])
              for p in pairs}
    rejected = defaultdict(list)
    for p in pairs:
        index = by_ids[p["problem_id"], "attempt", tuple(p["rejected_token_ids"]), p["rejected"]]
        rejected[p["problem_id"], "attempt", index].append(p["pair_rank"])
    roles = run_query(connect([out]), ROLES_SQL, params).to_pylist()
    assert len(roles) == len(rows)
    for r in roles:
        key = (r["problem_id"], r["kind"], r["sample_index"])
        assert r["positive_rank"] == positives.get(key)
        assert r["pair_chosen"] == (key in chosen)
        assert r["rejected_ranks"] == sorted(rejected.get(key, []))
        expected = ("positive" if key in positives else "pair_rejected" if key in rejected
                    else "ranked_out" if r["failed_clause"] is None else "not_selected")
        assert r["role"] == expected, (key, r)
        assert r["why"] is not None
    assert {r["role"] for r in roles} >= {"positive", "not_selected"}


@pytest.mark.parametrize("seed", range(4))
def test_first_failed_clause_matches_a_plain_computation(tmp_path, seed):
    rng = random.Random(50 + seed)
    rows = random_round(rng, 0)
    for row in rng.sample(rows, 6):  # unscored values: no evidence for property 1 or 2
        row["policy_logprob_mean" if rng.random() < 0.5 else "answer_logprob"] = float("nan")
    con = connect([write_one(tmp_path, rows)])
    attempt_lp, attempt_tokens = defaultdict(float), defaultdict(int)
    for r in rows:
        if r["kind"] == "attempt":
            attempt_lp[r["problem_id"]] += r["policy_logprob_sum"]
            attempt_tokens[r["problem_id"]] += r["num_tokens"]
    for _ in range(4):
        params = random_params(rng)
        got = {(r["problem_id"], r["kind"], r["sample_index"]): r["failed_clause"]
               for r in run_query(con, ROLES_SQL, params).to_pylist()}
        for r in rows:
            nll = -attempt_lp[r["problem_id"]] / attempt_tokens[r["problem_id"]] if attempt_tokens[r["problem_id"]] else None
            assert got[r["problem_id"], r["kind"], r["sample_index"]] == first_failed_clause(r, nll, params), r


def test_the_why_names_the_failed_clause_and_its_values(tmp_path):
    rows = [sample_row("p", "attempt", 0, True, -1.0, tokens=4), sample_row("p", "attempt", 1, False, -0.5, tokens=4),
            sample_row("p", "explanation", 0, True, -3.0, tokens=4),  # NLL 3.0 > 2.0 x 0.75
            sample_row("p", "explanation", 1, True, -1.0, answer_gain=-0.25),
            sample_row("p", "explanation", 2, True, -0.9, answer_gain=2.0)]
    params = bind(shipped_query("select_positives"), {})
    why = {(r["kind"], r["sample_index"]): r["why"] for r in run_query(connect([write_one(tmp_path, rows)]), ROLES_SQL, params).to_pylist()}
    assert why["explanation", 0] == "not selected: NLL/token 3.000 > 2.0 x the attempts' 0.750"
    assert why["explanation", 1] == "not selected: answer gain -0.250 < min_answer_gain 0.0"
    assert why["explanation", 2].startswith("positive #1 (most likely under the policy first, per_problem=1)")
    assert why["explanation", 2].endswith("; pair chosen")
    assert why["attempt", 1].startswith("pair rejected")


def test_no_module_applies_the_rule_thresholds():
    """The rule's thresholds are SQL's: no Python module of the package names them in a comparison or
    holds their default values (a second copy of the rule would drift from definitions.sql)."""
    names = "|".join(RULE[:3])
    compared = re.compile(rf"(?:[<>]=?|==|!=)\s*[\w\[\]\"'.()]*\b({names})\b|\b({names})\b[\w\]\"')]*\s*(?:[<>]=?|==|!=)")
    declared = re.compile(r"\b(max_nll_ratio|min_policy_mean|min_answer_gain)\b\s*[:=]\s*-?\d")
    offenders = []
    for package in ("expo_data", "expo_train", "cli"):
        for path in sorted((ROOT / package).glob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if compared.search(line) or declared.search(line) or "attempt_nll" in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_check_above_can_fail():
    line = 'if row["policy_logprob_mean"] >= p["min_policy_mean"]:'
    names = "|".join(RULE[:3])
    compared = re.compile(rf"(?:[<>]=?|==|!=)\s*[\w\[\]\"'.()]*\b({names})\b")
    assert compared.search(line)


def test_the_defaults_are_declared_once():
    """Each rule parameter's default is declared in definitions.sql alone; every shipped query that takes
    it gets that default."""
    declaring = defaultdict(list)
    for resource in sql_dir().iterdir():
        if resource.name.endswith(".sql"):
            for name in re.findall(r"\$([A-Za-z_]\w*)\s*=", resource.read_text()):
                declaring[name].append(resource.name)
    assert {name: declaring[name] for name in RULE} == {name: ["definitions.sql"] for name in RULE}
    defaults = declared_params("")
    assert defaults == {"max_nll_ratio": 2.0, "min_policy_mean": -100.0, "min_answer_gain": 0.0, "per_problem": 1,
                        "include_attempts": False}
    for query in ("select_positives", "select_pairs", "hard_problems"):
        bound = bind(shipped_query(query), {})
        assert bound == {k: v for k, v in defaults.items() if k in bound} and "max_nll_ratio" in bound


@pytest.mark.parametrize("seed", range(3))
def test_eval_figures_are_the_quality_figures(tmp_path, seed):
    """`expo-data eval`'s per-level pass@k and accuracy: a plain computation on random eval rounds."""
    from expo_data.evaluate import figures

    rng = random.Random(200 + seed)
    rows = [sample_row(f"p{p}", "attempt", i, rng.random() < 0.5, -1.0, level=level)
            for p, level in ((p, rng.choice([1, 2, 3])) for p in range(20)) for i in range(4)]
    got = figures(write_one(tmp_path, rows))
    solved = defaultdict(list)
    for r in rows:
        solved[str(r["level"]), r["problem_id"]].append(r["is_correct"])
    groups = defaultdict(list)
    for (level, _), results in solved.items():
        groups[level].append(results)
        groups["all"].append(results)
    assert got.keys() == groups.keys()
    for level, problems in groups.items():
        assert got[level]["problems"] == len(problems)
        assert math.isclose(got[level]["pass_at_k"], sum(any(g) for g in problems) / len(problems))
        assert math.isclose(got[level]["accuracy"], sum(sum(g) / len(g) for g in problems) / len(problems))


def test_eval_without_levels_or_categories_names_no_none_group(tmp_path):
    from expo_data.evaluate import figures

    rows = [sample_row(f"p{p}", "attempt", 0, p % 2 == 0, -1.0, level=None) for p in range(4)]
    assert figures(write_one(tmp_path, rows)) == {"all": {"problems": 4, "pass_at_k": 0.5, "accuracy": 0.5}}
