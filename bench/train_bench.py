"""Training-step benchmark, side by side in one process on the same pairs and LoRA config:

  1. expo-train's DPO step with stored reference log-probs (what `expo-train round` does), once per
     `--variants` gradient-checkpointing setting (auto = what `expo-train round` picks by default),
  2. the same step recomputing the reference each step (adapter disabled, as TRL does with PEFT),
  3. TRL's DPOTrainer (bench extra: pip install -e '.[bench]'), same LoRA, batch and pairs, its defaults.

Prints pairs/s, peak GPU memory and model TFLOP/s (4 x params x tokens per LoRA step) for each, and
the ratios the goals are stated in. Runs on CPU or CUDA.

Usage:
  python bench/train_bench.py [--model DIR] [--pairs 64] [--batch-size 8] [--steps 6]     # CPU, real model
  python bench/train_bench.py --shape qwen2.5-7b --seq-tokens 690 --variants auto,full     # GPU, random weights
`--shape smollm2-1.7b|qwen2.5-7b|smollm2-135m` builds the architecture in code from the embedded
tokenizer and materialises random bf16 weights directly on the GPU (a 7B in ~30 s, no download).
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import torch

SHAPES = {  # (hidden, intermediate, layers, heads, kv heads, vocab, tied embeddings)
    "smollm2-135m": (576, 1536, 30, 9, 3, 49152, True),
    "smollm2-1.7b": (2048, 8192, 24, 32, 32, 49152, True),
    "qwen2.5-7b": (3584, 18944, 28, 28, 4, 152064, False),
}


def build_pairs(tokenizer, n: int, seq_tokens: int | None = None):
    """Pairs from the built-in problems: chosen = the worked solution, rejected = the same text
    reaching a wrong answer; with seq_tokens the solution is repeated to about that sequence length."""
    from expo_data.problems import builtin_arith
    from expo_data.prompts import DEFAULT_PLAIN, render_chat

    rows = []
    for p in builtin_arith("train")[:n]:
        prompt = render_chat(tokenizer, DEFAULT_PLAIN.format(question=p.question))
        solution = p.solution
        if seq_tokens:
            prompt_len = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
            unit = len(tokenizer(solution + "\n", add_special_tokens=False)["input_ids"])
            solution = "\n".join([p.solution] * max(1, round((seq_tokens - prompt_len) / unit)))
        wrong = str(int(p.answer) + 7)
        rows.append({"prompt": prompt, "chosen": solution, "rejected": solution.replace(p.answer, wrong)})
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


def peak_gb() -> float | None:
    return torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None


def reset_peak():
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def time_expo(base, tokenizer, examples, batch_size, steps, recompute: bool, checkpointing: str) -> dict:
    """expo-train's step on `base` (LoRA added here, removed again after): seconds per step, peak memory."""
    from expo_train.memory import CompletionLogps
    from expo_train.trainer import TrainConfig, recompute_reference, wrap_lora

    cfg = TrainConfig(data=".", loss="exp-dpo", batch_size=batch_size, lora_r=16, lora_alpha=32, lora_dropout=0.0,
                      gradient_checkpointing=checkpointing)
    model = wrap_lora(cfg, base, None, log=lambda m: None)
    lean = CompletionLogps(model)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stored = recompute_reference(model, examples, pad, batch_size)  # precomputed once, outside the timing
    for ex, ref in zip(examples, stored):
        ex.ref_logps = ref
    batches = [[(s * batch_size + i) % len(examples) for i in range(batch_size)] for s in range(steps + 3)]
    try:
        return _timed_steps(model, lean, examples, batches, pad, cfg, recompute)
    finally:
        model.unload()  # the base without LoRA, for the next variant


def _timed_steps(model, lean, examples, batches, pad, cfg, recompute) -> dict:
    from expo_train.data import collate
    from expo_train.trainer import compute_loss, plan_memory, sequence_logps

    reset_peak()
    plan = plan_memory(cfg, model, lean, examples, batches, pad, log=lambda m: None)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    reset_peak()
    times, tokens = [], 0
    warmup = 3  # allocator, kernel selection and autotuning settle in the first steps
    for step, indices in enumerate(batches):
        sync()
        start = time.perf_counter()
        batch = collate([examples[i] for i in indices], pad)
        if recompute:
            with torch.no_grad(), model.disable_adapter():
                sums = sequence_logps(lean, batch).sum(-1)
            batch.ref_logps = torch.stack([sums[0::2], sums[1::2]], dim=1).float().cpu()
        loss, _ = compute_loss(lean, batch, cfg)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        sync()
        if step >= warmup:
            times.append(time.perf_counter() - start)
            tokens += batch.num_tokens
    result = {"step_s": sum(times) / len(times), "peak_gb": peak_gb(), "tokens_per_step": tokens / len(times),
              "checkpointed_layers": f"{plan.checkpointed}/{plan.layers}", "padding_fraction":
              1 - batch.num_tokens / batch.input_ids.numel()}
    del optimizer
    return result


