"""expo-train: losses by hand, a real PEFT run on a tiny Llama, adapters through PEFT and vLLM."""

import json
import math
import shutil
import subprocess
import sys

import pytest
import torch

from conftest import TINY_GEN, hf_logps, run_cli
from expo_data.store.schema import rows_to_table
from expo_data.store.shards import load_round, write_round
from expo_train.data import Example, collate
from expo_train.losses import dpo_loss, grpo_loss, sft_loss, token_logps


def test_sft_counts_completion_tokens_only():
    batch = collate([Example("sft", [([5, 6, 7], [8, 9])]), Example("sft", [([5], [8, 9, 10])])], pad_id=0)
    assert batch.loss_mask.tolist() == [[0, 0, 1, 1], [1, 1, 1, 0]]
    assert batch.labels[0, 2:].tolist() == [8, 9] and batch.labels[1, :3].tolist() == [8, 9, 10]
    logps = torch.tensor([[-9.0, -9.0, -1.0, -3.0], [-0.5, -1.0, -1.5, -9.0]])
    assert sft_loss(logps, batch.loss_mask).item() == pytest.approx((1 + 3 + 0.5 + 1 + 1.5) / 5)


def test_token_logps_by_hand():
    logits = torch.tensor([[[0.0, math.log(3.0)], [2.0, 2.0]]])
    got = token_logps(logits, torch.tensor([[1, 0]]), torch.tensor([[1.0, 0.0]]))
    assert got[0].tolist() == pytest.approx([math.log(0.75), 0.0])


def test_dpo_by_hand():
    loss, chosen, rejected = dpo_loss(torch.tensor([-10.0, -4.0]), torch.tensor([-12.0, -3.0]),
                                      torch.tensor([-11.0, -4.0]), torch.tensor([-11.0, -4.0]), beta=0.5)
    # pair 1: 0.5*((-10+11) - (-12+11)) = 1.0 ; pair 2: 0.5*((0) - (1)) = -0.5
    expected = (-math.log(1 / (1 + math.exp(-1.0))) - math.log(1 / (1 + math.exp(0.5)))) / 2
    assert loss.item() == pytest.approx(expected)
    assert chosen.tolist() == pytest.approx([0.5, 0.0]) and rejected.tolist() == pytest.approx([-0.5, 0.5])


