"""Shard files: Arrow IPC written atomically with a checksummed JSON sidecar; reading and checking."""

from __future__ import annotations

import errno
import hashlib
import json
import mmap
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from .grading import check_not_regrading
from ..errors import ExpoError, first_line
from .files import check_regular_input
from ..oserrors import EnvironmentFailure, failure
from .schema import (
    MANIFEST_NAME,
    READABLE_SCHEMA_VERSIONS,
    SAMPLE_SCHEMA,
    SCHEMA_VERSION,
    SHARDS_DIR,
    read_manifest,
    shard_name,
    sidecar_name,
)
from .storage import Store, as_store
from .stored_once import drop_duplicates, restore
from .object_verified import checked_object, record_written
from .verified import HASH_COST, count_hashed, flush as flush_verified, identity, is_verified, record as record_verified, verification


def table_to_ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def write_shard(out_dir: Any, index: int, count: int, table: pa.Table, sidecar: dict[str, Any]) -> None:
    """Shard first, sidecar second: the sidecar is the commit marker, and a shard without a valid
    one is incomplete (object stores have no rename, so this order is the whole protocol there)."""
    store = as_store(out_dir)
    data = table_to_ipc_bytes(drop_duplicates(table.cast(SAMPLE_SCHEMA)))  # each number once (version 4)
    store.write_bytes(f"{SHARDS_DIR}/{shard_name(index, count)}", data)
    sidecar = dict(sidecar, shard=shard_name(index, count), index=index, count=count,
                   rows=table.num_rows, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    # The bytes just written are the ones hashed: readers need not hash them again.
    record_written(store, f"{SHARDS_DIR}/{shard_name(index, count)}", sidecar["sha256"], len(data))
    store.write_json(f"{SHARDS_DIR}/{sidecar_name(index, count)}", sidecar)
    flush_verified()


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def valid_sidecar(sidecar: Any) -> bool:
    """A sidecar is a commit marker only with the fields its shard is checked against, of their types."""
    return (isinstance(sidecar, dict) and isinstance(sidecar.get("config_hash"), str)
            and isinstance(sidecar.get("sha256"), str) and _is_count(sidecar.get("bytes"))
            and _is_count(sidecar.get("rows", 0)) and isinstance(sidecar.get("counts", {}), dict)
            and isinstance(sidecar.get("skipped", []), list))


def read_sidecar(store: Store, index: int, count: int) -> dict[str, Any] | None:
    """A shard's sidecar, None when absent, unreadable or not of the sidecar schema."""
    try:
        sidecar = json.loads(store.read_bytes(f"{SHARDS_DIR}/{sidecar_name(index, count)}"))
    except (FileNotFoundError, ValueError, RecursionError):  # ValueError: not JSON, not UTF-8
        return None
    except EnvironmentFailure as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise  # unreadable is not corrupt: regenerating good data is the wrong cure
        return None  # a directory where the sidecar goes: not a commit marker
    # (a FIFO or device there is refused by read_bytes in one line: reading it would hang or fill memory)
    return sidecar if valid_sidecar(sidecar) else None


def shard_status(out_dir: Any, index: int, count: int, config_hash: str, hash_bytes: bool = True) -> str:
    """'complete', 'missing' or 'corrupt' (present but failing its sidecar or checksum; without
    `hash_bytes`, the cheap checks only: sidecar, config hash and size).

    The bytes are checked against the sidecar's sha256, unless verified before and unchanged since (a file by
    its stat, an object by its ETag and version: verified.py, object_verified.py). On object storage an
    object is only ever visible whole, so a shard object without a valid sidecar (a writer died between
    the two uploads) is missing and is regenerated."""
    store = as_store(out_dir)
    data_name = f"{SHARDS_DIR}/{shard_name(index, count)}"
    size = store.size(data_name)
    sidecar = read_sidecar(store, index, count)
    if store.remote:
        if sidecar is None or sidecar.get("config_hash") != config_hash:
            return "missing"
        if size != sidecar.get("bytes") or (hash_bytes and not checked_object(store, data_name, sidecar["sha256"], keep=False)[0]):
            return "corrupt"
        return "complete"
    has_sidecar = store.exists(f"{SHARDS_DIR}/{sidecar_name(index, count)}")
    if size is None and not has_sidecar:
        return "missing"
    # A link to /dev/zero or a FIFO is no corrupt shard (regenerating is not the cure); absent, it is corrupt below.
    check_regular_input(Path(store.path(data_name)), "shard")
    if size is None or sidecar is None or sidecar.get("config_hash") != config_hash:
        return "corrupt"
    try:
        if size != sidecar.get("bytes") or (hash_bytes and not _hash_matches(store.path(data_name), sidecar.get("sha256"))):
            return "corrupt"
    except OSError as exc:  # no permission to read the shard: unreadable, not corrupt
        raise failure(exc, store.uri(data_name), "reading", "nothing was changed") from exc
    return "complete"


def _hash_matches(path: str, expected: Any) -> bool:
    before = identity(path)
    if is_verified(path, expected, before):
        return True
    digest, buffer = hashlib.sha256(), bytearray(1 << 22)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as f:  # one reused buffer; hashlib releases the GIL on it
        while size := f.readinto(buffer):
            digest.update(view[:size])
    matches = digest.hexdigest() == expected
    count_hashed(before["size"])  # HASH_COST: verify_round_dir and select log their share
    if matches:
        record_verified(path, expected, before)
    return matches


def shard_names(out_dir: Any) -> list[str]:
    """The shard files of a round dir, as names relative to it."""
    return [n for n in as_store(out_dir).list(SHARDS_DIR, prefix="shard-", suffix=".arrow") if "-of-" in n]


def committed_shard_names(manifest: dict[str, Any]) -> list[str]:
    """The shards a (verified) manifest commits to, as names relative to the round dir: what readers
    read. A file in shards/ the manifest does not name (another configuration's, a stray copy) is ignored."""
    count = manifest["shards"]
    return [f"{SHARDS_DIR}/{shard_name(index, count)}" for index in range(count)]


def shard_paths(out_dir: Path) -> list[Path]:
    """Local shard files (tests, tools that want paths)."""
    return [Path(out_dir) / name for name in shard_names(out_dir)]


def _open_shard(name: str, store: Store, read: bool) -> tuple[int, pa.Table | None]:
    """(schema version, table if `read`) from one opening of the file; ExpoError for a file that is
    no shard of a version this toolkit reads."""
    try:
        with (store.open_input_file(name) if store.remote else pa.memory_map(store.path(name))) as source:
            return _table_of(source, store.uri(name), read)
    except (PermissionError, EnvironmentFailure) as exc:
        raise exc if isinstance(exc, ExpoError) else failure(exc, store.uri(name), "reading", "nothing was changed")
    except OSError as exc:
        raise ExpoError(f"{store.uri(name)} is not an Arrow shard ({str(exc).splitlines()[0]}); rerun `expo-data generate` to repair it")


def _table_of(source, path: str, read: bool) -> tuple[int, pa.Table | None]:
    try:
        reader = pa.ipc.open_file(source)
        metadata = reader.schema.metadata or {}
        table = reader.read_all() if read else None
    except (pa.ArrowInvalid, OSError) as exc:
        raise ExpoError(f"{path} is not an Arrow shard ({first_line(exc)}); rerun `expo-data generate` to repair it")
    raw = metadata.get(b"expo.schema_version")
    version = int(raw) if raw is not None and raw.isdigit() else None
    if version not in READABLE_SCHEMA_VERSIONS:
        raise ExpoError(f"{path} has schema version {version}; this toolkit reads versions "
                        f"{', '.join(map(str, READABLE_SCHEMA_VERSIONS))} (upgrade expo-toolkit or regenerate the round)")
    _check_columns(reader.schema, version, path)
    return version, table


# Columns a schema version added: a shard of an older version is read with them null (upgrade_table).
_ADDED_IN_VERSION = {2: ("category", "extra_fields"), 3: ("gold_type",)}


def _kind_of(type_: pa.DataType) -> Any:
    """A type up to its encoding (dictionary, large_ offsets) and integer or float width: what a cast to
    SAMPLE_SCHEMA keeps the values of. Anything else (a string where numbers belong) is a different shard."""
    if pa.types.is_dictionary(type_):
        return _kind_of(type_.value_type)
    if pa.types.is_integer(type_):
        return "int"
    if pa.types.is_floating(type_):
        return "float"
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "string"
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return ("list", _kind_of(type_.value_type))
    if pa.types.is_struct(type_):
        return ("struct", tuple((type_.field(i).name, _kind_of(type_.field(i).type)) for i in range(type_.num_fields)))
    return str(type_)


def _check_columns(schema: pa.Schema, version: int, path: str) -> None:
    """A shard whose sidecar checks out but whose columns are not the schema's (one missing, or mistyped)
    would be read with nulls in non-null columns or values cast from text: refused, one line."""
    later = {name for v, names in _ADDED_IN_VERSION.items() if v > version for name in names}
    missing = [f.name for f in SAMPLE_SCHEMA if f.name not in schema.names and f.name not in later]
    mistyped = [f"{f.name} is {schema.field(f.name).type}, not {f.type}" for f in SAMPLE_SCHEMA
                if f.name in schema.names and _kind_of(schema.field(f.name).type) != _kind_of(f.type)]
    if missing or mistyped:
        problems = ([f"lacks column(s) {', '.join(missing)}"] if missing else []) + mistyped
        raise ExpoError(f"{path} is not a shard of this toolkit's schema ({'; '.join(problems)}); "
                        f"rerun `expo-data generate` to repair it")


def read_checked_shard(store: Store, index: int, count: int, whole: bool = True,
                       columns: list[str] | None = None) -> pa.Table:
    """A committed shard's rows (in SAMPLE_SCHEMA; only `columns` if given) from one read of its bytes, which
    for a local shard also serve its sha256 against the sidecar: the check verify_round_dir makes, without
    reading the file a second time. A shard verified before (verified.py) is not hashed: only the buffers of
    `columns` are read (Arrow IPC is random-access), or the file is memory-mapped; ExpoError if it is corrupt.
    `whole`: see in_sample_schema."""
    name = f"{SHARDS_DIR}/{shard_name(index, count)}"
    try:
        if columns is not None and not store.remote and (table := _verified_columns(store, name, index, count, columns)):
            return table
        data = _read_checked(store, name, index, count)
    except FileNotFoundError as exc:  # gone since the round was opened
        raise ExpoError(f"{store.uri(name)} cannot be read ({exc.strerror or exc}); rerun `expo-data generate` to repair it")
    except OSError as exc:  # no permission, a failing disk: the data may well be good
        raise failure(exc, store.uri(name), "reading", "nothing was changed") from exc
    table = in_sample_schema(_table_of(pa.BufferReader(data), store.uri(name), read=True)[1], whole)
    return table if columns is None else table.select(columns)


def _verified_columns(store: Store, name: str, index: int, count: int, columns: list[str]) -> pa.Table | None:
    """`columns` of a local shard verified before and unchanged since, read buffer by buffer: the other
    columns' bytes are never read (select skips gen_token_logprobs, the hinted prompt, ...). None when the
    shard is not known to be verified, or was replaced since the stat (it is hashed instead)."""
    path, expected = store.path(name), (read_sidecar(store, index, count) or {}).get("sha256")
    before = identity(path)
    if not is_verified(path, expected, before):
        return None
    with pa.OSFile(path) as source:
        if identity(path) != before:
            return None
        _table_of(source, store.uri(name), read=False)  # its version and columns checked, from the footer
        names = pa.ipc.open_file(source).schema.names
        included = [names.index(c) for c in columns if c in names]
        table = pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=included)).read_all()
    for column in columns:  # a column added since the shard's version: null, as upgrade_table fills it
        if column not in table.column_names:
            table = table.append_column(SAMPLE_SCHEMA.field(column), pa.nulls(table.num_rows, SAMPLE_SCHEMA.field(column).type))
    return table.select(columns).cast(pa.schema([SAMPLE_SCHEMA.field(c) for c in columns]))


