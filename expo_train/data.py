"""Training examples from a round dir, and length-grouped padded batches.

Everything is token ids straight from the shards: the trainer never re-tokenises text, so
what it trains on is exactly what vLLM generated and scored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import torch

from expo_data.errors import EmptySelection, ExpoError
from expo_data.shards import load_round

SELECTED_DIR = "selected"  # mirrors expo_data.select.SELECTED_DIR without importing DuckDB


@dataclass
class Example:
    """One training item: `sequences` are (prompt_ids, completion_ids) pairs forwarded together
    (one for SFT and PG items, chosen then rejected for DPO pairs)."""

    kind: str  # sft | pair | pg
    sequences: list[tuple[list[int], list[int]]]
    ref_logps: list[float] = field(default_factory=list)  # DPO: [ref_chosen, ref_rejected]
    old_token_logps: list[float] | None = None  # PG: generation-time log-probs of the completion
    advantage: float = 0.0

    @property
    def num_tokens(self) -> int:
        return sum(len(p) + len(c) for p, c in self.sequences)


def _read_arrow(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def _selected(data_dir: Path, name: str) -> pa.Table:
    path = Path(data_dir) / SELECTED_DIR / f"{name}.arrow"
    if not path.exists():
        raise ExpoError(f"{path} not found; run `expo-data select {data_dir}`")
    return _read_arrow(path)


def _sft(rows: list[dict], prompt_key: str, completion_key: str) -> list[Example]:
    return [Example("sft", [(r[prompt_key], r[completion_key])]) for r in rows]


def load_examples(loss: str, data_dir: Path) -> list[Example]:
    """The items each loss trains on (see the losses module for the formulas)."""
    if loss == "exp-sft":
        examples = _sft(_selected(data_dir, "positives").to_pylist(), "plain_prompt_token_ids", "completion_token_ids")
    elif loss in ("exp-dpo", "exp-dpo+sft"):
        examples = [Example("pair", [(r["prompt_token_ids"], r["chosen_token_ids"]), (r["prompt_token_ids"], r["rejected_token_ids"])],
                            ref_logps=[r["ref_chosen_logp"], r["ref_rejected_logp"]])
                    for r in _selected(data_dir, "pairs").to_pylist()]
    elif loss == "exp-grpo":
        groups = _selected(data_dir, "groups")
        # Groups whose attempts all score the same carry zero advantage and no gradient: skip them.
        groups = groups.filter(pc.greater(pc.abs(groups["advantage"]), 1e-6)).to_pylist()
        examples = [Example("pg", [(r["prompt_token_ids"], r["completion_token_ids"])],
                            old_token_logps=r["gen_token_logprobs"], advantage=r["advantage"]) for r in groups]
        examples += _sft(_selected(data_dir, "positives").to_pylist(), "plain_prompt_token_ids", "completion_token_ids")
    elif loss in ("rs-sft", "expert-sft"):
        samples = load_round(data_dir)
        if loss == "rs-sft":  # STaR / RFT: the model's own correct attempts
            keep = pc.and_(pc.and_(pc.equal(samples["kind"], "attempt"), samples["is_correct"]),
                           pc.equal(samples["finish_reason"], "stop"))
        else:
            keep = pc.equal(samples["kind"], "expert")
        examples = _sft(samples.filter(keep).to_pylist(), "plain_prompt_token_ids", "completion_token_ids")
    else:
        raise ExpoError(f"unknown loss '{loss}'")
    if not examples:
        raise EmptySelection(f"no training rows for --loss {loss} in {data_dir} (the selection is empty)")
    return examples


def batch_order(examples: list[Example], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Length-grouped batches: shuffle, sort within windows of 50 batches by length (little
    padding), then shuffle the batches so lengths don't trend through the epoch."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: examples[i].num_tokens)
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


@dataclass
class Batch:
    input_ids: torch.Tensor  # [N, L]
    attention_mask: torch.Tensor  # [N, L]
    labels: torch.Tensor  # [N, L-1]: input_ids shifted left
    loss_mask: torch.Tensor  # [N, L-1]: 1 on completion tokens
    kinds: list[str]  # per example
    seq_owner: list[int]  # sequence -> example index
    ref_logps: torch.Tensor  # [num pairs, 2]
    old_logps: torch.Tensor  # [N, L-1] (PG sequences only, else 0)
    advantages: torch.Tensor  # [N]
    num_tokens: int


def collate(examples: list[Example], pad_id: int) -> Batch:
    sequences, owners, olds, advantages = [], [], [], []
    for index, ex in enumerate(examples):
        for prompt, completion in ex.sequences:
            sequences.append((prompt, completion))
            owners.append(index)
            olds.append(ex.old_token_logps)
            advantages.append(ex.advantage)
    length = max(len(p) + len(c) for p, c in sequences)
    n = len(sequences)
    input_ids = torch.full((n, length), pad_id, dtype=torch.long)
    attention = torch.zeros((n, length), dtype=torch.long)
    loss_mask = torch.zeros((n, length - 1))
    old = torch.zeros((n, length - 1))
    for row, ((prompt, completion), old_lps) in enumerate(zip(sequences, olds)):
        ids = list(prompt) + list(completion)
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention[row, : len(ids)] = 1
        # Completion token t (position len(prompt)+j) is predicted by logits at position t-1.
        first, last = len(prompt) - 1, len(ids) - 1
        loss_mask[row, first:last] = 1
        if old_lps is not None:
            old[row, first:last] = torch.tensor(old_lps[: last - first])
    labels = input_ids[:, 1:].clone()
    ref = torch.tensor([ex.ref_logps for ex in examples if ex.kind == "pair"]) if any(
        ex.kind == "pair" for ex in examples) else torch.zeros((0, 2))
    return Batch(input_ids, attention, labels, loss_mask, [ex.kind for ex in examples], owners, ref, old,
                 torch.tensor(advantages, dtype=torch.float32), int(attention.sum()))
