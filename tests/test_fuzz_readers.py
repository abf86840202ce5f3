"""Property tests of every reader of user files: the problems loader, the manifest and sidecar
readers and the TOML run config either load or raise ExpoError (one line), never anything else."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from expo_data.errors import ExpoError

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
MANIFEST = json.loads((FIXTURE / "manifest.json").read_text())
SIDECAR = json.loads((FIXTURE / "shards" / "shard-00000-of-00002.json").read_text())


def _mutated(base: dict):
    """The real record with fields dropped, retyped or replaced, or anything JSON at all."""
    edits = st.dictionaries(st.sampled_from(sorted(base)), json_values, max_size=4)
    drops = st.sets(st.sampled_from(sorted(base)), max_size=3)
    real = st.tuples(edits, drops).map(lambda ed: {k: v for k, v in {**base, **ed[0]}.items() if k not in ed[1]})
    return real | json_values


def _as_bytes(value) -> st.SearchStrategy:
    encoded = json.dumps(value).encode()
    return st.sampled_from([encoded, encoded[: len(encoded) // 2], encoded + b"\xff", b"\xef\xbb\xbf" + encoded])


raw_bytes = st.binary(max_size=200)


def _one_line(exc: ExpoError) -> None:
    assert str(exc) and "\n" not in str(exc).strip()


@SETTINGS
@given(data=st.data())
def test_manifest_reader_loads_or_raises_expo_error(data):
    from expo_data.store.schema import read_manifest
    from expo_data.store.shards import verify_round_dir

    content = data.draw(_mutated(MANIFEST).flatmap(_as_bytes) | raw_bytes)
    with tempfile.TemporaryDirectory() as tmp:
        round_dir = Path(tmp) / "r"
        shutil.copytree(FIXTURE, round_dir)
        (round_dir / "manifest.json").write_bytes(content)
        try:
            manifest = read_manifest(round_dir)
            verify_round_dir(round_dir)
        except ExpoError as exc:
            _one_line(exc)
            return
        # What loaded is what every reader relies on.
        assert isinstance(manifest, dict) and isinstance(manifest["shards"], int) and manifest["shards"] >= 1
        assert isinstance(manifest["round"], int) and isinstance(manifest["config_hash"], str)


@SETTINGS
@given(data=st.data())
def test_sidecar_reader_never_raises_and_a_bad_sidecar_is_never_complete(data):
    from expo_data.store.shards import read_sidecar, shard_status, verify_round_dir
    from expo_data.store.storage import Store

    content = data.draw(_mutated(SIDECAR).flatmap(_as_bytes) | raw_bytes)
    with tempfile.TemporaryDirectory() as tmp:
        round_dir = Path(tmp) / "r"
        shutil.copytree(FIXTURE, round_dir)
        (round_dir / "shards" / "shard-00000-of-00002.json").write_bytes(content)
        sidecar = read_sidecar(Store(round_dir), 0, 2)
        assert sidecar is None or isinstance(sidecar, dict)
        status = shard_status(round_dir, 0, 2, MANIFEST["config_hash"])
        assert status in ("complete", "corrupt", "missing")
        if status == "complete":  # only a sidecar that still vouches for the same bytes
            assert sidecar["sha256"] == SIDECAR["sha256"] and sidecar["bytes"] == SIDECAR["bytes"]
        try:
            verify_round_dir(round_dir)
            assert status == "complete"
        except ExpoError as exc:
            _one_line(exc)


problem_rows = st.lists(st.dictionaries(st.sampled_from(["question", "answer", "solution", "id", "level", "category",
                                                         "problem", "x"]), json_values, max_size=6), max_size=4)


@SETTINGS
@given(rows=problem_rows, suffix=st.sampled_from([".jsonl", ".csv", ".json"]), garbage=st.one_of(st.none(), raw_bytes))
@example(rows=[{"question": [None, None]}], suffix=".jsonl", garbage=None)  # list<null>: pyarrow's ArrowIndexError
@example(rows=[{"question": [None, "0"]}], suffix=".jsonl", garbage=None)  # pyarrow's SystemError (negative size)
def test_problems_loader_loads_or_raises_expo_error(rows, suffix, garbage):
    from expo_data.generate.problems import load_problems

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"problems{suffix}"
        if garbage is not None:
            path.write_bytes(garbage)
        elif suffix == ".csv":
            columns = sorted({k for row in rows for k in row})
            lines = [",".join(columns)] + [",".join(json.dumps(row.get(c)) for c in columns) for row in rows]
            path.write_text("\n".join(lines) + "\n")
        else:
            path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        try:
            problems = load_problems(str(path))
        except ExpoError as exc:
            _one_line(exc)
            return
        for problem in problems:
            assert isinstance(problem.question, str) and problem.question
            assert isinstance(problem.answer, str) and problem.answer
            assert problem.solution is None or isinstance(problem.solution, str)


toml_values = st.one_of(st.integers(-10, 10**12), st.floats(allow_nan=True), st.booleans(), st.text(max_size=10),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _toml_line(key: str, value) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = "nan" if value != value else ("inf" if value == float("inf") else "-inf" if value == float("-inf") else repr(value))
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{json.dumps(k)} = {v}" for k, v in value.items()) + "}"
    else:
        text = json.dumps(value)
    return f"{key} = {text}\n"


@SETTINGS
@given(entries=st.dictionaries(st.sampled_from(["limit", "attempts", "temperature", "dtype", "shards", "nonsense",
                                                "max-tokens", "progress", "config"]), toml_values, max_size=4),
       garbage=st.one_of(st.none(), raw_bytes))
def test_toml_config_loads_or_raises_expo_error(entries, garbage):
    from cli.common import read_run_config
    from cli.data import generate

    known = {p.name: p for p in generate.params if p.name}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.toml"
        path.write_bytes(garbage if garbage is not None else "".join(_toml_line(k, v) for k, v in entries.items()).encode())
        try:
            loaded = read_run_config(path, known)
        except ExpoError as exc:
            _one_line(exc)
            return
        assert all(name in known for name in loaded)
        assert all(isinstance(v, (str, int, float, bool)) for v in loaded.values())


@SETTINGS
@given(st.text(max_size=60))
def test_sql_parameter_scan_never_raises(sql):
    from expo_data.select.db import code_only, used_params

    assert len(code_only(sql)) == len(sql)
    assert isinstance(used_params(sql), set)
