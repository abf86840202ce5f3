"""The training objectives, one entry each: what data it reads, how its examples are built, and its
step (per-token log-probs of a batch -> loss and metrics). `--loss` is a key of OBJECTIVES; adding
an objective touches this file only. The formulas are in losses.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import torch

from expo_data.errors import EmptySelection, ExpoError
from expo_data.store.schema import SAMPLE_SCHEMA, RoundDir, read_selection_record
from expo_data.store.shards import read_shard, shard_names, verify_round_dir

from .data import Batch, Example, LazyExamples, Pair, pair_example
from .losses import dpo_loss, grpo_loss, sft_loss


@dataclass(frozen=True)
class Objective:
    name: str
    summary: str
    needs_selection: bool  # reads DIR/selected/ (the DuckDB selection); else the round's samples directly
    examples: Callable[[RoundDir], LazyExamples]
    step: Callable[..., tuple[torch.Tensor, dict[str, float]]]  # (logps, batch, TrainConfig, Counts | None)

    def load(self, data_dir: Path) -> LazyExamples:
        examples = self.examples(RoundDir(data_dir))
        if not len(examples):
            raise EmptySelection(f"no training rows for --loss {self.name} in {data_dir} (the selection is empty)")
        return examples


# ---------------------------------------------------------------------------
# Examples: built lazily from memory-mapped files (data.LazyExamples); a part per table or shard.
# ---------------------------------------------------------------------------
def _value(table: pa.Table, name: str) -> Callable[[int], Any]:
    column = table.column(name)
    return lambda i: column[i].as_py()


def _old_logps(table: pa.Table) -> Callable[[int], Any]:
    """An attempt's sampling-time log-probs: gen_token_logprobs, or where a round stores them once (schema
    version 4: expo_data/store/stored_once.py) its policy_token_logprobs, read row by row (no copy of the column)."""
    gen = table.column("gen_token_logprobs")
    policy = table.column("policy_token_logprobs") if "policy_token_logprobs" in table.column_names else gen
    return lambda i: gen[i].as_py() if gen[i].is_valid else policy[i].as_py()


def _list_lengths(table: pa.Table, name: str) -> np.ndarray:
    return pc.list_value_length(table.column(name)).to_numpy(zero_copy_only=False).astype(np.int64)


def _sft(table: pa.Table, rows: np.ndarray | None = None, prompt: str = "plain_prompt_token_ids",
         completion: str = "completion_token_ids") -> tuple[int, Callable[[int], Example], np.ndarray]:
    """SFT examples from `rows` of a table (all of them by default)."""
    rows = np.arange(table.num_rows) if rows is None else rows
    get_prompt, get_completion = _value(table, prompt), _value(table, completion)
    lengths = (_list_lengths(table, prompt) + _list_lengths(table, completion))[rows]

    def make(j: int) -> Example:
        i = int(rows[j])
        return Example("sft", [(get_prompt(i), get_completion(i))])

    return len(rows), make, lengths


def positives(rd: RoundDir) -> LazyExamples:
    return LazyExamples([_sft(rd.selected_table("positives"))])


def pairs(rd: RoundDir) -> LazyExamples:
    table = rd.selected_table("pairs")
    prompt, chosen, rejected = (_value(table, c) for c in ("prompt_token_ids", "chosen_token_ids", "rejected_token_ids"))
    ref_chosen, ref_rejected = (table.column(c).to_numpy() for c in ("ref_chosen_logp", "ref_rejected_logp"))
    prompt_lengths = _list_lengths(table, "prompt_token_ids")
    chosen_lengths, rejected_lengths = _list_lengths(table, "chosen_token_ids"), _list_lengths(table, "rejected_token_ids")
    lengths = 2 * prompt_lengths + chosen_lengths + rejected_lengths
    widths = prompt_lengths + np.maximum(chosen_lengths, rejected_lengths)  # collate pads to the longer one

    def make(i: int) -> Example:
        return pair_example(prompt(i), chosen(i), rejected(i),
                            Pair(chosen=float(ref_chosen[i]), rejected=float(ref_rejected[i])))

    return LazyExamples([(table.num_rows, make, lengths, widths, 2)])


def _shards(rd: RoundDir, columns: list[str]) -> list[pa.Table]:
    """Each shard's `columns`: memory-mapped locally; on object storage those columns only, by ranged reads.
    As stored: an attempt's gen_token_logprobs may be null, meaning its policy_token_logprobs (_old_logps)."""
    if not rd.remote:
        return [read_shard(name, rd, whole=False).select(columns) for name in shard_names(rd)]
    import pyarrow.dataset as pads

    return [pads.dataset(rd.path(name), format="ipc", schema=SAMPLE_SCHEMA, filesystem=rd.fs)
            .to_table(columns=columns) for name in shard_names(rd)]


