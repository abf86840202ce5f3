"""The LoRA a run trains: its config (the round's adapter's, continued, or a fresh one from the options),
checked against the model's skeleton before any weight is read, then applied to the loaded base."""

from __future__ import annotations

import re
from typing import Callable

import torch

from expo_data.errors import ExpoError, first_line

from .config import VLLM_MAX_LORA_RANK, TrainConfig, base_dtype
from .distributed import _device


def load_policy(cfg: TrainConfig, base_path: str, adapter_path: str | None, log: Callable[[str], None]):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(base_path)
        base = AutoModelForCausalLM.from_pretrained(base_path, dtype=base_dtype(cfg))
    except (OSError, ValueError) as exc:
        raise ExpoError(f"cannot load base model {base_path}: {first_line(exc)}")
    return wrap_lora(cfg, base, adapter_path, log).to(_device()), tokenizer


EMBEDDING_MODULES = ("lm_head", "embed_tokens")  # PEFT's names of the output and input embeddings


def _target_list(target_modules: str) -> list[str] | str:
    return target_modules if target_modules == "all-linear" else [m.strip() for m in target_modules.split(",")]


def refuse_tied_embedding_targets(targets, config) -> None:
    """LoRA on lm_head (or embed_tokens) of a model whose input and output embeddings are one tensor
    cannot be served as trained: merging it (the CPU serving path) writes the delta into the shared
    tensor, changing the input embeddings too. Untied models train and serve it (memory.py applies the
    lm_head adapter in the chunked log-probs)."""
    names = [targets] if isinstance(targets, str) else list(targets or [])
    hit = [m for m in EMBEDDING_MODULES if any(t == m or t.endswith("." + m) for t in names)]
    if hit and getattr(config, "tie_word_embeddings", False):
        raise ExpoError(f"--target-modules {hit[0]}: this model ties its input and output embeddings, so a LoRA "
                        f"there would also change the input embeddings when merged for serving; leave {hit[0]} out")


def _ties_embeddings(model, config) -> bool:
    if getattr(config, "tie_word_embeddings", False):
        return True
    out, inp = model.get_output_embeddings(), model.get_input_embeddings()
    return out is not None and inp is not None and out.weight is inp.weight


def refuse_wrapped_tied_embeddings(peft_model, base, config, where: str) -> None:
    """The same refusal decided on the modules PEFT actually wrapped, whatever matched them (a regex
    target_modules string such as ".*(q_proj|lm_head)" names no module the name check sees)."""
    from peft.tuners.lora import LoraLayer

    wrapped = sorted({name.rsplit(".", 1)[-1] for name, module in peft_model.named_modules()
                      if isinstance(module, LoraLayer)} & set(EMBEDDING_MODULES))
    if wrapped and _ties_embeddings(base, config):
        raise ExpoError(f"{where} puts a LoRA on {wrapped[0]}, but this model ties its input and output embeddings, "
                        f"so it would also change the input embeddings when merged for serving; leave {wrapped[0]} out")


def _adapter_error(adapter_path: str, exc: BaseException) -> ExpoError:
    return ExpoError(f"cannot load adapter {adapter_path}: {type(exc).__name__}: {first_line(exc)[:200]}")


def lora_config(cfg: TrainConfig, adapter_path: str | None):
    """The LoRA this run trains: the round's adapter's own config (continued), or a fresh one from the options."""
    from peft import LoraConfig, PeftConfig

    if not adapter_path or cfg.from_base:
        return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                          target_modules=_target_list(cfg.target_modules), task_type="CAUSAL_LM")
    try:
        lora = PeftConfig.from_pretrained(adapter_path)
    except Exception as exc:  # a corrupt config surfaces as many different errors
        raise _adapter_error(adapter_path, exc)
    if not isinstance(lora, LoraConfig):
        raise ExpoError(f"cannot load adapter {adapter_path}: it is a {lora.peft_type} adapter, not a LoRA")
    return lora


