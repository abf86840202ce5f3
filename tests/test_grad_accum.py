"""--grad-accum is a bigger batch (issue 29, item 1): for every loss of the --loss registry, one window of
micro-batches of B over n examples gives the gradient of one batch of n, uneven last micro-batch included.
In process: the trainer's own accumulate() on a real PEFT LoRA over the tiny Llama, fp32, CPU."""

import random

import pytest
import torch

from expo_train.data import Example, Pair, collate, pair_example
from expo_train.objectives import OBJECTIVES, Counts, batch_counts, window_counts

N = 5
# Which examples each objective's data builder makes (objectives.py); a new loss fails here until it is added.
KINDS = {"positives": "sft", "correct_attempts": "sft", "expert_solutions": "sft", "pairs": "pair",
         "groups_and_positives": "pg+sft"}


def _examples(kind: str, seed: int = 0) -> list[Example]:
    """n examples of very different completion lengths (1 .. 40 tokens), so a per-micro-batch mean would
    weigh the tokens of short micro-batches more."""
    rng = random.Random(seed)
    lengths = [1, 40, 3, 25, 7]

    def ids(k):
        return [rng.randrange(5, 1000) for _ in range(k)]

    out = []
    for i, length in enumerate(lengths):
        prompt = ids(rng.randrange(2, 9))
        if kind == "sft" or (kind == "pg+sft" and i % 2):
            out.append(Example("sft", [(prompt, ids(length))]))
        elif kind == "pair":
            out.append(pair_example(prompt, ids(length), ids(lengths[-1 - i]),
                                    Pair(chosen=-3.0 * length, rejected=-2.5 * lengths[-1 - i])))
        else:
            completion = ids(length)
            out.append(Example("pg", [(prompt, completion)], old_token_logps=[rng.uniform(-9, -5) for _ in completion],
                               advantage=rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5)))
    return out


@pytest.fixture(scope="module")
def policy(tiny_model_dir):
    """A LoRA (rank 4, no dropout) on the tiny Llama in fp32, its B matrices random so every LoRA weight
    has a gradient (PEFT starts B at zero, which zeroes A's)."""
    from transformers import AutoModelForCausalLM

    from expo_train.trainer import TrainConfig, wrap_lora

    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    model = wrap_lora(TrainConfig(data=".", lora_r=4, lora_dropout=0.0), base, None, log=lambda m: None).train()
    torch.manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.02)
    return model


def _window_gradient(model, cfg, examples, batch_size):
    from expo_train.memory import CompletionLogps
    from expo_train.trainer import accumulate

    model.zero_grad(set_to_none=True)
    batches = [collate(examples[i:i + batch_size], 0) for i in range(0, len(examples), batch_size)]
    metrics, _, _ = accumulate(cfg, CompletionLogps(model), batches, world=1)
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    return grads, torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads.values()])), metrics


@pytest.mark.parametrize("loss", list(OBJECTIVES))
def test_accumulation_window_is_one_batch_for_every_loss(policy, loss):
    from expo_train.trainer import TrainConfig

    kind = KINDS[OBJECTIVES[loss].examples.__name__]
    cfg = TrainConfig(data=".", loss=loss, beta=0.5, sft_weight=0.7, grpo_sft_coef=0.3, clip_eps=0.2)
    examples = _examples(kind)
    want, want_norm, want_metrics = _window_gradient(policy, cfg, examples, N)  # batch n x 1
    assert want_norm > 1e-3 and sum(g.abs().max() > 0 for g in want.values()) == len(want)
    for batch_size in (1, 2):  # 1 x 5 and 2 x 3 (micro-batches 2, 2, 1)
        got, norm, metrics = _window_gradient(policy, cfg, examples, batch_size)
        assert norm.item() == pytest.approx(want_norm.item(), rel=1e-4)  # the bar is 1%
        for name, g in got.items():
            # fp32 sums in another order: near-zero entries differ by rounding at the tensor's own scale.
            scale = want[name].abs().max().item()
            assert torch.allclose(g, want[name], rtol=1e-4, atol=1e-5 * scale), (name, (g - want[name]).abs().max())
        assert metrics["loss"] == pytest.approx(want_metrics["loss"], rel=1e-5, abs=1e-7)
        assert metrics.keys() == want_metrics.keys()


def test_window_counts_are_each_terms_items():
    """The counts a window's means divide by: SFT tokens of non-PG rows, pairs, the chosen's tokens, PG tokens."""
    pg = _examples("pg+sft")
    batches = [collate(pg[:2], 0), collate(pg[2:], 0)]
    sft_tokens = sum(len(ex.sequences[0][1]) for ex in pg if ex.kind == "sft")
    pg_tokens = sum(len(ex.sequences[0][1]) for ex in pg if ex.kind == "pg")
    assert window_counts(batches) == Counts(sft_tokens=sft_tokens, pairs=0, chosen_tokens=0, pg_tokens=pg_tokens)
    pairs = _examples("pair")
    counts = batch_counts(collate(pairs, 0))
    assert counts.pairs == N and counts.chosen_tokens == sum(len(ex.sequences.chosen[1]) for ex in pairs)
    assert counts.sft_tokens == counts.chosen_tokens + sum(len(ex.sequences.rejected[1]) for ex in pairs)


def _ranks_counts(rank, world, port, queue):
    import os

    import torch.distributed as dist

    from expo_train.distributed import per_rank_counts

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        mine = Counts(sft_tokens=10.0 * (rank + 1), pairs=float(rank), chosen_tokens=3.0, pg_tokens=0.0)
        queue.put((rank, tuple(per_rank_counts(mine, world))))
    finally:
        dist.destroy_process_group()


def test_counts_are_global_under_ddp():
    """Two gloo ranks with different items: each divides by the global count over the ranks (DDP then
    averages the ranks' gradients, which makes the global mean)."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_ranks_counts, args=(r, 2, port, queue)) for r in range(2)]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert results[0] == results[1] == (15.0, 0.5, 3.0, 0.0)


def test_logged_lr_is_the_steps_own(policy):
    """Issue 29, item 5: each step's metrics carry the learning rate its update used (read before the
    scheduler moves on), so the last step of a cosine schedule is not logged as 0."""
    from transformers import get_cosine_schedule_with_warmup

    from expo_train.memory import CompletionLogps
    from expo_train.trainer import Run, TrainConfig, step_window

    cfg = TrainConfig(data=".", loss="exp-sft", lr=1e-3)
    params = [p for p in policy.parameters() if p.requires_grad]
    saved = [p.detach().clone() for p in params]
    optimizer = torch.optim.AdamW(params, lr=cfg.lr)
    scheduler = get_cosine_schedule_with_warmup(optimizer, 1, 3)
    expected = [cfg.lr * scheduler.lr_lambdas[0](step) for step in range(3)]  # 0, lr, lr/2
    run = Run(policy, CompletionLogps(policy), params, optimizer, scheduler, plan=None)
    batch = [collate(_examples("sft")[:2], 0)]
    try:
        logged = [step_window(cfg, run, batch, world=1)[0]["lr"] for _ in range(3)]
    finally:
        with torch.no_grad():
            for p, w in zip(params, saved):
                p.copy_(w)
    assert logged == pytest.approx(expected) and logged[-1] > 0 and logged[0] == 0
