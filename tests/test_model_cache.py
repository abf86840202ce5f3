"""The merged-model cache (CPU LoRA serving) is bounded: it keeps the most recently used merges and
touches nothing it did not name itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

from expo_data.model import MERGED_KEEP, prune_merged


def _fake_merge(root: Path, name: str, age_s: float) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / "config.json").write_text("{}")
    (path / "model.safetensors").write_bytes(b"w")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_prune_keeps_the_newest_and_only_removes_its_own_entries(tmp_path):
    merges = [_fake_merge(tmp_path, f"{i:024x}", age_s=100 - i) for i in range(6)]  # merges[5] newest
    foreign = _fake_merge(tmp_path, "my-model", age_s=1000)  # a name this cache never writes
    not_a_model = tmp_path / ("f" * 24)
    not_a_model.mkdir()
    (not_a_model / "notes.txt").write_text("mine")
    os.utime(not_a_model, (0, 0))
    link = tmp_path / ("e" * 24)
    link.symlink_to(merges[0])
    half_written = tmp_path / f".{'a' * 24}.tmp-xyz"  # an atomic_dir temp of a merge in progress
    half_written.mkdir()

    removed = prune_merged(tmp_path, keep=3)

    assert sorted(removed) == sorted(merges[:3])
    assert [m.exists() for m in merges] == [False, False, False, True, True, True]
    assert foreign.exists() and (not_a_model / "notes.txt").exists() and half_written.exists()
    assert link.is_symlink()


def test_a_cache_hit_is_the_last_to_go(tmp_path, monkeypatch):
    from expo_data import model

    monkeypatch.setenv("EXPO_CACHE", str(tmp_path))
    monkeypatch.setattr(model, "fingerprint_dir", lambda path: f"fp-{path}")
    import hashlib

    key = hashlib.sha256(b"fp-base:fp-adapter:fp32").hexdigest()[:24]
    root = tmp_path / "merged"
    hit = _fake_merge(root, key, age_s=1000)  # the oldest entry...
    others = [_fake_merge(root, f"{i:024x}", age_s=10 + i) for i in range(MERGED_KEEP)]

    assert model.merged_model_dir("base", "adapter") == str(hit)  # ...is served from the cache...
    prune_merged(root, keep=MERGED_KEEP)
    assert hit.exists()  # ...and, just used, outlives the least recently used one
    assert not others[-1].exists() and all(o.exists() for o in others[:-1])
