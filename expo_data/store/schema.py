"""The one definition of the on-disk sample schema and the manifest format.

Every shard row is one sample: an on-policy attempt, an answer-conditioned
self-explanation, or a scored expert solution. Log-prob lists are per completion
token, aligned with `completion_token_ids`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

# Atomic writes and hashing live below the package (files.py); callers have always imported them from here.
from .files import atomic_output, atomic_write_bytes, atomic_write_json, hash_file_into, sha256_file  # noqa: F401
from .files import hold_pipe_open
from .storage import Store, as_store

# 2: `category` and `extra_fields` columns; expert rows graded 'reference'. Version-1 shards are
# read with those columns null (see shards.read_shard).
# 3 (issue 26): a nullable `gold_type` column, how the grader read the row's gold (verify/typed.py GOLD_TYPES);
# older shards read with it null.
# 4 (issue 28, store each number once): an attempt's gen_token_logprobs is stored null where it equals
# policy_token_logprobs; readers present it whole (stored_once.py). No column added or removed.
SCHEMA_VERSION = 4
READABLE_SCHEMA_VERSIONS = (1, 2, 3, 4)
# The version a round's identity (config hash) names: still 2, since shards of versions 2 to 4 read alike
# and may share a round, so a version-2 round resumes under this toolkit instead of counting as another
# configuration.
HASHED_SCHEMA_VERSION = 2

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
        pa.field("gold_type", pa.string()),  # version 3: number | expression | ... | text | unreadable
    ],
    metadata={"expo.schema_version": str(SCHEMA_VERSION)},
)

SAMPLE_COLUMNS = tuple(SAMPLE_SCHEMA.names)


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Build a shard table from row dicts; raises if a column is missing or mistyped."""
    # gold_type (version 3) may be left out by a writer of version-2 rows (synthetic data, imports): null.
    columns = {name: [row.get(name) if name == "gold_type" else row[name] for row in rows] for name in SAMPLE_COLUMNS}
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


