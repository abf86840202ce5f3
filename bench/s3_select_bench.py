"""Selection over object storage: `select_pairs.sql` on the same synthetic round (default 1M rows,
~200-token completions: bench/select_bench.py's data) read from local disk and from an S3-compatible
server on 127.0.0.1 (moto's server mode, one Python process: a floor for real S3, whose
throughput per connection is higher), each in its own process, side by side.

Usage: python bench/s3_select_bench.py [--rows 1000000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_bench import processor  # noqa: E402
from select_bench import in_process, write_data  # noqa: E402


def select_pairs(location: str, queue) -> None:
    from expo_data.select.db import connect, run_query, shipped_query

    t0 = time.perf_counter()
    con = connect([location])
    verify_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = run_query(con, shipped_query("select_pairs"))
    queue.put({"verify_s": verify_s, "query_s": time.perf_counter() - t0, "pairs": pairs.num_rows,
               "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer

    from expo_data.store.storage import Store

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                      AWS_ENDPOINT_URL=f"http://{host}:{port}", AWS_EC2_METADATA_DISABLED="true")
    boto3.client("s3").create_bucket(Bucket="expo-bench")
    local = Path(tempfile.mkdtemp(prefix="expo-s3-bench-")) / "round0"
    remote = "s3://expo-bench/round0"
    try:
        write_data(local, args.rows, 64)
        size = sum(p.stat().st_size for p in local.rglob("*") if p.is_file())
        t0 = time.perf_counter()
        Store(remote).upload_dir(local, "")
        upload_s = time.perf_counter() - t0
        runs = {"local": [], "s3": []}
        for _ in range(args.repeats):
            runs["local"].append(in_process(select_pairs, str(local)))
            runs["s3"].append(in_process(select_pairs, remote))
        print(f"processor: {processor()}; {args.rows} rows in 64 shards, {size / 2**30:.2f} GiB; "
              f"upload to the local S3 server {upload_s:.1f} s ({size / 2**20 / upload_s:.0f} MiB/s)")
        med = {}
        for name, results in runs.items():
            total = [r["verify_s"] + r["query_s"] for r in results]
            med[name] = statistics.median(total)
            print(f"  {name:5s} open+verify {statistics.median(r['verify_s'] for r in results):6.2f} s  "
                  f"select_pairs {statistics.median(r['query_s'] for r in results):6.2f} s  total {med[name]:6.2f} s  "
                  f"pairs {results[0]['pairs']}  peak RSS {max(r['peak_rss_gb'] for r in results):.2f} GB")
        print(f"  s3 / local total: {med['s3'] / med['local']:.2f}x (local verifies sha256 of every shard; "
              f"S3 checks sizes under the sidecars)")
    finally:
        shutil.rmtree(local.parent, ignore_errors=True)
        server.stop()


if __name__ == "__main__":
    main()