def _check_shards_unchanged(rd: RoundDir) -> None:
    """Group rows name shard rows by key: the shards must still be the ones the selection was made from."""
    record = read_selection_record(rd)
    if record is not None and record.get("source_shards") not in (None, rd.sidecar_hashes()):
        raise ExpoError(f"the shards of {rd.uri()} changed since its selection was made; "
                        f"rerun `expo-data select {rd.uri()}`")


def _pg(rd: RoundDir, groups: pa.Table) -> list[tuple[int, Callable[[int], Example], np.ndarray]]:
    """Policy-gradient examples of group rows: token ids and generation log-probs read from the shards by
    the key (round, problem_id, 'attempt', sample_index); a selection written before groups became keys
    carries them itself."""
    advantage = groups.column("advantage").to_numpy()
    kept = np.nonzero(np.abs(advantage) > 1e-6)[0]  # groups whose attempts all score the same: no gradient
    if "completion_token_ids" in groups.column_names:
        tables, prompt = [groups], "prompt_token_ids"
        shard_of, rows = np.zeros(groups.num_rows, np.int64), np.arange(groups.num_rows)
    else:
        _check_shards_unchanged(rd)
        prompt = "plain_prompt_token_ids"
        tables = _shards(rd, ["round", "problem_id", "kind", "sample_index", prompt, "completion_token_ids",
                              "gen_token_logprobs", "policy_token_logprobs"])
        index = pa.concat_tables([
            t.select(["round", "problem_id", "kind", "sample_index"])
             .append_column("shard", pa.array(np.full(t.num_rows, s, np.int64)))
             .append_column("row", pa.array(np.arange(t.num_rows, dtype=np.int64)))
            for s, t in enumerate(tables)])
        index = index.filter(pc.equal(index.column("kind"), "attempt")).drop_columns(["kind"])
        wanted = groups.select(["round", "problem_id", "sample_index"]).append_column(
            "order", pa.array(np.arange(groups.num_rows, dtype=np.int64)))
        found = wanted.join(index, ["round", "problem_id", "sample_index"], join_type="inner").sort_by("order")
        if not np.array_equal(found.column("order").to_numpy(), np.arange(groups.num_rows)):
            raise ExpoError(f"{rd.uri('selected')}/groups.arrow names attempts that the shards of {rd.uri()} do not "
                            f"hold exactly once; rerun `expo-data select {rd.uri()}`")
        shard_of, rows = found.column("shard").to_numpy(), found.column("row").to_numpy()
    getters = [(_value(t, prompt), _value(t, "completion_token_ids"), _old_logps(t)) for t in tables]
    all_lengths = np.concatenate([_list_lengths(t, prompt) + _list_lengths(t, "completion_token_ids") for t in tables])
    first_row = np.cumsum([0] + [t.num_rows for t in tables])
    lengths = all_lengths[first_row[shard_of[kept]] + rows[kept]]

    def make(j: int) -> Example:
        g = kept[j]
        get_prompt, get_completion, get_old = getters[shard_of[g]]
        row = int(rows[g])
        return Example("pg", [(get_prompt(row), get_completion(row))], old_token_logps=get_old(row),
                       advantage=float(advantage[g]))

    return [(len(kept), make, lengths)]


def groups_and_positives(rd: RoundDir) -> LazyExamples:
    groups = rd.selected_table("groups")
    return LazyExamples(_pg(rd, groups) + [_sft(rd.selected_table("positives"))])


def _samples(rd: RoundDir, keep: Callable[[pa.Table], pa.Array]) -> LazyExamples:
    """SFT examples of the round's own rows that `keep` marks, shard by shard (checksums verified first)."""
    verify_round_dir(rd)
    parts = []
    for table in _shards(rd, ["kind", "is_correct", "finish_reason", "plain_prompt_token_ids", "completion_token_ids"]):
        mask = keep(table)
        parts.append(_sft(table, np.nonzero(mask.to_numpy(zero_copy_only=False))[0]))
    return LazyExamples(parts)


def correct_attempts(rd: RoundDir) -> LazyExamples:
    """STaR / RFT: the model's own correct attempts that finished on their own."""
    return _samples(rd, lambda t: pc.fill_null(pc.and_(pc.and_(pc.equal(t["kind"], "attempt"), t["is_correct"]),
                                                       pc.equal(t["finish_reason"], "stop")), False))


