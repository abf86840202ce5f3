"""A generation run's plan, checked before anything is loaded or started: the options
(`GenerateConfig`, `validate`), the manifest that names the run (its config hash decides what a rerun
may resume), and which shards this worker owns and still has to write."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..errors import ExpoError
from ..model import DTYPE_ALIASES, DTYPES, fingerprint_dir, resolve_adapter, resolve_dtype, resolve_model
from ..model import on_cpu as no_gpu
from .problems import FieldMap, Problem, load_problems, problems_hash
from .prompts import Templates
from .gold_audit import GoldAudit, audit_golds
from ..store.schema import HASHED_SCHEMA_VERSION, LAYOUT, MANIFEST_NAME, SCHEMA_VERSION, SHARDS_DIR, read_manifest
from ..store.shards import shard_status
from ..store.storage import Store, is_remote, join, redact
from ..verifiers import resolve as resolve_verifier


@dataclass
class GenerateConfig:
    out: "str | Path"  # a local dir, or an object-store URI (kept a string: a Path would fold its '//')
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
    # (dtype, why) a Ray driver resolved for its workers: its slices serve that and record --dtype as given.
    dtype_decision: tuple[str, str] | None = None
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
    verifier: str = "builtin"  # expo_data/verifiers.py: builtin, math-verify, module:function or an entry point
    progress: bool = True
    wait: bool = True  # False (--no-wait): refused at once when another writer holds the round (expo_data/store/lock.py)


@dataclass
class Plan:
    problems: list[Problem]
    assignment: dict[int, list[Problem]]  # shard index -> its problems
    mine: list[int]  # shard indices this worker owns
    todo: list[int]  # owned shards not yet complete
    statuses: dict[int, str]
    manifest: dict[str, Any]
    gold_audit: GoldAudit = field(default_factory=GoldAudit)


MAX_SAMPLES_PER_PROMPT = 4096  # a vLLM request of more samples than this is a typo, not a plan
SERVING_DTYPES = DTYPES + tuple(DTYPE_ALIASES)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_local_out(out) -> None:
    """A local --out that can be written, and is not inside another round's own files (its shards/ ...)."""
    from ..store.files import unwritable_dir_reason
    from ..store.schema import inside_round_files
    from ..store.storage import is_remote

    if is_remote(out):
        return
    reason = unwritable_dir_reason(Path(out))
    if reason:
        raise ExpoError(f"--out {out} is not writable: {reason}")
    owner = inside_round_files(out)
    if owner:
        raise ExpoError(f"--out {out} is inside the round {owner}; name a dir of its own")
    own = "|".join(re.escape(name) for name in {relative.split("/", 1)[0] for relative in LAYOUT.values()})
    check_no_foreign_files(Path(out), own, "round")


def check_no_foreign_files(directory: Path, own: str, what: str) -> None:
    """An existing output dir holds only what this toolkit writes there (entry names matching `own`, hidden
    temp files) or is a round (its manifest): a run never mixes its files into a user's other dir."""
    if not directory.is_dir() or (directory / MANIFEST_NAME).is_file():
        return
    foreign = sorted(e.name for e in directory.iterdir() if not re.fullmatch(own, e.name) and not e.name.startswith("."))
    if foreign:
        raise ExpoError(f"--out {directory} is not empty and holds no {what} ({foreign[0]}"
                        f"{' ...' if len(foreign) > 1 else ''}); name a new or empty dir")


def validate(cfg: GenerateConfig) -> None:
    """Every option checked before anything is loaded, started or written (ExpoError, one line)."""
    if str(cfg.out).strip() in ("", "."):
        raise ExpoError("--out is empty; name the round dir to write")
    _check_local_out(cfg.out)
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
    resolve_verifier(cfg.verifier)  # a name that does not resolve, or a function of another signature: one line


def sampling_config(cfg: GenerateConfig) -> dict[str, Any]:
    return {"attempts": cfg.attempts, "explanations": cfg.explanations, "max_tokens": cfg.max_tokens,
            "temperature": cfg.temperature, "top_p": cfg.top_p, "logprobs_mode": "raw_logprobs"}


