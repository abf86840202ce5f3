"""Verify once (expo_data/store/verified.py): a shard whose sha256 matched is not hashed again by a later
process while its device, inode, size, mtime and ctime are unchanged; any change, a corrupted or
unwritable record, or --verify full means hashing again, never an error or a wrong answer."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.data import main as data_cli
from expo_data.errors import ExpoError
from expo_data.store.shards import HASH_COST, verify_round_dir
from test_select_scale import synthetic_round


def hashes(action) -> int:
    """How many shards `action` hashed (sha256 over the file's bytes) in this process."""
    before = HASH_COST["files"]
    action()
    return HASH_COST["files"] - before


@pytest.fixture
def round_dir(tmp_path, verified_cache):
    out = synthetic_round(tmp_path / "r", shards=3, problems_per_shard=10)
    verified_cache.forget()  # as if written on another machine: nothing recorded
    return out


def a_new_process(verified_cache):
    """What a later process sees: the record on disk, nothing in memory."""
    verified_cache.forget_in_process()


def test_a_verified_shard_is_only_stated_by_later_processes(round_dir, verified_cache):
    assert hashes(lambda: verify_round_dir(round_dir)) == 3
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(round_dir)) == 0
    assert hashes(lambda: verify_round_dir(round_dir, verify="full")) == 3  # forced: hashed whatever the record
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(round_dir)) == 0


def test_the_writer_records_what_it_wrote(tmp_path, verified_cache):
    out = synthetic_round(tmp_path / "w", shards=2, problems_per_shard=10)  # write_shard: what generate calls
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(out)) == 0


def test_sql_and_select_use_the_record_and_verify_full_forces_a_hash(round_dir, verified_cache):
    runner = CliRunner()
    first = hashes(lambda: runner.invoke(data_cli, ["sql", str(round_dir), "SELECT count(*) AS n FROM samples"]))
    assert first == 3
    a_new_process(verified_cache)
    result = []
    assert hashes(lambda: result.append(runner.invoke(data_cli, ["sql", str(round_dir), "SELECT 1 AS one"]))) == 0
    assert result[0].exit_code == 0, result[0].output
    a_new_process(verified_cache)
    assert hashes(lambda: runner.invoke(data_cli, ["sql", "--verify", "full", str(round_dir), "SELECT 1 AS one"])) == 3
    a_new_process(verified_cache)
    assert hashes(lambda: runner.invoke(data_cli, ["select", str(round_dir)])) == 0
    assert (round_dir / "selected" / "selection.json").is_file()
    a_new_process(verified_cache)
    assert hashes(lambda: runner.invoke(data_cli, ["select", "--verify", "full", str(round_dir)])) == 3
    bad = runner.invoke(data_cli, ["sql", "--verify", "sometimes", str(round_dir), "SELECT 1"])
    assert bad.exit_code == 2 and "sometimes" in bad.output


def rewrite_in_place(shard: Path, keep_mtime: bool) -> None:
    """Same file (inode), same size, other bytes; its mtime set back to the old one if `keep_mtime`."""
    before = os.stat(shard)
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    with open(shard, "r+b") as f:
        f.write(data)
    if keep_mtime:
        os.utime(shard, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        os.utime(shard, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    after = os.stat(shard)
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
    assert (after.st_mtime_ns == before.st_mtime_ns) == keep_mtime


@pytest.mark.parametrize("keep_mtime", [False, True], ids=["new mtime", "mtime set back (ctime still moves)"])
def test_a_shard_changed_behind_the_record_is_caught(round_dir, verified_cache, keep_mtime):
    verify_round_dir(round_dir)
    a_new_process(verified_cache)
    shard = sorted((round_dir / "shards").glob("*.arrow"))[1]
    rewrite_in_place(shard, keep_mtime)
    with pytest.raises(ExpoError, match="shard-0*1-of-0*3.arrow is corrupt"):
        verify_round_dir(round_dir)


def test_the_record_is_keyed_by_the_sidecar_hash(round_dir, verified_cache):
    verify_round_dir(round_dir)
    a_new_process(verified_cache)
    sidecar = sorted((round_dir / "shards").glob("*.json"))[0]
    record = json.loads(sidecar.read_text())
    record["sha256"] = "0" * 64  # the shard is unchanged, but no longer what its sidecar vouches for
    sidecar.write_text(json.dumps(record))
    with pytest.raises(ExpoError, match="shard-0*-of-0*3.arrow is corrupt"):
        verify_round_dir(round_dir)


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b"[1, 2]", b'{"version": 1, "shards": {"shard-0-of-3.arrow": '
                                     b'{"sha256": 5, "ino": "x"}}}', b'{"version": 1, "shards": []}', b""])
def test_a_corrupted_record_costs_a_rehash_only(round_dir, verified_cache, garbage):
    verify_round_dir(round_dir)
    files = list(verified_cache.cache_root().glob("*.json"))
    assert len(files) == 1
    files[0].write_bytes(garbage)
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(round_dir)) == 3
    a_new_process(verified_cache)  # and the record was written whole again
    assert hashes(lambda: verify_round_dir(round_dir)) == 0