def test_grpo_by_hand():
    logps = torch.tensor([[math.log(0.5), math.log(0.9), 0.0]])
    old = torch.tensor([[math.log(0.25), math.log(0.9), 0.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    # token 1: ratio 2 -> clipped to 1.2 for A=+1: -1.2 ; token 2: ratio 1: -1 ; mean = -1.1
    loss, clip_frac = grpo_loss(logps, old, torch.tensor([1.0]), mask, clip_eps=0.2)
    assert loss.item() == pytest.approx(-1.1) and clip_frac.item() == pytest.approx(0.5)
    # negative advantage: min(2*-1, 1.2*-1) = -2 -> loss 2 ; token 2: 1 ; mean 1.5
    loss, _ = grpo_loss(logps, old, torch.tensor([-1.0]), mask, clip_eps=0.2)
    assert loss.item() == pytest.approx(1.5)


TRAIN = ["--batch-size", 4, "--lr", 5e-3, "--no-progress", "--lora-r", 8]


def margins(model_dir, adapter_dir, round_dir, beta=0.1):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32), adapter_dir).eval()
    rows = load_round(round_dir).to_pylist()
    result = []
    for chosen, rejected in zip(rows[0::2], rows[1::2]):
        pc = sum(hf_logps(model, chosen["plain_prompt_token_ids"], chosen["completion_token_ids"]))
        pr = sum(hf_logps(model, rejected["plain_prompt_token_ids"], rejected["completion_token_ids"]))
        result.append(beta * ((pc - chosen["policy_logprob_sum"]) - (pr - rejected["policy_logprob_sum"])))
    return result


@pytest.mark.slow
def test_dpo_sft_raises_margin_and_adapter_serves_in_vllm(tiny_round, tiny_model_dir, tmp_path):
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    proc = run_cli("expo-train", "round", "--data", data, "--max-steps", 6, *TRAIN, check=True)
    assert "reference check: mean |stored - recomputed| = 0.0000" in proc.stderr
    selection = json.loads((data / "selected" / "selection.json").read_text())
    assert selection["ran_by"].startswith("expo-train") and selection["rows"]["pairs"] == 8
    metrics = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == list(range(1, 7))
    assert {"dpo_loss", "sft_loss", "reward_margin", "reward_accuracy", "lr", "tokens_per_s"} <= set(metrics[-1])
    assert abs(metrics[0]["reward_margin"]) < 1e-4  # the reference is the initial policy
    after = margins(tiny_model_dir, data / "adapter", data)
    assert sum(after) / len(after) > 0.05 and all(m > 0 for m in after)
    config = json.loads((data / "adapter" / "adapter_config.json").read_text())
    assert config["r"] == 8 and not config.get("modules_to_save")

    # The adapter drives vLLM through LoRARequest and changes what it generates.
    # Same seed, same sampler stream: only a changed distribution changes the samples.
    greedy = ["--limit", 3, "--shards", 1, "--temperature", 1.0, *TINY_GEN, "--explanations", 0]
    run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", tmp_path / "base", *greedy, check=True)
    run_cli("expo-data", "generate", "--model", tiny_model_dir, "--adapter", data / "adapter", "--round", 1,
            "--out", tmp_path / "adapted", *greedy, "--lora-mode", "request", check=True)
    run_cli("expo-data", "generate", "--model", tiny_model_dir, "--adapter", data / "adapter", "--round", 1,
            "--out", tmp_path / "merged", *greedy, "--lora-mode", "merged", check=True)
    base, adapted = load_round(tmp_path / "base"), load_round(tmp_path / "adapted")
    assert json.loads((tmp_path / "adapted" / "manifest.json").read_text())["adapter_sha256"]
    attempts = lambda t: [r["completion_token_ids"] for r in t.to_pylist() if r["kind"] == "attempt"]  # noqa: E731
    assert attempts(base) != attempts(adapted)
    # Scoring runs through the adapter too: the same expert text gets other log-probs.
    experts = lambda t: [r["policy_logprob_sum"] for r in t.to_pylist() if r["kind"] == "expert"]  # noqa: E731
    assert all(abs(a - b) > 1e-3 for a, b in zip(experts(base), experts(adapted)))
    # ... and they are the PEFT model's own (checks the LoRA scoring path end to end).
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    peft_model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32),
                                           data / "adapter").eval()
    for r in adapted.to_pylist():
        hf = hf_logps(peft_model, r["plain_prompt_token_ids"], r["completion_token_ids"])
        assert max(abs(a - b) for a, b in zip(hf, r["policy_token_logprobs"])) < 1e-3
    # Merged weights serve the same policy as LoRARequest.
    assert json.loads((tmp_path / "merged" / "manifest.json").read_text())["lora_serving"] == "merged"
    for r in load_round(tmp_path / "merged").to_pylist():
        hf = hf_logps(peft_model, r["plain_prompt_token_ids"], r["completion_token_ids"])
        assert max(abs(a - b) for a, b in zip(hf, r["policy_token_logprobs"])) < 1e-3


