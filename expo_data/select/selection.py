"""`expo-data select`: the shipped selection queries, written to DIR/selected/ with the query text,
parameters and source checksums that produced them. (The report lives in report.py, the TRL export in
export.py; both are still importable from here.)"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .db import bind, connect, parse_memory_limit, query_batches, query_error, run_query, shipped_query, spill_dir
from ..errors import EmptySelection, ExpoError
from ..store.files import HeldSignals
from ..store.grading import drop_stale_selection
from ..store.lock import check_writable_inside, round_writer
from ..store.schema import LAYOUT, SELECTED_DIR, SHARDS_DIR, RoundDir, atomic_output, shard_name
from .runs import PlacedRuns, PlacesMismatch
from ..store.shards import HASH_COST, hash_ahead, read_checked_shard, verify_round_dir
from ..store.storage import Store
from ..store.verified import flush as flush_verified, verification

# The report and the export lived here: their callers' imports keep working.
from .export import export_trl  # noqa: E402,F401
from .report import expand_round_dirs, held_out, report, report_figure  # noqa: E402,F401

SELECTIONS = {"positives": "select_positives", "pairs": "select_pairs", "groups": "select_groups"}


def select(round_dir: Any, params: dict[str, Any] | None = None, log=print, memory_limit: Any = None,
           wait: bool = True, verify: str = "once") -> dict[str, Any]:
    """Write positives.arrow, pairs.arrow, groups.arrow and selection.json under DIR/selected/
    (a local dir or an object-store prefix). The rows are the shipped queries' (select_positives.sql,
    select_pairs.sql, select_groups.sql), gathered so that the round's wide columns are read once, in the
    pass that checks the shards' sha256 (see _select_staged). Each result streams to its file by record
    batches, and DuckDB works within `memory_limit` (bytes, or a text such as 4GB / 25%; default a share of
    the machine), spilling to a temp dir on the round's disk: memory does not grow with the round. One
    writer at a time (expo_data/store/lock.py): a second select waits for the first, or with `wait=False` is refused.
    `verify` "full" hashes every shard, "once" not those verified before (verified.py)."""
    with verification(verify):
        record = _select(round_dir, params, log, memory_limit, wait)
    flush_verified()
    return record


def _select(round_dir: Any, params: dict[str, Any] | None, log, memory_limit: Any, wait: bool) -> dict[str, Any]:
    rd = RoundDir(round_dir)
    params = params or {}
    limit = memory_limit if isinstance(memory_limit, int) else parse_memory_limit(memory_limit)
    queries = {name: shipped_query(query) for name, query in SELECTIONS.items()}
    # A parameter must mean something to at least one query; each query gets the ones it takes.
    takes = {name: set(bind(sql, {}).keys()) for name, sql in queries.items()}
    unknown = sorted(set(params) - set().union(*takes.values()))
    if unknown:
        raise ExpoError(f"unknown parameter(s) {', '.join(unknown)}; selection takes: {', '.join(sorted(set().union(*takes.values())))}")
    bound = {name: bind(sql, {k: v for k, v in params.items() if k in takes[name]}) for name, sql in queries.items()}
    manifest = verify_round_dir(rd, check_checksums=False)  # manifest and sidecars: cheap, and before any work
    check_writable_inside(rd, SELECTED_DIR)
    with round_writer(rd, "expo-data select", wait=wait, log=log):
        # Read again under the lock: a writer it waited for (a regrade) may have changed the round meanwhile.
        manifest = verify_round_dir(rd, check_checksums=False)
        drop_stale_selection(rd, manifest, log)  # a regrade under way is refused; one made since makes this stale
        record = _select_locked(rd, manifest, bound, queries, limit, log)
    log(f"selected {record['rows']['positives']} positives, {record['rows']['pairs']} pairs, "
        f"{record['rows']['groups']} group rows -> {rd.uri('selected')}")
    return record


def _select_locked(rd: RoundDir, manifest: dict[str, Any], bound: dict, queries: dict, limit: int, log) -> dict[str, Any]:
    with spill_dir(rd) as spill, HeldSignals() as held:
        with contextlib.ExitStack() as staged:
            try:
                con = connect([rd], check_checksums=False, memory_limit=limit, temp_directory=spill)
                staged.callback(con.close)  # first thing on leaving: before the commits and the spill dir's removal
                rows = _select_staged(con, rd, manifest["shards"], bound, staged, spill, log)
            except ExpoError:
                # A corrupt shard is reported as such even when opening it or a query tripped over it first
                # (shards already hashed in the wide pass are not hashed again).
                verify_round_dir(rd, check_checksums=True)
                raise
            record = {"round_dir": str(rd.location), "parameters": bound, "queries": queries, "rows": rows,
                      "source_shards": rd.sidecar_hashes(), "grading": manifest.get("grading")}
            # The commit, with Ctrl-C and SIGTERM held until it is done: the old record goes, the new tables
            # replace the old ones (leaving the stack), the new record marks them complete. Cut in between,
            # the tables would be a mix, or have no record (and the trainer would reselect with defaults).
            held.start()
            rd.delete(LAYOUT["selection_record"])
        rd.write_json(LAYOUT["selection_record"], record)
    if rd.remote and json.loads(rd.read_bytes(LAYOUT["selection_record"])) != json.loads(json.dumps(record)):
        # No lock on an object store: the record read back is another writer's, so the tables may be a mix.
        raise ExpoError(f"another select wrote {rd.uri(LAYOUT['selection_record'])} at the same time; rerun select "
                        f"(one writer at a time)")
    return record


# Where positives.arrow's and pairs.arrow's columns come from in a sample row (the shipped queries'
# projections; tests/test_select_scale.py checks the tables are those queries' results). A positive also
# carries answer_gain and positive_rank, a pair its pair_rank.
_POSITIVE_COLUMNS = {name: name for name in (
    "round", "problem_id", "kind", "sample_index", "level", "question", "reference_answer", "plain_prompt",
    "plain_prompt_token_ids", "completion", "completion_token_ids", "policy_token_logprobs", "policy_logprob_sum",
    "policy_logprob_mean", "num_tokens")}
_CHOSEN_COLUMNS = {"round": "round", "problem_id": "problem_id", "level": "level", "prompt": "plain_prompt",
                   "prompt_token_ids": "plain_prompt_token_ids", "chosen": "completion",
                   "chosen_token_ids": "completion_token_ids", "ref_chosen_logp": "policy_logprob_sum",
                   "chosen_kind": "kind", "chosen_policy_mean": "policy_logprob_mean"}
_REJECTED_COLUMNS = {"rejected": "completion", "rejected_token_ids": "completion_token_ids",
                     "ref_rejected_logp": "policy_logprob_sum", "rejected_policy_mean": "policy_logprob_mean"}
_KEY_COLUMNS = ["round", "problem_id", "kind", "sample_index"]
_SOURCES = {"positives": sorted(set(_POSITIVE_COLUMNS.values()) | {"answer_logprob", "answer_logprob_base"}),
            "chosen": sorted(set(_CHOSEN_COLUMNS.values())), "rejected": sorted(set(_REJECTED_COLUMNS.values()))}
_WIDE = sorted(set(_KEY_COLUMNS).union(*_SOURCES.values()))  # the columns the wide pass reads of a verified shard


def _select_staged(con, rd: RoundDir, shards: int, bound: dict[str, dict[str, Any]], staged: contextlib.ExitStack,
                   spill: str, log) -> dict[str, int]:
    """The shipped selection in three steps, so the round's wide columns are read once, in the same pass
    that hashes the shards, and are never sorted: (1) the positives' and pairs' keys, each with its place
    in the query's ORDER BY, and the groups, from the small columns; (2) every shard read whole once, its
    sha256 checked, its selected rows appended to sorted runs (the IO of the next shards overlaps the work
    on this one); (3) the runs merged into positives.arrow and pairs.arrow in place order."""
    rows = {}
    # The keys and the groups keep the CPU busy and leave the disk idle: the first shards are hashed (and
    # so brought into the page cache) meanwhile.
    # The cost is counted from before the thread starts: a busy machine lets it hash shards before this one runs on.
    started, hashed = time.perf_counter(), dict(HASH_COST)
    stop_hashing, ahead = threading.Event(), ThreadPoolExecutor(1)
    staged.callback(ahead.shutdown)
    staged.callback(stop_hashing.set)
    hashing = ahead.submit(hash_ahead, rd, shards, stop_hashing)
    params = bound["positives"]
    args = "$max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts, $per_problem"
    _execute(con, f"""CREATE TEMP TABLE _positive_keys AS SELECT *,
        row_number() OVER (ORDER BY round, problem_id, positive_rank) - 1 AS _place
        FROM expo_positive_keys({args})""", params)
    positives = _count(con, "_positive_keys")
    if positives == 0:
        raise EmptySelection(f"empty selection: no positive in {rd.uri()} passes the rules "
                             f"(parameters {json.dumps(params)}); loosen --param "
                             f"min_policy_mean / min_answer_gain or generate more explanations")
    # The pairs pair the positives just chosen, unless the two queries were given different parameters.
    pairs_of = ("expo_pairs_of('_positive_keys')" if bound["pairs"] == params else f"expo_pair_keys({args})")
    _execute(con, f"""CREATE TEMP TABLE _pair_keys AS SELECT *,
        row_number() OVER (ORDER BY round, problem_id, pair_rank) - 1 AS _place
        FROM {pairs_of}""", None if bound["pairs"] == params else bound["pairs"])
    counts = {"positives": positives, "pairs": _count(con, "_pair_keys")}
    log(f"keys: {counts['positives']} positives, {counts['pairs']} pairs "
        f"from the small columns in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    path = staged.enter_context(_staged_file(rd, f"{SELECTED_DIR}/groups.arrow"))
    rows["groups"] = write_ipc(query_batches(con, shipped_query("select_groups"), bound["groups"]), path)
    log(f"groups: {rows['groups']} rows in {time.perf_counter() - started:.1f}s")

    stop_hashing.set()
    hashing.result()
    ahead_files, ahead_bytes = HASH_COST["files"] - hashed["files"], HASH_COST["bytes"] - hashed["bytes"]
    started = time.perf_counter()
    schemas = {name: query_batches(con, f"SELECT * FROM ({shipped_query(SELECTIONS[name]).rstrip().rstrip(';')}\n) LIMIT 0",
                                   bound[name]).schema for name in ("positives", "pairs")}
    runs = {"positives": PlacedRuns(Path(spill, "positives.runs"), schemas["positives"]),
            "chosen": PlacedRuns(Path(spill, "chosen.runs"), _side_schema(schemas["pairs"], _CHOSEN_COLUMNS, "pair_rank")),
            "rejected": PlacedRuns(Path(spill, "rejected.runs"), _side_schema(schemas["pairs"], _REJECTED_COLUMNS))}
    for r in runs.values():
        staged.callback(r.close)
    _wide_pass(con, rd, shards, runs)
    log(f"one pass over the shards: the selected rows of {shards} shards kept, sha256 of "
        f"{HASH_COST['files'] - hashed['files']} shards ({(HASH_COST['bytes'] - hashed['bytes']) / 2**30:.2f} GiB; "
        f"{ahead_files} of them, {ahead_bytes / 2**30:.2f} GiB, while the keys were chosen) in "
        f"{time.perf_counter() - started:.1f}s")
    try:
        started = time.perf_counter()
        path = staged.enter_context(_staged_file(rd, f"{SELECTED_DIR}/positives.arrow"))
        rows["positives"] = _write_tables(runs["positives"].tables(counts["positives"]), schemas["positives"], path)
        log(f"positives: {rows['positives']} rows in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        path = staged.enter_context(_staged_file(rd, f"{SELECTED_DIR}/pairs.arrow"))
        sides = zip(runs["chosen"].tables(counts["pairs"]), runs["rejected"].tables(counts["pairs"]))
        names = schemas["pairs"].names
        joined = (pa.Table.from_arrays([c.column(n) if n in c.column_names else r.column(n) for n in names], names=names)
                  for c, r in sides)
        rows["pairs"] = _write_tables(joined, schemas["pairs"], path)
        log(f"pairs: {rows['pairs']} rows in {time.perf_counter() - started:.1f}s")
    except PlacesMismatch:
        twice = con.execute("SELECT round, problem_id, kind, sample_index FROM samples "
                            "GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchall()
        raise ExpoError(f"{rd.uri()} holds the sample {twice[0] if twice else '?'} (round, problem_id, kind, "
                        "sample_index) in more than one row; a round expo-data generate wrote holds each once")
    return {name: rows[name] for name in SELECTIONS}


def _side_schema(pairs: pa.Schema, columns: dict[str, str], *extra: str) -> pa.Schema:
    return pa.schema([pairs.field(name) for name in pairs.names if name in columns or name in extra])


def _write_tables(tables, schema: pa.Schema, path: Path) -> int:
    count = 0
    with pa.ipc.new_file(str(path), schema) as writer:
        for table in tables:
            writer.write_table(table.cast(schema))
            count += table.num_rows
    return count


def _wide_pass(con, rd: RoundDir, count: int, runs: dict[str, PlacedRuns]) -> None:
    """Each shard read whole once (its sha256 checked on the way, locally) and its selected rows appended,
    with their places, to the positives', chosen sides' and rejected sides' runs. Reader threads read,
    hash and pick the next shards' rows while this one's are written."""
    # The keys sorted by problem: each shard looks up only those within its own problems' range (shards
    # hold slices of the problem list, so that is about the shard's share).
    wanted = {
        "positives": run_query(con, "SELECT round, problem_id, kind, sample_index, positive_rank, _place "
                                    "FROM _positive_keys ORDER BY problem_id"),
        "chosen": run_query(con, "SELECT round, problem_id, chosen_kind AS kind, chosen_index AS sample_index, "
                                 "pair_rank, _place FROM _pair_keys ORDER BY problem_id"),
        "rejected": run_query(con, "SELECT round, problem_id, 'attempt' AS kind, rejected_index AS sample_index, "
                                   "_place FROM _pair_keys ORDER BY problem_id"),
    }

    def picked(index: int) -> dict[str, tuple[np.ndarray, pa.Table]]:
        shard = read_checked_shard(rd, index, count, whole=False, columns=_WIDE)  # only what the outputs take
        ids = shard.column("problem_id")
        if ids.null_count == len(ids):  # no rows (or no problem to look up)
            return {}
        low, high = pc.min_max(ids).values()
        keys = shard.select(_KEY_COLUMNS).append_column("_row", pa.array(np.arange(shard.num_rows)))
        out = {}
        for name, table in wanted.items():
            problem = table.column("problem_id")
            mine = table.filter(pc.and_(pc.greater_equal(problem, low), pc.less_equal(problem, high)))
            # In place order: the wide rows are gathered once, already as their run wants them.
            found = keys.join(mine, _KEY_COLUMNS, join_type="inner").sort_by("_place")
            chosen = shard.select(_SOURCES[name]).take(found.column("_row"))
            out[name] = (found.column("_place").to_numpy(), _project(name, chosen, found))
        return out

    # Several shards are read at once: this disk (like most) delivers more to concurrent readers than to
    # one sequential stream. About 1 GiB of shards in flight at most, and never fewer than two readers.
    largest = max((rd.size(f"{SHARDS_DIR}/{shard_name(i, count)}") or 0 for i in range(count)), default=0)
    readers = max(2, min(4, (1 << 30) // max(largest, 1)))
    with ThreadPoolExecutor(readers) as reader:
        pending = collections.deque(reader.submit(picked, i) for i in range(min(readers, count)))
        for index in range(count):
            found = pending.popleft().result()
            if index + readers < count:
                pending.append(reader.submit(picked, index + readers))
            for name, (places, rows) in found.items():
                runs[name].add(places, rows)
            del found


def _project(name: str, rows: pa.Table, keys: pa.Table) -> pa.Table:
    """A side's columns, named as its output names them, from its sample rows and their keys."""
    if name == "positives":
        columns = {out: rows.column(source) for out, source in _POSITIVE_COLUMNS.items()}
        columns["answer_gain"] = pc.subtract(rows.column("answer_logprob"), rows.column("answer_logprob_base"))
        columns["positive_rank"] = keys.column("positive_rank")
    elif name == "chosen":
        columns = {out: rows.column(source) for out, source in _CHOSEN_COLUMNS.items()}
        columns["pair_rank"] = keys.column("pair_rank")
    else:
        columns = {out: rows.column(source) for out, source in _REJECTED_COLUMNS.items()}
    return pa.table(columns)


def _execute(con, sql: str, params: dict[str, Any] | None = None) -> None:
    try:
        con.execute(sql, params or None)
    except duckdb.Error as exc:
        raise query_error(exc)


def _count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # fetchall: the result is finished


def write_ipc(batches: pa.RecordBatchReader, path: Path) -> int:
    """Record batches into an Arrow IPC file as they arrive; returns the row count."""
    count = 0
    try:
        with pa.ipc.new_file(str(path), batches.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
                count += batch.num_rows
    except (pa.ArrowException, RuntimeError) as exc:  # a query failing mid-stream (DuckDB's error, by Arrow)
        raise query_error(exc)
    return count


@contextlib.contextmanager
def _staged_file(store: Store, name: str):
    """A local file to write `name` into, committed when the block succeeds: renamed into place on local
    disk, uploaded as one object (streamed, never held in memory) to an object store."""
    if not store.remote:
        path = store.local(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as tmp:
            yield tmp
        return
    from ..store.files import cache_dir

    directory = cache_dir() / "staging"
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(name).name}.", dir=directory)
    os.close(fd)
    try:
        yield Path(tmp)
        store.upload_file(Path(tmp), name)
    finally:
        Path(tmp).unlink(missing_ok=True)
