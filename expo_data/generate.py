"""`expo-data generate`: K on-policy attempts and M answer-conditioned self-explanations per
problem through vLLM, re-scored under the plain prompt, verified, written as Arrow shards.

Work is done in groups of whole shards (a few hundred sequences per vLLM call keeps the
engine's batch full); each shard is written as soon as its group is done, so a killed run
loses at most one group and a rerun picks up the missing shards.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ExpoError
from .model import fingerprint_dir, resolve_adapter, resolve_dtype, resolve_model
from .problems import FieldMap, Problem, load_problems, problems_hash
from .prompts import Templates, mentions_answer_hint, render_chat
from .schema import MANIFEST_NAME, SCHEMA_VERSION, SHARDS_DIR, read_manifest, rows_to_table
from .shards import shard_status, write_shard
from .storage import Store, as_location, is_remote, join, redact
from .verify import Verifier, extract_answer, final_statement_start

# vLLM's CPU backend sizes its KV cache from this fraction of host memory; its GPU default
# (0.9) would claim nearly all RAM on a CPU machine.
CPU_MEMORY_UTILIZATION = 0.3


@dataclass
class GenerateConfig:
    out: Path
    problems: str = "builtin:arith"
    fields: FieldMap = field(default_factory=FieldMap)
    model: str | None = None
    adapter: str | None = None
    attempts: int = 4
    explanations: int = 2
    shards: int = 64
    max_tokens: int = 512
    temperature: float = 0.7
    top_p: float = 1.0
    seed: int = 0
    round: int = 0
    limit: int | None = None
    dtype: str = "auto"
    max_model_len: int = 2048
    tensor_parallel_size: int = 1
    gpu_memory_utilization: float | None = None
    enforce_eager: bool | None = None  # None: eager on CPU (compile costs ~70 s of start for ~7%), compiled on GPU
    lora_mode: str = "auto"  # request (vLLM LoRARequest) | merged (weights merged once) | auto: request on GPU
    templates: Templates = field(default_factory=Templates)
    group_problems: int = 64
    # False: attempts only, for accuracy (eval): no expert rows and no answer-suffix scoring pass, which
    # on CPU costs about as much as generating; answer_logprob columns are then NaN.
    score_answers: bool = True
    worker: tuple[int, int] = (0, 1)
    overwrite: bool = False
    dry_run: bool = False
    verify_timeout: float = 5.0  # seconds per math-verify item
    progress: bool = True


@dataclass
class Plan:
    problems: list[Problem]
    assignment: dict[int, list[Problem]]  # shard index -> its problems
    mine: list[int]  # shard indices this worker owns
    todo: list[int]  # owned shards not yet complete
    statuses: dict[int, str]
    manifest: dict[str, Any]


MAX_SAMPLES_PER_PROMPT = 4096  # a vLLM request of more samples than this is a typo, not a plan
SERVING_DTYPES = ("auto", "float32", "bfloat16", "float16", "half", "float")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate(cfg: GenerateConfig) -> None:
    """Every option checked before anything is loaded, started or written (ExpoError, one line)."""
    if str(cfg.out).strip() in ("", "."):
        raise ExpoError("--out is empty; name the round dir to write")
    if cfg.attempts < 0 or cfg.explanations < 0 or cfg.attempts + cfg.explanations == 0:
        raise ExpoError("--attempts and --explanations must be >= 0 and not both 0")
    if max(cfg.attempts, cfg.explanations) > MAX_SAMPLES_PER_PROMPT:
        raise ExpoError(f"--attempts and --explanations must be <= {MAX_SAMPLES_PER_PROMPT} per problem")
    if cfg.shards < 1 or cfg.shards > 100_000:
        raise ExpoError("--shards must be from 1 to 100000")
    i, n = cfg.worker
    if n < 1 or not 0 <= i < n:
        raise ExpoError(f"--worker {i}/{n}: need 0 <= i < N")
    if cfg.max_tokens < 1:
        raise ExpoError("--max-tokens must be >= 1")
    if not _finite(cfg.temperature) or cfg.temperature < 0:
        raise ExpoError(f"--temperature must be a finite number >= 0, not {cfg.temperature}")
    if cfg.temperature == 0 and max(cfg.attempts, cfg.explanations) > 1:
        raise ExpoError("--temperature 0 is greedy: every sample would be the same; use --attempts/--explanations <= 1")
    if not _finite(cfg.top_p) or not 0 < cfg.top_p <= 1:
        raise ExpoError(f"--top-p must be in (0, 1], not {cfg.top_p}")
    if cfg.max_model_len < 2:
        raise ExpoError(f"--max-model-len must be >= 2, not {cfg.max_model_len}")
    if cfg.max_tokens >= cfg.max_model_len:
        raise ExpoError(f"--max-tokens {cfg.max_tokens} leaves no room for a prompt in --max-model-len {cfg.max_model_len}")
    if not 1 <= cfg.tensor_parallel_size <= 1024:
        raise ExpoError(f"--tensor-parallel-size must be from 1 to 1024, not {cfg.tensor_parallel_size}")
    if cfg.gpu_memory_utilization is not None and (not _finite(cfg.gpu_memory_utilization)
                                                   or not 0 < cfg.gpu_memory_utilization <= 1):
        raise ExpoError(f"--gpu-memory-utilization must be in (0, 1], not {cfg.gpu_memory_utilization}")
    if cfg.dtype not in SERVING_DTYPES:
        raise ExpoError(f"--dtype must be one of {', '.join(SERVING_DTYPES)}, not {cfg.dtype}")
    if cfg.lora_mode not in ("auto", "request", "merged"):
        raise ExpoError(f"--lora-mode must be auto, request or merged, not {cfg.lora_mode}")
    if not _finite(cfg.verify_timeout) or cfg.verify_timeout <= 0:
        raise ExpoError(f"--verify-timeout must be a finite number of seconds > 0, not {cfg.verify_timeout}")
    if cfg.group_problems < 1:
        raise ExpoError(f"--group-problems must be >= 1, not {cfg.group_problems}")
    if cfg.seed < 0 or cfg.seed >= 2**32:
        raise ExpoError(f"--seed must be from 0 to 2**32 - 1, not {cfg.seed}")
    if cfg.round < 0 or cfg.round > 1_000_000:
        raise ExpoError(f"--round must be from 0 to 1000000, not {cfg.round}")
    if cfg.limit is not None and cfg.limit < 1:
        raise ExpoError("--limit must be positive")
    cfg.templates.validate()


def sampling_config(cfg: GenerateConfig) -> dict[str, Any]:
    return {"attempts": cfg.attempts, "explanations": cfg.explanations, "max_tokens": cfg.max_tokens,
            "temperature": cfg.temperature, "top_p": cfg.top_p, "logprobs_mode": "raw_logprobs"}


def build_manifest(cfg: GenerateConfig, problems: list[Problem], model_path: str, adapter_path: str | None,
                   on_cpu: bool | None = None) -> dict[str, Any]:
    """`on_cpu`: whether the engines will run on CPU (default: whether this process has no GPU; a Ray
    driver on a CPU head node plans for its GPU workers)."""
    import importlib.metadata as md

    dtype, dtype_reason = resolve_dtype(cfg.dtype, model_path, _on_cpu() if on_cpu is None else on_cpu)

    def version(name: str) -> str | None:
        for dist in (name, f"{name}-cpu"):
            try:
                return md.version(dist)
            except md.PackageNotFoundError:
                continue
        return None

    # Everything that decides what the samples are; a rerun must match it to resume.
    identity = {
        "schema_version": SCHEMA_VERSION,
        "base_model": model_path,
        "base_model_sha256": fingerprint_dir(model_path),
        # A remote adapter is named by its URI: the local copy's path differs from machine to machine.
        "adapter": redact(cfg.adapter) if is_remote(cfg.adapter or "") else adapter_path,
        "adapter_sha256": fingerprint_dir(adapter_path),
        "problem_source": cfg.problems,
        "problem_fields": asdict(cfg.fields),
        "problems_sha256": problems_hash(problems),
        "num_problems": len(problems),
        "limit": cfg.limit,
        "sampling": sampling_config(cfg),
        "templates": cfg.templates.as_dict(),
        "seed": cfg.seed,
        "shards": cfg.shards,
        "round": cfg.round,
        # The resolved serving dtype: a round resumed on a processor that resolves `auto` otherwise
        # would mix log-prob precisions, so it counts as another configuration.
        "dtype": dtype,
        "max_model_len": cfg.max_model_len,
    }
    if not cfg.score_answers:  # only when off, so the hash of every scored round stays what it was
        identity["score_answers"] = False
    config_hash = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    return {
        **identity,
        "config_hash": config_hash,
        "dtype_requested": cfg.dtype,
        "dtype_reason": dtype_reason,
        "versions": {name: version(name) for name in ("vllm", "torch", "transformers", "pyarrow", "math-verify")},
        "shard_pattern": f"{SHARDS_DIR}/shard-{{index:05d}}-of-{cfg.shards:05d}.arrow",
    }


def assign_shards(problems: list[Problem], count: int) -> dict[int, list[Problem]]:
    """Round-robin by position: every shard gets a similar mix of levels and lengths."""
    assignment: dict[int, list[Problem]] = {i: [] for i in range(count)}
    for position, problem in enumerate(problems):
        assignment[position % count].append(problem)
    return assignment


def _existing_manifest(cfg: GenerateConfig) -> dict[str, Any] | None:
    """The manifest already in cfg.out; with --overwrite an unreadable one counts as none (it is replaced)."""
    try:
        return read_manifest(cfg.out)
    except ExpoError:
        if cfg.overwrite:
            return None
        raise ExpoError(f"{join(cfg.out, MANIFEST_NAME)} is unreadable or of another toolkit version; pass --overwrite to "
                        f"regenerate the round there, or use another --out")


def check_inputs(cfg: GenerateConfig, log: Callable[[str], None] = print) -> tuple[list[Problem], str, str | None]:
    """Options, problems, model and adapter: everything checkable before an engine or a cluster starts.
    Returns (problems, model path, adapter path)."""
    validate(cfg)
    problems = load_problems(cfg.problems, cfg.fields, cfg.limit)
    model_path = resolve_model(cfg.model, log=log)
    limit = model_context_length(model_path)
    if limit is not None and cfg.max_model_len > limit:
        raise ExpoError(f"--max-model-len {cfg.max_model_len} exceeds the model's context length {limit}")
    return problems, model_path, resolve_adapter(cfg.adapter)


def model_context_length(model_path: str) -> int | None:
    """max_position_embeddings from a local model's config.json; None when not known here."""
    try:
        value = json.loads((Path(model_path) / "config.json").read_text()).get("max_position_embeddings")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def plan(cfg: GenerateConfig, log: Callable[[str], None] = print, on_cpu: bool | None = None) -> Plan:
    problems, model_path, adapter_path = check_inputs(cfg, log)
    manifest = build_manifest(cfg, problems, model_path, adapter_path, on_cpu)
    existing = _existing_manifest(cfg)
    if existing and existing.get("config_hash") != manifest["config_hash"] and not cfg.overwrite:
        changed = sorted(k for k in manifest if k not in ("config_hash", "versions") and existing.get(k) != manifest[k])
        raise ExpoError(f"{cfg.out} holds a run with a different configuration (differs in: {', '.join(changed) or 'config'}); "
                        f"use another --out or pass --overwrite")
    i, n = cfg.worker
    mine = [s for s in range(cfg.shards) if s % n == i]
    same_run = existing is not None and existing.get("config_hash") == manifest["config_hash"]
    statuses = {s: shard_status(cfg.out, s, cfg.shards, manifest["config_hash"]) if same_run else "missing" for s in mine}
    todo = [s for s in mine if statuses[s] != "complete"]
    return Plan(problems, assign_shards(problems, cfg.shards), mine, todo, statuses, manifest)