@pytest.mark.slow
def test_resume_continues_at_the_right_step(tiny_round, tmp_path):
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    run_cli("expo-train", "round", "--data", data, "--max-steps", 4, "--save-every", 2, "--loss", "exp-sft", *TRAIN,
            check=True)
    full = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    # Pretend the run died after step 2's checkpoint.
    shutil.rmtree(data / "checkpoints" / "step-000004")
    shutil.rmtree(data / "adapter")
    proc = run_cli("expo-train", "round", "--data", data, "--max-steps", 4, "--save-every", 2, "--loss", "exp-sft",
                   *TRAIN, "--resume", check=True)
    assert "at step 2" in proc.stderr
    resumed = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in resumed] == [1, 2, 3, 4]
    assert resumed[3]["loss"] == pytest.approx(full[3]["loss"], rel=1e-4)
    assert (data / "adapter" / "adapter_model.safetensors").exists()


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["exp-grpo", "rs-sft", "expert-sft"])
def test_other_losses_run(tiny_round, tmp_path, loss):
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    if loss == "exp-grpo":  # give one group a correct attempt so advantages are non-zero
        rows = load_round(data).to_pylist()
        rows.append(dict(rows[1], sample_index=1, is_correct=True))
        shutil.rmtree(data / "shards")
        write_round(data, [rows_to_table(rows)], json.loads((data / "manifest.json").read_text()) | {"config_hash": None})
    proc = run_cli("expo-train", "round", "--data", data, "--max-steps", 2, "--loss", loss, *TRAIN)
    if loss in ("rs-sft", "expert-sft"):  # the hand-made round has no correct attempts / expert rows
        assert proc.returncode == 2 and "no training rows" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert "pg_loss" in (data / "train_metrics.jsonl").read_text()


@pytest.mark.slow
def test_bad_input(tiny_round, tmp_path, smollm_dir):
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    cases = [
        (["--loss", "ppo"], "unknown loss 'ppo'"),
        (["--lora-r", 1024], "outside 1..512"),
        (["--model", smollm_dir], "was generated from base model"),
        (["--max-steps", 1, "--param-free"], "No such option"),
    ]
    for args, message in cases:
        proc = run_cli("expo-train", "round", "--data", data, *args)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli("expo-train", "round", "--data", tmp_path)
    assert proc.returncode == 2 and "not a round dir" in proc.stderr
    # A corrupt adapter named by the manifest.
    bad = tmp_path / "bad-adapter"
    bad.mkdir()
    (bad / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 8, "target_modules": ["q_proj"]}))
    (bad / "adapter_model.safetensors").write_bytes(b"not safetensors")
    manifest = json.loads((data / "manifest.json").read_text())
    (data / "manifest.json").write_text(json.dumps(manifest | {"adapter": str(bad)}))
    proc = run_cli("expo-train", "round", "--data", data, "--max-steps", 1)
    assert proc.returncode == 2 and "cannot load adapter" in proc.stderr and "Traceback" not in proc.stderr
    # No selection rows.
    empty = tmp_path / "empty"
    rows = [r for r in load_round(tiny_round).to_pylist() if r["kind"] == "attempt"]
    write_round(empty, [rows_to_table(rows)], manifest)
    proc = run_cli("expo-train", "round", "--data", empty, "--max-steps", 1)
    assert proc.returncode == 2 and "empty selection" in proc.stderr


@pytest.mark.slow
def test_torchrun_data_parallel(tiny_round, tmp_path):
    from conftest import BIN

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    args = [BIN / "torchrun", "--nproc_per_node", 2, "--master_port", 29533, BIN / "expo-train", "round",
            "--data", data, "--max-steps", 2, "--loss", "exp-sft", *TRAIN]
    proc = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "x 2 ranks" in proc.stderr
    assert [json.loads(line)["step"] for line in (data / "train_metrics.jsonl").read_text().splitlines()] == [1, 2]
    assert json.loads((data / "train_config.json").read_text())["world_size"] == 2
    assert (data / "adapter" / "adapter_model.safetensors").exists()


# --- memory-lean log-probs, gradient checkpointing, OOM ------------------------------------------
def _tiny_policy_and_batch(tiny_model_dir):
    from transformers import AutoModelForCausalLM

    from expo_train.trainer import TrainConfig, wrap_lora

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    model = wrap_lora(TrainConfig(data=".", lora_dropout=0.0, lora_r=8), base, None, log=lambda m: None)
    # LoRA B starts at zero; give it weight so the gradients compared below are not trivially zero.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.02)
    batch = collate([Example("sft", [(list(range(5, 25)), list(range(100, 131)))]),
                     Example("sft", [(list(range(7, 16)), list(range(200, 215)))])], pad_id=0)
    return model, batch


