"""DuckDB over round dirs: views `samples`, `problems`, `manifest`; the shipped queries in sql/.

DuckDB reads Arrow IPC (and S3) only through extensions it would have to download, so each
round's shards are registered as a pyarrow dataset on the round's own filesystem (local disk or
object store): nothing is copied into memory up front, and DuckDB pushes projections and filters
down into the scan.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import json
import math
import os
import re
import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads

from ..errors import ExpoError, Terminated, is_interrupt
from ..oserrors import as_os_error, failure, has_surrogates
from ..store.schema import SAMPLE_SCHEMA
from ..store.shards import committed_shard_names, verify_round_dir
from ..store.stored_once import GEN_TOKEN_LOGPROBS_SQL
from ..store.storage import as_store

# Made after sql/definitions.sql: has_positive is the positive rule's (expo_positive_candidates) with its
# declared defaults, the same test `expo-data select` makes by default.
PROBLEMS_VIEW = """
CREATE VIEW problems AS
WITH positive AS (
    SELECT DISTINCT round, problem_id, true AS has_positive
    FROM expo_positive_candidates({max_nll_ratio}, {min_policy_mean}, {min_answer_gain}, {include_attempts})
)
SELECT round, problem_id, any_value(level) AS level, any_value(question) AS question,
       any_value(reference_answer) AS reference_answer,
       count(*) FILTER (WHERE kind = 'attempt') AS attempts,
       count(*) FILTER (WHERE kind = 'attempt' AND is_correct) AS correct_attempts,
       count(*) FILTER (WHERE kind = 'explanation') AS explanations,
       count(*) FILTER (WHERE kind = 'explanation' AND is_correct) AS correct_explanations,
       coalesce(bool_or(kind = 'attempt' AND is_correct), false) AS pass_at_k,
       coalesce(any_value(has_positive), false) AS has_positive,
       any_value(answer_logprob_base) AS answer_logprob_base
FROM samples LEFT JOIN positive USING (round, problem_id) GROUP BY round, problem_id
"""


def _literal(value: Any) -> str:
    """A declared default (a number or a flag parsed from our own definitions.sql) as a SQL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f"{value!r}::DOUBLE" if isinstance(value, float) else str(value)
    raise ExpoError(f"definitions.sql declares {value!r}: not a number or true/false")


def sql_dir():
    return importlib.resources.files("expo_data.sql")


def shipped_query(name: str) -> str:
    resource = sql_dir() / (name if name.endswith(".sql") else f"{name}.sql")
    if not resource.is_file():
        raise ExpoError(f"no shipped query named {name}")
    return resource.read_text()


# DuckDB's own share of the machine when no --memory-limit is given: the rest is left to pyarrow's scan
# buffers, Python and the other processes (a trainer, vLLM) that may share the host.
DEFAULT_MEMORY_FRACTION = 0.0625
MIN_MEMORY_LIMIT = 128 * 2**20
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def parse_memory_limit(text: Any = None) -> int:
    """Bytes for DuckDB's memory_limit: a size (4GB, 512MiB, 2.5GiB) or a share of this machine (25%);
    None means DEFAULT_MEMORY_FRACTION of it."""
    ram = physical_memory()
    if text is None:
        return max(MIN_MEMORY_LIMIT, int(ram * DEFAULT_MEMORY_FRACTION))
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b|b)?\s*", str(text), re.IGNORECASE)
    if match is None:
        raise ExpoError(f"--memory-limit {text}: expected a size such as 4GB, 512MiB or a share such as 25%")
    value, unit = float(match[1]), (match[2] or "").lower()
    limit = int(ram * value / 100) if unit == "%" else int(value * _UNITS[unit])
    if not MIN_MEMORY_LIMIT <= limit <= ram:
        raise ExpoError(f"--memory-limit {text}: must lie between {MIN_MEMORY_LIMIT // 2**20} MiB and this machine's "
                        f"{ram / 2**30:.1f} GiB")
    return limit


