"""Verify once and read only what is needed (issue 28): what a user waits for on a big round, before and
after, each command a fresh process as a user runs it.

Per repeat and per implementation (the order alternates between repeats), on the same round:
  sql_first   `expo-data sql R "SELECT 1"` from a cold page cache, the verify-once record cleared
  sql_second  the same again (warm; after: the record says the shards are unchanged)
  sql_kind    `expo-data sql R "SELECT kind, count(*) FROM samples GROUP BY 1"` (warm)
  select_cold `expo-data select R` from a cold page cache (after: the record kept from sql_first)
  cat_cold    `cat R/shards/*.arrow > /dev/null` from a cold page cache: the disk's own floor
Wall time, peak RSS and the bytes the process read from disk (rusage inblock) are reported, median and
range over the repeats. The page cache is dropped through /proc/sys/vm/drop_caches (root only; without it
the "cold" runs are warm and the report says so).

Usage: python bench/verify_once_bench.py ROUND --before /work/main/.venv/bin/expo-data \\
           --after .venv/bin/expo-data [--repeats 3] [--cache /tmp/verify-bench-cache]
Build a round with bench/select_bench.py's write_data (rows <= 1M here: 2.7 GiB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def timed(argv: list[str], env: dict, shell: bool = False) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd="/tmp")  # not a checkout: each side imports its own package
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed: {err[-2000:]}")
    return {"s": wall, "rss_gb": usage.ru_maxrss / 2**20, "read_gib": usage.ru_inblock * 512 / 2**30}


def one_repeat(tool: str, round_dir: str, cache: Path, cold: bool) -> dict:
    env = dict(os.environ, EXPO_CACHE=str(cache))
    shutil.rmtree(cache / "verified", ignore_errors=True)
    out = {}
    cold and drop_caches()
    out["sql_first"] = timed([tool, "sql", round_dir, "SELECT 1"], env)
    out["sql_second"] = timed([tool, "sql", round_dir, "SELECT 1"], env)
    out["sql_kind"] = timed([tool, "sql", round_dir, "SELECT kind, count(*) FROM samples GROUP BY 1"], env)
    shutil.rmtree(Path(round_dir, "selected"), ignore_errors=True)  # each side selects from scratch
    cold and drop_caches()
    out["select_cold"] = timed([tool, "select", round_dir], env)
    cold and drop_caches()
    out["cat_cold"] = timed(f"cat {round_dir}/shards/*.arrow > /dev/null", env, shell=True)
    return out


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("round_dir")
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", default="/tmp/verify-bench-cache")
    args = parser.parse_args()
    cold = drop_caches()
    results = {"before": [], "after": []}
    for repeat in range(args.repeats):
        order = ["before", "after"] if repeat % 2 == 0 else ["after", "before"]
        for side in order:
            tool = str(Path(getattr(args, side)).absolute())
            results[side].append(one_repeat(tool, args.round_dir, Path(args.cache) / side, cold))
            print(json.dumps({side: results[side][-1]}), flush=True)
    print(f"page cache dropped for cold runs: {cold}; repeats: {args.repeats}; median (min-max)")
    print(f"{'step':12} {'before s':>20} {'after s':>20} {'before RSS GB':>16} {'after RSS GB':>16} "
          f"{'before read GiB':>16} {'after read GiB':>16}")
    for step in results["before"][0]:
        cells = [summary([r[step][key] for r in results[side]]) for key in ("s", "rss_gb", "read_gib")
                 for side in ("before", "after")]
        print(f"{step:12} {cells[0]:>20} {cells[1]:>20} {cells[2]:>16} {cells[3]:>16} {cells[4]:>16} {cells[5]:>16}")


if __name__ == "__main__":
    main()
