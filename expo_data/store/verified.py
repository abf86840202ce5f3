"""Verify once: local shards whose sha256 matched their sidecar, remembered outside the round.

A round may be read-only and is read by many commands (sql, view, report, select, the trainer), each of
which would otherwise hash every byte again. A shard that hashed to its sidecar's sha256 is recorded, per
user, under the cache dir (`verified/`, one small JSON file per shards directory) with the file's identity
at the time: device, inode, size, mtime_ns and ctime_ns, and the sha256 it matched. A later reader stats
the file and, when all of them and the sidecar's sha256 are unchanged, does not hash it again. Any write
changes mtime and ctime (ctime cannot be set back by a user), a replaced file has another inode: any of
them differing means hash again.

The cache is only ever an optimisation: an unreadable, corrupted or unwritable cache costs a re-hash,
never an error. Writers merge their entries into the file under a lock and replace it atomically, so two
processes updating it never leave it half-written, and neither loses the other's entries.

An object on an object store (an `ObjectKey`: the store and directory, the object's name) is recorded the
same way, with what the store says identifies the object's current version in the role of the inode and
times (object_verified.py: size, ETag, VersionId, Last-Modified).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ExpoError
from .files import atomic_write_json, cache_dir

CACHE_VERSION = 1
_IDENTITY = ("dev", "ino", "size", "mtime_ns", "ctime_ns")
_LOCK = threading.Lock()
_PENDING: dict[Path, dict[str, dict[str, Any]]] = {}  # cache file -> shard name -> entry, not yet written
_KNOWN: dict[Path, dict[str, dict[str, Any]]] = {}  # what this process recorded or read (also when unwritable)
_FORCED = [0]  # > 0 inside full_verification(): every shard is hashed again...
_FRESH: set[tuple] = set()  # ...once: what this process hashed since the outermost full_verification began
HASH_COST = {"files": 0, "bytes": 0}  # what hashing cost this process (verify_round_dir and select log their share)


class ObjectKey(NamedTuple):
    """An object on a store with no stat: `directory` names the store and the prefix (see object_verified)."""
    directory: str
    name: str


def count_hashed(size: int) -> None:
    with _LOCK:
        HASH_COST["files"] += 1
        HASH_COST["bytes"] += size


def cache_root() -> Path:
    return cache_dir() / "verified"


@contextlib.contextmanager
def full_verification(enabled: bool = True):
    """Hash every shard read inside this block, whatever the cache says (`--verify full`); what matches is
    recorded again. Process-wide, so the reader threads of verify_round_dir and select see it too."""
    with _LOCK:
        if enabled and _FORCED[0] == 0:
            _FRESH.clear()
        _FORCED[0] += int(enabled)
    try:
        yield
    finally:
        with _LOCK:
            _FORCED[0] -= int(enabled)


VERIFY_MODES = ("once", "full")


def verification(mode: str):
    """full_verification() for "full", nothing for "once" (the default: the cache is trusted)."""
    if mode not in VERIFY_MODES:
        raise ExpoError(f"verify mode {mode!r}: expected one of {', '.join(VERIFY_MODES)}")
    return full_verification(mode == "full")


def forced() -> bool:
    return _FORCED[0] > 0


def identity(path: str | os.PathLike | int) -> dict[str, int]:
    """What the record keys a file by (a path, or an open file's descriptor)."""
    st = os.stat(path)
    return {key: getattr(st, f"st_{key}") for key in _IDENTITY}


def _cache_file(path: "str | os.PathLike | ObjectKey") -> tuple[Path, str]:
    """(cache file of the directory holding `path`, the shard's name in it)."""
    if isinstance(path, ObjectKey):
        directory, name = path
    else:
        real = Path(os.path.realpath(path))
        directory, name = str(real.parent), real.name
    key = hashlib.sha256(directory.encode()).hexdigest()[:32]
    return cache_root() / f"{key}.json", name


def _valid_entry(entry: Any) -> bool:
    """A sha256 and an identity: a file's (_IDENTITY, integers) or an object's (a size and strings)."""
    return (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and "size" in entry
            and all((isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v)
                    for k, v in entry.items() if k != "sha256"))


def _read(cache_file: Path) -> dict[str, dict[str, Any]]:
    """The entries of a cache file; {} for a missing, unreadable or corrupted one (it only costs a re-hash)."""
    try:
        data = json.loads(cache_file.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("shards"), dict):
        return {}
    return {name: entry for name, entry in data["shards"].items() if isinstance(name, str) and _valid_entry(entry)}


def is_verified(path: "str | os.PathLike | ObjectKey", expected_sha256: Any, current: dict[str, Any] | None = None) -> bool:
    """Whether `path`, as it is now (`current`: its identity, stat'ed if not given; an object's must be), was verified against
    `expected_sha256` before, by this process or a recorded one. Under full_verification(), only if this
    process hashed it since that began (so one forced pass hashes each shard once, not once per reader)."""
    if not isinstance(expected_sha256, str) or (current is None and isinstance(path, ObjectKey)):
        return False
    try:
        current = current or identity(path)
        cache_file, name = _cache_file(path)
    except OSError:
        return False
    if forced():
        return _fresh_key(cache_file, name, current, expected_sha256) in _FRESH
    with _LOCK:
        entry = _KNOWN.get(cache_file, {}).get(name)
    if entry is None or not _matches(entry, current, expected_sha256):
        entry = _read(cache_file).get(name)
        if entry is not None:
            with _LOCK:
                _KNOWN.setdefault(cache_file, {})[name] = entry
    return entry is not None and _matches(entry, current, expected_sha256)


def _fresh_key(cache_file: Path, name: str, current: dict[str, Any], sha256: str) -> tuple:
    return (cache_file, name, sha256, *sorted(current.items()))


def _matches(entry: dict[str, Any], current: dict[str, Any], expected_sha256: str) -> bool:
    return entry["sha256"] == expected_sha256 and {k: v for k, v in entry.items() if k != "sha256"} == current


def record(path: "str | os.PathLike | ObjectKey", sha256: str, before: dict[str, Any] | None = None) -> None:
    """Remember that `path` holds bytes whose sha256 is `sha256` (call flush() to persist). `before`: the
    identity stat'ed before the bytes were read; if the file changed while they were read, nothing is kept.
    An object cannot be stat'ed here: its caller passes the identity it saw before and after the read."""
    if isinstance(path, ObjectKey) and before is None:
        return
    try:
        now = before if isinstance(path, ObjectKey) else identity(path)
        cache_file, name = _cache_file(path)
    except OSError:
        return
    if before is not None and before != now:
        return
    entry = dict(now, sha256=sha256)
    with _LOCK:
        _KNOWN.setdefault(cache_file, {})[name] = entry
        _PENDING.setdefault(cache_file, {})[name] = entry
        _FRESH.add(_fresh_key(cache_file, name, now, sha256))


def flush() -> None:
    """Write what this process verified into the cache files: merged with what other processes wrote
    meanwhile (under a lock file), then replaced atomically. Any failure (a read-only cache dir, a full
    disk) is ignored: the entries stay known to this process, and another process hashes again."""
    with _LOCK:
        pending = {cache_file: dict(entries) for cache_file, entries in _PENDING.items()}
        _PENDING.clear()
    for cache_file, entries in pending.items():
        with contextlib.suppress(Exception):
            _merge_into(cache_file, entries)


def _merge_into(cache_file: Path, entries: dict[str, dict[str, Any]]) -> None:
    import fcntl

    cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(cache_file.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        merged = _read(cache_file)
        merged.update(entries)
        atomic_write_json(cache_file, {"version": CACHE_VERSION, "shards": merged})


def forget_in_process() -> None:
    """Drop what this process remembers (tests: to see what a fresh process would find in the cache)."""
    with _LOCK:
        _KNOWN.clear()
        _PENDING.clear()
        _FRESH.clear()
