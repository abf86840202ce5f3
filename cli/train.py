"""`expo-train`: LoRA training on a round's selection."""

from __future__ import annotations


import click

from .common import (OneLineGroup, build, config_option, gen_default, no_wait_option, one_line_errors, quiet_engines,
                     quiet_libraries, ray_from, ray_options, train_default, verify_option)
from .regrade import verifier_option


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main():
    """ExPO training stage (PEFT LoRA)."""
    quiet_libraries()


class _LossChoice(click.Choice):
    """The objectives' registry keys, with the library's wording for a wrong one."""

    def convert(self, value, param, ctx):
        if value not in self.choices:
            self.fail(f"unknown loss '{value}' (choose from {', '.join(self.choices)})", param, ctx)
        return super().convert(value, param, ctx)


def _loss_choice():
    from expo_train.objectives import OBJECTIVES

    return _LossChoice(list(OBJECTIVES))


@main.command("round")
@config_option
@click.option("--data", required=True, help="Round dir to train on: a local path or s3:// (any pyarrow/fsspec) URI.")
@click.option("--loss", type=_loss_choice(), default=train_default("loss"), show_default=True,
              help="Objective (expo_train/objectives.py; formulas in losses.py).")
@click.option("--model", default=None, help="Base model dir (must be the round's; default: from the manifest).")
@click.option("--from-base", is_flag=True, help="Start a fresh adapter on the base instead of continuing the round's.")
@click.option("--epochs", default=train_default("epochs"), show_default=True)
@click.option("--max-steps", type=int, default=None)
@click.option("--lr", default=train_default("lr"), show_default=True)
@click.option("--batch-size", default=train_default("batch_size"), show_default=True)
@click.option("--grad-accum", default=train_default("grad_accum"), show_default=True)
@click.option("--beta", default=train_default("beta"), show_default=True, help="DPO temperature.")
@click.option("--sft-weight", default=train_default("sft_weight"), show_default=True, help="ExP-SFT weight in exp-dpo+sft.")
@click.option("--grpo-sft-coef", default=train_default("grpo_sft_coef"), show_default=True,
              help="ExP-SFT coefficient in exp-grpo.")
@click.option("--clip-eps", default=train_default("clip_eps"), show_default=True)
@click.option("--lora-r", default=train_default("lora_r"), show_default=True)
@click.option("--lora-alpha", default=train_default("lora_alpha"), show_default=True)
@click.option("--lora-dropout", default=train_default("lora_dropout"), show_default=True)
@click.option("--target-modules", default=train_default("target_modules"), show_default=True,
              help="all-linear or a comma list.")
@click.option("--seed", default=train_default("seed"), show_default=True)
@click.option("--save-every", default=train_default("save_every"), show_default=True)
@click.option("--resume", is_flag=True,
              help="Continue from this run's last checkpoint (DATA/checkpoints; OUT.run/checkpoints with --out).")
@click.option("--recompute-ref", is_flag=True, help="Recompute reference log-probs with the initial policy.")
@click.option("--ref-tolerance", default=train_default("ref_tolerance"), show_default=True,
              help="Nats/token allowed between stored and recomputed.")
@click.option("--out", default=None,
              help="Adapter dir or URI (default DATA/adapter); the run's records and checkpoints go to OUT.run "
                   "(default: DATA).")
@click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), default=train_default("dtype"),
              show_default=True,
              help="Frozen base weights: auto = bf16 on GPU, fp32 on CPU. LoRA weights and optimizer state stay fp32.")
@click.option("--gradient-checkpointing", type=click.Choice(["auto", "full", "off"]),
              default=train_default("gradient_checkpointing"), show_default=True,
              help="auto: on GPU, checkpoint only as many layers as the card needs (measured on the largest batch); "
                   "off on CPU. full: every layer (least memory).")
@click.option("--report-to", "report_to", multiple=True, metavar="BACKENDS",
              help="tensorboard, mlflow, wandb or none (default none; comma-separated or repeated): the metrics of "
                   "train_metrics.jsonl per step and the run's config, into the run's dir (wandb offline). Each needs "
                   "its extra: pip install -e '.[tensorboard]'.")
@click.option("--progress/--no-progress", default=True)
@no_wait_option
@verify_option
@one_line_errors
def round_cmd(**o):
    """Train on DATA/selected (selected first if absent); write DATA/adapter for the next round."""
    from expo_data.store.verified import verification
    from expo_train.trainer import TrainConfig, train_round

    with verification(o.pop("verify")):
        train_round(build(TrainConfig, o, wait=not o.pop("no_wait")), log=lambda m: click.echo(m, err=True))


@main.command("loop")
@config_option
@click.option("--rounds", default=3, show_default=True)
@click.option("--out", required=True, help="Writes OUT/round{r}/ (a local or shared filesystem).")
@click.option("--problems", default=gen_default("problems"), show_default=True, help="Training problems.")
@click.option("--eval-problems", default=None,
              help="Held-out problems. Default: when --problems is a file, a seeded split of it (a fifth, disjoint "
                   "from training, written to OUT/problems/); for the built-in set, builtin:arith:test.")
