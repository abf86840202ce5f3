"""Problem sources: the built-in graded arithmetic set and problem files.

A source string is either `builtin:arith` / `builtin:arith:train` / `builtin:arith:test`
or a path to a JSONL, Parquet or CSV file or a `datasets.save_to_disk` directory.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..errors import ExpoError, first_line
from ..store.files import check_regular_input
from ..verify import last_boxed
from ..verify.gold import joined_answers


@dataclass(frozen=True)
class Problem:
    id: str
    question: str
    answer: str
    level: int | None = None
    solution: str | None = None
    category: str | None = None  # a non-level grouping (MATH `type`, `subject`, a `category` column)
    extra: tuple[tuple[str, str], ...] = ()  # --keep-fields, as (name, value) strings


def problems_hash(problems: list[Problem]) -> str:
    digest = hashlib.sha256()
    for p in problems:
        digest.update(json.dumps(asdict(p), sort_keys=True).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Built-in graded arithmetic. Level 1 is what SmolLM2-135M mostly gets right;
# level 5 is what it essentially never does. Each problem carries a correct worked
# solution (the expert CoT baseline).
# ---------------------------------------------------------------------------
BUILTIN_SEEDS = {"train": 20250702, "test": 20250703}
BUILTIN_PER_LEVEL = {"train": 100, "test": 40}
NAMES = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jun"]
ITEMS = ["apples", "pencils", "marbles", "stickers", "cookies", "books", "coins", "cards"]


def _boxed_end(value: int | str) -> str:
    return f"The final answer is \\boxed{{{value}}}."


def _level1(rng: random.Random) -> tuple[str, int, str]:
    if rng.random() < 0.5:
        a, b = rng.randint(1, 12), rng.randint(1, 12)
        return f"What is {a} + {b}?", a + b, f"We add {a} and {b}: {a} + {b} = {a + b}.\n{_boxed_end(a + b)}"
    a, b = rng.randint(6, 20), rng.randint(1, 5)
    return f"What is {a} - {b}?", a - b, f"We subtract {b} from {a}: {a} - {b} = {a - b}.\n{_boxed_end(a - b)}"


def _level2(rng: random.Random) -> tuple[str, int, str]:
    a, b = rng.randint(12, 89), rng.randint(12, 89)
    if rng.random() < 0.5:
        s = a + b
        return (f"What is {a} + {b}?", s,
                f"Add the tens: {a // 10 * 10} + {b // 10 * 10} = {a // 10 * 10 + b // 10 * 10}. "
                f"Add the ones: {a % 10} + {b % 10} = {a % 10 + b % 10}. "
                f"Together: {a // 10 * 10 + b // 10 * 10} + {a % 10 + b % 10} = {s}.\n{_boxed_end(s)}")
    a, b = max(a, b), min(a, b)
    d = a - b
    return (f"What is {a} - {b}?", d,
            f"Subtract the tens first: {a} - {b // 10 * 10} = {a - b // 10 * 10}. "
            f"Then the ones: {a - b // 10 * 10} - {b % 10} = {d}.\n{_boxed_end(d)}")


def _level3(rng: random.Random) -> tuple[str, int, str]:
    a, b = rng.randint(12, 49), rng.randint(3, 9)
    p = a * b
    return (f"What is {a} times {b}?", p,
            f"Split {a} into {a // 10 * 10} + {a % 10}. "
            f"{a // 10 * 10} × {b} = {a // 10 * 10 * b} and {a % 10} × {b} = {a % 10 * b}. "
            f"Adding: {a // 10 * 10 * b} + {a % 10 * b} = {p}.\n{_boxed_end(p)}")


def _level4(rng: random.Random) -> tuple[str, int, str]:
    name, item = rng.choice(NAMES), rng.choice(ITEMS)
    boxes, per_box = rng.randint(3, 9), rng.randint(6, 15)
    total = boxes * per_box
    given = rng.randint(5, total - 5)
    left = total - given
    return (f"{name} has {boxes} boxes with {per_box} {item} in each box. "
            f"{name} gives away {given} {item}. How many {item} does {name} have left?", left,
            f"{name} starts with {boxes} × {per_box} = {total} {item}. "
            f"After giving away {given}, {name} has {total} - {given} = {left} {item} left.\n{_boxed_end(left)}")


def _level5(rng: random.Random) -> tuple[str, int, str]:
    if rng.random() < 0.5:
        x = rng.randint(2, 15)
        a = rng.randint(3, 9)
        c = rng.randint(1, a - 1)
        b = rng.randint(-20, 20)
        d = (a - c) * x + b
        sign_b = f"+ {b}" if b >= 0 else f"- {-b}"
        sign_d = f"+ {d}" if d >= 0 else f"- {-d}"
        return (f"Solve for x: {a}x {sign_b} = {c}x {sign_d}.", x,
                f"Subtract {c}x from both sides: {a - c}x {sign_b} = {d}. "
                f"Then {a - c}x = {d} - ({b}) = {d - b}, so x = {d - b} / {a - c} = {x}.\n{_boxed_end(x)}")
    a, b = rng.randint(23, 97), rng.randint(13, 89)
    p = a * b
    t, o = b // 10 * 10, b % 10
    return (f"What is {a} × {b}?", p,
            f"Write {b} = {t} + {o}. {a} × {t} = {a * t} and {a} × {o} = {a * o}. "
            f"Adding: {a * t} + {a * o} = {p}.\n{_boxed_end(p)}")


LEVELS: dict[int, Callable[[random.Random], tuple[str, int, str]]] = {
    1: _level1, 2: _level2, 3: _level3, 4: _level4, 5: _level5,
}


def builtin_arith(split: str = "train") -> list[Problem]:
    """Deterministic problems, levels interleaved so `--limit N` takes every level.
    Test questions never appear in train."""
    if split not in BUILTIN_SEEDS:
        raise ExpoError(f"unknown builtin split '{split}' (use train or test)")
    held_out: set[str] = set()
    if split == "train":
        held_out = {p.question for p in builtin_arith("test")}
    per_level: dict[int, list[Problem]] = {}
    for level, make in LEVELS.items():
        rng = random.Random(BUILTIN_SEEDS[split] * 10 + level)
        seen: set[str] = set()
        rows: list[Problem] = []
        while len(rows) < BUILTIN_PER_LEVEL[split]:
            question, answer, solution = make(rng)
            if question in seen or question in held_out:
                continue
            seen.add(question)
            rows.append(Problem(f"arith-{split}-L{level}-{len(rows):04d}", question, str(answer), level, solution))
        per_level[level] = rows
    return [per_level[level][i] for i in range(BUILTIN_PER_LEVEL[split]) for level in LEVELS]


# ---------------------------------------------------------------------------
# Problem files.
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldMap:
    """Column names; None means "recognise GSM8K / MATH conventions"."""

    id: str | None = None
    question: str | None = None
    answer: str | None = None
    solution: str | None = None
    level: str | None = None
    category: str | None = None
    keep: tuple[str, ...] = ()  # further columns kept verbatim in the rows' extra_fields


def _read_table(path: Path):
    import pyarrow as pa

    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson", ".parquet", ".csv") and not path.is_dir():
        check_regular_input(path, "problems file")  # a FIFO would hang the read, /dev/zero fill memory
    try:
        if path.is_dir():
            import datasets

            loaded = datasets.load_from_disk(str(path))
            if isinstance(loaded, datasets.DatasetDict):
                split = "train" if "train" in loaded else next(iter(loaded))
                loaded = loaded[split]
            return loaded.data.table if hasattr(loaded.data, "table") else loaded.to_arrow()
        if suffix in (".jsonl", ".json", ".ndjson"):
            import pyarrow.json as pj

            return pj.read_json(path)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix == ".csv":
            import pyarrow.csv as pc

            return pc.read_csv(path)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, ValueError, OSError) as exc:
        message = first_line(exc)
        if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):  # Arrow counts rows within its block
            message = bad_json_line(path) or message
        raise ExpoError(f"cannot read problems file {path}: {message}")
    except Exception as exc:  # a reader library's own error types for a file it cannot parse
        message = first_line(exc)
        raise ExpoError(f"cannot read problems {'dataset' if path.is_dir() else 'file'} {path}: {message}")
    raise ExpoError(f"unsupported problems file type '{path.suffix}' for {path} (use .jsonl, .parquet, .csv or a datasets dir)")


def _pick(columns: list[str], explicit: str | None, candidates: tuple[str, ...], what: str, required: bool) -> str | None:
    if explicit is not None:
        if explicit not in columns:
            raise ExpoError(f"problems file has no column '{explicit}' for the {what} (columns: {', '.join(columns)})")
        return explicit
    for name in candidates:
        if name in columns:
            return name
    if required:
        raise ExpoError(
            f"problems file has no {what} column (looked for {', '.join(candidates)}; columns: {', '.join(columns)}); "
            f"pass --{what}-field")
    return None


_LEVEL_RE = re.compile(r"-?\d+")


def _parse_level(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    match = _LEVEL_RE.search(str(value))  # MATH writes "Level 5"
    return int(match.group()) if match else None


_JSON_KINDS = {bool: "boolean", int: "number", float: "number", str: "string", list: "list", dict: "object"}


def bad_json_line(path: Path) -> str | None:
    """The first line of a JSONL file that Arrow cannot take, by the file's own line number (Arrow's
    message counts rows within a block of the file): a line that is not a JSON object, or a key whose
    value changes kind from the line it first appeared on. None when every line reads."""
    first: dict[str, tuple[str, int]] = {}
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                return f"line {number} is not JSON ({first_line(exc)})"
            if not isinstance(row, dict):
                return f"line {number} is a JSON {_JSON_KINDS.get(type(row), 'value')}, not an object"
            for key, value in row.items():
                if value is None:
                    continue
                kind = _JSON_KINDS.get(type(value), "value")
                seen = first.setdefault(key, (kind, number))
                if seen[0] != kind:
                    return f"line {number}: '{key}' is a {kind}, but a {seen[0]} on line {seen[1]}"
    return None


def load_problem_file(path: Path, fields: FieldMap) -> list[Problem]:
    if not path.exists():
        raise ExpoError(f"problems file not found: {path}")
    if path.is_file() and path.stat().st_size == 0:
        raise ExpoError(f"problems file {path} has no rows (empty file)")
    import pyarrow as pa

    table = _read_table(path)
    if table.num_rows == 0:
        raise ExpoError(f"problems file {path} has no rows")
    try:  # names and values are decoded only now: a CSV header of bytes that are not UTF-8 fails here
        columns = table.column_names
        rows = table.to_pylist()
    except (ValueError, ArithmeticError, TypeError, NotImplementedError, LookupError, SystemError,
            pa.ArrowException) as exc:
        # UnicodeDecodeError, pyarrow's conversion errors (a JSON list of nulls reads as a list<null> column
        # that pyarrow 26 cannot turn into Python: ArrowIndexError; [null, "0"] as a list<string> whose string
        # it decodes with a negative size: SystemError)
        message = first_line(exc)
        raise ExpoError(f"cannot read problems file {path}: {message}")
    q_col = _pick(columns, fields.question, ("question", "problem", "prompt"), "question", True)
    a_col = _pick(columns, fields.answer, ("answer", "final_answer", "gt_answer"), "answer", False)
    s_col = _pick(columns, fields.solution, ("solution",), "solution", False)
    l_col = _pick(columns, fields.level, ("level", "difficulty"), "level", False)
    id_col = _pick(columns, fields.id, ("id", "problem_id", "unique_id", "idx"), "id", False)
    c_col = _pick(columns, fields.category, ("category", "subject", "type", "topic", "domain"), "category", False)
    for name in fields.keep:
        _pick(columns, name, (), "kept field", True)
    if a_col is None and s_col is None:
        raise ExpoError(f"problems file {path} has neither an answer nor a solution column; pass --answer-field")

    problems: list[Problem] = []
    ids: set[str] = set()
    for i, row in enumerate(rows):
        question = row.get(q_col)
        if not isinstance(question, str) or not question.strip():
            raise ExpoError(f"problems file {path} row {i}: empty or non-text question")
        solution = row.get(s_col) if s_col else None
        answer = row.get(a_col) if a_col else None
        if isinstance(answer, str) and "####" in answer:
            # GSM8K: the answer column holds the worked solution, then "#### 42".
            worked, answer = answer.rsplit("####", 1)
            solution = solution or worked.strip()
            answer = answer.strip().replace(",", "")
        if (answer is None or str(answer).strip() == "") and isinstance(solution, str):
            answer = last_boxed(solution)
        if answer is None or str(answer).strip() == "":
            raise ExpoError(f"problems file {path} row {i}: no answer (empty answer column and no \\boxed{{}} in the solution)")
        if isinstance(answer, list) and joined_answers(answer) is not None:
            answer = joined_answers(answer)  # OlympiadBench's final_answer: ["$\\frac{1}{2}$"]
        if not isinstance(answer, (str, int, float)) or isinstance(answer, bool):
            raise ExpoError(f"problems file {path} row {i}: the answer is a {type(answer).__name__}, not text or a number")
        if solution is not None and not isinstance(solution, str):
            raise ExpoError(f"problems file {path} row {i}: the solution is a {type(solution).__name__}, not text")
        pid = str(row[id_col]) if id_col and row.get(id_col) is not None else f"row-{i:06d}"
        if pid in ids:
            raise ExpoError(f"problems file {path} row {i}: duplicate problem id '{pid}'")
        ids.add(pid)
        if isinstance(solution, str) and "####" in solution:
            solution = solution.rsplit("####", 1)[0].strip()
        category = row.get(c_col) if c_col else None
        problems.append(Problem(pid, question.strip(), str(answer).strip(), _parse_level(row.get(l_col) if l_col else None),
                                solution if isinstance(solution, str) and solution.strip() else None,
                                None if category is None else str(category),
                                tuple((name, str(row.get(name))) for name in fields.keep if row.get(name) is not None)))
    return problems


def load_problems(source: str, fields: FieldMap | None = None, limit: int | None = None) -> list[Problem]:
    if source.startswith("builtin:"):
        parts = source.split(":")
        if parts[1] != "arith" or len(parts) > 3:
            raise ExpoError(f"unknown builtin problem set '{source}' (use builtin:arith or builtin:arith:test)")
        problems = builtin_arith(parts[2] if len(parts) == 3 else "train")
    else:
        problems = load_problem_file(Path(source), fields or FieldMap())
    if limit is not None:
        if limit <= 0:
            raise ExpoError("--limit must be positive")
        problems = problems[:limit]
    return problems
