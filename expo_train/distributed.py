"""Data parallel plumbing: the device, the process group under torchrun / `accelerate launch`, and
leaving it (or aborting it when a rank fails)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import torch


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


def per_rank_counts(counts, world: int):
    """A window's item counts (objectives.Counts) summed over every rank, divided by the ranks: DDP averages
    the ranks' gradients, so each rank dividing its sums by this makes the step the global mean over
    all ranks' items (transformers' average_tokens_across_devices), however unevenly they are spread."""
    if world == 1:
        return counts
    import torch.distributed as dist

    total = torch.tensor(list(counts), dtype=torch.float64, device=_device())
    dist.all_reduce(total)
    return type(counts)(*(value / world for value in total.tolist()))
