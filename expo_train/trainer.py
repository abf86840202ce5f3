"""`expo-train round`: train the policy that generated a round on that round's selection.

`train_round` reads top to bottom: setup (every option, the round, the LoRA against the model's
skeleton: nothing loaded or written yet) -> data -> policy (base + the round's adapter) -> reference
check -> memory plan -> loop -> adapter, all inside one staging context that writes what goes to
object storage locally and uploads it. The DPO reference is the round's generating policy, whose
log-probs are already in the shards, so no reference model is held or run.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import torch

from expo_data.errors import ExpoError, first_line
from expo_data.files import atomic_dir, unwritable_dir_reason
from expo_data.model import fingerprint_dir, resolve_adapter, resolve_dtype
from expo_data.schema import LAYOUT, RoundDir, atomic_write_json
from expo_data.shards import verify_round_dir
from expo_data.storage import Store, cache_dir_for, is_remote, redact

from .data import Batch, Example, Pair, batch_order, collate, largest_batch, padded_shapes
from .memory import GRADIENT_CHECKPOINTING, CheckpointPlan, CompletionLogps, oom_message, plan_checkpointing
from .objectives import OBJECTIVES

VLLM_MAX_LORA_RANK = 512
CHECKPOINT_STATE = "trainer_state.pt"  # optimizer, scheduler, RNG; a checkpoint dir without it is incomplete


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


def _device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return torch.device("cpu")


def _distributed() -> tuple[int, int]:
    """(rank, world size) under torchrun / `accelerate launch`, which set these variables."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        import torch.distributed as dist

        if not dist.is_initialized():
            if torch.cuda.is_available():
                torch.cuda.set_device(_device())
            dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return rank, world


def _barrier(world: int) -> None:
    if world > 1:
        import torch.distributed as dist

        dist.barrier()


def ensure_selection(data_dir: Any, log: Callable[[str], None]) -> dict[str, Any]:
    store = RoundDir(data_dir)
    try:
        record = json.loads(store.read_bytes(LAYOUT["selection_record"]))
    except FileNotFoundError:
        record = None
    except (ValueError, RecursionError):
        record = False
    if record is not None:
        if not isinstance(record, dict):
            raise ExpoError(f"{store.uri(LAYOUT['selection_record'])} is corrupt; rerun `expo-data select {data_dir}`")
        return record
    from expo_data.lock import round_writer
    from expo_data.select import select  # DuckDB only when a selection must be made

    log(f"no selection in {data_dir}; running the default `expo-data select`")
    with round_writer(data_dir, "expo-train (default selection)", log=log):  # select and the record, as one writer
        record = select(data_dir, log=log)
        record["ran_by"] = "expo-train (default selection)"
        store.write_json(LAYOUT["selection_record"], record)
    return record


def dtype_choice(cfg: TrainConfig) -> tuple[str, str]:
    """(dtype, why) of the frozen base weights, from the one resolver (train: auto is bf16 on GPU, fp32 on CPU)."""
    return resolve_dtype(cfg.dtype, "", not torch.cuda.is_available(), purpose="train")


def base_dtype(cfg: TrainConfig) -> torch.dtype:
    return getattr(torch, dtype_choice(cfg)[0])


def load_policy(cfg: TrainConfig, base_path: str, adapter_path: str | None, log: Callable[[str], None]):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(base_path)
        base = AutoModelForCausalLM.from_pretrained(base_path, dtype=base_dtype(cfg))
    except (OSError, ValueError) as exc:
        raise ExpoError(f"cannot load base model {base_path}: {first_line(exc)}")
    return wrap_lora(cfg, base, adapter_path, log).to(_device()), tokenizer


EMBEDDING_MODULES = ("lm_head", "embed_tokens")  # PEFT's names of the output and input embeddings


def _target_list(target_modules: str) -> list[str] | str:
    return target_modules if target_modules == "all-linear" else [m.strip() for m in target_modules.split(",")]


