"""Stage 3, comparison: two closed forms that sympy cannot show equal because they use functions it does not
simplify (|x|, max, min, floor, ceiling, factorials, binomials, logarithms to a base), compared by value: max(a, b)
is (a + b + |a - b|)/2, n - floor(n/2) is ceil(n/2), log_2 n is ln n / ln 2. Both sides must be read whole, in the
same unknowns; they are evaluated at the same points (integers when every unknown is an index letter and a side
uses floor, ceiling, a factorial or a binomial; otherwise reals of both signs, off any one grid) and are equal when
they agree at every point where both are real and finite, at least six. Only ever a True: a pair that differs
somewhere is left to the other comparisons (which already said no)."""

from __future__ import annotations

import itertools

_INDEX_LETTERS = set("nmkijl")
_REAL_VALUES = (-2.7, -1.3, -0.4, 0.6, 1.7, 3.1)
_LEAST_POINTS = 6
_MOST_POINTS = 60


def _weak_functions():
    import sympy

    return (sympy.Abs, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling, sympy.factorial, sympy.binomial,
            sympy.log, sympy.sign, sympy.Mod, sympy.Piecewise, sympy.Sum, sympy.Product)


def _uses(expr, kinds) -> bool:
    return any(expr.atoms(kind) or isinstance(expr, kind) for kind in kinds)


def _points(names: list[str], integer: bool):
    if integer:
        values = range(1, 13) if len(names) == 1 else range(1, 7)
        for combo in itertools.product(values, repeat=len(names)):
            yield dict(zip(names, combo))
        return
    for i, combo in enumerate(itertools.product(_REAL_VALUES, repeat=len(names))):
        if i >= _MOST_POINTS:
            return
        yield dict(zip(names, combo))


def _at(expr, symbols: dict, point: dict):
    import sympy

    try:
        value = complex(expr.subs({symbols[n]: sympy.Integer(v) if isinstance(v, int) else sympy.Float(v)
                                   for n, v in point.items()}).doit().evalf())
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if value != value or abs(value) == float("inf") or abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return None
    return value.real


def same_by_value(gold, answer) -> bool:
    """True when both closed forms (sympy expressions) use a function sympy does not simplify and agree at every
    sample point (see the module's note); False otherwise (no verdict: never a reason to call them different)."""
    import sympy

    if not isinstance(gold, sympy.Expr) or not isinstance(answer, sympy.Expr):
        return False
    weak = _weak_functions()
    if not (_uses(gold, weak) or _uses(answer, weak)):
        return False
    gold_symbols = {str(s): s for s in gold.free_symbols}
    answer_symbols = {str(s): s for s in answer.free_symbols}
    if set(gold_symbols) != set(answer_symbols) or len(gold_symbols) > 3:
        return False
    names = sorted(gold_symbols)
    discrete = (sympy.floor, sympy.ceiling, sympy.factorial, sympy.binomial, sympy.Mod, sympy.Sum, sympy.Product)
    integer = bool(names) and set(names) <= _INDEX_LETTERS and (_uses(gold, discrete) or _uses(answer, discrete))
    compared = 0
    for point in _points(names, integer) if names else [{}]:
        gold_value, answer_value = _at(gold, gold_symbols, point), _at(answer, answer_symbols, point)
        if gold_value is None and answer_value is None:
            continue
        if gold_value is None or answer_value is None:
            return False
        if abs(gold_value - answer_value) > 1e-9 * max(1.0, abs(gold_value)):
            return False
        compared += 1
    return compared >= _LEAST_POINTS or not names and compared == 1
