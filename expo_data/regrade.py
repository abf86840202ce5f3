"""`expo-data regrade`: every row of a round extracted and verified again, with any verifier, no model loaded.

Each shard is rewritten whole (only extracted_answer, extraction_method, is_correct and verify_error change;
expert rows stay correct by construction, as generate records them) and committed as generate commits one:
shard first, sidecar second, the sidecar carrying the new counts and the grading. Before the shard is
replaced, an intent record (.regrade-<sidecar>) names the bytes it will hold, so a regrade killed between the
two writes is finished (or found not started) by the next one instead of leaving a shard its sidecar calls
corrupt. A shard whose sidecar already names this verifier and version is skipped: a killed regrade resumes.
The manifest says `regrading` while the shards are a mix, and names the new grading when all are done.
"""

from __future__ import annotations

import contextlib

import hashlib
import json
import time
from typing import Any, Callable

import pyarrow as pa

from .store.lock import check_writable_inside, round_writer
from .errors import ExpoError
from .store.grading import describe, read_selection_record, stale_reason
from .store.schema import (
    EVAL_RECORD, MANIFEST_NAME, SAMPLE_SCHEMA, SHARDS_DIR, RoundDir, read_manifest, shard_name, sidecar_name,
)
from .store.shards import read_checked_shard, read_sidecar, table_to_ipc_bytes, valid_sidecar, verify_round_dir
from .generate.stats import shard_counts
from .store.storage import join
from .store.stored_once import drop_duplicates
from .store.object_verified import record_written
from .store.verified import flush as flush_verified
from .verifiers import Grader, GradeItem, VerifierSpec, is_error, resolve, row_context
from .verify import VERIFY_TIMEOUT_S, extract_answer

EVAL_PASSES = ("greedy", "sampled")  # an eval dir's rounds (expo_data/evaluate.py)
REGRADED_COLUMNS = ("extracted_answer", "extraction_method", "is_correct", "verify_error")
_CONTEXT_COLUMNS = ["problem_id", "kind", "sample_index", "round", "level", "category", "question", "reference_answer",
                    "finish_reason", "num_tokens", "extra_fields", "completion"]
_COUNT_COLUMNS = ["problem_id", "kind", "is_correct", "num_tokens"]


def intent_name(index: int, count: int) -> str:
    return f"{SHARDS_DIR}/.regrade-{sidecar_name(index, count)}"


def regrade(round_dir: Any, verifier: str = "builtin", timeout_s: float = VERIFY_TIMEOUT_S, workers: int = 2,
            log: Callable[[str], None] = print, wait: bool = True) -> dict[str, Any]:
    """Regrade a round (local dir or object-store prefix) in place; returns the counts before and after. An eval
    dir (`expo-data eval --out`) is regraded pass by pass, and its eval.json figures computed again. Another
    writer of the round is waited for, or with `wait=False` refused (expo_data/store/lock.py)."""
    spec = resolve(verifier)  # a bad name or signature is refused before any file is touched
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ExpoError(f"--workers must be >= 1, not {workers}")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not 0 < timeout_s < float("inf"):
        raise ExpoError(f"--verify-timeout must be a finite number of seconds > 0, not {timeout_s}")
    rd = RoundDir(round_dir)
    record = _eval_record(rd)
    passes = [RoundDir(join(rd.location, name)) for name in EVAL_PASSES] if record is not None else [rd]
    with contextlib.ExitStack() as locks:
        for one in passes:  # a writer of the round (select, generate, the trainer) waits, or this one does
            if read_manifest(one) is None:  # before the lock, which would make the dir
                raise ExpoError(f"{one.uri()} is not a round dir (no manifest.json)")
            check_writable_inside(one, SHARDS_DIR)  # a shards/ linked to another round's is not this round's to rewrite
            locks.enter_context(round_writer(one, "expo-data regrade", wait=wait, log=log))
            _check_round(one)
        with Grader(spec, timeout_s=timeout_s, workers=workers) as grader:  # its workers start with the first item
            totals = [_regrade_round(one, grader, log) for one in passes]
        if record is not None:
            _rewrite_eval_record(rd, record, spec, log)
    return totals[0] if len(totals) == 1 else dict(zip(EVAL_PASSES, totals))