def refuse_tied_embedding_targets(targets, config) -> None:
    """LoRA on lm_head (or embed_tokens) of a model whose input and output embeddings are one tensor
    cannot be served as trained: merging it (the CPU serving path) writes the delta into the shared
    tensor, changing the input embeddings too. Untied models train and serve it (memory.py applies the
    lm_head adapter in the chunked log-probs)."""
    names = [targets] if isinstance(targets, str) else list(targets or [])
    hit = [m for m in EMBEDDING_MODULES if any(t == m or t.endswith("." + m) for t in names)]
    if hit and getattr(config, "tie_word_embeddings", False):
        raise ExpoError(f"--target-modules {hit[0]}: this model ties its input and output embeddings, so a LoRA "
                        f"there would also change the input embeddings when merged for serving; leave {hit[0]} out")


def _adapter_error(adapter_path: str, exc: BaseException) -> ExpoError:
    return ExpoError(f"cannot load adapter {adapter_path}: {type(exc).__name__}: {first_line(exc)[:200]}")


def lora_config(cfg: TrainConfig, adapter_path: str | None):
    """The LoRA this run trains: the round's adapter's own config (continued), or a fresh one from the options."""
    from peft import LoraConfig, PeftConfig

    if not adapter_path or cfg.from_base:
        return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                          target_modules=_target_list(cfg.target_modules), task_type="CAUSAL_LM")
    try:
        lora = PeftConfig.from_pretrained(adapter_path)
    except Exception as exc:  # a corrupt config surfaces as many different errors
        raise _adapter_error(adapter_path, exc)
    if not isinstance(lora, LoraConfig):
        raise ExpoError(f"cannot load adapter {adapter_path}: it is a {lora.peft_type} adapter, not a LoRA")
    return lora


def check_lora(lora, model_config) -> None:
    """A LoRA that vLLM can serve and that a merge keeps correct."""
    refuse_tied_embedding_targets(lora.target_modules, model_config)
    if getattr(lora, "modules_to_save", None):
        raise ExpoError("the adapter has modules_to_save, which vLLM refuses; train a plain LoRA adapter")
    if lora.r > VLLM_MAX_LORA_RANK:
        raise ExpoError(f"adapter rank {lora.r} is above vLLM's max_lora_rank {VLLM_MAX_LORA_RANK}")


def check_policy(cfg: TrainConfig, base_path: str, adapter_path: str | None) -> None:
    """The LoRA this run trains, applied to the model's skeleton before any weight is read: built from
    its config on the meta device (no memory, no weights), so a target module the model lacks, a target
    on tied embeddings or an adapter config PEFT cannot apply is one line now, not after the load."""
    from peft import get_peft_model
    from transformers import AutoConfig, AutoModelForCausalLM

    try:
        config = AutoConfig.from_pretrained(base_path)
        with torch.device("meta"):
            skeleton = AutoModelForCausalLM.from_config(config)
    except (OSError, ValueError, KeyError) as exc:
        raise ExpoError(f"cannot load base model {base_path}: {first_line(exc)}")
    continued = bool(adapter_path) and not cfg.from_base
    lora = lora_config(cfg, adapter_path)
    check_lora(lora, config)
    modules = dict(skeleton.named_modules())
    names = {name.rsplit(".", 1)[-1] for name in modules}
    targets = lora.target_modules if isinstance(lora.target_modules, (list, set, tuple)) else []
    for target in sorted(targets, key=str):  # PEFT needs one name to match; a misspelt other would be ignored
        if str(target).rsplit(".", 1)[-1] not in names:
            linear = sorted({n.rsplit(".", 1)[-1] for n, m in modules.items() if isinstance(m, torch.nn.Linear)})
            where = f"adapter {adapter_path}: target_modules" if continued else "--target-modules"
            raise ExpoError(f"{where} {target}: {config.model_type} has no module of that name "
                            f"(its linear layers: {', '.join(linear)})")
    try:
        with torch.device("meta"):
            get_peft_model(skeleton, lora)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # what a bad config raises, meta or not
        if continued:
            raise _adapter_error(adapter_path, exc)
        reason = re.sub(r"Target module \w+\(.*\) is not supported", "a LoRA on that module is not supported",
                        " ".join(str(exc).split()))  # PEFT prints the whole module
        raise ExpoError(f"--target-modules {cfg.target_modules}: {reason[:200]}")


