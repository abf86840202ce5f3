"""`expo-data regrade`: a round's rows graded again with any verifier, without a model (expo_data/regrade.py)."""

from __future__ import annotations

import os

import click

from .common import gen_default, no_wait_option, one_line_errors

VERIFIER_HELP = ("What grades the rows: builtin (default), math-verify (the peer, plain), module:function or "
                 "file.py:function (called as function(reference, completion, extracted=..., row=...) -> bool or "
                 "(bool, reason)), or a name installed in the entry-point group expo_toolkit.verifiers.")


def verifier_option(fn):
    """--verifier, shared by generate, eval, loop and regrade."""
    return click.option("--verifier", default=gen_default("verifier"), show_default=True, help=VERIFIER_HELP)(fn)


@click.command("regrade")
@click.argument("round_dir")
@verifier_option
@click.option("--verify-timeout", default=gen_default("verify_timeout"), show_default=True,
              help="Seconds per item; an item past it is wrong, its verify_error 'timeout'.")
@click.option("--workers", type=int, default=None, help="Verifier processes (default: the CPU count, at most 8).")
@no_wait_option
@one_line_errors
def regrade_cmd(round_dir, verifier, verify_timeout, workers, no_wait):
    """Extract and verify every row of a round again (local or s3://), no model loaded: new shards and
    sidecars, resumable, the manifest recording the verifier; a selection made before is stale until redone."""
    from expo_data.regrade import regrade

    workers = workers if workers is not None else max(1, min(8, os.cpu_count() or 1))
    regrade(round_dir, verifier, timeout_s=verify_timeout, workers=workers, log=lambda m: click.echo(m, err=True),
            wait=not no_wait)
