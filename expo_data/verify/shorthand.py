"""Stage 2, reading: two shorthands written out in the grader's own notation: a scalar before a column vector
("\\frac{1}{3}\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}", each entry times the scalar) and the real line less some
points ("\\mathbb{R} \\setminus \\{0\\}", the open intervals between them)."""

from __future__ import annotations

import re
from fractions import Fraction

_SCALAR = r"-?(?:\d+(?:\.\d+)?(?:/\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})"
_SCALED_COLUMN_RE = re.compile(rf"\s*\$?\s*({_SCALAR})\s*(?:\\cdot|\\times)?\s*(?:\\left\s*)?"
                               r"(\\begin\s*\{([pb]?)matrix\}(.*?)\\end\s*\{\3matrix\})(?:\\right\s*)?\s*\$?\s*", re.DOTALL)
_REALS = r"(?:\\mathbb\s*\{?\s*R\s*\}?|\\R\b|ℝ)"
_LESS_POINTS_RE = re.compile(rf"\s*\$?\s*{_REALS}\s*(?:\\setminus|\\backslash|-|\\smallsetminus)\s*"
                             r"\\\{\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*)\s*\\\}\s*\$?\s*")


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
    """\\mathbb{R} \\setminus \\{0, 1\\} as (-\\infty, 0) \\cup (0, 1) \\cup (1, \\infty); None otherwise."""
    match = _LESS_POINTS_RE.fullmatch(text)
    if not match:
        return None
    points = sorted({Fraction(p.strip()) for p in match.group(1).split(",")})
    ends = ["-\\infty"] + [str(p) for p in points] + ["\\infty"]
    return " \\cup ".join(f"({a}, {b})" for a, b in zip(ends, ends[1:]))
