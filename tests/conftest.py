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


def hf_logps(model, prompt_ids, completion_ids):
    import torch

    ids = torch.tensor([prompt_ids + completion_ids])
    with torch.no_grad():
        logprobs = model(ids).logits[0].log_softmax(-1)
    start = len(prompt_ids)
    return logprobs[start - 1:-1].gather(1, ids[0, start:, None])[:, 0].tolist()


@pytest.fixture(scope="session")
def generated_round(tmp_path_factory, tiny_model_dir):
    """One `expo-data generate` run of the tiny model (6 problems, 4 shards), for the tests that only read it
    or compare another run with it: (round dir, the finished process)."""
    out = tmp_path_factory.mktemp("gen") / "round0"
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", out, "--limit", 6, "--shards", 4,
                   *TINY_GEN, check=True)
    return out, proc


@pytest.fixture(scope="session")
def tiny_round(tmp_path_factory, tiny_model_dir):
    """A round dir whose token ids and reference log-probs are real for the tiny model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from expo_data.model import fingerprint_dir
    from expo_data.generate.prompts import DEFAULT_PLAIN, render_chat
    from expo_data.store.schema import rows_to_table
    from expo_data.store.shards import write_round

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    rows = []
    for i in range(8):
        a, b = 3 + i, 4 + 2 * i
        question = f"What is {a} + {b}?"
        prompt = render_chat(tokenizer, DEFAULT_PLAIN.format(question=question))
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        for kind, text, correct in (("explanation", f"{a} + {b} = {a + b}.\nThe final answer is \\boxed{{{a + b}}}.", True),
                                    ("attempt", f"{a} + {b} is {a + b + 3}.\nThe final answer is \\boxed{{{a + b + 3}}}.", False)):
            ids = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            lps = hf_logps(model, prompt_ids, ids)
            row = sample_row(f"q{i}", kind, 0, correct, 0.0, level=1)
            row.update(question=question, reference_answer=str(a + b), prompt=prompt, plain_prompt=prompt,
                       plain_prompt_token_ids=prompt_ids, completion=text, completion_token_ids=ids,
                       gen_token_logprobs=lps, policy_token_logprobs=lps, policy_logprob_sum=sum(lps),
                       policy_logprob_mean=sum(lps) / len(ids), num_tokens=len(ids))
            rows.append(row)
    out = tmp_path_factory.mktemp("train") / "round0"
    write_round(out, [rows_to_table(rows)], {"round": 0, "base_model": str(tiny_model_dir),
                                             "base_model_sha256": fingerprint_dir(str(tiny_model_dir)),
                                             "adapter": None, "logprob_dtype": "float32", "num_problems": 8})
    return out


@pytest.fixture(scope="session")
def s3_bucket():
    """An S3-compatible server (moto's server mode) on 127.0.0.1 with one bucket; its address and
    test credentials reach the CLI subprocesses through the standard AWS environment variables."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ACCESS_KEY_ID": "expo-test", "AWS_SECRET_ACCESS_KEY": "expo-test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_EC2_METADATA_DISABLED": "true"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    boto3.client("s3").create_bucket(Bucket="expo-test")
    yield "s3://expo-test"
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def verified_cache(tmp_path, monkeypatch):
    """The verify-once record (expo_data/store/verified.py) in a dir of this test's own, empty, and nothing
    remembered in this process: what a fresh process of a new user would find. Its `forget()` drops the
    record and the process's memory again (a round written elsewhere, then read here)."""
    import shutil as _shutil

    from expo_data.store import verified

    root = tmp_path / "verified-cache"
    monkeypatch.setattr(verified, "cache_root", lambda: root)
    verified.forget_in_process()

    def forget():
        _shutil.rmtree(root, ignore_errors=True)
        verified.forget_in_process()

    verified.forget = forget
    yield verified
    verified.forget_in_process()
    del verified.forget


# --- the tiers: `slow` marks what starts an engine, a training run, Ray, S3, a browser or a model-loading CLI
# process (`make test-fast` leaves them out). A test that is not marked and still takes long is named at the
# end of every run, so the fast tier stays fast as tests are added.
FAST_TEST_SECONDS = 5.0
_unmarked_slow: list[tuple[float, str]] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.duration > FAST_TEST_SECONDS and "slow" not in report.keywords:
        _unmarked_slow.append((report.duration, report.nodeid))


def pytest_terminal_summary(terminalreporter):
    if _unmarked_slow:
        terminalreporter.section(f"unmarked tests over {FAST_TEST_SECONDS:.0f} s (mark them slow or make them cheaper)")
        for seconds, nodeid in sorted(_unmarked_slow, reverse=True):
            terminalreporter.write_line(f"{seconds:6.1f}s {nodeid}")


@pytest.fixture
def default_sigint():
    """Ctrl-C as Python's default (KeyboardInterrupt) for a test that sends it, whatever the run inherited: a
    shell starts a background job with SIGINT ignored, and an ignored signal stays ignored in the process."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