def expert_solutions(rd: RoundDir) -> LazyExamples:
    return _samples(rd, lambda t: pc.equal(t["kind"], "expert"))


# ---------------------------------------------------------------------------
# Steps: (logps [N, L-1], batch, cfg, counts) -> (loss, metrics). Each mean is over `counts`, the items
# of the whole accumulation window (all ranks); loss and metrics are this batch's share of the window's
# mean, so the trainer adds micro-batches up (a batch B x K is the batch B*K).
# ---------------------------------------------------------------------------
class Counts(NamedTuple):
    """What each term of a loss is a mean over: completion tokens of SFT sequences (every sequence that
    is not a policy-gradient one), DPO pairs, the chosen sequences' completion tokens, and the
    completion tokens of policy-gradient sequences."""

    sft_tokens: float
    pairs: float
    chosen_tokens: float
    pg_tokens: float


def _pg_rows(batch: Batch) -> torch.Tensor:
    return torch.tensor([batch.kinds[o] == "pg" for o in batch.seq_owner], dtype=torch.bool)


def batch_counts(batch: Batch) -> Counts:
    """A batch's items, counted on the CPU tensors collate made (no device sync)."""
    tokens, pg = batch.loss_mask.sum(-1), _pg_rows(batch)
    return Counts(sft_tokens=float(tokens[~pg].sum()), pairs=float(len(batch.pair_rows.chosen)),
                  chosen_tokens=float(tokens[batch.pair_rows.chosen].sum()), pg_tokens=float(tokens[pg].sum()))


def window_counts(batches: list[Batch]) -> Counts:
    return Counts(*(float(sum(c)) for c in zip(*(batch_counts(b) for b in batches))))


def sft_step(logps: torch.Tensor, batch: Batch, cfg, counts: Counts | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    counts = counts or batch_counts(batch)
    loss = sft_loss(logps, batch.loss_mask.to(logps.device), counts.sft_tokens)
    return loss, {"sft_loss": loss.item()}


def dpo_step(logps: torch.Tensor, batch: Batch, cfg, counts: Counts | None = None,
             sft_weight: float = 0.0) -> tuple[torch.Tensor, dict[str, float]]:
    counts = counts or batch_counts(batch)
    device = logps.device
    mask = batch.loss_mask.to(device)
    sums = logps.sum(-1)
    chosen, rejected = batch.pair_rows.chosen.to(device), batch.pair_rows.rejected.to(device)
    ref = batch.ref_logps
    loss, chosen_r, rejected_r = dpo_loss(sums[chosen], sums[rejected], ref.chosen.to(device), ref.rejected.to(device),
                                          cfg.beta, counts.pairs)
    chosen_nll = sft_loss(logps[chosen], mask[chosen], counts.chosen_tokens)
    pairs = counts.pairs or 1.0
    metrics = dict(dpo_loss=loss.item(), reward_margin=(chosen_r - rejected_r).sum().item() / pairs,
                   reward_accuracy=(chosen_r > rejected_r).float().sum().item() / pairs,
                   chosen_reward=chosen_r.sum().item() / pairs, rejected_reward=rejected_r.sum().item() / pairs,
                   chosen_nll=chosen_nll.item())
    if sft_weight:
        loss = loss + sft_weight * chosen_nll
        metrics["sft_loss"] = chosen_nll.item()
    return loss, metrics


def dpo_sft_step(logps: torch.Tensor, batch: Batch, cfg, counts: Counts | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    return dpo_step(logps, batch, cfg, counts, sft_weight=cfg.sft_weight)


def grpo_step(logps: torch.Tensor, batch: Batch, cfg, counts: Counts | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    counts = counts or batch_counts(batch)
    device = logps.device
    mask = batch.loss_mask.to(device)
    pg_rows = _pg_rows(batch).to(device)
    loss = torch.zeros((), device=device)
    metrics: dict[str, float] = {}
    if pg_rows.any():
        pg, clip_frac = grpo_loss(logps[pg_rows], batch.old_logps.to(device)[pg_rows], batch.advantages.to(device)[pg_rows],
                                  mask[pg_rows], cfg.clip_eps, counts.pg_tokens)
        loss = loss + pg
        metrics.update(pg_loss=pg.item(), clip_frac=clip_frac.item())
    if (~pg_rows).any():
        sft = sft_loss(logps[~pg_rows], mask[~pg_rows], counts.sft_tokens)
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
