"""Where a round lives: a local directory or an object-store prefix (s3://, gs://, any fsspec URI).

Everything that reads or writes round files goes through a `Store`, a pyarrow filesystem plus a
root: pyarrow's own S3/GCS/HDFS clients where it has one (credentials from the standard AWS/GCP
environment and config chain, `AWS_ENDPOINT_URL` for S3-compatible servers), fsspec for the rest.
The same filesystem object is what DuckDB scans through pyarrow datasets, so SQL needs no DuckDB
extension download.

Object stores have no rename. A local write goes to a temp file and is renamed; a remote write is
one object upload, which becomes visible only when complete, so readers never see half an object.
What a half-finished *set* of objects means (a shard without its sidecar) is decided by the caller.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow.fs as pafs

from ..errors import ExpoError, first_line
from .files import atomic_dir, atomic_output, atomic_write_bytes, cache_dir, check_regular_input
from ..oserrors import NOTHING_KEPT, failure



def is_remote(location: Any) -> bool:
    """A URI with a scheme other than file://; local paths and file:// URIs are local."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def local_path(location: Any) -> Path:
    text = str(location)
    return Path(text[len("file://"):] if text.startswith("file://") else text).expanduser()


def join(location: Any, *parts: str) -> "str | Path":
    """location/parts, keeping a URI a string (its ?options after the path) and a local path a Path."""
    if is_remote(location):
        base, sep, options = str(location).partition("?")
        return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)]) + sep + options
    return local_path(location).joinpath(*parts)


def redact(location: Any) -> str:
    """A location as logs and records show it: a URI without its ?options, which configure the client
    (endpoint, region), not where the round is."""
    return str(location).split("?", 1)[0]


def check_uri(uri: str) -> str:
    """An object-store URI whose path has no '.' or '..' segment: a store does not resolve them the way
    a filesystem does (s3://b/x/../r1 is a key prefix of its own, which verification and listing would
    disagree about), so they are refused rather than guessed at."""
    path = str(uri).split("://", 1)[1].split("?", 1)[0]
    if any(part in (".", "..") for part in path.split("/")):
        raise ExpoError(f"{redact(uri)}: '.' and '..' are not allowed in an object-store URI; write the prefix out")
    return uri


def as_location(location: Any) -> "str | Path":
    """A URI stays a string (Path would fold its '//'); anything else becomes a Path."""
    return check_uri(str(join(location))) if is_remote(location) else local_path(location)


_FILESYSTEMS: dict[str, tuple[pafs.FileSystem, str]] = {}
# Schemes pyarrow has its own client for: their errors are reported as they are, never retried
# through an fsspec package that may not be installed.
PYARROW_SCHEMES = ("s3", "gs", "gcs", "hdfs", "viewfs", "abfs", "abfss")


def _filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """(filesystem, path inside it) for a remote URI; one client per bucket/netloc and options, reused."""
    scheme, _, rest = uri.partition("://")
    options = rest.partition("?")[2]
    key = f"{scheme}://{rest.split('/', 1)[0].split('?')[0]}?{options}"
    if key not in _FILESYSTEMS:
        if scheme in PYARROW_SCHEMES:
            try:
                fs, _ = pafs.FileSystem.from_uri(uri)
            except Exception as exc:
                raise ExpoError(f"cannot open {redact(uri)}: {first_line(exc)}")
        else:
            fs = _fsspec_filesystem(uri, scheme)
        _FILESYSTEMS[key] = (fs, key)
    fs, _ = _FILESYSTEMS[key]
    return fs, rest.split("?", 1)[0].rstrip("/")