def wrap_lora(cfg: TrainConfig, base, adapter_path: str | None, log: Callable[[str], None]):
    """The round's adapter on `base` (trainable), or a fresh LoRA; adapter weights in fp32 whatever
    the base dtype (PEFT's autocast_adapter_dtype)."""
    from peft import PeftModel, get_peft_model

    if adapter_path and not cfg.from_base:
        try:
            model = PeftModel.from_pretrained(base, adapter_path, is_trainable=True)
        except Exception as exc:  # a corrupt adapter surfaces as many different errors
            raise _adapter_error(adapter_path, exc)
        log(f"continuing the round's policy: {getattr(base, 'name_or_path', 'the base')} + adapter {adapter_path}")
    else:
        model = get_peft_model(base, lora_config(cfg, None))
    check_lora(model.peft_config["default"], base.config)
    return model


def sequence_logps(model, batch: Batch) -> torch.Tensor:
    """Per-token log-probs [N, L-1] of each sequence's completion tokens (0 elsewhere). `model` is a
    CompletionLogps (possibly under DDP) or a policy, which is wrapped on the fly."""
    if not isinstance(getattr(model, "module", model), CompletionLogps):
        model = CompletionLogps(model)
    device = next(model.parameters()).device
    return model(batch.input_ids.to(device), batch.attention_mask.to(device), batch.labels.to(device),
                 batch.loss_mask.to(device))


def compute_loss(model, batch: Batch, cfg: TrainConfig) -> tuple[torch.Tensor, dict[str, float]]:
    """The objective's loss on one batch (objectives.py): log-probs first, then its step."""
    loss, metrics = OBJECTIVES[cfg.loss].step(sequence_logps(model, batch), batch, cfg)
    metrics["loss"] = loss.item()
    return loss, metrics


@torch.no_grad()
def recompute_reference(model, examples: list[Example], pad_id: int, batch_size: int) -> list[Pair]:
    """Reference log-prob sums of each pair's chosen and rejected under the current model, dropout off."""
    was_training = model.training
    model.eval()
    values = []
    for start in range(0, len(examples), batch_size):
        batch = collate(examples[start:start + batch_size], pad_id)
        sums = sequence_logps(model, batch).sum(-1).float().cpu()
        values += [Pair(chosen=sums[c].item(), rejected=sums[r].item())
                   for c, r in zip(batch.pair_rows.chosen.tolist(), batch.pair_rows.rejected.tolist())]
    model.train(was_training)
    return values


def check_reference(model, examples: list[Example], cfg: TrainConfig, pad_id: int, log) -> float:
    """Stored reference log-probs must be this model's before any update (same policy, same
    dtype regime); a large gap means the data came from another policy or precision."""
    rng = random.Random(cfg.seed)
    sample = rng.sample(examples, min(cfg.ref_check_pairs, len(examples)))
    fresh = recompute_reference(model, sample, pad_id, cfg.batch_size)
    tokens = [len(ex.sequences.chosen[1]) + len(ex.sequences.rejected[1]) for ex in sample]
    diff = sum((abs(f.chosen - ex.ref_logps.chosen) + abs(f.rejected - ex.ref_logps.rejected)) / n
               for f, ex, n in zip(fresh, sample, tokens)) / len(sample)
    log(f"reference check: mean |stored - recomputed| = {diff:.4f} nats/token over {len(sample)} pairs")
    return diff


def plan_memory(cfg: TrainConfig, model, logp_model, examples: list[Example], pad_id: int,
                log: Callable[[str], None]) -> CheckpointPlan:
    """Gradient checkpointing for this run: auto measures, on the GPU, the largest padded batch any
    epoch can form (data.largest_batch), not just one epoch's; the plan records that batch's shape."""
    probe = collate([examples[i] for i in largest_batch(padded_shapes(examples), cfg.batch_size)], pad_id)

    def probe_step() -> None:
        loss, _ = compute_loss(logp_model, probe, cfg)
        loss.backward()

    model.train()
    plan = plan_checkpointing(cfg.gradient_checkpointing, model, probe_step, torch.cuda.is_available(), log=log)
    plan.probe_shape = list(probe.input_ids.shape)
    if not plan.fits:
        raise ExpoError(oom_message(*plan.probe_shape, plan, stage="the memory probe (this run's largest batch)"))
    return plan


