"""DuckDB views, shipped queries and selection on shards written from hand-made rows."""

import json

import pyarrow as pa
import pytest

from conftest import run_cli, sample_row as row
from expo_data.select.db import connect, run_query, shipped_query
from expo_data.errors import ExpoError
from expo_data.store.schema import rows_to_table
from expo_data.select.selection import export_trl, report, select
from expo_data.store.shards import write_round


def hand_rows(round_=0):
    r = lambda *a, **k: row(*a, round_=round_, **k)  # noqa: E731
    return [
        # p1 (level 1): 1 of 2 attempts correct; two good explanations, the likelier wins.
        r("p1", "attempt", 0, True, -0.5), r("p1", "attempt", 1, False, -0.7),
        r("p1", "explanation", 0, True, -1.0, answer_gain=2.0), r("p1", "explanation", 1, True, -0.8, answer_gain=1.0),
        r("p1", "expert", 0, True, -2.0, answer_gain=3.0),
        # p2 (level 2): hard (no correct attempt); explanation 0 leaks the hint, 1 is good.
        r("p2", "attempt", 0, False, -0.6, level=2), r("p2", "attempt", 1, False, -0.9, level=2),
        r("p2", "explanation", 0, True, -0.4, hint=True, level=2), r("p2", "explanation", 1, True, -1.2, level=2),
        # p3 (level 2): hard and not rescued: its only correct explanation lowers the answer likelihood.
        r("p3", "attempt", 0, False, -0.6, level=2), r("p3", "attempt", 1, False, -0.6, level=2),
        r("p3", "explanation", 0, True, -0.9, answer_gain=-1.0, level=2),
    ]


@pytest.fixture
def round_dir(tmp_path):
    rows = hand_rows()
    out = tmp_path / "round0"
    write_round(out, [rows_to_table([x for x in rows if x["problem_id"] != "p3"]),
                      rows_to_table([x for x in rows if x["problem_id"] == "p3"])],
                {"round": 0, "base_model": "m", "num_problems": 3})
    return out


def test_views(round_dir):
    con = connect([round_dir])
    assert con.execute("SELECT count(*) FROM samples").fetchone()[0] == 12
    problems = {r[0]: r[1:] for r in con.execute(
        "SELECT problem_id, attempts, correct_attempts, pass_at_k, has_positive FROM problems").fetchall()}
    # has_positive is the positive rule's (p3's only correct explanation makes the answer less likely).
    assert problems == {"p1": (2, 1, True, True), "p2": (2, 0, False, True), "p3": (2, 0, False, False)}
    assert con.execute("SELECT round, base_model FROM manifest").fetchall() == [(0, "m")]


def test_select_positives_exact(round_dir):
    table = run_query(connect([round_dir]), shipped_query("select_positives"))
    got = [(r["problem_id"], r["kind"], r["sample_index"], r["positive_rank"]) for r in table.to_pylist()]
    assert got == [("p1", "explanation", 1, 1), ("p2", "explanation", 1, 1)]
    more = run_query(connect([round_dir]), shipped_query("select_positives"),
                     {"per_problem": 5, "include_attempts": True, "min_answer_gain": -5.0})
    got = [(r["problem_id"], r["kind"], r["sample_index"]) for r in more.to_pylist()]
    assert got == [("p1", "attempt", 0), ("p1", "explanation", 1), ("p1", "explanation", 0),
                   ("p2", "explanation", 1), ("p3", "explanation", 0)]


def test_select_pairs_exact(round_dir):
    table = run_query(connect([round_dir]), shipped_query("select_pairs"), {"per_problem": 2})
    got = [(r["problem_id"], r["chosen"], r["rejected"], r["ref_chosen_logp"], r["ref_rejected_logp"])
           for r in table.to_pylist()]
    assert got == [
        ("p1", "explanation1 of p1", "attempt1 of p1", -3.2, -2.8),
        ("p1", "explanation0 of p1", "attempt1 of p1", -4.0, -2.8),  # one wrong attempt: cycles
        ("p2", "explanation1 of p2", "attempt0 of p2", -4.8, -2.4),
    ]


