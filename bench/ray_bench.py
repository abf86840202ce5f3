"""Ray driver overhead: `expo-data generate --ray --workers N` against the same N `--worker i/N`
processes launched by hand on the same machine, same config, fresh output dirs, side by side and
alternated (A B C A B C ...) so drift on a noisy machine hits every variant alike.

  by-hand   N processes `expo-data generate --worker i/N`, wall time until the last exits
  ray-new   `--ray --workers N`: the driver starts a local Ray cluster, plans, runs N tasks
  ray-join  `--ray auto --workers N` against a cluster started beforehand (`ray start --head`),
            as on a real cluster where Ray is already up

Goal (issue 11): ray / by-hand wall time <= 1.05.
Usage: python bench/ray_bench.py [--workers 2] [--limit 32] [--max-tokens 128] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def run(args, out: Path, common: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "expo-data"), "generate", "--out", str(out), *common, *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def by_hand(out: Path, common: list[str], workers: int) -> float:
    # The thread share Ray gives each task (OMP_NUM_THREADS = its num_cpus): without it N engines each
    # spin a thread per core and the comparison would measure oversubscription, not the driver.
    env = dict(os.environ, OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // workers)))
    start = time.perf_counter()
    procs = [subprocess.Popen([str(BIN / "expo-data"), "generate", "--out", str(out), *common, "--worker", f"{i}/{workers}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) for i in range(workers)]
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit(f"a hand-launched worker failed ({proc.args})")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    common = ["--limit", str(args.limit), "--attempts", "4", "--explanations", "2", "--max-tokens", str(args.max_tokens),
              "--shards", "8", "--no-progress"] + (["--model", args.model] if args.model else [])
    # Both variants' engines share the machine's memory: give each the share the --ray driver gives its slices.
    common += ["--gpu-memory-utilization", str(0.3 / args.workers)]
    root = Path(tempfile.mkdtemp(prefix="expo-ray-bench-"))
    times: dict[str, list[float]] = {"by-hand": [], "ray-new": [], "ray-join": []}
    ray = str(BIN / "ray")
    try:
        for rep in range(args.repeats):
            times["by-hand"].append(by_hand(root / f"hand{rep}", common, args.workers))
            times["ray-new"].append(run(["--ray", "--workers", str(args.workers)], root / f"new{rep}", common))
            subprocess.run([ray, "start", "--head", f"--num-cpus={os.cpu_count()}", "--disable-usage-stats"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                times["ray-join"].append(run(["--ray", "auto", "--workers", str(args.workers)], root / f"join{rep}", common))
            finally:
                subprocess.run([ray, "stop", "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(json.dumps({k: round(v[-1], 1) for k, v in times.items()}), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"processor: {cpu_name()}, {os.cpu_count()} CPUs; {args.workers} workers, {args.limit} problems x (4 attempts + "
          f"2 explanations), max {args.max_tokens} tokens, {args.repeats} repeats (median wall s)")
    for name in times:
        print(f"  {name:9s} {med[name]:7.1f} s   ratio to by-hand {med[name] / med['by-hand']:.3f}   runs {times[name]}")


if __name__ == "__main__":
    main()
