"""Rounds on object storage: a real S3 server (moto, on 127.0.0.1) behind pyarrow's own S3 client;
generate writes there, sql and select read there, train consumes and uploads, a half-written shard
object is regenerated."""

import json
from collections import Counter
from pathlib import Path

import boto3
import pytest

from conftest import TINY_GEN, run_cli
from expo_data.errors import ExpoError
from expo_data.store.shards import load_round
from expo_data.store.storage import Store, is_remote, join, redact

TRAIN = ["--batch-size", 4, "--lr", 5e-3, "--no-progress", "--lora-r", 8]


def keys(bucket_uri: str, prefix: str) -> set[str]:
    bucket = bucket_uri.removeprefix("s3://")
    listing = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return {obj["Key"][len(prefix):] for obj in listing.get("Contents", [])}


def test_locations():
    assert is_remote("s3://b/x") and is_remote("gs://b/x") and not is_remote("/tmp/x") and not is_remote("file:///tmp/x")
    assert join("s3://b/x/", "round0", "eval") == "s3://b/x/round0/eval"
    assert str(join("/tmp/x", "round0")) == "/tmp/x/round0"
    # pyarrow takes client options after '?': kept for the client, not shown as part of the location.
    uri = join("s3://b/x?endpoint_override=127.0.0.1:9000&region=eu-west-1", "round0")
    assert uri == "s3://b/x/round0?endpoint_override=127.0.0.1:9000&region=eu-west-1"
    assert Store(uri).uri("manifest.json") == "s3://b/x/round0/manifest.json" and redact(uri) == "s3://b/x/round0"
    with pytest.raises(ExpoError, match=r"^cannot open s3://b/y: .*secret_key"):  # pyarrow's own words, one line
        Store("s3://b/y?secret_key=hush")


@pytest.fixture(scope="module")
def s3_round(s3_bucket, tiny_model_dir):
    """A round generated straight onto the S3 server."""
    uri = f"{s3_bucket}/gen/round0"
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", uri, "--limit", 6, "--shards", 3,
                   *TINY_GEN, check=True)
    return uri, proc


@pytest.mark.slow
def test_generate_writes_a_round_to_s3(s3_round, s3_bucket):
    uri, proc = s3_round
    assert "done: 6 problems" in proc.stderr
    objects = keys(s3_bucket, "gen/round0/")
    assert "manifest.json" in objects
    assert {f"shards/shard-{i:05d}-of-00003.{ext}" for i in range(3) for ext in ("arrow", "json")} <= objects
    table = load_round(uri)  # read back through the same pyarrow S3 filesystem, checks and all
    assert table.num_rows == 6 * 4 and len(set(table.column("problem_id").to_pylist())) == 6
    # Nothing was written locally under a mangled name ("s3:/gen/...").
    assert not any(p.name.startswith("s3:") for p in Path(".").iterdir())


@pytest.mark.slow
def test_sql_reads_the_remote_round(s3_round, tmp_path):
    uri, _ = s3_round
    proc = run_cli("expo-data", "sql", uri, "SELECT kind, count(*) AS n FROM samples GROUP BY kind ORDER BY kind",
                   "--format", "json", check=True)
    counts = {row["kind"]: row["n"] for row in map(json.loads, proc.stdout.splitlines())}
    assert counts == {"attempt": 12, "explanation": 6, "expert": 6}
    report = run_cli("expo-data", "report", uri, "--png", tmp_path / "report.png", check=False)
    assert "Sample quality" in report.stdout, report.stderr


@pytest.mark.slow
def test_train_consumes_a_remote_round_and_the_next_round_generates_from_its_adapter(s3_round, s3_bucket,
                                                                                      tiny_model_dir):
    uri, _ = s3_round
    proc = run_cli("expo-train", "round", "--data", uri, "--loss", "expert-sft", "--max-steps", 2, *TRAIN, check=True)
    assert f"adapter -> {uri}/adapter" in proc.stderr
    objects = keys(s3_bucket, "gen/round0/")
    assert {"adapter/adapter_config.json", "adapter/adapter_model.safetensors", "train_summary.json",
            "train_config.json", "train_metrics.jsonl"} <= objects
    assert any(k.startswith("checkpoints/step-000002/") and k.endswith("trainer_state.pt") for k in objects)
    assert json.loads(Store(uri).read_text("train_summary.json"))["steps"] == 2

    nxt = f"{s3_bucket}/gen/round1"
    run_cli("expo-data", "generate", "--model", tiny_model_dir, "--adapter", f"{uri}/adapter", "--round", 1,
            "--out", nxt, "--limit", 2, "--shards", 1, *TINY_GEN, check=True)
    manifest = json.loads(Store(nxt).read_text("manifest.json"))
    # Named by its URI (the local copy's path is machine-specific), hashed by its content.
    assert manifest["adapter"] == f"{uri}/adapter" and manifest["adapter_sha256"]
    assert load_round(nxt).num_rows == 2 * 4