def _fsspec_filesystem(uri: str, scheme: str) -> pafs.FileSystem:
    """A scheme pyarrow has no client for, through fsspec (adlfs, memory://, ...). A client that fails
    half-made (fsspec's FTP without a host) is collected here with its __del__ error unprinted."""
    import gc
    import sys

    try:
        import fsspec
        from fsspec.registry import known_implementations
    except ImportError:
        raise ExpoError(f"cannot open {redact(uri)}: {scheme}:// needs the fsspec package (pip install fsspec)")
    if scheme not in known_implementations and scheme not in getattr(fsspec.registry, "registry", {}):
        raise ExpoError(f"cannot open {redact(uri)}: no filesystem is known for {scheme}://")
    message, hook = None, sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        try:
            fs = pafs.PyFileSystem(pafs.FSSpecHandler(fsspec.filesystem(scheme)))
        except Exception as exc:  # the client's own error types: missing package, bad options
            message = first_line(exc)
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if message is not None:
        raise ExpoError(f"cannot open {redact(uri)}: {message}")
    return fs


def as_store(location: Any) -> "Store":
    """A Store for `location`; a Store (a RoundDir too) is passed on as it is: a location is decoded once,
    where it enters the toolkit."""
    return location if isinstance(location, Store) else Store(location)