@contextlib.contextmanager
def spill_dir(location: Any):
    """A fresh directory for DuckDB's spilled sorts, windows and joins on the round's own disk (the cache
    dir for a round on object storage, or a round dir this user cannot write; the system temp dir when that
    is read-only too: reading a round never needs write access to it), removed afterwards."""
    from ..store.files import SPILL_DIR, cache_dir, owner_tag, remove_dead_leftovers

    store = as_store(location)
    bases = [] if store.remote else [store.local()]
    # DuckDB takes its temp directory as UTF-8: a round dir whose name is not spills into the cache dir.
    bases = [base for base in bases if base.is_dir() and not has_surrogates(str(base))]
    for base in bases + [cache_dir() / "spill", Path(tempfile.gettempdir())]:
        try:
            base.mkdir(parents=True, exist_ok=True)
            remove_dead_leftovers(base, SPILL_DIR)  # a killed run's (its sorted runs are the selection's size)
            path = tempfile.mkdtemp(prefix=f".expo-spill-{owner_tag()}-", dir=base)
            break
        except OSError:
            continue
    else:
        raise ExpoError(f"no writable directory for DuckDB's spill files (tried {', '.join(map(str, bases))}, the cache dir "
                        f"and {tempfile.gettempdir()}); set EXPO_CACHE or TMPDIR to a writable directory")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def connect(round_dirs: list[Path], check_checksums: bool = True, memory_limit: int | None = None,
            temp_directory: str | None = None, log=None, allow_external_access: bool = False,
            verify: str = "once") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the views over `round_dirs`. `memory_limit` (bytes) and `temp_directory`
    bound DuckDB: past the limit, sorts and windows spill there instead of growing (without a temp
    directory DuckDB can only fail). Unless `allow_external_access`, the connection can then read nothing
    but those views and in-memory data: no file reads or writes (COPY, read_csv, ATTACH), no extension
    loads, and the setting is locked so a query cannot lift it. The shards are scanned by pyarrow through
    the registered datasets, which this does not touch. `verify`: "once" trusts the record of shards
    verified before (verified.py), "full" hashes every local shard again."""
    if not round_dirs:
        raise ExpoError("no round dir given")
    config = {"memory_limit": f"{memory_limit}B"} if memory_limit is not None else {}
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(config=config)
    _OPEN.add(con)
    selects, manifests, rounds_seen = [], [], {}
    for position, directory in enumerate(round_dirs):
        store = as_store(directory)
        directory = store.uri()
        manifest = verify_round_dir(store, check_checksums=check_checksums, log=log, verify=verify)
        if manifest["round"] in rounds_seen:
            raise ExpoError(f"{directory} and {rounds_seen[manifest['round']]} are both round {manifest['round']}; "
                            f"generate rounds with distinct --round numbers to compare them")
        rounds_seen[manifest["round"]] = directory
        # The explicit schema reads older shard versions with the columns added since as nulls.
        # On object storage the same pyarrow filesystem serves the scan (ranged reads, no download).
        dataset = pads.dataset([store.path(name) for name in committed_shard_names(manifest)], format="ipc",
                               schema=SAMPLE_SCHEMA, filesystem=store.fs)
        con.register(f"_round_{position}", dataset)
        # An attempt's gen_token_logprobs, stored once since schema version 4, shown whole.
        selects.append(f"SELECT * REPLACE ({GEN_TOKEN_LOGPROBS_SQL}), '{_quote(str(directory))}' AS round_dir "
                       f"FROM _round_{position}")
        manifests.append({"round_dir": str(directory), "round": manifest["round"], "config_hash": manifest["config_hash"],
                          "base_model": manifest.get("base_model"), "adapter": manifest.get("adapter"),
                          "logprob_dtype": manifest.get("logprob_dtype"), "num_problems": manifest.get("num_problems"),
                          "manifest_json": json.dumps(manifest, sort_keys=True)})
    con.execute("CREATE VIEW samples AS " + " UNION ALL ".join(selects))
    # The positive rule and the quality figures, once for every shipped query (sql/definitions.sql).
    definitions = shipped_query("definitions")
    con.execute(definitions)
    con.execute(PROBLEMS_VIEW.format(**{k: _literal(v) for k, v in declared_params(definitions).items()}))
    con.register("_manifest", pa.Table.from_pylist(manifests))
    con.execute("CREATE VIEW manifest AS SELECT * FROM _manifest")
    if not allow_external_access:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def _quote(text: str) -> str:
    return text.replace("'", "''")


# ---------------------------------------------------------------------------
# Parameters: a shipped query declares its own with defaults in its header, e.g. "--   $group_by = auto
# why ..."; the positive rule's are declared once, in definitions.sql. A user's values are always bound,
# never formatted in.
# ---------------------------------------------------------------------------
_DECLARED = re.compile(r"\$([A-Za-z_]\w*)\s*=\s*([^\s,]+)")
_USED = re.compile(r"\$([A-Za-z_]\w*)")


def parse_value(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def declared_params(sql: str) -> dict[str, Any]:
    """The defaults a query declares in its comments, over the positive rule's (declared once, in
    definitions.sql's header), so every query that takes a rule parameter gets the same default."""
    def declared(text: str) -> dict[str, Any]:
        header = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("--"))
        return {name: parse_value(value) for name, value in _DECLARED.findall(header)}

    return {**declared(shipped_query("definitions")), **declared(sql)}


