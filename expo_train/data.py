"""Training examples and length-grouped padded batches (objectives.py builds the examples of each loss).

Everything is token ids straight from the shards: the trainer never re-tokenises text, so
what it trains on is exactly what vLLM generated and scored.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch


class Pair(NamedTuple):
    """The two sides of a DPO pair, by name: their (prompt_ids, completion_ids) sequences, their
    reference log-prob sums, or their rows in a batch."""

    chosen: Any
    rejected: Any


@dataclass
class Example:
    """One training item: `sequences` are (prompt_ids, completion_ids) forwarded together: one for SFT
    and PG items; a Pair of the chosen and the rejected for DPO pairs."""

    kind: str  # sft | pair | pg
    sequences: list[tuple[list[int], list[int]]] | Pair
    ref_logps: Pair | None = None  # DPO: the generating policy's log-prob sums of the chosen and the rejected
    old_token_logps: list[float] | None = None  # PG: generation-time log-probs of the completion
    advantage: float = 0.0

    @property
    def num_tokens(self) -> int:
        return sum(len(p) + len(c) for p, c in self.sequences)


def pair_example(prompt: list[int], chosen: list[int], rejected: list[int], ref_logps: Pair) -> Example:
    """A DPO pair: the chosen and the rejected completion of one prompt, and their reference log-prob sums."""
    return Example("pair", Pair(chosen=(prompt, chosen), rejected=(prompt, rejected)), ref_logps=Pair(*ref_logps))


class LazyExamples(Sequence):
    """Examples built when read, from rows of memory-mapped Arrow files (the selection, the shards): the
    data stays in the page cache, shared by every process that maps it, and token lists become Python
    lists one batch at a time, so a rank holds only what it trains on now. `lengths[i]` is
    examples[i].num_tokens without building the example (batch ordering reads every length).

    Each part is (count, make(j) -> Example for its j-th row, lengths of its rows[, widths, rows]):
    `widths` the longest single sequence of each example (default: its length, one sequence) and `rows`
    the sequences per example (default 1), so padded_shapes() needs no example built either."""

    def __init__(self, parts: list[tuple]):
        self._parts = [p for p in parts if p[0]]
        self._starts = list(np.cumsum([0] + [p[0] for p in self._parts]))
        self.lengths = np.concatenate([np.asarray(p[2], dtype=np.int64) for p in self._parts]) if self._parts \
            else np.zeros(0, np.int64)
        widths = [np.asarray(p[3] if len(p) > 3 else p[2], dtype=np.int64) for p in self._parts]
        rows = [np.full(p[0], p[4] if len(p) > 4 else 1, dtype=np.int64) for p in self._parts]
        self.shapes = np.stack([np.concatenate(rows), np.concatenate(widths)], axis=1) if self._parts \
            else np.zeros((0, 2), np.int64)
        self._ref_logps: dict[int, list[float]] = {}

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        part = bisect.bisect_right(self._starts, index) - 1
        example = self._parts[part][1](index - self._starts[part])
        if index in self._ref_logps:
            example.ref_logps = self._ref_logps[index]
        return example

    def set_ref_logps(self, index: int, ref_logps: Pair) -> None:
        """Recomputed reference log-probs replace the stored ones from then on."""
        self._ref_logps[index] = ref_logps


def token_lengths(examples) -> "np.ndarray | list[int]":
    """num_tokens of every example, from LazyExamples' lengths where there are (no example is built)."""
    lengths = getattr(examples, "lengths", None)
    return lengths if lengths is not None else [ex.num_tokens for ex in examples]


def batch_order(examples: list[Example], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Length-grouped batches: shuffle, sort within windows of 50 batches by length (little
    padding), then shuffle the batches so lengths don't trend through the epoch."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    lengths = token_lengths(examples)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def padded_shape(ex: Example) -> tuple[int, int]:
    """(rows, tokens) that an example brings to a batch: collate pads every row to the longest single
    sequence (prompt + completion) of the batch, chosen or rejected alike."""
    return len(ex.sequences), max(len(p) + len(c) for p, c in ex.sequences)


def padded_shapes(examples) -> list[tuple[int, int]]:
    """padded_shape of every example, from LazyExamples' shapes where there are (no example is built)."""
    shapes = getattr(examples, "shapes", None)
    return [tuple(map(int, row)) for row in shapes] if shapes is not None else [padded_shape(ex) for ex in examples]


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
    pair_rows: Pair  # the rows of each pair's chosen and of its rejected sequence: LongTensors [num pairs]
    ref_logps: Pair  # the pairs' reference log-prob sums, chosen and rejected: [num pairs] each
    old_logps: torch.Tensor  # [N, L-1] (PG sequences only, else 0)
    advantages: torch.Tensor  # [N]
    num_tokens: int


def collate(examples: list[Example], pad_id: int) -> Batch:
    sequences, owners, olds, advantages, pair_rows, refs = [], [], [], [], [], []
    for index, ex in enumerate(examples):
        if isinstance(ex.sequences, Pair):
            pair_rows.append(Pair(chosen=len(sequences), rejected=len(sequences) + 1))
            refs.append(ex.ref_logps)
            own = [ex.sequences.chosen, ex.sequences.rejected]
        else:
            own = ex.sequences
        for prompt, completion in own:
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
    rows = Pair(chosen=torch.tensor([r.chosen for r in pair_rows], dtype=torch.long),
                rejected=torch.tensor([r.rejected for r in pair_rows], dtype=torch.long))
    ref = Pair(chosen=torch.tensor([float(r.chosen) for r in refs], dtype=torch.float32),
               rejected=torch.tensor([float(r.rejected) for r in refs], dtype=torch.float32))
    return Batch(input_ids, attention, labels, loss_mask, [ex.kind for ex in examples], owners, rows, ref, old,
                 torch.tensor(advantages, dtype=torch.float32), int(attention.sum()))
