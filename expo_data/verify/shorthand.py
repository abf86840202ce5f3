"""Stage 2, reading: two shorthands written out in the grader's own notation: a scalar before a column vector
("\\frac{1}{3}\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}", each entry times the scalar) and the real line less some
points ("\\mathbb{R} \\setminus \\{0\\}", the open intervals between them), and numbers in words ("1 in 6")."""

from __future__ import annotations

import re
from fractions import Fraction

_SCALAR = r"-?(?:\d+(?:\.\d+)?(?:/\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})"
_SCALED_COLUMN_RE = re.compile(rf"\s*\$?\s*({_SCALAR})\s*(?:\\cdot|\\times)?\s*(?:\\left\s*)?"
                               r"(\\begin\s*\{([pb]?)matrix\}(.*?)\\end\s*\{\3matrix\})(?:\\right\s*)?\s*\$?\s*", re.DOTALL)
_REALS = r"(?:\\mathbb\s*\{?\s*R\s*\}?|\\R\b|ℝ)"
_LESS_POINTS_RE = re.compile(rf"\s*\$?\s*{_REALS}\s*(?:\\setminus|\\backslash|-|\\smallsetminus)\s*"
                             r"\\\{\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*)\s*\\\}\s*\$?\s*")


# "x \\neq -2 \\text{ and } x \\neq 3": one real unknown kept off some points (n, m, k name integers: not the reals).
_NOT_EQUAL = r"([a-z])\s*(?:\\neq?|≠|!=)\s*(-?\d+(?:\.\d+)?)"
_NOT_EQUAL_RE = re.compile(_NOT_EQUAL)
_NOT_EQUALS_RE = re.compile(rf"\s*\$?\s*{_NOT_EQUAL}(?:\s*(?:,|\\text\s*\{{\s*,?\s*and\s*\}}|\band\b|\\land|\\wedge)\s*"
                            rf"{_NOT_EQUAL})*\s*\$?\s*\.?")
# Spellings of one number or ratio: "1 in 6" (a chance), "3 to 2" (a ratio), "3.2\\text{e}5".
_ONE_IN_RE = re.compile(r"\s*(?:\\text\s*\{\s*)?(?:the (?:probability|chance) is\s*)?\}?\s*(\d+)\s*(?:\\text\s*\{\s*in\s*\}|in)"
                        r"\s*(\d+)\s*\.?\s*(?:\\text\s*\{\s*\.?\s*\})?\s*\.?\s*", re.IGNORECASE)
_TO_RATIO_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:\\text\s*\{\s*to\s*\}|to)\s*(\d+(?:\.\d+)?)\s*\.?\s*")
_TEXT_E_RE = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*\\(?:text|mathrm)\s*\{\s*[eE]\s*\}\s*([-+]?\d+)\s*")


_BOUND = r"(<=|>=|<|>|\\leq?|\\geq?|≤|≥)\s*(" + _SCALAR + r")"
_TWO_BOUNDS_RE = re.compile(rf"\s*\$?\s*([a-z])\s*{_BOUND}\s*,\s*([a-z])\s*{_BOUND}\s*\$?\s*\.?")
_DISTANCE_RE = re.compile(r"\s*\$?\s*(?:\\left\s*)?\|\s*([a-z])\s*([-+])\s*(\d+(?:\.\d+)?)\s*(?:\\right\s*)?\|\s*"
                          r"(>=|<=|>|<|\\geq?|\\leq?|≥|≤)\s*(\d+(?:\.\d+)?)\s*\$?\s*\.?")


