"""Generation benchmark, side by side in one run on the same prompts and sampling parameters:

  - per serving dtype (float32 and bfloat16, each engine in its own child process so their KV
    caches never coexist): raw vLLM `LLM.generate` tokens/s vs `expo-data generate`'s generation
    tokens/s, and expo-data's scoring pass time / its generation time (goal <= 0.3);
  - `expo-data generate` with `--dtype auto` vs the faster raw figure (goal >= 0.9x): does auto pick
    the right dtype for this processor?
  - vLLM vs HF transformers `generate` tokens/s (goal >= 3x), peak RSS.

Prints the processor and whether it has native bf16 first: CPU figures only speak for that kind.

Usage: python bench/generate_bench.py [--model DIR] [--problems 32] [--max-tokens 128] [--hf-problems 8]
                                      [--dtypes float32,bfloat16] [--compile]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path


def processor() -> str:
    from expo_data.model import NATIVE_BF16_FLAGS, cpu_flags

    name = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    flags = cpu_flags()
    native = [f for f in NATIVE_BF16_FLAGS if f in flags] or ["none"]
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "other"
    return f"{name}, {os.cpu_count()} cores, {isa}, native bf16: {', '.join(native)}"


def run_dtype(dtype: str, a) -> dict:
    """One engine of `dtype` (or auto): raw LLM.generate, then expo-data generate, same requests."""
    from expo_data.generate.driver import GenerateConfig, engine_for, generate
    from expo_data.model import resolve_model
    from expo_data.generate.problems import load_problems
    from expo_data.generate.prompts import Templates, render_chat

    model_dir = resolve_model(a.model, log=lambda m: None)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = GenerateConfig(out=Path(tmp) / "round", model=model_dir, limit=a.problems, attempts=a.attempts,
                             explanations=a.explanations, max_tokens=a.max_tokens, shards=4,
                             group_problems=a.problems, enforce_eager=not a.compile, dtype=dtype, progress=False)
        t0 = time.perf_counter()
        engine = engine_for(cfg)
        start_s = time.perf_counter() - t0
        problems = load_problems(cfg.problems, limit=a.problems)
        t = Templates()
        plain = [engine.encode(render_chat(engine.tokenizer, t.plain.format(question=p.question))) for p in problems]
        hinted = [engine.encode(render_chat(engine.tokenizer, t.hinted.format(question=p.question, answer=p.answer)))
                  for p in problems]
        counts = [a.attempts] * len(plain) + [a.explanations] * len(hinted)

        engine.sample(plain[:2], [1, 1], temperature=cfg.temperature, top_p=cfg.top_p, max_tokens=cfg.max_tokens)  # warm-up
        # Raw vLLM: the same requests, parameters and engine, nothing else.
        t0 = time.perf_counter()
        outputs = engine.sample(plain + hinted, counts, temperature=cfg.temperature, top_p=cfg.top_p,
                                 max_tokens=cfg.max_tokens)
        raw_s = time.perf_counter() - t0
        raw_tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)

        # expo-data generate: generation, scoring, verification, shard writes.
        t0 = time.perf_counter()
        stats = generate(cfg, log=lambda m: None, engine=engine)
        expo_wall = time.perf_counter() - t0

    raw_tps = raw_tokens / raw_s
    expo_tps = stats.generated_tokens / stats.generate_s
    import torch

    return {
        "model": model_dir, "dtype": engine.dtype, "problems": a.problems, "sequences": sum(counts),
        "max_tokens": a.max_tokens, "engine_start_s": round(start_s, 1), "eager": engine.enforce_eager,
        "raw_vllm_tokens_per_s": raw_tps, "expo_generation_tokens_per_s": expo_tps, "expo_over_raw": expo_tps / raw_tps,
        "scoring_s": stats.score_s, "generation_s": stats.generate_s, "scoring_over_generation": stats.score_s / stats.generate_s,
        "verify_s": stats.verify_s, "expo_wall_s": expo_wall,
        "device": "cuda" if torch.cuda.is_available() else f"cpu x{os.cpu_count()}",
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def hf_generate(a, model_dir: str, dtype: str) -> dict:
    """HF transformers generate on a subset, same sampling parameters, batched with left padding."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from expo_data.generate.problems import load_problems
    from expo_data.generate.prompts import Templates, render_chat

    torch.set_num_threads(os.cpu_count())
    problems = load_problems("builtin:arith", limit=a.hf_problems)
    tok = AutoTokenizer.from_pretrained(model_dir, padding_side="left")
    hf = AutoModelForCausalLM.from_pretrained(model_dir, dtype=getattr(torch, dtype))
    texts = [render_chat(tok, Templates().plain.format(question=p.question)) for p in problems]
    batch = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    t0 = time.perf_counter()
    with torch.no_grad():
        out = hf.generate(**batch, do_sample=True, temperature=0.7, top_p=1.0, max_new_tokens=a.max_tokens,
                          num_return_sequences=a.attempts, pad_token_id=tok.eos_token_id)
    hf_s = time.perf_counter() - t0
    new = out[:, batch["input_ids"].shape[1]:]
    hf_tokens = int(((new != tok.eos_token_id).sum(-1) + 1).clamp(max=a.max_tokens).sum())
    return {"hf_generate_tokens_per_s": hf_tokens / hf_s, "hf_threads": torch.get_num_threads(), "dtype": dtype}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--problems", type=int, default=32)
    ap.add_argument("--attempts", type=int, default=4)
    ap.add_argument("--explanations", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--hf-problems", type=int, default=8)
    ap.add_argument("--compile", action="store_true", help="Compiled engines (default: eager, the CPU default).")
    ap.add_argument("--dtypes", default="float32,bfloat16")
    a = ap.parse_args()
    print(f"processor: {processor()}", flush=True)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    results = {}
    for dtype in a.dtypes.split(",") + ["auto"]:
        with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
            results[dtype] = pool.submit(run_dtype, dtype, a).result()
        r = results[dtype]
        print(f"[{dtype} -> {r['dtype']}] raw LLM.generate {r['raw_vllm_tokens_per_s']:.0f} tok/s, expo-data generation "
              f"{r['expo_generation_tokens_per_s']:.0f} tok/s ({r['expo_over_raw']:.2f}x), scoring/generation "
              f"{r['scoring_over_generation']:.2f}, engine start {r['engine_start_s']:.0f}s", flush=True)
    fastest = max((results[d] for d in a.dtypes.split(",")), key=lambda r: r["raw_vllm_tokens_per_s"])
    auto = results["auto"]
    hf = hf_generate(a, fastest["model"], fastest["dtype"])
    print("\nfloat32 vs bfloat16 raw: " + ", ".join(f"{d} {results[d]['raw_vllm_tokens_per_s']:.0f} tok/s"
                                                  for d in a.dtypes.split(",")))
    print(f"--dtype auto chose {auto['dtype']}: expo-data generation {auto['expo_generation_tokens_per_s']:.0f} tok/s = "
          f"{auto['expo_generation_tokens_per_s'] / fastest['raw_vllm_tokens_per_s']:.2f}x the faster raw figure "
          f"({fastest['dtype']}, {fastest['raw_vllm_tokens_per_s']:.0f} tok/s) (goal >= 0.9)")
    print(f"scoring {auto['scoring_s']:.1f}s / generation {auto['generation_s']:.1f}s = "
          f"{auto['scoring_over_generation']:.2f} (goal <= 0.3)")
    print(f"vLLM {fastest['raw_vllm_tokens_per_s']:.0f} tok/s vs HF generate {hf['hf_generate_tokens_per_s']:.0f} tok/s "
          f"({fastest['dtype']}): {fastest['raw_vllm_tokens_per_s'] / hf['hf_generate_tokens_per_s']:.1f}x (goal >= 3)")
    print(json.dumps({"processor": processor(), "by_dtype": results, "hf": hf}))


if __name__ == "__main__":
    main()
