"""`expo-train round`: train the policy that generated a round on that round's selection.

`train_round` reads top to bottom: setup (every option, the round, the LoRA against the model's
skeleton: nothing loaded or written yet) -> data -> policy (base + the round's adapter) -> reference
check -> memory plan -> loop -> adapter, all inside one staging context that writes what goes to
object storage locally and uploads it. The DPO reference is the round's generating policy, whose
log-probs are already in the shards, so no reference model is held or run.
"""

import json
import os
import random
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import torch

from expo_data.errors import ExpoError
from expo_data.store.grading import check_not_regrading
from expo_data.model import fingerprint_dir
from expo_data.store.schema import atomic_write_json

from .checkpoints import (ADAPTER_MARKER, CHECKPOINT_STATE, PEFT_FILES, _checkpoints, check_adapter_out,  # noqa: F401
                          resume_state, save_adapter, save_checkpoint)
from .config import (VLLM_MAX_LORA_RANK, TrainConfig, _validate, base_dtype, config_key,  # noqa: F401
                     dtype_choice)
from .data import Batch, Example, Pair, batch_order, collate, largest_batch, padded_shapes
from .distributed import (_aborting_group_on_error, _barrier, _device, _distributed, _leave_group, _quiet,  # noqa: F401
                          per_rank_counts)
from .lora import (EMBEDDING_MODULES, check_lora, check_policy, load_policy, lora_config,  # noqa: F401
                   refuse_tied_embedding_targets, wrap_lora)
from .memory import CheckpointPlan, CompletionLogps, oom_message, plan_checkpointing
from .objectives import OBJECTIVES, Counts, window_counts
from .reporting import Reporter
from .staging import (RUN_OUTPUTS, Setup, check_round_unchanged, current_selection, ensure_selection,  # noqa: F401
                      resolve_setup, staged, trained_on)


def sequence_logps(model, batch: Batch) -> torch.Tensor:
    """Per-token log-probs [N, L-1] of each sequence's completion tokens (0 elsewhere). `model` is a
    CompletionLogps (possibly under DDP) or a policy, which is wrapped on the fly."""
    if not isinstance(getattr(model, "module", model), CompletionLogps):
        model = CompletionLogps(model)
    device = next(model.parameters()).device
    return model(batch.input_ids.to(device), batch.attention_mask.to(device), batch.labels.to(device),
                 batch.loss_mask.to(device))