def describe_plan(cfg: GenerateConfig, p: Plan) -> str:
    counts = {k: sum(1 for s in p.mine if p.statuses[s] == k) for k in ("complete", "missing", "corrupt")}
    todo_problems = sum(len(p.assignment[s]) for s in p.todo)
    return (f"plan: {len(p.problems)} problems from {cfg.problems} -> {redact(cfg.out)} in {cfg.shards} shards; "
            f"worker {cfg.worker[0]}/{cfg.worker[1]} owns {len(p.mine)} shards "
            f"({counts['complete']} complete, {counts['missing']} missing, {counts['corrupt']} corrupt); "
            f"to generate: {len(p.todo)} shards, {todo_problems} problems x "
            f"({cfg.attempts} attempts + {cfg.explanations} explanations), max {cfg.max_tokens} tokens each; "
            f"model {p.manifest['base_model']}" + (f" + adapter {p.manifest['adapter']}" if p.manifest['adapter'] else ""))


# ---------------------------------------------------------------------------
# The engine.
# ---------------------------------------------------------------------------
def _on_cpu() -> bool:
    try:
        import torch

        return not torch.cuda.is_available()
    except Exception:
        return True


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
        on_cpu = _on_cpu()
        if enforce_eager is None:
            enforce_eager = on_cpu
        self.enforce_eager = enforce_eager
        dtype, self.dtype_reason = resolve_dtype(dtype, model_path, on_cpu)
        if lora_mode not in ("auto", "request", "merged"):
            raise ExpoError(f"--lora-mode must be auto, request or merged, not {lora_mode}")
        if adapter_path and (lora_mode == "merged" or (lora_mode == "auto" and on_cpu)):
            from .model import merged_model_dir

            model_path, adapter_path = merged_model_dir(model_path, adapter_path), None
            self.lora_serving = "merged"
        else:
            self.lora_serving = "request" if adapter_path else None
        if on_cpu:
            # On few cores a separate engine process costs more in IPC than it overlaps.
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        from vllm import LLM
        from vllm.lora.request import LoRARequest

        kwargs: dict[str, Any] = dict(
            model=model_path, tokenizer=model_path, seed=seed, dtype=dtype, max_model_len=max_model_len,
            tensor_parallel_size=tensor_parallel_size, enforce_eager=enforce_eager,
            gpu_memory_utilization=gpu_memory_utilization or (CPU_MEMORY_UTILIZATION if on_cpu else 0.9),
        )
        if adapter_path:
            kwargs.update(enable_lora=True, max_lora_rank=lora_rank_limit(adapter_path), max_loras=1)
            if on_cpu:
                _patch_cpu_lora_prompt_logprobs()
        try:
            self.llm = LLM(**kwargs)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ExpoError(f"vLLM could not load model {model_path}: {first}")
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