@contextmanager
def one_line_oom(stage: str, shape: tuple[int, int] | Callable[[], tuple[int, int]], plan: CheckpointPlan | None):
    """A GPU out-of-memory inside ends the run with oom_message's one line instead of a traceback;
    `shape` (sequences, tokens) of the batch, or a function giving it when that costs a pass."""
    try:
        yield
    except torch.OutOfMemoryError:
        raise ExpoError(oom_message(*(shape() if callable(shape) else shape), plan, stage=stage)) from None


def accumulation_windows(num_batches: int, grad_accum: int) -> list[range]:
    """One epoch's optimizer steps, as ranges of its micro-batch indices: runs of grad_accum, the last
    one shorter when they do not divide (it steps on its own: no window spans two epochs)."""
    return [range(start, min(start + grad_accum, num_batches)) for start in range(0, num_batches, grad_accum)]


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


def config_key(cfg: TrainConfig) -> dict[str, Any]:
    """The settings that decide the trained adapter (not progress or output flags)."""
    skip = {"progress", "resume", "save_every", "out", "gradient_checkpointing"}  # the last changes memory, not results
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


# What a run writes, by LAYOUT name: uploaded to object storage when the run is done.
RUN_OUTPUTS = ["adapter", "checkpoints", "train_config", "train_metrics", "train_summary"]


@dataclass
class Setup:
    """What a training run works on, resolved from the options and the round before anything is loaded
    or written. Object storage has no rename and no appends: what would be written there (the round's
    records when --data is remote; the adapter when it or --out is) is written to a local stage first."""

    rd: RoundDir  # where the data is read: local, or object storage
    manifest: dict[str, Any]
    base_path: str
    adapter_path: str | None  # the adapter that generated the round, continued unless --from-base
    out: str | None  # --out as given: None (the round's adapter/), a local dir, or an object-storage URI
    remote_out: bool
    rank: int
    world: int
    stage: RoundDir | None = None  # the local stage of remote outputs, removed once they are uploaded

    @property
    def main_process(self) -> bool:
        return self.rank == 0  # data parallel: every rank trains its share of the batches; rank 0 writes

    @property
    def work(self) -> RoundDir:
        """Where checkpoints, metrics and records are written: the round itself, or its local stage."""
        return self.stage if self.rd.remote else self.rd

    @property
    def staged_adapter(self) -> bool:
        return self.remote_out or (self.out is None and self.rd.remote)

    @property
    def out_dir(self) -> Path:
        """The adapter, written locally (into the stage when it goes to object storage)."""
        if self.staged_adapter:
            return self.stage.adapter
        return self.rd.adapter if self.out is None else Path(self.out)

    @property
    def adapter_uri(self) -> str:
        """Where the adapter is once the run is done."""
        if self.remote_out:
            return self.out
        return self.rd.uri("adapter") if self.staged_adapter else str(self.out_dir)

    def publish(self, names: list[str]) -> None:
        """Upload staged outputs (LAYOUT names): the records to a remote round, the adapter to where it goes."""
        for name in names:
            if name == "adapter":
                if self.staged_adapter:
                    store, under = (Store(self.out), "") if self.remote_out else (self.rd, LAYOUT["adapter"])
                    store.upload_dir(self.out_dir, under)
            elif self.rd.remote:
                self._upload_record(name)

    def _upload_record(self, name: str) -> None:
        local, remote = self.work.local(name), self.rd
        if local.is_dir():
            kept = {p.name for p in local.iterdir()}
            for step_dir in sorted(p for p in local.iterdir() if p.is_dir()):
                target = f"{LAYOUT[name]}/{step_dir.name}"
                if not remote.is_file(f"{target}/{CHECKPOINT_STATE}"):  # its state file goes last: the marker
                    remote.upload_dir(step_dir, target, last=CHECKPOINT_STATE)
            for old in remote.subdirs(LAYOUT[name]):  # pruned locally: prune there too
                if old not in kept:
                    for file in remote.list(f"{LAYOUT[name]}/{old}"):
                        remote.delete(file)
        elif local.is_file():
            remote.upload_file(local, LAYOUT[name])


