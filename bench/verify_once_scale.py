"""Verify once at scale (issue 28's bar): on the bench writer's 5M- (or 10M-) row round, what a user waits for.

  write        the round (bench/select_bench.py's write_data), then the verify-once record cleared, as if
               the round had been written on another machine
  sql_verify   `expo-data sql R "SELECT 1"`, cold page cache, record cleared: the one full verification
  per repeat:  record cleared, page cache dropped, then
    select_cold  `expo-data select R` (hashes every shard as it reads it, and records them)
    sql_1, sql_2 `expo-data sql R "SELECT 1"` twice after it (the bar: the second <= 1.5 s at 5M rows)
    cat_cold     `cat R/shards/*.arrow > /dev/null`, cold: the disk's own floor
  sql_cold_start `expo-data sql R "SELECT 1"` with the record kept but the page cache dropped (Python's own
               files then come from disk too)
  changed      one shard rewritten in place (same size, one byte flipped, new mtime): `sql "SELECT 1"` must
               fail naming it; the byte flipped back, `sql` succeeds again (that shard hashed once more)

Every command is a fresh process under /usr/bin/time -v (wall clock and peak RSS from it). Run it as root
(drop_caches) under `flock /tmp/expo-heavy.lock`.

Usage: python bench/verify_once_scale.py --rows 5000000 --dir /work/bench-rounds/r5m [--repeats 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = str(Path(sys.executable).parent / "expo-data")


def drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def timed(argv: list[str], env: dict, expect_ok: bool = True) -> dict:
    """Wall seconds and peak RSS (GB) of one command, from /usr/bin/time -v; its stderr's last lines."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], env=env, cwd="/tmp", stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    inputs = int(re.search(r"File system inputs: (\d+)", proc.stderr).group(1))
    tool_err = "\n".join(line for line in proc.stderr.split("\tCommand being timed")[0].strip().splitlines()
                         if not line.startswith("Command exited with"))
    if (proc.returncode == 0) != expect_ok:
        raise SystemExit(f"{argv} exit {proc.returncode}, expected {'success' if expect_ok else 'failure'}:\n{tool_err[-3000:]}")
    return {"s": round(wall, 3), "rss_gb": round(rss_kb / 2**20, 3), "read_gib": round(inputs * 512 / 2**30, 3),
            "rc": proc.returncode, "log": tool_err.splitlines()[-3:]}


def report(step: str, result: dict) -> None:
    print(json.dumps({"step": step, **result}), flush=True)


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def flip_byte(shard: Path) -> None:
    """Same file, same size, one byte of other content, a new mtime (what an in-place edit leaves)."""
    with open(shard, "r+b") as f:
        f.seek(os.path.getsize(shard) // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--shards", type=int, default=64)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse a round already written there")
    args = parser.parse_args()
    round_dir, cache = Path(args.dir), Path(args.dir + "-cache")
    env = dict(os.environ, EXPO_CACHE=str(cache))
    print(json.dumps({"rows": args.rows, "shards": args.shards, "dir": str(round_dir), "cpu": _cpu(),
                      "load": os.getloadavg(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}), flush=True)
    if not (args.keep and (round_dir / "manifest.json").is_file()):
        shutil.rmtree(round_dir, ignore_errors=True)
        code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); from pathlib import Path; from select_bench import write_data; "
                f"Path({str(round_dir)!r}).mkdir(parents=True); write_data(Path({str(round_dir)!r}), {args.rows}, {args.shards})")
        report("write", timed([sys.executable, "-c", code], env))
    size = sum(p.stat().st_size for p in (round_dir / "shards").glob("*.arrow"))
    print(json.dumps({"round_gib": round(size / 2**30, 2), "bytes_per_row": round(size / args.rows)}), flush=True)
    sql1 = [TOOL, "sql", str(round_dir), "SELECT 1"]

    shutil.rmtree(cache / "verified", ignore_errors=True)
    drop_caches()
    report("sql_verify", timed(sql1, env))
    results: dict[str, list[dict]] = {}
    for repeat in range(args.repeats):
        shutil.rmtree(cache / "verified", ignore_errors=True)
        shutil.rmtree(round_dir / "selected", ignore_errors=True)
        drop_caches()
        for step, argv in (("select_cold", [TOOL, "select", str(round_dir)]), ("sql_1", sql1), ("sql_2", sql1)):
            results.setdefault(step, []).append(timed(argv, env))
            report(f"{step} #{repeat + 1}", results[step][-1])
        drop_caches()
        results.setdefault("cat_cold", []).append(timed(["sh", "-c", f"cat {round_dir}/shards/*.arrow > /dev/null"], env))
        report(f"cat_cold #{repeat + 1}", results["cat_cold"][-1])
    drop_caches()
    report("sql_cold_start", timed(sql1, env))

    shard = sorted((round_dir / "shards").glob("*.arrow"))[len(list((round_dir / "shards").glob("*.arrow"))) // 2]
    before = shard.stat()
    flip_byte(shard)
    after = shard.stat()
    assert (after.st_size, after.st_ino) == (before.st_size, before.st_ino) and after.st_mtime_ns != before.st_mtime_ns
    caught = timed(sql1, env, expect_ok=False)
    assert any("corrupt" in line and shard.name in line for line in caught["log"]), caught
    report("changed_caught", caught)
    flip_byte(shard)
    report("changed_back", timed(sql1, env))
    report("sql_after_rehash", timed(sql1, env))

    print(f"repeats: {args.repeats}; median (min-max)")
    for step, runs in results.items():
        print(f"{step:12} {summary([r['s'] for r in runs]):>22} s  RSS {summary([r['rss_gb'] for r in runs]):>22} GB  "
              f"read {summary([r['read_gib'] for r in runs]):>22} GiB")


def _cpu() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return "?"


if __name__ == "__main__":
    main()