class Progress:
    """The generate bar, in samples. A group is sampled, then scored, then verified, then written; the
    bar moves as vLLM finishes each request inside it, shows the generation tok/s and an ETA that
    counts the scoring and verification still to come (their cost relative to sampling as measured
    on the groups done; before the first one, assumed equal: about what a CPU shows)."""

    REFRESH_S = 0.5

    def __init__(self, total_samples: int, enabled: bool, scores: bool = True):
        from tqdm import tqdm

        self.bar = tqdm(total=total_samples, unit="sample", disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                        bar_format="{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} samples [{elapsed}{postfix}]")
        self.sample_s = 0.0  # sampling time of the finished groups
        self.after_s = 0.0  # their scoring + verification time
        self.assumed_ratio = 1.0 if scores else 0.0
        self.done_before = 0  # samples of the finished groups
        self.phase, self.tok_s = "sampling", None
        self.group_start = self.score_start = self.last_refresh = time.perf_counter()
        self.group_samples = self.scored_requests = self.score_requests = 0
        self.group_sample_s = 0.0

    def start_group(self) -> None:
        self.phase, self.group_samples, self.group_start = "sampling", 0, time.perf_counter()

    def skip(self, samples: int) -> None:
        """Samples of problems skipped (too long): never generated, off the total."""
        self.bar.total -= samples
        self.bar.refresh()

    def sampled(self, n: int, vllm_speed: str) -> None:
        self.group_samples += n
        match = re.search(r"output: ([\d.]+) toks/s", vllm_speed)
        if match:
            self.tok_s = float(match.group(1))
        self.bar.update(n)  # redraws at most every tqdm mininterval
        self.bar.set_postfix_str(self._postfix(), refresh=False)  # shown from the next redraw

    def scoring(self, requests: int) -> None:
        self.phase, self.score_requests, self.scored_requests = "scoring", requests, 0
        self.score_start = time.perf_counter()
        self.group_sample_s = self.score_start - self.group_start
        self._refresh(force=True)

    def scored(self, n: int, _speed: str) -> None:
        self.scored_requests += n
        self._refresh()

    def verifying(self) -> None:
        self.phase = "verifying"
        self._refresh(force=True)

    def group_done(self, timings: dict[str, float], stats: "Stats") -> None:
        self.sample_s += timings["generate_s"]
        self.after_s += timings["score_s"] + timings["verify_s"]
        self.done_before += self.group_samples
        self.group_samples, self.group_sample_s, self.group_start = 0, 0.0, time.perf_counter()
        self.tok_s = stats.generated_tokens / stats.generate_s if stats.generate_s else self.tok_s
        self.phase = "sampling"
        self._refresh(force=True)

    def close(self) -> None:
        self.bar.close()

    def eta_s(self) -> float | None:
        now = time.perf_counter()
        group_sample_s = now - self.group_start if self.phase == "sampling" else self.group_sample_s
        sampled = self.done_before + self.group_samples
        if sampled == 0:
            return None
        per_sample = (self.sample_s + group_sample_s) / sampled
        ratio = self.after_s / self.sample_s if self.sample_s else self.assumed_ratio
        eta = (self.bar.total - self.bar.n) * per_sample * (1 + ratio)
        if self.phase == "sampling":  # this group's scoring is still to come for what it sampled so far
            eta += self.group_samples * per_sample * ratio
        elif self.phase == "scoring":  # this group's scoring so far tells how long the rest of it takes
            share = self.scored_requests / self.score_requests if self.score_requests else 1.0
            elapsed = now - self.score_start
            eta += elapsed * (1 - share) / share if share > 0 else self.group_samples * per_sample * ratio
        return eta

    def _postfix(self) -> str:
        from tqdm import tqdm

        parts = []
        if self.phase == "scoring":
            parts.append(f"scoring {self.scored_requests}/{self.score_requests}")
        elif self.phase == "verifying":
            parts.append("verifying")
        if self.tok_s is not None:
            parts.append(f"{self.tok_s:.0f} tok/s")
        eta = self.eta_s()
        if eta is not None:
            parts.append(("ETA ~" if not self.sample_s else "ETA ") + tqdm.format_interval(eta))
        return ", ".join(parts)  # tqdm puts ", " before it

    def _refresh(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last_refresh >= self.REFRESH_S:
            self.last_refresh = now
            self.bar.set_postfix_str(self._postfix())


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


def reasoning_cut(tokenizer, completion_ids: list[int], text: str) -> int:
    """Number of leading completion tokens that hold the reasoning before the final statement:
    the largest t whose decoded prefix does not extend past the statement's start."""
    cut_char = final_statement_start(text)
    if cut_char >= len(text):
        return _strip_eos(tokenizer, completion_ids)
    lo, hi = 0, len(completion_ids)
    while lo < hi:  # decoded prefix length grows with t, so bisect
        mid = (lo + hi + 1) // 2
        if len(tokenizer.decode(completion_ids[:mid], skip_special_tokens=True)) <= cut_char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _strip_eos(tokenizer, ids: list[int]) -> int:
    return len(ids) - 1 if ids and ids[-1] == tokenizer.eos_token_id else len(ids)


# ---------------------------------------------------------------------------
# One group of shards.
# ---------------------------------------------------------------------------
@dataclass
class Stats:
    problems: int = 0
    samples: int = 0
    attempts: int = 0
    attempts_correct: int = 0
    explanations: int = 0
    explanations_correct: int = 0
    generated_tokens: int = 0
    generate_s: float = 0.0
    score_s: float = 0.0
    verify_s: float = 0.0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def summary(self, wall_s: float) -> str:
        def acc(c, n):
            return f"{c / n:.3f}" if n else "n/a"

        tps = self.generated_tokens / self.generate_s if self.generate_s else 0.0
        return (f"done: {self.problems} problems, {self.samples} samples, attempt accuracy "
                f"{acc(self.attempts_correct, self.attempts)}, explanation accuracy "
                f"{acc(self.explanations_correct, self.explanations)}, {tps:.0f} generated tokens/s, "
                f"skipped {self.skipped} problems, {wall_s:.1f}s")


@dataclass
class Prompts:
    """One problem's token ids: the plain prompt (attempts; every row is scored under it), the hinted
    prompt (explanations), the canonical answer suffix and the expert solution, if any."""

    plain: str
    plain_ids: list[int]
    hinted: str
    hinted_ids: list[int]
    suffix_ids: list[int]
    expert_ids: list[int] | None

    @classmethod
    def render(cls, engine: Engine, templates: Templates, problem: Problem) -> "Prompts":
        plain = render_chat(engine.tokenizer, templates.plain.format(question=problem.question), templates.system)
        hinted = render_chat(engine.tokenizer, templates.hinted.format(question=problem.question, answer=problem.answer),
                             templates.system)
        expert = None if problem.solution is None else engine.encode(problem.solution) + [engine.tokenizer.eos_token_id]
        return cls(plain, engine.encode(plain), hinted, engine.encode(hinted),
                   engine.encode(templates.answer_suffix.format(answer=problem.answer)), expert)

    def too_long(self, max_tokens: int, max_model_len: int) -> str | None:
        """Why this problem cannot run within max_model_len, or None."""
        longest_prompt = max(len(self.plain_ids), len(self.hinted_ids))
        if longest_prompt + max_tokens + len(self.suffix_ids) > max_model_len:
            return (f"prompt_too_long: {longest_prompt} prompt + {max_tokens} max tokens + suffix > "
                    f"max_model_len {max_model_len}")
        if self.expert_ids is not None:
            expert_len = len(self.plain_ids) + len(self.expert_ids) + len(self.suffix_ids)
            if expert_len > max_model_len:
                return f"expert_too_long: {expert_len} tokens > max_model_len {max_model_len}"
        return None


@dataclass
class Sample:
    """A row in the making: what sampling (or the dataset, for expert rows) produced."""

    problem: Problem
    kind: str
    sample_index: int
    prompt: str
    completion: str
    completion_token_ids: list[int]
    gen_token_logprobs: list[float] | None
    finish_reason: str | None


@dataclass
class ScoreRequest:
    """Teacher-forced log-probs of sequence[start:]; `name` says what the result is for."""

    name: str  # policy | answer | base
    key: Any  # the Sample (policy, answer) or the Problem (base) it belongs to
    sequence: list[int]
    start: int


def score_all(engine: Engine, requests: list[ScoreRequest], on_done: Callable[[int, str], None] | None = None
              ) -> dict[str, list[tuple[Any, list[float]]]]:
    """One engine pass over every request (a full batch); results grouped by request name, in order."""
    results: dict[str, list[tuple[Any, list[float]]]] = {}
    scored = engine.score([r.sequence for r in requests], [r.start for r in requests], on_done=on_done)
    for request, logps in zip(requests, scored):
        results.setdefault(request.name, []).append((request.key, logps))
    return results


def run_group(engine: Engine, verifier: Verifier, cfg: GenerateConfig, problems: list[Problem], stats: Stats,
              progress: Progress | None = None
              ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], dict[str, float]]:
    """Generate, score and verify a group; returns rows per problem id, skips, and timings."""
    prompts: dict[str, Prompts] = {}
    skipped: dict[str, str] = {}
    for problem in problems:
        rendered = Prompts.render(engine, cfg.templates, problem)
        reason = rendered.too_long(cfg.max_tokens, engine.max_model_len)
        if reason:
            skipped[problem.id] = reason
        else:
            prompts[problem.id] = rendered
    live = [pr for pr in problems if pr.id in prompts]
    if progress is not None:
        progress.start_group()
        progress.skip(len(skipped) * (cfg.attempts + cfg.explanations))

    # 1. Sampling: attempts from the plain prompt, explanations from the hinted one, in one vLLM call
    #    for both kinds so the engine's batch stays as full as possible.
    t0 = time.perf_counter()
    requests = [(problem, kind, n) for kind, n in (("attempt", cfg.attempts), ("explanation", cfg.explanations))
                if n > 0 for problem in live]
    outputs = engine.sample([prompts[pr.id].plain_ids if kind == "attempt" else prompts[pr.id].hinted_ids
                             for pr, kind, _ in requests], [n for _, _, n in requests],
                            temperature=cfg.temperature, top_p=cfg.top_p, max_tokens=cfg.max_tokens,
                            on_done=progress.sampled if progress else None)
    samples: list[Sample] = []
    for (problem, kind, _), out in zip(requests, outputs):
        p = prompts[problem.id]
        for index, completion in enumerate(out.outputs):
            ids = list(completion.token_ids)
            stats.generated_tokens += len(ids)
            samples.append(Sample(problem, kind, index, p.plain if kind == "attempt" else p.hinted, completion.text, ids,
                                  generated_logprobs(completion), completion.finish_reason))
    for problem in live:
        if problem.solution is not None and cfg.score_answers:  # expert rows are scored, not generated
            p = prompts[problem.id]
            samples.append(Sample(problem, "expert", 0, p.plain, problem.solution, p.expert_ids, None, None))
    t1 = time.perf_counter()

    # 2. Scoring under the plain prompt, on token ids: the completion (property 1), and the
    #    canonical answer suffix after the reasoning (property 2) and after nothing (base).
    #    Attempts were sampled from the plain prompt and vLLM returns raw (pre-temperature)
    #    log-probs, so their sampling-time log-probs already are the teacher-forced ones (tested
    #    against an HF forward): only explanations and expert rows need the policy pass.
    score_requests = [ScoreRequest("policy", s, prompts[s.problem.id].plain_ids + s.completion_token_ids,
                                   len(prompts[s.problem.id].plain_ids)) for s in samples if s.kind != "attempt"]
    for s in samples if cfg.score_answers else []:
        p = prompts[s.problem.id]
        keep = reasoning_cut(engine.tokenizer, s.completion_token_ids, s.completion)
        sequence = p.plain_ids + s.completion_token_ids[:keep] + p.suffix_ids
        score_requests.append(ScoreRequest("answer", s, sequence, len(sequence) - len(p.suffix_ids)))
    score_requests += [ScoreRequest("base", pr, prompts[pr.id].plain_ids + prompts[pr.id].suffix_ids,
                                    len(prompts[pr.id].plain_ids)) for pr in live if cfg.score_answers]
    if progress is not None:
        progress.scoring(len(score_requests))
    scored = score_all(engine, score_requests, on_done=progress.scored if progress else None) if score_requests else {}
    policy_lps = {id(s): s.gen_token_logprobs for s in samples}
    policy_lps.update({id(s): lps for s, lps in scored.get("policy", [])})
    answer_lps = {id(s): math.fsum(lps) for s, lps in scored.get("answer", [])}
    base_by_problem = {pr.id: math.fsum(lps) for pr, lps in scored.get("base", [])}
    t2 = time.perf_counter()
    if progress is not None:
        progress.verifying()

    # 3. Verification. An expert solution is correct by construction (the dataset's own worked
    #    solution of its own answer): it is recorded as such, not graded by its last number.
    graded = [s for s in samples if s.kind != "expert"]
    verdicts = {id(s): ((s.problem.answer, "reference"), (True, None)) for s in samples if s.kind == "expert"}
    extracted = [extract_answer(s.completion, truncated=s.finish_reason == "length") for s in graded]
    for s, answer, verdict in zip(graded, extracted, verifier.verify_many(
            [(s.problem.answer, answer) for s, (answer, _) in zip(graded, extracted)])):
        verdicts[id(s)] = (answer, verdict)
    t3 = time.perf_counter()

    by_problem: dict[str, list[dict[str, Any]]] = {pr.id: [] for pr in live}
    for s in samples:
        problem, p = s.problem, prompts[s.problem.id]
        (answer, method), (correct, error) = verdicts[id(s)]
        policy_lp, n_tokens = policy_lps[id(s)], len(s.completion_token_ids)
        by_problem[problem.id].append({
            "kind": s.kind, "sample_index": s.sample_index, "prompt": s.prompt, "completion": s.completion,
            "completion_token_ids": s.completion_token_ids, "gen_token_logprobs": s.gen_token_logprobs,
            "finish_reason": s.finish_reason,
            "problem_id": problem.id, "round": cfg.round, "level": problem.level, "category": problem.category,
            "extra_fields": [{"name": k, "value": v} for k, v in problem.extra] or None, "question": problem.question,
            "reference_answer": problem.answer, "plain_prompt": p.plain, "plain_prompt_token_ids": p.plain_ids,
            "policy_token_logprobs": policy_lp, "policy_logprob_sum": math.fsum(policy_lp),
            "policy_logprob_mean": math.fsum(policy_lp) / n_tokens if n_tokens else 0.0,
            "num_tokens": n_tokens, "extracted_answer": answer, "extraction_method": method,
            "is_correct": correct, "verify_error": error,
            "answer_logprob": answer_lps.get(id(s), math.nan), "answer_logprob_base": base_by_problem.get(problem.id, math.nan),
            "mentions_answer_hint": mentions_answer_hint(s.completion),
        })
        if s.kind == "attempt":
            stats.attempts += 1
            stats.attempts_correct += int(correct)
        elif s.kind == "explanation":
            stats.explanations += 1
            stats.explanations_correct += int(correct)
    stats.samples += len(samples)
    stats.problems += len(live)
    stats.skipped += len(skipped)
    for reason in skipped.values():
        key = reason.split(":")[0]
        stats.skip_reasons[key] = stats.skip_reasons.get(key, 0) + 1
    stats.generate_s += t1 - t0
    stats.score_s += t2 - t1
    stats.verify_s += t3 - t2
    timings = {"generate_s": t1 - t0, "score_s": t2 - t1, "verify_s": t3 - t2}
    return by_problem, skipped, timings


