"""Writing a round: one writer at a time, and never through a link out of the round.

The lock is advisory (flock) on a lock file in a local round dir.

select (and the trainer's records) take it exclusive; generate takes it shared, so that its `--worker i/N`
slices run side by side while no select rewrites the tables under them. Readers (sql, report, view) never
take it: they are never blocked. A second writer waits, saying for whom (pid, host, command), or with
`wait=False` (`--no-wait`) is refused in one line, nothing changed.

Object stores have no lock: there a writer's commit record (selection.json) names what it was made from,
and is read back after the write (see select), so a race is found rather than prevented."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from .errors import ExpoError
from .oserrors import failure

LOCK_NAME = ".expo-writer.lock"
_HELD: dict[str, int] = {}  # rounds this process holds (the loop's stages nest: one lock per process)
_GUARD = threading.Lock()


def _holder_text(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
        return f"pid {holder['pid']} on {holder['host']} ({holder['command']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _open_locked(path: Path, mode: int, wait: bool, what: str, log: Callable[[str], None]) -> int:
    """An fd on the lock file holding `mode`; the file at `path` is the one locked (a releaser unlinks it:
    one that was replaced in between is opened again)."""
    said = False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise failure(exc, path, "locking", "nothing was changed") from exc
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_text(path)
            if not wait:
                os.close(fd)
                raise ExpoError(f"{what} is being written by {holder}; refused (--no-wait), nothing was changed")
            if not said:
                log(f"waiting for {holder}, which is writing {what} ...")
                said = True
            fcntl.flock(fd, mode)
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # released and unlinked while we waited: lock the file that is there now


@contextlib.contextmanager
def round_writer(location: Any, command: str, shared: bool = False, wait: bool = True,
                 log: Callable[[str], None] | None = None):
    """Hold the round's writer lock for the block (exclusive, or `shared` among generate's workers).
    Nothing for an object-store round, or when this process already holds it."""
    from .storage import as_store

    store = as_store(location)
    if store.remote:
        yield
        return
    root = store.local()
    key = os.path.realpath(root)
    with _GUARD:
        if key in _HELD:
            held = True
        else:
            held = False
    if held:
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = _open_locked(path, fcntl.LOCK_SH if shared else fcntl.LOCK_EX, wait, store.uri(),
                      log or (lambda m: print(m, file=sys.stderr)))
    with _GUARD:
        _HELD[key] = fd
    try:
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": command}).encode(), 0)
        yield
    finally:
        with _GUARD:
            _HELD.pop(key, None)
        try:
            # The last holder removes the file, while still holding it exclusively (a shared holder only when no
            # other slice holds it): a waiter then finds its inode gone and opens the file that is there now.
            if not shared or _try_exclusive(fd):
                path.unlink()
        except OSError:
            pass
        os.close(fd)


def _try_exclusive(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def check_writable_inside(store: Any, name: str) -> None:
    """The dir `name` of a local round can be written, and lies inside the round: refused before any work
    when it is a link out of the round (the writes would land in another round, or any dir, while this
    round's record named them) or cannot be written. On object storage the first upload says it."""
    import tempfile

    from .files import TEMP_FILE, remove_dead_leftovers
    from .storage import as_store

    store = as_store(store)
    if store.remote:
        return
    target = store.local() / name
    if target.is_symlink() or (target.exists() and not target.resolve().is_relative_to(store.local().resolve())):
        raise ExpoError(f"{target} is a link (to {os.path.realpath(target)}); writers write only inside the round: "
                        f"remove the link, nothing was changed")
    try:
        target.mkdir(parents=True, exist_ok=True)
        remove_dead_leftovers(target, TEMP_FILE)  # a killed writer's half-written files
        tempfile.NamedTemporaryFile(dir=target, prefix=".expo-write-check-").close()
    except OSError as exc:
        raise failure(exc, target, "writing into", "nothing was changed") from exc
