"""End-to-end `expo-train round` on a synthetic round of a real model shape: the CLI path itself
(bf16 weights loaded from disk on GPU, the memory plan, the loop, the adapter), not the bench's pieces.

Writes random weights of `--shape` to disk with the given tokenizer, a round dir whose selection holds
DPO pairs of the built-in problems (solutions repeated to `--seq-tokens`), runs
`expo-train round --recompute-ref`, and prints what train_config.json and the metrics recorded.

Usage: python bench/train_round_check.py --tokenizer DIR --shape smollm2-1.7b [--seq-tokens 690] [--steps 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_bench import SHAPES, build_pairs, shape_config  # noqa: E402


def write_round(out: Path, model_dir: Path, tokenizer, pairs: list[dict]) -> None:
    """A round dir with a manifest naming the model and a ready selection (pairs.arrow)."""
    from expo_data.store.schema import SCHEMA_VERSION, RoundDir, atomic_write_bytes, atomic_write_json
    from expo_data.store.shards import table_to_ipc_bytes

    enc = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    rows = [{"round": 1, "problem_id": f"p{i}", "level": 1, "prompt": r["prompt"], "prompt_token_ids": enc(r["prompt"]),
             "chosen_token_ids": enc(r["chosen"]) + [tokenizer.eos_token_id],
             "rejected_token_ids": enc(r["rejected"]) + [tokenizer.eos_token_id],
             "ref_chosen_logp": 0.0, "ref_rejected_logp": 0.0} for i, r in enumerate(pairs)]
    rd = RoundDir(out)
    rd.selected.mkdir(parents=True)
    atomic_write_bytes(rd.selected / "pairs.arrow", table_to_ipc_bytes(pa.Table.from_pylist(rows)))
    atomic_write_json(rd.selection_record, {"rows": {"pairs": len(rows)}, "ran_by": "train_round_check"})
    atomic_write_json(rd.manifest_path, {"schema_version": SCHEMA_VERSION, "config_hash": "synthetic", "round": 1,
                                         "base_model": str(model_dir), "base_model_sha256": None, "adapter": None,
                                         "logprob_dtype": "bfloat16", "shards": 0, "num_problems": len(rows)})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--shape", choices=sorted(SHAPES), default="smollm2-1.7b")
    ap.add_argument("--seq-tokens", type=int, default=690)
    ap.add_argument("--pairs", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--gradient-checkpointing", default="auto")
    a = ap.parse_args()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(a.tokenizer)
    config = shape_config(a.shape, tokenizer)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:
        model_dir, round_dir = Path(tmp) / "model", Path(tmp) / "round1"
        with torch.device(device):
            model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
        model.save_pretrained(model_dir)
        tokenizer.save_pretrained(model_dir)
        del model
        torch.cuda.empty_cache() if device == "cuda" else None
        write_round(round_dir, model_dir, tokenizer, build_pairs(tokenizer, a.pairs, a.seq_tokens))
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "cli.train", "round", "--data", str(round_dir), "--loss", "exp-dpo+sft",
               "--recompute-ref", "--max-steps", str(a.steps), "--batch-size", str(a.batch_size), "--no-progress",
               "--gradient-checkpointing", a.gradient_checkpointing]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        print(proc.stderr[-3000:])
        if proc.returncode != 0:
            sys.exit(proc.returncode)
        train_config = json.loads((round_dir / "train_config.json").read_text())
        metrics = [json.loads(line) for line in (round_dir / "train_metrics.jsonl").read_text().splitlines()]
        print(json.dumps({"shape": a.shape, "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
                          "wall_s": round(time.perf_counter() - started, 1),
                          "base_dtype": train_config["base_dtype"],
                          "gradient_checkpointing_used": train_config["gradient_checkpointing_used"],
                          "padding_fraction": metrics[-1]["padding_fraction"], "tokens_per_s": metrics[-1]["tokens_per_s"],
                          "losses": [round(m["loss"], 4) for m in metrics],
                          "adapter": (round_dir / "adapter" / "adapter_model.safetensors").exists()}))


if __name__ == "__main__":
    main()
