"""expo-train's silent-bug class (issue 22): gradient accumulation against a by-hand float64 gradient,
resume landing on the same data, the memory probe's batch against every batch of a skewed run, and
LoRA on lm_head through the chunked log-probs. Real tiny models, CPU."""

import json
import os
import random
import shutil
import subprocess
import sys

import pyarrow as pa
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BIN
from expo_train.data import Example, Pair, batch_order, collate

ACCUM = dict(loss="exp-dpo+sft", batch_size=3, grad_accum=2, epochs=2, lora_r=4, lora_dropout=0.0, lr=1e-2,
             progress=False, save_every=1000)


def _copy(tiny_round, tmp_path, name="round0"):
    data = tmp_path / name
    shutil.copytree(tiny_round, data)
    return data


def _capture_steps(monkeypatch) -> list[tuple[list[torch.Tensor], list[torch.Tensor]]]:
    """(trainable weights, their gradients) at each optimizer step, read where the trainer clips."""
    steps, real = [], torch.nn.utils.clip_grad_norm_

    def spy(params, max_norm, *args, **kwargs):
        params = list(params)
        steps.append(([p.detach().clone() for p in params], [p.grad.detach().clone() for p in params]))
        return real(params, max_norm, *args, **kwargs)

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", spy)
    return steps


def _by_hand_gradient(model, params, examples, window_batches, beta, sft_weight):
    """d/dparams of the window's DPO mean over all its pairs + sft_weight x the chosen token-mean NLL over
    all its chosen tokens (the window is one batch, whatever its micro-batches), each sequence forwarded
    alone (no padding), full-vocabulary log-softmax in float64."""
    def completion_logps(prompt, completion):
        ids = torch.tensor([list(prompt) + list(completion)])
        logp = model(input_ids=ids).logits[0].double().log_softmax(-1)
        return logp[len(prompt) - 1:-1].gather(1, ids[0, len(prompt):, None])[:, 0]

    dpo, nll, chosen_tokens = [], 0.0, 0
    for i in (i for batch in window_batches for i in batch):
        ex = examples[i]
        chosen, rejected = completion_logps(*ex.sequences.chosen), completion_logps(*ex.sequences.rejected)
        margin = beta * ((chosen.sum() - ex.ref_logps.chosen) - (rejected.sum() - ex.ref_logps.rejected))
        dpo.append(-F.logsigmoid(margin))
        nll, chosen_tokens = nll - chosen.sum(), chosen_tokens + len(chosen)
    return torch.autograd.grad(torch.stack(dpo).mean() + sft_weight * nll / chosen_tokens, params)


@pytest.mark.slow
def test_accumulation_steps_each_epochs_windows_with_their_own_gradient(tiny_round, tiny_model_dir, tmp_path,
                                                                        monkeypatch):
    """8 pairs, batch 3, accumulation 2, two epochs: batches of 3, 3, 2 pairs per epoch; each epoch steps
    on [b0, b1] (one batch of six pairs) and on [b2] alone (its own gradient, not a half and not mixed with the next
    epoch's), and every gradient equals a float64 by-hand gradient over exactly those pairs."""
    from transformers import AutoModelForCausalLM

    from expo_train import trainer
    from expo_train.objectives import OBJECTIVES

    data = _copy(tiny_round, tmp_path)
    steps = _capture_steps(monkeypatch)
    cfg = trainer.TrainConfig(data=data, **ACCUM)
    summary = trainer.train_round(cfg, log=lambda m: None)
    examples = OBJECTIVES[cfg.loss].load(data)
    assert len(examples) == 8
    windows = []
    for epoch in range(cfg.epochs):
        batches = batch_order(examples, cfg.batch_size, cfg.seed, epoch)
        assert sorted(len(b) for b in batches) == [2, 3, 3]
        windows += [batches[0:2], batches[2:3]]
    assert summary["steps"] == len(steps) == len(windows) == 4

    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float64)
    reference = trainer.wrap_lora(trainer.TrainConfig(data=".", **ACCUM), base, None,
                                  log=lambda m: None).train()
    params = [p for p in reference.parameters() if p.requires_grad]
    for (weights, grads), window in zip(steps, windows):
        with torch.no_grad():
            for p, w in zip(params, weights):
                p.copy_(w.double())
        want = _by_hand_gradient(reference, params, examples, window, cfg.beta, cfg.sft_weight)
        assert any(g.abs().max() > 1e-4 for g in want)
        for got, expected in zip(grads, want):
            assert torch.allclose(got.double(), expected, atol=1e-6, rtol=1e-3), (got - expected).abs().max()
    metrics = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [m["micro_batches"] for m in metrics] == [2, 1, 2, 1] and [m["epoch"] for m in metrics] == [0, 0, 1, 1]
    assert json.loads((data / "train_config.json").read_text())["steps_per_epoch"] == 2