def build_manifest(cfg: GenerateConfig, problems: list[Problem], model_path: str, adapter_path: str | None,
                   on_cpu: bool | None = None) -> dict[str, Any]:
    """`on_cpu`: whether the engines will run on CPU (default: whether this process has no GPU; a Ray
    driver on a CPU head node plans for its GPU workers)."""
    import importlib.metadata as md

    dtype, dtype_reason = cfg.dtype_decision or resolve_dtype(cfg.dtype, model_path,
                                                              no_gpu() if on_cpu is None else on_cpu)

    def version(name: str) -> str | None:
        for dist in (name, f"{name}-cpu"):
            try:
                return md.version(dist)
            except md.PackageNotFoundError:
                continue
        return None

    # Everything that decides what the samples are; a rerun must match it to resume.
    identity = {
        # Versions 3 and 4 read alike with 2 (a nullable column; one copy of equal log-probs): the identity
        # keeps naming 2, so version-2 rounds resume.
        "schema_version": HASHED_SCHEMA_VERSION,
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
        "schema_version": SCHEMA_VERSION,  # what the shards written now are (readers take each shard's own)
        "config_hash": config_hash,
        "dtype_requested": cfg.dtype,
        "dtype_reason": dtype_reason,
        "versions": {name: version(name) for name in ("vllm", "torch", "transformers", "pyarrow", "math-verify")},
        "shard_pattern": f"{SHARDS_DIR}/shard-{{index:05d}}-of-{cfg.shards:05d}.arrow",
        # Not in the config hash: `expo-data regrade` changes it without making another run of the samples.
        "grading": resolve_verifier(cfg.verifier).grading(),
    }


def assign_shards(problems: list[Problem], count: int) -> dict[int, list[Problem]]:
    """Round-robin by position: every shard gets a similar mix of levels and lengths."""
    assignment: dict[int, list[Problem]] = {i: [] for i in range(count)}
    for position, problem in enumerate(problems):
        assignment[position % count].append(problem)
    return assignment


def _existing_manifest(cfg: GenerateConfig) -> dict[str, Any] | None:
    """The manifest already in cfg.out; with --overwrite an unreadable one counts as none (it is replaced)."""
    from ..store.files import NotRegularFile
    from ..oserrors import EnvironmentFailure

    try:
        return read_manifest(cfg.out)
    except (EnvironmentFailure, NotRegularFile):
        raise  # the machine's answer (no permission, a FIFO there): overwriting is not its cure
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


def plan(cfg: GenerateConfig, log: Callable[[str], None] = print, on_cpu: bool | None = None,
         inputs: tuple[list[Problem], str, str | None] | None = None) -> Plan:
    """`inputs`: check_inputs(cfg)'s result when the caller made it already (generate, before taking the lock)."""
    problems, model_path, adapter_path = inputs or check_inputs(cfg, log)
    manifest = build_manifest(cfg, problems, model_path, adapter_path, on_cpu)
    audit = audit_golds(problems)  # every gold read before any engine starts (not part of the identity)
    manifest["gold_audit"] = audit.record()
    existing = _existing_manifest(cfg)
    if existing and existing.get("config_hash") != manifest["config_hash"] and not cfg.overwrite:
        changed = sorted(k for k in manifest if k not in ("config_hash", "versions", "gold_audit", "schema_version")
                         and existing.get(k) != manifest[k])
        raise ExpoError(f"{cfg.out} holds a run with a different configuration (differs in: {', '.join(changed) or 'config'}); "
                        f"use another --out or pass --overwrite")
    i, n = cfg.worker
    mine = [s for s in range(cfg.shards) if s % n == i]
    same_run = existing is not None and existing.get("config_hash") == manifest["config_hash"]
    statuses = {s: shard_status(cfg.out, s, cfg.shards, manifest["config_hash"]) if same_run else "missing" for s in mine}
    todo = [s for s in mine if statuses[s] != "complete"]
    if same_run and not cfg.overwrite:
        graded = _complete_gradings(cfg, existing, mine, statuses) if todo else []
        check_resume_grading(cfg, existing, would_mix=bool(graded), graded=graded, now=manifest["grading"])
    return Plan(problems, assign_shards(problems, cfg.shards), mine, todo, statuses, manifest, audit)


