"""Verify once on object stores (expo_data/store/object_verified.py): a shard object whose sha256 matched is recorded
by its store, key, size and ETag/VersionId; later readers only HEAD it; an object overwritten (same size,
other bytes: a new ETag) is hashed again and caught; --verify full hashes anyway; readers write nothing
into the round. The S3 tests run against a real S3 server (moto, on 127.0.0.1) through pyarrow's client;
a store that names no version (fsspec's memory://) is hashed at every verification."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from click.testing import CliRunner

from cli.data import main as data_cli
from conftest import run_cli
from expo_data.errors import ExpoError
from expo_data.store.schema import RoundDir
from expo_data.store.shards import read_checked_shard, verify_round_dir
from test_select_scale import synthetic_round
from test_verified import a_new_process, hashes

SHARDS = 3


def objects(uri: str) -> dict[str, str]:
    """Every object under the round's prefix with its ETag: what a reader must leave as it was."""
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    listing = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix + "/")
    return {obj["Key"]: obj["ETag"] for obj in listing.get("Contents", [])}


def recorded(verified_cache) -> list[dict]:
    return [entry for file in verified_cache.cache_root().glob("*.json")
            for entry in json.loads(file.read_text())["shards"].values()]


def overwrite_same_size(uri: str, shard: int) -> None:
    """Another writer replaces a shard object with other bytes of the same size (a new ETag)."""
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    key = f"{prefix}/shards/shard-{shard:05d}-of-{SHARDS:05d}.arrow"
    client = boto3.client("s3")
    data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[len(data) // 2] ^= 0xFF
    client.put_object(Bucket=bucket, Key=key, Body=bytes(data))


@pytest.fixture
def s3_round(s3_bucket, verified_cache):
    uri = f"{s3_bucket}/verified/{uuid.uuid4().hex[:8]}"
    synthetic_round(uri, shards=SHARDS, problems_per_shard=10)
    return uri


@pytest.mark.slow
def test_a_verified_object_is_only_headed_by_later_readers(s3_round, verified_cache):
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(s3_round)) == 0  # the writer recorded what it uploaded
    verified_cache.forget()  # as if written by another machine: the first reader hashes every object
    before = objects(s3_round)
    assert hashes(lambda: verify_round_dir(s3_round)) == SHARDS
    entries = recorded(verified_cache)
    assert len(entries) == SHARDS and all(e["etag"] and e["size"] > 0 and e["sha256"] for e in entries)
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(s3_round)) == 0
    assert hashes(lambda: read_checked_shard(RoundDir(s3_round), 1, SHARDS)) == 0  # reading: no hash either
    result = []
    assert hashes(lambda: result.append(CliRunner().invoke(data_cli, ["sql", s3_round, "SELECT 1 AS one"]))) == 0
    assert result[0].exit_code == 0, result[0].output
    assert hashes(lambda: verify_round_dir(s3_round, verify="full")) == SHARDS  # forced
    assert objects(s3_round) == before  # readers wrote nothing into the round


@pytest.mark.slow
def test_an_object_overwritten_with_same_size_bytes_is_caught(s3_round, verified_cache):
    verify_round_dir(s3_round)
    a_new_process(verified_cache)
    overwrite_same_size(s3_round, 1)
    with pytest.raises(ExpoError, match="shard-0*1-of-0*3.arrow is corrupt"):
        verify_round_dir(s3_round)
    with pytest.raises(ExpoError, match="shard-0*1-of-0*3.arrow is corrupt"):
        read_checked_shard(RoundDir(s3_round), 1, SHARDS)
    result = CliRunner().invoke(data_cli, ["sql", s3_round, "SELECT 1 AS one"])
    assert result.exit_code != 0 and "corrupt" in result.output
    overwrite_same_size(s3_round, 1)  # the old bytes back, as a new object (a new ETag): hashed, and good
    assert hashes(lambda: verify_round_dir(s3_round)) == 1


@pytest.mark.slow
def test_select_on_s3_hashes_once_and_a_versioned_bucket_records_the_version(s3_bucket, verified_cache, tmp_path):
    # select runs in processes of its own: in this one, DuckDB's scan of the S3 dataset would hold up the moto
    # server's threads until the client times out. Their record starts empty (EXPO_CACHE).
    boto3.client("s3").create_bucket(Bucket="expo-versioned")
    boto3.client("s3").put_bucket_versioning(Bucket="expo-versioned", VersioningConfiguration={"Status": "Enabled"})
    uri, env = "s3://expo-versioned/round", {"EXPO_CACHE": str(tmp_path / "cache")}
    synthetic_round(uri, shards=SHARDS, problems_per_shard=10)
    first = run_cli("expo-data", "select", uri, env=env, check=True)
    assert f"sha256 of {SHARDS} shards" in first.stderr  # hashed as they were read
    entries = [entry for file in (tmp_path / "cache" / "verified").glob("*.json")
               for entry in json.loads(file.read_text())["shards"].values()]
    assert len(entries) == SHARDS and all(e["version_id"] and e["etag"] for e in entries)
    assert "sha256 of 0 shards" in run_cli("expo-data", "select", uri, env=env, check=True).stderr
    forced = run_cli("expo-data", "select", "--verify", "full", uri, env=env, check=True)
    assert f"sha256 of {SHARDS} shards" in forced.stderr


def test_a_store_that_names_no_version_is_hashed_every_time(verified_cache):
    """fsspec's memory:// gives no ETag: nothing could tell an overwritten object, so nothing is recorded."""
    import fsspec

    uri = f"memory://unversioned-{uuid.uuid4().hex[:8]}"
    synthetic_round(uri, shards=SHARDS, problems_per_shard=5)
    assert hashes(lambda: verify_round_dir(uri)) == SHARDS
    assert hashes(lambda: verify_round_dir(uri)) == SHARDS and recorded(verified_cache) == []
    path = f"/{uri.removeprefix('memory://')}/shards/shard-00002-of-00003.arrow"
    data = bytearray(fsspec.filesystem("memory").cat(path))
    data[len(data) // 2] ^= 0xFF
    fsspec.filesystem("memory").pipe(path, bytes(data))  # same size, other bytes: a size check would pass it
    with pytest.raises(ExpoError, match="shard-0*2-of-0*3.arrow is corrupt"):
        verify_round_dir(uri)
