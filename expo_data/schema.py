"""The one definition of the on-disk sample schema and the manifest format.

Every shard row is one sample: an on-policy attempt, an answer-conditioned
self-explanation, or a scored expert solution. Log-prob lists are per completion
token, aligned with `completion_token_ids`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

# 2: `category` and `extra_fields` columns; expert rows graded 'reference'. Version-1 shards are
# read with those columns null (see shards.read_shard).
SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)
KINDS = ("attempt", "explanation", "expert")

SAMPLE_SCHEMA = pa.schema(
    [
        pa.field("problem_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # attempt | explanation | expert
        pa.field("sample_index", pa.int32(), nullable=False),
        pa.field("round", pa.int32(), nullable=False),
        pa.field("level", pa.int32()),
        # A non-level grouping column of the problem set (category / subject / type), and any
        # --keep-fields, as strings.
        pa.field("category", pa.string()),
        # (name, value) pairs: a list of structs, not a map, because `datasets` has no map type.
        pa.field("extra_fields", pa.list_(pa.struct([("name", pa.string()), ("value", pa.string())]))),
        pa.field("question", pa.string(), nullable=False),
        pa.field("reference_answer", pa.string(), nullable=False),
        # The exact text the completion was generated from (the hinted prompt for explanations).
        pa.field("prompt", pa.string(), nullable=False),
        # The plain prompt (no answer hint) under which every row is scored and trained.
        pa.field("plain_prompt", pa.string(), nullable=False),
        pa.field("plain_prompt_token_ids", pa.large_list(pa.int32()), nullable=False),
        pa.field("completion", pa.string(), nullable=False),
        pa.field("completion_token_ids", pa.large_list(pa.int32()), nullable=False),
        # Sampling-time log-probs of the generated tokens under `prompt`; null for expert rows.
        pa.field("gen_token_logprobs", pa.large_list(pa.float32())),
        # Log-probs of the completion under the plain prompt (ExPO property 1): teacher-forced through
    # vLLM prompt_logprobs for explanations and expert rows; for attempts, which were sampled from
    # the plain prompt, the raw sampling-time log-probs are the same quantity and are reused.
        pa.field("policy_token_logprobs", pa.large_list(pa.float32()), nullable=False),
        pa.field("policy_logprob_sum", pa.float64(), nullable=False),
        pa.field("policy_logprob_mean", pa.float64(), nullable=False),
        pa.field("num_tokens", pa.int32(), nullable=False),
        pa.field("finish_reason", pa.string()),  # stop | length | null for expert
        pa.field("extracted_answer", pa.string()),
        pa.field("extraction_method", pa.string()),
        pa.field("is_correct", pa.bool_(), nullable=False),
        pa.field("verify_error", pa.string()),
        # log p(canonical answer suffix | plain prompt, this row's reasoning) (ExPO property 2).
        pa.field("answer_logprob", pa.float64(), nullable=False),
        # log p(canonical answer suffix | plain prompt) with no reasoning; same for all rows of a problem.
        pa.field("answer_logprob_base", pa.float64(), nullable=False),
        pa.field("mentions_answer_hint", pa.bool_(), nullable=False),
    ],
    metadata={"expo.schema_version": str(SCHEMA_VERSION)},
)

SAMPLE_COLUMNS = tuple(SAMPLE_SCHEMA.names)


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Build a shard table from row dicts; raises if a column is missing or mistyped."""
    columns = {name: [row[name] for row in rows] for name in SAMPLE_COLUMNS}
    return pa.Table.from_pydict(columns, schema=SAMPLE_SCHEMA)


# ---------------------------------------------------------------------------
# Manifest: OUT/manifest.json, one per round directory.
# ---------------------------------------------------------------------------
MANIFEST_NAME = "manifest.json"
SHARDS_DIR = "shards"


def shard_name(index: int, count: int) -> str:
    return f"shard-{index:05d}-of-{count:05d}.arrow"


def sidecar_name(index: int, count: int) -> str:
    return shard_name(index, count)[: -len(".arrow")] + ".json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory, fsync, rename: readers never see half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The round's manifest, None when there is none; a manifest that is not a JSON object of
    a readable schema version is an ExpoError (one line), never a traceback."""
    from .errors import ExpoError

    path = Path(out_dir) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExpoError(f"{path} is corrupt (not JSON: {exc}); regenerate the round or restore the file")
    except OSError as exc:
        raise ExpoError(f"cannot read {path}: {exc.strerror or exc}")
    if not isinstance(manifest, dict) or "config_hash" not in manifest:
        raise ExpoError(f"{path} is not an expo manifest (no config_hash); regenerate the round or restore the file")
    version = manifest.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        raise ExpoError(f"{path} has schema version {version}; this toolkit reads versions "
                        f"{', '.join(map(str, READABLE_SCHEMA_VERSIONS))} (upgrade expo-toolkit or regenerate the round)")
    return manifest


# ---------------------------------------------------------------------------
# The round directory: one place that knows where each stage's files live.
# ---------------------------------------------------------------------------
SELECTED_DIR = "selected"
EVAL_RECORD = "eval.json"  # in an eval dir: `expo-data eval`'s figures


@dataclass(frozen=True)
class RoundDir:
    """Paths and readers of one round dir (layout: README, "Round dir and manifest format")."""

    path: Path

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    manifest_path = property(lambda self: self.path / MANIFEST_NAME)
    shards = property(lambda self: self.path / SHARDS_DIR)
    selected = property(lambda self: self.path / SELECTED_DIR)
    selection_record = property(lambda self: self.selected / "selection.json")
    adapter = property(lambda self: self.path / "adapter")
    eval = property(lambda self: self.path / "eval")
    eval_record = property(lambda self: self.eval / EVAL_RECORD)
    checkpoints = property(lambda self: self.path / "checkpoints")
    train_metrics = property(lambda self: self.path / "train_metrics.jsonl")
    train_config = property(lambda self: self.path / "train_config.json")
    train_summary = property(lambda self: self.path / "train_summary.json")
    round_status = property(lambda self: self.path / "round_status.json")

    def is_round(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.path)

    def selected_table(self, name: str) -> pa.Table:
        """DIR/selected/<name>.arrow (positives, pairs, groups)."""
        from .errors import ExpoError

        path = self.selected / f"{name}.arrow"
        if not path.exists():
            raise ExpoError(f"{path} not found; run `expo-data select {self.path}`")
        return read_arrow(path)

    def sidecar_hashes(self) -> dict[str, str]:
        """Shard file name -> sha256 as its sidecar records it: what a selection was made from."""
        from .errors import ExpoError

        hashes = {}
        for sidecar in sorted(self.shards.glob("shard-*.json")):
            try:
                hashes[sidecar.name] = json.loads(sidecar.read_text())["sha256"]
            except (json.JSONDecodeError, KeyError, OSError):
                raise ExpoError(f"{sidecar} is corrupt; rerun `expo-data generate` to repair it")
        return hashes


def read_arrow(path: Path) -> pa.Table:
    """An Arrow IPC file, memory-mapped."""
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def hash_file_into(digest, path: Path) -> None:
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)


def sha256_file(path: Path) -> str | None:
    """sha256 of a file's bytes; None when there is no such file."""
    import hashlib

    if not Path(path).exists():
        return None
    digest = hashlib.sha256()
    hash_file_into(digest, path)
    return digest.hexdigest()