def _read_checked(store: Store, name: str, index: int, count: int) -> pa.Buffer:
    path, expected = store.path(name), (read_sidecar(store, index, count) or {}).get("sha256")
    if store.remote:  # hashed as it arrives, unless this version of the object was verified before
        matches, data = checked_object(store, name, expected, keep=True)
        if not matches:
            raise ExpoError(f"{store.uri()}: shard {shard_name(index, count)} is corrupt; rerun `expo-data generate` to repair it")
        return data
    before = identity(path)
    if is_verified(path, expected, before) and (mapped := _map_if_unchanged(path, before)) is not None:
        return mapped
    buffer = pa.allocate_buffer(before["size"])  # not zeroed first, unlike a bytearray
    view, digest, size = memoryview(buffer).cast("B"), hashlib.sha256(), 0
    with open(path, "rb", buffering=0) as f:  # hashlib releases the GIL on each chunk
        if hasattr(os, "posix_fadvise"):  # the kernel reads ahead while a chunk is hashed
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
        while size < len(view) and (got := f.readinto(view[size:size + (1 << 22)])):
            digest.update(view[size:size + got])
            size += got
    matches = size == before["size"] and digest.hexdigest() == expected
    count_hashed(before["size"])
    if not matches:
        raise ExpoError(f"{store.uri()}: shard {shard_name(index, count)} is corrupt; "
                        f"rerun `expo-data generate` to repair it")
    record_verified(path, expected, before)
    return buffer