def time_trl(base, tokenizer, rows, batch_size, steps) -> dict | None:
    try:
        import trl
        from datasets import Dataset
        from peft import LoraConfig
        from trl import DPOConfig, DPOTrainer
    except ImportError:
        print("TRL not installed (pip install -e '.[bench]'): skipping the TRL column")
        return None
    import tempfile

    import uuid

    import datasets.fingerprint
    from transformers import TrainerCallback

    from expo_train.memory import set_checkpointed_layers

    # datasets fingerprints tables by pickling them with dill, which fails on Python 3.12 with some
    # pyarrow builds; a fingerprint only names cache files, so a random one is as good here.
    datasets.fingerprint.Hasher.hash = classmethod(lambda cls, value: uuid.uuid4().hex)
    set_checkpointed_layers(base, 0)  # TRL decides its own checkpointing
    data = Dataset.from_list([rows[i % len(rows)] for i in range((steps + 4) * batch_size)])
    reset_peak()
    with tempfile.TemporaryDirectory() as out:
        args = DPOConfig(output_dir=out, per_device_train_batch_size=batch_size, max_steps=steps + 3, learning_rate=1e-5,
                         logging_steps=1, report_to=[], save_strategy="no", beta=0.1, bf16=torch.cuda.is_available(),
                         dataloader_num_workers=0, disable_tqdm=True)
        trainer = DPOTrainer(model=base, args=args, train_dataset=data, processing_class=tokenizer,
                             peft_config=LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules="all-linear",
                                                    task_type="CAUSAL_LM"))
        stamps = []

        class Stamp(TrainerCallback):
            def on_step_end(self, *a, **k):
                sync()
                stamps.append(time.perf_counter())

        trainer.add_callback(Stamp())
        sync()
        stamps.append(time.perf_counter())
        trainer.train()
        checkpointing = bool(trainer.args.gradient_checkpointing)
    step_times = [b - a for a, b in zip(stamps[3:], stamps[4:])]  # skip warm-up steps, as for expo
    return {"step_s": sum(step_times) / len(step_times), "peak_gb": peak_gb(), "version": trl.__version__,
            "gradient_checkpointing": checkpointing}