def _check_round(rd: RoundDir) -> None:
    """A round dir whose every shard checks out (sha256 locally), a regrade killed between a shard and its
    sidecar finished first: refused untouched otherwise, before the manifest says `regrading`."""
    manifest = read_manifest(rd)
    if manifest is None:
        raise ExpoError(f"{rd.uri()} is not a round dir (no manifest.json)")
    for index in range(manifest["shards"]):
        _recover(rd, index, manifest["shards"])
    verify_round_dir(rd, check_checksums=True)  # read_checked_shard does not hash these a second time


def _regrade_round(rd: RoundDir, grader: Grader, log: Callable[[str], None]) -> dict[str, Any]:
    started, manifest, target = time.perf_counter(), read_manifest(rd), grader.spec.grading()
    count = manifest["shards"]
    rd.write_json(MANIFEST_NAME, dict(manifest, regrading=target))
    totals = {"before": _zero(), "after": _zero(), "skipped": 0, "errors": {"error": 0, "timeout": 0}}
    for index in range(count):
        sidecar = read_sidecar(rd, index, count) or {}
        if sidecar.get("grading") == target:
            totals["skipped"] += 1
            _add(totals["before"], sidecar.get("counts", {}))
            _add(totals["after"], sidecar.get("counts", {}))
            continue
        _regrade_shard(rd, index, count, sidecar, grader, totals)
    rd.write_json(MANIFEST_NAME, dict({k: v for k, v in manifest.items() if k != "regrading"}, grading=target))
    _log_summary(rd, grader.spec, totals, count, time.perf_counter() - started, log)
    return totals


def _eval_record(rd: RoundDir) -> dict[str, Any] | None:
    """An eval dir's eval.json (None for a round dir), checked before any pass is touched."""
    if rd.is_round() or not rd.is_file(EVAL_RECORD):
        return None
    try:
        record = json.loads(rd.read_bytes(EVAL_RECORD))
    except (ValueError, RecursionError):
        record = None
    if not (isinstance(record, dict) and isinstance(record.get("k"), int) and not isinstance(record["k"], bool)):
        raise ExpoError(f"{rd.uri(EVAL_RECORD)} is corrupt or partial (not an `expo-data eval` record); rerun `expo-data eval`")
    return record


def _rewrite_eval_record(rd: RoundDir, record: dict[str, Any], spec: VerifierSpec, log: Callable[[str], None]) -> None:
    """eval.json's figures, computed from the regraded passes as `expo-data eval` computes them."""
    from .evaluate import figures

    k = record["k"]
    greedy, sampled = (figures(join(rd.location, name)) for name in EVAL_PASSES)
    record = dict(record, pass_at_1_greedy={lvl: v["pass_at_k"] for lvl, v in greedy.items()},
                  sampled_accuracy={lvl: v["accuracy"] for lvl, v in sampled.items()}, grading=spec.grading())
    record[f"pass_at_{k}"] = {lvl: v["pass_at_k"] for lvl, v in sampled.items()}
    rd.write_json(EVAL_RECORD, record)
    log(f"eval: greedy pass@1 {record['pass_at_1_greedy'].get('all', 0.0):.3f}, pass@{k} "
        f"{record[f'pass_at_{k}'].get('all', 0.0):.3f} under {describe(spec.grading())} -> {rd.uri(EVAL_RECORD)}")


def _regrade_shard(rd: RoundDir, index: int, count: int, sidecar: dict[str, Any], grader: Grader,
                   totals: dict[str, Any]) -> None:
    table = read_checked_shard(rd, index, count)
    _add(totals["before"], shard_counts(table.select(_COUNT_COLUMNS).to_pylist()))
    started = time.perf_counter()
    table, errors = regrade_table(table, grader)
    for kind, n in errors.items():
        totals["errors"][kind] += n
    counts = shard_counts(table.select(_COUNT_COLUMNS).to_pylist())
    _add(totals["after"], counts)
    kept = {k: v for k, v in sidecar.items() if k not in ("shard", "index", "count", "rows", "bytes", "sha256")}
    commit_shard(rd, index, count, table, dict(kept, counts=counts, grading=grader.spec.grading(),
                                               regrade={"verify_s": round(time.perf_counter() - started, 4),
                                                        "verifier_errors": errors}))


