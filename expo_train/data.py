"""Training examples and length-grouped padded batches (objectives.py builds the examples of each loss).

Everything is token ids straight from the shards: the trainer never re-tokenises text, so
what it trains on is exactly what vLLM generated and scored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch



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


def padded_shape(ex: Example) -> tuple[int, int]:
    """(rows, tokens) that an example brings to a batch: collate pads every row to the longest single
    sequence (prompt + completion) of the batch, chosen or rejected alike."""
    return len(ex.sequences), max(len(p) + len(c) for p, c in ex.sequences)


def largest_batch(shapes: list[tuple[int, int]], batch_size: int) -> list[int]:
    """Indices of the largest padded batch any epoch's batching can form, from each example's padded_shape:
    the longest example, then those with the most rows (longest first). Batches are re-formed every
    epoch and padded to their longest sequence, so the longest example ends up padding batch_size - 1
    others; when every example has the same number of sequences (each objective's do) the result's
    (rows, tokens) bounds every batch of every epoch in both dimensions."""
    if not shapes:
        return []
    longest = max(range(len(shapes)), key=lambda i: shapes[i][1])
    rest = sorted((i for i in range(len(shapes)) if i != longest), key=lambda i: shapes[i], reverse=True)
    return [longest] + rest[:batch_size - 1]


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
