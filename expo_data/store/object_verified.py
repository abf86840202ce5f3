"""Verify once on an object store: the object's ETag and version in the role of a file's inode and times.

An object has no inode or ctime, but the HEAD that opens it says which version of it the store holds: the
ETag (S3: an MD5 of the bytes or of their parts; another for other bytes), the VersionId in a versioned
bucket, and Last-Modified. A shard object whose sha256 matched its sidecar is recorded in the same per-user
cache as local shards (verified.py), keyed by the store (scheme and endpoint), the bucket and key, and by
its size with those fields; a later reader HEADs it and, all unchanged, does not download it to hash it.
Any of them changed (an overwrite, even with bytes of the same size) means hashing again.

A store that gives neither an ETag nor a version (fsspec's memory://) cannot say an object is unchanged:
its shards are hashed at every verification. The record lives in the reader's cache dir; nothing is ever
written into the round.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa

from ..errors import ExpoError
from .storage import Store
from .verified import ObjectKey, count_hashed, is_verified, record

CHUNK = 8 << 20  # one ranged GET per chunk when only hashing: memory stays bounded whatever the object's size
# The response headers pyarrow reports for an opened object, and the names they are recorded under.
_VERSION_HEADERS = {"ETag": "etag", "VersionId": "version_id", "Last-Modified": "last_modified"}


def object_key(store: Store, name: str) -> ObjectKey:
    """Where the record of object `name` lives: the store's scheme and endpoint (the same bucket name on
    another server is another object), then bucket and prefix, then the object's base name."""
    directory, _, base = name.rpartition("/")
    return ObjectKey(f"{_store_name(store)} {store.path(directory)}", base)


def _store_name(store: Store) -> str:
    scheme = str(store.location).split("://", 1)[0]
    try:  # pyarrow's client options as resolved (endpoint from the URI or AWS_ENDPOINT_URL); pickling's own view
        options = store.fs.__reduce__()[1][0]
    except Exception:
        options = None
    endpoint = options.get("endpoint_override") or "" if isinstance(options, dict) else ""
    return f"{scheme}://{endpoint}"


def identity_of(source: Any) -> dict[str, Any] | None:
    """The version of the object `source` (an opened pyarrow input file) holds, from the HEAD that opened it:
    its size and the store's ETag, VersionId and Last-Modified; None when the store gives neither an ETag
    nor a version (nothing would then tell a changed object from the one verified)."""
    try:
        metadata = source.metadata() or {}
    except (OSError, NotImplementedError, pa.ArrowException):
        return None
    found = {}
    for header, field in _VERSION_HEADERS.items():
        value = metadata.get(header, metadata.get(header.encode()))
        if value:
            found[field] = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    if not {"etag", "version_id"} & found.keys():
        return None
    return {"size": source.size(), **found}


def head(store: Store, name: str) -> dict[str, Any] | None:
    with store.open_input_file(name) as source:  # pyarrow's S3 client opens an object with one HEAD
        return identity_of(source)


def checked_object(store: Store, name: str, expected: Any, keep: bool) -> tuple[bool, pa.Buffer | None]:
    """(whether object `name` holds bytes whose sha256 is `expected`, those bytes if `keep`). Verified before
    and unchanged since (one HEAD): not hashed. Otherwise hashed, and recorded when it matched and a second
    HEAD finds the same version (an object replaced while it was read is not recorded)."""
    key = object_key(store, name)
    with store.open_input_file(name) as source:
        before = identity_of(source)
        if before is not None and is_verified(key, expected, before):
            return True, (source.read_buffer() if keep else None)
        digest, size, data = hashlib.sha256(), source.size(), None
        if keep:
            data = source.read_buffer()
            digest.update(data)
            read = data.size
        else:
            read = 0
            while (chunk := source.read_buffer(CHUNK)).size:
                digest.update(chunk)
                read += chunk.size
    count_hashed(size)
    matches = read == size and digest.hexdigest() == expected
    if matches and before is not None and head(store, name) == before:
        record(key, expected, before)
    return matches, data


def record_written(store: Store, name: str, sha256: str, size: int) -> None:
    """Record a shard just written, whose bytes were hashed on their way out: readers need not hash them
    again. A local file is stat'ed; an object HEADed (its ETag is known only once it is stored), and
    recorded only if of the size written."""
    if not store.remote:
        return record(store.path(name), sha256)
    try:
        current = head(store, name)
    except (OSError, ExpoError):  # the shard is written; the record only spares a later reader a hash
        return
    if current is not None and current["size"] == size:
        record(object_key(store, name), sha256, current)
