"""Stage 3, comparison: solution sets of tuples closed under reordering, however they are written: "(1,2,3) and
permutations", "(x,y,z) is any permutation of (1,2,3)", "all permutations of (1,2,3)", "(3,3,3), (2,4,4) and the 6
permutations of (2,3,6)", or every ordering listed. Both sides become the set of tuples they name and are equal
when the sets are; numbers only (an item that is no plain number leaves the comparison to others), and any word
this reading does not know ("cyclic permutations", "some permutations", "not") leaves the side unread."""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import permutations

_MOST_ITEMS = 6  # 720 orderings of one tuple at most
_TUPLE_RE = re.compile(r"\(([^()]*)\)")
_NUMBER_RE = re.compile(r"[-+]?\d+(?:\.\d+)?(?:/\d+)?")
# Words that say every ordering of the tuples before them (a suffix) or after them (a prefix) is a solution.
_ALL_ORDERS_AFTER_RE = re.compile(r"^\s*,?\s*(?:and|plus|with|together with)\s+(?:all\s+)?(?:of\s+)?(?:its|their|the)?\s*"
                                  r"(?:permutations?|rearrangements?|orderings?)(?:\s+(?:thereof|of\s+(?:these|this|them|it|"
                                  r"each)))?\s*$|^\s*,?\s*(?:in any order|up to (?:permutations?|order(?:ing)?))\s*$")
_ALL_ORDERS_BEFORE_RE = re.compile(r"(?:^|,|\band\b)\s*(?:(?:where\s+)?(?:\(?[a-z](?:\s*,\s*[a-z])+\)?\s*)?(?:is|are)\s+)?"
                                   r"(?:all|any|every|each|the(?:\s+\d+|\s+six|\s+three)?)?\s*(?:\d+\s+)?(?:permutations?|"
                                   r"rearrangements?|orderings?)\s+of\s*$")
_NAMED_TUPLE_RE = re.compile(r"^\(?[a-z](?:\s*,\s*[a-z])+\)?\s*(?:(?:=|\\in)\s*(?=\(|\\\{)|(?=(?:is|are)\b))")
_FILLER_RE = re.compile(r"^\s*(?:,|;|and|or|,\s*and|\\?quad)?\s*$")


def _number(text: str) -> Fraction | None:
    text = re.sub(r"\\[dt]?frac\s*\{\s*([-+]?\d+)\s*\}\s*\{\s*(\d+)\s*\}", r"\1/\2", text.strip())
    return Fraction(text) if _NUMBER_RE.fullmatch(text) and not text.endswith("/0") else None


def _plain(text: str) -> str:
    text = re.sub(r"\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\\(?:begin|end)\s*\{(?:aligned|align\*?|gathered)\}|&|\\\\", " ", text)  # a list broken over lines
    text = re.sub(r"\\left\s*|\\right\s*|\\[,;:! ]|~|\$", " ", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def _items(match: re.Match) -> list[Fraction] | None:
    """A tuple's items as numbers; None for fewer than two or any item that is no plain number."""
    items = [_number(item) for item in match.group(1).split(",")]
    return None if len(items) < 2 or any(item is None for item in items) else items


def solution_tuples(text: str) -> set[tuple] | None:
    """The set of tuples a side names, its reorderings included where it says so; None when any part is not read
    or no part says "permutations"."""
    text = _plain(text)
    text = _NAMED_TUPLE_RE.sub("", text)  # "(x, y, z) = (1, 2, 3)"
    text = re.sub(r"^\\\{\s*(.*?)\s*\\\}(?=\s*(?:,|and|$))", r"\1", text)
    tuples = list(_TUPLE_RE.finditer(text))
    if not tuples:
        return None
    gaps = [text[:tuples[0].start()]] + [text[a.end():b.start()] for a, b in zip(tuples, tuples[1:])]
    tail = text[tuples[-1].end():]
    every = bool(_ALL_ORDERS_AFTER_RE.match(tail))
    if not every and tail.strip():
        return None
    found: set[tuple] = set()
    said = every
    for match, before in zip(tuples, gaps):
        items = _items(match)
        if items is None or len(items) > _MOST_ITEMS:
            return None
        reorder = every or bool(_ALL_ORDERS_BEFORE_RE.search(before))
        if not reorder and not _FILLER_RE.match(before):
            return None
        said = said or reorder
        found |= set(permutations(items)) if reorder else {tuple(items)}
    return found if said else None


def _listed_tuples(text: str) -> set[tuple] | None:
    """The tuples of a plain list ("(1,2,3), (1,3,2)"): every gap a comma or "and"; None otherwise."""
    text = _NAMED_TUPLE_RE.sub("", _plain(text))  # "(a, b, c) = (1, 2, 3)": one ordering, named
    text = re.sub(r"^\\\{\s*(.*?)\s*\\\}$", r"\1", text)
    tuples = list(_TUPLE_RE.finditer(text))
    if not tuples or text[tuples[-1].end():].strip() or text[:tuples[0].start()].strip():
        return None
    if any(not _FILLER_RE.match(text[a.end():b.start()]) for a, b in zip(tuples, tuples[1:])):
        return None
    found = set()
    for match in tuples:
        items = _items(match)
        if items is None:
            return None
        found.add(tuple(items))
    return found


def permuted_verdict(gold: str, answer: str) -> bool | None:
    """Both sides' sets of tuples, when at least one side says "permutations" and both are read; None otherwise."""
    if not re.search(r"permut|rearrang|ordering|any order|up to order", gold + answer, re.IGNORECASE):
        return None
    ours, theirs = solution_tuples(gold), solution_tuples(answer)
    ours = ours if ours is not None else _listed_tuples(gold)
    theirs = theirs if theirs is not None else _listed_tuples(answer)
    if ours is None or theirs is None:
        return None
    return ours == theirs
