"""`expo-data view` at the issue's scale: a synthetic round of --problems problems x 8 samples (4 attempts,
3 explanations, 1 expert), completions of real text tokenised with the embedded model's tokenizer, then
the page built (time, peak RSS, size) and rendered by headless Chromium (load + render of the first page,
and a filter + sort over the whole round), side by side with the round's size on disk.

Usage: python bench/view_bench.py [--problems 2000] [--tokens 150] [--dir /tmp/expo-view-bench]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import time
from pathlib import Path


WORDS = ("so we add the two numbers and carry the one to get the total which is then checked against the "
         "question first step second multiply divide therefore answer equals boxed final result").split()
KINDS = ["attempt"] * 4 + ["explanation"] * 3 + ["expert"]


def make_round(out: Path, problems: int, tokens: int) -> None:
    import random

    from expo_data.store.schema import read_manifest, rows_to_table
    from expo_data.store.shards import write_round
    from expo_data.view.page import load_tokenizer

    fixture = Path(__file__).parent.parent / "tests" / "fixtures" / "round_v2"
    manifest = read_manifest(fixture)
    tokenizer = load_tokenizer(manifest)
    eos = tokenizer.token_to_id("<|im_end|>")
    rng = random.Random(0)
    shards = []
    for shard in range(8):
        rows = []
        for p in range(shard, problems, 8):
            for index, kind in enumerate(KINDS):
                text = " ".join(rng.choice(WORDS) for _ in range(tokens)) + f"\nThe final answer is \\boxed{{{p}}}."
                ids = tokenizer.encode(text, add_special_tokens=False).ids[:tokens] + [eos]
                text = tokenizer.decode(ids[:-1])
                lps = [-rng.expovariate(1.0) for _ in ids]
                correct = rng.random() < 0.4
                rows.append({
                    "problem_id": f"p{p:05d}", "kind": kind, "sample_index": index, "round": 1, "level": 1 + p % 5,
                    "category": None, "extra_fields": None, "question": f"What is {p} + {p}? " * 3,
                    "reference_answer": str(2 * p), "prompt": "x", "plain_prompt": "x", "plain_prompt_token_ids": [1],
                    "completion": text, "completion_token_ids": ids, "gen_token_logprobs": None if kind == "expert" else lps,
                    "policy_token_logprobs": lps, "policy_logprob_sum": sum(lps), "policy_logprob_mean": sum(lps) / len(ids),
                    "num_tokens": len(ids), "finish_reason": None if kind == "expert" else "stop",
                    "extracted_answer": str(2 * p if correct else p), "extraction_method": "boxed",
                    "is_correct": correct or kind == "expert", "verify_error": None,
                    "answer_logprob": -3.0 + rng.random(), "answer_logprob_base": -3.5, "mentions_answer_hint": rng.random() < 0.1,
                })
        shards.append(rows_to_table(rows))
    write_round(out, shards, manifest)


def chromium(page: Path, fragment: str, profile: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=60000",
                           f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri() + "#" + fragment],
                          capture_output=True, text=True, timeout=600)
    summary = re.search(r'<p id="summary"[^>]*>([^<]*)<', proc.stdout)
    return time.perf_counter() - start, summary.group(1) if summary else "NO SUMMARY (page failed)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=2000)
    parser.add_argument("--tokens", type=int, default=150)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/expo-view-bench"))
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    out = args.dir / "round1"
    start = time.perf_counter()
    make_round(out, args.problems, args.tokens)
    disk = sum(f.stat().st_size for f in (out / "shards").iterdir())
    print(f"round: {args.problems} problems x 8 samples, ~{args.tokens} tokens each, {disk / 2**20:.1f} MB of shards "
          f"({time.perf_counter() - start:.1f} s to write)")

    from expo_data.view import write_view

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    write_view([out], out / "view.html", log=print)
    build_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = (out / "view.html").stat().st_size
    print(f"build: {build_s:.1f} s, page {size / 2**20:.1f} MB, peak RSS {rss / 2**10:.0f} MB (before build {rss_before / 2**10:.0f} MB)")
    for fragment in ("", "kind=explanation&correct=1&sort=nll-desc", "q=carry&page=3"):
        seconds, summary = chromium(out / "view.html", fragment, args.dir / "profile")
        print(f"chromium #{fragment or '(all)'}: {seconds:.1f} s wall (process start + load + render): {summary}")


if __name__ == "__main__":
    main()