def resolve_setup(cfg: TrainConfig) -> Setup:
    """The round, the base model, the adapter to continue, where the outputs go and the LoRA against the
    model's skeleton, all checked; nothing is loaded or written here."""
    rd = RoundDir(cfg.data)
    # The whole round checked (manifest fields, every committed shard against its sidecar) before a
    # model is loaded: the selection and the reference log-probs come from these shards.
    manifest = verify_round_dir(rd)
    if "base_model" not in manifest:
        raise ExpoError(f"{rd.uri('manifest_path')} names no base_model; regenerate the round or restore the file")
    base_path = manifest["base_model"]
    if cfg.model is not None:
        if fingerprint_dir(cfg.model) != manifest.get("base_model_sha256"):
            raise ExpoError(f"{rd.uri()} was generated from base model {base_path}, not --model {cfg.model} "
                            f"(weights differ); train the policy that generated the data")
        base_path = cfg.model
    adapter_path = resolve_adapter(manifest.get("adapter")) if manifest.get("adapter") else None
    out = None if cfg.out is None else str(cfg.out)
    remote_out = out is not None and is_remote(out)
    if remote_out:
        Store(out)  # its URI checked (a known filesystem, no '..') now, not when the adapter is uploaded
    stage = RoundDir(cache_dir_for(f"{redact(cfg.data)}#{redact(cfg.out or '')}", "train-stage")) \
        if rd.remote or remote_out else None
    rank, world = _distributed()
    setup = Setup(rd, manifest, base_path, adapter_path, out, remote_out, rank, world, stage)
    if not setup.staged_adapter:  # the adapter's place, before a model is loaded (a stage is ours)
        check_adapter_out(setup.out_dir, round_default=out is None)
    check_policy(cfg, base_path, adapter_path)
    return setup


@contextmanager
def staged(cfg: TrainConfig, setup: Setup) -> Iterator[Setup]:
    """The run's outputs made writable before training, and published after it: with object storage,
    a fresh local stage (holding the remote round's checkpoints and metrics for --resume) that is
    uploaded and removed once the run inside has finished; a failed run uploads nothing."""
    if setup.main_process:
        if setup.stage is not None:
            shutil.rmtree(setup.stage.local(), ignore_errors=True)
            setup.stage.local().mkdir(parents=True)
            if cfg.resume and setup.rd.remote:
                setup.rd.download_dir(LAYOUT["checkpoints"], setup.stage.checkpoints)
                if setup.rd.is_file(LAYOUT["train_metrics"]):
                    setup.stage.train_metrics.write_bytes(setup.rd.read_bytes(LAYOUT["train_metrics"]))
        setup.work.makedirs()
        if setup.remote_out:
            Store(setup.out).makedirs()  # a missing bucket or credential fails now, not after training
    _barrier(setup.world)
    yield setup
    if setup.main_process and setup.stage is not None:
        setup.publish(RUN_OUTPUTS)
        shutil.rmtree(setup.stage.local(), ignore_errors=True)  # uploaded: the bucket holds it now


def load_data(cfg: TrainConfig, setup: Setup, log) -> tuple[list[Example], dict[str, Any] | None]:
    """The objective's examples; its selection is made first (on rank 0) if the round has none."""
    objective = OBJECTIVES[cfg.loss]
    selection = None
    if objective.needs_selection:
        if setup.rank == 0:
            ensure_selection(setup.rd, log)
        _barrier(setup.world)
        selection = ensure_selection(setup.rd, log)
    return objective.load(setup.rd), selection


