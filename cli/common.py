"""Shared CLI plumbing: one-line errors, TOML run configs, quiet library logs."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import tomllib

import click

from expo_data.errors import ExpoError, Terminated, is_interrupt
from expo_data.oserrors import EnvironmentFailure, as_os_error, describe, failure


_USER_VLLM_LEVEL = os.environ.get("VLLM_LOGGING_LEVEL")  # as the user started us, before any default


def quiet_libraries() -> None:
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def quiet_engines(verbose: bool) -> None:
    """The loop starts an engine per stage, each printing a dozen vLLM warnings (Triton, NUMA, thread
    binding, deprecations) around the toolkit's few lines: unless --verbose, the stages' children log vLLM
    at ERROR only (what a failure says is kept) and ignore Python warnings. A VLLM_LOGGING_LEVEL the user
    set wins."""
    if verbose:
        os.environ["VLLM_LOGGING_LEVEL"] = _USER_VLLM_LEVEL or "INFO"
        return
    os.environ["VLLM_LOGGING_LEVEL"] = _USER_VLLM_LEVEL or "ERROR"
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # inherited by the spawned stage processes
    import logging
    import warnings

    logging.getLogger("vllm").setLevel(os.environ["VLLM_LOGGING_LEVEL"])  # an engine in this process too
    warnings.filterwarnings("ignore", module=r"vllm(\.|$)")


def report_error(exc: BaseException) -> int:
    """The one place a failure is printed: one line on stderr, the exit code returned. Expected
    failures (ExpoError, click's usage errors) print their message; anything else is an internal
    error, still one line unless EXPO_DEBUG=1 asks for the traceback."""
    if isinstance(exc, ExpoError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, click.ClickException):
        message, code = exc.format_message(), exc.exit_code
    elif isinstance(exc, click.Abort):
        message, code = "aborted", 1
    elif isinstance(exc, Terminated) or (is_interrupt(exc) and _terminating()):
        message, code = "terminated (SIGTERM); nothing half-written was kept", 143
    elif isinstance(exc, BrokenPipeError) and exc.filename is None:
        # stdout's reader left (`expo-data sql ... | head`): nothing to tell it; no flush at exit may fail again
        _silence_stdout()
        return 1
    elif (os_exc := as_os_error(exc)) is not None:  # the machine said no: the user's to fix, not a bug
        message, code = describe(os_exc), 2
    elif is_interrupt(exc):
        message, code = ("interrupted; nothing half-written was kept (generate and eval keep their complete "
                         "shards): rerun the same command to go on"), 130
    else:
        if os.environ.get("EXPO_DEBUG"):
            import traceback

            traceback.print_exception(exc)
        detail = " ".join(str(exc).split())[:500]
        message, code = f"internal error: {type(exc).__name__}: {detail} (set EXPO_DEBUG=1 for the traceback)", 1
    click.echo(("error: " + " ".join(message.split())) if code not in (130, 143) else message, err=True)
    return code


def _terminating() -> bool:
    """SIGTERM interrupted DuckDB (see _watch_sigterm): its 'interrupted' error is the SIGTERM's."""
    db = sys.modules.get("expo_data.select.db")
    return db is not None and db.TERMINATING.is_set()


def _silence_stdout() -> None:
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)
    except OSError:
        pass


def write_stdout(text: str) -> None:
    """A command's result on stdout, flushed now: a full disk or a closed stdout (`>&-`, where Python has no
    sys.stdout and click would write nothing, exit 0) is one line here, not a silent loss."""
    if sys.stdout is None:
        raise EnvironmentFailure("cannot write the result: standard output is closed; give -o FILE")
    try:
        # In pieces: one large write into a pipe whose reader left can end without an error (Python's buffered
        # writer), and the command would exit 0 having written part of its result.
        sys.stdout.flush()
        sink = getattr(sys.stdout, "buffer", None)
        if sink is None:  # a text-only stream (a test runner's): no pipe to break
            sys.stdout.write(text)
        else:
            data = text.encode(sys.stdout.encoding or "utf-8", "replace")
            for start in range(0, len(data), 1 << 16):
                sink.write(data[start:start + (1 << 16)])
                sink.flush()
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader left: report_error ends quietly
    except OSError as exc:
        raise failure(exc, "standard output", "writing", "") from exc