def _complete_gradings(cfg: GenerateConfig, existing: dict[str, Any], mine: list[int],
                       statuses: dict[int, str]) -> list[Any]:
    """The grading of every complete shard of the round, this worker's and the other slices' (their sidecars
    of this run; not hashed again here): what a resumed run's new shards would sit beside. A sidecar from
    before gradings were recorded takes the manifest's."""
    from ..store.shards import read_sidecar

    store, graded = Store(cfg.out), []
    for index in range(cfg.shards):
        if index in statuses and statuses[index] != "complete":
            continue
        sidecar = read_sidecar(store, index, cfg.shards)
        if sidecar is not None and sidecar.get("config_hash") == existing.get("config_hash"):
            graded.append(sidecar.get("grading", existing.get("grading")))
    return graded


def check_resume_grading(cfg: GenerateConfig, existing: dict[str, Any], would_mix: bool,
                         graded: list[Any] | None = None, now: dict[str, str] | None = None) -> None:
    """A run resumed with another verifier, or another version of it (a builtin whose source changed, a plugin
    upgraded), than its complete shards were graded with would mix two gradings (`would_mix`: some shards are
    complete and some to do; `graded`: their gradings, default the manifest's); a round mid-regrade is refused
    whatever is left."""
    from ..store.grading import check_not_regrading, describe

    check_not_regrading(Store(cfg.out), existing)
    if not would_mix:
        return
    now = now or resolve_verifier(cfg.verifier).grading()
    out = redact(cfg.out)
    for grading in (graded if graded is not None else [existing.get("grading")]):
        # A round from before gradings were recorded was graded by the builtin, of a version nobody wrote down.
        graded_by = (grading or {}).get("verifier", "builtin")
        if graded_by != now["verifier"]:
            raise ExpoError(f"{out} was graded with --verifier {graded_by}; resume it with that verifier, "
                            f"then `expo-data regrade {out} --verifier {now['verifier']}`")
        if grading and grading.get("version") != now["version"]:
            raise ExpoError(f"{out}: its complete shards were graded by {describe(grading)}, and this run's verifier is "
                            f"{describe(now)}: resuming would mix two gradings; resume with the version that graded "
                            f"them, or pass --overwrite to generate the round again (`expo-data regrade` grades a "
                            f"complete round again with the new version)")


def describe_plan(cfg: GenerateConfig, p: Plan) -> str:
    counts = {k: sum(1 for s in p.mine if p.statuses[s] == k) for k in ("complete", "missing", "corrupt")}
    todo_problems = sum(len(p.assignment[s]) for s in p.todo)
    return (f"plan: {len(p.problems)} problems from {cfg.problems} -> {redact(cfg.out)} in {cfg.shards} shards; "
            f"worker {cfg.worker[0]}/{cfg.worker[1]} owns {len(p.mine)} shards "
            f"({counts['complete']} complete, {counts['missing']} missing, {counts['corrupt']} corrupt); "
            f"to generate: {len(p.todo)} shards, {todo_problems} problems x "
            f"({cfg.attempts} attempts + {cfg.explanations} explanations), max {cfg.max_tokens} tokens each; "
            f"model {p.manifest['base_model']}" + (f" + adapter {p.manifest['adapter']}" if p.manifest['adapter'] else ""))


def prepare(cfg: GenerateConfig, log: Callable[[str], None] = print, on_cpu: bool | None = None,
            inputs: tuple[list[Problem], str, str | None] | None = None) -> tuple[Store, Plan]:
    """Plan the run into cfg.out (made if need be). Nothing is deleted here: with --overwrite another
    configuration's shards are dropped by `drop_stale_shards` once the new run can write (its engine started)."""
    validate(cfg)
    store = Store(cfg.out)  # the location checked (a URI's form) and normalised here; cfg itself is left as given
    cfg = replace(cfg, out=store.location)
    p = plan(cfg, log=log, on_cpu=on_cpu, inputs=inputs)  # problems, model and adapter checked before OUT is made
    if not cfg.dry_run:  # a dry run writes nothing
        store.makedirs(SHARDS_DIR)
    log(describe_plan(cfg, p))
    for line in p.gold_audit.lines(cfg.problems):
        log(line)
    return store, p


def drop_stale_shards(cfg: GenerateConfig, store: Store, p: Plan) -> None:
    """With --overwrite, another configuration's shard files (the plan already counts them missing)."""
    if cfg.dry_run or not cfg.overwrite or not store.exists(MANIFEST_NAME):
        return
    existing = _existing_manifest(cfg)
    if not existing or existing.get("config_hash") != p.manifest["config_hash"]:
        for stale in store.list(SHARDS_DIR, prefix="shard-"):
            store.delete(stale)