@pytest.mark.slow
def test_accumulation_longer_than_the_epoch_steps_at_its_end(tiny_round, tmp_path):
    """--grad-accum 9 over an epoch of 8 batches: one step at the epoch's end (it used to never step and
    never end)."""
    data = _copy(tiny_round, tmp_path)
    proc = subprocess.run([str(BIN / "expo-train"), "round", "--data", str(data), "--batch-size", "1", "--grad-accum",
                           "9", "--epochs", "1", "--lora-r", "4", "--no-progress"], capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [(m["step"], m["micro_batches"]) for m in metrics] == [(1, 8)]
    assert json.loads((data / "train_config.json").read_text())["total_steps"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("killed_after", [1, 2, 3])
def test_resume_lands_on_the_same_data(tiny_round, tmp_path, monkeypatch, killed_after):
    """A run killed after step k's checkpoint and resumed logs the uninterrupted run's losses for every
    later step: mid-epoch (1, 3: the short window is next) and at the epoch boundary (2)."""
    from expo_train import trainer

    full = _copy(tiny_round, tmp_path, "full")
    trainer.train_round(trainer.TrainConfig(data=full, **ACCUM), log=lambda m: None)
    want = [json.loads(line) for line in (full / "train_metrics.jsonl").read_text().splitlines()]

    class Killed(Exception):
        pass

    real_save = trainer.save_checkpoint

    def save_then_die(model, optimizer, scheduler, step, data_dir, **kwargs):
        path = real_save(model, optimizer, scheduler, step, data_dir, **kwargs)
        if step == killed_after:
            raise Killed
        return path

    data = _copy(tiny_round, tmp_path)
    monkeypatch.setattr(trainer, "save_checkpoint", save_then_die)
    with pytest.raises(Killed):
        trainer.train_round(trainer.TrainConfig(data=data, **{**ACCUM, "save_every": 1}), log=lambda m: None)
    monkeypatch.setattr(trainer, "save_checkpoint", real_save)
    trainer.train_round(trainer.TrainConfig(data=data, **{**ACCUM, "save_every": 1, "resume": True}), log=lambda m: None)
    got = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in got] == [1, 2, 3, 4]
    for g, w in zip(got[killed_after:], want[killed_after:]):
        assert g["loss"] == pytest.approx(w["loss"], rel=1e-5), (g["step"], g["loss"], w["loss"])
        assert (g["epoch"], g["micro_batches"]) == (w["epoch"], w["micro_batches"])


# --- the memory probe's batch --------------------------------------------------------------------
def _examples(lengths, rows=2):
    """Examples whose sequences have the given (prompt, completion) token counts, `rows` each."""
    sequences = [[([7] * p, [8] * c) for p, c in seqs[:rows]] for seqs in lengths]
    return [Example("pair", Pair(*seqs), ref_logps=Pair(0.0, 0.0)) if rows == 2 else Example("sft", seqs)
            for seqs in sequences]


_length = st.one_of(st.integers(1, 40), st.integers(200, 900))  # mostly short, some long outliers


@settings(max_examples=80, deadline=None)
@given(shapes=st.lists(st.tuples(st.integers(1, 30), _length, st.integers(1, 30), _length), min_size=1, max_size=60),
       rows=st.sampled_from([1, 2]), batch_size=st.integers(1, 9), seed=st.integers(0, 1000))
def test_largest_batch_bounds_every_batch_of_every_epoch(shapes, rows, batch_size, seed):
    """Skewed length sets (long outliers; chosen and rejected of very different lengths): the probe
    batch's padded shape is >= every batch's of 6 epochs in both dimensions."""
    from expo_train.data import largest_batch, padded_shape

    examples = _examples([[(p1, c1), (p2, c2)] for p1, c1, p2, c2 in shapes], rows)
    probe = collate([examples[i] for i in largest_batch([padded_shape(ex) for ex in examples], batch_size)], 0)
    for epoch in range(6):
        for batch in batch_order(examples, batch_size, seed, epoch):
            shape = collate([examples[i] for i in batch], 0).input_ids.shape
            assert shape[0] <= probe.input_ids.shape[0] and shape[1] <= probe.input_ids.shape[1], (epoch, shape)


def _skewed_round(out, model_dir):
    """A round whose selection holds 12 pairs: one with a long chosen and a short rejected (its summed
    tokens are below the others', its padded length far above), and eleven of middling, equal halves."""
    from expo_data.model import fingerprint_dir
    from expo_data.store.schema import RoundDir, atomic_write_bytes, atomic_write_json
    from expo_data.store.shards import table_to_ipc_bytes

    rng = random.Random(0)
    ids = lambda n: [rng.randrange(10, 2000) for _ in range(n)]  # noqa: E731
    lengths = [(20, 280, 10)] + [(20, 150 + 3 * i, 150 + 3 * i) for i in range(11)]
    rows = [{"round": 1, "problem_id": f"p{i}", "level": 1, "prompt": "", "prompt_token_ids": ids(p),
             "chosen_token_ids": ids(c), "rejected_token_ids": ids(r), "ref_chosen_logp": 0.0, "ref_rejected_logp": 0.0}
            for i, (p, c, r) in enumerate(lengths)]
    # A real one-shard round under the selection: training verifies the round before it loads a model.
    from conftest import sample_row
    from expo_data.store.schema import rows_to_table
    from expo_data.store.shards import write_round

    write_round(out, [rows_to_table([sample_row("p0", "attempt", 0, False, -1.0)])],
                {"round": 1, "base_model": str(model_dir), "base_model_sha256": fingerprint_dir(str(model_dir)),
                 "adapter": None, "logprob_dtype": "float32", "num_problems": len(rows)})
    rd = RoundDir(out)
    rd.selected.mkdir(parents=True)
    atomic_write_bytes(rd.selected / "pairs.arrow", table_to_ipc_bytes(pa.Table.from_pylist(rows)))
    atomic_write_json(rd.selection_record, {"rows": {"pairs": len(rows)}, "ran_by": "test"})


@pytest.mark.slow
def test_memory_probe_measures_the_runs_largest_batch(tiny_model_dir, tmp_path, monkeypatch):
    """Through train_round: the batch auto's probe runs is at least as large, in sequences and in padded
    tokens, as every batch the run trains on over 3 epochs; train_config.json says what was probed."""
    from expo_train import memory, trainer

    _skewed_round(tmp_path / "skewed", tiny_model_dir)
    shapes, probing = [], []
    real_loss, real_plan = trainer.compute_loss, memory.plan_checkpointing

    def loss_spy(model, batch, cfg, *counts):
        shapes.append((bool(probing), tuple(batch.input_ids.shape)))
        return real_loss(model, batch, cfg, *counts)

    def plan_as_on_gpu(mode, model, probe_step, on_gpu, **kwargs):  # CPU: run the probe step auto would measure
        probing.append(True)
        probe_step()
        probing.clear()
        model.zero_grad(set_to_none=True)
        return real_plan("off", model, None, on_gpu, **kwargs)

    monkeypatch.setattr(trainer, "compute_loss", loss_spy)
    monkeypatch.setattr(trainer, "plan_checkpointing", plan_as_on_gpu)
    trainer.train_round(trainer.TrainConfig(data=tmp_path / "skewed", batch_size=2, epochs=3, recompute_ref=True,
                                            lora_r=4, progress=False, save_every=1000), log=lambda m: None)
    probed = [shape for in_probe, shape in shapes if in_probe]
    trained = [shape for in_probe, shape in shapes if not in_probe]
    assert len(probed) == 1 and len(trained) == 18
    assert max(s[1] for s in trained) == 300  # the long chosen (20 + 280) pads its batch every epoch
    assert all(s[0] <= probed[0][0] and s[1] <= probed[0][1] for s in trained), (probed, sorted(set(trained)))
    recorded = json.loads((tmp_path / "skewed" / "train_config.json").read_text())["gradient_checkpointing_used"]
    assert recorded["probe_shape"] == list(probed[0])


def test_probe_failure_is_logged_and_refused_in_one_line(tiny_model_dir):
    """The probe's out-of-memory reasons are logged; when even full checkpointing does not fit the
    run's largest batch, it ends before training with one line."""
    from transformers import AutoModelForCausalLM

    from expo_data.errors import ExpoError
    from expo_train import trainer
    from expo_train.memory import CompletionLogps

    if torch.cuda.is_available():
        pytest.skip("fakes the card with CPU stand-ins; the GPU path is the real one there")
    model = trainer.wrap_lora(trainer.TrainConfig(data=".", lora_r=4), AutoModelForCausalLM.from_pretrained(
        tiny_model_dir, dtype=torch.float32), None, log=lambda m: None)
    examples = _examples([[(5, 40), (5, 30)], [(5, 90), (5, 10)], [(5, 20), (5, 20)]])
    logged = []

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 9.00 GiB")

    cfg = trainer.TrainConfig(data=".", loss="exp-dpo", batch_size=2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trainer, "compute_loss", out_of_memory)
        mp.setattr(torch.cuda, "is_available", lambda: True)
        mp.setattr(torch.cuda, "empty_cache", lambda: None)
        mp.setattr(torch.cuda, "reset_peak_memory_stats", lambda: None)
        mp.setattr(torch.cuda, "current_device", lambda: 0)
        mp.setattr(torch.cuda, "get_device_properties", lambda i: type("P", (), {"total_memory": 80 * 2**30}))
        with pytest.raises(ExpoError, match=r"out of memory in the memory probe .* on a batch of 4 sequences x 95 "
                                            r"tokens: lower --batch-size"):
            trainer.plan_memory(cfg, model, CompletionLogps(model), examples, 0, logged.append)
    assert any("ran out of memory (CUDA out of memory. Tried to allocate 9.00 GiB)" in m for m in logged), logged


@pytest.mark.slow
def test_out_of_memory_in_the_reference_check_and_the_optimizer_step_is_one_line(tiny_round, tmp_path, monkeypatch):
    from expo_data.errors import ExpoError
    from expo_train import trainer

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    data = _copy(tiny_round, tmp_path)
    cfg = trainer.TrainConfig(data=data, loss="exp-dpo", batch_size=4, lora_r=4, progress=False)
    with monkeypatch.context() as mp:
        mp.setattr(trainer, "recompute_reference", out_of_memory)
        with pytest.raises(ExpoError, match=r"out of memory in the reference check on a batch of 8 sequences x \d+ "
                                            r"tokens: lower --batch-size"):
            trainer.train_round(cfg, log=lambda m: None)
    with monkeypatch.context() as mp:
        mp.setattr(torch.optim.AdamW, "step", out_of_memory)
        with pytest.raises(ExpoError, match=r"out of memory in the optimizer step on a batch of 8 sequences x \d+ "
                                            r"tokens: lower --batch-size"):
            trainer.train_round(cfg, log=lambda m: None)


# --- LoRA on lm_head -------------------------------------------------------------------------------
def _untied_tiny(vocab=384):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                        num_attention_heads=2, num_key_value_heads=2, tie_word_embeddings=False))