def _flush_stdout() -> int | None:
    """Flush stdout before exit, so that a failure there is one line (Python's own flush at exit prints
    'Exception ignored' and exits 120); the exit code to use instead, or None when all went out."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:
        _silence_stdout()
        return report_error(failure(exc, "standard output", "writing", ""))
    return None


def one_line_errors(fn):
    """Bad input ends with `error: <one line>` on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the last resort: no traceback reaches a user
            if isinstance(exc, click.ClickException) and not isinstance(exc, ExpoError):
                raise  # the group prints it, with the same wording
            sys.exit(report_error(exc))

    return wrapper


def _owns_process() -> bool:
    """This run is the process (the expo-data/expo-train script, or python -m cli.data), not a command invoked
    inside another program (click's test runner): only then are its signal handlers this code's to set."""
    if threading.current_thread() is not threading.main_thread():
        return False
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return os.path.basename(sys.argv[0] if sys.argv else "").startswith("expo-") or (
        spec is not None and spec.name in ("cli.data", "cli.train"))


def _raise_terminated(_signum, _frame):
    raise Terminated()


def _watch_sigterm() -> None:
    """The SIGTERM handler runs only when the main thread is back in Python; a DuckDB query holds it in C
    until done. The signal's byte on a wakeup fd lets a thread interrupt DuckDB at once (expo_data.select.db)."""
    try:
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except (OSError, ValueError):
        return

    def watch() -> None:
        while True:
            try:
                got = os.read(read_end, 64)
            except OSError:
                return
            db = sys.modules.get("expo_data.select.db")
            if signal.SIGTERM in got and db is not None:
                db.interrupt_all()

    threading.Thread(target=watch, name="expo-sigterm", daemon=True).start()


def _hold_late_signals() -> list[int]:
    """The work is done: a SIGINT/SIGTERM from now on is noted, not acted on, and the exit code says it. Python
    restores the default handlers as it shuts down, where a late Ctrl-C would kill the process by the signal;
    ignored signals stay ignored. The list fills as signals arrive until the exit code is chosen."""
    caught: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: caught.append(signum))
    return caught


def _ignore_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


class OneLineGroup(click.Group):
    """A command group whose every failure, click's usage errors included, ends as one line (report_error)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        owns = _owns_process()
        if owns:
            signal.signal(signal.SIGTERM, _raise_terminated)
            _watch_sigterm()
        try:
            # Not standalone, click returns the code of an explicit exit (--help: 0) or the command's value.
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except SystemExit:
            raise
        except BrokenPipeError:  # `expo-data sql ... | head`: the reader left, nothing to report
            _silence_stdout()
            sys.exit(1)
        except click.Abort as exc:
            sys.exit(report_error(exc.__context__ if isinstance(exc.__context__, KeyboardInterrupt) else exc))
        except BaseException as exc:  # noqa: BLE001 - the last resort: no traceback reaches a user
            sys.exit(report_error(exc))
        late = _hold_late_signals() if owns else []
        code = _flush_stdout()
        code = code if code is not None else rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
        if owns:
            _ignore_signals()  # from here to the end of the process: ignored handlers survive Python's shutdown
        if late:  # Ctrl-C (or SIGTERM) after the work was done: the interrupt's exit, not death by the signal
            code = report_error(Terminated() if late[0] == signal.SIGTERM else KeyboardInterrupt())
        sys.exit(code)


def read_run_config(path, known: dict[str, click.Parameter]) -> dict:
    """A TOML run config as option defaults: {param name: value}. Keys are option names (dashes or
    underscores); a value must be what the option takes on the command line (a scalar, a list only
    for a repeatable option). Anything else is an ExpoError (one line), never a traceback."""
    from expo_data.store.files import check_regular_input

    check_regular_input(path, "run config")  # a FIFO would hang the read, /dev/zero fill memory
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError) as exc:  # ValueError: TOMLDecodeError and non-UTF-8 bytes
        raise ExpoError(f"cannot read run config {path}: {' '.join(str(exc).split()) or type(exc).__name__}")
    defaults = {}
    for key, item in data.items():
        name = key.replace("-", "_")
        param = known.get(name)
        if name == "config":  # its callback would not run: the key would pass here and fail only when work starts
            raise ExpoError(f"run config {path}: key '{key}' cannot name another config file; merge the files into one")
        if param is None:
            raise ExpoError(f"unknown key '{key}' in run config {path}")
        repeatable = getattr(param, "multiple", False) or param.nargs != 1
        items = item if repeatable and isinstance(item, list) else [item]
        if not all(isinstance(v, (str, int, float, bool)) for v in items):
            raise ExpoError(f"run config {path}: key '{key}' takes a {'list of ' if repeatable else ''}"
                            f"string, number or boolean, not {type(item).__name__}")
        for value in items:  # what the option's own type accepts on the command line (an int for --rounds ...)
            wanted = _toml_kind(param)
            if wanted is not None and not _is_kind(value, wanted):
                raise ExpoError(f"run config {path}: key '{key}' takes {'an' if wanted == 'integer' else 'a'} {wanted}, "
                                f"not {value!r}")
            try:
                param.type(value, param, None)
            except click.BadParameter as exc:
                raise ExpoError(f"run config {path}: key '{key}': {exc.format_message()}")
            except Exception:  # a type that cannot take this kind of value at all (a number for a path ...)
                raise ExpoError(f"run config {path}: key '{key}' cannot be {value!r}")
        defaults[name] = item
    return defaults


def _toml_kind(param: click.Parameter) -> str | None:
    """The TOML type a key must have: a flag is a boolean, a text or path option a string (`out = 5` is a
    typo, not the path "5"), a number option a number; None where the option's own type decides."""
    if getattr(param, "is_flag", False):
        return "boolean"
    kind = param.type
    if isinstance(kind, (click.types.StringParamType, click.Path, click.Choice)):
        return "string"
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return "integer" if isinstance(kind, click.types.IntParamType) else "number"
    return None