@pytest.mark.slow
def test_select_and_train_on_s3(tiny_round, s3_bucket):
    uri = f"{s3_bucket}/sel/round0"
    Store(uri).upload_dir(tiny_round, "")
    proc = run_cli("expo-data", "select", uri, check=True)
    assert "8 pairs" in proc.stderr
    objects = keys(s3_bucket, "sel/round0/")
    assert {"selected/positives.arrow", "selected/pairs.arrow", "selected/groups.arrow",
            "selected/selection.json"} <= objects
    proc = run_cli("expo-train", "round", "--data", uri, "--max-steps", 2, *TRAIN, check=True)
    assert "reference check: mean |stored - recomputed| = 0.0000" in proc.stderr
    assert "adapter/adapter_model.safetensors" in keys(s3_bucket, "sel/round0/")


@pytest.mark.slow
def test_half_written_shard_object_is_regenerated(s3_bucket, tiny_model_dir):
    uri = f"{s3_bucket}/half/round0"
    args = ["expo-data", "generate", "--model", tiny_model_dir, "--out", uri, "--limit", 6, "--shards", 3, *TINY_GEN]
    run_cli(*args, check=True)
    before = load_round(uri)
    # A writer that died between its two uploads: the shard object is there (here: a truncated one),
    # its sidecar, the commit marker, is not.
    store = Store(uri)
    shard = "shards/shard-00001-of-00003.arrow"
    store.write_bytes(shard, store.read_bytes(shard)[:100])
    store.delete("shards/shard-00001-of-00003.json")
    proc = run_cli("expo-data", "sql", uri, "SELECT 1", check=False)
    assert proc.returncode == 2 and "shard-00001-of-00003.arrow is missing" in proc.stderr
    proc = run_cli(*args, check=True)
    assert "(2 complete, 1 missing, 0 corrupt)" in proc.stderr and "done: 2 problems" in proc.stderr
    after = load_round(uri)
    assert after.num_rows == before.num_rows
    assert Counter(after.column("problem_id").to_pylist()) == Counter(before.column("problem_id").to_pylist())


@pytest.mark.slow
def test_bad_remote_locations_fail_in_one_line(s3_bucket, tiny_model_dir):
    proc = run_cli("expo-data", "sql", f"{s3_bucket}/nothing-here", "SELECT 1")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "not a round dir" in proc.stderr
    # Found before any engine starts: the output location is probed first.
    proc = run_cli("expo-data", "generate", "--model", tiny_model_dir, "--out", "s3://no-such-bucket-expo/r0",
                   "--limit", 1, *TINY_GEN)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "NO_SUCH_BUCKET" in proc.stderr
    proc = run_cli("expo-train", "loop", "--out", f"{s3_bucket}/loop", "--rounds", 1)
    assert proc.returncode == 2 and "local or shared filesystem" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_eval_writes_to_s3_and_the_report_finds_it(s3_round, tiny_model_dir, tmp_path):
    round_uri, _ = s3_round
    uri = f"{round_uri}/eval"
    proc = run_cli("expo-data", "eval", "--model", tiny_model_dir, "--out", uri, "--limit", 3, "--k", 2, "--shards", 1,
                   "--max-tokens", 8, "--enforce-eager", "--no-progress", "--dtype", "float32", "--max-model-len", 512,
                   check=True)
    assert f"-> {uri}/eval.json" in proc.stderr
    record = json.loads(Store(uri).read_text("eval.json"))
    assert record["k"] == 2 and "all" in record["pass_at_1_greedy"]
    assert load_round(join(uri, "sampled")).num_rows == 3 * 2
    report = run_cli("expo-data", "report", round_uri, "--png", tmp_path / "report.png", check=True)
    assert "Held-out accuracy" in report.stdout


@pytest.mark.slow
def test_local_round_adapter_to_s3(tiny_round, s3_bucket, tmp_path):
    import shutil

    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    proc = run_cli("expo-train", "round", "--data", data, "--out", f"{s3_bucket}/adapters/a1", "--max-steps", 1, *TRAIN,
                   check=True)
    assert f"adapter -> {s3_bucket}/adapters/a1" in proc.stderr
    assert {"adapter_config.json", "adapter_model.safetensors"} <= keys(s3_bucket, "adapters/a1/")
    # The run's records live with its adapter (OUT.run); nothing of this run is left in the round.
    assert f"records -> {s3_bucket}/adapters/a1.run" in proc.stderr
    assert {"train_summary.json", "train_config.json", "train_metrics.jsonl"} <= keys(s3_bucket, "adapters/a1.run/")
    assert any(k.startswith("checkpoints/step-000001/") for k in keys(s3_bucket, "adapters/a1.run/"))
    assert not any((data / name).exists() for name in ("adapter", "train_summary.json", "checkpoints"))
