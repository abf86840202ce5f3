"""Generation benchmark, side by side in one process on the same prompts and sampling parameters:

  - raw vLLM `LLM.generate` tokens/s vs `expo-data generate`'s generation tokens/s (goal >= 0.9x),
  - expo-data's scoring pass time / its generation time (goal <= 0.3),
  - vLLM vs HF transformers `generate` tokens/s (goal >= 3x),
  - peak RSS.

Usage: python bench/generate_bench.py [--model DIR] [--problems 32] [--max-tokens 128] [--hf-problems 8]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--problems", type=int, default=32)
    ap.add_argument("--attempts", type=int, default=4)
    ap.add_argument("--explanations", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--hf-problems", type=int, default=8)
    ap.add_argument("--enforce-eager", action="store_true")
    a = ap.parse_args()

    from expo_data.generate import GenerateConfig, engine_for, generate
    from expo_data.model import resolve_model
    from expo_data.problems import load_problems
    from expo_data.prompts import Templates, render_chat

    model_dir = resolve_model(a.model, log=lambda m: None)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = GenerateConfig(out=Path(tmp) / "round", model=model_dir, limit=a.problems, attempts=a.attempts,
                             explanations=a.explanations, max_tokens=a.max_tokens, shards=4,
                             group_problems=a.problems, enforce_eager=a.enforce_eager, progress=False)
        t0 = time.perf_counter()
        engine = engine_for(cfg)
        start_s = time.perf_counter() - t0
        problems = load_problems(cfg.problems, limit=a.problems)
        t = Templates()
        plain = [engine.encode(render_chat(engine.tokenizer, t.plain.format(question=p.question))) for p in problems]
        hinted = [engine.encode(render_chat(engine.tokenizer, t.hinted.format(question=p.question, answer=p.answer)))
                  for p in problems]
        counts = [a.attempts] * len(plain) + [a.explanations] * len(hinted)

        engine.sample(plain[:2], [1, 1], cfg)  # warm-up
        # Raw vLLM: the same requests, parameters and engine, nothing else.
        t0 = time.perf_counter()
        outputs = engine.sample(plain + hinted, counts, cfg)
        raw_s = time.perf_counter() - t0
        raw_tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)

        # expo-data generate: generation, scoring, verification, shard writes.
        t0 = time.perf_counter()
        stats = generate(cfg, log=lambda m: None, engine=engine)
        expo_wall = time.perf_counter() - t0

    raw_tps = raw_tokens / raw_s
    expo_tps = stats.generated_tokens / stats.generate_s
    # HF transformers generate on a subset, same sampling parameters, batched with left padding.
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # vLLM's in-process CPU engine drops torch to 1 thread for serving; give HF every core back.
    torch.set_num_threads(os.cpu_count())
    tok = AutoTokenizer.from_pretrained(model_dir, padding_side="left")
    hf = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16 if engine.dtype == "bfloat16" else torch.float32)
    texts = [render_chat(tok, Templates().plain.format(question=p.question)) for p in problems[: a.hf_problems]]
    batch = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    t0 = time.perf_counter()
    with torch.no_grad():
        out = hf.generate(**batch, do_sample=True, temperature=cfg.temperature, top_p=cfg.top_p,
                          max_new_tokens=a.max_tokens, num_return_sequences=a.attempts, pad_token_id=tok.eos_token_id)
    hf_s = time.perf_counter() - t0
    new = out[:, batch["input_ids"].shape[1]:]
    hf_tokens = int(((new != tok.eos_token_id).sum(-1) + 1).clamp(max=a.max_tokens).sum())
    hf_tps = hf_tokens / hf_s

    result = {
        "device": "cuda" if torch.cuda.is_available() else f"cpu x{os.cpu_count()}",
        "model": model_dir, "dtype": engine.dtype, "problems": a.problems, "sequences": sum(counts),
        "max_tokens": a.max_tokens, "engine_start_s": round(start_s, 1),
        "raw_vllm_tokens_per_s": raw_tps, "expo_generation_tokens_per_s": expo_tps, "expo_over_raw": expo_tps / raw_tps,
        "scoring_s": stats.score_s, "generation_s": stats.generate_s, "scoring_over_generation": stats.score_s / stats.generate_s,
        "verify_s": stats.verify_s, "expo_wall_s": expo_wall,
        "hf_generate_tokens_per_s": hf_tps, "hf_threads": torch.get_num_threads(), "vllm_over_hf": raw_tps / hf_tps,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }
    print(f"expo-data generation {expo_tps:.0f} tok/s vs raw LLM.generate {raw_tps:.0f} tok/s: {expo_tps / raw_tps:.2f}x (goal >= 0.9)")
    print(f"scoring {stats.score_s:.1f}s / generation {stats.generate_s:.1f}s = {stats.score_s / stats.generate_s:.2f} (goal <= 0.3)")
    print(f"vLLM {raw_tps:.0f} tok/s vs HF generate {hf_tps:.0f} tok/s: {raw_tps / hf_tps:.1f}x (goal >= 3)")
    print(f"peak RSS {result['peak_rss_gb']:.2f} GB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