def _is_kind(value, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    return isinstance(value, int if kind == "integer" else (int, float)) and not isinstance(value, bool)


def load_toml_config(ctx: click.Context, _param, value):
    """`--config run.toml`: command-line flags override its keys."""
    if not value:
        return value
    defaults = read_run_config(value, {p.name: p for p in ctx.command.params if p.name})
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


config_option = click.option("--config", type=click.Path(dir_okay=False), callback=load_toml_config, is_eager=True,
                             expose_value=False, help="TOML run config; command-line flags override its keys.")


def default(config_cls, name: str):
    """The one default of a setting: its config dataclass's. Options show it in --help."""
    import dataclasses

    field = {f.name: f for f in dataclasses.fields(config_cls)}[name]
    if field.default is not dataclasses.MISSING:
        return field.default
    return field.default_factory()


def gen_default(name: str):
    from expo_data.generate import GenerateConfig

    return default(GenerateConfig, name)


def train_default(name: str):
    from expo_train.trainer import TrainConfig

    return default(TrainConfig, name)


def build(config_cls, options: dict, **extra):
    """config_cls from the options named after its fields (plus `extra`, for nested settings)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(config_cls)}
    return config_cls(**{k: v for k, v in options.items() if k in names and k not in extra}, **extra)


def no_wait_option(fn):
    """--no-wait, on every command that writes a round (expo_data/store/lock.py): by default a second writer waits,
    saying for whom; with it, refused at once in one line (exit 75), nothing changed."""
    return click.option("--no-wait", is_flag=True,
                        help="Refuse at once (exit 75) when another writer (select, regrade, generate, a training run) "
                             "holds the round; default: wait for it, saying for whom.")(fn)


def verify_option(fn):
    """--verify once|full: trust the per-user record of shards verified before, or hash every shard again."""
    return click.option("--verify", type=click.Choice(["once", "full"]), default="once", show_default=True,
                        help="once: a shard whose sha256 matched before and is unchanged since (device, inode, size, "
                             "mtime, ctime) is not hashed again; full: hash every shard.")(fn)


def ray_options(fn):
    """--ray [ADDRESS] and --workers N (generate, eval, loop)."""
    fn = click.option("--workers", type=int, default=None,
                      help="With --ray: run the work as N slices (Ray tasks, each a --worker i/N).")(fn)
    return click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
                        help="Run on Ray: no value starts a local cluster (or joins RAY_ADDRESS), 'auto' joins a "
                             "running one, or a cluster address. Needs pip install -e '.[ray]'.")(fn)


def ray_from(options: dict):
    """RayOptions from --ray/--workers (popped from `options`), None without --ray."""
    address, workers = options.pop("ray_address", None), options.pop("workers", None)
    if address is None:
        if workers is not None:
            raise ExpoError("--workers needs --ray (without Ray, launch --worker i/N processes yourself)")
        return None
    from expo_data.generate.cluster import RayOptions, validate_ray

    options = RayOptions(address=None if address == "local" else address, workers=1 if workers is None else workers)
    validate_ray(options)
    return options
