"""Verifiers as plugins: what grades a completion against its gold, by name.

- `builtin` (the default): `verify.extract_answer` then `verify.verify_one`, today's grader.
- `math-verify`: the peer, plain: `math_verify.parse` of the gold and of the whole completion, then `verify`.
- `module:function` or `path/to/file.py:function`: a user's function, called as
  `function(reference, completion, extracted=..., row=...)`, returning a bool or `(bool, reason)`.
- any name an installed package registers in the entry-point group `expo_toolkit.verifiers`.

Every verifier runs in the same process pool as the builtin one (`verify.Verifier`: spawn workers, a per-item
timeout); a plugin that raises, returns something else or hangs counts as wrong with its verify_error recorded.
A name that does not resolve, or a function that cannot be called that way, is refused (`resolve`) before any
engine starts or any shard is touched.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata as md
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import ExpoError, first_line
from .verify import VERIFY_TIMEOUT_S, Verifier

ENTRY_POINT_GROUP = "expo_toolkit.verifiers"
BUILTIN, PEER = "builtin", "math-verify"
# The row fields a plugin sees (`row=`): the sample's scalars, never its token lists (every item is pickled
# to a worker). extra_fields arrive as a {name: value} dict under "extra".
ROW_FIELDS = ("problem_id", "kind", "sample_index", "round", "level", "category", "question", "reference_answer",
              "finish_reason", "num_tokens")


@dataclass(frozen=True)
class VerifierSpec:
    """A resolved verifier: the name as given (what a worker resolves again) and its version."""

    name: str
    version: str

    def grading(self) -> dict[str, str]:
        """What the manifest, the sidecars and a selection record say graded the rows."""
        return {"verifier": self.name, "version": self.version}


@dataclass
class GradeItem:
    reference: str
    completion: str
    extracted: str | None
    row: dict[str, Any]


def _dist_version(name: str) -> str:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "unknown"


def _source_hash(module) -> str:
    """sha256 (12 hex) of a module's source, or of every .py file of a package: a user's module or the builtin
    grader changes without a version bump, and a regrade under changed code must not be skipped as done."""
    path = getattr(module, "__file__", None)
    if not path:
        return "unknown"
    files = sorted(Path(path).parent.rglob("*.py")) if Path(path).name == "__init__.py" else [Path(path)]
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(file.read_bytes())
        except OSError:
            return "unknown"
    return digest.hexdigest()[:12]


def math_verify_peer(reference: str, completion: str, extracted: str | None = None, row: Any = None):
    """math-verify as it ships: its own extraction over the whole completion, its own comparison."""
    from math_verify import parse, verify

    gold = parse(reference)
    if not gold:
        return False, "gold_unparsed"
    answer = parse(completion)
    if not answer:
        return False, "no_answer"
    return bool(verify(gold, answer)), None


def _user_function(name: str) -> tuple[Callable, str]:
    """(function, version) of `module:function` or `file.py:function`; ExpoError (one line) if it does not load."""
    target, _, attribute = name.rpartition(":")
    if not target or not attribute:
        raise ExpoError(f"--verifier {name}: expected builtin, math-verify, module:function, file.py:function "
                        f"or a name in the entry-point group {ENTRY_POINT_GROUP}")
    try:
        if target.endswith(".py") or "/" in target:
            path = Path(target).expanduser().resolve()
            if not path.is_file():
                raise ExpoError(f"--verifier {name}: no file {target}")
            # One module name per file, so that a worker and this process load the same module once each.
            module_name = f"_expo_verifier_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}"
            module = sys.modules.get(module_name)
            if module is None:
                spec = importlib.util.spec_from_file_location(module_name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules[module_name]
                    raise
        else:
            # As `python -m` would: a module beside the user's working dir is found (a console script's
            # sys.path starts at its bin/ dir); spawned workers inherit this sys.path.
            if os.getcwd() not in sys.path:
                sys.path.insert(0, os.getcwd())
            module = importlib.import_module(target)
    except ExpoError:
        raise
    except BaseException as exc:  # noqa: BLE001 - a user's module may raise anything, SystemExit included
        raise ExpoError(f"--verifier {name}: cannot import {target} ({type(exc).__name__}: {first_line(exc)})")
    function: Any = module
    for part in attribute.split("."):
        function = getattr(function, part, None)
        if function is None:
            raise ExpoError(f"--verifier {name}: {target} has no attribute {attribute}")
    return function, f"sha256:{_source_hash(module)}"


def _entry_point(name: str) -> tuple[Callable, str] | None:
    found = [ep for ep in md.entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        return None
    try:
        function = found[0].load()
    except BaseException as exc:  # noqa: BLE001
        raise ExpoError(f"--verifier {name}: its entry point {found[0].value} does not load "
                        f"({type(exc).__name__}: {first_line(exc)})")
    dist = getattr(found[0], "dist", None)
    return function, f"{dist.name} {dist.version}" if dist is not None else "unknown"


def _installed_names() -> list[str]:
    return sorted({ep.name for ep in md.entry_points(group=ENTRY_POINT_GROUP)})


@functools.lru_cache(maxsize=None)
def load(name: str) -> tuple[Callable | None, str]:
    """(function, version) for a verifier name; the builtin's function is None (it runs verify_one itself)."""
    if name == BUILTIN:
        from . import verify

        return None, f"expo-toolkit {_dist_version('expo-toolkit')}+{_source_hash(verify)}, " \
                     f"math-verify {_dist_version('math-verify')}"
    if name == PEER:
        return math_verify_peer, f"math-verify {_dist_version('math-verify')}"
    if ":" not in name:
        found = _entry_point(name)
        if found is None:
            installed = _installed_names()
            raise ExpoError(f"--verifier {name}: unknown verifier; use builtin, math-verify, module:function, "
                            f"file.py:function" + (f" or an installed one ({', '.join(installed)})" if installed
                                                   else f" (no package registers one in {ENTRY_POINT_GROUP})"))
        return found
    return _user_function(name)


