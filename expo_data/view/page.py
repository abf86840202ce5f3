"""`expo-data view`: one self-contained HTML page to read a round's samples (no server, no network).

The page holds the round as JSON in a `<script type="application/json">` block, escaped so that no
sample text can end that block, and renders it with its own script through textContent only
(model output is untrusted). Its Content-Security-Policy lets only that script run. Per-token
shading comes from `policy_token_logprobs`, each completion token decoded with the round's own
tokenizer.

Memory stays bounded by the page, not the round: rows stream from DuckDB in batches and the page
is refused once it passes `max_bytes` (25 MB: what a browser opens comfortably).
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import importlib.resources
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any, Callable

from ..select.db import bind, connect, run_query, shipped_query
from ..errors import ExpoError, first_line
from ..store.schema import RoundDir, atomic_write_bytes, check_not_round_file, read_selection_record
from ..store.storage import Store, as_location, is_remote, redact

MAX_BYTES = 25 * 1024 * 1024
PAGE_NAME = "view.html"
BATCH_ROWS = 2048
# Per-sample page bytes beyond its text and tokens (keys, facts, the selection note): for the early
# size check, which refuses a round far past the limit before sorting it.
SAMPLE_OVERHEAD = 260
BYTES_PER_TOKEN = 6  # a log-prob in hundredths and a piece length, with their commas


# ---------------------------------------------------------------------------
# Tokens: each completion token's text, decoded so that multi-byte characters come out whole.
# ---------------------------------------------------------------------------
def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte-level alphabet: each byte as the printable character byte-level BPE vocabularies use."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


class Detokenizer:
    """Per-token text of a completion. Byte-level BPE vocabularies (GPT-2, Llama 3, Qwen, SmolLM) map
    each token to its bytes, decoded incrementally: a character split across tokens shows whole under
    the token that completes it. Other tokenizers (SentencePiece) decode a sliding window of tokens
    and emit the new text once it is complete (vLLM's incremental detokenisation).

    `tokenizer`: a `tokenizers.Tokenizer` (the model's tokenizer.json; no transformers import) or a
    transformers tokenizer."""

    def __init__(self, tokenizer):
        backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
        self.fast = hasattr(backend, "get_added_tokens_decoder")
        self.tokenizer = backend if self.fast else tokenizer
        added = backend.get_added_tokens_decoder() if self.fast else tokenizer.added_tokens_decoder
        self.added = {i: t.content for i, t in added.items()}
        self.token_bytes = self._byte_level_table() if self.fast else None
        self.vocab_size = backend.get_vocab_size(with_added_tokens=True) if self.fast else len(tokenizer)

    def _byte_level_table(self) -> dict[int, bytes] | None:
        from tokenizers import decoders

        if not isinstance(self.tokenizer.decoder, decoders.ByteLevel):
            return None
        inverse = {c: b for b, c in _bytes_to_unicode().items()}
        table = {}
        for token, index in self.tokenizer.get_vocab(with_added_tokens=True).items():
            if index in self.added:
                table[index] = self.added[index].encode()
            elif all(c in inverse for c in token):
                table[index] = bytes(inverse[c] for c in token)
            else:
                return None
        return table

    def decode(self, ids: list[int]) -> str:
        """The reference: the tokenizer's own decoding of the whole sequence, special tokens kept."""
        if self.fast:
            return self.tokenizer.decode(ids, skip_special_tokens=False)
        return self.tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)

    def pieces(self, ids: list[int]) -> list[str]:
        """Each token's text. An id outside the vocabulary (a hand-edited or foreign round: no tokenizer
        made it) shows as U+FFFD, and the tokens around it are decoded as runs of their own."""
        unknown = [k for k, i in enumerate(ids) if not 0 <= i < self.vocab_size]
        if not unknown:
            return self._known_pieces(ids)
        out, start = [], 0
        for k in unknown + [len(ids)]:
            out += self._known_pieces(ids[start:k]) + (["\ufffd"] if k < len(ids) else [])
            start = k + 1
        return out

    def _known_pieces(self, ids: list[int]) -> list[str]:
        if self.token_bytes is not None and all(i in self.token_bytes for i in ids):
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            out = [decoder.decode(self.token_bytes[i]) for i in ids]
            if out:
                out[-1] += decoder.decode(b"", final=True)
            return out
        return self.windowed(ids)

    def windowed(self, ids: list[int]) -> list[str]:
        out, prefix, read = [], 0, 0
        for end in range(1, len(ids) + 1):
            before, now = self.decode(ids[prefix:read]), self.decode(ids[prefix:end])
            if len(now) > len(before) and not now.endswith("\ufffd"):
                out.append(now[len(before):])
                prefix, read = read, end
            else:
                out.append("")
        if read < len(ids) and out:  # an incomplete character at the very end: show what there is
            out[-1] += self.decode(ids[prefix:])[len(self.decode(ids[prefix:read])):]
        return out


def utf16_len(text: str) -> int:
    """Length as JavaScript counts it (astral characters such as emoji are two units)."""
    return len(text.encode("utf-16-le")) // 2


def token_fields(detok: Detokenizer, completion: str, ids: list[int], logprobs: list[float]) -> dict[str, Any]:
    """The page's token columns: the text once, each token's length in it, its log-prob in hundredths.
    The tokens' text is usually the completion plus a special end token: then only that tail is stored."""
    pieces = detok.pieces(ids)
    joined = "".join(pieces)
    fields: dict[str, Any] = {"tl": [utf16_len(p) for p in pieces],
                              "lp": [None if v is None or math.isnan(v) else round(v * 100) for v in logprobs]}
    if joined != completion:
        if joined.startswith(completion):
            fields["tx"] = joined[len(completion):]
        else:
            fields["tt"] = joined
    return fields


def load_tokenizer(manifest: dict[str, Any], override: str | None = None):
    """The round's tokenizer: --tokenizer, else the manifest's base model, else (a round made on another
    machine) the embedded default model when its weights are the manifest's."""
    from ..model import tokenizer_source

    name = tokenizer_source(manifest, override)
    try:
        # tokenizer.json alone loads in a fraction of a second; transformers only for what lacks one.
        if Path(name, "tokenizer.json").is_file():
            from tokenizers import Tokenizer

            return Tokenizer.from_file(str(Path(name, "tokenizer.json")))
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(name)
    except Exception as exc:
        raise ExpoError(f"cannot load the tokenizer of {name}: {first_line(exc)}")


# ---------------------------------------------------------------------------
# Selection: each sample's role and why, as sql/definitions.sql's expo_sample_roles says it.
# ---------------------------------------------------------------------------
class Selection:
    """The parameters a round's roles are computed with: those of its selection when that was made from
    these shards (the roles are then the stored tables' rows), else the shipped defaults (nothing written)."""

    def __init__(self, round_dir: Any, log: Callable[[str], None]):
        rd = RoundDir(round_dir)
        self.params = bind(shipped_query("select_positives"), {})
        record = read_selection_record(rd)
        if record is not None and record.get("source_shards") == rd.sidecar_hashes():
            stored = record.get("parameters", {}).get("positives", {})
            self.params.update({k: v for k, v in stored.items() if k in self.params})
            self.source = rd.uri("selection_record")
        else:
            if record is not None:
                log(f"{rd.uri('selection_record')} was made from other shards; showing the default selection instead")
            self.source = "not selected yet: computed with the shipped queries' defaults (nothing written)"


_ROLE_ARGS = ("max_nll_ratio", "min_policy_mean", "min_answer_gain", "include_attempts", "per_problem")


def _roles_sql(rounds: list[int], selections: list[Selection]) -> tuple[str, dict[str, Any]]:
    """Each round's expo_sample_roles with its own selection's parameters, as one relation."""
    parts, params = [], {}
    for i, (round_, selection) in enumerate(zip(rounds, selections)):
        args = ", ".join(f"$r{i}_{name}" for name in _ROLE_ARGS)
        parts.append(f"SELECT * FROM expo_sample_roles({args}) WHERE round = $r{i}_round")
        params.update({f"r{i}_{name}": selection.params[name] for name in _ROLE_ARGS}, **{f"r{i}_round": round_})
    return " UNION ALL ".join(parts), params


def _sample_roles(row: dict[str, Any]) -> list[str]:
    """The page's role badges of a row of expo_sample_roles."""
    if row["role"] == "positive":
        return ["positive", "chosen"] if row["pair_chosen"] else ["positive"]
    return ["rejected"] if row["role"] == "pair_rejected" else []


# ---------------------------------------------------------------------------
# The page.
# ---------------------------------------------------------------------------
def validate_where(con, where: str | None) -> str | None:
    """--where as one boolean SQL expression over the samples view (one line on error)."""
    if where is None or not where.strip():
        return None
    import duckdb

    try:
        duckdb.SQLExpression(where)  # exactly one expression: no `1) UNION SELECT (...`, no second statement
        types = con.sql(f"SELECT ({where}) AS keep FROM samples LIMIT 0").types
    except duckdb.Error as exc:
        raise ExpoError(f"--where is not a valid expression over the samples view: {' '.join(str(exc).split())}")
    if str(types[0]) != "BOOLEAN":
        raise ExpoError(f"--where must be a boolean expression (true for the samples to show); {where!r} is {types[0]}")
    return where


def _escape_json(text: str) -> str:
    """JSON that a <script> block cannot be closed or confused by: the escapes keep the same JSON value."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _dumps(obj: Any) -> str:
    return _escape_json(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def _float(value, digits: int = 3):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else round(value, digits)


def _quality(round_con) -> dict[str, Any]:
    table = run_query(round_con, shipped_query("quality_report"), {"group_by": "auto"})
    rows = [[_float(v) if isinstance(v, float) else v for v in row.values()] for row in table.to_pylist()]
    return {"columns": table.column_names, "rows": rows}


def _plots_png(round_dirs: list[Any], con) -> str | None:
    from ..select.report import _plot, held_out

    with tempfile.TemporaryDirectory(prefix="expo-view-") as tmp:
        png = Path(tmp) / "report.png"
        _plot(con, held_out(list(round_dirs)), png)
        return base64.b64encode(png.read_bytes()).decode()


ROW_QUERY = """
WITH shown AS (
    SELECT problem_id FROM samples WHERE {where} GROUP BY problem_id
    ORDER BY try_cast(problem_id AS BIGINT) NULLS LAST, problem_id {limit}
), roles AS ({roles})
SELECT s.problem_id, s.kind, s.sample_index, s.round, s.level, s.category, s.question, s.reference_answer,
       s.completion, s.completion_token_ids, s.policy_token_logprobs, s.num_tokens,
       s.finish_reason, s.extracted_answer, s.extraction_method, s.is_correct, s.verify_error,
       s.mentions_answer_hint, r.nll, r.answer_gain AS gain, r.role, r.pair_chosen, r.why
FROM samples s JOIN shown USING (problem_id) LEFT JOIN roles r USING (round, problem_id, kind, sample_index)
WHERE {where}
ORDER BY try_cast(s.problem_id AS BIGINT) NULLS LAST, s.problem_id, s.round,
         CASE s.kind WHEN 'attempt' THEN 0 WHEN 'explanation' THEN 1 ELSE 2 END, s.sample_index
"""


def _record_batches(con, sql: str, params: dict[str, Any] | None = None):
    relation = con.sql(sql, params=params or None)
    # DuckDB 2 renamed record_batch() to to_arrow_reader(); both stream the result in batches.
    reader = relation.to_arrow_reader(BATCH_ROWS) if hasattr(relation, "to_arrow_reader") else relation.record_batch(BATCH_ROWS)
    yield from reader


class _TooBig(Exception):
    pass


class _Page:
    """The page's bytes, refused as soon as they pass the limit."""

    def __init__(self, limit: int):
        self.buffer, self.limit = io.BytesIO(), limit

    def write(self, text: str) -> None:
        self.buffer.write(text.encode())
        if self.buffer.tell() > self.limit:
            raise _TooBig

    def size(self) -> int:
        return self.buffer.tell()


def _too_big(limit: int, what: str) -> ExpoError:
    return ExpoError(f"the page would pass {limit / 2**20:.0f} MB ({what}); narrow it with --where "
                     f"(e.g. \"kind = 'explanation'\") or --limit-problems N")


def default_output(round_dir: Any) -> "Path":
    """ROUND/view.html for a local round; ./view.html for one on object storage (written locally)."""
    return Path(PAGE_NAME) if is_remote(round_dir) else Path(as_location(round_dir)) / PAGE_NAME


def build_page(round_dirs: list[Any], where: str | None = None, limit_problems: int | None = None,
               tokenizer: str | None = None, max_bytes: int = MAX_BYTES, plots: bool = True,
               log: Callable[[str], None] = print) -> tuple[bytes, dict[str, int]]:
    """The page's bytes and its counts (problems, samples)."""
    if not round_dirs:
        raise ExpoError("no round dir given")
    if limit_problems is not None and limit_problems < 1:
        raise ExpoError("--limit-problems must be >= 1")
    round_dirs = [as_location(d) for d in round_dirs]
    if len({redact(d) for d in round_dirs}) != len(round_dirs):
        raise ExpoError("the same round dir is given twice")
    con = connect(round_dirs)
    where = validate_where(con, where)
    condition = f"({where})" if where else "true"
    manifests = [json.loads(m) for (m,) in con.execute("SELECT manifest_json FROM manifest").fetchall()]
    index_of_round = {m["round"]: i for i, m in enumerate(manifests)}

    # Refuse a round far past the limit before sorting it.
    limit_sql = f"LIMIT {int(limit_problems)}" if limit_problems else ""
    estimate, problems_est = con.execute(f"""
        WITH shown AS (SELECT problem_id FROM samples WHERE {condition} GROUP BY problem_id
                       ORDER BY try_cast(problem_id AS BIGINT) NULLS LAST, problem_id {limit_sql})
        SELECT coalesce(sum(strlen(completion) + {BYTES_PER_TOKEN} * num_tokens + {SAMPLE_OVERHEAD}), 0),
               count(DISTINCT problem_id)
        FROM samples JOIN shown USING (problem_id) WHERE {condition}""").fetchall()[0]
    if estimate > max_bytes:
        raise _too_big(max_bytes, f"about {estimate / 2**20:.0f} MB for {problems_est} problems")

    tokenizers: dict[str, Any] = {}
    detoks = []
    for manifest in manifests:
        key = tokenizer or manifest["base_model"]
        if key not in tokenizers:
            tokenizers[key] = Detokenizer(load_tokenizer(manifest, tokenizer))
        detoks.append(tokenizers[key])
    round_cons = [connect([d], check_checksums=False) for d in round_dirs]
    selections = [Selection(d, log) for d in round_dirs]
    roles, role_params = _roles_sql([m["round"] for m in manifests], selections)
    meta = {
        "rounds": [{"dir": redact(d), "round": m["round"], "manifest": m, "quality": _quality(c),
                    "selection": {"source": sel.source, "parameters": sel.params}}
                   for d, m, c, sel in zip(round_dirs, manifests, round_cons, selections)],
        "plots": _plots_png(round_dirs, con) if plots else None,
        "where": where, "limit_problems": limit_problems,
    }
    template = importlib.resources.files("expo_data.view").joinpath("page.html").read_text()
    script = importlib.resources.files("expo_data.view").joinpath("page.js").read_text()
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    title = "expo view: " + " vs ".join(f"round {m['round']}" for m in manifests)
    head, tail = template.replace("__SCRIPT_HASH__", script_hash).replace("__TITLE__", title).split("__DATA__")
    tail = tail.replace("__SCRIPT__", script)

    page = _Page(max_bytes)
    counts = {"problems": 0, "samples": 0}
    try:
        page.write(head)
        page.write('{"meta":' + _dumps(meta) + ',"problems":[')
        current: dict[str, Any] | None = None

        def flush(problem):
            page.write(("," if counts["problems"] else "") + _dumps(problem))
            counts["problems"] += 1

        rows_sql = ROW_QUERY.format(where=condition, limit=limit_sql, roles=roles)
        for batch in _record_batches(con, rows_sql, role_params):
            for row in batch.to_pylist():
                if current is None or current["id"] != row["problem_id"]:
                    if current is not None:
                        flush(current)
                    current = {"id": row["problem_id"], "q": row["question"], "gold": row["reference_answer"],
                               "lv": row["level"], "cat": row["category"], "s": []}
                r = index_of_round[row["round"]]
                sample = {"r": r, "k": row["kind"], "i": row["sample_index"], "c": int(row["is_correct"]),
                          "a": row["extracted_answer"], "m": row["extraction_method"], "e": row["verify_error"],
                          "n": _float(row["nll"]), "g": _float(row["gain"]), "h": int(row["mentions_answer_hint"]),
                          "f": row["finish_reason"], "sel": _sample_roles(row), "why": row["why"] or "",
                          "t": row["completion"]}
                sample.update(token_fields(detoks[r], row["completion"], row["completion_token_ids"],
                                           row["policy_token_logprobs"]))
                current["s"].append(sample)
                counts["samples"] += 1
        if current is not None:
            flush(current)
        page.write("]}")
        page.write(tail)
    except _TooBig:
        raise _too_big(max_bytes, f"past it after {counts['problems']} problems")
    return page.buffer.getvalue(), counts


def write_view(round_dirs: list[Any], output: Any = None, where: str | None = None, limit_problems: int | None = None,
               tokenizer: str | None = None, max_bytes: int = MAX_BYTES, log: Callable[[str], None] = print) -> str:
    """Write the page (atomically; to object storage when -o is a URI); returns where it went."""
    output = output if output is not None else default_output(round_dirs[0] if round_dirs else ".")
    if not is_remote(output):  # checked before the work
        output = Path(output)
        if output.is_dir():
            output = output / PAGE_NAME
        if not output.parent.is_dir():
            raise ExpoError(f"cannot write {output}: {output.parent} is not a directory")
        check_not_round_file(output, round_dirs, "-o")  # a page written over a shard or manifest destroys the round
    data, counts = build_page(round_dirs, where, limit_problems, tokenizer, max_bytes, log=log)
    if is_remote(output):
        parent, _, name = str(output).split("?", 1)[0].rstrip("/").rpartition("/")
        options = str(output).partition("?")[1:]
        Store(parent + "".join(options)).write_bytes(name, data)
    elif output.exists() and not output.is_file():  # a device or pipe (/dev/stdout): write into it, never replace it
        with open(output, "wb") as f:
            f.write(data)
    else:
        atomic_write_bytes(output, data)
    where_to = redact(output)
    log(f"wrote {where_to}: {counts['problems']} problems, {counts['samples']} samples, {len(data) / 2**20:.1f} MB")
    return where_to
