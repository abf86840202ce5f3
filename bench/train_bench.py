"""Training-step benchmark, side by side in one process on the same pairs, LoRA and card:

  expo <variant>   `expo-train round` itself (train_round on a round dir of these pairs) at the CLI's
                   defaults (exp-dpo+sft, AdamW lr 1e-4, cosine schedule with 10% warm-up, clipping at 1.0,
                   LoRA r=16 alpha 32 dropout 0.05 all-linear, the stored-reference check), once per
                   `--variants` gradient-checkpointing setting (auto = the default). The in-memory base is
                   handed to it in place of loading from disk; everything after that is the CLI's path.
  trl default      TRL's DPOTrainer at its defaults (reference recomputed each step with the adapter off).
  trl precompute   the same with precompute_ref_log_probs=True: its one-off precompute is timed apart and
                   also amortised over one epoch of the bench's pairs.
  trl best         the fastest TRL configuration that fits the card, searched first over checkpointing
                   on/off and per-device batch x accumulation (same pairs per step), with precompute.

Every column runs `--reps` times (>= 3), the order alternating (forward, then reversed), and reports the
median and range of the step time, pairs/s, model TFLOP/s (4 x params x real tokens per step / step time),
and the peak `max_memory_allocated` and `max_memory_reserved` of its steps. `--liger` applies Liger kernels
(RMSNorm, SwiGLU, RoPE) to the base for every column where liger-kernel is installed.

Usage:
  python bench/train_bench.py --shape qwen2.5-7b --seq-tokens 690 --pairs 64 --batch-size 8 --variants auto,full
  python bench/train_bench.py --shape tiny --pairs 12 --batch-size 2 --steps 2 --warmup 1   # CPU smoke run
`--shape` builds the architecture in code on the embedded tokenizer (or --model DIR's) and materialises
random weights directly on the device (bf16 on GPU, fp32 on CPU; a 7B in ~30 s, no download); without
--shape the model is read from --model (default: the embedded SmolLM2-135M-Instruct).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import torch

SHAPES = {  # (hidden, intermediate, layers, heads, kv heads, vocab, tied embeddings)
    "tiny": (64, 128, 2, 2, 2, 49152, False),  # CPU smoke runs of the bench itself
    "smollm2-135m": (576, 1536, 30, 9, 3, 49152, True),
    "smollm2-1.7b": (2048, 8192, 24, 32, 32, 49152, True),
    "qwen2.5-7b": (3584, 18944, 28, 28, 4, 152064, False),
}


def build_pairs(tokenizer, n: int, seq_tokens: int | None = None):
    """Pairs from the built-in problems: chosen = the worked solution, rejected = the same text
    reaching a wrong answer; with seq_tokens the solution is repeated to about that sequence length."""
    from expo_data.generate.problems import builtin_arith
    from expo_data.generate.prompts import DEFAULT_PLAIN, render_chat

    rows = []
    for p in builtin_arith("train")[:n]:
        prompt = render_chat(tokenizer, DEFAULT_PLAIN.format(question=p.question))
        solution = p.solution
        if seq_tokens:
            prompt_len = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
            unit = len(tokenizer(solution + "\n", add_special_tokens=False)["input_ids"])
            solution = "\n".join([p.solution] * max(1, round((seq_tokens - prompt_len) / unit)))
        wrong = str(int(p.answer) + 7)
        rows.append({"prompt": prompt, "chosen": solution, "rejected": solution.replace(p.answer, wrong)})
    return rows


def write_round(out: Path, model_dir: str, tokenizer, pairs: list[dict], ref_logps: list[list[float]] | None = None):
    """A round dir with a manifest naming the model and a ready selection (pairs.arrow); reference
    log-probs 0 unless given (then the trainer's default reference check runs on them)."""
    from expo_data.store.schema import SAMPLE_SCHEMA, RoundDir, atomic_write_bytes, atomic_write_json
    from expo_data.store.shards import table_to_ipc_bytes, write_round as write_shards

    enc = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    refs = ref_logps or [[0.0, 0.0]] * len(pairs)
    rows = [{"round": 1, "problem_id": f"p{i}", "level": 1, "prompt": r["prompt"], "prompt_token_ids": enc(r["prompt"]),
             "chosen_token_ids": enc(r["chosen"]) + [tokenizer.eos_token_id],
             "rejected_token_ids": enc(r["rejected"]) + [tokenizer.eos_token_id],
             "ref_chosen_logp": ref[0], "ref_rejected_logp": ref[1]} for i, (r, ref) in enumerate(zip(pairs, refs))]
    # One empty, committed shard: a round must have shards to be read; the pairs are the bench's own selection.
    write_shards(out, [SAMPLE_SCHEMA.empty_table()], {
        "config_hash": "synthetic", "round": 1, "base_model": str(model_dir), "base_model_sha256": None,
        "adapter": None, "logprob_dtype": "bfloat16" if torch.cuda.is_available() else "float32",
        "num_problems": len(rows)})
    rd = RoundDir(out)
    rd.selected.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(rd.selected / "pairs.arrow", table_to_ipc_bytes(pa.Table.from_pylist(rows)))
    atomic_write_json(rd.selection_record, {"rows": {"pairs": len(rows)}, "ran_by": "train_bench"})


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def reset_peak():
    if torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peaks() -> dict[str, float | None]:
    if not torch.cuda.is_available():
        return {"peak_allocated_gb": None, "peak_reserved_gb": None}
    return {"peak_allocated_gb": torch.cuda.max_memory_allocated() / 2**30,
            "peak_reserved_gb": torch.cuda.max_memory_reserved() / 2**30}


def release(base):
    """The base as it was: no LoRA layers, no checkpointing, no input-grad hook (TRL adds one)."""
    from expo_train.memory import set_checkpointed_layers

    set_checkpointed_layers(base, 0)
    if hasattr(base, "disable_input_require_grads"):
        try:
            base.disable_input_require_grads()
        except AttributeError:  # never enabled
            pass
    base.zero_grad(set_to_none=True)
    reset_peak()


# ---------------------------------------------------------------------------
# expo-train: train_round on a round dir, the in-memory base handed over in place of loading.
# ---------------------------------------------------------------------------
def expo_reference(base, tokenizer, examples, batch_size) -> tuple[list[list[float]], float]:
    """The initial policy's reference log-prob sums (fresh LoRA, B = 0: the base itself) and their time.
    In the real flow generation stores these in the shards, so this is not part of a training run."""
    from expo_train.trainer import TrainConfig, recompute_reference, wrap_lora

    model = wrap_lora(TrainConfig(data="."), base, None, log=lambda m: None)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    sync()
    started = time.perf_counter()
    refs = recompute_reference(model, examples, pad, batch_size)
    sync()
    seconds = time.perf_counter() - started
    model.unload()
    release(base)
    return refs, seconds


def run_expo(base, tokenizer, round_src: Path, checkpointing: str, batch_size: int, warmup: int, steps: int) -> dict:
    import shutil

    from expo_train import trainer

    held = {}

    def hand_over(cfg, base_path, adapter_path, log):
        held["model"] = trainer.wrap_lora(cfg, base, adapter_path, log).to(base.device)
        return held["model"], tokenizer

    real_load, real_plan = trainer.load_policy, trainer.plan_memory
    after_plan = {}

    def plan_then_reset(*args, **kwargs):  # the probe's own peaks are not the training steps'
        plan = real_plan(*args, **kwargs)
        after_plan.update(peaks())
        reset_peak()
        return plan

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "round"
        shutil.copytree(round_src, data)
        trainer.load_policy, trainer.plan_memory = hand_over, plan_then_reset
        reset_peak()
        try:
            trainer.train_round(trainer.TrainConfig(data=data, batch_size=batch_size, max_steps=warmup + steps,
                                                    gradient_checkpointing=checkpointing, progress=False,
                                                    save_every=10**9), log=lambda m: None)
            memory = peaks()
            metrics = [json.loads(line) for line in (data / "train_metrics.jsonl").read_text().splitlines()]
            plan = json.loads((data / "train_config.json").read_text())["gradient_checkpointing_used"]
        finally:
            trainer.load_policy, trainer.plan_memory = real_load, real_plan
            if "model" in held:
                held.pop("model").unload()
            release(base)
    # The metrics' elapsed_s and cumulative tokens_per_s, read past the warm-up steps.
    a, b = metrics[warmup - 1], metrics[-1]
    tokens = b["tokens_per_s"] * b["elapsed_s"] - a["tokens_per_s"] * a["elapsed_s"]
    step_s = (b["elapsed_s"] - a["elapsed_s"]) / steps
    return {"step_s": step_s, "tokens_per_step": tokens / steps, **memory,
            "probe_peak_reserved_gb": after_plan.get("peak_reserved_gb"),
            "checkpointed_layers": f"{plan['checkpointed']}/{plan['layers']}", "probe_shape": plan.get("probe_shape"),
            "padding_fraction": b["padding_fraction"]}


# ---------------------------------------------------------------------------
# TRL's DPOTrainer on the same pairs and LoRA.
# ---------------------------------------------------------------------------
def trl_available() -> str | None:
    try:
        import trl
    except ImportError:
        return None
    return trl.__version__


def run_trl(base, tokenizer, rows, batch_size: int, warmup: int, steps: int, precompute: bool = False,
            checkpointing: bool | None = None, micro_batch: int | None = None) -> dict:
    """One TRL run: setup (constructor + first dataloader, which is where a precompute happens) timed
    apart from the steps; the steps timed past `warmup` from step-end stamps."""
    import uuid

    import datasets.fingerprint
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import DPOConfig, DPOTrainer

    # datasets fingerprints tables by pickling them with dill, which fails on Python 3.12 with some
    # pyarrow builds; a fingerprint only names cache files, so a random one is as good here.
    datasets.fingerprint.Hasher.hash = classmethod(lambda cls, value: uuid.uuid4().hex)
    micro = micro_batch or batch_size
    data = Dataset.from_list([rows[i % len(rows)] for i in range((warmup + steps) * batch_size)])
    options = dict(per_device_train_batch_size=micro, gradient_accumulation_steps=batch_size // micro)
    if precompute:
        options["precompute_ref_log_probs"] = True
    if checkpointing is not None:
        options["gradient_checkpointing"] = checkpointing
    stamps: list[float] = []

    class Stamp(TrainerCallback):
        def on_step_end(self, *args, **kwargs):
            sync()
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as out:
        args = DPOConfig(output_dir=out, max_steps=warmup + steps, report_to=[], save_strategy="no", logging_steps=1,
                         bf16=torch.cuda.is_available(), dataloader_num_workers=0, disable_tqdm=True, **options)
        reset_peak()
        sync()
        started = time.perf_counter()
        trainer = DPOTrainer(model=base, args=args, train_dataset=data, processing_class=tokenizer,
                             peft_config=LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                                                    task_type="CAUSAL_LM"))
        trainer.get_train_dataloader()  # with precompute_ref_log_probs, the reference pass runs here
        sync()
        setup_s = time.perf_counter() - started
        trainer.add_callback(Stamp())
        try:
            trainer.train()
            memory = peaks()
            used = {"gradient_checkpointing": bool(trainer.args.gradient_checkpointing),
                    "per_device_batch": micro, "accumulation": batch_size // micro}
        finally:
            model = trainer.model
            del trainer
            if hasattr(model, "unload"):
                model.unload()
            release(base)
    timed = stamps[warmup - 1:]
    step_s = (timed[-1] - timed[0]) / (len(timed) - 1)
    return {"step_s": step_s, "setup_s": setup_s, **memory, **used}


# ---------------------------------------------------------------------------
# The model.
# ---------------------------------------------------------------------------
def shape_config(shape: str, tokenizer):
    """The architecture of a named shape (random weights come later), on the given tokenizer's ids."""
    from transformers import LlamaConfig, Qwen2Config

    hidden, inter, layers, heads, kv, vocab, tied = SHAPES[shape]
    kind = Qwen2Config if shape.startswith("qwen") else LlamaConfig
    return kind(vocab_size=vocab, hidden_size=hidden, intermediate_size=inter, num_hidden_layers=layers,
                num_attention_heads=heads, num_key_value_heads=kv, max_position_embeddings=4096, tie_word_embeddings=tied,
                bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


def build_base(a, tokenizer):
    """(model, description): the real model from disk, or random weights of a named shape made on the device."""
    from transformers import AutoModelForCausalLM

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32  # the trainer's --dtype auto
    if not a.shape:
        from expo_data.model import resolve_model

        path = resolve_model(a.model, log=lambda m: None)
        return AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(device), path
    config = shape_config(a.shape, tokenizer)
    started = time.perf_counter()
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    print(f"materialised {a.shape} ({sum(p.numel() for p in model.parameters()) / 1e9:.2f}B params, {dtype}) "
          f"on {device} in {time.perf_counter() - started:.0f}s", flush=True)
    return model, f"random {a.shape}"


def apply_liger(base) -> str:
    try:
        from liger_kernel.transformers import _apply_liger_kernel_to_instance
    except ImportError:
        return "liger-kernel not installed: --liger ignored (pip install liger-kernel)"
    # The logits path is each trainer's own (expo's chunked log-probs, TRL's loss): kernels for the layers only.
    _apply_liger_kernel_to_instance(model=base, rms_norm=True, swiglu=True, rope=True, cross_entropy=False,
                                    fused_linear_cross_entropy=False)
    return "liger kernels (RMSNorm, SwiGLU, RoPE) applied to the base for every column"


def processor() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name()
    name = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "CPU")
    flags = open("/proc/cpuinfo").read()
    isa = "avx512_bf16" if "avx512_bf16" in flags else "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "?"
    return f"{name} ({isa}), {torch.get_num_threads()} threads"


def summarise(runs: list[dict], batch_size: int, params: int) -> dict:
    def stat(values):
        values = [v for v in values if v is not None]
        return {"median": statistics.median(values), "min": min(values), "max": max(values)} if values else None

    out = {"runs": len(runs), "step_s": stat([r["step_s"] for r in runs]),
           "pairs_per_s": stat([batch_size / r["step_s"] for r in runs]),
           "peak_allocated_gb": stat([r.get("peak_allocated_gb") for r in runs]),
           "peak_reserved_gb": stat([r.get("peak_reserved_gb") for r in runs])}
    tokens = [r["tokens_per_step"] for r in runs if r.get("tokens_per_step")]
    if tokens:
        out["model_tflops"] = stat([4 * params * tokens[0] / r["step_s"] / 1e12 for r in runs])
    for key in ("setup_s",):
        if any(key in r for r in runs):
            out[key] = stat([r.get(key) for r in runs])
    extra = {k: v for k, v in runs[-1].items() if k not in ("step_s", "setup_s", "peak_allocated_gb", "peak_reserved_gb")}
    return {**out, "config": extra}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--shape", choices=sorted(SHAPES), default=None)
    ap.add_argument("--pairs", type=int, default=64)
    ap.add_argument("--seq-tokens", type=int, default=None, help="Repeat solutions to about this many tokens per sequence.")
    ap.add_argument("--batch-size", type=int, default=8, help="Pairs per optimizer step, every column.")
    ap.add_argument("--warmup", type=int, default=3, help="Steps per run before timing (allocator, kernels).")
    ap.add_argument("--steps", type=int, default=6, help="Timed steps per run.")
    ap.add_argument("--reps", type=int, default=3, help="Runs per column, in alternating order (>= 3 for a range).")
    ap.add_argument("--variants", default="auto,full", help="expo-train --gradient-checkpointing settings to time.")
    ap.add_argument("--no-trl", action="store_true")
    ap.add_argument("--no-trl-search", action="store_true", help="Skip the 'trl best' search (saves GPU time).")
    ap.add_argument("--liger", action="store_true", help="Liger kernels on the base for every column, if installed.")
    a = ap.parse_args()
    if a.warmup < 1 or a.steps < 1:
        ap.error("--warmup and --steps must be >= 1")
    torch.manual_seed(0)
    from transformers import AutoTokenizer

    from expo_data.model import resolve_model
    from expo_train.objectives import OBJECTIVES

    # With --shape only the tokenizer is read, so --model may name a dir holding just tokenizer files.
    tokenizer = AutoTokenizer.from_pretrained(a.model if a.shape and a.model else resolve_model(a.model, log=lambda m: None))
    base, what = build_base(a, tokenizer)
    params = sum(p.numel() for p in base.parameters())
    notes = [apply_liger(base)] if a.liger else []
    rows = build_pairs(tokenizer, a.pairs, a.seq_tokens)
    device = processor()
    with tempfile.TemporaryDirectory() as tmp:
        round_dir = Path(tmp) / "round"
        write_round(round_dir, what, tokenizer, rows)
        examples = OBJECTIVES["exp-dpo"].load(round_dir)
        refs, expo_ref_s = expo_reference(base, tokenizer, examples, a.batch_size)
        write_round(round_dir, what, tokenizer, rows, refs)  # the CLI's default path: stored refs, checked
        tokens = sum(ex.num_tokens for ex in examples) / len(examples) / 2
        print(f"device: {device}; model {what} ({params / 1e9:.2f}B); {len(rows)} pairs, ~{tokens:.0f} tokens per "
              f"sequence, batch {a.batch_size} pairs, {a.warmup} warm-up + {a.steps} timed steps per run, {a.reps} runs "
              f"per column in alternating order; LoRA r=16 alpha 32 dropout 0.05 all-linear", flush=True)
        for note in notes:
            print(note, flush=True)

        columns = {f"expo {v}": (lambda v=v: run_expo(base, tokenizer, round_dir, v, a.batch_size, a.warmup, a.steps))
                   for v in a.variants.split(",")}
        trl_version = None if a.no_trl else trl_available()
        if not a.no_trl and trl_version is None:
            print("TRL not installed (pip install -e '.[bench]'): the TRL columns are skipped, no ratios to TRL",
                  flush=True)
        search: list[dict] = []
        if trl_version:
            trl = lambda **kw: run_trl(base, tokenizer, rows, a.batch_size, a.warmup, a.steps, **kw)  # noqa: E731
            columns["trl default"] = trl
            columns["trl precompute"] = lambda: trl(precompute=True)
            if not a.no_trl_search:
                best = None
                for checkpointing in (False, True):  # fastest first: keep activations, then split the batch
                    for micro in sorted({a.batch_size, max(1, a.batch_size // 2), max(1, a.batch_size // 4)}, reverse=True):
                        if a.batch_size % micro:
                            continue
                        option = {"checkpointing": checkpointing, "micro_batch": micro}
                        try:
                            result = trl(precompute=True, **option)
                        except torch.OutOfMemoryError:
                            search.append({**option, "oom": True})
                            release(base)
                            continue
                        search.append({**option, "step_s": result["step_s"]})
                        if best is None or result["step_s"] < best[1]:
                            best = (option, result["step_s"])
                print(f"TRL configurations tried (precompute on): {search}", flush=True)
                if best:
                    columns["trl best"] = lambda: trl(precompute=True, **best[0])

        runs: dict[str, list[dict]] = {name: [] for name in columns}
        names = list(columns)
        for rep in range(a.reps):
            for name in (names if rep % 2 == 0 else names[::-1]):
                try:
                    runs[name].append(columns[name]())
                except torch.OutOfMemoryError:
                    release(base)
                    runs[name].append({"oom": True})
                    print(f"{name}: out of memory (run {rep + 1})", flush=True)
                    continue
                r = runs[name][-1]
                print(f"  run {rep + 1} {name}: step {r['step_s']:.3f}s, {a.batch_size / r['step_s']:.2f} pairs/s"
                      + (f", peak {r['peak_allocated_gb']:.1f} GB allocated / {r['peak_reserved_gb']:.1f} GB reserved"
                         if r.get("peak_allocated_gb") is not None else ""), flush=True)

    results = {name: summarise([r for r in rs if not r.get("oom")], a.batch_size, params) if any(
        not r.get("oom") for r in rs) else {"oom": True} for name, rs in runs.items()}
    expo_tokens = next((r["config"]["tokens_per_step"] for n, r in results.items() if n.startswith("expo") and "config" in r),
                       None)
    for name, r in results.items():  # TRL's TFLOP/s on expo's real-token count of the same pairs
        if name.startswith("trl") and "step_s" in r and expo_tokens:
            r["model_tflops"] = {k: 4 * params * expo_tokens / v / 1e12 for k, v in r["step_s"].items()}
            r["model_tflops"]["min"], r["model_tflops"]["max"] = r["model_tflops"]["max"], r["model_tflops"]["min"]
    if "trl precompute" in results and "trl default" in results and "setup_s" in results["trl precompute"]:
        pre = results["trl precompute"]
        pre["precompute_s"] = pre["setup_s"]["median"] - results["trl default"]["setup_s"]["median"]
        per_epoch = len(rows) / pre["pairs_per_s"]["median"] + pre["precompute_s"]  # one epoch of these pairs
        pre["pairs_per_s_amortised_one_epoch"] = len(rows) / per_epoch

    print(f"\n{'column':<16} {'pairs/s median [range]':<26} {'step s':<8} {'TFLOP/s':<8} "
          f"{'alloc GB':<9} {'reserved GB':<11} config")
    for name, r in results.items():
        if r.get("oom"):
            print(f"{name:<16} out of memory")
            continue
        pps, tf = r["pairs_per_s"], r.get("model_tflops")
        fmt = lambda s: "-" if not s else f"{s['median']:.1f}"  # noqa: E731
        config = {k: v for k, v in r["config"].items() if k not in ("tokens_per_step",)}
        print(f"{name:<16} {pps['median']:.3f} [{pps['min']:.3f}, {pps['max']:.3f}]".ljust(43)
              + f" {r['step_s']['median']:<8.3f} {fmt(tf):<8} {fmt(r['peak_allocated_gb']):<9} "
              f"{fmt(r['peak_reserved_gb']):<11} {config}")
    if "trl precompute" in results and "precompute_s" in results["trl precompute"]:
        pre = results["trl precompute"]
        print(f"TRL precompute_ref_log_probs: one-off {pre['precompute_s']:.1f}s for {len(rows)} pairs; "
              f"{pre['pairs_per_s_amortised_one_epoch']:.3f} pairs/s with it amortised over one epoch of them")
    print(f"expo's reference pass over the {len(rows)} pairs (generation stores these; not part of a round): "
          f"{expo_ref_s:.1f}s")

    def ratio(num, den, key):
        if num in results and den in results and key in results[num] and key in results[den]:
            n, d = results[num][key], results[den][key]
            if n and d:
                return f"{n['median'] / d['median']:.2f}x"
        return None

    for name in (n for n in results if n.startswith("expo")):
        for other in (n for n in results if n.startswith("trl")):
            speed, reserved = ratio(name, other, "pairs_per_s"), ratio(name, other, "peak_reserved_gb")
            if speed:
                print(f"{name} vs {other}: pairs/s {speed}" + (f", reserved memory {reserved}" if reserved else ""))
    print(json.dumps({"device": device, "model": what, "params": params, "seq_tokens": tokens, "batch_pairs": a.batch_size,
                      "warmup": a.warmup, "steps": a.steps, "reps": a.reps, "trl": trl_version, "notes": notes,
                      "trl_search": search, "expo_reference_pass_s": expo_ref_s, "results": results, "raw": runs,
                      "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))


if __name__ == "__main__":
    main()
