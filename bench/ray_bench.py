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
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_bench import processor  # noqa: E402

BIN = Path(sys.executable).parent


SLICE_DONE = re.compile(r"\[worker \d+/\d+\] done: .*?, ([\d.]+)s")


def slice_seconds(text: str) -> float:
    """The longest slice's own time (plan, engine start, work), from its summary line."""
    return max(float(s) for s in SLICE_DONE.findall(text))


def run(args, out: Path, common: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "expo-data"), "generate", "--out", str(out), *common, *args], check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return time.perf_counter() - start, slice_seconds(proc.stdout)


def by_hand(out: Path, common: list[str], workers: int) -> float:
    # The thread share Ray gives each task (OMP_NUM_THREADS = its num_cpus): without it N engines each
    # spin a thread per core and the comparison would measure oversubscription, not the driver.
    env = dict(os.environ, OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // workers)))
    start = time.perf_counter()
    procs = [subprocess.Popen([str(BIN / "expo-data"), "generate", "--out", str(out), *common, "--worker", f"{i}/{workers}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) for i in range(workers)]
    outputs = [proc.communicate()[0] for proc in procs]
    if any(proc.returncode for proc in procs):
        raise SystemExit("a hand-launched worker failed")
    wall = time.perf_counter() - start
    # By hand, a slice's summary has no worker prefix; its own time is the same quantity.
    return wall, max(float(re.findall(r"done: .*?, ([\d.]+)s", text)[-1]) for text in outputs)


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
    # Every cluster of this bench on loopback, as the driver keeps a local one it starts (cluster.ray_init).
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    root = Path(tempfile.mkdtemp(prefix="expo-ray-bench-"))
    times: dict[str, list[float]] = {"by-hand": [], "ray-new": [], "ray-join": []}
    slices: dict[str, list[float]] = {name: [] for name in times}
    ray = str(BIN / "ray")
    try:
        for rep in range(args.repeats):
            for name, (wall, slowest) in (("by-hand", by_hand(root / f"hand{rep}", common, args.workers)),
                                          ("ray-new", run(["--ray", "--workers", str(args.workers)], root / f"new{rep}", common))):
                times[name].append(wall)
                slices[name].append(slowest)
            subprocess.run([ray, "start", "--head", f"--num-cpus={os.cpu_count()}", "--disable-usage-stats"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wall, slowest = run(["--ray", "auto", "--workers", str(args.workers)], root / f"join{rep}", common)
                times["ray-join"].append(wall)
                slices["ray-join"].append(slowest)
            finally:
                subprocess.run([ray, "stop", "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(json.dumps({k: [round(v[-1], 1), round(slices[k][-1], 1)] for k, v in times.items()}), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"processor: {processor()}; {args.workers} workers, {args.limit} problems x (4 attempts + "
          f"2 explanations), max {args.max_tokens} tokens, {args.repeats} repeats (median wall s)")
    print("  wall: until the last slice is done; slowest slice: its own plan + engine start + work; "
          "outside: wall - slowest slice (process/cluster start, driver, scheduling)")
    for name in times:
        outside = statistics.median(w - s for w, s in zip(times[name], slices[name]))
        print(f"  {name:9s} wall {med[name]:7.1f} s  ratio to by-hand {med[name] / med['by-hand']:.3f}  slowest slice "
              f"{statistics.median(slices[name]):6.1f} s  outside {outside:5.1f} s  runs {[round(t, 1) for t in times[name]]}")


if __name__ == "__main__":
    main()