class Store:
    """A directory of round files: names are '/'-separated paths relative to the root."""

    def __init__(self, location: Any):
        if isinstance(location, Store):  # a caller that holds a Store passes it on as it is
            location = location.location
        self.location = as_location(location)
        self.remote = is_remote(location)
        if self.remote:
            self.fs, self.root = _filesystem(check_uri(str(self.location)))
        else:
            self.fs, self.root = pafs.LocalFileSystem(), str(Path(self.location).absolute())
            try:
                self.root.encode("utf-8")
            except UnicodeEncodeError:  # Arrow's filesystem and DuckDB take UTF-8 paths only
                shown = os.fsencode(self.root).decode("utf-8", "backslashreplace")
                raise ExpoError(f"{shown}: the path is not UTF-8, which Arrow and DuckDB cannot open; "
                                f"rename the directory (nothing was changed)") from None

    def __repr__(self) -> str:
        return f"Store({self.location})"

    def path(self, name: str = "") -> str:
        """The filesystem path of `name` (what pyarrow datasets take with `fs`)."""
        return str(PurePosixPath(self.root, name)) if name else self.root

    def uri(self, name: str = "") -> str:
        """For messages and records: the location as the user wrote it (less any ?options), plus `name`."""
        return redact(join(self.location, name) if name else self.location)

    def local(self, name: str = "") -> Path:
        if self.remote:
            raise ExpoError(f"{self.uri(name)} is on object storage; this step needs a local path")
        return Path(self.path(name))

    def _call(self, what: str, name: str, fn, *args):
        try:
            return fn(*args)
        except FileNotFoundError:
            raise
        except OSError as exc:  # no permission, disk full, ...: the one line of the error boundary
            doing = {"read": "reading", "write": "writing", "delete": "deleting", "list": "listing"}.get(what, what)
            raise failure(exc, self.uri(name), doing, "nothing was changed" if what != "write" else NOTHING_KEPT) from exc

    def info(self, name: str) -> pafs.FileInfo:
        return self._call("read", name, self.fs.get_file_info, self.path(name))

    def exists(self, name: str) -> bool:
        return self.info(name).type != pafs.FileType.NotFound

    def is_file(self, name: str) -> bool:
        return self.info(name).type == pafs.FileType.File

    def size(self, name: str) -> int | None:
        info = self.info(name)
        return info.size if info.type == pafs.FileType.File else None

    def read_bytes(self, name: str) -> bytes:
        """A whole file: locally only a regular one (a FIFO would hang, /dev/zero fill memory)."""
        if not self.remote:
            check_regular_input(Path(self.path(name)), "round file")

        def read():
            with self.fs.open_input_stream(self.path(name)) as f:
                return f.read()

        return self._call("read", name, read)

    def read_text(self, name: str) -> str:
        return self.read_bytes(name).decode()

    def open_input_file(self, name: str):
        """A random-access file (Arrow IPC footers are read from the end)."""
        return self._call("read", name, self.fs.open_input_file, self.path(name))

    def write_bytes(self, name: str, data: bytes) -> None:
        """Readers see the old object or the whole new one, never a part."""
        if not self.remote:
            path = Path(self.path(name))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ExpoError(f"cannot write {path}: {exc.strerror or exc}")
            return atomic_write_bytes(path, data)

        def put():
            with self.fs.open_output_stream(self.path(name)) as f:
                f.write(data)

        self._call("write", name, put)

    def write_json(self, name: str, obj: Any) -> None:
        self.write_bytes(name, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())

    def delete(self, name: str) -> None:
        try:
            self._call("delete", name, self.fs.delete_file, self.path(name))
        except FileNotFoundError:
            pass

    def makedirs(self, name: str = "") -> None:
        """Create the directory and prove it writable. Object stores have no directories: a probe object
        is written and deleted, so that a missing bucket or credential fails now, not after the work."""
        if self.remote:
            probe = "/".join(filter(None, [name, f".write-probe-{os.getpid()}"]))
            self.write_bytes(probe, b"")
            self.delete(probe)
            return
        directory = Path(self.path(name))
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / f".write-probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ExpoError(f"output dir {directory} is not writable: {exc.strerror or exc}")

    def _entries(self, directory: str, recursive: bool = False) -> list[pafs.FileInfo]:
        selector = pafs.FileSelector(self.path(directory), recursive=recursive, allow_not_found=True)
        return self._call("list", directory, self.fs.get_file_info, selector)

    def list(self, directory: str = "", prefix: str = "", suffix: str = "") -> list[str]:
        """Names (relative to the root) of the files directly in `directory` matching prefix/suffix, sorted."""
        base = len(self.root.rstrip("/")) + 1
        return sorted(info.path[base:] for info in self._entries(directory) if info.type == pafs.FileType.File
                      and info.base_name.startswith(prefix) and info.base_name.endswith(suffix))

    def subdirs(self, directory: str = "") -> list[str]:
        return sorted(info.base_name for info in self._entries(directory) if info.type == pafs.FileType.Directory)

    def upload_dir(self, local_dir: Path, name: str, last: str | None = None) -> None:
        """A local directory tree to `name`/, each file one complete object; `last` (a file name) is
        uploaded after all others, so that its presence marks the set complete."""
        local_dir = Path(local_dir)
        files = sorted((p for p in local_dir.rglob("*") if p.is_file()), key=lambda p: (p.name == last, str(p)))
        for file in files:
            self.upload_file(file, "/".join(filter(None, [name, file.relative_to(local_dir).as_posix()])))

    def upload_file(self, local: Path, name: str) -> None:
        """One local file to `name`, streamed (checkpoints of large adapters need not fit in memory twice)."""
        if not self.remote:
            return self.write_bytes(name, Path(local).read_bytes())

        def put():
            with open(local, "rb") as src, self.fs.open_output_stream(self.path(name)) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)

        self._call("write", name, put)

    def download_dir(self, name: str, local_dir: Path) -> int:
        """`name`/ (recursively) into local_dir; returns the number of files."""
        infos = [i for i in self._entries(name, recursive=True) if i.type == pafs.FileType.File]
        base = len(self.path(name).rstrip("/")) + 1
        for info in infos:
            target = Path(local_dir, info.path[base:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(target) as tmp, self.fs.open_input_stream(info.path) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        return len(infos)


def cache_dir_for(uri: str, kind: str) -> Path:
    """A local cache directory for a remote location (adapters, staged rounds)."""
    return cache_dir() / kind / hashlib.sha256(str(uri).rstrip("/").encode()).hexdigest()[:16]


def fetch_dir(uri: str, kind: str = "remote") -> Path:
    """A remote directory copied to the local cache (what vLLM and PEFT load); fetched anew each
    call so a changed remote adapter is never served stale."""
    target = cache_dir_for(uri, kind)
    with atomic_dir(target) as staging:
        if Store(uri).download_dir("", staging) == 0:
            raise ExpoError(f"{uri} holds no files")
    return target
