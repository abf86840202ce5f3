"""LoRA on a tied lm_head is refused on the modules PEFT wrapped, not on names (issue 29, item 3): a regex
target_modules string in a continued adapter names no module the name check sees."""

import json

import pytest
import torch

from expo_data.errors import ExpoError

REGEX = ".*(q_proj|lm_head)"


def _config_dir(tmp_path, tiny_model_dir, tied: bool):
    """The tiny Llama's config only (the checks run on a meta-device skeleton: no weights needed)."""
    out = tmp_path / ("tied" if tied else "untied")
    out.mkdir(exist_ok=True)
    config = json.loads((tiny_model_dir / "config.json").read_text())
    (out / "config.json").write_text(json.dumps({**config, "tie_word_embeddings": tied}))
    return out


def _adapter_config(tmp_path, target_modules):
    from peft import LoraConfig

    out = tmp_path / "adapter"
    LoraConfig(r=4, target_modules=target_modules, task_type="CAUSAL_LM").save_pretrained(out)
    return out


def test_regex_target_on_tied_lm_head_is_refused_on_the_skeleton(tmp_path, tiny_model_dir):
    from expo_train.lora import check_policy
    from expo_train.trainer import TrainConfig

    adapter = _adapter_config(tmp_path, REGEX)
    with pytest.raises(ExpoError) as err:
        check_policy(TrainConfig(data="."), str(_config_dir(tmp_path, tiny_model_dir, tied=True)), str(adapter))
    message = str(err.value)
    assert "\n" not in message and "puts a LoRA on lm_head" in message and REGEX in message
    # The same adapter on an untied model is fine (memory.py applies the lm_head LoRA in the chunked path).
    check_policy(TrainConfig(data="."), str(_config_dir(tmp_path, tiny_model_dir, tied=False)), str(adapter))
    # A regex that wraps no embedding passes on the tied model too.
    check_policy(TrainConfig(data="."), str(_config_dir(tmp_path, tiny_model_dir, tied=True)),
                 str(_adapter_config(tmp_path / "q", ".*q_proj")))


def test_regex_target_on_tied_lm_head_is_refused_when_wrapping_the_loaded_model(tmp_path, tiny_model_dir):
    """wrap_lora decides on the loaded model too (the second line of defence, e.g. a skeleton-less caller)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from expo_train.lora import wrap_lora
    from expo_train.trainer import TrainConfig

    def base():
        return AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)

    adapter = tmp_path / "written"
    get_peft_model(base(), LoraConfig(r=4, target_modules=REGEX)).save_pretrained(adapter, save_embedding_layers=False)
    with pytest.raises(ExpoError, match="puts a LoRA on lm_head, but this model ties"):
        wrap_lora(TrainConfig(data="."), base(), str(adapter), log=lambda m: None)
