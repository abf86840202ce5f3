"""Files, below everything else in the package: atomic writes (a file, a streamed file, a directory),
file hashing and the toolkit's cache directory. It imports nothing of the package but `errors` (a
leaf), so that `schema`, `storage` and `model` all build on it and none of them on each other in a circle."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..errors import ExpoError
from ..oserrors import as_os_error, failure

# Temp names carry their writer (host and pid), so that what a killed process left (SIGKILL, the OOM
# killer, a lost machine) can be told from what a live one is writing, here or on another host of a
# shared filesystem.
_HOST = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40] or "host"
TEMP_FILE = re.compile(r"\..+\.tmp-(?P<host>[A-Za-z0-9_.]+)-(?P<pid>\d+)", re.DOTALL)  # any legal name
SPILL_DIR = re.compile(r"\.expo-spill-(?P<host>[A-Za-z0-9_.]+)-(?P<pid>\d+)-.*")


def owner_tag() -> str:
    return f"{_HOST}-{os.getpid()}"


NAME_MAX = 255  # bytes of one file name on every filesystem this runs on


def temp_sibling(path: Path, kind: str = "tmp") -> Path:
    """`.NAME.tmp-HOST-PID` beside `path`, as TEMP_FILE matches, for any legal NAME (see fit_name)."""
    path = Path(path)
    tail = f".{kind}-{owner_tag()}"
    return path.with_name(f".{fit_name(path.name, NAME_MAX - 1 - len(tail))}{tail}")


def fit_name(name: str, room: int) -> str:
    """`name`, or when longer than `room` bytes (a legal 250-byte name plus a temp suffix passes 255), its
    first bytes and a hash of the whole, so that two long names never share a temp name."""
    if len(os.fsencode(name)) <= room:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    # Cut by bytes: a character cut in two stays a valid file name (its bytes surrogate-escaped, as fsdecode does).
    return os.fsdecode(os.fsencode(name)[:max(0, room - len(digest) - 1)]) + "~" + digest


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: alive; a pid too large to be one: leave it
    return True


def remove_dead_leftovers(directory: Path, names: re.Pattern) -> list[Path]:
    """Remove the temp files and dirs in `directory` that a process of this host left when it was killed:
    entries named as `names` says this toolkit names them, by a pid that no longer runs. Anything else (a
    live writer, another host's, a name of any other form, a link) is left as it is."""
    removed = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = names.fullmatch(entry.name)
        if not match or match["host"] != _HOST or _running(int(match["pid"])) or entry.is_symlink():
            continue
        try:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink(missing_ok=True)
        except OSError:
            continue  # not ours to remove after all (a read-only dir): left, as anything else
        removed.append(entry)
    return removed


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


class NotRegularFile(ExpoError):
    """A FIFO, device or socket where a file is read whole: refused, and never mistaken for a corrupt or
    unreadable file (whose cure would be to regenerate or overwrite it)."""


def check_regular_input(path: Path, what: str) -> None:
    """An input read whole (a manifest, sidecar, SQL, problems or config file) must be a regular file, through
    any links: a FIFO would hang the read and /dev/zero fill memory. Refused in one line before it is opened;
    a missing path is left to the caller's own message (FileNotFoundError from its open)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise failure(exc, path, "reading", "nothing was changed") from exc
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise NotRegularFile(f"{what} {path} is {kind}, not a regular file; refused (inputs are read whole)")


def cache_dir() -> Path:
    """$EXPO_CACHE, else $XDG_CACHE_HOME/expo, else ~/.cache/expo."""
    if os.environ.get("EXPO_CACHE"):
        return Path(os.environ["EXPO_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "expo"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory, fsync, rename: readers never see half a file.
    Only a regular file (or nothing) is replaced: a device, pipe or socket at the path (/dev/null,
    /dev/stdout, a FIFO) is written into, never replaced by a file."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            if path.is_dir():
                raise ExpoError(f"cannot write {path}: it is a directory")
            _write_into(path, data)
            return
        tmp = temp_sibling(path)
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise
    except OSError as exc:
        raise failure(exc, path, "writing", f"{path} was not changed") from exc
    _fsync_dir(path.parent)


def discard(tmp: Path) -> None:
    """Remove a temp file on the way out of a failure, if it is there: on a read-only filesystem unlink says
    EROFS even of a file that was never made, and that must not replace the failure being reported."""
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


@contextlib.contextmanager
def atomic_output(path: Path):
    """atomic_write_bytes for a writer that streams: yields a temp path to write into, fsynced and renamed
    over `path` when the block succeeds, removed when it fails. A device or pipe at `path` is written
    into (from a temp file in the system temp dir), never replaced."""
    path = Path(path)
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise ExpoError(f"cannot write {path}: it is a directory")
        fd, name = tempfile.mkstemp(prefix="expo-out-")
        os.close(fd)
        tmp = Path(name)
        try:
            yield tmp
            with open(tmp, "rb") as source, _open_into(path) as sink:
                shutil.copyfileobj(source, sink)
        except OSError as exc:
            raise failure(exc, path, "writing", "") from exc
        finally:
            discard(tmp)
        return
    tmp = temp_sibling(path)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        discard(tmp)
        # The writer's disk filled, or its dir was not writable: said of the output, not of its temp file, also
        # when the writer was DuckDB or Arrow (their errors are no OSError, and name the temp file).
        os_error = as_os_error(exc)
        if os_error is not None:
            raise failure(os_error, path, "writing", f"{path} was not changed") from exc
        raise
    _fsync_dir(path.parent)


# Pipes named as outputs, opened when the options are checked: one that nothing reads fails before any
# work (select would otherwise rewrite selected/ first), and the reader sees one stream, not an EOF between.
_HELD_PIPES: dict[str, int] = {}


def hold_pipe_open(path: Path) -> None:
    """A FIFO named as an output, opened now (see _HELD_PIPES); anything else is left alone."""
    try:
        if not stat.S_ISFIFO(os.stat(path).st_mode) or str(path) in _HELD_PIPES:
            return
    except OSError:
        return
    _HELD_PIPES[str(path)] = _open_pipe(path)


def _open_into(path: Path):
    """A device, pipe or socket opened for writing as it is. A pipe nobody reads is an error, not a hang."""
    if str(path) in _HELD_PIPES:
        return open(_HELD_PIPES.pop(str(path)), "wb")
    if stat.S_ISFIFO(os.stat(path).st_mode):
        return open(_open_pipe(path), "wb")
    return open(path, "wb")


def _open_pipe(path: Path) -> int:
    """A FIFO opened for writing without waiting: ENXIO means nothing reads it, an error rather than a hang."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise ExpoError(f"cannot write {path}: it is a pipe that nothing reads")
        raise ExpoError(f"cannot write {path}: {exc.strerror or exc}")
    os.set_blocking(fd, True)
    return fd


def _write_into(path: Path, data: bytes) -> None:
    with _open_into(path) as f:
        f.write(data)


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


class HeldSignals:
    """SIGINT and SIGTERM held back from `start()` to the end of the block, then acted on as they would have
    been: for a commit of several steps (renames, a record) that must all land, or the outputs disagree.
    Python-level handlers, not a thread's signal mask: DuckDB's and Arrow's threads would take the signal."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.previous: dict[int, Any] = {}
        self.caught: list[int] = []

    def __enter__(self) -> "HeldSignals":
        return self

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread() or self.previous:
            return  # only the main thread may set handlers; a worker thread's caller holds them
        for sig in self.SIGNALS:
            self.previous[sig] = signal.signal(sig, lambda signum, frame: self.caught.append(signum))

    def __exit__(self, *exc) -> None:
        previous, self.previous = self.previous, {}
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        caught, self.caught = list(dict.fromkeys(self.caught)), []
        for sig in caught:
            handler = previous.get(sig)
            if callable(handler):
                # Called here, not re-sent: a re-sent signal is acted on at whatever bytecode the interpreter
                # checks next, and if that is in a __del__ or a gc callback its KeyboardInterrupt is swallowed.
                handler(sig, None)
            elif handler != signal.SIG_IGN:
                os.kill(os.getpid(), sig)  # the default action (SIGTERM: the process ends by the signal)


@contextlib.contextmanager
def atomic_dir(target: Path):
    """A directory built in full, then swapped in by rename: yields a fresh temp dir beside `target`;
    when the block succeeds, the old `target` (if any) is renamed aside and removed and the temp dir
    takes its place; when it fails, the temp dir is removed and `target` is untouched. Whether `target`
    may be replaced is the caller's decision: this removes only what it made and the dir it swapped out."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{fit_name(target.name, NAME_MAX - 14)}.tmp-"))
    except OSError as exc:
        raise failure(exc, target, "writing", f"{target} was not changed") from exc
    try:
        yield tmp
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{fit_name(target.name, NAME_MAX - 14)}.old-"))
            os.replace(target, old)  # a directory onto an empty one
        os.replace(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise failure(exc, target, "writing", f"{target} was not changed") from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)


def hash_file_into(digest, path: Path) -> None:
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)


def sha256_file(path: Path) -> str | None:
    """sha256 of a file's bytes; None when there is no such file."""
    if not Path(path).exists():
        return None
    digest = hashlib.sha256()
    hash_file_into(digest, path)
    return digest.hexdigest()


def unwritable_dir_reason(path: Path) -> str | None:
    """Why the dir `path` (new or existing) cannot be filled, found before any work: its nearest existing
    ancestor is no directory, or cannot be written to. None when it can."""
    ancestor = Path(path)
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is not a directory"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"{ancestor} is not writable"
    return None
