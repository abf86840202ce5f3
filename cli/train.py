"""`expo-train`: LoRA training on a round's selection."""

from __future__ import annotations

from pathlib import Path

import click

from .common import config_option, one_line_errors, quiet_libraries


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main():
    """ExPO training stage (PEFT LoRA)."""
    quiet_libraries()


@main.command("round")
@config_option
@click.option("--data", required=True, type=click.Path(file_okay=False, path_type=Path), help="Round dir to train on.")
@click.option("--loss", default="exp-dpo+sft", show_default=True,
              help="exp-sft | exp-dpo | exp-dpo+sft | exp-grpo | rs-sft | expert-sft")
@click.option("--model", default=None, help="Base model dir (must be the round's; default: from the manifest).")
@click.option("--from-base", is_flag=True, help="Start a fresh adapter on the base instead of continuing the round's.")
@click.option("--epochs", default=1, show_default=True)
@click.option("--max-steps", type=int, default=None)
@click.option("--lr", default=1e-4, show_default=True)
@click.option("--batch-size", default=8, show_default=True)
@click.option("--grad-accum", default=1, show_default=True)
@click.option("--beta", default=0.1, show_default=True, help="DPO temperature.")
@click.option("--sft-weight", default=1.0, show_default=True, help="ExP-SFT weight in exp-dpo+sft.")
@click.option("--grpo-sft-coef", default=0.04, show_default=True, help="ExP-SFT coefficient in exp-grpo.")
@click.option("--clip-eps", default=0.2, show_default=True)
@click.option("--lora-r", default=16, show_default=True)
@click.option("--lora-alpha", default=32, show_default=True)
@click.option("--lora-dropout", default=0.05, show_default=True)
@click.option("--target-modules", default="all-linear", show_default=True, help="all-linear or a comma list.")
@click.option("--seed", default=0, show_default=True)
@click.option("--save-every", default=50, show_default=True)
@click.option("--resume", is_flag=True, help="Continue from the last checkpoint under DATA/checkpoints.")
@click.option("--recompute-ref", is_flag=True, help="Recompute reference log-probs with the initial policy.")
@click.option("--ref-tolerance", default=0.05, show_default=True, help="Nats/token allowed between stored and recomputed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Adapter dir (default DATA/adapter).")
@click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), default="auto", show_default=True,
              help="Frozen base weights: auto = bf16 on GPU, fp32 on CPU. LoRA weights and optimizer state stay fp32.")
@click.option("--gradient-checkpointing", type=click.Choice(["auto", "full", "off"]), default="auto", show_default=True,
              help="auto: on GPU, checkpoint only as many layers as the card needs (measured on the largest batch); "
                   "off on CPU. full: every layer (least memory).")
@click.option("--no-progress", is_flag=True)
@one_line_errors
def round_cmd(**o):
    """Train on DATA/selected (selected first if absent); write DATA/adapter for the next round."""
    from expo_train.trainer import TrainConfig, train_round

    progress = not o.pop("no_progress")
    train_round(TrainConfig(**o, progress=progress), log=lambda m: click.echo(m, err=True))


@main.command("loop")
@config_option
@click.option("--rounds", default=3, show_default=True)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Writes OUT/round{r}/.")
@click.option("--problems", default="builtin:arith", show_default=True, help="Training problems.")
@click.option("--eval-problems", default="builtin:arith:test", show_default=True)
@click.option("--model", default=None, help="Base model (default: embedded SmolLM2-135M-Instruct).")
@click.option("--adapter", default=None, help="Adapter to start round 1 from.")
@click.option("--loss", default="exp-dpo+sft", show_default=True)
@click.option("--limit", type=int, default=None, help="Training problems per round.")
@click.option("--eval-limit", type=int, default=None,
              help="Held-out problems (default: as many as --limit, all of them without --limit).")
@click.option("--attempts", default=4, show_default=True)
@click.option("--explanations", default=2, show_default=True)
@click.option("--max-tokens", default=256, show_default=True)
@click.option("--temperature", default=0.7, show_default=True)
@click.option("--k", "k", default=4, show_default=True, help="pass@k samples in eval.")
@click.option("--shards", default=8, show_default=True)
@click.option("--max-steps", type=int, default=None)
@click.option("--epochs", default=1, show_default=True)
@click.option("--batch-size", default=8, show_default=True)
@click.option("--lr", default=1e-4, show_default=True)
@click.option("--lora-r", default=16, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--enforce-eager/--compile", "enforce_eager", default=None,
              help="vLLM engines: eager by default on CPU (compiling costs ~70 s of start per stage for ~7%); "
                   "--compile opts in.")
@click.option("--dtype", default="auto", show_default=True,
              help="vLLM dtype; auto: fp32 on CPUs without native bf16, else bf16 / the model's.")
@click.option("--no-progress", is_flag=True)
@one_line_errors
def loop_cmd(**o):
    """Rounds of generate -> select -> train -> eval, each resumable; then the report."""
    from expo_data.generate import GenerateConfig
    from expo_data.model import resolve_model
    from expo_data.select import report
    from expo_train.loop import base_eval, run_loop
    from expo_train.trainer import TrainConfig

    log = lambda m: click.echo(m, err=True)  # noqa: E731
    progress = not o["no_progress"]
    model = resolve_model(o["model"], log=log)
    common = dict(model=model, max_tokens=o["max_tokens"], temperature=o["temperature"], shards=o["shards"],
                  seed=o["seed"], enforce_eager=o["enforce_eager"], dtype=o["dtype"], progress=progress)
    gen = GenerateConfig(out=o["out"], problems=o["problems"], limit=o["limit"], attempts=o["attempts"],
                         explanations=o["explanations"], **common)
    # A small loop gets a held-out set of its own size: the full 200-problem split would dominate its run time.
    eval_limit = o["eval_limit"] if o["eval_limit"] is not None else o["limit"]
    eval_cfg = GenerateConfig(out=o["out"], problems=o["eval_problems"], limit=eval_limit, **common)
    per_round = (f"generate {o['limit'] or 'all'} problems x ({o['attempts']} attempts + {o['explanations']} explanations), "
                 f"select, train {o['loss']}, eval {eval_limit or 'all'} held-out problems x (1 greedy + {o['k']} sampled)")
    log(f"plan: {o['rounds']} rounds of [{per_round}], max {o['max_tokens']} tokens per sample"
        + ("; round 0 evaluates the starting policy first" if o["adapter"] is None else ""))
    train = TrainConfig(data=o["out"], loss=o["loss"], max_steps=o["max_steps"], epochs=o["epochs"],
                        batch_size=o["batch_size"], lr=o["lr"], lora_r=o["lora_r"], seed=o["seed"], progress=progress)
    if o["adapter"] is None:
        base_eval(o["out"], eval_cfg, o["k"], log=log)
    run_loop(o["rounds"], o["out"], gen, train, eval_cfg, o["k"], start_adapter=o["adapter"], log=log)
    *_, png = report([o["out"]], Path(o["out"]) / "report.png")
    click.echo(f"report: {png}; tables: expo-data report {o['out']}")


if __name__ == "__main__":
    main()