def shard_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """What a shard adds to a run's summary, kept in its sidecar so that a driver can total the
    work of workers it never talked to (a retried worker's first life included)."""
    sampled = [r for r in rows if r["kind"] in ("attempt", "explanation")]
    return {"problems": len({r["problem_id"] for r in rows}),
            "samples": len(rows),
            "attempts": sum(r["kind"] == "attempt" for r in rows),
            "attempts_correct": sum(r["kind"] == "attempt" and r["is_correct"] for r in rows),
            "explanations": sum(r["kind"] == "explanation" for r in rows),
            "explanations_correct": sum(r["kind"] == "explanation" and r["is_correct"] for r in rows),
            "generated_tokens": sum(r["num_tokens"] for r in sampled)}


def _groups(todo: list[int], assignment: dict[int, list[Problem]], target: int) -> list[list[int]]:
    groups, current, size = [], [], 0
    for shard in todo:
        current.append(shard)
        size += len(assignment[shard])
        if size >= target:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def prepare(cfg: GenerateConfig, log: Callable[[str], None] = print, on_cpu: bool | None = None) -> tuple[Store, Plan]:
    """Plan the run into cfg.out (made if need be). Nothing is deleted here: with --overwrite another
    configuration's shards are dropped by `drop_stale_shards` once the new run can write (its engine started)."""
    validate(cfg)
    cfg.out = as_location(cfg.out)
    store = Store(cfg.out)
    p = plan(cfg, log=log, on_cpu=on_cpu)  # problems, model and adapter checked before OUT is made
    if not cfg.dry_run:  # a dry run writes nothing
        store.makedirs(SHARDS_DIR)
    log(describe_plan(cfg, p))
    return store, p