def spelled_value(text: str) -> str | None:
    """ "1 in 6" as 1/6, "3 to 2" as 3:2, "3.2\\text{e}5" as 3.2e5, "<2, 0, -1>" as (2, 0, -1); None for anything
    else."""
    from .words import spoken_number

    spoken = spoken_number(re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text.strip().strip("$").strip()))
    if spoken and "/" in spoken:
        return spoken  # "three quarters", "two-thirds"
    pair = _TWO_BOUNDS_RE.fullmatch(text)
    if pair and pair.group(1) == pair.group(4):  # "x < -\\frac{1}{2}, x > 3": the two rays, or the interval between
        bounds = []
        for relation, bound in ((pair.group(2), pair.group(3)), (pair.group(5), pair.group(6))):
            try:
                bounds.append((relation.lstrip("\\")[:1] in "<l≤", relation in ("<=", ">=", "≤", "≥") or relation[0] == "\\",
                               _scalar_value(bound.strip())))
            except (ValueError, ZeroDivisionError):
                return None
        (upper, upper_closed, a), (lower, lower_closed, b) = sorted(bounds, key=lambda t: not t[0])
        if not upper or lower:
            return None
        if a < b:  # x < a or x > b
            return f"(-\\infty, {a}{']' if upper_closed else ')'} \\cup {'[' if lower_closed else '('}{b}, \\infty)"
        return f"{'[' if lower_closed else '('}{b}, {a}{']' if upper_closed else ')'}"
    distance = _DISTANCE_RE.fullmatch(text)
    if distance and Fraction(distance.group(5)) > 0:  # |a - 1| > 2: the points farther than 2 from 1
        name, sign, offset, relation, radius = distance.groups()
        center = Fraction(offset) * (1 if sign == "-" else -1)
        low, high, closed = center - Fraction(radius), center + Fraction(radius), relation in ("\\ge", "\\geq", "≥", ">=",
                                                                                              "\\le", "\\leq", "≤", "<=")
        if relation.lstrip("\\") in ("<", "le", "leq", "≤", "<="):
            return f"{'[' if closed else '('}{low}, {high}{']' if closed else ')'}"
        return f"(-\\infty, {low}{']' if closed else ')'} \\cup {'[' if closed else '('}{high}, \\infty)"
    angled = re.fullmatch(r"\s*\$?\s*<\s*([^<>=]+,[^<>=]+)>\s*\$?\s*\.?", text)
    if angled:
        return f"({angled.group(1).strip()})"
    one_in = _ONE_IN_RE.fullmatch(text)
    if one_in:  # "1 in 0" stays 1/0, never the product 1·i·n·0
        return f"\\frac{{{one_in.group(1)}}}{{{one_in.group(2)}}}"
    ratio = _TO_RATIO_RE.fullmatch(text)
    if ratio:
        return f"{ratio.group(1)}:{ratio.group(2)}"
    power = _TEXT_E_RE.fullmatch(text)
    return f"{power.group(1)}e{power.group(2)}" if power else None


def _scalar_value(text: str) -> Fraction:
    frac = re.fullmatch(r"(-?)\\[dt]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}", text)
    if frac:
        return Fraction(int(frac.group(2)), int(frac.group(3))) * (-1 if frac.group(1) else 1)
    return Fraction(text)


def scaled_column(text: str) -> str | None:
    """The column vector with the scalar multiplied in, as the tuple a column vector is read as; None unless the
    text is exactly a numeric scalar before a one-column matrix."""
    match = _SCALED_COLUMN_RE.fullmatch(text)
    if not match or "&" in match.group(4):
        return None
    try:
        scalar = _scalar_value(match.group(1).replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        return None
    rows = [row.strip() for row in match.group(4).split("\\\\") if row.strip()]
    if len(rows) < 2:
        return None
    return "(" + ", ".join(f"({scalar.numerator}/{scalar.denominator})*({row})" for row in rows) + ")"


def reals_less_points(text: str) -> str | None:
    """\\mathbb{R} \\setminus \\{0, 1\\} (or "x \\neq 0 and x \\neq 1") as (-\\infty, 0) \\cup (0, 1) \\cup (1, \\infty);
    None otherwise."""
    match = _LESS_POINTS_RE.fullmatch(text)
    excluded = _NOT_EQUAL_RE.findall(text) if _NOT_EQUALS_RE.fullmatch(text) else []
    if not match and not excluded or len({name for name, _ in excluded}) > 1 or {n for n, _ in excluded} & set("nmk"):
        return None
    points = sorted({Fraction(p.strip()) for p in (match.group(1).split(",") if match else [v for _, v in excluded])})
    ends = ["-\\infty"] + [str(p) for p in points] + ["\\infty"]
    return " \\cup ".join(f"({a}, {b})" for a, b in zip(ends, ends[1:]))