@click.option("--model", default=None, help="Base model (default: embedded SmolLM2-135M-Instruct).")
@click.option("--adapter", default=None, help="Adapter to start round 1 from.")
@click.option("--loss", type=_loss_choice(), default=train_default("loss"), show_default=True)
@click.option("--limit", type=int, default=None, help="Training problems per round.")
@click.option("--eval-limit", type=int, default=None,
              help="Held-out problems (default: as many as --limit, all of them without --limit).")
@click.option("--attempts", default=gen_default("attempts"), show_default=True)
@click.option("--explanations", default=gen_default("explanations"), show_default=True)
@click.option("--max-tokens", default=gen_default("max_tokens"), show_default=True)
@click.option("--temperature", default=gen_default("temperature"), show_default=True)
@click.option("--k", "k", default=4, show_default=True, help="pass@k samples in eval.")
@click.option("--shards", default=gen_default("shards"), show_default=True)
@click.option("--max-steps", type=int, default=None)
@click.option("--epochs", default=train_default("epochs"), show_default=True)
@click.option("--batch-size", default=train_default("batch_size"), show_default=True)
@click.option("--lr", default=train_default("lr"), show_default=True)
@click.option("--lora-r", default=train_default("lora_r"), show_default=True)
@click.option("--seed", default=gen_default("seed"), show_default=True)
@click.option("--enforce-eager/--compile", "enforce_eager", default=None,
              help="vLLM engines: eager by default on CPU (compiling costs ~70 s of start per stage for ~7%); "
                   "--compile opts in.")
@click.option("--dtype", default=gen_default("dtype"), show_default=True,
              help="Every stage's dtype (engines and training). auto: engines fp32 on CPUs without native bf16, "
                   "else bf16 / the model's (recorded in each round's manifest); training bf16 on GPU, fp32 on CPU.")
@click.option("--report-to", "report_to", multiple=True, metavar="BACKENDS",
              help="tensorboard, mlflow, wandb or none (default none; comma-separated or repeated): the metrics of "
                   "train_metrics.jsonl per step and the run's config into each round's dir, and each round's held-out accuracy into OUT (wandb offline). Each needs "
                   "its extra: pip install -e '.[tensorboard]'.")
@click.option("--verbose", is_flag=True, help="Show the engines' own logging (vLLM INFO, Python warnings); by "
              "default only their errors.")
@verifier_option
@click.option("--progress/--no-progress", default=True)
@no_wait_option
@ray_options
@one_line_errors
def loop_cmd(rounds, out, eval_problems, eval_limit, k, adapter, verbose, **o):
    """Rounds of generate -> select -> train -> eval, each resumable; then the report."""
    from dataclasses import replace

    from expo_data.generate import GenerateConfig
    from expo_data.model import resolve_model
    from expo_train.heldout import DEFAULT_EVAL_PROBLEMS, held_out_split, needs_split
    from expo_train.loop import run_loop, validate_loop
    from expo_train.trainer import TrainConfig

    log = lambda m: click.echo(m, err=True)  # noqa: E731
    quiet_engines(verbose)
    on_ray = ray_from(o)
    o["wait"] = not o.pop("no_wait")  # every stage's: generate, select, train and eval
    gen = build(GenerateConfig, o, out=out)
    # A small loop gets a held-out set of its own size: the full 200-problem split would dominate its run time.
    eval_limit = eval_limit if eval_limit is not None else o["limit"]
    split = needs_split(gen.problems, eval_problems)
    eval_cfg = replace(gen, problems=eval_problems or (gen.problems if split else DEFAULT_EVAL_PROBLEMS), limit=eval_limit)
    train = build(TrainConfig, o, data=out, model=None)  # --dtype too: every stage gets the user's choice
    validate_loop(rounds, out, gen, train, eval_cfg, k, start_adapter=adapter, ray=on_ray)
    held = f"held-out: {eval_cfg.problems}"
    if split:  # never the built-in set silently: held-out problems of the user's own task
        gen, eval_cfg, held = held_out_split(out, gen, eval_cfg)
    # The model is resolved (the embedded one prepared on first use) only once every option is known good.
    model = resolve_model(o["model"], log=log)
    gen, eval_cfg = replace(gen, model=model), replace(eval_cfg, model=model)
    log(f"plan: {rounds} rounds of [generate {o['limit'] or 'all'} problems x ({gen.attempts} attempts + "
        f"{gen.explanations} explanations), select, train {train.loss}, eval {eval_limit or 'all'} held-out problems x "
        f"(1 greedy + {k} sampled)], max {gen.max_tokens} tokens per sample"
        + ("; round 0 evaluates the starting policy first" if adapter is None else "") + f"; {held}")
    try:
        run_loop(rounds, out, gen, train, eval_cfg, k, start_adapter=adapter, log=log, ray=on_ray)
    except Exception as exc:
        from expo_data.store.lock import RoundBusy

        if not verbose and not isinstance(exc, RoundBusy):  # what the quiet engines did not print may explain it
            log("the engines logged errors only; rerun with --verbose (the loop resumes) to see their whole log")
        raise


if __name__ == "__main__":
    main()
