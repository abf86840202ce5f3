"""The vLLM engine: sampling with raw log-probs, and teacher-forced scoring (prompt log-probs) of
given token sequences, with an optional LoRA adapter served per request or merged once.

One vLLM function is patched, only on CPU with an adapter served per request (vLLM's CPU LoRA path
crashes on prompt log-probs; `_patch_cpu_lora_prompt_logprobs` says why the patch is exact here)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from ..errors import ExpoError, first_line
from ..model import on_cpu as no_gpu, resolve_dtype

# vLLM's CPU backend sizes its KV cache from this fraction of host memory; its GPU default
# (0.9) would claim nearly all RAM on a CPU machine.
CPU_MEMORY_UTILIZATION = 0.3
CPU_MAX_NUM_SEQS = 256  # vLLM's CPU default for the offline LLM class
DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}


def cpu_kv_cache_bytes(model_path: str, dtype: str, max_model_len: int, fraction: float) -> int | None:
    """The KV cache the engine can use at most (every sequence it may run at once, at full length), when
    that is less than `fraction` of host memory; None to let vLLM take the fraction. A CPU engine
    allocates and touches all of it at start (a 7 GiB cache costs ~2-3 s on 2 cores), and a small model
    or a short context needs far less."""
    try:
        config = json.loads((Path(model_path) / "config.json").read_text())
        config = config.get("text_config", config)
        heads = config["num_attention_heads"]
        head_dim = config.get("head_dim") or config["hidden_size"] // heads
        per_token = 2 * config["num_hidden_layers"] * config.get("num_key_value_heads", heads) * head_dim
        need = int(CPU_MAX_NUM_SEQS * (max_model_len + 16) * per_token * DTYPE_BYTES[dtype] * 1.1)
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None  # an unusual config: vLLM's own sizing
    return need if need < fraction * total else None


def lora_rank_limit(adapter_path: str) -> int:
    """The smallest vLLM max_lora_rank that holds the adapter's rank."""
    rank = int(json.loads((Path(adapter_path) / "adapter_config.json").read_text()).get("r", 16))
    for allowed in (8, 16, 32, 64, 128, 256, 320, 512):
        if rank <= allowed:
            return allowed
    raise ExpoError(f"adapter rank {rank} exceeds vLLM's largest max_lora_rank (512)")


class Engine:
    """One vLLM engine (plus optional LoRA) used for sampling and teacher-forced scoring."""

    def __init__(self, model_path: str, adapter_path: str | None, *, seed: int, dtype: str, max_model_len: int,
                 tensor_parallel_size: int = 1, gpu_memory_utilization: float | None = None,
                 enforce_eager: bool | None = None, lora_mode: str = "auto"):
        on_cpu = no_gpu()
        if enforce_eager is None:
            enforce_eager = on_cpu
        self.enforce_eager = enforce_eager
        dtype, _ = resolve_dtype(dtype, model_path, on_cpu)
        if lora_mode not in ("auto", "request", "merged"):
            raise ExpoError(f"--lora-mode must be auto, request or merged, not {lora_mode}")
        if adapter_path and (lora_mode == "merged" or (lora_mode == "auto" and on_cpu)):
            from ..model import merged_model_dir

            model_path, adapter_path = merged_model_dir(model_path, adapter_path), None
            self.lora_serving = "merged"
        else:
            self.lora_serving = "request" if adapter_path else None
        if on_cpu:
            # On few cores a separate engine process costs more in IPC than it overlaps.
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        from vllm import LLM
        from vllm.lora.request import LoRARequest

        fraction = gpu_memory_utilization or (CPU_MEMORY_UTILIZATION if on_cpu else 0.9)
        kwargs: dict[str, Any] = dict(
            model=model_path, tokenizer=model_path, seed=seed, dtype=dtype, max_model_len=max_model_len,
            tensor_parallel_size=tensor_parallel_size, enforce_eager=enforce_eager, gpu_memory_utilization=fraction,
        )
        if on_cpu and not os.environ.get("VLLM_CPU_KVCACHE_SPACE"):  # the user's own size wins
            kv_bytes = cpu_kv_cache_bytes(model_path, dtype, max_model_len, fraction)
            if kv_bytes:
                kwargs["kv_cache_memory_bytes"] = kv_bytes
        if adapter_path:
            kwargs.update(enable_lora=True, max_lora_rank=lora_rank_limit(adapter_path), max_loras=1)
            if on_cpu:
                _patch_cpu_lora_prompt_logprobs()
        try:
            self.llm = LLM(**kwargs)
        except Exception as exc:
            raise ExpoError(f"vLLM could not load model {model_path}: {first_line(exc)}")
        self.lora = LoRARequest("policy", 1, adapter_path) if adapter_path else None
        self.tokenizer = self.llm.get_tokenizer()
        self.dtype = str(self.llm.llm_engine.model_config.dtype).replace("torch.", "")
        self.max_model_len = self.llm.llm_engine.model_config.max_model_len

    def encode(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def sample(self, prompt_ids: list[list[int]], counts: list[int], *, temperature: float, top_p: float,
               max_tokens: int, on_done: Callable[[int, str], None] | None = None):
        """counts[i] samples from prompt i; raw (temperature-free) log-probs of the sampled tokens.
        `on_done(samples, vllm_speed)` is called as each request finishes (see EngineProgress)."""
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        if not prompt_ids:
            return []
        params = {n: SamplingParams(n=n, temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                                    logprobs=0, flat_logprobs=True) for n in set(counts)}
        return self.llm.generate([TokensPrompt(prompt_token_ids=ids) for ids in prompt_ids], [params[n] for n in counts],
                                 use_tqdm=EngineProgress(on_done) if on_done else False, lora_request=self.lora)

    def score(self, sequences: list[list[int]], starts: list[int],
              on_done: Callable[[int, str], None] | None = None) -> list[list[float]]:
        """Teacher-forced log-probs of sequences[i][starts[i]:] given what precedes them."""
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        if not sequences:
            return []
        # detokenize=False: no text is needed, and decoding every prompt position's token costs more
        # than the forward pass on CPU.
        params = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, flat_logprobs=True, detokenize=False)
        outputs = self.llm.generate([TokensPrompt(prompt_token_ids=ids) for ids in sequences], params,
                                    use_tqdm=EngineProgress(on_done) if on_done else False, lora_request=self.lora)
        return [chosen_logprobs(out.prompt_logprobs, seq, start) for out, seq, start in zip(outputs, sequences, starts)]