def shape_config(shape: str, tokenizer):
    """The architecture of a named shape (random weights come later), on the given tokenizer's ids."""
    from transformers import LlamaConfig, Qwen2Config

    hidden, inter, layers, heads, kv, vocab, tied = SHAPES[shape]
    kind = Qwen2Config if shape.startswith("qwen") else LlamaConfig
    return kind(vocab_size=vocab, hidden_size=hidden, intermediate_size=inter, num_hidden_layers=layers,
                num_attention_heads=heads, num_key_value_heads=kv, max_position_embeddings=4096, tie_word_embeddings=tied,
                bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


def build_base(a, tokenizer):
    """(model, description): the real model from disk, or random weights of a named shape made on the device."""
    from transformers import AutoModelForCausalLM

    device = "cuda" if torch.cuda.is_available() else "cpu"
    if not a.shape:
        from expo_data.model import resolve_model

        path = resolve_model(a.model, log=lambda m: None)
        dtype = torch.bfloat16 if device == "cuda" else torch.float32
        return AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(device), path
    config = shape_config(a.shape, tokenizer)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    started = time.perf_counter()
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    print(f"materialised {a.shape} ({sum(p.numel() for p in model.parameters()) / 1e9:.2f}B params, {dtype}) "
          f"on {device} in {time.perf_counter() - started:.0f}s", flush=True)
    return model, f"random {a.shape}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--shape", choices=sorted(SHAPES), default=None)
    ap.add_argument("--pairs", type=int, default=64)
    ap.add_argument("--seq-tokens", type=int, default=None, help="Repeat solutions to about this many tokens per sequence.")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--variants", default="auto", help="Gradient checkpointing settings to time: auto,full,off.")
    ap.add_argument("--no-recompute", action="store_true", help="Skip the recompute-reference column.")
    ap.add_argument("--no-trl", action="store_true")
    a = ap.parse_args()
    torch.manual_seed(0)
    from transformers import AutoTokenizer

    from expo_data.model import resolve_model

    # With --shape only the tokenizer is read, so --model may name a dir holding just tokenizer files.
    tokenizer = AutoTokenizer.from_pretrained(a.model if a.shape and a.model else resolve_model(a.model, log=lambda m: None))
    base, what = build_base(a, tokenizer)
    params = sum(p.numel() for p in base.parameters())
    rows = build_pairs(tokenizer, a.pairs, a.seq_tokens)
    examples = to_examples(tokenizer, rows)
    tokens = sum(ex.num_tokens for ex in examples) / len(examples) / 2
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU x{torch.get_num_threads()} threads"
    print(f"device: {device}; model {what}; {len(examples)} pairs, ~{tokens:.0f} tokens per sequence, batch {a.batch_size}, "
          f"{a.steps} timed steps, LoRA r=16 all-linear", flush=True)

    def tflops(step_s: float, tokens_per_step: float) -> float:
        return 4 * params * tokens_per_step / step_s / 1e12

    results: dict[str, dict] = {}
    for variant in a.variants.split(","):
        try:
            r = time_expo(base, tokenizer, examples, a.batch_size, a.steps, recompute=False, checkpointing=variant)
        except torch.OutOfMemoryError:
            results[f"expo {variant}"] = {"oom": True}
            print(f"expo-train (checkpointing {variant}): out of memory", flush=True)
            base.zero_grad(set_to_none=True)
            reset_peak()
            continue
        r["pairs_per_s"] = a.batch_size / r["step_s"]
        r["model_tflops"] = tflops(r["step_s"], r["tokens_per_step"])
        results[f"expo {variant}"] = r
        print(f"expo-train, stored ref, checkpointing {variant} ({r['checkpointed_layers']} layers): "
              f"{r['pairs_per_s']:.2f} pairs/s, step {r['step_s']:.3f}s, peak {r['peak_gb'] or 0:.1f} GB, "
              f"{r['model_tflops']:.0f} model TFLOP/s, padding {r['padding_fraction']:.2f}", flush=True)
    if not a.no_recompute:
        r = time_expo(base, tokenizer, examples, a.batch_size, a.steps, recompute=True, checkpointing=a.variants.split(",")[0])
        r["pairs_per_s"] = a.batch_size / r["step_s"]
        results["expo recompute"] = r
        print(f"expo-train, reference recomputed each step: {r['pairs_per_s']:.2f} pairs/s, step {r['step_s']:.3f}s", flush=True)
    trl_result = None
    if not a.no_trl:
        try:
            trl_result = time_trl(base, tokenizer, rows, a.batch_size, a.steps)
        except Exception as exc:  # keep the expo figures when TRL cannot run here
            print(f"TRL column failed: {type(exc).__name__}: {str(exc)[:300]}", flush=True)
    if trl_result:
        trl_result["pairs_per_s"] = a.batch_size / trl_result["step_s"]
        tokens_per_step = results[next(iter(results))].get("tokens_per_step") or 0
        trl_result["model_tflops"] = tflops(trl_result["step_s"], tokens_per_step) if tokens_per_step else None
        results["trl"] = trl_result
        print(f"TRL {trl_result['version']} DPOTrainer (gradient_checkpointing={trl_result['gradient_checkpointing']}): "
              f"{trl_result['pairs_per_s']:.2f} pairs/s, step {trl_result['step_s']:.3f}s, "
              f"peak {trl_result['peak_gb'] or 0:.1f} GB", flush=True)
    for name, r in results.items():
        if name.startswith("expo") and not r.get("oom") and name != "expo recompute":
            line = f"{name}: "
            if trl_result:
                line += f"pairs/s {r['pairs_per_s'] / trl_result['pairs_per_s']:.2f}x TRL"
                if r.get("peak_gb") and trl_result.get("peak_gb"):
                    line += f", peak memory {r['peak_gb'] / trl_result['peak_gb']:.2f}x TRL"
            if "expo recompute" in results:
                line += f"; stored/recompute step {r['step_s'] / results['expo recompute']['step_s']:.2f} (goal <= 0.8)"
            print(line)
    print(json.dumps({"device": device, "model": what, "params": params, "seq_tokens": tokens, "batch_pairs": a.batch_size,
                      "results": results, "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))


if __name__ == "__main__":
    main()