def compute_loss(model, batch: Batch, cfg: TrainConfig, counts: Counts | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """The objective's loss on one batch (objectives.py): log-probs first, then its step; its means are
    over `counts` (an accumulation window's items), by default the batch's own."""
    loss, metrics = OBJECTIVES[cfg.loss].step(sequence_logps(model, batch), batch, cfg, counts)
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


def load_data(cfg: TrainConfig, setup: Setup, log) -> tuple[list[Example], dict[str, Any] | None]:
    """The objective's examples; its selection is made first (on rank 0) if the round has none. The record, the
    tables and what they came from are read together under the round's lock (shared: the ranks side by side),
    so no select or regrade swaps the tables between the record and the tables (expo_data/store/lock.py)."""
    from expo_data.store.lock import round_writer

    objective = OBJECTIVES[cfg.loss]
    if objective.needs_selection and setup.rank == 0:
        ensure_selection(setup.rd, log, wait=cfg.wait)
    _barrier(setup.world)
    with round_writer(setup.rd, "expo-train round (reading its data)", shared=True, wait=cfg.wait, log=log):
        check_round_unchanged(setup)
        check_not_regrading(setup.rd)  # its shards would mix two gradings
        selection = current_selection(setup.rd) if objective.needs_selection else None
        examples = objective.load(setup.rd)
        setup.trained_on = trained_on(setup.rd)
    return examples, selection


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


def write_train_config(cfg: TrainConfig, setup: Setup, schedule: Schedule, ref_gap: float | None,
                       selection: dict[str, Any] | None, checkpointing: CheckpointPlan) -> dict[str, Any]:
    """train_config.json: the options, the data and the decisions the run made (dtype, checkpointing)."""
    record = {
        **{k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()},
        "base_model": setup.base_path, "init_adapter": None if cfg.from_base else setup.adapter_path,
        "examples": len(schedule.examples), "total_steps": schedule.total_steps,
        "steps_per_epoch": schedule.steps_per_epoch,
        "batches_per_epoch": schedule.batches_per_epoch, "reference_gap": ref_gap,
        "selection_rows": selection["rows"] if selection else None, "world_size": setup.world,
        "base_dtype": str(base_dtype(cfg)).replace("torch.", ""), "gradient_checkpointing_used": checkpointing.as_dict(),
        "base_dtype_reason": dtype_choice(cfg)[1],
        "logprob_dtype": setup.manifest.get("logprob_dtype"),
        }
    if setup.main_process:
        atomic_write_json(setup.work.train_config, record)
    return record


def accumulate(cfg: TrainConfig, train_model, batches: list[Batch], world: int,
               plan: CheckpointPlan | None = None) -> tuple[dict[str, float], int, int]:
    """The gradients of one accumulation window: every loss a sum over the window's items divided by
    their count over the whole window and all ranks (objectives.Counts), so K micro-batches of B give the
    gradient of one batch of B*K, and a short last window is a mean too; DDP all-reduces on the
    window's last backward only. Returns the window's metrics (the micro-batches' shares added up; under
    DDP this rank's share, scaled as its gradient is), its tokens and its padded tokens."""
    counts = per_rank_counts(window_counts(batches), world)
    totals: dict[str, float] = {}
    tokens = padded = 0
    for position, batch in enumerate(batches):
        syncing = world == 1 or position == len(batches) - 1
        with one_line_oom("", tuple(batch.input_ids.shape), plan), \
                (nullcontext() if syncing else train_model.no_sync()):
            loss, metrics = compute_loss(train_model, batch, cfg, counts)
            loss.backward()
        for name, value in metrics.items():
            totals[name] = totals.get(name, 0.0) + value
        tokens += batch.num_tokens
        padded += batch.input_ids.numel()
    return totals, tokens, padded


def step_window(cfg: TrainConfig, run: Run, batches: list[Batch], world: int) -> tuple[dict, int, int]:
    """One optimizer step over a window of micro-batches (accumulate). Returns its metrics with its size,
    gradient norm and the learning rate the step used, its tokens and its padded tokens."""
    lr = run.optimizer.param_groups[0]["lr"]  # the step's own: the scheduler moves it on after the step
    metrics, tokens, padded = accumulate(cfg, run.train_model, batches, world, run.plan)
    with one_line_oom("the optimizer step", tuple(batches[-1].input_ids.shape), run.plan):
        grad_norm = torch.nn.utils.clip_grad_norm_(run.params, cfg.max_grad_norm).item()
        run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    return {**metrics, "micro_batches": len(batches), "grad_norm": grad_norm, "lr": lr}, tokens, padded


def train_loop(cfg: TrainConfig, setup: Setup, run: Run, schedule: Schedule, pad_id: int,
               reporter: Reporter | None = None) -> dict[str, Any]:
    """From run.step to the schedule's end, a step per accumulation window: its metrics a line of
    train_metrics.jsonl (and to --report-to's backends), a checkpoint every --save-every steps. Returns
    the last step's metrics."""
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
                micro = [collate([schedule.examples[i] for i in batches[m]], pad_id) for m in window]
                metrics, tokens, padded = step_window(cfg, run, micro, setup.world)
                run.step, tokens_seen, padded_seen = run.step + 1, tokens_seen + tokens, padded_seen + padded
                elapsed = time.perf_counter() - run.started
                last = {"step": run.step, "epoch": epoch, **metrics,
                        "elapsed_s": elapsed, "tokens_per_s": tokens_seen / elapsed,
                        "padding_fraction": 1 - tokens_seen / max(padded_seen, 1)}
                metrics_file.write(json.dumps(last) + "\n")
                metrics_file.flush()
                if reporter is not None:
                    reporter.log(last, run.step)
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


def save_round(cfg: TrainConfig, setup: Setup, run: Run, examples: int, last: dict[str, Any]) -> dict[str, Any]:
    """The adapter, a last checkpoint, then train_summary.json: written last, its presence means the
    adapter for this config is complete (the loop skips on it). One writer of the round at a time."""
    from expo_data.store.lock import round_writer

    with round_writer(setup.work.local(), "expo-train round", wait=cfg.wait, log=lambda m: print(m, file=sys.stderr)):
        return _save_round(cfg, setup, run, examples, last)


def _save_round(cfg: TrainConfig, setup: Setup, run: Run, examples: int, last: dict[str, Any]) -> dict[str, Any]:
    save_adapter(run.model, setup.out_dir, round_default=cfg.out is None)
    save_checkpoint(run.model, run.optimizer, run.scheduler, run.step, setup.work.local())
    summary = {"steps": run.step, "examples": examples, "loss": last.get("loss"), "adapter": setup.adapter_uri,
               "records": setup.records.uri(),
               "padding_fraction": last.get("padding_fraction"),
               "adapter_sha256": fingerprint_dir(str(setup.out_dir)), "seconds": round(time.perf_counter() - run.started, 1)}
    # What the data was read from when it was read (a select since then makes this adapter not current).
    source = setup.trained_on if setup.trained_on is not None else trained_on(setup.rd)
    atomic_write_json(setup.work.train_summary, {"config_key": config_key(cfg), "trained_on": source, **summary})
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
            config = write_train_config(cfg, setup, schedule, ref_gap, selection, checkpointing)
            with Reporter(cfg.report_to if setup.main_process else (), setup.work.local(), config,
                          name=Path(str(cfg.out or setup.rd.location)).name) as reporter:
                last = train_loop(cfg, setup, run, schedule, pad_id, reporter)
            # Save (rank 0), then the staging context publishes.
            _barrier(setup.world)
            summary = save_round(cfg, setup, run, len(examples), last) if setup.main_process else \
                {"steps": run.step, "rank": setup.rank}
        log(f"trained {OBJECTIVES[cfg.loss].name}: {run.step} steps on {len(examples)} examples"
            + (f" x {setup.world} ranks" if setup.world > 1 else "")
            + f", final loss {last.get('loss', float('nan')):.4f}, adapter -> {setup.adapter_uri}"
            + ("" if setup.records.location == setup.rd.location else f", records -> {setup.records.uri()}"))
        _leave_group(setup.world)
        return summary
