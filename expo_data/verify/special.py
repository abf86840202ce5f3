"""Stage 3, comparison: verdicts math-verify gets wrong on its own: the empty set in its spellings, numbers in
other bases (math-verify drops the subscript, so 1011_2 = 1011_3), and an answer that states two different
constants ("10 = 5")."""

from __future__ import annotations

import re

from .normalise import _BASE_RE, _EMPTY_SET_RE
from .parse import parse_complete


def _base_number(text: str) -> tuple[str, int] | None:
    """("1011", 2) for 1011_2 / 1011_{2} / (1011)_2 with digits valid in that base; else None."""
    match = _BASE_RE.fullmatch(text.replace(" ", ""))
    if not match or not 2 <= int(match.group(2)) <= 36:
        return None
    try:
        int(match.group(1), int(match.group(2)))
    except ValueError:
        return None
    return match.group(1).lstrip("0") or "0", int(match.group(2))


def _special_match(gold: str, answer: str) -> bool | None:
    """Verdicts math-verify gets wrong: the empty set in its spellings, numbers in other bases (math-verify drops
    the subscript, so 1011_2 = 1011_3). None when neither applies."""
    gold_empty, answer_empty = bool(_EMPTY_SET_RE.match(gold)), bool(_EMPTY_SET_RE.match(answer))
    if gold_empty or answer_empty:
        return gold_empty and answer_empty
    gold_base, answer_base = _base_number(gold), _base_number(answer)
    if gold_base is None and answer_base is None:
        return None
    plain = lambda t: (t.replace(" ", "").lstrip("0") or "0") if re.fullmatch(r"[0-9A-Z ]+", t) else None  # noqa: E731
    if gold_base and answer_base:
        return gold_base == answer_base
    # One side names its base, the other writes the same digits (the question names the base).
    return (gold_base or answer_base)[0] == plain(answer if gold_base else gold)


def _equation_sides_disagree(answer: str) -> bool:
    """"10 = 5" states two values: constant sides must agree ("2 + 3 = 5" is fine, "x = 5" has one)."""
    sides = [s.strip() for s in re.split(r"(?<![<>!:=\\])=(?!=)", answer)]
    numeric = [re.sub(r"\\(?:frac|sqrt|pi|cdot|times|binom)", "", s) for s in sides]
    constants = [s for s, n in zip(sides, numeric) if s and not re.search(r"[A-Za-z]", n)]
    if len(sides) < 2 or len(constants) < 2:
        return False
    from math_verify import verify

    parsed = [parse_complete(s)[0] for s in constants]
    if any(p is None for p in parsed):
        return True
    return not all(verify(parsed[0], p) for p in parsed[1:])