def _map_if_unchanged(path: str, verified_as: dict[str, int]) -> pa.Buffer | None:
    """The file memory-mapped, if the file opened is still the one verified (not replaced since the stat):
    a reader then touches only the pages of what it uses (the key columns, the selected rows' slices of the
    columns it writes), not every byte. None otherwise (it is hashed instead)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if identity(fd) != verified_as or verified_as["size"] == 0:
            return None
        return pa.py_buffer(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))  # the buffer keeps the mapping alive
    finally:
        os.close(fd)


def hash_ahead(store: Store, count: int, stop: threading.Event) -> None:
    """Hash a local round's shards in order, while other work leaves the disk idle, until `stop` or until
    they would fill half the memory the kernel calls available: read_checked_shard then finds them in the
    page cache and already verified. A mismatch is left for read_checked_shard to report."""
    if store.remote:
        return
    try:
        with open("/proc/meminfo") as meminfo:
            budget = next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:")) // 2
    except (OSError, StopIteration, ValueError):
        return
    try:
        for index in range(count):
            name = f"{SHARDS_DIR}/{shard_name(index, count)}"
            budget -= store.size(name) or 0
            if stop.is_set() or budget < 0:
                return
            _hash_matches(store.path(name), (read_sidecar(store, index, count) or {}).get("sha256"))
    except (OSError, ExpoError):  # a shard gone or unreadable: the pass that reads it says so
        return


def _located(path: Any, store: Store | None) -> tuple[str, Store]:
    """(name, store): a name inside `store`, or a local file path on its own."""
    return (str(path), store) if store is not None else (Path(path).name, Store(Path(path).parent))


def shard_schema_version(path: Any, store: Store | None = None) -> int:
    return _open_shard(*_located(path, store), read=False)[0]


def in_sample_schema(table: pa.Table, whole: bool = True) -> pa.Table:
    """A shard's table as SAMPLE_SCHEMA: as it is when written by this version (no copy); else upgraded,
    or decoded from another encoding or width of the same values (_check_columns let only those through).
    `whole`: with every attempt's gen_token_logprobs present (stored once since version 4: stored_once.py);
    a reader that never uses that column skips the copy."""
    table = table if table.schema.equals(SAMPLE_SCHEMA) else upgrade_table(table)
    return restore(table) if whole else table


def upgrade_table(table: pa.Table) -> pa.Table:
    """A table of an older readable schema version, with the columns added since filled with nulls."""
    for field in SAMPLE_SCHEMA:
        if field.name not in table.column_names:
            table = table.append_column(field, pa.nulls(table.num_rows, field.type))
    return table.select(SAMPLE_SCHEMA.names).cast(SAMPLE_SCHEMA)


def read_shard(path: Any, store: Store | None = None, whole: bool = True) -> pa.Table:
    """A shard's rows in SAMPLE_SCHEMA (memory-mapped locally); `whole`: see in_sample_schema."""
    return in_sample_schema(_open_shard(*_located(path, store), read=True)[1], whole)


