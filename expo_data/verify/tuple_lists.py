"""Stage 3, comparison: lists of solution tuples however an olympiad answer spells them: each tuple named again
("$(k,n)=(1,1)$ and $(k,n)=(3,2)$"), in a set ("(a,b,c) \\in \\{(2,2,2), (3,5,7)\\}"), joined by "and" or "\\quad",
a ± inside an item ("(x,y) = (0, \\pm 2), (4, \\pm 23)" is four tuples). Both sides become a set of tuples of exact
numbers; names, where both sides give them, must name the same unknowns (the answer's items are put in the gold's
order). Only lists of two or more tuples are read here: one tuple may be an interval or a point, read elsewhere."""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import product

_NAMES = r"\(\s*[a-z](?:_\{?\d+\}?)?(?:\s*,\s*[a-z](?:_\{?\d+\}?)?)+\s*\)"
_NAMES_RE = re.compile(_NAMES)
_TUPLE_RE = re.compile(rf"(?:({_NAMES})\s*=\s*)?\(([^()]*)\)")
_SEPARATOR_RE = re.compile(r"^\s*(?:,|;|\band\b|\bor\b|,\s*and\b|,\s*or\b)?\s*$")
_NUMBER_RE = re.compile(r"[-+]?\d+(?:\.\d+)?(?:/\d+)?")
_MOST_TUPLES = 64


def _plain(text: str) -> str:
    text = re.sub(r"\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\\left\s*|\\right\s*|\\[,;:! ]|\\q?quad|~|\$", " ", text)
    text = re.sub(r"\\[dt]?frac\s*\{\s*([-+]?\d+)\s*\}\s*\{\s*(\d+)\s*\}", r"\1/\2", text)
    text = text.replace("±", "\\pm").replace("∓", "\\mp")
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def _item_values(item: str) -> list[Fraction] | None:
    """An item's values: one number, or two for "\\pm 2"."""
    item = item.strip()
    signed = re.fullmatch(r"\\(pm|mp)\s*(\d+(?:\.\d+)?(?:/\d+)?)", item)
    if signed and signed.group(2).endswith("/0"):
        return None
    if signed:
        value = Fraction(signed.group(2))
        return [value, -value] if value else [value]
    if not _NUMBER_RE.fullmatch(item) or item.endswith("/0"):
        return None
    return [Fraction(item)]


def read_tuple_list(text: str) -> tuple[tuple[str, ...] | None, set[tuple]] | None:
    """(the names, the set of tuples) of a list of two or more solution tuples; None for anything else ("\\mp"
    ties its sign to a "\\pm" elsewhere: not read)."""
    text = _plain(text)
    if "\\mp" in text:
        return None
    names = None
    prefix = re.match(rf"^({_NAMES})\s*(?:\\in|∈)\s*", text)  # "(a,b,c) \in \{...\}"
    if prefix:
        names, text = prefix.group(1), text[prefix.end():]
    text = re.sub(r"^\\\{\s*(.*?)\s*\\\}$", r"\1", text)
    matches = list(_TUPLE_RE.finditer(text))
    if not matches or text[:matches[0].start()].strip() or text[matches[-1].end():].strip():
        return None
    if any(not _SEPARATOR_RE.match(text[a.end():b.start()]) for a, b in zip(matches, matches[1:])):
        return None
    found: set[tuple] = set()
    for match in matches:
        if match.group(1):
            if names is not None and re.sub(r"\s", "", match.group(1)) != re.sub(r"\s", "", names):
                return None  # "(x,y) = (1,2), (y,x) = (3,4)": not one list
            names = match.group(1)
        items = [_item_values(item) for item in match.group(2).split(",")]
        if len(items) < 2 or any(values is None for values in items) or match.group(2).count("\\pm") > 1:
            return None  # "(\\pm 1, \\pm 2)": signs together or each on its own, it does not say
        found |= set(product(*items))
        if len(found) > _MOST_TUPLES:
            return None
    if len(found) < 2:
        return None
    named = tuple(re.findall(r"[a-z](?:_\{?\d+\}?)?", names)) if names else None
    if named is not None and any(len(t) != len(named) for t in found):
        return None
    return named, found


def tuple_list_verdict(gold: str, answer: str) -> bool | None:
    """Both sides' sets of solution tuples; None unless both are lists this module reads."""
    ours, theirs = read_tuple_list(gold), read_tuple_list(answer)
    if ours is None or theirs is None:
        return None
    (gold_names, gold_tuples), (answer_names, answer_tuples) = ours, theirs
    if gold_names and answer_names and gold_names != answer_names:
        if sorted(gold_names) != sorted(answer_names):
            return None
        order = [answer_names.index(name) for name in gold_names]  # "(n,k) = (2,3)" against a gold in (k,n)
        answer_tuples = {tuple(t[i] for i in order) for t in answer_tuples}
    return gold_tuples == answer_tuples


# One "±" in a tuple of numbers stands for two tuples: "(0, \\pm 2)" is (0, 2) and (0, -2), "(\\pm 1, 3)" (1, 3), (-1, 3).
_SIGNED_TUPLE_RE = re.compile(r"\((\s*(?:-?\d+\s*,\s*)*)(?:\\pm|±)\s*(\d+)((?:\s*,\s*-?\d+)*\s*)\)")


def signed_tuples_expanded(text: str) -> str:
    """Each tuple with one "±" as its two tuples, so "(0, \\pm 2), (4, \\pm 23)" reads as four solutions."""
    return _SIGNED_TUPLE_RE.sub(lambda m: f"({m.group(1)}{m.group(2)}{m.group(3)}), ({m.group(1)}-{m.group(2)}{m.group(3)})",
                                text)