def drop_stale_shards(cfg: GenerateConfig, store: Store, p: Plan) -> None:
    """With --overwrite, another configuration's shard files (the plan already counts them missing)."""
    if cfg.dry_run or not cfg.overwrite or not store.exists(MANIFEST_NAME):
        return
    existing = _existing_manifest(cfg)
    if not existing or existing.get("config_hash") != p.manifest["config_hash"]:
        for stale in store.list(SHARDS_DIR, prefix="shard-"):
            store.delete(stale)


def generate(cfg: GenerateConfig, log: Callable[[str], None] = print,
             engine: "Engine | Callable[[], Engine] | None" = None, lineage: dict[str, Any] | None = None) -> Stats:
    """Run (or resume) a generation into cfg.out. `engine` reuses a vLLM engine of the same model and
    adapter, or is a function that returns one, called only when there is work (eval runs several
    passes); `lineage` is recorded in the manifest."""
    start = time.perf_counter()
    store, p = prepare(cfg, log)
    stats = Stats()
    if cfg.dry_run:
        return stats
    if not p.todo:
        log("all shards complete; nothing to do")
        return stats

    engine = engine() if callable(engine) else engine or engine_for(cfg, p.manifest)
    if engine.dtype != p.manifest["dtype"]:
        raise ExpoError(f"the engine serves {engine.dtype} but this round resolves dtype {p.manifest['dtype']} "
                        f"({p.manifest['dtype_reason']}); pass --dtype {engine.dtype} or reuse no engine")
    # Only now, with an engine that started, may --overwrite remove the old run's data.
    drop_stale_shards(cfg, store, p)
    log(f"dtype {engine.dtype} ({p.manifest['dtype_reason']}); "
        f"{'eager' if engine.enforce_eager else 'compiled'} engine")
    manifest = dict(p.manifest, logprob_dtype=engine.dtype, lineage=lineage, lora_serving=engine.lora_serving)
    store.write_json(MANIFEST_NAME, manifest)

    # In samples, moving within a group (a group of 64 problems takes minutes on CPU).
    progress = Progress(sum(len(p.assignment[s]) for s in p.todo) * (cfg.attempts + cfg.explanations), cfg.progress,
                        scores=cfg.score_answers)
    with Verifier(timeout_s=cfg.verify_timeout) as verifier:
        for group in _groups(p.todo, p.assignment, cfg.group_problems):
            problems = [pr for s in group for pr in p.assignment[s]]
            by_problem, skipped, timings = run_group(engine, verifier, cfg, problems, stats, progress)
            for shard in group:
                shard_rows = [row for pr in p.assignment[shard] for row in by_problem.get(pr.id, [])]
                shard_skips = [{"problem_id": pr.id, "reason": skipped[pr.id]} for pr in p.assignment[shard] if pr.id in skipped]
                write_shard(cfg.out, shard, cfg.shards, rows_to_table(shard_rows), {
                    "config_hash": manifest["config_hash"],
                    "problems": len(p.assignment[shard]) - len(shard_skips),
                    "problem_ids": [pr.id for pr in p.assignment[shard] if pr.id not in skipped],
                    "skipped": shard_skips,
                    "group_timings": {k: round(v, 4) for k, v in timings.items()},
                    "group_shards": group,
                    "worker": list(cfg.worker),
                    "counts": shard_counts(shard_rows),
                })
            progress.group_done(timings, stats)
    progress.close()
    log(stats.summary(time.perf_counter() - start))
    if stats.skipped:
        log("skipped: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.skip_reasons.items())) +
            " (per-problem reasons in the shard sidecars)")
    return stats


def engine_for(cfg: GenerateConfig, manifest: dict[str, Any] | None = None) -> Engine:
    if manifest is None:
        manifest = {"base_model": resolve_model(cfg.model)}
    # The adapter as the user named it: a manifest holds a remote one without its ?options.
    return Engine(manifest["base_model"], resolve_adapter(cfg.adapter), seed=cfg.seed, dtype=cfg.dtype,
                  max_model_len=cfg.max_model_len, tensor_parallel_size=cfg.tensor_parallel_size,
                  gpu_memory_utilization=cfg.gpu_memory_utilization, enforce_eager=cfg.enforce_eager,
                  lora_mode=cfg.lora_mode)
