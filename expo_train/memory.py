"""Spending GPU memory where it pays: completion log-probs without a [B, T, V] logits tensor, and
gradient checkpointing of only as many decoder layers as the card needs.

At 7B (vocab 152k) a batch of 16 x 690-token sequences has ~6.7 GB of fp32 log-softmax before its
gradient, most of it at prompt and padding positions nobody reads; and keeping every layer's
activations of that batch needs more than an 80 GB card, while checkpointing every layer costs a
third more compute. So: logits only at completion positions, in vocabulary-sized chunks whose logits
are recomputed in backward; and checkpointing measured, not guessed.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable

import torch
from torch.utils.checkpoint import checkpoint

from expo_data.errors import first_line

from .losses import token_logps

# Rows of logits materialised at once: 2^28 floats (1 GiB in fp32) whatever the vocabulary.
LOGIT_CHUNK_ELEMENTS = 1 << 28
GRADIENT_CHECKPOINTING = ("auto", "full", "off")


def _chunk_logps(hidden: torch.Tensor, lm_head: torch.nn.Module, targets: torch.Tensor) -> torch.Tensor:
    # The module, not F.linear(hidden, lm_head.weight): a PEFT LoRA on lm_head adds its own term
    # (dropout(hidden) A^T B^T * scaling) in its forward, which the bare base weight would skip.
    logits = lm_head(hidden).float()
    return logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - logits.logsumexp(-1)


def selective_logps(hidden: torch.Tensor, lm_head: torch.nn.Module, targets: torch.Tensor) -> torch.Tensor:
    """log softmax(lm_head(hidden))[targets] for hidden [K, H], targets [K]: fp32 logits one chunk at a
    time, each recomputed in backward (non-reentrant checkpoint, which replays the RNG state, so a LoRA
    dropout on lm_head draws the same mask twice), so only [K, H] is kept."""
    chunk = max(1, LOGIT_CHUNK_ELEMENTS // lm_head.weight.shape[0])
    trainable_head = any(p.requires_grad for p in lm_head.parameters())
    pieces = []
    for start in range(0, hidden.shape[0], chunk):
        h, t = hidden[start:start + chunk], targets[start:start + chunk]
        if torch.is_grad_enabled() and (h.requires_grad or trainable_head):
            pieces.append(checkpoint(_chunk_logps, h, lm_head, t, use_reentrant=False))
        else:
            pieces.append(_chunk_logps(h, lm_head, t))
    return torch.cat(pieces) if pieces else hidden.new_zeros(0, dtype=torch.float32)


def supports_selective_logps(model) -> bool:
    """Models whose logits are exactly lm_head(last hidden state): not those that scale or soft-cap them."""
    config = getattr(model, "config", None)
    if config is None or not hasattr(model, "get_decoder") or model.get_output_embeddings() is None:
        return False
    return not any(getattr(config, name, None) for name in ("final_logit_softcapping", "logit_scale", "logits_scaling"))


def autocast_dtype(device_type: str, dtype: torch.dtype) -> torch.dtype | None:
    """The autocast dtype of the log-prob forward: the resolved half precision on CUDA (the fp32 LoRA
    weights then run at the base's precision); none on CPU, and none when float32 was resolved."""
    return dtype if device_type == "cuda" and dtype in (torch.bfloat16, torch.float16) else None


class CompletionLogps(torch.nn.Module):
    """forward(input_ids, attention_mask, labels, loss_mask) -> per-token log-probs [N, L-1] of the
    completion tokens (0 elsewhere). A module, so DDP wraps it and sees the forward it syncs on."""

    def __init__(self, policy: torch.nn.Module, dtype: torch.dtype | None = None):
        """`dtype`: the run's resolved base dtype (default: the base model's own, as it was loaded)."""
        super().__init__()
        self.policy = policy
        base = policy.get_base_model() if hasattr(policy, "get_base_model") else policy
        self.base_dtype = dtype or getattr(base, "dtype", torch.float32)
        self.selective = supports_selective_logps(base)
        self.decoder = base.get_decoder() if self.selective else None
        self.lm_head = base.get_output_embeddings() if self.selective else None

    def forward(self, input_ids, attention_mask, labels, loss_mask) -> torch.Tensor:
        device_type = input_ids.device.type
        cast = autocast_dtype(device_type, self.base_dtype)
        with torch.autocast(device_type=device_type, dtype=cast) if cast else nullcontext():
            if not self.selective:  # the model's own logits, log-softmax over the full tensor
                logits = self.policy(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits
                return token_logps(logits[:, :-1], labels, loss_mask)
            # use_cache=False: a training forward has no use for the K/V cache it would otherwise build.
            hidden = self.decoder(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state
            where = loss_mask.bool()
            chosen = selective_logps(hidden[:, :-1][where], self.lm_head, labels[where])
        out = torch.zeros(loss_mask.shape, dtype=torch.float32, device=loss_mask.device)
        return out.masked_scatter(where, chosen)


# ---------------------------------------------------------------------------
# Gradient checkpointing.
# ---------------------------------------------------------------------------
def decoder_layers(model) -> list[torch.nn.Module]:
    """The layers transformers can checkpoint one by one, in order."""
    from transformers.modeling_layers import GradientCheckpointingLayer

    return [m for m in model.modules() if isinstance(m, GradientCheckpointingLayer)]


def set_checkpointed_layers(model, count: int) -> int:
    """Checkpoint the first `count` decoder layers (non-reentrant, works with PEFT's frozen inputs);
    returns how many layers the model has."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    if count > 0 and not getattr(base, "is_gradient_checkpointing", False):
        base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    layers = decoder_layers(base)
    for index, layer in enumerate(layers):
        layer.gradient_checkpointing = index < count
    if count == 0 and getattr(base, "is_gradient_checkpointing", False):
        base.gradient_checkpointing_disable()
    return len(layers)


@dataclass
class CheckpointPlan:
    mode: str  # auto | full | off, as asked
    layers: int  # decoder layers in the model
    checkpointed: int  # of them checkpointed
    probe_peak_gb: dict[str, float]  # measured peaks behind an auto decision
    reason: str
    probe_shape: list[int] | None = None  # [sequences, tokens] of the batch measured (the run's largest)
    fits: bool = True  # False: even every layer checkpointed ran out of memory on the probe

    def as_dict(self) -> dict:
        return {"mode": self.mode, "layers": self.layers, "checkpointed": self.checkpointed,
                "probe_peak_gb": self.probe_peak_gb, "probe_shape": self.probe_shape, "reason": self.reason}


def layers_to_checkpoint(layers: int, peak_all: float, peak_half: float | None, budget: float) -> int:
    """Checkpointed layer count from two measured peaks: every layer checkpointed (peak_all), and
    the first half (peak_half: layers - layers // 2 layers keep their activations; None if it did not fit).
    Each layer that keeps its activations adds (peak_half - peak_all) / kept bytes."""
    if peak_half is None:
        return layers
    kept_in_probe = layers - layers // 2
    per_layer = max((peak_half - peak_all) / max(kept_in_probe, 1), 1.0)
    affordable = int((budget - peak_all) // per_layer)
    return max(0, min(layers, layers - affordable))


def plan_checkpointing(mode: str, model, probe_step: Callable[[], None] | None, on_gpu: bool,
                       headroom: float = 0.92, log: Callable[[str], None] = print) -> CheckpointPlan:
    """off/full as asked; auto: off on CPU (memory is not what binds there), and on GPU the fewest
    checkpointed layers that fit `headroom` of the card, measured by running `probe_step` (forward
    and backward of the run's largest batch, no optimizer step) with all and with half the layers checkpointed."""
    if mode not in GRADIENT_CHECKPOINTING:
        raise ValueError(mode)
    total = set_checkpointed_layers(model, 0)
    if mode == "off" or (mode == "auto" and (not on_gpu or probe_step is None)):
        return CheckpointPlan(mode, total, 0, {}, "off as asked" if mode == "off" else "CPU: off")
    if mode == "full":
        set_checkpointed_layers(model, total)
        return CheckpointPlan(mode, total, total, {}, "full as asked")

    def peak(count: int) -> float | None:
        set_checkpointed_layers(model, count)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        try:
            probe_step()
        except torch.OutOfMemoryError as exc:
            model.zero_grad(set_to_none=True)
            torch.cuda.empty_cache()
            log(f"gradient checkpointing auto: the probe with {count}/{total} layers checkpointed ran out of memory "
                f"({first_line(exc)[:200]})")
            return None
        model.zero_grad(set_to_none=True)
        return float(torch.cuda.max_memory_allocated())

    budget = headroom * torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory
    peak_all = peak(total)
    if peak_all is None:
        set_checkpointed_layers(model, total)
        return CheckpointPlan(mode, total, total, {}, "even full checkpointing ran out of memory on the probe",
                              fits=False)
    peak_half = peak(total // 2)
    count = layers_to_checkpoint(total, peak_all, peak_half, budget)
    peaks = {"all": round(peak_all / 2**30, 2), "half": None if peak_half is None else round(peak_half / 2**30, 2)}
    set_checkpointed_layers(model, count)
    reason = f"probe peaks {peaks} GiB, budget {budget / 2**30:.1f} GiB -> {count}/{total} layers checkpointed"
    log(f"gradient checkpointing auto: {reason}")
    return CheckpointPlan(mode, total, count, peaks, reason)


def oom_message(batch_sequences: int, batch_length: int, plan: CheckpointPlan | None, stage: str = "") -> str:
    """One line for a GPU out-of-memory: where it happened and the knobs that lower the peak."""
    knobs = ["lower --batch-size (keep the effective batch with --grad-accum)"]
    if plan is None or plan.checkpointed < plan.layers:
        knobs.append("--gradient-checkpointing full")
    where = f" in {stage}" if stage else ""
    return (f"GPU out of memory{where} on a batch of {batch_sequences} sequences x {batch_length} tokens: "
            + ", or ".join(knobs))