_DOLLAR_QUOTE = re.compile(r"\$([A-Za-z_]\w*)?\$")


def code_only(sql: str) -> str:
    """The SQL with string literals, quoted identifiers, dollar-quoted strings and comments blanked
    out (lengths kept): what is left is where a $name is a parameter."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:  # a doubled quote is an escaped quote inside
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            end = min(j + 1, n)
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            end = n if newline < 0 else newline
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            end = n if close < 0 else close + 2
        elif c == "$" and (m := _DOLLAR_QUOTE.match(sql, i)) and not (m.group(1) and sql.find(m.group(), m.end()) < 0):
            close = sql.find(m.group(), m.end())
            end = n if close < 0 else close + len(m.group())
        else:
            out.append(c)
            i += 1
            continue
        out.append(" " * (end - i))
        i = end
    return "".join(out)


def used_params(sql: str) -> set[str]:
    return set(_USED.findall(code_only(sql)))


def parse_param_args(pairs: list[str]) -> dict[str, Any]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name.strip()):
            raise ExpoError(f"malformed parameter '{pair}': expected name=value")
        parsed = parse_value(value)
        if isinstance(parsed, float) and not math.isfinite(parsed):
            # A NaN threshold compares false with everything: it would silently switch a filter off.
            raise ExpoError(f"parameter '{pair}': not a finite number")
        params[name.strip()] = parsed
    return params


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    used = used_params(sql)
    unknown = sorted(set(params) - used)
    if unknown:
        raise ExpoError(f"unknown parameter(s) {', '.join(unknown)}; this query takes: {', '.join(sorted(used)) or 'none'}")
    declared = declared_params(sql)
    for name, value in params.items():
        _check_type(name, value, declared.get(name))
    values = {**declared, **params}
    missing = sorted(used - set(values))
    if missing:
        raise ExpoError(f"missing value for parameter(s) {', '.join(missing)}; pass --param NAME=VALUE")
    return {name: values[name] for name in used}


def _check_type(name: str, value: Any, default: Any) -> None:
    """A value of the kind the query's declared default has (a number for a number, true/false for a
    flag), so a typo is refused before any work rather than by DuckDB's binder halfway through."""
    def is_number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if isinstance(default, bool) and not isinstance(value, bool):
        raise ExpoError(f"--param {name}={value}: expected true or false")
    if is_number(default) and not is_number(value):
        raise ExpoError(f"--param {name}={value}: expected a number")
    if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float) and not value.is_integer():
        raise ExpoError(f"--param {name}={value}: expected a whole number")


