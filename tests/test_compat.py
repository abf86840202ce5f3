"""A round written by an earlier version (tests/fixtures/round_v2: `expo-data generate` + `select` at
commit 39dd426, before the one-home-per-idea refactor) still resumes, selects and trains."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from expo_data.store.schema import RoundDir, read_arrow

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"


@pytest.fixture
def old_round(tmp_path):
    out = tmp_path / "round1"
    shutil.copytree(FIXTURE, out)
    return out


def test_old_round_resumes_with_nothing_to_regenerate(old_round, monkeypatch):
    """The current code computes the same configuration hash for the command that wrote the round and
    finds every shard complete. Only the machine-specific facts (where the base model lives, its
    hash, what `--dtype auto` resolved to there) are taken from the manifest."""
    from expo_data.generate import plan as gen  # where the plan looks the model up and resolves the dtype
    from expo_data.generate.problems import FieldMap

    manifest = json.loads((old_round / "manifest.json").read_text())
    monkeypatch.setattr(gen, "resolve_model", lambda model, log=print: manifest["base_model"])
    monkeypatch.setattr(gen, "fingerprint_dir", lambda path: {manifest["base_model"]: manifest["base_model_sha256"]}.get(path))
    monkeypatch.setattr(gen, "resolve_dtype", lambda requested, model, on_cpu: (manifest["dtype"], manifest["dtype_reason"]))
    sampling = manifest["sampling"]
    cfg = gen.GenerateConfig(out=old_round, problems=manifest["problem_source"], fields=FieldMap(**manifest["problem_fields"]),
                             attempts=sampling["attempts"], explanations=sampling["explanations"], shards=manifest["shards"],
                             max_tokens=sampling["max_tokens"], temperature=sampling["temperature"], top_p=sampling["top_p"],
                             seed=manifest["seed"], round=manifest["round"], limit=manifest["limit"],
                             dtype=manifest["dtype_requested"], max_model_len=manifest["max_model_len"])
    plan = gen.plan(cfg, log=lambda m: None)
    assert plan.manifest["config_hash"] == manifest["config_hash"]
    assert plan.todo == [] and set(plan.statuses.values()) == {"complete"}


def test_old_round_selects_the_same_rows(old_round):
    from expo_data.select import select

    before = {name: read_arrow(RoundDir(FIXTURE).selected / f"{name}.arrow") for name in ("positives", "pairs", "groups")}
    shutil.rmtree(RoundDir(old_round).selected)
    record = select(old_round, log=lambda m: None)
    assert record["rows"] == {name: table.num_rows for name, table in before.items()}
    assert record["rows"]["positives"] > 0 and record["rows"]["pairs"] > 0
    for name in ("positives", "pairs"):
        assert read_arrow(RoundDir(old_round).selected / f"{name}.arrow").equals(before[name]), name
    # Group rows are keys since issue 20 (the trainer reads the attempt's columns from the shards): the
    # same rows and numbers, the advantage to its last digit (the old stddev_pop rounded it run by run).
    from test_select_scale import assert_same_groups, expanded_groups

    groups = read_arrow(RoundDir(old_round).selected / "groups.arrow")
    assert_same_groups(groups, before["groups"].select(groups.column_names))
    assert_same_groups(expanded_groups(old_round), before["groups"])


@pytest.mark.slow
def test_old_round_trains(old_round, smollm_dir):
    # The base model's location is machine-specific; everything else is read as written.
    from expo_data.model import fingerprint_dir

    manifest = json.loads((old_round / "manifest.json").read_text())
    manifest.update(base_model=str(smollm_dir), base_model_sha256=fingerprint_dir(str(smollm_dir)))
    (old_round / "manifest.json").write_text(json.dumps(manifest))
    proc = run_cli("expo-train", "round", "--data", old_round, "--loss", "exp-dpo+sft", "--max-steps", 1,
                   "--batch-size", 2, "--no-progress", check=True)
    assert "trained exp-dpo+sft: 1 steps" in proc.stderr
    assert (RoundDir(old_round).adapter / "adapter_model.safetensors").exists()
