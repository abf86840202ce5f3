"""Shared CLI plumbing: one-line errors, TOML run configs, quiet library logs."""

from __future__ import annotations

import functools
import os
import sys
import tomllib

import click

from expo_data.errors import ExpoError, is_interrupt


def quiet_libraries() -> None:
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


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
    elif is_interrupt(exc):
        message, code = ("interrupted; nothing half-written was kept (generate and eval keep their complete "
                         "shards): rerun the same command to go on"), 130
    else:
        if os.environ.get("EXPO_DEBUG"):
            import traceback

            traceback.print_exception(exc)
        detail = " ".join(str(exc).split())[:500]
        message, code = f"internal error: {type(exc).__name__}: {detail} (set EXPO_DEBUG=1 for the traceback)", 1
    click.echo(("error: " + " ".join(message.split())) if code != 130 else message, err=True)
    return code


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


class OneLineGroup(click.Group):
    """A command group whose every failure, click's usage errors included, ends as one line (report_error)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # Not standalone, click returns the code of an explicit exit (--help: 0) or the command's value.
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except SystemExit:
            raise
        except BrokenPipeError:  # `expo-data sql ... | head`: the reader left, nothing to report
            sys.exit(1)
        except click.Abort as exc:
            sys.exit(report_error(exc.__context__ if isinstance(exc.__context__, KeyboardInterrupt) else exc))
        except BaseException as exc:  # noqa: BLE001 - the last resort: no traceback reaches a user
            sys.exit(report_error(exc))
        sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)


def read_run_config(path, known: dict[str, click.Parameter]) -> dict:
    """A TOML run config as option defaults: {param name: value}. Keys are option names (dashes or
    underscores); a value must be what the option takes on the command line (a scalar, a list only
    for a repeatable option). Anything else is an ExpoError (one line), never a traceback."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError) as exc:  # ValueError: TOMLDecodeError and non-UTF-8 bytes
        raise ExpoError(f"cannot read run config {path}: {' '.join(str(exc).split()) or type(exc).__name__}")
    defaults = {}
    for key, item in data.items():
        name = key.replace("-", "_")
        param = known.get(name)
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
    from expo_data.cluster import RayOptions, validate_ray

    options = RayOptions(address=None if address == "local" else address, workers=1 if workers is None else workers)
    validate_ray(options)
    return options
