"""The dtype is decided in one place (model.resolve_dtype, by purpose: the engines' `auto` and the
trainer's `auto` are different rules), recorded with its reason, and read by the engine, the trainer
and the log-prob path; the loop and Ray slices pass on what the user asked. No GPU and no vLLM here:
device facts are passed in, and the engine is a recorder."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from expo_data.errors import ExpoError
from expo_data.model import DTYPES, NATIVE_BF16_FLAGS, resolve_dtype

FLAGS = st.sets(st.sampled_from(["fpu", "sse4_2", "avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "neon"]))
SAVED = st.sampled_from([None, "float32", "bfloat16", "float16"])


def saved_model(tmp_path, dtype: str | None):
    """A model dir holding just the config.json that the GPU rule reads."""
    folder = tmp_path / f"model-{dtype}"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"torch_dtype": dtype} if dtype else {}))
    return str(folder)


# --- the resolver, for the engines (generate) ---------------------------------------------------------
@given(flags=FLAGS)
def test_cpu_auto_is_bf16_exactly_where_the_processor_has_native_bf16(flags):
    dtype, reason = resolve_dtype("auto", "no-such-model", on_cpu=True, flags=lambda: flags)
    assert dtype == ("bfloat16" if flags & set(NATIVE_BF16_FLAGS) else "float32")
    assert reason.startswith("CPU has")


@given(flags=FLAGS, on_cpu=st.booleans(), purpose=st.sampled_from(["generate", "train"]),
       requested=st.sampled_from(["float32", "bfloat16", "float16", "half", "float"]))
def test_a_given_dtype_wins_on_any_device_for_any_purpose(flags, on_cpu, purpose, requested):
    dtype, reason = resolve_dtype(requested, "no-such-model", on_cpu, flags=lambda: flags, purpose=purpose)
    assert dtype == {"half": "float16", "float": "float32"}.get(requested, requested) and reason == "--dtype given"


@pytest.mark.parametrize("saved,expected", [("float16", "float16"), ("float32", "float32"), ("bfloat16", "bfloat16"),
                                            (None, "bfloat16")])
def test_gpu_auto_keeps_the_models_saved_dtype(tmp_path, saved, expected):
    flags_read = []
    dtype, reason = resolve_dtype("auto", saved_model(tmp_path, saved), on_cpu=False,
                                  flags=lambda: flags_read.append(1) or {"avx512_bf16"})
    assert dtype == expected and reason.startswith("GPU") and not flags_read  # the host CPU plays no part


@pytest.mark.parametrize("purpose", ["generate", "train"])
@pytest.mark.parametrize("bad", ["float64", "int8", "", "Auto"])
def test_a_dtype_no_stage_can_use_is_one_error_line(bad, purpose):
    with pytest.raises(ExpoError, match="--dtype must be auto, float32, bfloat16 or float16"):
        resolve_dtype(bad, "no-such-model", True, flags=set, purpose=purpose)
    assert DTYPES == ("auto", "float32", "bfloat16", "float16")


def test_an_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        resolve_dtype("auto", "no-such-model", True, flags=set, purpose="serve")


# --- the resolver, for training: today's rule, whatever the processor or the model say -----------------
@given(flags=FLAGS, on_cpu=st.booleans(), saved=SAVED)
def test_train_auto_is_bf16_on_gpu_and_fp32_on_cpu(tmp_path_factory, flags, on_cpu, saved):
    """The trainer's rule (unchanged from before the one resolver): an AVX512-bf16 CPU still trains in
    fp32, a GPU trains in bf16 even for a model saved in fp32 or fp16; the CPU flags are never read."""
    model = saved_model(tmp_path_factory.mktemp("m"), saved)
    flags_read = []
    dtype, reason = resolve_dtype("auto", model, on_cpu, flags=lambda: flags_read.append(1) or flags, purpose="train")
    assert dtype == ("float32" if on_cpu else "bfloat16") and not flags_read
    assert reason.startswith("training on")


# --- the trainer -----------------------------------------------------------------------------------
def train_cfg(dtype="auto", **kwargs):
    from expo_train.trainer import TrainConfig

    return TrainConfig(data="unused", dtype=dtype, **kwargs)


@pytest.mark.parametrize("cuda,expected", [(False, torch.float32), (True, torch.bfloat16)])
def test_trainer_auto_follows_the_device(monkeypatch, cuda, expected):
    from expo_train import trainer

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert trainer.base_dtype(train_cfg()) == expected
    assert trainer.dtype_choice(train_cfg())[1] == f"training on {'GPU: bf16' if cuda else 'CPU: fp32'}"


@pytest.mark.parametrize("cuda", [False, True])
def test_trainer_given_dtype_wins_and_aliases_are_read(monkeypatch, cuda):
    from expo_train import trainer

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert trainer.base_dtype(train_cfg("float32")) == torch.float32
    assert trainer.base_dtype(train_cfg("half")) == torch.float16
    assert trainer.dtype_choice(train_cfg("bfloat16")) == ("bfloat16", "--dtype given")


@pytest.mark.parametrize("bad", ["float64", "int8", "", "Auto"])
def test_trainer_refuses_a_dtype_it_cannot_train_in(bad):
    from expo_train.trainer import base_dtype

    with pytest.raises(ExpoError, match="--dtype must be auto, float32, bfloat16 or float16"):
        base_dtype(train_cfg(bad))


@pytest.mark.slow
def test_cpu_training_of_a_bf16_round_stays_fp32(tmp_path, tiny_round):
    """One real (tiny) training step on CPU of a round whose manifest says bfloat16 (as a round generated
    on an AVX512-bf16 CPU would): the base trains in fp32, and the record names the dtype and why."""
    from expo_train import trainer

    if torch.cuda.is_available():
        pytest.skip("a CPU test")
    data = tmp_path / "round"
    shutil.copytree(tiny_round, data)
    manifest = json.loads((data / "manifest.json").read_text())
    manifest.update(dtype="bfloat16", dtype_reason="CPU has native bf16 (avx512_bf16)", logprob_dtype="bfloat16")
    (data / "manifest.json").write_text(json.dumps(manifest))
    trainer.train_round(trainer.TrainConfig(data=data, batch_size=4, max_steps=1, progress=False), log=lambda m: None)
    record = json.loads((data / "train_config.json").read_text())
    assert record["base_dtype"] == "float32" and record["base_dtype_reason"] == "training on CPU: fp32"


# --- the log-prob path -----------------------------------------------------------------------------
@pytest.mark.parametrize("device,dtype,expected", [
    ("cuda", torch.float32, None),  # --dtype float32 on a GPU: no silent bf16
    ("cuda", torch.bfloat16, torch.bfloat16),
    ("cuda", torch.float16, torch.float16),
    ("cpu", torch.bfloat16, None),
    ("cpu", torch.float32, None),
])
def test_autocast_only_to_the_resolved_half_precision_on_cuda(device, dtype, expected):
    from expo_train.memory import autocast_dtype

    assert autocast_dtype(device, dtype) == expected


def tiny_llama(dtype):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    return LlamaForCausalLM(config).to(dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_logprob_module_follows_the_base_dtype_or_the_given_one(dtype):
    from expo_train.memory import CompletionLogps

    assert CompletionLogps(tiny_llama(dtype)).base_dtype == dtype
    assert CompletionLogps(tiny_llama(dtype), torch.float16).base_dtype == torch.float16


def test_logprob_module_under_lora_sees_the_base_dtype_not_the_fp32_adapter():
    """PEFT adds fp32 LoRA weights inside the bf16 base: the autocast dtype is the base's."""
    from peft import LoraConfig, get_peft_model

    from expo_train.memory import CompletionLogps

    policy = get_peft_model(tiny_llama(torch.bfloat16), LoraConfig(r=4, target_modules=["q_proj", "v_proj"]))
    assert any(p.dtype == torch.float32 for p in policy.parameters() if p.requires_grad)
    assert CompletionLogps(policy).base_dtype == torch.bfloat16