def test_an_unwritable_cache_dir_fails_no_read(round_dir, verified_cache, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way of the cache dir")  # not even root can make a dir under a file
    monkeypatch.setattr(verified_cache, "cache_root", lambda: blocker / "verified")
    assert hashes(lambda: verify_round_dir(round_dir)) == 3
    assert hashes(lambda: verify_round_dir(round_dir)) == 0  # this process still remembers
    a_new_process(verified_cache)
    assert hashes(lambda: verify_round_dir(round_dir)) == 3  # nothing was written: hashed again


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only dir")
def test_a_read_only_cache_dir_fails_no_read(round_dir, verified_cache):
    verify_round_dir(round_dir)
    root = verified_cache.cache_root()
    os.chmod(root, 0o500)
    try:
        sorted((round_dir / "shards").glob("*.arrow"))[0].touch()  # needs a new record entry
        a_new_process(verified_cache)
        assert hashes(lambda: verify_round_dir(round_dir)) == 1
    finally:
        os.chmod(root, 0o700)


def _record_many(root: str, shard_dir: str, names: list[str], rounds: int) -> None:
    from expo_data.store import verified

    verified.cache_root = lambda: Path(root)
    for _ in range(rounds):
        for name in names:
            verified.record(os.path.join(shard_dir, name), "ab" * 32)
            verified.flush()  # one merge and atomic replace per entry: as many races as possible


def test_concurrent_writers_never_corrupt_or_lose_entries(tmp_path, verified_cache):
    shard_dir = tmp_path / "shards"
    shard_dir.mkdir()
    groups = [[f"shard-{w}-{i}.arrow" for i in range(5)] for w in range(4)]
    for name in sum(groups, []):
        (shard_dir / name).write_bytes(b"x")
    root = verified_cache.cache_root()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_record_many, args=(str(root), str(shard_dir), names, 8)) for names in groups]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    (cache_file,) = root.glob("*.json")
    record = json.loads(cache_file.read_text())  # whole JSON: never half-written
    assert sorted(record["shards"]) == sorted(sum(groups, []))  # merged: no writer lost another's entries
    assert not [p for p in root.iterdir() if ".tmp-" in p.name]
    for name in sum(groups, []):
        assert verified_cache.is_verified(shard_dir / name, "ab" * 32)
        assert not verified_cache.is_verified(shard_dir / name, "cd" * 32)


def test_a_file_changed_while_it_was_hashed_is_not_recorded(tmp_path, verified_cache):
    path = tmp_path / "shard.arrow"
    path.write_bytes(b"one")
    before = verified_cache.identity(path)
    path.write_bytes(b"two and more")
    verified_cache.record(path, "ab" * 32, before)
    assert not verified_cache.is_verified(path, "ab" * 32)


def bytes_read(action) -> int:
    """Bytes this process read through read/pread calls while `action` ran (pyarrow's scan threads too)."""
    def rchar() -> int:
        return int(next(line for line in open("/proc/self/io") if line.startswith("rchar")).split()[1])

    before = rchar()
    action()
    return rchar() - before


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")
def test_sql_on_a_verified_round_reads_only_the_columns_a_query_names(tmp_path, verified_cache):
    from expo_data.select.db import connect, run_query

    out = synthetic_round(tmp_path / "big", shards=2, problems_per_shard=200)
    size = sum(p.stat().st_size for p in (out / "shards").glob("*.arrow"))
    con = connect([out])  # recorded when written: no hash
    counted = []
    small = bytes_read(lambda: counted.append(run_query(con, "SELECT kind, count(*) AS n FROM samples GROUP BY 1")))
    assert sum(counted[0].column("n").to_pylist()) == 2 * 200 * 7
    assert small < size / 20, (small, size)
    wide = bytes_read(lambda: run_query(con, "SELECT sum(list_sum(completion_token_ids)) FROM samples"))
    assert wide > size / 10  # the measure sees reads: a wide column is read


def test_report_and_open_round_take_verify_full(round_dir, verified_cache, tmp_path):
    from expo_data import open_round

    runner = CliRunner()
    png = tmp_path / "report.png"
    assert hashes(lambda: runner.invoke(data_cli, ["report", "--png", str(png), str(round_dir)])) == 3
    a_new_process(verified_cache)
    assert hashes(lambda: runner.invoke(data_cli, ["report", "--png", str(png), str(round_dir)])) == 0
    assert hashes(lambda: runner.invoke(data_cli, ["report", "--verify", "full", "--png", str(png), str(round_dir)])) == 3
    assert png.stat().st_size > 0
    a_new_process(verified_cache)
    assert hashes(lambda: open_round(round_dir)) == 0
    assert hashes(lambda: open_round(round_dir, verify="full")) == 3
    with pytest.raises(ExpoError, match="verify mode"):
        open_round(round_dir, verify="twice")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")
def test_a_verified_shard_is_read_column_by_column(tmp_path, verified_cache):
    from expo_data.store.schema import RoundDir
    from expo_data.store.shards import read_checked_shard

    out = synthetic_round(tmp_path / "big", shards=1, problems_per_shard=300)
    size = (out / "shards" / "shard-00000-of-00001.arrow").stat().st_size
    columns = ["problem_id", "kind", "sample_index", "completion_token_ids"]
    got = []
    read = bytes_read(lambda: got.append(read_checked_shard(RoundDir(out), 0, 1, columns=columns)))
    assert 0.2 * size < read < 0.5 * size  # the token ids' buffers, not the log-prob lists or the texts
    verified_cache.forget()
    hashed = []
    assert bytes_read(lambda: hashed.append(read_checked_shard(RoundDir(out), 0, 1, columns=columns))) >= size
    assert got[0].equals(hashed[0]) and got[0].column_names == columns