class Schedule:
    """Which batches this rank trains on, and the optimizer steps over them. Every rank has the same
    number of batches, so they step in lockstep, and every epoch the same accumulation windows (none
    spans two epochs), so a step number names one place in the data: a resumed run lands on the data
    the uninterrupted run would have trained on."""

    def __init__(self, cfg: TrainConfig, examples: list[Example], rank: int, world: int):
        self.cfg, self.examples, self.rank, self.world = cfg, examples, rank, world
        self.batches_per_epoch = len(self.batches(0))
        if not self.batches_per_epoch:  # before the model loads, not after
            raise ExpoError(f"{len(examples)} examples are fewer than {world} ranks x batch size {cfg.batch_size}")
        self.windows = accumulation_windows(self.batches_per_epoch, cfg.grad_accum)
        self.steps_per_epoch = len(self.windows)
        self.total_steps = self.steps_per_epoch * cfg.epochs if cfg.max_steps is None else cfg.max_steps

    def batches(self, epoch: int) -> list[list[int]]:
        """This rank's share of the epoch's batches (example indices)."""
        batches = batch_order(self.examples, self.cfg.batch_size, self.cfg.seed, epoch)
        return batches[self.rank::self.world][: len(batches) // self.world] if self.world > 1 else batches


def prepare_reference(cfg: TrainConfig, model, examples: list[Example], pad_id: int, manifest: dict[str, Any],
                      log) -> float | None:
    """DPO's reference log-probs are the generating policy's, stored in the shards: check them against
    this model before any update (or recompute them with --recompute-ref). Returns the measured gap."""
    if not any(ex.kind == "pair" for ex in examples):
        return None
    def widest() -> tuple[int, int]:  # the shape an out-of-memory line names; a pass over the data, so only then
        return 2 * cfg.batch_size, max(width for _, width in padded_shapes(examples))

    with one_line_oom("the reference check", widest, None):
        if cfg.recompute_ref:
            log(f"recomputing reference log-probs for {len(examples)} pairs with the initial policy")
            for index, ref in enumerate(recompute_reference(model, examples, pad_id, cfg.batch_size)):
                examples.set_ref_logps(index, ref)
            return None
        gap = check_reference(model, examples, cfg, pad_id, log)
    if gap > cfg.ref_tolerance:
        raise ExpoError(f"stored reference log-probs differ from this model's by {gap:.3f} nats/token "
                        f"(tolerance {cfg.ref_tolerance}): the data came from another policy or dtype "
                        f"(manifest logprob_dtype={manifest.get('logprob_dtype')}); pass --recompute-ref")
    return gap


@dataclass
class Run:
    """What the loop steps: the policy, the module its loss runs through (CompletionLogps, under DDP on
    several ranks), the optimizer and its schedule, the memory plan, and the step reached."""

    model: Any
    train_model: Any
    params: list[torch.nn.Parameter]
    optimizer: torch.optim.Optimizer
    scheduler: Any
    plan: CheckpointPlan
    step: int = 0
    started: float = field(default_factory=time.perf_counter)


def start_run(cfg: TrainConfig, setup: Setup, model, logp_model, plan: CheckpointPlan, total_steps: int,
              log) -> Run:
    """AdamW with a warmed-up cosine schedule over the run's steps, DDP on several ranks, and the step to
    start from (the last checkpoint's with --resume)."""
    from transformers import get_cosine_schedule_with_warmup

    train_model = logp_model
    if setup.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        train_model = DistributedDataParallel(logp_model, device_ids=[_device().index] if torch.cuda.is_available() else None)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = get_cosine_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total_steps), total_steps)
    run = Run(model, train_model, params, optimizer, scheduler, plan)
    run.step = resume_state(cfg, setup.work, model, optimizer, scheduler, setup.main_process, log)
    return run


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


def write_train_config(cfg: TrainConfig, setup: Setup, schedule: Schedule, ref_gap: float | None,
                       selection: dict[str, Any] | None, checkpointing: CheckpointPlan) -> None:
    """train_config.json: the options, the data and the decisions the run made (dtype, checkpointing)."""
    if setup.main_process:
        atomic_write_json(setup.work.train_config, {
            **{k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()},
            "base_model": setup.base_path, "init_adapter": None if cfg.from_base else setup.adapter_path,
            "examples": len(schedule.examples), "total_steps": schedule.total_steps,
            "steps_per_epoch": schedule.steps_per_epoch,
            "batches_per_epoch": schedule.batches_per_epoch, "reference_gap": ref_gap,
            "selection_rows": selection["rows"] if selection else None, "world_size": setup.world,
            "base_dtype": str(base_dtype(cfg)).replace("torch.", ""), "gradient_checkpointing_used": checkpointing.as_dict(),
            "base_dtype_reason": dtype_choice(cfg)[1],
            "logprob_dtype": setup.manifest.get("logprob_dtype"),
        })