def _logps_and_grads(model, fn):
    model.zero_grad(set_to_none=True)
    logps = fn()
    logps.sum().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return logps.detach(), grads


def test_selective_logps_equal_full_logits_fp32(tiny_model_dir, monkeypatch):
    from expo_train import memory
    from expo_train.memory import CompletionLogps

    model, batch = _tiny_policy_and_batch(tiny_model_dir)
    model.train()
    lean = CompletionLogps(model)
    assert lean.selective

    def full():
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        return token_logps(logits[:, :-1], batch.labels, batch.loss_mask)

    monkeypatch.setattr(memory, "LOGIT_CHUNK_ELEMENTS", 7 * lean.lm_head.weight.shape[0])  # several chunks
    got, got_grads = _logps_and_grads(model, lambda: lean(batch.input_ids, batch.attention_mask, batch.labels,
                                                          batch.loss_mask))
    want, want_grads = _logps_and_grads(model, full)
    assert (got - want).abs().max().item() < 1e-4
    assert (got[batch.loss_mask == 0] == 0).all() and (got[batch.loss_mask == 1] < 0).all()
    assert set(got_grads) == set(want_grads) and len(got_grads) > 0
    for name in want_grads:
        assert torch.allclose(got_grads[name], want_grads[name], atol=1e-5, rtol=1e-3), name
    # Models whose logits are more than lm_head(hidden) (soft-capped, scaled) take the full-logits path.
    lean.selective = False
    fallback, _ = _logps_and_grads(model, lambda: lean(batch.input_ids, batch.attention_mask, batch.labels,
                                                       batch.loss_mask))
    assert (fallback - want).abs().max().item() < 1e-6


def test_gradient_checkpointing_same_gradients(tiny_model_dir):
    from expo_train.memory import CompletionLogps, decoder_layers, plan_checkpointing, set_checkpointed_layers

    model, batch = _tiny_policy_and_batch(tiny_model_dir)
    model.train()
    lean = CompletionLogps(model)
    run = lambda: lean(batch.input_ids, batch.attention_mask, batch.labels, batch.loss_mask)  # noqa: E731
    plain, plain_grads = _logps_and_grads(model, run)
    assert set_checkpointed_layers(model, 1) == 2
    assert [layer.gradient_checkpointing for layer in decoder_layers(model)] == [True, False]
    assert plan_checkpointing("full", model, None, on_gpu=False).checkpointed == 2
    checkpointed, ckpt_grads = _logps_and_grads(model, run)
    assert torch.allclose(plain, checkpointed, atol=1e-6)
    for name in plain_grads:
        assert torch.allclose(plain_grads[name], ckpt_grads[name], atol=1e-6), name
    auto = plan_checkpointing("auto", model, None, on_gpu=False)
    assert auto.checkpointed == 0 and not any(layer.gradient_checkpointing for layer in decoder_layers(model))


@pytest.mark.parametrize("peak_all,peak_half,budget,expected", [
    (30.0, 50.0, 100.0, 0),      # 16 kept layers cost 20: all 32 fit in 70 of headroom
    (30.0, 70.0, 80.0, 12),      # 2.5 per kept layer, 50 of headroom: 20 kept, 12 checkpointed
    (30.0, None, 80.0, 32),      # half did not fit: all checkpointed
    (30.0, 90.0, 31.0, 32),      # no headroom at all
])
def test_layers_to_checkpoint(peak_all, peak_half, budget, expected):
    from expo_train.memory import layers_to_checkpoint

    assert layers_to_checkpoint(32, peak_all, peak_half, budget) == expected


@pytest.mark.slow
def test_out_of_memory_ends_with_one_line(tiny_round, tmp_path, monkeypatch):
    from expo_data.errors import ExpoError
    from expo_train import trainer

    data = tmp_path / "oom"
    shutil.copytree(tiny_round, data)

    def out_of_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 6.70 GiB")

    monkeypatch.setattr(trainer, "compute_loss", out_of_memory)
    with pytest.raises(ExpoError, match=r"out of memory on a batch of 8 sequences x \d+ tokens: lower --batch-size "
                                        r".*--grad-accum.*--gradient-checkpointing full"):
        trainer.train_round(trainer.TrainConfig(data=data, loss="exp-dpo", batch_size=4, progress=False),
                            log=lambda m: None)


