"""expo-train loop and expo-data eval on the tiny model: lineage, skip-on-rerun, the cross-round report."""

import json
import math

import pytest

from conftest import run_cli


@pytest.mark.slow
def test_loop_two_rounds_resumes_and_reports(tiny_model_dir, tmp_path):
    out = tmp_path / "loop"
    args = ["expo-train", "loop", "--rounds", 2, "--out", out, "--model", tiny_model_dir, "--loss", "expert-sft",
            "--limit", 4, "--eval-limit", 3, "--attempts", 2, "--explanations", 1, "--max-tokens", 8, "--k", 2,
            "--shards", 2, "--max-steps", 2, "--batch-size", 2, "--enforce-eager", "--no-progress", "--report-to",
            "tensorboard"]
    first = run_cli(*args, check=True)
    # --report-to: each round's training curves in its dir, the rounds' held-out accuracy as one curve in OUT.
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    heldout = EventAccumulator(str(out / "tensorboard"))
    heldout.Reload()
    greedy_curve = [(e.step, e.value) for e in heldout.Scalars("heldout/pass_at_1_greedy")]
    assert [step for step, _ in greedy_curve] == [0, 1, 2]
    assert greedy_curve[1][1] == json.loads((out / "round1" / "eval" / "eval.json").read_text())["pass_at_1_greedy"]["all"]
    for r in (1, 2):
        train = EventAccumulator(str(out / f"round{r}" / "tensorboard"))
        train.Reload()
        assert [e.step for e in train.Scalars("loss")] == [1, 2]
    for stage in ("generate", "train", "eval"):
        assert "round 2 done" in first.stderr and f"{stage} " in first.stderr
    round2 = json.loads((out / "round2" / "manifest.json").read_text())
    assert round2["adapter"] == str((out / "round1" / "adapter").resolve())
    assert round2["lineage"]["parent_round_dir"] == str(out / "round1") and round2["lineage"]["parent_adapter_sha256"]
    for r in (0, 1, 2):
        record = json.loads((out / f"round{r}" / "eval" / "eval.json").read_text())
        assert set(record["pass_at_1_greedy"]) >= {"1", "2", "3", "all"} and "pass_at_2" in record
    assert (out / "report.png").stat().st_size > 10_000
    # Eval passes measure accuracy only: attempts, no expert rows, no answer-suffix scoring.
    from expo_data.store.shards import load_round

    greedy = load_round(out / "round1" / "eval" / "greedy").to_pylist()
    assert {r["kind"] for r in greedy} == {"attempt"} and all(math.isnan(r["answer_logprob"]) for r in greedy)
    assert json.loads((out / "round1" / "eval" / "greedy" / "manifest.json").read_text())["score_answers"] is False

    again = run_cli(*args, check=True)
    assert again.stderr.count("nothing to do") == 2 + 3 * 2  # round1, round2 data; greedy + sampled evals x3
    assert again.stderr.count("adapter is current, skipped") == 2

    report = run_cli("expo-data", "report", out, check=True)
    assert "Rounds side by side" in report.stdout and "Held-out accuracy" in report.stdout


def test_eval_bad_adapter(tiny_model_dir, tmp_path):
    proc = run_cli("expo-data", "eval", "--model", tiny_model_dir, "--out", tmp_path / "e", "--adapter", tmp_path)
    assert proc.returncode == 2 and "no adapter_config.json" in proc.stderr


@pytest.mark.slow
def test_loop_round_without_positives_keeps_the_policy_and_goes_on(tiny_model_dir, tmp_path):
    """A random tiny model writes no correct explanation: every selection is empty. The loop
    records that, keeps the policy and resamples; the eval set follows --limit."""
    out = tmp_path / "empty"
    proc = run_cli("expo-train", "loop", "--rounds", 2, "--out", out, "--model", tiny_model_dir, "--limit", 2,
                   "--attempts", 2, "--explanations", 1, "--max-tokens", 8, "--k", 2, "--shards", 1,
                   "--dtype", "float32", "--no-progress", check=True)
    assert proc.stderr.count("no training data") == 2 and "plan: 2 rounds" in proc.stderr
    for r in (1, 2):
        status = json.loads((out / f"round{r}" / "round_status.json").read_text())
        assert status["status"] == "no training data" and status["adapter"] is None
    round2 = json.loads((out / "round2" / "manifest.json").read_text())
    assert round2["adapter"] is None and round2["seed"] != json.loads((out / "round1" / "manifest.json").read_text())["seed"]
    assert json.loads((out / "round0" / "eval" / "eval.json").read_text())["limit"] == 2


def test_eval_dir_of_an_earlier_version_keeps_its_scoring(tmp_path):
    from expo_data.evaluate import _unscored_unless_old
    from expo_data.generate import GenerateConfig

    assert _unscored_unless_old(GenerateConfig(out=tmp_path / "new")).score_answers is False
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text(json.dumps({"config_hash": "x", "schema_version": 2, "shards": 1, "round": 0}))
    assert _unscored_unless_old(GenerateConfig(out=tmp_path / "old")).score_answers is True


def test_the_loop_retrains_when_the_data_its_adapter_was_trained_on_changed(tmp_path):
    """A new selection (after a regrade, say) makes the round's adapter out of date even with the same
    settings; a summary written before the data was recorded keeps counting as current."""
    import shutil
    from pathlib import Path

    from expo_data.store.schema import RoundDir
    from expo_train.loop import training_is_current
    from expo_train.trainer import TrainConfig, config_key, trained_on

    data = tmp_path / "round"
    shutil.copytree(Path(__file__).parent / "fixtures" / "round_v2", data)
    rd, cfg = RoundDir(data), TrainConfig(data=data)
    (data / "adapter").mkdir()
    (data / "adapter" / "adapter_config.json").write_text("{}")
    rd.train_summary.write_text(json.dumps({"config_key": config_key(cfg), "trained_on": trained_on(rd)}))
    assert training_is_current(cfg)
    record = json.loads(rd.selection_record.read_text())
    rd.selection_record.write_text(json.dumps(dict(record, parameters={"positives": {"per_problem": 3}})))
    assert not training_is_current(cfg)
    rd.train_summary.write_text(json.dumps({"config_key": config_key(cfg)}))
    assert training_is_current(cfg)
