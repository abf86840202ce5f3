"""Arrow IPC buffer compression and storing attempt log-probs once (issue 28): bytes per row and read time,
uncompressed vs LZ4 vs ZSTD vs version 4's one copy (with and without LZ4), on copies of one round whose
shards are rewritten each way (same rows, sidecars updated, recorded as verified as `generate` would).

Per codec: bytes/row (all rows, and attempt rows' two log-prob columns); then, alternating codecs between
repeats, `expo-data sql R "SELECT kind, count(*) ..."` (narrow), `expo-data sql R "SELECT sum(list_sum(
policy_token_logprobs)) ..."` (a wide column) and `expo-data select R`, warm and (root only) from a cold
page cache. Also the bytes the attempt rows would save if gen_token_logprobs were stored once.

Usage: python bench/compression_bench.py ROUND --tool .venv/bin/expo-data [--work /tmp/compression-bench]
       [--repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from verify_once_bench import drop_caches, timed

# name -> (IPC buffer codec, attempt log-probs stored once as schema version 4 does)
VARIANTS = {"none": (None, False), "lz4": ("lz4", False), "zstd": ("zstd", False), "once": (None, True),
            "once+lz4": ("lz4", True)}


def rewrite(src: Path, dst: Path, codec: str | None, once: bool) -> dict:
    from expo_data.store.stored_once import drop_duplicates, equal_rows
    from expo_data.store.verified import flush, record

    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("selected", "*.png", "*.html"))
    rows = nbytes = dup = 0
    for shard in sorted((dst / "shards").glob("*.arrow")):
        table = pa.ipc.open_file(pa.py_buffer(shard.read_bytes())).read_all()  # owned: the file is rewritten
        attempts = table.filter(pc.equal(table.column("kind"), "attempt"))
        same = equal_rows(attempts.column("gen_token_logprobs").combine_chunks(),
                          attempts.column("policy_token_logprobs").combine_chunks())
        # The duplicate copy: 4 bytes a token, 8 of offsets a row (what version 4 does not store).
        dup += int(pc.sum(pc.list_value_length(attempts.column("gen_token_logprobs").filter(pa.array(same)))).as_py() or 0) * 4
        dup += 8 * int(same.sum())
        rows += table.num_rows
        if once:
            table = drop_duplicates(table).replace_schema_metadata({"expo.schema_version": "4"})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression=codec)) as writer:
            writer.write_table(table)
        data = sink.getvalue().to_pybytes()
        shard.write_bytes(data)
        sidecar_path = shard.with_suffix(".json")
        sidecar = json.loads(sidecar_path.read_text())
        sidecar.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        sidecar_path.write_text(json.dumps(sidecar))
        record(shard, sidecar["sha256"])
        nbytes += len(data)
    flush()
    if once:
        manifest = json.loads((dst / "manifest.json").read_text())
        (dst / "manifest.json").write_text(json.dumps(dict(manifest, schema_version=3)))
    return {"rows": rows, "bytes": nbytes, "bytes_per_row": nbytes / rows, "duplicate_attempt_logprob_bytes_per_row": dup / rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("round_dir", type=Path)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/compression-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-timing", action="store_true", help="bytes per row only")
    args = parser.parse_args()
    tool = str(Path(args.tool).absolute())
    sizes = {name: rewrite(args.round_dir, args.work / name, *v) for name, v in VARIANTS.items()}
    for name, size in sizes.items():
        print(json.dumps({"variant": name, **size}), flush=True)
    if args.no_timing:
        return
    import os

    env = dict(os.environ)
    queries = {"sql_kind": "SELECT kind, count(*) FROM samples GROUP BY 1",
               "sql_wide": "SELECT sum(list_sum(policy_token_logprobs)) FROM samples"}
    cold = drop_caches()
    names = list(VARIANTS)
    times: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for repeat in range(args.repeats):
        for codec in (names if repeat % 2 == 0 else names[::-1]):
            r = str(args.work / codec)
            for temperature in (["cold", "warm"] if cold else ["warm"]):
                for name, query in queries.items():
                    temperature == "cold" and drop_caches()
                    times[codec].setdefault(f"{name}_{temperature}", []).append(timed([tool, "sql", r, query], env)["s"])
                temperature == "cold" and drop_caches()
                times[codec].setdefault(f"select_{temperature}", []).append(timed([tool, "select", r], env)["s"])
    print(f"page cache dropped for cold runs: {cold}; seconds, median (min-max) of {args.repeats}")
    for step in times["none"]:
        cells = [f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})" for v in (times[c][step] for c in names)]
        print(f"{step:16} " + "  ".join(f"{c}: {cell}" for c, cell in zip(names, cells)))


if __name__ == "__main__":
    main()
