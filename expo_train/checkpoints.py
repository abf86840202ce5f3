"""Checkpoints (adapter weights + optimizer, scheduler and RNG state every --save-every steps, what
--resume continues from) and the adapter a run leaves: written by rename, replacing only a dir this
toolkit wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from expo_data.errors import ExpoError
from expo_data.store.files import atomic_dir, unwritable_dir_reason
from expo_data.store.schema import RoundDir, atomic_write_json

from .config import TrainConfig

CHECKPOINT_STATE = "trainer_state.pt"  # optimizer, scheduler, RNG; a checkpoint dir without it is incomplete


def _checkpoints(data_dir: Path) -> list[tuple[int, Path]]:
    found = []
    for path in RoundDir(data_dir).checkpoints.glob("step-*"):
        if (path / CHECKPOINT_STATE).exists():
            found.append((int(path.name.split("-")[1]), path))
    return sorted(found)


def save_checkpoint(model, optimizer, scheduler, step: int, data_dir: Path, keep: int = 2) -> Path:
    final = RoundDir(data_dir).checkpoints / f"step-{step:06d}"
    with atomic_dir(final) as tmp:  # a crash mid-save leaves the previous checkpoints as they were
        model.save_pretrained(tmp, save_embedding_layers=False)  # never a copy of the frozen lm_head
        torch.save({"step": step, "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "rng": torch.get_rng_state()}, tmp / CHECKPOINT_STATE)
    for _, old in _checkpoints(data_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


# Written into every adapter dir this toolkit saves: what lets a later run replace it, and nothing else.
ADAPTER_MARKER = "expo_adapter.json"
# What PEFT's save_pretrained writes: an unmarked dir of only these at a round's own adapter/ place is
# an adapter of an earlier toolkit version, replaceable too.
PEFT_FILES = {"adapter_config.json", "adapter_model.safetensors", "adapter_model.bin", "README.md", ADAPTER_MARKER}


def check_adapter_out(out: Path, round_default: bool) -> None:
    """The adapter goes to a new or empty dir, or replaces an adapter this toolkit wrote; a non-empty
    dir of anything else (the round itself, a home dir) is refused, never replaced."""
    out = Path(out)
    if str(out).strip() in ("", "."):
        raise ExpoError("--out is empty; name the adapter dir to write")
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise ExpoError(f"--out {out} exists and is not a directory; name a new or empty dir for the adapter")
        entries = {p.name for p in out.iterdir()}
        ours = ADAPTER_MARKER in entries or (round_default and entries <= PEFT_FILES)
        if entries and not ours:
            raise ExpoError(f"--out {out} is not empty and holds no adapter written by expo-train; "
                            f"name a new or empty dir (nothing there is replaced)")
    reason = unwritable_dir_reason(out if out.exists() else out.parent)
    if reason:
        raise ExpoError(f"--out {out}: {reason}")


def resume_state(cfg: TrainConfig, rd: RoundDir, model, optimizer, scheduler, main_process: bool, log) -> int:
    """The step to start from: the last checkpoint's with --resume (metrics logged after it dropped), else 0."""
    if cfg.resume and _checkpoints(rd.local()):
        step, path = _checkpoints(rd.local())[-1]
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(model, load_file(str(path / "adapter_model.safetensors")))
        state = torch.load(path / CHECKPOINT_STATE, weights_only=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        log(f"resumed from {path} at step {step}")
        if rd.train_metrics.exists():
            kept = [line for line in rd.train_metrics.read_text().splitlines() if json.loads(line)["step"] <= step]
            rd.train_metrics.write_text("".join(line + "\n" for line in kept))
        return step
    if rd.train_metrics.exists() and main_process:
        rd.train_metrics.unlink()
    return 0


def save_adapter(model, out_dir: Path, round_default: bool = False) -> None:
    """The adapter the next round generates with, swapped in by rename. Only a dir this toolkit wrote
    (check_adapter_out) is replaced; the temp and old dirs removed are the ones made here."""
    out_dir = Path(out_dir)
    check_adapter_out(out_dir, round_default)
    with atomic_dir(out_dir) as tmp:
        model.save_pretrained(tmp, save_embedding_layers=False)  # never a copy of the frozen lm_head
        atomic_write_json(tmp / ADAPTER_MARKER, {"written_by": "expo-train", "format": "peft-lora"})