def check_output_path(path: Path, what: str = "output") -> Path:
    """An output file path that can be written: its directory exists and is a directory, and the path
    is no directory itself. ExpoError (one line) otherwise, before any work is done."""
    from ..errors import ExpoError

    path = Path(path)
    if str(path) in ("", "."):
        raise ExpoError(f"{what} path is empty")
    parent = path.parent
    if path.is_dir():
        raise ExpoError(f"{what} {path} is a directory; name a file")
    if not parent.exists():
        raise ExpoError(f"{what} {path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise ExpoError(f"{what} {path}: {parent} is not a directory")
    hold_pipe_open(path)
    return path


def check_not_round_file(path: Path, round_dirs: list[Any], what: str = "output", allowed: tuple[str, ...] = ()) -> None:
    """An output path that is none of a round's own files (its manifest, shards, selection, adapter,
    eval, checkpoints, training records): a query result written there would replace the round's data."""
    from ..errors import ExpoError
    from .storage import is_remote

    target = Path(os.path.realpath(path))
    owned = {relative.split("/", 1)[0] for relative in LAYOUT.values()}
    # The rounds named, and any round the path lies in (a manifest.json up to three levels above it).
    nearby = [a for a in list(target.parents)[:3] if (a / MANIFEST_NAME).is_file()]
    for directory in [*round_dirs, *nearby]:
        if is_remote(directory):
            continue
        root = Path(os.path.realpath(directory))
        try:
            relative = target.relative_to(root)
        except ValueError:
            continue
        if not relative.parts or (relative.parts[0] in owned and relative.as_posix() not in allowed):
            raise ExpoError(f"{what} {path} is a file of the round {directory} ({relative.as_posix() or '.'}); "
                            f"write the result somewhere else")


def read_manifest(location: Any) -> dict[str, Any] | None:
    """The round's manifest (local dir or object-store prefix), None when there is none; a manifest
    that is not a JSON object of a readable schema version is an ExpoError (one line), never a traceback."""
    from ..errors import ExpoError

    store = as_store(location)
    path = store.uri(MANIFEST_NAME)
    if not store.remote and not Path(store.path()).is_dir():
        return None  # no dir there (or a file, or a path under a file): no round there
    try:
        text = store.read_bytes(MANIFEST_NAME)
    except FileNotFoundError:
        return None
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, nesting too deep
        raise ExpoError(f"{path} is corrupt (not JSON: {exc}); regenerate the round or restore the file")
    if not isinstance(manifest, dict) or "config_hash" not in manifest:
        raise ExpoError(f"{path} is not an expo manifest (no config_hash); regenerate the round or restore the file")
    version = manifest.get("schema_version")
    if isinstance(version, bool) or version not in READABLE_SCHEMA_VERSIONS:
        raise ExpoError(f"{path} has schema version {version}; this toolkit reads versions "
                        f"{', '.join(map(str, READABLE_SCHEMA_VERSIONS))} (upgrade expo-toolkit or regenerate the round)")
    validate_manifest(manifest, path)
    return manifest


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Manifest fields every reader relies on: (check, what it must be). Absent optional fields are fine;
# present ones must have their type, so that no reader meets a list where it expects a number.
MANIFEST_REQUIRED = {
    "config_hash": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "shards": (lambda v: _is_int(v) and 1 <= v <= 1_000_000, "an integer from 1 to 1000000"),
    "round": (lambda v: _is_int(v) and 0 <= v <= 1_000_000, "an integer from 0 to 1000000"),
}
MANIFEST_OPTIONAL = {
    "base_model": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "base_model_sha256": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "adapter": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "adapter_sha256": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "num_problems": (lambda v: _is_int(v) and v >= 0, "an integer >= 0"),
    "logprob_dtype": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "dtype": (lambda v: isinstance(v, str), "a string"),
    "seed": (_is_int, "an integer"),
    "score_answers": (lambda v: isinstance(v, bool), "a boolean"),
    "lineage": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    # What graded the rows (expo_data/store/grading.py), and the grading a regrade under way is writing.
    "grading": (lambda v: _is_grading(v), "an object with string 'verifier' and 'version'"),
    "regrading": (lambda v: _is_grading(v), "an object with string 'verifier' and 'version'"),
}


def _is_grading(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("verifier", "version"))


def validate_manifest(manifest: dict[str, Any], path: Any = MANIFEST_NAME) -> dict[str, Any]:
    """Every field a reader uses, of its type and range; ExpoError naming the first that is not."""
    from ..errors import ExpoError

    for name, (ok, what) in MANIFEST_REQUIRED.items():
        if name not in manifest:
            raise ExpoError(f"{path} is corrupt: no '{name}' field; regenerate the round or restore the file")
        if not ok(manifest[name]):
            raise ExpoError(f"{path} is corrupt: '{name}' is {json.dumps(manifest[name])[:80]}, not {what}; "
                            f"regenerate the round or restore the file")
    for name, (ok, what) in MANIFEST_OPTIONAL.items():
        if name in manifest and not ok(manifest[name]):
            raise ExpoError(f"{path} is corrupt: '{name}' is {json.dumps(manifest[name])[:80]}, not {what}; "
                            f"regenerate the round or restore the file")
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


def inside_round_files(path: Any) -> str | None:
    """The round whose own files (shards/, selected/, adapter/ ...; eval/ holds eval runs and is open) a dir
    would be written inside of, as "ROUND (shards/...)"; None when there is none (a manifest up to 3 levels up)."""
    target = Path(os.path.realpath(path))
    owned = {relative.split("/", 1)[0] for relative in LAYOUT.values()} - {"eval"}
    for root in list(target.parents)[:3]:
        if (root / MANIFEST_NAME).is_file():
            relative = target.relative_to(root)
            if relative.parts and relative.parts[0] in owned:
                return f"{root} ({relative.as_posix()})"
    return None


class RoundDir(Store):
    """Where one round lives, a local dir or an object-store prefix, and its layout (LAYOUT; README,
    "Round dir and manifest format"): the one type callers pass for a round. It is a Store, so reads,
    writes and listings take layout names alike for local and remote rounds; `uri(key)` and `name(key)`
    take a LAYOUT key (or a plain name); `local(...)` and the LAYOUT attributes (rd.selected, rd.adapter,
    ...) are local Paths, and say so in one line for a round on object storage."""

    def __repr__(self) -> str:
        return f"RoundDir({self.location})"

    @staticmethod
    def name(key: str) -> str:
        """A LAYOUT key's relative name; any other name as it is."""
        return LAYOUT.get(key, key)

    def uri(self, name: str = "") -> str:
        return super().uri(self.name(name))

    def local(self, name: str = "") -> Path:
        if self.remote:
            from ..errors import ExpoError

            raise ExpoError(f"{self.uri(name) if name else self.location} is on object storage; "
                            "this step needs a local round dir")
        return super().local(self.name(name))

    def is_round(self) -> bool:
        return self.is_file(MANIFEST_NAME)

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self)

    def selected_table(self, name: str) -> pa.Table:
        """DIR/selected/<name>.arrow (positives, pairs, groups)."""
        from ..errors import ExpoError

        relative = f"{SELECTED_DIR}/{name}.arrow"
        if not self.is_file(relative):
            raise ExpoError(f"{self.uri(relative)} not found; run `expo-data select {self.location}`")
        return read_arrow(relative, self)

    def sidecar_hashes(self) -> dict[str, str]:
        """Shard file name -> sha256 as its sidecar records it: what a selection was made from."""
        from ..errors import ExpoError

        # Only the shards the manifest commits to: a stray file in shards/ is no part of the round.
        manifest = self.manifest()
        count = manifest["shards"] if manifest else 0
        hashes = {}
        for index in range(count):
            sidecar = f"{SHARDS_DIR}/{sidecar_name(index, count)}"
            try:
                sha = json.loads(self.read_bytes(sidecar))["sha256"]
            except FileNotFoundError:
                continue
            except (ValueError, KeyError, TypeError, OSError, RecursionError):
                sha = None
            if not isinstance(sha, str):
                raise ExpoError(f"{self.uri(sidecar)} is corrupt; rerun `expo-data generate` to repair it")
            hashes[shard_name(index, count)] = sha
        return hashes


