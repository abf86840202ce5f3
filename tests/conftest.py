"""Shared fixtures: the embedded SmolLM2 model, a tiny random Llama on its tokenizer, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def smollm_dir() -> Path:
    from expo_data.model import prepare_default_model

    return prepare_default_model(log=lambda m: None)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, smollm_dir) -> Path:
    """2 layers, hidden 128, head_dim 64 (vLLM's CPU attention rejects smaller heads)."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    out = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = AutoTokenizer.from_pretrained(smollm_dir)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, head_dim=64, max_position_embeddings=2048,
                         tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, torch_dtype="float32")
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def run_cli(tool: str, *args, timeout: float = 600, check: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(BIN / tool), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"{tool} {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


TINY_GEN = ["--attempts", 2, "--explanations", 1, "--max-tokens", 16, "--enforce-eager", "--no-progress",
            "--dtype", "float32", "--max-model-len", 512]


def sample_row(problem_id, kind, index, correct, policy_mean, tokens=4, answer_gain=1.0, hint=False, finish="stop", level=1,
        round_=0):
    lps = [policy_mean] * tokens
    return {
        "problem_id": problem_id, "kind": kind, "sample_index": index, "round": round_, "level": level,
        "category": None, "extra_fields": None,
        "question": f"Q {problem_id}", "reference_answer": "7", "prompt": f"P {problem_id}" + (" hint" if kind == "explanation" else ""),
        "plain_prompt": f"P {problem_id}", "plain_prompt_token_ids": [1, 2], "completion": f"{kind}{index} of {problem_id}",
        "completion_token_ids": list(range(tokens)), "gen_token_logprobs": None if kind == "expert" else lps,
        "policy_token_logprobs": lps, "policy_logprob_sum": policy_mean * tokens, "policy_logprob_mean": policy_mean,
        "num_tokens": tokens, "finish_reason": None if kind == "expert" else finish, "extracted_answer": "7" if correct else "8",
        "extraction_method": "boxed", "is_correct": correct, "verify_error": None,
        "answer_logprob": -10.0 + answer_gain, "answer_logprob_base": -10.0, "mentions_answer_hint": hint,
    }