class EngineProgress:
    """What vLLM's `LLM.generate(use_tqdm=<callable>)` builds its bar with, standing in for tqdm so that
    each finished request reaches `on_done(n, speed)` while the call runs (n: its samples; speed: vLLM's
    own "output: X toks/s" line). vLLM calls it over the prompts it renders (an iterable, passed
    through) and once with total= for the run, whose update(n) it calls per finished request."""

    def __init__(self, on_done: Callable[[int, str], None]):
        self.on_done = on_done

    def __call__(self, iterable=None, **_):
        return iterable if iterable is not None else _RequestCounter(self.on_done)


class _RequestCounter:
    def __init__(self, on_done: Callable[[int, str], None]):
        self.n, self.postfix, self._start, self._on_done = 0, "", time.perf_counter(), on_done

    @property
    def format_dict(self) -> dict[str, float]:
        return {"elapsed": max(time.perf_counter() - self._start, 1e-6)}

    def update(self, n: int = 1) -> None:
        self.n += n
        self._on_done(n, self.postfix or "")

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass


def _patch_cpu_lora_prompt_logprobs() -> None:
    """vLLM's CPU punica wrapper applies logits-LoRA with one index per *sampled* token, so
    prompt_logprobs (one row per prompt position) crash with a shape mismatch. This engine serves
    a single adapter (max_loras=1) to every request, so each row's index is the same: expand it.
    (The GPU wrapper maps prompt positions itself and needs no help.)"""
    from vllm.lora.punica_wrapper.punica_cpu import PunicaWrapperCPU

    if getattr(PunicaWrapperCPU, "_expo_patched", False):
        return
    original = PunicaWrapperCPU.add_lora_logits

    def add_lora_logits(self, y, x, lora_a_stacked, lora_b_stacked, scale, buffer=None, **kwargs):
        rows = x.view(-1, x.shape[-1]).size(0)
        indices = self.sampler_indices
        if indices.numel() and indices.numel() != rows:
            saved = self._sampler_indices.clone(), self.indices_len[:]
            self._sampler_indices = indices[:1].expand(rows).contiguous()
            self.indices_len[1] = rows
            try:
                return original(self, y, x, lora_a_stacked, lora_b_stacked, scale, buffer=buffer, **kwargs)
            finally:
                self._sampler_indices, self.indices_len[:] = saved[0], saved[1]
        return original(self, y, x, lora_a_stacked, lora_b_stacked, scale, buffer=buffer, **kwargs)

    PunicaWrapperCPU.add_lora_logits = add_lora_logits
    PunicaWrapperCPU._expo_patched = True


def chosen_logprobs(container, token_ids: list[int], start: int) -> list[float]:
    """The log-prob of token_ids[pos] at each pos >= start from a vLLM logprobs container
    (flat or list-of-dicts). The chosen token is always among the returned entries."""
    from vllm.logprobs import FlatLogprobs

    values = []
    if isinstance(container, FlatLogprobs):
        for pos in range(start, len(token_ids)):
            lo, hi = container.start_indices[pos], container.end_indices[pos]
            for j in range(lo, hi):
                if container.token_ids[j] == token_ids[pos]:
                    values.append(container.logprobs[j])
                    break
            else:
                raise RuntimeError(f"vLLM returned no log-prob for token at position {pos}")
    else:
        for pos in range(start, len(token_ids)):
            values.append(container[pos][token_ids[pos]].logprob)
    return values


def generated_logprobs(completion) -> list[float]:
    return chosen_logprobs(completion.logprobs, list(completion.token_ids), 0)

