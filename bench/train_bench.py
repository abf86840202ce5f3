"""Training-step benchmark, side by side in one process on the same pairs and LoRA config:

  1. expo-train's DPO step with stored reference log-probs (what `expo-train round` does),
  2. the same step recomputing the reference each step (adapter disabled, as TRL does with PEFT),
  3. TRL's DPOTrainer (bench extra: pip install -e '.[bench]'), same LoRA, batch and pairs.

Prints the step-time ratio (goal <= 0.8) and pairs/s vs TRL (goal >= 1.3). Runs on CPU or CUDA.
Usage: python bench/train_bench.py [--model DIR] [--pairs 64] [--batch-size 8] [--steps 6]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import torch


def build_pairs(tokenizer, n: int):
    """Pairs from the built-in problems: chosen = the worked solution, rejected = the same text
    reaching a wrong answer (~50-token completions after a ~60-token chat prompt)."""
    from expo_data.problems import builtin_arith
    from expo_data.prompts import DEFAULT_PLAIN, render_chat

    rows = []
    for p in builtin_arith("train")[:n]:
        prompt = render_chat(tokenizer, DEFAULT_PLAIN.format(question=p.question))
        wrong = str(int(p.answer) + 7)
        rows.append({"prompt": prompt, "chosen": p.solution, "rejected": p.solution.replace(p.answer, wrong)})
    return rows


def to_examples(tokenizer, rows):
    from expo_train.data import Example

    enc = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    return [Example("pair", [(enc(r["prompt"]), enc(r["chosen"]) + [tokenizer.eos_token_id]),
                             (enc(r["prompt"]), enc(r["rejected"]) + [tokenizer.eos_token_id])], ref_logps=[0.0, 0.0])
            for r in rows]


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def time_expo(model_dir, examples, batch_size, steps, recompute: bool) -> float:
    from expo_train.data import collate
    from expo_train.trainer import TrainConfig, compute_loss, load_policy, recompute_reference, sequence_logps

    cfg = TrainConfig(data=".", loss="exp-dpo", batch_size=batch_size, lora_r=16, lora_alpha=32, lora_dropout=0.0)
    model, tokenizer = load_policy(cfg, model_dir, None, log=lambda m: None)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stored = recompute_reference(model, examples, pad, batch_size)  # precomputed once, outside the timing
    for ex, ref in zip(examples, stored):
        ex.ref_logps = ref
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    model.train()
    times = []
    warmup = 3  # allocator, kernel selection and autotuning settle in the first steps
    for step in range(steps + warmup):
        batch_examples = [examples[(step * batch_size + i) % len(examples)] for i in range(batch_size)]
        sync()
        start = time.perf_counter()
        batch = collate(batch_examples, pad)
        if recompute:
            with torch.no_grad(), model.disable_adapter():
                sums = sequence_logps(model, batch).sum(-1)
            batch.ref_logps = torch.stack([sums[0::2], sums[1::2]], dim=1).float().cpu()
        loss, _ = compute_loss(model, batch, cfg)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        sync()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def time_trl(model_dir, rows, batch_size, steps) -> float | None:
    try:
        import trl
        from datasets import Dataset
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from trl import DPOConfig, DPOTrainer
    except ImportError:
        print("TRL not installed (pip install -e '.[bench]'): skipping the TRL column")
        return None
    import tempfile

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    data = Dataset.from_list([rows[i % len(rows)] for i in range((steps + 1) * batch_size)])
    with tempfile.TemporaryDirectory() as out:
        args = DPOConfig(output_dir=out, per_device_train_batch_size=batch_size, max_steps=steps + 1, learning_rate=1e-5,
                         logging_steps=1, report_to=[], save_strategy="no", beta=0.1, bf16=torch.cuda.is_available(),
                         dataloader_num_workers=0, disable_tqdm=True)
        trainer = DPOTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
                             peft_config=LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules="all-linear",
                                                    task_type="CAUSAL_LM"))
        stamps = []

        from transformers import TrainerCallback

        class Stamp(TrainerCallback):
            def on_step_end(self, *a, **k):
                sync()
                stamps.append(time.perf_counter())

        trainer.add_callback(Stamp())
        sync()
        stamps.append(time.perf_counter())
        trainer.train()
    print(f"TRL {trl.__version__}")
    steps_times = [b - a for a, b in zip(stamps[1:], stamps[2:])]  # skip the warm-up step, as for expo
    return sum(steps_times) / len(steps_times)


def materialise_random(config_dir: str) -> str:
    """Save random weights of the configured shape next to the tokenizer, in a temp dir."""
    import shutil
    import tempfile

    from transformers import AutoConfig, AutoModelForCausalLM

    out = tempfile.mkdtemp(prefix="expo-bench-model-")
    shutil.copytree(config_dir, out, dirs_exist_ok=True)
    AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(config_dir)).save_pretrained(out)
    return out


def main():
    from expo_data.model import resolve_model

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--pairs", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--no-trl", action="store_true")
    ap.add_argument("--random-init", action="store_true",
                    help="Model dir holds config + tokenizer only: random weights of that shape (same step cost).")
    a = ap.parse_args()
    torch.manual_seed(0)
    model_dir = a.model if a.random_init else resolve_model(a.model, log=lambda m: None)
    if a.random_init:
        model_dir = materialise_random(model_dir)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    rows = build_pairs(tokenizer, a.pairs)
    examples = to_examples(tokenizer, rows)
    tokens = sum(ex.num_tokens for ex in examples) / len(examples) / 2
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU x{torch.get_num_threads()} threads"
    print(f"device: {device}; {len(examples)} pairs, ~{tokens:.0f} tokens per sequence, batch {a.batch_size}, "
          f"{a.steps} timed steps, LoRA r=16 all-linear")
    stored = time_expo(model_dir, examples, a.batch_size, a.steps, recompute=False)
    recomputed = time_expo(model_dir, examples, a.batch_size, a.steps, recompute=True)
    trl_step = None if a.no_trl else time_trl(model_dir, rows, a.batch_size, a.steps)
    result = {"device": device, "stored_ref_step_s": stored, "recompute_ref_step_s": recomputed,
              "stored_over_recompute": stored / recomputed, "expo_pairs_per_s": a.batch_size / stored,
              "trl_step_s": trl_step, "trl_pairs_per_s": a.batch_size / trl_step if trl_step else None,
              "expo_over_trl_pairs_per_s": trl_step / stored if trl_step else None,
              "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}
    print(f"stored-ref step {stored:.3f}s vs recompute-ref step {recomputed:.3f}s: ratio {stored / recomputed:.2f} (goal <= 0.8)")
    if trl_step:
        print(f"pairs/s: expo {a.batch_size / stored:.2f} vs TRL DPOTrainer {a.batch_size / trl_step:.2f}: "
              f"ratio {trl_step / stored:.2f} (goal >= 1.3)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
