"""Writing a round: one writer at a time, and never through a link out of the round.

The lock is advisory (flock) on a lock file in a local round dir.

select, regrade and the trainer's default selection and records take it exclusive; generate takes it shared,
so that its `--worker i/N` slices (and a `--ray` driver with its slices) run side by side while no select or
regrade rewrites the round under them, and so does the trainer while it reads its selection and tables (its
ranks side by side). Each writer reads what decides its write (plan, manifest, selection record) again under
the lock. Readers (sql, report, view, open_round) never take it: they are never blocked. A second writer waits,
saying for whom (pid, host, command), or with `wait=False` (`--no-wait`) is refused in one line (exit 75,
EX_TEMPFAIL: try again later), nothing changed.

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

from ..errors import ExpoError
from ..oserrors import failure

LOCK_NAME = ".expo-writer.lock"
HOLDERS_SHOWN = 3  # shared holders named in a line (a --ray run may have dozens of slices)


class RoundBusy(ExpoError):
    """Another writer holds the round and --no-wait was given: a script may retry later (sysexits' EX_TEMPFAIL)."""

    exit_code = 75
_HELD: dict[str, int] = {}  # rounds this process holds (the loop's stages nest: one lock per process)
_GUARD = threading.Lock()


def _alive_here(holder: dict[str, Any]) -> bool:
    """Whether a holder still runs: known only for one on this host (a released shared holder's line stays)."""
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(holder["pid"]), 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, TypeError):
        return True
    return True


def _holder_text(path: Path) -> str:
    """Who holds the lock, from the lines its holders wrote: one exclusive holder, or the shared ones."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "another process"
    holders = []
    for line in lines:
        try:
            holder = json.loads(line)
            text = f"pid {holder['pid']} on {holder['host']} ({holder['command']})"
        except (ValueError, KeyError, TypeError):
            continue
        if text not in holders and _alive_here(holder):
            holders.append(text)
    if not holders:
        return "another process"
    more = len(holders) - HOLDERS_SHOWN
    return ", ".join(holders[:HOLDERS_SHOWN]) + (f" and {more} more" if more > 0 else "")


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
                raise RoundBusy(f"{what} is being written by {holder}; refused (--no-wait), nothing was changed: "
                                f"rerun once it is done, or without --no-wait to wait for it")
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
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise failure(exc, root, "making", "nothing was changed") from exc
    path = root / LOCK_NAME
    fd = _open_locked(path, fcntl.LOCK_SH if shared else fcntl.LOCK_EX, wait, store.uri(),
                      log or (lambda m: print(m, file=sys.stderr)))
    with _GUARD:
        _HELD[key] = fd
    try:
        _say_who(fd, path, command, shared)
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


def _say_who(fd: int, path: Path, command: str, shared: bool) -> None:
    """Who holds it, for a waiter's line: the one exclusive holder replaces the text, a shared one adds a line.
    Only words for a person: a failure to write them (a full disk) does not stop the writer."""
    line = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": command}) + "\n"
    try:
        if shared:  # slices side by side: each line appended whole (O_APPEND), none overwriting another's
            append = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            try:
                os.write(append, line.encode())
            finally:
                os.close(append)
        else:
            os.ftruncate(fd, 0)
            os.pwrite(fd, line.encode(), 0)
    except OSError:
        pass


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
