"""Shard files: Arrow IPC written atomically with a checksummed JSON sidecar; reading and checking."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from .errors import ExpoError
from .schema import (
    READABLE_SCHEMA_VERSIONS,
    SAMPLE_SCHEMA,
    SCHEMA_VERSION,
    SHARDS_DIR,
    atomic_write_bytes,
    MANIFEST_NAME,
    atomic_write_json,
    read_manifest,
    sha256_file,
    shard_name,
    sidecar_name,
)


def table_to_ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def write_shard(out_dir: Path, index: int, count: int, table: pa.Table, sidecar: dict[str, Any]) -> None:
    """Shard first, sidecar second: a shard without a matching sidecar is incomplete."""
    shards = Path(out_dir) / SHARDS_DIR
    shards.mkdir(parents=True, exist_ok=True)
    data = table_to_ipc_bytes(table.cast(SAMPLE_SCHEMA))
    atomic_write_bytes(shards / shard_name(index, count), data)
    sidecar = dict(sidecar, shard=shard_name(index, count), index=index, count=count,
                   rows=table.num_rows, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    atomic_write_json(shards / sidecar_name(index, count), sidecar)


def shard_status(out_dir: Path, index: int, count: int, config_hash: str) -> str:
    """'complete', 'missing' or 'corrupt' (present but failing its sidecar or checksum)."""
    shards = Path(out_dir) / SHARDS_DIR
    data_path, side_path = shards / shard_name(index, count), shards / sidecar_name(index, count)
    if not data_path.exists() and not side_path.exists():
        return "missing"
    if not data_path.exists() or not side_path.exists():
        return "corrupt"
    try:
        sidecar = json.loads(side_path.read_text())
    except (json.JSONDecodeError, OSError):
        return "corrupt"
    if sidecar.get("config_hash") != config_hash:
        return "corrupt"
    if data_path.stat().st_size != sidecar.get("bytes") or sha256_file(data_path) != sidecar.get("sha256"):
        return "corrupt"
    return "complete"


def shard_paths(out_dir: Path) -> list[Path]:
    return sorted((Path(out_dir) / SHARDS_DIR).glob("shard-*-of-*.arrow"))


def _open_shard(path: Path, read: bool) -> tuple[int, pa.Table | None]:
    """(schema version, table if `read`) from one opening of the file; ExpoError for a file that is
    no shard of a version this toolkit reads."""
    try:
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            metadata = reader.schema.metadata or {}
            table = reader.read_all() if read else None
    except (pa.ArrowInvalid, OSError) as exc:
        raise ExpoError(f"{path} is not an Arrow shard ({str(exc).splitlines()[0]}); rerun `expo-data generate` to repair it")
    raw = metadata.get(b"expo.schema_version")
    version = int(raw) if raw is not None and raw.isdigit() else None
    if version not in READABLE_SCHEMA_VERSIONS:
        raise ExpoError(f"{path} has schema version {version}; this toolkit reads versions "
                        f"{', '.join(map(str, READABLE_SCHEMA_VERSIONS))} (upgrade expo-toolkit or regenerate the round)")
    return version, table


def shard_schema_version(path: Path) -> int:
    return _open_shard(path, read=False)[0]


def upgrade_table(table: pa.Table) -> pa.Table:
    """A table of an older readable schema version, with the columns added since filled with nulls."""
    for field in SAMPLE_SCHEMA:
        if field.name not in table.column_names:
            table = table.append_column(field, pa.nulls(table.num_rows, field.type))
    return table.select(SAMPLE_SCHEMA.names).cast(SAMPLE_SCHEMA)


def read_shard(path: Path) -> pa.Table:
    version, table = _open_shard(path, read=True)
    return table if version == SCHEMA_VERSION else upgrade_table(table)


def verify_round_dir(out_dir: Path, check_checksums: bool = True) -> dict[str, Any]:
    """Check a round dir is complete and intact; returns its manifest. Raises ExpoError with one line."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise ExpoError(f"{out_dir} is not a round dir (no manifest.json)")
    count = manifest["shards"]
    for index in range(count):
        status = shard_status(out_dir, index, count, manifest["config_hash"]) if check_checksums else (
            "complete" if (out_dir / SHARDS_DIR / shard_name(index, count)).exists() else "missing")
        if status != "complete":
            raise ExpoError(f"{out_dir}: shard {shard_name(index, count)} is {status}; rerun `expo-data generate` to repair it")
        shard_schema_version(out_dir / SHARDS_DIR / shard_name(index, count))
    return manifest


def load_round(out_dir: Path) -> pa.Table:
    """All rows of a verified round dir as one table."""
    verify_round_dir(out_dir)
    tables = [read_shard(p) for p in shard_paths(out_dir)]
    return pa.concat_tables(tables) if tables else SAMPLE_SCHEMA.empty_table()


def write_round(out_dir: Path, rows_by_shard: list[pa.Table], manifest: dict[str, Any]) -> None:
    """Write a whole round dir from ready tables (synthetic data, imports, tests): same files,
    checksums and manifest as `expo-data generate` writes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = dict(manifest, shards=len(rows_by_shard))
    manifest.setdefault("schema_version", SCHEMA_VERSION)
    manifest.setdefault("config_hash", hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest())
    for index, table in enumerate(rows_by_shard):
        write_shard(out_dir, index, len(rows_by_shard), table,
                    {"config_hash": manifest["config_hash"], "problems": len(set(table.column("problem_id").to_pylist()))})
    atomic_write_json(out_dir / MANIFEST_NAME, manifest)