def test_training_on_a_made_selection_needs_no_duckdb(tmp_path):
    """GPU machines often lack DuckDB: the trainer imports it only when it must make the selection."""
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "round_v2"
    code = ("import sys; sys.modules['duckdb'] = None\n"
            "from expo_train.trainer import ensure_selection\n"
            f"print(ensure_selection(__import__('pathlib').Path({str(fixture)!r}), print)['rows'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "'pairs': 1" in proc.stdout


@pytest.mark.slow
def test_chosen_and_rejected_keep_their_names_from_the_table_to_the_loss(tiny_round, tiny_model_dir, tmp_path):
    """The pairs table's chosen_* and rejected_* columns reach DPO's chosen and rejected terms by name
    (the loader, collate, the step, the reference recompute), against a float64 computation straight
    from the table's columns. The policy is perturbed away from the reference, so the two sides'
    rewards differ and a swap anywhere on the way changes what is compared."""
    import torch.nn.functional as F
    from transformers import AutoModelForCausalLM

    from expo_data.store.schema import RoundDir
    from expo_data.select import select
    from expo_train.objectives import OBJECTIVES, dpo_step
    from expo_train.trainer import TrainConfig, recompute_reference, sequence_logps

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    select(data, log=lambda m: None)
    rows = RoundDir(data).selected_table("pairs").to_pylist()
    examples = OBJECTIVES["exp-dpo"].load(data)
    assert len(examples) == len(rows) == 8
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))

    def logps64(prompt, completion):
        ids = torch.tensor([prompt + completion])
        with torch.no_grad():
            logp = model(input_ids=ids).logits[0].double().log_softmax(-1)
        return logp[len(prompt) - 1:-1].gather(1, ids[0, len(prompt):, None])[:, 0]

    chosen = [logps64(r["prompt_token_ids"], r["chosen_token_ids"]) for r in rows]
    rejected = [logps64(r["prompt_token_ids"], r["rejected_token_ids"]) for r in rows]
    beta = 0.5
    chosen_r = torch.stack([beta * (c.sum() - r["ref_chosen_logp"]) for c, r in zip(chosen, rows)])
    rejected_r = torch.stack([beta * (c.sum() - r["ref_rejected_logp"]) for c, r in zip(rejected, rows)])
    assert (chosen_r - rejected_r).abs().min() > 0.05  # a swap of the two sides would show
    batch = collate(list(examples), pad_id=0)
    with torch.no_grad():
        loss, metrics = dpo_step(sequence_logps(model, batch), batch, TrainConfig(data=".", beta=beta))
    assert metrics["chosen_reward"] == pytest.approx(chosen_r.mean().item(), abs=1e-4)
    assert metrics["rejected_reward"] == pytest.approx(rejected_r.mean().item(), abs=1e-4)
    assert loss.item() == pytest.approx(-F.logsigmoid(chosen_r - rejected_r).mean().item(), abs=1e-4)
    nll = -torch.cat(chosen).sum() / sum(len(c) for c in chosen)
    assert metrics["chosen_nll"] == pytest.approx(nll.item(), abs=1e-4)
    for ex, r in zip(examples, rows):
        assert ex.sequences.chosen == (r["prompt_token_ids"], r["chosen_token_ids"])
        assert ex.ref_logps == (r["ref_chosen_logp"], r["ref_rejected_logp"])
    # Odd batch sizes cut pairs at every offset: each recomputed pair is still its own chosen and rejected.
    for ref, c, rj in zip(recompute_reference(model, examples, 0, 3), chosen, rejected):
        assert (ref.chosen, ref.rejected) == (pytest.approx(c.sum().item(), abs=1e-3),
                                              pytest.approx(rj.sum().item(), abs=1e-3))
