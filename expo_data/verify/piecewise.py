"""Stage 3, comparison: a piecewise answer (\\begin{cases}) against a closed form or another piecewise answer,
compared by value: |x| and "x for x >= 0, -x for x < 0" are one function (two piecewise sides with bounds are
compared branch by branch elsewhere, their bounds written alike), and "1 if n is odd, 0 if n is even" is
(1 - (-1)^n)/2. Each branch's condition is read (a parity, a bound, a range, "otherwise"); both sides are
evaluated at the same points (integers 1..24 when a condition is a parity, else points of both signs off any one
grid, and the branch bounds themselves), and are equal when they agree at every point where both are defined (and a branch holds), at least six.
Any branch or condition not read leaves the pair to the other comparisons (None)."""

from __future__ import annotations

import re

from .pairs import _condition, cases_rows

_RELATIONS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
              "<": lambda a, b: a < b, "!=": lambda a, b: a != b, "=": lambda a, b: a == b}
_NUMBER = r"-?\d+(?:\.\d+)?"
_REAL_POINTS = [-3.3, -2.0, -1.7, -0.6, 0.0, 0.45, 1.3, 2.0, 2.9, 4.1, 7.7]  # not all on one grid: sin(4 pi x)
_OUTSIDE = object()  # no branch's condition holds: the piecewise side says nothing there
_LEAST_POINTS = 6


def _read_condition(condition: str):
    """(letter or None, predicate, is_parity) for one normalised condition ("nisodd", "x>=0", "-1<x<1",
    "otherwise"); None when not read."""
    condition = condition.rstrip(".;")
    if condition in ("otherwise", "else", "elsewhere"):
        return None, (lambda v: True), False
    parity = re.fullmatch(r"([a-z])(?:is)?(?:an?)?(odd|even)(?:number|integer)?", condition)
    if parity:
        odd = parity.group(2) == "odd"
        return parity.group(1), (lambda v: float(v).is_integer() and int(v) % 2 == odd), True
    relation = re.fullmatch(rf"([a-z])(>=|<=|!=|<|>|=)({_NUMBER})", condition)
    if relation:
        rel, bound = relation.group(2), float(relation.group(3))
        return relation.group(1), (lambda v: _RELATIONS[rel](v, bound)), False
    chain = re.fullmatch(rf"({_NUMBER})(<=|<)([a-z])(<=|<)({_NUMBER})", condition)
    if chain:
        low, rel_low, rel_high, high = float(chain.group(1)), chain.group(2), chain.group(4), float(chain.group(5))
        return chain.group(3), (lambda v: _RELATIONS[rel_low](low, v) and _RELATIONS[rel_high](v, high)), False
    return None


def _read(text: str, read_expr):
    """(letter, [(value expression, predicate)], parity, bounds) for a piecewise side; None when any part is not
    read."""
    rows = cases_rows(text)
    if not rows:
        return None
    letters, branches, parity, bounds = set(), [], False, []
    for value, condition in rows:
        read = _read_condition(condition)
        expr = read_expr(value.rstrip(",").strip())
        if read is None or expr is None:
            return None
        letter, predicate, is_parity = read
        letters |= {letter} if letter else set()
        parity = parity or is_parity
        bounds += [float(b) for b in re.findall(_NUMBER, condition)]
        branches.append((expr, predicate))
    if len(letters) != 1:
        return None
    return letters.pop(), branches, parity, bounds


def _value(expr, letter: str, point: float):
    import sympy

    symbols = {str(s): s for s in expr.free_symbols}
    if set(symbols) - {letter}:
        raise ValueError("another unknown")
    try:
        value = complex(expr.subs(symbols[letter], sympy.Integer(int(point)) if float(point).is_integer()
                                  else sympy.Float(point)).evalf()) if symbols else complex(expr.evalf())
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _evaluate(side, letter: str, point: float):
    """The value of a piecewise side (its first branch whose condition holds) or of a closed form at `point`."""
    if isinstance(side, tuple):
        _, branches, _, _ = side
        for expr, predicate in branches:
            if predicate(point):
                return _value(expr, letter, point)
        return _OUTSIDE
    return _value(side, letter, point)


def piecewise_verdict(gold: str, answer: str, read_expr) -> bool | None:
    """Either side a \\begin{cases} read whole and the other a closed form in the same letter, or both piecewise:
    equal at every shared point (see the module's note). None when neither side is piecewise or a part is not
    read."""
    gold_cases, answer_cases = _read(gold, read_expr), _read(answer, read_expr)
    if gold_cases is None and answer_cases is None:
        return None
    gold_side = gold_cases if gold_cases is not None else _closed_form(gold, read_expr)
    answer_side = answer_cases if answer_cases is not None else _closed_form(answer, read_expr)
    if gold_side is None or answer_side is None:
        return None
    letter = (gold_cases or answer_cases)[0]
    if gold_cases and answer_cases and gold_cases[0] != answer_cases[0]:
        return None
    parity = any(side[2] for side in (gold_cases, answer_cases) if side)
    if gold_cases and answer_cases and not parity:
        return None  # two piecewise sides with bounds: branch by branch, their bounds written alike (cases_verdict)
    bounds = [b for side in (gold_cases, answer_cases) if side for b in side[3]]
    points = range(1, 25) if parity else sorted(set(_REAL_POINTS + bounds + [b + 0.25 for b in bounds]
                                                    + [b - 0.25 for b in bounds]))
    compared = 0
    try:
        for point in points:
            gold_value, answer_value = _evaluate(gold_side, letter, point), _evaluate(answer_side, letter, point)
            if gold_value is _OUTSIDE or answer_value is _OUTSIDE or gold_value is None and answer_value is None:
                continue
            if gold_value is None or answer_value is None:
                return False
            if abs(gold_value - answer_value) > 1e-9 * max(1.0, abs(gold_value)):
                return False
            compared += 1
    except ValueError:
        return None  # a closed form in another unknown than the branches' variable
    return True if compared >= _LEAST_POINTS else None


def _closed_form(text: str, read_expr):
    """The expression of a closed-form side, its "f(x) =" read past."""
    text = re.sub(r"^\s*\$?\s*[A-Za-z](?:_\{?\w+\}?)?\s*\(\s*[a-z]\s*\)\s*=", "", text.strip()).strip().strip("$")
    if "=" in text or "\\begin" in text:
        return None
    return read_expr(text)