def test_groups_hard_and_report(round_dir):
    con = connect([round_dir])
    groups = run_query(con, shipped_query("select_groups")).to_pylist()
    p1 = [g for g in groups if g["problem_id"] == "p1"]
    assert [g["reward"] for g in p1] == [1.0, 0.0]
    assert p1[0]["advantage"] == pytest.approx(0.5 / (0.5 + 1e-4)) and p1[1]["advantage"] == pytest.approx(-0.5 / (0.5 + 1e-4))
    assert all(g["advantage"] == 0 for g in groups if g["problem_id"] != "p1")
    hard = run_query(con, shipped_query("hard_problems")).to_pylist()
    assert [(h["problem_id"], h["rescued"]) for h in hard] == [("p2", True), ("p3", False)]
    quality = {r["group_key"]: r for r in run_query(con, shipped_query("quality_report")).to_pylist()}
    overall = quality[None]
    assert overall["problems"] == 3 and overall["attempt_accuracy"] == pytest.approx(1 / 6)
    assert overall["pass_at_k"] == pytest.approx(1 / 3) and overall["hard_share"] == pytest.approx(2 / 3)
    assert overall["hint_leak_rate"] == pytest.approx(0.2)
    assert overall["nll_expert"] == pytest.approx(2.0)
    assert overall["nll_attempt"] == pytest.approx((0.5 + 0.7 + 0.6 + 0.9 + 0.6 + 0.6) / 6)
    assert quality["2"]["explanation_accuracy"] == 1.0 and quality["1"]["gain_expert"] == pytest.approx(3.0)


def test_report_groups_by_category_when_there_is_no_level(tmp_path):
    rows = hand_rows()
    for r in rows:
        r["level"], r["category"] = None, {"p1": "Algebra", "p2": "Geometry", "p3": "Algebra"}[r["problem_id"]]
    write_round(tmp_path / "cat", [rows_to_table(rows)], {"round": 0, "base_model": "m", "num_problems": 3})
    con = connect([tmp_path / "cat"])
    quality = {r["group_key"]: r for r in run_query(con, shipped_query("quality_report")).to_pylist()}
    assert set(quality) == {"Algebra", "Geometry", None}
    assert quality["Algebra"]["problems"] == 2 and quality[None]["problems"] == 3
    by_level = run_query(con, shipped_query("quality_report"), {"group_by": "level"}).to_pylist()
    assert [(r["group_key"], r["problems"]) for r in by_level] == [("(none)", 3), (None, 3)]


def test_compare_rounds(round_dir, tmp_path):
    rows = hand_rows(round_=1)
    for r in rows:
        r["is_correct"] = r["is_correct"] or r["kind"] == "attempt"
    write_round(tmp_path / "round1", [rows_to_table(rows)], {"round": 1, "base_model": "m", "num_problems": 3})
    quality, rounds, evals, png = report([round_dir, tmp_path / "round1"], tmp_path / "r.png")
    assert [(r["round"], r["pass_at_k"]) for r in rounds.to_pylist()] == [(0, pytest.approx(1 / 3)), (1, 1.0)]
    assert png.stat().st_size > 10_000


def test_select_writes_files_and_trl_export(round_dir, tmp_path, smollm_dir):
    import datasets

    from expo_data.select.export import load_trl_tokenizer

    record = select(round_dir, {"per_problem": 2}, log=lambda m: None)
    assert record["rows"] == {"positives": 3, "pairs": 3, "groups": 6}
    saved = json.loads((round_dir / "selected" / "selection.json").read_text())
    assert saved["parameters"]["pairs"]["per_problem"] == 2 and len(saved["source_shards"]) == 2
    assert "$min_policy_mean" in saved["queries"]["pairs"]
    with pytest.raises(ExpoError, match="pass --tokenizer"):  # base model "m" is on no machine
        load_trl_tokenizer(round_dir)
    summary = export_trl(round_dir, tmp_path / "trl.parquet", load_trl_tokenizer(round_dir, str(smollm_dir)))
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "trl.parquet"), split="train")
    assert summary.pairs == 3 and not summary.conversational and ds[0]["chosen"] == "explanation1 of p1"
    assert {"prompt", "chosen", "rejected", "ref_chosen_logps", "ref_rejected_logps"} <= set(ds.column_names)


def test_injection_is_bound_as_a_value(round_dir):
    proc = run_cli("expo-data", "sql", round_dir, "SELECT count(*) AS n FROM samples WHERE problem_id = $pid",
                   "--param", "pid=0; DROP VIEW samples", "--format", "json", check=True)
    assert json.loads(proc.stdout) == {"n": 0}
    proc = run_cli("expo-data", "sql", round_dir, "SELECT count(*) AS n FROM samples", "--format", "json", check=True)
    assert json.loads(proc.stdout) == {"n": 12}


