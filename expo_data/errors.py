class ExpoError(Exception):
    """A user-facing failure: the CLI prints its message as one line and exits non-zero."""

    exit_code = 2