def verify_round_dir(out_dir: Any, check_checksums: bool = True, log=None, verify: str = "once") -> dict[str, Any]:
    """Check a round dir is complete and intact; returns its manifest. Raises ExpoError with one line.
    A local shard verified before (by any process of this user, see verified.py) is only stat'ed, unless
    `verify` is "full". `log` hears what the sha256 of local shards cost."""
    store = as_store(out_dir)
    before, started = dict(HASH_COST), time.perf_counter()
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise ExpoError(f"{store.uri()} is not a round dir (no manifest.json)")
    count = manifest["shards"]
    # Shards checked side by side: sha256 runs at about a core's worth of disk bandwidth per thread. Without
    # checksums the sidecars are still read and matched (cheap), so a broken one fails before any work.
    with verification(verify), ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1, count))) as pool:
        statuses = dict(zip(range(count), pool.map(
            lambda index: shard_status(out_dir, index, count, manifest["config_hash"], check_checksums), range(count))))
    flush_verified()  # what matched, also when another shard failed
    for index in range(count):
        name = f"{SHARDS_DIR}/{shard_name(index, count)}"
        status = statuses[index]
        if status != "complete":
            check_not_regrading(store, manifest)  # a regrade cut between a shard and its sidecar: finish it instead
            raise ExpoError(f"{store.uri()}: shard {shard_name(index, count)} is {status}; rerun `expo-data generate` to repair it")
        shard_schema_version(name, store)
    hashed = HASH_COST["files"] - before["files"]
    if log is not None and hashed:
        log(f"verified {hashed} shard checksums of {store.uri()} ({(HASH_COST['bytes'] - before['bytes']) / 2**30:.2f} GiB "
            f"sha256) in {time.perf_counter() - started:.1f}s")
    return manifest


def load_round(out_dir: Any) -> pa.Table:
    """All rows of a verified round dir as one table."""
    manifest = verify_round_dir(out_dir)
    store = as_store(out_dir)
    tables = [read_shard(name, store) for name in committed_shard_names(manifest)]
    return pa.concat_tables(tables) if tables else SAMPLE_SCHEMA.empty_table()


def write_round(out_dir: Any, rows_by_shard: list[pa.Table], manifest: dict[str, Any]) -> None:
    """Write a whole round dir from ready tables (synthetic data, imports, tests): same files,
    checksums and manifest as `expo-data generate` writes."""
    store = as_store(out_dir)
    store.makedirs()
    manifest = {k: v for k, v in manifest.items() if not (k == "config_hash" and v is None)}  # None: hash it anew
    manifest = dict(manifest, shards=len(rows_by_shard))
    manifest.setdefault("schema_version", SCHEMA_VERSION)
    manifest.setdefault("config_hash", hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest())
    for index, table in enumerate(rows_by_shard):
        write_shard(out_dir, index, len(rows_by_shard), table,
                    {"config_hash": manifest["config_hash"], "problems": len(set(table.column("problem_id").to_pylist()))})
    store.write_json(MANIFEST_NAME, manifest)
