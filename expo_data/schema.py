"""The one definition of the on-disk sample schema and the manifest format.

Every shard row is one sample: an on-policy attempt, an answer-conditioned
self-explanation, or a scored expert solution. Log-prob lists are per completion
token, aligned with `completion_token_ids`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
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


@contextlib.contextmanager
def atomic_output(path: Path):
    """atomic_write_bytes for a writer that streams: yields a temp path in the same directory to write
    into, fsynced and renamed over `path` when the block succeeds, removed when it fails."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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


def read_manifest(location: Any) -> dict[str, Any] | None:
    """The round's manifest (local dir or object-store prefix), None when there is none; a manifest
    that is not a JSON object of a readable schema version is an ExpoError (one line), never a traceback."""
    from .errors import ExpoError
    from .storage import Store

    store = Store(location)
    path = store.uri(MANIFEST_NAME)
    try:
        text = store.read_bytes(MANIFEST_NAME)
    except FileNotFoundError:
        return None
    try:
        manifest = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExpoError(f"{path} is corrupt (not JSON: {exc}); regenerate the round or restore the file")
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


# Where each stage's files live, relative to the round dir.
LAYOUT = {
    "manifest_path": MANIFEST_NAME,
    "shards": SHARDS_DIR,
    "selected": SELECTED_DIR,
    "selection_record": f"{SELECTED_DIR}/selection.json",
    "adapter": "adapter",
    "eval": "eval",
    "eval_record": f"eval/{EVAL_RECORD}",
    "checkpoints": "checkpoints",
    "train_metrics": "train_metrics.jsonl",
    "train_config": "train_config.json",
    "train_summary": "train_summary.json",
    "round_status": "round_status.json",
}


class RoundDir:
    """Paths and readers of one round dir, local or on object storage (layout: README, "Round dir
    and manifest format"). The LAYOUT attributes are local Paths; `store` and `uri(attr)` serve both."""

    def __init__(self, location: Any):
        from .storage import as_location, is_remote

        self.location = as_location(location)
        self.remote = is_remote(location)

    def __repr__(self) -> str:
        return f"RoundDir({self.location})"

    @property
    def path(self) -> Path:
        if self.remote:
            from .errors import ExpoError

            raise ExpoError(f"{self.location} is on object storage; this step needs a local round dir")
        return self.location

    @functools.cached_property
    def store(self):
        from .storage import Store

        return Store(self.location)

    def uri(self, attr: str) -> str:
        """A LAYOUT entry as a path or URI string, local or remote."""
        from .storage import join

        return str(join(self.location, LAYOUT[attr]))

    def is_round(self) -> bool:
        return self.store.is_file(MANIFEST_NAME)

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.location)

    def selected_table(self, name: str) -> pa.Table:
        """DIR/selected/<name>.arrow (positives, pairs, groups)."""
        from .errors import ExpoError

        relative = f"{SELECTED_DIR}/{name}.arrow"
        if not self.store.is_file(relative):
            raise ExpoError(f"{self.store.uri(relative)} not found; run `expo-data select {self.location}`")
        return read_arrow(relative, self.store)

    def sidecar_hashes(self) -> dict[str, str]:
        """Shard file name -> sha256 as its sidecar records it: what a selection was made from."""
        from .errors import ExpoError

        hashes = {}
        for sidecar in self.store.list(SHARDS_DIR, prefix="shard-", suffix=".json"):
            try:
                hashes[sidecar.rsplit("/", 1)[-1]] = json.loads(self.store.read_bytes(sidecar))["sha256"]
            except (json.JSONDecodeError, KeyError, OSError):
                raise ExpoError(f"{self.store.uri(sidecar)} is corrupt; rerun `expo-data generate` to repair it")
        return hashes


for _attr, _relative in LAYOUT.items():
    setattr(RoundDir, _attr, property(lambda self, _relative=_relative: self.path / _relative))


def read_arrow(path: Any, store=None) -> pa.Table:
    """An Arrow IPC file: memory-mapped when local, ranged reads through `store` when remote."""
    if store is not None and store.remote:
        with store.open_input_file(path) as source:
            return pa.ipc.open_file(source).read_all()
    with pa.memory_map(str(store.path(path) if store is not None else path)) as source:
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