def check_lora(lora, model_config) -> None:
    """A LoRA that vLLM can serve and that a merge keeps correct."""
    refuse_tied_embedding_targets(lora.target_modules, model_config)
    if getattr(lora, "modules_to_save", None):
        raise ExpoError("the adapter has modules_to_save, which vLLM refuses; train a plain LoRA adapter")
    if lora.r > VLLM_MAX_LORA_RANK:
        raise ExpoError(f"adapter rank {lora.r} is above vLLM's max_lora_rank {VLLM_MAX_LORA_RANK}")


def check_policy(cfg: TrainConfig, base_path: str, adapter_path: str | None) -> None:
    """The LoRA this run trains, applied to the model's skeleton before any weight is read: built from
    its config on the meta device (no memory, no weights), so a target module the model lacks, a target
    on tied embeddings or an adapter config PEFT cannot apply is one line now, not after the load."""
    from peft import get_peft_model
    from transformers import AutoConfig, AutoModelForCausalLM

    try:
        config = AutoConfig.from_pretrained(base_path)
        with torch.device("meta"):
            skeleton = AutoModelForCausalLM.from_config(config)
    except (OSError, ValueError, KeyError) as exc:
        raise ExpoError(f"cannot load base model {base_path}: {first_line(exc)}")
    continued = bool(adapter_path) and not cfg.from_base
    lora = lora_config(cfg, adapter_path)
    check_lora(lora, config)
    modules = dict(skeleton.named_modules())
    names = {name.rsplit(".", 1)[-1] for name in modules}
    targets = lora.target_modules if isinstance(lora.target_modules, (list, set, tuple)) else []
    for target in sorted(targets, key=str):  # PEFT needs one name to match; a misspelt other would be ignored
        if str(target).rsplit(".", 1)[-1] not in names:
            linear = sorted({n.rsplit(".", 1)[-1] for n, m in modules.items() if isinstance(m, torch.nn.Linear)})
            where = f"adapter {adapter_path}: target_modules" if continued else "--target-modules"
            raise ExpoError(f"{where} {target}: {config.model_type} has no module of that name "
                            f"(its linear layers: {', '.join(linear)})")
    where = f"adapter {adapter_path}: target_modules {lora.target_modules!r}" if continued \
        else f"--target-modules {cfg.target_modules}"
    try:
        with torch.device("meta"):
            wrapped = get_peft_model(skeleton, lora)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # what a bad config raises, meta or not
        if continued:
            raise _adapter_error(adapter_path, exc)
        reason = re.sub(r"Target module \w+\(.*\) is not supported", "a LoRA on that module is not supported",
                        " ".join(str(exc).split()))  # PEFT prints the whole module
        raise ExpoError(f"--target-modules {cfg.target_modules}: {reason[:200]}")
    refuse_wrapped_tied_embeddings(wrapped, skeleton, config, where)


def wrap_lora(cfg: TrainConfig, base, adapter_path: str | None, log: Callable[[str], None]):
    """The round's adapter on `base` (trainable), or a fresh LoRA; adapter weights in fp32 whatever
    the base dtype (PEFT's autocast_adapter_dtype)."""
    from peft import PeftModel, get_peft_model

    if adapter_path and not cfg.from_base:
        try:
            model = PeftModel.from_pretrained(base, adapter_path, is_trainable=True)
        except Exception as exc:  # a corrupt adapter surfaces as many different errors
            raise _adapter_error(adapter_path, exc)
        log(f"continuing the round's policy: {getattr(base, 'name_or_path', 'the base')} + adapter {adapter_path}")
    else:
        model = get_peft_model(base, lora_config(cfg, None))
    lora = model.peft_config["default"]
    check_lora(lora, base.config)
    refuse_wrapped_tied_embeddings(model, base, base.config, f"adapter {adapter_path}: target_modules "
                                   f"{lora.target_modules!r}" if adapter_path and not cfg.from_base
                                   else f"--target-modules {cfg.target_modules}")
    return model