def resolve(name: Any) -> VerifierSpec:
    """The verifier a name means, loaded and its signature checked; ExpoError (one line) otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise ExpoError(f"--verifier must be a verifier name, not {name!r}")
    name = name.strip()
    function, version = load(name)
    if function is not None:
        _check_signature(name, function)
    return VerifierSpec(name, version)


def _check_signature(name: str, function: Any) -> None:
    if not callable(function):
        raise ExpoError(f"--verifier {name}: {type(function).__name__} is not callable")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # some builtins and C functions have none to read: the call decides
        return
    try:
        signature.bind("reference", "completion", extracted=None, row={})
    except TypeError as exc:
        raise ExpoError(f"--verifier {name}: {getattr(function, '__name__', 'the function')}{signature} cannot be "
                        f"called as function(reference, completion, extracted=..., row=...) ({exc})")


def verdict_of(result: Any) -> tuple[bool, str | None]:
    """A plugin's return value as (is_correct, verify_error): a bool, or (bool, reason); anything else is an error
    (a truthy string or a number is not taken as a yes: that is how a wrong positive gets into training)."""
    def is_bool(value: Any) -> bool:
        return isinstance(value, bool) or type(value).__name__ == "bool_"  # numpy's bool too

    if is_bool(result):
        return bool(result), None
    if isinstance(result, tuple) and len(result) == 2 and is_bool(result[0]):
        reason = result[1]
        return bool(result[0]), None if reason is None else " ".join(str(reason).split())[:200] or None
    return False, f"error: verifier returned {type(result).__name__}, not a bool or (bool, reason)"


def call_plugin(name: str, reference: str, completion: str, extracted: str | None,
                row: dict[str, Any]) -> tuple[bool, str | None]:
    """One item, in a pool worker: the plugin loaded once per worker (load is cached), called, its answer checked."""
    try:
        function, _ = load(name)
        result = function(reference, completion, extracted=extracted, row=row)
    except Exception as exc:  # noqa: BLE001 - a plugin's failure is a wrong verdict with its reason, not a crash
        return False, f"error: {type(exc).__name__}: {first_line(exc)[:200]}"
    except SystemExit as exc:
        return False, f"error: SystemExit: {exc.code}"
    return verdict_of(result)


class PluginVerifier(Verifier):
    """verify.Verifier's pool and timeout, running `call_plugin` on (name, reference, completion, extracted, row)
    items in place of verify_one on (reference, extracted): the pool schedules `self._fn` with an item as its args."""

    def __init__(self, name: str, workers: int = 2, timeout_s: float = VERIFY_TIMEOUT_S):
        super().__init__(workers=workers, timeout_s=timeout_s)
        self._fn = call_plugin
        self.name = name


class Grader:
    """The verifier a run grades with: `grade(items)` -> [(is_correct, verify_error)], in the items' order."""

    def __init__(self, spec: VerifierSpec, timeout_s: float = VERIFY_TIMEOUT_S, workers: int = 2):
        self.spec = spec
        self._pool = (Verifier(workers=workers, timeout_s=timeout_s) if spec.name == BUILTIN
                      else PluginVerifier(spec.name, workers=workers, timeout_s=timeout_s))

    def grade(self, items: list[GradeItem]) -> list[tuple[bool, str | None]]:
        if not items:
            return []
        if self.spec.name == BUILTIN:
            return self._pool.verify_many([(item.reference, item.extracted) for item in items])
        return self._pool.verify_many([(self.spec.name, item.reference, item.completion, item.extracted, item.row)
                                       for item in items])

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def row_context(row: dict[str, Any]) -> dict[str, Any]:
    """What a plugin's `row=` holds, from a sample row (or the fields of one in the making)."""
    context = {name: row.get(name) for name in ROW_FIELDS}
    context["extra"] = {item["name"]: item["value"] for item in row.get("extra_fields") or []}
    return context


def is_error(verify_error: str | None) -> str | None:
    """'timeout' or 'error' when a verify_error says the verifier failed on the item (not that it said no)."""
    if verify_error == "timeout":
        return "timeout"
    return "error" if isinstance(verify_error, str) and verify_error.startswith("error:") else None