for _attr in LAYOUT:
    setattr(RoundDir, _attr, property(lambda self, _attr=_attr: self.local(_attr)))


def read_selection_record(round_dir: Any) -> dict[str, Any] | None:
    """DIR/selected/selection.json, the one reader of it (trainer, loop, objectives, view): None when there
    is none yet; a file that is not a selection record (not JSON, not an object, a part of the wrong kind)
    is an ExpoError naming it and the fix, whoever reads it: `expo-data select` writes the record last, so
    such a file is never a finished selection, and guessing at what it meant could train on the wrong rows."""
    from ..errors import ExpoError

    rd = round_dir if isinstance(round_dir, RoundDir) else RoundDir(round_dir)
    try:
        record = json.loads(rd.read_bytes(LAYOUT["selection_record"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON
        record = None
    if not (isinstance(record, dict) and all(isinstance(record.get(key, {}), dict)
                                             for key in ("parameters", "source_shards", "rows"))
            and all(isinstance(v, dict) for v in record.get("parameters", {}).values())):
        raise ExpoError(f"{rd.uri('selection_record')} is corrupt or partial (not an `expo-data select` record); "
                        f"rerun `expo-data select {rd.location}`")
    return record


def read_arrow(path: Any, store=None) -> pa.Table:
    """An Arrow IPC file: memory-mapped when local, ranged reads through `store` when remote."""
    if store is not None and store.remote:
        with store.open_input_file(path) as source:
            return pa.ipc.open_file(source).read_all()
    with pa.memory_map(str(store.path(path) if store is not None else path)) as source:
        return pa.ipc.open_file(source).read_all()
