"""Stage 3, comparison: solution sets. "a=2, b=0 and a=5, b=1", "(a, b) = (1, 1), (2, 3)", "{(0,0), (1,1)}",
"x=y=0 or x=y=1", "(0, \\pm 2), (4, \\pm 23)": each side read as a list of solutions, each solution by its names
(or, unnamed, in the alphabetical order of the other side's names), every solution matched once."""

from __future__ import annotations

import re
from typing import Callable

from .named import named_solution_set
from .pairs import solution_set, split_solutions, tuple_items

_PM_RE = re.compile(r"\\pm|±")


def _expanded(tuples: list[str]) -> list[str] | None:
    """"(0, \\pm 2)" is (0, 2) and (0, -2); a tuple with two signs ("(\\pm 1, \\pm 2)") is ambiguous: None."""
    out = []
    for item in tuples:
        signs = len(_PM_RE.findall(item))
        if signs > 1:
            return None
        out += [_PM_RE.sub("+", item, count=1), _PM_RE.sub("-", item, count=1)] if signs else [item]
    return [re.sub(r"([(,]\s*)\+\s*", r"\1", item) for item in out]


def _tuples(text: str) -> list[list[str]] | None:
    found = split_solutions(text) or ([text] if _PM_RE.search(text) and tuple_items(text) else None)
    found = _expanded(found) if found else None
    values = [tuple_items(item) for item in found or []]
    return values if values and all(values) and len({len(v) for v in values}) == 1 else None


def _named(text: str, named_values) -> list[dict[str, str]] | None:
    return solution_set(text, named_values) or named_solution_set(text)


_SEPARATOR_RE = re.compile(r"\s*(?:;|,?\s*\band\b|,?\s*\bor\b|\\text\{\s*(?:,\s*)?(?:and|or)\s*\}|,)\s*")
_ASSIGNED_RE = re.compile(r"\s*([A-Za-z](?:\s*\(\s*[A-Za-z]\s*\))?)\s*=(?!=)\s*(.+?)\s*", re.DOTALL)


def _one_name_values(text: str) -> tuple[str, list[str]] | None:
    """("f(x)", ["0", "x^2"]) for "f(x) = 0 and f(x) = x^2": one name given several values, each a solution."""
    text = re.sub(r"\\[,;:! ]|\\q?quad\b", " ", text.strip().strip("$").strip().rstrip("."))
    pieces = [p for p in _SEPARATOR_RE.split(text) if p.strip()]
    assigned = [_ASSIGNED_RE.fullmatch(p) for p in pieces]
    if len(pieces) < 2 or not all(assigned) or len({re.sub(r"\s", "", m.group(1)) for m in assigned}) != 1:
        return None
    return re.sub(r"\s", "", assigned[0].group(1)), [m.group(2) for m in assigned]