# --- generate: the engine reads the manifest; Ray slices keep the user's request ------------------------
def test_engine_serves_the_manifests_dtype_not_a_fresh_reading(monkeypatch):
    from expo_data.generate import driver as gen

    seen = {}
    monkeypatch.setattr(gen, "Engine", lambda *args, **kwargs: seen.update(kwargs))
    gen.engine_for(gen.GenerateConfig(out="unused", dtype="auto"), {"base_model": "m", "dtype": "float32"})
    assert seen["dtype"] == "float32"


@pytest.mark.parametrize("requested", ["auto", "bfloat16"])
def test_slices_record_what_the_user_asked_and_serve_what_the_driver_resolved(requested):
    from expo_data.generate import driver as gen
    from expo_data.generate.cluster import slice_config

    cfg = gen.GenerateConfig(out="unused", dtype=requested, shards=2)
    # The driver resolved for its (GPU) workers; the slice itself runs on a CPU that would resolve otherwise.
    driver = gen.build_manifest(cfg, [], "no-such-model", None, on_cpu=False)
    sliced = slice_config(cfg, driver)
    assert sliced.dtype == requested and (sliced.overwrite, sliced.progress, sliced.dry_run) == (False, False, False)
    gen.validate(sliced)
    worker = gen.build_manifest(sliced, [], "no-such-model", None, on_cpu=True)
    assert worker["dtype_requested"] == requested
    assert (worker["dtype"], worker["dtype_reason"]) == (driver["dtype"], driver["dtype_reason"])
    assert worker["config_hash"] == driver["config_hash"]  # the slice's shards belong to the driver's round