def test_sql_cli_file_and_formats(round_dir, tmp_path):
    query = tmp_path / "q.sql"
    query.write_text("SELECT problem_id, completion_token_ids FROM samples WHERE kind = $kind ORDER BY problem_id, sample_index")
    proc = run_cli("expo-data", "sql", round_dir, "-f", query, "-p", "kind=expert", "--format", "csv", check=True)
    assert proc.stdout.splitlines()[:2] == ['"problem_id","completion_token_ids"', '"p1","[0, 1, 2, 3]"']
    out = tmp_path / "o.arrow"
    run_cli("expo-data", "sql", round_dir, "-f", "select_positives", "--format", "arrow", "-o", out, check=True)
    assert pa.ipc.open_file(str(out)).read_all().num_rows == 2
    table = run_cli("expo-data", "sql", round_dir, "SELECT problem_id FROM problems ORDER BY 1", check=True).stdout
    assert "p1" in table and "(3 rows)" in table


@pytest.mark.parametrize("args,message", [
    (["SELECT nope FROM samples"], "SQL error: Binder Error"),
    (["SELECT 1", "--param", "x=1"], "unknown parameter(s) x"),
    (["SELECT $a", "--param", "a"], "malformed parameter 'a'"),
    (["SELECT $a"], "missing value for parameter(s) a"),
])
def test_sql_bad_input(round_dir, args, message):
    proc = run_cli("expo-data", "sql", round_dir, *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_not_a_round_dir_and_corrupt_shard(round_dir, tmp_path):
    proc = run_cli("expo-data", "sql", tmp_path, "SELECT 1")
    assert proc.returncode == 2 and "not a round dir" in proc.stderr
    shard = next((round_dir / "shards").glob("*.arrow"))
    shard.write_bytes(shard.read_bytes()[:-10])
    proc = run_cli("expo-data", "select", round_dir)
    assert proc.returncode == 2 and "is corrupt" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_empty_selection_fails(round_dir):
    proc = run_cli("expo-data", "select", round_dir, "--param", "min_policy_mean=0")
    assert proc.returncode == 2 and "empty selection" in proc.stderr
    with pytest.raises(ExpoError, match="unknown parameter"):
        select(round_dir, {"bogus": 1})


def _one_line_error(proc, message):
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_long_sql_text_runs(round_dir):
    query = "SELECT count(*) AS n FROM samples WHERE " + " OR ".join(f"problem_id = 'p{i}'" for i in range(40))
    assert len(query.encode()) > 255
    proc = run_cli("expo-data", "sql", round_dir, query, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "12"


@pytest.mark.parametrize("content,message", [(b"{not json", "is corrupt (not JSON"), (b"", "is corrupt (not JSON"),
                                             (b"[1, 2]", "is not an expo manifest")])
def test_corrupt_or_empty_manifest_is_one_line(round_dir, content, message):
    (round_dir / "manifest.json").write_bytes(content)
    _one_line_error(run_cli("expo-data", "select", round_dir), message)
    _one_line_error(run_cli("expo-data", "sql", round_dir, "SELECT 1"), message)
    _one_line_error(run_cli("expo-data", "report", round_dir), message)


def test_sidecar_not_json_is_one_line(round_dir):
    next((round_dir / "shards").glob("*.json")).write_text("{oops")
    _one_line_error(run_cli("expo-data", "sql", round_dir, "SELECT 1"), "is corrupt")


def _rewrite_shard(round_dir, transform):
    """Replace the first shard with transform(table) and re-seal its sidecar, as a writer of that
    table would have."""
    import hashlib

    from expo_data.store.shards import read_shard, table_to_ipc_bytes

    shard = sorted((round_dir / "shards").glob("*.arrow"))[0]
    table = transform(read_shard(shard))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    data = sink.getvalue().to_pybytes() if table.schema.metadata else table_to_ipc_bytes(table)
    shard.write_bytes(data)
    sidecar = shard.with_suffix(".json")
    record = json.loads(sidecar.read_text()) | {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    sidecar.write_text(json.dumps(record))


def test_shard_of_another_schema_version_is_one_line(round_dir):
    _rewrite_shard(round_dir, lambda t: t.replace_schema_metadata({"expo.schema_version": "99"}))
    _one_line_error(run_cli("expo-data", "select", round_dir), "has schema version 99")


def test_version_1_round_still_reads_and_selects(round_dir):
    """A round written before `category`/`extra_fields` existed: read with those columns null."""
    _rewrite_shard(round_dir, lambda t: t.drop_columns(["category", "extra_fields"])
                   .replace_schema_metadata({"expo.schema_version": "1"}))
    manifest = json.loads((round_dir / "manifest.json").read_text())
    (round_dir / "manifest.json").write_text(json.dumps(manifest | {"schema_version": 1}))
    con = connect([round_dir])
    assert con.execute("SELECT count(*), count(category) FROM samples").fetchone() == (12, 0)
    assert select(round_dir, log=lambda m: None)["rows"]["pairs"] == 2
