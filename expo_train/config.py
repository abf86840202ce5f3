"""TrainConfig: every option of a training run, its one check (`_validate`, before anything loads), the
dtype decision and the settings that decide the trained adapter (`config_key`, what the loop compares)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from expo_data.errors import ExpoError
from expo_data.model import resolve_dtype

from .memory import GRADIENT_CHECKPOINTING
from .objectives import OBJECTIVES
from .reporting import parse_report_to

VLLM_MAX_LORA_RANK = 512  # the one place: config checks --lora-r, lora.py an adapter's rank


@dataclass
class TrainConfig:
    data: Path
    loss: str = "exp-dpo+sft"
    model: str | None = None  # must be the round's base model; default: the manifest's
    from_base: bool = False
    epochs: int = 1
    max_steps: int | None = None
    lr: float = 1e-4  # LoRA's usual range (1e-4 .. 2e-4); DPO on a 135M model is stable here
    batch_size: int = 8
    grad_accum: int = 1
    warmup_ratio: float = 0.1
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    beta: float = 0.1  # DPO's standard temperature
    sft_weight: float = 1.0  # RPO's alpha: token-mean NLL on the chosen next to the DPO term
    grpo_sft_coef: float = 0.04  # ExP-GRPO: the paper's best coefficient
    clip_eps: float = 0.2
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: str = "all-linear"
    seed: int = 0
    save_every: int = 50
    resume: bool = False
    recompute_ref: bool = False
    ref_tolerance: float = 0.05  # mean |stored - recomputed| reference log-prob, nats per token
    ref_check_pairs: int = 8
    out: Path | None = None  # default: DATA/adapter
    # Frozen base weights: auto = bf16 on GPU (LoRA weights and optimizer state stay fp32, as PEFT
    # keeps them), fp32 on CPU (no fast bf16 matmul on most CPUs, and the stored fp32 log-probs match).
    dtype: str = "auto"
    gradient_checkpointing: str = "auto"  # auto: on GPU only as many layers as the card needs; off on CPU
    progress: bool = True
    report_to: tuple[str, ...] = ()  # tensorboard, mlflow, wandb (reporting.py); the run's curves, not its results
    wait: bool = True  # False (--no-wait): refused at once when another writer holds the round (expo_data/store/lock.py)


def dtype_choice(cfg: TrainConfig) -> tuple[str, str]:
    """(dtype, why) of the frozen base weights, from the one resolver (train: auto is bf16 on GPU, fp32 on CPU)."""
    return resolve_dtype(cfg.dtype, "", not torch.cuda.is_available(), purpose="train")


def base_dtype(cfg: TrainConfig) -> torch.dtype:
    return getattr(torch, dtype_choice(cfg)[0])


def config_key(cfg: TrainConfig) -> dict[str, Any]:
    """The settings that decide the trained adapter (not progress or output flags)."""
    # gradient_checkpointing changes memory, not results; wait only when the run may start
    skip = {"progress", "resume", "save_every", "out", "gradient_checkpointing", "report_to", "wait"}
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items() if k not in skip}


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# (option, check, what it must be): every numeric setting, checked before any model is loaded.
_RANGES = (
    ("epochs", lambda v: isinstance(v, int) and 1 <= v <= 10_000, "an integer from 1 to 10000"),
    ("max_steps", lambda v: v is None or (isinstance(v, int) and v >= 1), "an integer >= 1"),
    ("lr", lambda v: _finite(v) and v > 0, "a finite number > 0"),
    ("warmup_ratio", lambda v: _finite(v) and 0 <= v < 1, "in [0, 1)"),
    ("weight_decay", lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    ("max_grad_norm", lambda v: _finite(v) and v > 0, "a finite number > 0"),
    ("beta", lambda v: _finite(v) and v > 0, "a finite number > 0"),
    ("sft_weight", lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    ("grpo_sft_coef", lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    ("clip_eps", lambda v: _finite(v) and v > 0, "a finite number > 0"),
    ("lora_alpha", lambda v: _finite(v) and v > 0, "a number > 0"),
    ("lora_dropout", lambda v: _finite(v) and 0 <= v < 1, "in [0, 1)"),
    ("seed", lambda v: isinstance(v, int) and 0 <= v < 2**32, "an integer from 0 to 2**32 - 1"),
    ("save_every", lambda v: isinstance(v, int) and v >= 1, "an integer >= 1"),
    ("ref_tolerance", lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    ("ref_check_pairs", lambda v: isinstance(v, int) and v >= 1, "an integer >= 1"),
)


def _validate(cfg: TrainConfig) -> None:
    """Every option on its own (--out, which needs the round to be placed, is checked in resolve_setup)."""
    for name, ok, what in _RANGES:
        value = getattr(cfg, name)
        if not ok(value) or isinstance(value, bool):
            raise ExpoError(f"--{name.replace('_', '-')} must be {what}, not {value}")
    if not isinstance(cfg.target_modules, str) or not cfg.target_modules.strip(" ,"):
        raise ExpoError("--target-modules must be all-linear or a comma list of module names")
    if str(cfg.data).strip() in ("", "."):
        raise ExpoError("--data is empty; name the round dir to train on")
    if cfg.loss not in OBJECTIVES:
        raise ExpoError(f"unknown loss '{cfg.loss}' (choose from {', '.join(OBJECTIVES)})")
    if cfg.lora_r > VLLM_MAX_LORA_RANK or cfg.lora_r < 1:
        raise ExpoError(f"--lora-r {cfg.lora_r} is outside 1..{VLLM_MAX_LORA_RANK}, the ranks vLLM can serve")
    if cfg.batch_size < 1 or cfg.grad_accum < 1:
        raise ExpoError("--batch-size and --grad-accum must be >= 1")
    if cfg.gradient_checkpointing not in GRADIENT_CHECKPOINTING:
        raise ExpoError(f"--gradient-checkpointing must be one of {', '.join(GRADIENT_CHECKPOINTING)}")
    base_dtype(cfg)
    parse_report_to(cfg.report_to)  # an unknown backend or a missing extra: now, not after the load