def step_window(cfg: TrainConfig, run: Run, batches: Iterator[Batch], size: int, world: int) -> tuple[dict, int, int]:
    """One optimizer step over a window of `size` micro-batches. Each loss is scaled by the window's real
    size, so a short last window is an average too, not a fraction of one; DDP all-reduces on the
    window's last backward only. Returns the window's mean metrics (with its size and gradient norm),
    its tokens and its padded tokens."""
    window_metrics: list[dict[str, float]] = []
    tokens = padded = 0
    for position, batch in enumerate(batches):
        syncing = world == 1 or position == size - 1
        with one_line_oom("", tuple(batch.input_ids.shape), run.plan), \
                (nullcontext() if syncing else run.train_model.no_sync()):
            loss, metrics = compute_loss(run.train_model, batch, cfg)
            (loss / size).backward()
        window_metrics.append(metrics)
        tokens += batch.num_tokens
        padded += batch.input_ids.numel()
    with one_line_oom("the optimizer step", tuple(batch.input_ids.shape), run.plan):
        grad_norm = torch.nn.utils.clip_grad_norm_(run.params, cfg.max_grad_norm).item()
        run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    mean = {name: sum(m[name] for m in window_metrics if name in m) / sum(name in m for m in window_metrics)
            for name in dict.fromkeys(k for m in window_metrics for k in m)}
    return {**mean, "micro_batches": size, "grad_norm": grad_norm}, tokens, padded


def train_loop(cfg: TrainConfig, setup: Setup, run: Run, schedule: Schedule, pad_id: int) -> dict[str, Any]:
    """From run.step to the schedule's end, a step per accumulation window: its metrics a line of
    train_metrics.jsonl, a checkpoint every --save-every steps. Returns the last step's metrics."""
    from tqdm import tqdm

    run.model.train()
    bar = tqdm(total=schedule.total_steps, initial=run.step, unit="step", file=sys.stderr, dynamic_ncols=True,
               disable=not (cfg.progress and setup.main_process))
    epoch, first_window = divmod(run.step, schedule.steps_per_epoch)  # resume: the uninterrupted run's data from here on
    run.started, tokens_seen, padded_seen, last = time.perf_counter(), 0, 0, {}
    with open(setup.work.train_metrics if setup.main_process else os.devnull, "a") as metrics_file:
        while run.step < schedule.total_steps:
            batches = schedule.batches(epoch)
            for window in schedule.windows[first_window:]:
                micro = (collate([schedule.examples[i] for i in batches[m]], pad_id) for m in window)
                metrics, tokens, padded = step_window(cfg, run, micro, len(window), setup.world)
                run.step, tokens_seen, padded_seen = run.step + 1, tokens_seen + tokens, padded_seen + padded
                elapsed = time.perf_counter() - run.started
                last = {"step": run.step, "epoch": epoch, **metrics, "lr": run.scheduler.get_last_lr()[0],
                        "elapsed_s": elapsed, "tokens_per_s": tokens_seen / elapsed,
                        "padding_fraction": 1 - tokens_seen / max(padded_seen, 1)}
                metrics_file.write(json.dumps(last) + "\n")
                metrics_file.flush()
                bar.update(1)
                bar.set_postfix_str(f"loss {metrics['loss']:.3f}")
                if run.step % cfg.save_every == 0 and run.step < schedule.total_steps and setup.main_process:
                    save_checkpoint(run.model, run.optimizer, run.scheduler, run.step, setup.work.local())
                    setup.publish(["checkpoints", "train_metrics"])  # preemptible machines resume from it
                if run.step >= schedule.total_steps:
                    break
            first_window = 0
            epoch += 1
    bar.close()
    return last


def save_adapter(model, out_dir: Path, round_default: bool = False) -> None:
    """The adapter the next round generates with, swapped in by rename. Only a dir this toolkit wrote
    (check_adapter_out) is replaced; the temp and old dirs removed are the ones made here."""
    out_dir = Path(out_dir)
    check_adapter_out(out_dir, round_default)
    with atomic_dir(out_dir) as tmp:
        model.save_pretrained(tmp, save_embedding_layers=False)  # never a copy of the frozen lm_head
        atomic_write_json(tmp / ADAPTER_MARKER, {"written_by": "expo-train", "format": "peft-lora"})


