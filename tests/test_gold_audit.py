"""The gold audit (issue 26): every gold read when the plan is made, counted by type in the plan's output and
the manifest, the golds read only as text or only partly listed by row and id; rows carry their gold's type
and `report --by gold_type` groups accuracy by it. In-process, on a small real problems file and real rounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expo_data.generate.gold_audit import SHOWN, audit_golds, gold_type
from expo_data.generate.problems import Problem

GOLDS = ["42", "\\frac{3}{5}", "floor(k/3)", "m=4, n=9", "(C)", "Yes", "2^floor(n/2) foo(n)", "[2, 5)",
         "no such integers exist", "y = 2x + 1"]


def problems_file(tmp_path: Path, golds: list[str]) -> Path:
    path = tmp_path / "problems.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"Q{i}?", "answer": g}) + "\n"
                            for i, g in enumerate(golds)))
    return path


def test_audit_counts_by_type_and_lists_text_and_partial_golds_by_row_and_id():
    audit = audit_golds([Problem(f"q{i}", "Q?", g) for i, g in enumerate(GOLDS)])
    assert audit.counts == {"number": 2, "expression": 2, "named": 1, "choice": 1, "text": 2, "interval": 1,
                            "equation": 1}
    assert audit.statuses == {"ok": 8, "text": 1, "partial": 1}
    assert [(row, pid, status) for row, pid, _, status, _ in audit.flagged] == [(5, "q5", "text"), (6, "q6", "partial")]
    lines = audit.lines("problems.jsonl")
    assert lines[0].startswith("golds: 10 read (")
    assert "1 only partly, 1 only as text" in lines[0]
    assert any("row 6 (line 7 of a JSONL file), id q6: '2^floor(n/2) foo(n)': partly read" in line for line in lines)
    assert audit.record() == {"by_type": dict(sorted(audit.counts.items())),
                              "by_status": {"ok": 8, "partial": 1, "text": 1}, "flagged": 2,
                              "from_solutions": 0}


def test_audit_lists_the_first_golds_then_a_count():
    names = ["".join("abcdefghij"[int(d)] for d in str(i)) for i in range(SHOWN + 7)]
    audit = audit_golds([Problem(f"q{i}", "Q?", f"player {name} wins") for i, name in enumerate(names)])
    lines = audit.lines("x.jsonl")
    assert sum(line.startswith("  row ") for line in lines) == SHOWN
    assert "  ... and 7 more" in lines


def test_dry_run_plan_reports_the_gold_audit_and_the_manifest_records_it(tmp_path, monkeypatch):
    from expo_data.generate import plan as gen

    monkeypatch.setattr(gen, "resolve_model", lambda model, log=print: str(tmp_path))
    monkeypatch.setattr(gen, "fingerprint_dir", lambda path: None)
    monkeypatch.setattr(gen, "resolve_dtype", lambda requested, model, on_cpu: ("float32", "test"))
    logged: list[str] = []
    cfg = gen.GenerateConfig(out=tmp_path / "out", problems=str(problems_file(tmp_path, GOLDS)), shards=2, dry_run=True)
    _, plan = gen.prepare(cfg, log=logged.append)
    assert logged[0].startswith("plan: 10 problems")
    assert logged[1].startswith("golds: 10 read (") and "1 only partly, 1 only as text" in logged[1]
    assert any("id q6" in line and "partly read" in line for line in logged)
    assert plan.manifest["gold_audit"]["by_type"]["number"] == 2
    assert not (tmp_path / "out").exists()  # a dry run writes nothing
    # The audit is no part of the round's identity: the same run without it hashes the same.
    assert "gold_audit" not in json.dumps({k: v for k, v in plan.manifest.items() if k == "config_hash"})


def test_gold_type_of_rows_and_report_by_gold_type(tmp_path):
    from conftest import sample_row
    from expo_data.select.db import connect, run_query, shipped_query
    from expo_data.store.schema import rows_to_table
    from expo_data.store.shards import load_round, write_round

    rows = []
    for pid, gold, correct in (("p0", "42", [True, False]), ("p1", "floor(k/3)", [False, False]),
                               ("p2", "Yes", [True, True])):
        for i, ok in enumerate(correct):
            rows.append(sample_row(pid, "attempt", i, ok, -1.0) | {"reference_answer": gold, "gold_type": gold_type(gold)})
    write_round(tmp_path / "r", [rows_to_table(rows)], {"round": 0, "base_model": "m", "num_problems": 3})
    assert set(load_round(tmp_path / "r").column("gold_type").to_pylist()) == {"number", "expression", "text"}
    table = run_query(connect([tmp_path / "r"]), shipped_query("quality_report"), {"group_by": "gold_type"})
    accuracy = {r["group_key"]: r["attempt_accuracy"] for r in table.to_pylist()}
    assert accuracy == {"number": 0.5, "expression": 0.0, "text": 1.0, None: 0.5}


def test_old_round_reads_gold_type_as_null_and_groups_it_apart():
    from expo_data.select.db import connect, run_query, shipped_query

    fixture = Path(__file__).parent / "fixtures" / "round_v2"
    table = run_query(connect([fixture]), shipped_query("quality_report"), {"group_by": "gold_type"})
    assert {r["group_key"] for r in table.to_pylist()} == {"(none)", None}


@pytest.mark.parametrize("bad", ["banana", "gold"])
def test_report_refuses_an_unknown_grouping(tmp_path, bad):
    from expo_data.errors import ExpoError
    from expo_data.select.selection import report

    with pytest.raises(ExpoError, match="group_by must be auto, level or category"):
        report([Path(__file__).parent / "fixtures" / "round_v2"], None, group_by=bad)


def test_the_pooled_audit_reads_as_one_process_does(monkeypatch):
    """Many distinct golds are read in a process pool: the same audit, rows and flags as read one by one."""
    import random

    from expo_data.generate import gold_audit
    from expo_data.generate.problems import Problem

    rng = random.Random(7)
    forms = ["{a}", "-{a}.5", "\\frac{{{a}}}{{{b}}}", "({a}, {b})", "x = {a}", "{a}\\sqrt{{{b}}}", "the value {a} for all n",
             "no such {a}", "[{a}, {b})", "m={a}, n={b}"]
    problems = [Problem(id=f"p{i}", question="Q", answer=rng.choice(forms).format(a=rng.randint(1, 60), b=rng.randint(2, 60)))
                for i in range(400)]
    alone = gold_audit.audit_golds(problems)
    gold_audit.gold_reading.cache_clear()
    monkeypatch.setattr(gold_audit, "POOL_FROM", 10)
    monkeypatch.setattr(gold_audit.os, "cpu_count", lambda: 2)
    pooled = gold_audit.audit_golds(problems)
    assert pooled.counts == alone.counts and pooled.statuses == alone.statuses and pooled.flagged == alone.flagged
    assert sum(pooled.counts.values()) == 400 and len(pooled.counts) > 3
