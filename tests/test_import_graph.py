"""The package's import graph has no circle, counting imports inside functions too (a deferred import
hides a circle from Python's loader, not from the reader): built with `ast` from the source files."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("expo_data", "expo_train", "cli")


def module_files() -> dict[str, Path]:
    """Every module of the packages by its dotted name, subpackages' included (a package by its __init__.py)."""
    files = {}
    for path in sorted(path for pkg in PACKAGES for path in (ROOT / pkg).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `module` imports anywhere in its file (`from . import x` counts as x)."""
    package = module if path.stem == "__init__" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known and name != module}
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {module: imported(module, path, set(files)) for module, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph (as a path that returns to its start), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_package_imports_in_no_circle():
    graph = import_graph()
    assert {"expo_data.store.schema", "expo_data.store.storage", "expo_data.model",
            "expo_data.store.files"} <= set(graph)
    assert "expo_data.store.storage" in graph["expo_data.store.schema"]  # function-level imports are seen
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_files_is_below_the_package():
    """files.py (atomic writes, hashing, the cache dir) imports nothing of the package but the leaves errors and
    oserrors (the one line of an OSError), and oserrors only errors."""
    graph = import_graph()
    assert graph["expo_data.store.files"] <= {"expo_data.errors", "expo_data.oserrors"}
    assert graph["expo_data.errors"] == set()
    assert graph["expo_data.oserrors"] <= {"expo_data.errors"}


def test_the_cycle_finder_finds_a_circle_through_a_deferred_import(tmp_path):
    """The detector on the circle this package had (model -> schema -> storage -> model, two of the
    edges inside functions), and on the same modules without it."""
    source = {"model": "from .schema import hash_file_into\n",
              "schema": "def read():\n    from .storage import Store\n",
              "storage": "def cache():\n    from .model import cache_dir\n"}
    files = {}
    for name, text in source.items():
        files[f"pkg.{name}"] = tmp_path / f"{name}.py"
        files[f"pkg.{name}"].write_text(text)
    graph = {m: imported(m, p, set(files)) for m, p in files.items()}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == set(files)
    files["pkg.storage"].write_text("def cache():\n    from .files import cache_dir\n")
    graph = {m: imported(m, p, set(files)) for m, p in files.items()}
    assert find_cycle(graph) is None


# expo_data's stages as folders, in the order data flows: each may import only the stages before it, and the
# store (where a round's bytes live) nothing of the package but the two error leaves.
STAGES = ("expo_data.store", "expo_data.generate", "expo_data.select", "expo_data.view")


def stage_of(module: str) -> int | None:
    return next((i for i, stage in enumerate(STAGES) if module == stage or module.startswith(stage + ".")), None)


def test_each_stage_imports_only_the_stages_before_it():
    graph = import_graph()
    assert {stage_of(module) for module in graph} >= set(range(len(STAGES)))
    upward = [f"{module} -> {target}" for module, targets in graph.items() for target in targets
              if stage_of(module) is not None and stage_of(target) is not None and stage_of(target) > stage_of(module)]
    assert not upward, upward
    below_the_store = {target for module, targets in graph.items() if stage_of(module) == 0
                       for target in targets if stage_of(target) != 0}
    assert below_the_store <= {"expo_data.errors", "expo_data.oserrors"}, below_the_store
