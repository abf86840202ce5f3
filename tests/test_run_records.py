"""A run's records live with its adapter (issue 29, item 2): train_metrics.jsonl, train_config.json,
train_summary.json and checkpoints/ of a run with --out OUT go to OUT.run, so a second run never replaces
the round's first run's records, and --resume finds its own run's checkpoints."""

import hashlib
import json
import shutil

import pytest

from expo_data.errors import ExpoError
from expo_data.store.schema import RoundDir

RECORDS = ("train_metrics.jsonl", "train_config.json", "train_summary.json", "checkpoints")


def _snapshot(round_dir):
    """Every record file of the round's run, by relative path -> sha256."""
    files = [p for name in RECORDS for p in ([round_dir / name] if (round_dir / name).is_file()
                                             else sorted((round_dir / name).rglob("*")))]
    return {str(p.relative_to(round_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def test_records_place_is_the_round_or_beside_out(tiny_round, tmp_path):
    from expo_train.staging import resolve_setup
    from expo_train.trainer import TrainConfig

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    default = resolve_setup(TrainConfig(data=data))
    assert default.records.location == RoundDir(data).location and default.work.train_metrics == data / "train_metrics.jsonl"
    elsewhere = resolve_setup(TrainConfig(data=data, out=tmp_path / "adapters" / "a1"))
    assert elsewhere.work.local() == tmp_path / "adapters" / "a1.run"
    assert elsewhere.work.checkpoints == tmp_path / "adapters" / "a1.run" / "checkpoints"
    assert elsewhere.out_dir == tmp_path / "adapters" / "a1"
    (tmp_path / "adapters" / "b.run").parent.mkdir(exist_ok=True)
    (tmp_path / "adapters" / "b.run").write_text("not a dir")
    with pytest.raises(ExpoError, match=r"b\.run .* exists and is not a directory"):
        resolve_setup(TrainConfig(data=data, out=tmp_path / "adapters" / "b"))


@pytest.mark.slow
def test_a_second_run_elsewhere_leaves_the_rounds_records_and_resumes_its_own(tiny_round, tmp_path):
    from expo_train import trainer

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    common = dict(loss="exp-sft", batch_size=2, lora_r=4, progress=False, save_every=1)
    trainer.train_round(trainer.TrainConfig(data=data, max_steps=2, **common), log=lambda m: None)
    before = _snapshot(data)
    assert {"train_metrics.jsonl", "train_config.json", "train_summary.json"} <= before.keys()
    assert any(k.startswith("checkpoints/step-000002/") for k in before)

    out = tmp_path / "adapters" / "other"
    logged = []
    summary = trainer.train_round(trainer.TrainConfig(data=data, out=out, max_steps=1, lr=1e-3, **common),
                                  log=logged.append)
    run_dir = tmp_path / "adapters" / "other.run"
    assert summary["records"] == str(run_dir) and f"records -> {run_dir}" in logged[-1]
    assert (out / "adapter_config.json").is_file() and not (out / "train_metrics.jsonl").exists()
    assert [json.loads(line)["step"] for line in (run_dir / "train_metrics.jsonl").read_text().splitlines()] == [1]
    assert json.loads((run_dir / "train_config.json").read_text())["lr"] == 1e-3
    assert (run_dir / "checkpoints" / "step-000001" / "trainer_state.pt").is_file()
    assert _snapshot(data) == before  # the round's run: every record byte for byte

    logged.clear()
    trainer.train_round(trainer.TrainConfig(data=data, out=out, max_steps=2, lr=1e-3, resume=True, **common),
                        log=logged.append)
    assert any(f"resumed from {run_dir / 'checkpoints' / 'step-000001'} at step 1" in m for m in logged), logged
    assert [json.loads(line)["step"] for line in (run_dir / "train_metrics.jsonl").read_text().splitlines()] == [1, 2]
    assert _snapshot(data) == before


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["exp-sft", "exp-dpo+sft"])
def test_grad_norm_of_one_step_is_the_same_for_n_x_1_1_x_n_and_2_x_half(tiny_round, tmp_path, loss):
    """The issue's bar through train_round: one step over the same n examples as batch n x 1, 1 x n and
    2 x ceil(n/2) logs the same grad_norm (within 1%; fp32 gives ~1e-6) and loss."""
    from expo_train import trainer
    from expo_train.objectives import OBJECTIVES

    logged = []
    for name, (batch, accum) in {"n": (None, 1), "one": (1, None), "two": (2, None)}.items():
        data = tmp_path / name
        shutil.copytree(tiny_round, data)
        if not logged:
            trainer.ensure_selection(data, lambda m: None)
            n = len(OBJECTIVES[loss].load(data))
            assert n >= 3
        batch = batch or n
        accum = accum or -(-n // batch)
        trainer.train_round(trainer.TrainConfig(data=data, loss=loss, batch_size=batch, grad_accum=accum, max_steps=1,
                                                lora_r=4, lora_dropout=0.0, progress=False), log=lambda m: None)
        [metrics] = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
        assert metrics["micro_batches"] == accum
        logged.append(metrics)
    for metrics in logged[1:]:
        assert metrics["grad_norm"] == pytest.approx(logged[0]["grad_norm"], rel=1e-2)
        assert metrics["loss"] == pytest.approx(logged[0]["loss"], rel=1e-4)


@pytest.mark.slow
def test_report_to_tensorboard_from_the_cli_writes_the_runs_curves(tiny_round, tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from conftest import run_cli

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    run_cli("expo-train", "round", "--data", data, "--loss", "exp-sft", "--batch-size", 2, "--max-steps", 2,
            "--lora-r", 4, "--no-progress", "--report-to", "tensorboard", check=True)
    events = EventAccumulator(str(data / "tensorboard"))
    events.Reload()
    metrics = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [(e.step, e.value) for e in events.Scalars("loss")] == [(m["step"], pytest.approx(m["loss"])) for m in metrics]
    assert {"grad_norm", "lr", "sft_loss", "tokens_per_s"} <= set(events.Tags()["scalars"])