def query_batches(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None,
                  rows_per_batch: int = 65536) -> pa.RecordBatchReader:
    """A query's result as a stream of record batches: DuckDB produces each batch as it is read, so a
    result never has to fit in memory at once (a sorted result is kept, or spilled, by DuckDB itself)."""
    bound = bind(sql, params or {})
    _one_statement(con, sql)
    try:
        relation = con.sql(sql, params=bound or None)
        if relation is None:
            return pa.RecordBatchReader.from_batches(pa.schema([]), [])
        # DuckDB 2 renamed fetch_record_batch to to_arrow_reader.
        if hasattr(relation, "to_arrow_reader"):
            return relation.to_arrow_reader(rows_per_batch)
        return relation.fetch_record_batch(rows_per_batch)
    except duckdb.Error as exc:
        raise query_error(exc)


_OPEN: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()  # connections a SIGTERM interrupts
TERMINATING = threading.Event()


def interrupt_all() -> None:
    """SIGTERM arrived (cli/common.py's watcher thread): DuckDB is stopped in whatever query it runs, as Ctrl-C
    stops it, so that the main thread gets back to Python, raises and removes its temp files."""
    TERMINATING.set()
    for con in list(_OPEN):
        try:
            con.interrupt()
        except Exception:  # noqa: BLE001 - a closed connection: nothing to stop
            pass


@contextlib.contextmanager
def query_deadline(con: duckdb.DuckDBPyConnection, seconds: float | None):
    """`sql --timeout`: past `seconds`, DuckDB is interrupted and the command fails in one line (the output
    file, streamed to a temp file, is not kept)."""
    if seconds is None:
        yield
        return
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    except BaseException as exc:
        if fired.is_set() and (is_interrupt(exc) or isinstance(exc, ExpoError)):
            raise ExpoError(f"the query ran past --timeout {seconds:g}s and was stopped; nothing was written") from None
        raise
    finally:
        timer.cancel()


def query_error(exc: BaseException) -> BaseException:
    """What to raise for a failed query: one line, or the user's Ctrl-C as itself (DuckDB reports it
    as an error of the query)."""
    message = " ".join(str(exc).split())
    if is_interrupt(exc):
        return Terminated() if TERMINATING.is_set() else KeyboardInterrupt()
    os_exc = as_os_error(exc) if isinstance(exc, duckdb.IOException) or "[Errno " in message else None
    if os_exc is not None:  # the disk (of the spill dir, a shard) said no: the error boundary's one line
        return failure(os_exc, doing="at", kept="nothing was written")
    if "Out of Memory" in message or "memory limit" in message.lower():
        return ExpoError(f"SQL error: {message} (raise --memory-limit, or free disk for the spill directory)")
    return ExpoError(f"SQL error: {message}")


def _one_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Several statements are refused, none run: DuckDB would run them all and show only the last."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise query_error(exc)
    if len(statements) != 1:
        raise ExpoError(f"one SQL statement per query, not {len(statements)}; nothing was run"
                        if statements else "empty SQL query")


def run_query(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
    """One statement's result."""
    bound = bind(sql, params or {})
    _one_statement(con, sql)
    try:
        relation = con.sql(sql, params=bound or None)
        if relation is None:  # a statement without a result (CREATE, SET ...)
            return pa.table({})
        # DuckDB 2 renamed the relation's arrow() to to_arrow_table().
        return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    except duckdb.Error as exc:
        raise query_error(exc)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def format_table(table: pa.Table, max_rows: int = 50, max_width: int = 40) -> str:
    """A plain aligned text table; long values and list columns are abbreviated."""

    def cell(value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, list):
            return f"[{len(value)} items]"
        # Model output is untrusted: control characters (ESC sequences, CR, BEL) are shown escaped, never
        # sent to the terminal, where they could rewrite what was printed before them.
        text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(value))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = table.slice(0, max_rows).to_pylist()
    headers = table.column_names
    cells = [[cell(row[h]) for h in headers] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    if table.num_rows > max_rows:
        lines.append(f"... {table.num_rows - max_rows} more rows ({table.num_rows} in all)")
    else:
        lines.append(f"({table.num_rows} rows)")
    return "\n".join(lines)
