"""Shared CLI plumbing: one-line errors, TOML run configs, quiet library logs."""

from __future__ import annotations

import functools
import os
import sys
import tomllib

import click

from expo_data.errors import ExpoError


def quiet_libraries() -> None:
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def one_line_errors(fn):
    """Bad input ends with `error: <one line>` on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ExpoError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; complete shards are kept, rerun the same command to resume", err=True)
            sys.exit(130)

    return wrapper


def load_toml_config(ctx: click.Context, _param, value):
    """`--config run.toml`: keys are option names (dashes or underscores); flags given on the
    command line override them."""
    if not value:
        return value
    try:
        with open(value, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise click.BadParameter(f"cannot read run config {value}: {exc}")
    known = {p.name for p in ctx.command.params}
    defaults = {}
    for key, item in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise click.BadParameter(f"unknown key '{key}' in run config {value}")
        defaults[name] = item
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
    from expo_data.cluster import RayOptions

    return RayOptions(address=None if address == "local" else address, workers=1 if workers is None else workers)
