"""--report-to (issue 29): the metrics of train_metrics.jsonl and the run's config, read back from each
backend's own files with the backend's own reader; the option's parsing and its one-line refusals."""

import json
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from expo_data.errors import ExpoError
from expo_train.reporting import BACKENDS, Reporter, parse_report_to

STEPS = [{"step": 1, "epoch": 0, "loss": 0.9, "grad_norm": 1.5, "lr": 1e-4, "note": "text", "bad": float("nan")},
         {"step": 2, "epoch": 0, "loss": 0.7, "grad_norm": 1.25, "lr": 5e-5, "flag": True}]
CONFIG = {"loss": "exp-sft", "lr": 1e-4, "data": "/tmp/r", "report_to": ["tensorboard"]}


def test_tensorboard_event_file_reads_back(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    with Reporter(["tensorboard"], tmp_path, CONFIG) as reporter:
        for metrics in STEPS:
            reporter.log(metrics, metrics["step"])
    events = EventAccumulator(str(tmp_path / "tensorboard"), size_guidance={"tensors": 0, "scalars": 0})
    events.Reload()
    scalars = events.Tags()["scalars"]
    assert sorted(scalars) == ["epoch", "grad_norm", "loss", "lr"]  # numbers only: no text, NaN, bool or step
    assert [(e.step, round(e.value, 6)) for e in events.Scalars("loss")] == [(1, 0.9), (2, 0.7)]
    assert [e.value for e in events.Scalars("lr")] == pytest.approx([1e-4, 5e-5])
    config_text = events.Tensors("config/text_summary")[0].tensor_proto.string_val[0].decode()
    assert json.loads(config_text.strip("`\n")) == CONFIG


def test_mlflow_file_store_reads_back(tmp_path):
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    with Reporter(["mlflow"], tmp_path, CONFIG, name="run-a") as reporter:
        for metrics in STEPS:
            reporter.log(metrics, metrics["step"])
    client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
    [run] = client.search_runs([client.get_experiment_by_name("expo").experiment_id])
    assert run.info.run_name == "run-a" and run.info.status == "FINISHED"
    assert [(m.step, m.value) for m in sorted(client.get_metric_history(run.info.run_id, "loss"), key=lambda m: m.step)] \
        == [(1, 0.9), (2, 0.7)]
    assert set(run.data.metrics) == {"epoch", "grad_norm", "loss", "lr"}
    assert {k: json.loads(v) for k, v in run.data.params.items()} == CONFIG


def test_no_backend_writes_nothing(tmp_path):
    with Reporter((), tmp_path, CONFIG) as reporter:
        reporter.log(STEPS[0], 1)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("given_, want", [(("tensorboard",), ("tensorboard",)), (("tensorboard,mlflow",), ("tensorboard", "mlflow")),
                                          (("mlflow", "tensorboard", "mlflow"), ("mlflow", "tensorboard")),
                                          (("none",), ()), ((), ()), ((" TensorBoard , ",), ("tensorboard",))])
def test_parse_report_to(given_, want):
    pytest.importorskip("tensorboard")
    pytest.importorskip("mlflow")
    assert parse_report_to(given_) == want


@given(st.lists(st.sampled_from(["tensorboard", "mlflow", "none"]), max_size=6), st.sampled_from([",", ", "]))
def test_parse_report_to_joins_and_repeats_alike(names, sep):
    pytest.importorskip("tensorboard")
    pytest.importorskip("mlflow")
    if "none" in names and len(set(names)) > 1:
        with pytest.raises(ExpoError, match="cannot be combined"):
            parse_report_to(names)
        return
    assert parse_report_to([sep.join(names)]) == parse_report_to(names) == tuple(dict.fromkeys(n for n in names if n != "none"))


def test_unknown_backend_and_missing_extra_are_one_line(monkeypatch):
    with pytest.raises(ExpoError, match=r"^--report-to comet: choose from tensorboard, mlflow, wandb or none$"):
        parse_report_to(["comet"])
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "wandb" else real(name, *a))
    with pytest.raises(ExpoError, match=r"--report-to wandb needs the 'wandb' extra: pip install -e '\.\[wandb\]'"):
        parse_report_to(["wandb"])
    assert set(BACKENDS) == {"tensorboard", "mlflow", "wandb"}


@pytest.mark.parametrize("command", ["round", "loop"])
def test_cli_refuses_a_missing_extra_before_any_load(tiny_round, tmp_path, monkeypatch, command):
    """`expo-train round|loop --report-to wandb` without wandb: exit 2, one line naming the extra, and
    neither a model load nor a loop stage starts."""
    import importlib.util

    import expo_train.loop
    import expo_train.trainer
    from cli.train import main

    def started(*args, **kwargs):
        raise AssertionError("something heavy started before --report-to was checked")

    monkeypatch.setattr(expo_train.trainer, "load_policy", started)
    monkeypatch.setattr(expo_train.loop, "in_child", started)
    monkeypatch.setattr(expo_train.loop, "base_eval", started)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "wandb" else real(name, *a))
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    args = ["round", "--data", str(data)] if command == "round" else ["loop", "--out", str(tmp_path / "loop")]
    result = CliRunner().invoke(main, [*args, "--report-to", "tensorboard,wandb"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["error: --report-to wandb needs the 'wandb' extra: pip install -e '.[wandb]' (or pip install wandb)"]
    assert not (data / "train_config.json").exists() and not (tmp_path / "loop").exists()
