"""When the machine says no: an `OSError` (or DuckDB's / Arrow's report of one) as the one line a user can
act on, naming the path, the cause and what was kept. A leaf like `errors`: `files` builds on it."""

from __future__ import annotations

import errno
import os
import re
from typing import Any

from .errors import ExpoError

# The causes a user meets and can fix, worded for them; any other errno reads as os.strerror says.
CAUSES = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENAMETOOLONG: "file name too long",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EMFILE: "too many open files (raise `ulimit -n`)",
    errno.ENFILE: "too many open files on this system",
    errno.EIO: "input/output error (the disk or network filesystem failed)",
    errno.EPIPE: "broken pipe (the reader went away)",
    errno.ENOENT: "no such file or directory",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EFBIG: "file too large for this filesystem",
    errno.ENXIO: "no reader or device at the other end",
}

NOTHING_KEPT = "nothing half-written was kept"


class EnvironmentFailure(ExpoError):
    """The machine refused (disk full, no permission, read-only, ...): the user's to fix, so exit 2."""

    def __init__(self, message: str, errno_: int | None = None):
        super().__init__(message)
        self.errno = errno_


def cause(code: int | None, fallback: str = "") -> str:
    if code in CAUSES:
        return CAUSES[code]
    if code:
        try:
            return os.strerror(code).lower()
        except ValueError:
            pass
    return fallback or "operating system error"


def _path_text(path: Any) -> str:
    """A path for a message: bytes and surrogate-escaped names (not UTF-8) shown with their escapes."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    text = str(path)
    return os.fsencode(text).decode("utf-8", "backslashreplace") if has_surrogates(text) else text


def has_surrogates(text: str) -> bool:
    """A path decoded from bytes that are not UTF-8 (os.fsdecode's surrogate escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def describe(exc: OSError, path: Any = None, doing: str = "at", kept: str = NOTHING_KEPT) -> str:
    """'CAUSE DOING PATH; KEPT', e.g. 'no space left on device writing out.csv; nothing half-written was kept'."""
    if doing == "reading" and exc.errno in (errno.EACCES, errno.EPERM):
        kept = "the file is not corrupt: ask for read access to it (nothing was changed)"
    where = path if path is not None else (exc.filename if exc.filename is not None else None)
    text = cause(exc.errno, " ".join(str(exc.strerror or exc).split()))
    if where is not None:
        text += f" {doing} {_path_text(where)}"
        if exc.filename2 is not None and path is None:
            text += f" -> {_path_text(exc.filename2)}"
    return f"{text}; {kept}" if kept else text


def failure(exc: OSError, path: Any = None, doing: str = "at", kept: str = NOTHING_KEPT) -> EnvironmentFailure:
    """The EnvironmentFailure to raise for `exc` (`raise failure(exc, path, "writing") from exc`)."""
    return EnvironmentFailure(describe(exc, path, doing, kept), exc.errno)


# Python's and Arrow's '[Errno 28]', Arrow's detail 'errno 13', Rust's (safetensors) 'Os { code: 28, kind: ...'.
_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]|errno[ =:]+(\d+)|Os \{ code: (\d+)", re.IGNORECASE)
# Short, unambiguous strerror texts DuckDB and Arrow quote in their messages, most telling first.
_TEXTS = [(code, os.strerror(code).lower()) for code in
          (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG, errno.EMFILE,
           errno.ENFILE, errno.EIO, errno.EISDIR, errno.ENOTDIR, errno.EPIPE)]


_QUOTED = re.compile(r'"([^"]*/[^"]*)"')  # a quoted path in DuckDB's message


def errno_of_message(text: str) -> int | None:
    """The errno a library's message names: '[Errno 28] ...' (Arrow), or the strerror text DuckDB quotes
    ('IO Error: Could not write file "x": No space left on device'); None when it names none."""
    match = _ERRNO_IN_TEXT.search(text)
    if match:
        return int(next(group for group in match.groups() if group))
    lowered = text.lower()
    return next((code for code, words in _TEXTS if words in lowered), None)


def as_os_error(exc: BaseException) -> OSError | None:
    """`exc` as an OSError when it is one, or when it is DuckDB's IOException or an Arrow error that reports
    one (they are not OSError subclasses, or carry no errno); None otherwise."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc
    text = str(exc)
    if (isinstance(exc, OSError) or type(exc).__name__ in ("IOException", "PermissionException")
            or "[Errno " in text or "Os { code: " in text):
        code = errno_of_message(text)
        if code is not None:
            quoted = _QUOTED.search(str(exc))
            return OSError(code, os.strerror(code), quoted.group(1) if quoted else None)
        if isinstance(exc, OSError):
            return exc
    return None
