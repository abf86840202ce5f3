class ExpoError(Exception):
    """A user-facing failure: the CLI prints its message as one line and exits non-zero."""

    exit_code = 2


class EmptySelection(ExpoError):
    """No sample of a round passes the selection rules: nothing to train on. `expo-train loop`
    records such a round and keeps the policy; `expo-data select` and `expo-train round` fail."""


def first_line(exc: BaseException) -> str:
    """An exception as one line: its message's first line, or its type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_interrupt(exc: BaseException) -> bool:
    """The user's Ctrl-C, also where DuckDB reports it as an error of the query: its InterruptException,
    or the RuntimeError 'Query interrupted' when it stops an Arrow stream DuckDB was producing."""
    return isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "InterruptException" or (
        isinstance(exc, RuntimeError) and str(exc).strip().lower().startswith("query interrupted"))


class Terminated(BaseException):
    """SIGTERM, raised in the main thread (cli/common.py) so that temp files are removed on the way out,
    as for Ctrl-C; the exit code is 143, a shell's for a process ended by SIGTERM. A BaseException, as
    KeyboardInterrupt is, so that no `except Exception` swallows it."""
