"""The training objectives, one entry each: what data it reads, how its examples are built, and its
step (per-token log-probs of a batch -> loss and metrics). `--loss` is a key of OBJECTIVES; adding
an objective touches this file only. The formulas are in losses.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow.compute as pc
import torch

from expo_data.errors import EmptySelection
from expo_data.schema import RoundDir
from expo_data.shards import load_round

from .data import Batch, Example
from .losses import dpo_loss, grpo_loss, sft_loss


@dataclass(frozen=True)
class Objective:
    name: str
    summary: str
    needs_selection: bool  # reads DIR/selected/ (the DuckDB selection); else the round's samples directly
    examples: Callable[[RoundDir], list[Example]]
    step: Callable[[torch.Tensor, Batch, Any], tuple[torch.Tensor, dict[str, float]]]  # (logps, batch, TrainConfig)

    def load(self, data_dir: Path) -> list[Example]:
        examples = self.examples(RoundDir(data_dir))
        if not examples:
            raise EmptySelection(f"no training rows for --loss {self.name} in {data_dir} (the selection is empty)")
        return examples


# ---------------------------------------------------------------------------
# Examples.
# ---------------------------------------------------------------------------
def _sft(rows: list[dict]) -> list[Example]:
    return [Example("sft", [(r["plain_prompt_token_ids"], r["completion_token_ids"])]) for r in rows]


def positives(rd: RoundDir) -> list[Example]:
    return _sft(rd.selected_table("positives").to_pylist())


def pairs(rd: RoundDir) -> list[Example]:
    return [Example("pair", [(r["prompt_token_ids"], r["chosen_token_ids"]), (r["prompt_token_ids"], r["rejected_token_ids"])],
                    ref_logps=[r["ref_chosen_logp"], r["ref_rejected_logp"]])
            for r in rd.selected_table("pairs").to_pylist()]


def groups_and_positives(rd: RoundDir) -> list[Example]:
    groups = rd.selected_table("groups")
    # Groups whose attempts all score the same carry zero advantage and no gradient: skip them.
    groups = groups.filter(pc.greater(pc.abs(groups["advantage"]), 1e-6)).to_pylist()
    return [Example("pg", [(r["prompt_token_ids"], r["completion_token_ids"])], old_token_logps=r["gen_token_logprobs"],
                    advantage=r["advantage"]) for r in groups] + positives(rd)


def correct_attempts(rd: RoundDir) -> list[Example]:
    """STaR / RFT: the model's own correct attempts that finished on their own."""
    samples = load_round(rd.location)
    keep = pc.and_(pc.and_(pc.equal(samples["kind"], "attempt"), samples["is_correct"]),
                   pc.equal(samples["finish_reason"], "stop"))
    return _sft(samples.filter(keep).to_pylist())


def expert_solutions(rd: RoundDir) -> list[Example]:
    samples = load_round(rd.location)
    return _sft(samples.filter(pc.equal(samples["kind"], "expert")).to_pylist())


# ---------------------------------------------------------------------------
# Steps: (logps [N, L-1], batch, cfg) -> (loss, metrics).
# ---------------------------------------------------------------------------
def sft_step(logps: torch.Tensor, batch: Batch, cfg) -> tuple[torch.Tensor, dict[str, float]]:
    loss = sft_loss(logps, batch.loss_mask.to(logps.device))
    return loss, {"sft_loss": loss.item()}


def dpo_step(logps: torch.Tensor, batch: Batch, cfg, sft_weight: float = 0.0) -> tuple[torch.Tensor, dict[str, float]]:
    mask = batch.loss_mask.to(logps.device)
    sums = logps.sum(-1)
    ref = batch.ref_logps.to(logps.device)
    loss, chosen_r, rejected_r = dpo_loss(sums[0::2], sums[1::2], ref[:, 0], ref[:, 1], cfg.beta)
    chosen_nll = sft_loss(logps[0::2], mask[0::2])
    metrics = dict(dpo_loss=loss.item(), reward_margin=(chosen_r - rejected_r).mean().item(),
                   reward_accuracy=(chosen_r > rejected_r).float().mean().item(),
                   chosen_reward=chosen_r.mean().item(), rejected_reward=rejected_r.mean().item(),
                   chosen_nll=chosen_nll.item())
    if sft_weight:
        loss = loss + sft_weight * chosen_nll
        metrics["sft_loss"] = chosen_nll.item()
    return loss, metrics


def dpo_sft_step(logps: torch.Tensor, batch: Batch, cfg) -> tuple[torch.Tensor, dict[str, float]]:
    return dpo_step(logps, batch, cfg, sft_weight=cfg.sft_weight)


def grpo_step(logps: torch.Tensor, batch: Batch, cfg) -> tuple[torch.Tensor, dict[str, float]]:
    device = logps.device
    mask = batch.loss_mask.to(device)
    pg_rows = torch.tensor([batch.kinds[o] == "pg" for o in batch.seq_owner], device=device)
    loss = torch.zeros((), device=device)
    metrics: dict[str, float] = {}
    if pg_rows.any():
        pg, clip_frac = grpo_loss(logps[pg_rows], batch.old_logps.to(device)[pg_rows], batch.advantages.to(device)[pg_rows],
                                  mask[pg_rows], cfg.clip_eps)
        loss = loss + pg
        metrics.update(pg_loss=pg.item(), clip_frac=clip_frac.item())
    if (~pg_rows).any():
        sft = sft_loss(logps[~pg_rows], mask[~pg_rows])
        loss = loss + cfg.grpo_sft_coef * sft
        metrics["sft_loss"] = sft.item()
    return loss, metrics


OBJECTIVES: dict[str, Objective] = {o.name: o for o in (
    Objective("exp-sft", "NLL of the self-explanation under the plain prompt", True, positives, sft_step),
    Objective("exp-dpo", "sigmoid DPO: self-explanation over a wrong attempt", True, pairs, dpo_step),
    Objective("exp-dpo+sft", "DPO + sft_weight x ExP-SFT on the chosen", True, pairs, dpo_sft_step),
    Objective("exp-grpo", "offline clipped PG on groups + grpo_sft_coef x ExP-SFT", True, groups_and_positives, grpo_step),
    Objective("rs-sft", "baseline: SFT on correct attempts (STaR/RFT)", False, correct_attempts, sft_step),
    Objective("expert-sft", "baseline: SFT on expert solutions", False, expert_solutions, sft_step),
)}
