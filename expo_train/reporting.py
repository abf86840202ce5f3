"""`--report-to tensorboard|mlflow|wandb|none`: the curves of train_metrics.jsonl (and the run's config)
where users of transformers/TRL look for them, written into the run's directory: TensorBoard event files
in DIR/tensorboard, a local MLflow file store in DIR/mlruns, an offline wandb run in DIR/wandb. Each
backend is an optional extra, checked before any model loads."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import time
from pathlib import Path
from typing import Any, Iterable

from expo_data.errors import ExpoError

# backend -> (the module it needs, the pyproject extra that installs it)
BACKENDS = {"tensorboard": ("tensorboard", "tensorboard"), "mlflow": ("mlflow", "mlflow"), "wandb": ("wandb", "wandb")}
# What the backends write into a run directory (the loop's dir allows these beside its rounds).
REPORT_DIRS = ("tensorboard", "mlruns", "wandb")
EXPERIMENT = "expo"


def parse_report_to(values: str | Iterable[str] | None) -> tuple[str, ...]:
    """--report-to values, repeated and/or comma-separated, as the backends' names in order (none: no
    backend); an unknown name or one whose extra is not installed is one line."""
    items = [values] if isinstance(values, str) else list(values or [])
    names = [n.strip().lower() for item in items for n in str(item).split(",") if n.strip()]
    if "none" in names and len(set(names)) > 1:
        raise ExpoError(f"--report-to none cannot be combined with {', '.join(n for n in names if n != 'none')}")
    chosen = tuple(dict.fromkeys(n for n in names if n != "none"))
    for name in chosen:
        if name not in BACKENDS:
            raise ExpoError(f"--report-to {name}: choose from {', '.join(BACKENDS)} or none")
        module, extra = BACKENDS[name]
        if importlib.util.find_spec(module) is None:
            raise ExpoError(f"--report-to {name} needs the '{extra}' extra: pip install -e '.[{extra}]' "
                            f"(or pip install {module})")
    return chosen


def _numbers(metrics: dict[str, Any]) -> dict[str, float]:
    """The metrics a curve can show: finite numbers (not the step itself)."""
    return {k: float(v) for k, v in metrics.items() if k != "step" and isinstance(v, (int, float))
            and not isinstance(v, bool) and math.isfinite(v)}


class _TensorBoard:
    def __init__(self, run_dir: Path, config: dict[str, Any], name: str):
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir=str(run_dir / "tensorboard"))
        self.writer.add_text("config", "```\n" + json.dumps(config, indent=1, default=str) + "\n```", 0)

    def log(self, metrics: dict[str, float], step: int) -> None:
        for key, value in metrics.items():
            self.writer.add_scalar(key, value, step)
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


class _MLflow:
    """A run in a local file store (DIR/mlruns), through a client of its own: no global tracking URI or
    active run is set, so a notebook's own MLflow state is left alone."""

    def __init__(self, run_dir: Path, config: dict[str, Any], name: str):
        # MLflow 3 keeps the file store in maintenance mode behind this opt-in; a file store is what
        # needs no server or database and lives inside the run's directory.
        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        from mlflow.entities import Param
        from mlflow.tracking import MlflowClient

        self.client = MlflowClient(tracking_uri=(run_dir / "mlruns").absolute().as_uri())
        experiment = self.client.get_experiment_by_name(EXPERIMENT)
        experiment_id = experiment.experiment_id if experiment else self.client.create_experiment(EXPERIMENT)
        self.run_id = self.client.create_run(experiment_id, run_name=name).info.run_id
        params = [Param(k, json.dumps(v, default=str)[:6000]) for k, v in config.items()]
        for start in range(0, len(params), 100):  # MLflow's batch limit on params
            self.client.log_batch(self.run_id, params=params[start:start + 100])

    def log(self, metrics: dict[str, float], step: int) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        self.client.log_batch(self.run_id, metrics=[Metric(k, v, now, step) for k, v in metrics.items()])

    def close(self) -> None:
        self.client.set_terminated(self.run_id)


class _Wandb:
    def __init__(self, run_dir: Path, config: dict[str, Any], name: str):
        import wandb

        os.environ["WANDB_MODE"] = "offline"  # nothing leaves the machine; `wandb sync DIR/wandb` uploads it
        (run_dir / "wandb").mkdir(parents=True, exist_ok=True)
        self.run = wandb.init(project=EXPERIMENT, name=name, dir=str(run_dir), config=config, mode="offline",
                              reinit=True)

    def log(self, metrics: dict[str, float], step: int) -> None:
        self.run.log(metrics, step=step)

    def close(self) -> None:
        self.run.finish()


_WRITERS = {"tensorboard": _TensorBoard, "mlflow": _MLflow, "wandb": _Wandb}


class Reporter:
    """The chosen backends of one run directory: `log` a step's metrics (the numbers of a
    train_metrics.jsonl line), `close` at the end. No backend: every call does nothing."""

    def __init__(self, report_to: Iterable[str], run_dir: Path, config: dict[str, Any], name: str = "train"):
        self.backends = [_WRITERS[b](Path(run_dir), config, name) for b in parse_report_to(report_to)]

    def log(self, metrics: dict[str, Any], step: int) -> None:
        numbers = _numbers(metrics)
        for backend in self.backends:
            backend.log(numbers, step)

    def close(self) -> None:
        for backend in self.backends:
            backend.close()
        self.backends = []

    def __enter__(self) -> "Reporter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
