"""Named values written as tuples: "(m, n) = (9, 4)" names m = 9 and n = 4, and "(a, b) \\in \\{(2, 0), (5, 1)\\}"
names two solutions. An answer that names its values is compared name by name, never in order: (m, n) = (9, 4)
is not m = 4, n = 9."""

from __future__ import annotations

import re

from .pairs import split_solutions, tuple_items

_NAMES_RE = re.compile(r"\s*\(\s*([A-Za-z](?:\s*,\s*[A-Za-z])+)\s*\)\s*")


def _names(text: str) -> list[str] | None:
    match = _NAMES_RE.fullmatch(text)
    names = [name.strip() for name in match.group(1).split(",")] if match else None
    return names if names and len(set(names)) == len(names) else None


def tuple_assignment(text: str) -> dict[str, str] | None:
    """{"m": "9", "n": "4"} for "(m, n) = (9, 4)"; None for anything else."""
    sides = re.split(r"(?<![<>!:=\\])=(?!=)", text.strip().strip("$").strip().rstrip("."))
    if len(sides) != 2:
        return None
    names, values = _names(sides[0]), tuple_items(sides[1])
    if names is None or values is None or len(names) != len(values):
        return None
    return dict(zip(names, values))


def named_solution_set(text: str) -> list[dict[str, str]] | None:
    """[{"a": "2", "b": "0"}, {"a": "5", "b": "1"}] for "(a,b) \\in \\{(2,0),(5,1)\\}" or "(a,b) = (2,0), (5,1)";
    a single solution "(a,b) = (1,1)" too. None when any tuple has another length than the names."""
    match = re.fullmatch(r"(\s*\([^()]*\)\s*)(?:\\in|=)\s*(.+)", text.strip().strip("$").strip().rstrip("."),
                         re.DOTALL)
    names = _names(match.group(1)) if match else None
    if names is None:
        return None
    single = tuple_assignment(text)
    if single is not None:
        return [single]
    tuples = split_solutions(match.group(2))
    solutions = [tuple_items(item) for item in tuples or []]
    if not solutions or any(values is None or len(values) != len(names) for values in solutions):
        return None
    return [dict(zip(names, values)) for values in solutions]