def _lm_head_policy(dropout=0.0):
    from expo_train.trainer import TrainConfig, wrap_lora

    model = wrap_lora(TrainConfig(data=".", lora_r=4, lora_dropout=dropout, target_modules="q_proj,v_proj,lm_head"),
                      _untied_tiny(), None, log=lambda m: None)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    batch = collate([Example("sft", [(list(range(5, 25)), list(range(100, 131)))]),
                     Example("sft", [(list(range(7, 16)), list(range(200, 215)))])], pad_id=0)
    return model, batch


def _logps_and_grads(model, fn):
    model.zero_grad(set_to_none=True)
    logps = fn()
    logps.sum().backward()
    return logps.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def test_lora_on_lm_head_reaches_the_chunked_log_probs(monkeypatch, tmp_path):
    from safetensors.torch import load_file

    from expo_train import memory
    from expo_train.losses import token_logps
    from expo_train.trainer import save_adapter

    model, batch = _lm_head_policy()
    model.train()
    lean = memory.CompletionLogps(model)
    assert lean.selective
    monkeypatch.setattr(memory, "LOGIT_CHUNK_ELEMENTS", 7 * 384)  # several chunks
    got, got_grads = _logps_and_grads(model, lambda: lean(batch.input_ids, batch.attention_mask, batch.labels,
                                                          batch.loss_mask))

    def full():  # PEFT's own forward: full logits with the lm_head adapter applied
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        return token_logps(logits[:, :-1], batch.labels, batch.loss_mask)

    want, want_grads = _logps_and_grads(model, full)
    assert (got - want).abs().max().item() < 1e-4
    head_b = [n for n in want_grads if "lm_head" in n and "lora_B" in n]
    assert head_b and got_grads[head_b[0]].abs().max() > 0
    assert set(got_grads) == set(want_grads)
    for name in want_grads:
        assert torch.allclose(got_grads[name], want_grads[name], atol=1e-5, rtol=1e-3), name
    # The saved adapter holds the LoRA weights only, not PEFT's full copy of the frozen lm_head.
    save_adapter(model, tmp_path / "adapter")
    saved = load_file(str(tmp_path / "adapter" / "adapter_model.safetensors"))
    assert any("lm_head.lora_B" in k for k in saved) and not any(k.endswith("lm_head.weight") for k in saved), list(saved)