def test_generate_records_an_alias_as_the_dtype_the_engine_reports():
    """--dtype half: the manifest's dtype is float16, the name the engine reports (the check that a
    reused engine serves the round's dtype compares the two)."""
    from expo_data.generate import driver as gen

    manifest = gen.build_manifest(gen.GenerateConfig(out="unused", dtype="half"), [], "no-such-model", None, on_cpu=True)
    assert (manifest["dtype"], manifest["dtype_requested"]) == ("float16", "half")


# --- the loop: --dtype reaches training too -------------------------------------------------------
@pytest.mark.parametrize("given", [None, "float32", "bfloat16"])
def test_loop_passes_dtype_to_every_stage(monkeypatch, tmp_path, given):
    from click.testing import CliRunner

    import expo_train.loop as loop
    from cli.train import main

    captured = {}

    class Stop(Exception):
        pass

    def capture(rounds, out, gen, train, eval_cfg, k, **kwargs):
        captured.update(gen=gen, train=train, eval_cfg=eval_cfg)
        raise Stop

    monkeypatch.setattr(loop, "validate_loop", capture)
    args = ["loop", "--out", str(tmp_path / "loop"), "--rounds", "1"] + (["--dtype", given] if given else [])
    result = CliRunner().invoke(main, args)  # the CLI reports Stop as one error line, after the capture
    assert "Stop" in result.output and captured, result.output
    expected = given or "auto"
    assert captured["train"].dtype == captured["gen"].dtype == captured["eval_cfg"].dtype == expected


def test_loop_refuses_a_dtype_training_cannot_use_before_any_engine(tmp_path):
    from expo_data.generate import GenerateConfig
    from expo_train.loop import validate_loop
    from expo_train.trainer import TrainConfig

    gen = GenerateConfig(out=tmp_path / "loop", dtype="auto")
    with pytest.raises(ExpoError, match="--dtype must be"):
        validate_loop(1, tmp_path / "loop", gen, TrainConfig(data=tmp_path / "loop", dtype="float64"), gen, 2)