def save_round(cfg: TrainConfig, setup: Setup, run: Run, examples: int, last: dict[str, Any]) -> dict[str, Any]:
    """The adapter, a last checkpoint, then train_summary.json: written last, its presence means the
    adapter for this config is complete (the loop skips on it). One writer of the round at a time."""
    from expo_data.lock import round_writer

    with round_writer(setup.work.local(), "expo-train round", log=lambda m: print(m, file=sys.stderr)):
        return _save_round(cfg, setup, run, examples, last)


def _save_round(cfg: TrainConfig, setup: Setup, run: Run, examples: int, last: dict[str, Any]) -> dict[str, Any]:
    save_adapter(run.model, setup.out_dir, round_default=cfg.out is None)
    save_checkpoint(run.model, run.optimizer, run.scheduler, run.step, setup.work.local())
    summary = {"steps": run.step, "examples": examples, "loss": last.get("loss"), "adapter": setup.adapter_uri,
               "padding_fraction": last.get("padding_fraction"),
               "adapter_sha256": fingerprint_dir(str(setup.out_dir)), "seconds": round(time.perf_counter() - run.started, 1)}
    atomic_write_json(setup.work.train_summary, {"config_key": config_key(cfg), **summary})
    return summary


def train_round(cfg: TrainConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """One round's training, as the module docstring reads; under torchrun every rank runs it on its share."""
    with _aborting_group_on_error():
        # Setup: every option, the round, where the outputs go and the LoRA on the model's skeleton.
        _validate(cfg)
        setup = resolve_setup(cfg)
        log = log if setup.main_process else _quiet
        torch.manual_seed(cfg.seed)
        random.seed(cfg.seed)
        with staged(cfg, setup):
            # Data: the objective's examples, batched per rank and epoch.
            examples, selection = load_data(cfg, setup, log)
            schedule = Schedule(cfg, examples, setup.rank, setup.world)
            model, tokenizer = load_policy(cfg, setup.base_path, setup.adapter_path, log)
            pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
            model.print_trainable_parameters() if cfg.progress and setup.main_process else None
            # Reference: the stored log-probs must be this model's (or are recomputed).
            ref_gap = prepare_reference(cfg, model, examples, pad_id, setup.manifest, log)
            # Memory: gradient checkpointing planned on the largest batch any epoch can form.
            logp_model = CompletionLogps(model)
            checkpointing = plan_memory(cfg, model, logp_model, examples, pad_id, log)
            # Loop.
            run = start_run(cfg, setup, model, logp_model, checkpointing, schedule.total_steps, log)
            _barrier(setup.world)
            write_train_config(cfg, setup, schedule, ref_gap, selection, checkpointing)
            last = train_loop(cfg, setup, run, schedule, pad_id)
            # Save (rank 0), then the staging context publishes.
            _barrier(setup.world)
            summary = save_round(cfg, setup, run, len(examples), last) if setup.main_process else \
                {"steps": run.step, "rank": setup.rank}
        log(f"trained {OBJECTIVES[cfg.loss].name}: {run.step} steps on {len(examples)} examples"
            + (f" x {setup.world} ranks" if setup.world > 1 else "")
            + f", final loss {last.get('loss', float('nan')):.4f}, adapter -> {setup.adapter_uri}")
        _leave_group(setup.world)
        return summary


def _quiet(message: str) -> None:
    """The log of ranks other than 0."""


@contextmanager
def _aborting_group_on_error() -> Iterator[None]:
    """A failing rank (a one-line error, an OOM on its share) aborts its process group instead of leaving
    its peers blocked in a collective that never completes: they fail at once, and torchrun stops them."""
    try:
        yield
    except BaseException:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            abort = getattr(dist.distributed_c10d, "_abort_process_group", None)
            try:
                abort() if abort is not None else dist.destroy_process_group()
            except Exception:  # the group is going away either way; the original error is what matters
                pass
        raise


def _leave_group(world: int) -> None:
    if world > 1:
        import torch.distributed as dist

        dist.destroy_process_group()