def test_lm_head_dropout_mask_is_replayed_in_backward(monkeypatch):
    """With LoRA dropout on lm_head, the chunk recomputed in backward draws the mask of its forward:
    the same logps and gradients as running the chunks without recomputation, from the same RNG state."""
    from expo_train import memory

    model, batch = _lm_head_policy(dropout=0.5)
    model.train()
    lean = memory.CompletionLogps(model)
    run = lambda: lean(batch.input_ids, batch.attention_mask, batch.labels, batch.loss_mask)  # noqa: E731
    torch.manual_seed(3)
    recomputed, recomputed_grads = _logps_and_grads(model, run)
    monkeypatch.setattr(memory, "checkpoint", lambda fn, *args, use_reentrant: fn(*args))
    torch.manual_seed(3)
    kept, kept_grads = _logps_and_grads(model, run)
    torch.manual_seed(4)
    other, _ = _logps_and_grads(model, run)
    assert torch.equal(recomputed, kept) and not torch.equal(recomputed, other)  # dropout is live
    for name in kept_grads:
        assert torch.allclose(recomputed_grads[name], kept_grads[name], atol=1e-6), name


def test_lm_head_target_on_tied_embeddings_is_refused_before_loading(tiny_round, tmp_path):
    data = _copy(tiny_round, tmp_path)
    proc = subprocess.run([str(BIN / "expo-train"), "round", "--data", str(data), "--from-base", "--max-steps", "1",
                           "--target-modules", "q_proj,lm_head", "--no-progress"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "--target-modules lm_head: this model ties its input and output embeddings" in proc.stderr
    assert "Traceback" not in proc.stderr and not (data / "adapter").exists()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="bf16 chunked log-probs on a GPU; this machine has none "
                                                          "(CPU bf16 is emulated, not the path that runs in training)")
def test_chunked_log_probs_match_full_logits_in_bf16_on_gpu(monkeypatch):
    """The GPU training regime (bf16 base weights, autocast): the chunked path against full logits,
    both against a float64 reference; the chunked one must be no further from it than the full one."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from expo_train import memory
    from expo_train.losses import token_logps
    from expo_train.trainer import TrainConfig, wrap_lora

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=32000, hidden_size=512, intermediate_size=1024, num_hidden_layers=2,
                         num_attention_heads=8, num_key_value_heads=8, tie_word_embeddings=False)
    base64 = LlamaForCausalLM(config).double().cuda()
    generator = torch.Generator().manual_seed(1)
    examples = [Example("sft", [(torch.randint(5, 32000, (p,), generator=generator).tolist(),
                                 torch.randint(5, 32000, (c,), generator=generator).tolist())])
                for p, c in [(40, 300), (12, 180), (70, 25), (5, 400)]]
    batch = collate(examples, pad_id=0)
    ids, mask, labels, loss_mask = (t.cuda() for t in (batch.input_ids, batch.attention_mask, batch.labels,
                                                       batch.loss_mask))
    with torch.no_grad():
        reference = token_logps(base64(input_ids=ids, attention_mask=mask).logits[:, :-1], labels, loss_mask)
    model = wrap_lora(TrainConfig(data=".", lora_dropout=0.0), base64.to(torch.bfloat16), None, log=lambda m: None)
    model.train()
    lean = memory.CompletionLogps(model)
    monkeypatch.setattr(memory, "LOGIT_CHUNK_ELEMENTS", 64 * config.vocab_size)  # several chunks
    chunked = lean(ids, mask, labels, loss_mask)
    chunked.sum().backward()
    with torch.autocast("cuda", dtype=torch.bfloat16):
        full = token_logps(model(input_ids=ids, attention_mask=mask).logits[:, :-1], labels, loss_mask)
    where = loss_mask.bool()
    err_chunked = (chunked.detach().double() - reference)[where].abs()
    err_full = (full.detach().double() - reference)[where].abs()
    assert (chunked.detach() - full.detach())[where].abs().max().item() < 0.05
    assert err_chunked.mean().item() <= err_full.mean().item() * 1.05 + 1e-3
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for n, p in model.named_parameters() if p.requires_grad)


@pytest.mark.slow
def test_a_failing_rank_ends_the_torchrun_group(tiny_round, tmp_path):
    """Under torchrun, an out-of-memory on rank 1 alone ends every rank with the one-line error, not a
    hang of rank 0 in the next collective."""
    data = _copy(tiny_round, tmp_path)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os, torch\n"
        "if os.environ.get('RANK') == '1':\n"
        "    import expo_train.trainer as t\n"
        "    def oom(*a, **k):\n"
        "        raise torch.OutOfMemoryError('CUDA out of memory (rank 1)')\n"
        "    t.compute_loss = oom\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")])}
    args = [BIN / "torchrun", "--nproc_per_node", 2, "--master_port", 29541, BIN / "expo-train", "round", "--data", data,
            "--max-steps", 2, "--loss", "exp-sft", "--batch-size", 2, "--lora-r", 4, "--no-progress"]
    proc = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode != 0
    assert "GPU out of memory on a batch of" in proc.stderr, proc.stderr[-3000:]
    assert not (data / "adapter").exists()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