def regrade_table(table: pa.Table, grader: Grader) -> tuple[pa.Table, dict[str, int]]:
    """The shard's rows with the four graded columns recomputed; the count of items the verifier failed on."""
    rows = table.select(_CONTEXT_COLUMNS).to_pylist()
    columns = {name: table.column(name).to_pylist() for name in REGRADED_COLUMNS}
    graded = [i for i, row in enumerate(rows) if row["kind"] != "expert"]  # experts: correct by construction
    items = []
    for i in graded:
        completion = rows[i]["completion"] or ""
        answer, method = extract_answer(completion, truncated=rows[i]["finish_reason"] == "length")
        columns["extracted_answer"][i], columns["extraction_method"][i] = answer, method
        items.append(GradeItem(rows[i]["reference_answer"] or "", completion, answer, row_context(rows[i])))
    errors = {"error": 0, "timeout": 0}
    for i, (correct, error) in zip(graded, grader.grade(items)):
        columns["is_correct"][i], columns["verify_error"][i] = bool(correct), error
        if is_error(error):
            errors[is_error(error)] += 1
    for name in REGRADED_COLUMNS:
        position = table.schema.get_field_index(name)
        table = table.set_column(position, SAMPLE_SCHEMA.field(name), pa.array(columns[name], SAMPLE_SCHEMA.field(name).type))
    return table, errors


def commit_shard(rd: RoundDir, index: int, count: int, table: pa.Table, sidecar: dict[str, Any]) -> None:
    """As shards.write_shard (shard, then the sidecar that commits it), with the intent record written first
    and removed last: while it exists, the shard holds either its old bytes or the intended ones."""
    data = table_to_ipc_bytes(drop_duplicates(table.cast(SAMPLE_SCHEMA)))  # each number once, as generate writes
    full = dict(sidecar, shard=shard_name(index, count), index=index, count=count, rows=table.num_rows,
                bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    rd.write_json(intent_name(index, count), full)
    rd.write_bytes(f"{SHARDS_DIR}/{shard_name(index, count)}", data)
    # The bytes just written are the ones hashed: readers need not hash them again.
    record_written(rd, f"{SHARDS_DIR}/{shard_name(index, count)}", full["sha256"], len(data))
    rd.write_json(f"{SHARDS_DIR}/{sidecar_name(index, count)}", full)
    rd.delete(intent_name(index, count))
    flush_verified()


def _recover(rd: RoundDir, index: int, count: int) -> None:
    """An intent record left by a killed regrade: the shard holds the intended bytes (the sidecar is then
    written, committing them) or still the old ones (the record is dropped); anything else is corrupt."""
    try:
        intent = json.loads(rd.read_bytes(intent_name(index, count)))
    except FileNotFoundError:
        return
    except (ValueError, RecursionError):
        intent = None
    name = f"{SHARDS_DIR}/{shard_name(index, count)}"
    try:
        digest = hashlib.sha256(rd.read_bytes(name)).hexdigest()
    except FileNotFoundError:
        digest = None
    old = read_sidecar(rd, index, count)
    if valid_sidecar(intent) and digest == intent.get("sha256"):
        rd.write_json(f"{SHARDS_DIR}/{sidecar_name(index, count)}", intent)
    elif old is None or digest != old.get("sha256"):
        raise ExpoError(f"{rd.uri(name)} is corrupt: it matches neither its sidecar nor the regrade that was "
                        f"writing it; rerun `expo-data generate` to repair it")
    rd.delete(intent_name(index, count))


def _zero() -> dict[str, int]:
    return {"samples": 0, "attempts": 0, "attempts_correct": 0, "explanations": 0, "explanations_correct": 0}


def _add(total: dict[str, int], counts: dict[str, Any]) -> None:
    for name in total:
        value = counts.get(name, 0)
        total[name] += value if isinstance(value, int) else 0


def _log_summary(rd: RoundDir, spec: VerifierSpec, totals: dict[str, Any], count: int, seconds: float,
                 log: Callable[[str], None]) -> None:
    before, after, errors = totals["before"], totals["after"], totals["errors"]
    skipped = f" ({totals['skipped']} already graded so: skipped)" if totals["skipped"] else ""
    log(f"regraded {count - totals['skipped']} of {count} shards of {rd.uri()}{skipped} with {describe(spec.grading())}: correct attempts "
        f"{before['attempts_correct']} -> {after['attempts_correct']} of {after['attempts']}, correct explanations "
        f"{before['explanations_correct']} -> {after['explanations_correct']} of {after['explanations']}; "
        f"verifier errors {errors['error']}, timeouts {errors['timeout']}; {seconds:.1f}s")
    record = read_selection_record(rd)
    if record is not None and stale_reason(record, read_manifest(rd)):
        log(f"the selection in {rd.uri('selected')} is now stale (made under {describe(record.get('grading'))}): "
            f"rerun `expo-data select {rd.uri()}` before training on it")
