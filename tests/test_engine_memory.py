"""The CPU engine's KV cache: sized to what the engine can use at most, capped by the memory fraction."""

from __future__ import annotations

import json
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.generate.engine import CPU_MAX_NUM_SEQS, cpu_kv_cache_bytes

HOST_BYTES = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def model_dir(tmp_path, **config):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.json").write_text(json.dumps(config))
    return str(tmp_path)


@settings(max_examples=60, deadline=None)
@given(layers=st.integers(1, 80), heads=st.sampled_from([1, 2, 4, 8, 32]), kv_ratio=st.sampled_from([1, 2, 4]),
       head_dim=st.sampled_from([32, 64, 128]), length=st.integers(16, 32768),
       dtype=st.sampled_from(["float32", "bfloat16", "float16"]), nested=st.booleans())
def test_the_cache_holds_every_sequence_at_full_length_or_is_left_to_vllm(tmp_path_factory, layers, heads, kv_ratio,
                                                                         head_dim, length, dtype, nested):
    kv_heads = max(1, heads // kv_ratio)
    config = {"num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kv_heads,
              "hidden_size": heads * head_dim}
    path = model_dir(tmp_path_factory.mktemp("m"), **({"text_config": config} if nested else config))
    size = cpu_kv_cache_bytes(path, dtype, length, 0.3)
    # The reference: K and V of every layer for every token of every sequence, in the serving dtype
    # (plus one 16-token block of slack per sequence).
    per_sequence = 2 * layers * kv_heads * head_dim * {"float32": 4}.get(dtype, 2)
    need, slack = CPU_MAX_NUM_SEQS * length * per_sequence, CPU_MAX_NUM_SEQS * 16 * per_sequence
    if size is None:
        assert (need + slack) * 1.1 >= 0.3 * HOST_BYTES * 0.99
    else:
        assert need <= size < 0.3 * HOST_BYTES and size <= (need + slack) * 1.25


def test_a_config_it_cannot_read_leaves_the_size_to_vllm(tmp_path):
    assert cpu_kv_cache_bytes(str(tmp_path / "absent"), "float32", 512, 0.3) is None
    assert cpu_kv_cache_bytes(model_dir(tmp_path / "a", model_type="mamba"), "float32", 512, 0.3) is None
    assert cpu_kv_cache_bytes(model_dir(tmp_path / "b", num_hidden_layers=2, num_attention_heads=2, hidden_size=128),
                              "float8", 512, 0.3) is None


def test_a_smaller_memory_share_caps_it(tmp_path):
    path = model_dir(tmp_path, num_hidden_layers=2, num_attention_heads=2, hidden_size=128)
    size = cpu_kv_cache_bytes(path, "float32", 512, 0.3)
    assert size is not None and cpu_kv_cache_bytes(path, "float32", 512, size / HOST_BYTES / 2) is None