def _same_values(golds: list, answers: list, same) -> bool:
    """Every gold matched by its own answer, none left over (values, or solutions name by name)."""
    unmatched = list(answers)
    for gold in golds:
        hit = next((a for a in unmatched if same(gold, a)), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return not unmatched


def solutions_verdict(gold: str, answer: str, named_values, same: Callable[[str, str], bool]) -> bool | None:
    """Two or more solutions on the gold's side (named, or unnamed tuples against a named answer, or tuples with
    ±, or one function or unknown given several values) against the answer's; None when the gold is no solution
    set this reads."""
    one_name = _one_name_values(gold)
    if one_name and "(" in one_name[0]:  # functions; roots of one unknown ("x = 1 or x = 2") are read as a list
        answer_one_name = _one_name_values(answer)
        if answer_one_name is None or answer_one_name[0][0] != one_name[0][0]:
            return False
        values = answer_one_name[1]
        if answer_one_name[0] != one_name[0]:  # f(n) = n for f(x) = x: the argument renamed
            old, new = answer_one_name[0][2], one_name[0][2]
            if re.search(rf"(?<![A-Za-z\\]){new}(?![A-Za-z])", " ".join(values)):
                return False
            values = [re.sub(rf"(?<![A-Za-z\\]){old}(?![A-Za-z])", new, v) for v in values]
        return _same_values(one_name[1], values, same)
    gold_named, answer_named = _named(gold, named_values), _named(answer, named_values)
    if gold_named is not None and len(gold_named) < 2 and not answer_named:
        return None  # one named solution: the pair readings compare it
    if gold_named is None:
        gold_tuples = _tuples(gold)
        if not gold_tuples or not (answer_named or _PM_RE.search(gold + answer)) or (
                len(gold_tuples) < 2 and not answer_named):
            return None
        names = sorted(answer_named[0]) if answer_named else [str(i) for i in range(len(gold_tuples[0]))]
        gold_named = [dict(zip(names, values)) for values in gold_tuples]
    if answer_named is None:
        tuples = _tuples(answer)
        if tuples is None:
            return False
        names = list(gold_named[0])
        answer_named = [dict(zip(names, values)) for values in tuples if len(values) == len(names)]
        if len(answer_named) != len(tuples):
            return False
    if len(answer_named) != len(gold_named) or any(n.keys() != gold_named[0].keys() for n in answer_named + gold_named):
        return False
    return _same_values(gold_named, answer_named, lambda g, a: all(same(g[k], a[k]) for k in g))


_PLUS_MINUS_RE = re.compile(r"±|\\pm\b|∓|\\mp\b")
_ALTERNATIVES_RE = re.compile(r"\s*(?:,|;|\\text\s*\{\s*(?:or|and)\s*\}|\bor\b|\band\b|(?:\\q?quad\s*)+)\s*")


def _both_signs(text: str) -> list[str] | None:
    """ "c(2±sqrt(3))" -> ["c(2+sqrt(3))", "c(2-sqrt(3))"] (one ± only, after an optional "x ="); None otherwise."""
    text = re.sub(r"\\[,;:! ]", " ", text)  # LaTeX spaces ("\\sqrt{3}\\,c") are no list commas
    text = re.sub(r"^\s*\$?\s*[a-z]\s*=\s*", "", text.strip()).strip().strip("$")
    signs = _PLUS_MINUS_RE.findall(text)
    if len(signs) != 1 or "," in text:
        return None
    plus, minus = ("+", "-") if signs[0] in ("±", "\\pm") else ("-", "+")
    parts = _PLUS_MINUS_RE.split(text)
    return [re.sub(r"^\s*\+", "", parts[0] + sign + parts[1]).strip() for sign in (plus, minus)]


def plus_minus_verdict(gold: str, answer: str, same_value) -> bool | None:
    """A gold with one ± ("c(2±sqrt(3))") is its two values: the answer's two values (written with ± or listed,
    "x = (2+\\sqrt{3})c or x = (2-\\sqrt{3})c"), each matched once; None when the gold has no single ±."""
    golds = _both_signs(gold)
    if golds is None:
        return None
    answers = _both_signs(answer)
    if answers is None:
        listed = re.sub(r"\\[,;:! ]", " ", answer.strip().strip("$")).strip().rstrip(".").strip()
        listed = re.sub(r"^(?:\\left\s*)?\\\{(.*?)(?:\\right\s*)?\\\}$", r"\1", listed)  # \{a, b\}: a set of two
        answers = [re.sub(r"^\s*\$?\s*[a-z]\s*=\s*", "", part).strip().strip("$")
                   for part in _ALTERNATIVES_RE.split(listed) if part.strip()]
    if len(answers) != 2:
        return False
    return (same_value(golds[0], answers[0]) and same_value(golds[1], answers[1])) or (
        same_value(golds[0], answers[1]) and same_value(golds[1], answers[0]))


# "(1, 2, 3) and permutations", "(1,2,3) and its permutations", "(1, 2, 3) in any order": every ordering is a solution.
_PERMUTATIONS_RE = re.compile(r"\s*,?\s*(?:and|with|plus|\+|or)\s+(?:all\s+)?(?:of\s+)?(?:its|their|the)?\s*permutations?"
                              r"(?:\s+(?:thereof|of\s+(?:these|this|them|it)))?\s*\.?\s*$|\s*,?\s*(?:in any order|up to "
                              r"permutations?|up to order)\s*\.?\s*$", re.IGNORECASE)
_ANY_ORDER_RE = re.compile(r"permut|any order|some order|up to order|symmetric", re.IGNORECASE)


def permutations_verdict(gold: str, answer: str, same: Callable[[str, str], bool]) -> bool | None:
    """A gold that lists a solution "and permutations": the answer says so too (its solution the same), or lists
    every ordering; one ordering alone claims a unique solution and is wrong. None for any other gold."""
    family = _PERMUTATIONS_RE.search(gold)
    if not family:
        return None
    base = re.sub(r"^\s*\$?\s*\([a-z](?:\s*,\s*[a-z])+\)\s*=\s*", "", gold[:family.start()].strip().strip("$"))
    if _ANY_ORDER_RE.search(answer):
        answer = re.sub(r"\\(?:text|mathrm|textrm)\s*\{([^{}]*)\}", r" \1 ", answer)
        stated = re.sub(r"^.*?\b(?:permutations?|orderings?|rearrangements?)\s+of\s+", "", answer, flags=re.IGNORECASE | re.DOTALL)
        stated = _PERMUTATIONS_RE.sub("", stated).strip().strip("$").strip()
        stated = re.sub(r"^\s*\([a-z](?:\s*,\s*[a-z])+\)\s*=\s*", "", stated)
        if re.search(r"\b(?:no|not|none|never|signs?)\b|n't", answer, re.IGNORECASE) or re.search(
                r"\b(?!(?:any|all|every|its|their|the|of|and|or|is|are)\b)[a-z]+\s+(?:permutations?|orderings?)\b",
                answer, re.IGNORECASE):
            return False  # "cyclic permutations of", "some permutations of": not every ordering
        ours, theirs = tuple_items(base), tuple_items(stated)
        if ours and theirs and len(ours) == len(theirs):  # "(3,2,1) and permutations": the same items, in any order
            return _same_items(ours, theirs, same)
        return same(base, stated)
    orderings = _orderings(base)
    return orderings is not None and "), (" in orderings and same(orderings, answer)


def _same_items(ours: list[str], theirs: list[str], same: Callable[[str, str], bool]) -> bool:
    """Each of our items matched by one of theirs, each used once."""
    left = list(theirs)
    for item in ours:
        match = next((i for i, other in enumerate(left) if same(item, other)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def _orderings(text: str) -> str | None:
    """Every ordering of a tuple's items, as one list of tuples; None for no tuple (or one of more than six)."""
    from itertools import permutations
    items = tuple_items(text)
    if not items or len(items) > 4:  # 24 orderings at most: 720 would outrun a comparison's budget
        return None
    return ", ".join(sorted({"(" + ", ".join(p) + ")" for p in permutations(items)}))


_ROOT_SET_RE = re.compile(r"^(?:([a-z])\s*(?:\\in|∈)\s*)?(?:\\left\s*)?\\\{\s*(.*?)\s*(?:\\right\s*)?\\\}$", re.DOTALL)
_ROOT_SEPARATOR_RE = re.compile(r"\s*(?:\\text\s*\{\s*,?\s*(?:or|and)\s*\}|,?\s*\bor\b|,?\s*\band\b|(?:\\q?quad\s*)+)\s*")


def _root_values(text: str) -> tuple[str | None, list[str]] | None:
    """(the unknown, its values) of "x = 2, x = -1 \\pm i\\sqrt{3}", "x \\in \\{-2, 0, 2\\}", "2 or -1 ± √3 i": every
    ± written out; None for tuples, several unknowns, or a piece with two signs."""
    from .normalise import _top_level_split

    text = re.sub(r"\\[,;:! ]|~", " ", text.strip().strip("$").strip().rstrip(".").strip())
    in_set = _ROOT_SET_RE.match(text)
    name, text = (in_set.group(1), in_set.group(2)) if in_set else (None, text)
    pieces = [p for part in _top_level_split(text, ",") for p in _ROOT_SEPARATOR_RE.split(part) if p.strip()]
    values = []
    for piece in pieces:
        assigned = re.match(r"\s*([a-z])\s*=(?!=)\s*", piece)
        if assigned:
            if name not in (None, assigned.group(1)):
                return None
            name, piece = assigned.group(1), piece[assigned.end():]
        if re.search(r"[=<>]|\([^()]*,", piece) or len(_PLUS_MINUS_RE.findall(piece)) > 1:
            return None  # an equation, a tuple or two signs: not one unknown's roots
        values += _both_signs(piece) if _PLUS_MINUS_RE.search(piece) else [piece.strip()]
    return name, values


def roots_verdict(gold: str, answer: str, same: Callable[[str, str], bool]) -> bool | None:
    """One unknown's roots listed with a ± inside ("x = 2, x = -1 \\pm i\\sqrt{3}") against the roots written out
    or with their own ±: the same values, each once. None unless a side has a ± and both read as roots."""
    if not _PLUS_MINUS_RE.search(gold + answer):
        return None
    ours, theirs = _root_values(gold), _root_values(answer)
    if ours is None or theirs is None or len(ours[1]) < 3 and len(theirs[1]) < 3:
        return None  # two values in all: the ± readings compare them
    if ours[0] and theirs[0] and ours[0] != theirs[0]:
        return False
    return _same_values(ours[1], theirs[1], same)
