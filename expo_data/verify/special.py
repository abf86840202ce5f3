"""Stage 3, comparison: verdicts math-verify gets wrong on its own: the empty set in its spellings, numbers in
other bases (math-verify drops the subscript, so 1011_2 = 1011_3), and an answer that states two different
constants ("10 = 5")."""

from __future__ import annotations

import math
import re

from .normalise import _BASE_RE, _EMPTY_SET_RE
from .parse import parse_complete


def _base_number(text: str) -> tuple[str, int] | None:
    """("1011", 2) for 1011_2 / 1011_{2} / (1011)_2 / 0b1011, ("2A", 16) for 2A_{16} / 2a_{16} / 0x2A, with digits
    valid in that base; else None. A lone letter ("a_{16}") is a subscripted variable."""
    text = text.replace(" ", "")
    prefixed = re.fullmatch(r"0([xbo])([0-9A-Fa-f]+)", text, re.IGNORECASE)
    if prefixed:  # Python's and C's prefixes
        text = f"{prefixed.group(2).upper()}_{{{ {'x': 16, 'b': 2, 'o': 8}[prefixed.group(1).lower()]} }}".replace(" ", "")
    digits = re.match(r"\(?([0-9A-Za-z]+)\)?_", text)
    if digits and re.search(r"\d", digits.group(1)) and len(digits.group(1)) > 1:
        text = text[:digits.start(1)] + digits.group(1).upper() + text[digits.end(1):]
    match = _BASE_RE.fullmatch(text)
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
    """"10 = 5" states two values: constant sides must agree ("2 + 3 = 5" is fine, "x = 5" has one), and an
    exact value must round to the decimal it is said to approximate ("\\frac{1}{6} \\approx 0.5" states two)."""
    approximated = re.fullmatch(r"(.+?)\s*(?:\\approx|≈)\s*(-?\d+(?:\.(\d+))?)\s*(\\?%)?\s*", answer)  # "6/36 ≈ 16.67%"
    if approximated:
        from .readings import real_value
        exact = real_value(re.split(r"(?<![<>!:=\\])=(?!=)", approximated.group(1))[-1])  # "P = \\frac16 \\approx 0.5"
        decimals = len(approximated.group(3) or "")
        if exact is None:
            return False
        scale = 100 if approximated.group(4) else 1
        stated, unit = float(approximated.group(2)) / scale, 10 ** -decimals / scale
        rounded = abs(exact - stated) <= unit / 2 * (1 + 1e-9)
        cut = abs(math.trunc(exact / unit) * unit - stated) <= unit * 1e-6  # 3.14159 cut to 3.141
        return not (rounded or cut)
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
