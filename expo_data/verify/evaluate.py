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
# Reals of both signs: integers and points just beside them (floor and ceiling differ there), quarters and an
# irrational offset (a small shift of a floor's argument shows there). Exact rationals, so floor(0.999) is 0.
_REAL_VALUES = ("-2.7", "-2", "-1.3", "-0.4", "-0.001", "0", "0.6", "0.999", "1", "1.001", "1.7", "2.5", "3.1",
                "1.41421356237", "4.8", "-9.5", "12", "20.25", "100")
_INDEX_VALUES = tuple(range(1, 41)) + (64, 97, 100, 128, 1000)   # one index letter
_PAIR_VALUES = tuple(range(1, 8)) + (12, 20, 37)                 # each of two or three
_LEAST_POINTS = 6
_MOST_POINTS = 160


def _weak_functions():
    import sympy

    return (sympy.Abs, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling, sympy.factorial, sympy.binomial,
            sympy.log, sympy.sign, sympy.Mod, sympy.Piecewise, sympy.Sum, sympy.Product)


def _uses(expr, kinds) -> bool:
    return any(expr.atoms(kind) or isinstance(expr, kind) for kind in kinds)


def _points(names: list[str], integer: bool):
    import sympy

    values = (_INDEX_VALUES if len(names) == 1 else _PAIR_VALUES) if integer else _REAL_VALUES
    number = sympy.Integer if integer else sympy.Rational
    if len(values) ** len(names) <= _MOST_POINTS:
        combos = itertools.product(values, repeat=len(names))
    else:  # every letter takes every value, in strides that pair them differently
        combos = (tuple(values[(k * stride + 5 * j) % len(values)] for j, stride in enumerate((1, 7, 11)[:len(names)]))
                  for k in range(_MOST_POINTS))
    return ({n: number(v) for n, v in zip(names, combo)} for combo in combos)


def exact_or_float(value):
    """A Rational as it is (100! + 1 is not 100!), anything else to 50 digits; None when not real and finite."""
    import sympy

    value = sympy.sympify(value)
    if value.is_Rational:
        return value
    real, imaginary = value.evalf(50).as_real_imag()
    if not real.is_finite or not imaginary.is_finite or abs(imaginary) > 1e-30 * max(1, abs(real)):
        return None
    return sympy.Float(real, 50)


def _at(expr, symbols: dict, point: dict):
    """The value at `point` (see exact_or_float); None where not defined."""
    try:
        return exact_or_float(expr.subs({symbols[n]: v for n, v in point.items()}).doit())
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, AttributeError):
        return None


def equal_values(first, second) -> bool:
    """Two exact values must be equal exactly (10^12/7 floored is not 142857142858); otherwise to 30 digits, at 50
    digits of precision (log_2(2^60 + 1) is not 60)."""
    if first.is_Rational and second.is_Rational:
        return first == second
    return bool(abs(first - second) <= 1e-30 * max(1, abs(first)))


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
        if not equal_values(gold_value, answer_value):
            return False
        compared += 1
    return compared >= _LEAST_POINTS or not names and compared == 1


def same_where_defined(gold, answer) -> bool:
    """True when two closed forms with roots or fractional powers (and none of the functions above) agree wherever
    both are real, at least six points, and neither is real where the other is not: \\sqrt{g/L} is
    \\sqrt{g}/\\sqrt{L}; |x| is no x, \\sqrt{x^2} no x, \\ln(x^2) no 2\\ln x (real at x = -2 on one side only)."""
    import sympy

    if not isinstance(gold, sympy.Expr) or not isinstance(answer, sympy.Expr):
        return False
    fractional = [p for side in (gold, answer) for p in side.atoms(sympy.Pow) if not p.exp.is_integer]
    if not fractional or _uses(gold, _weak_functions()) or _uses(answer, _weak_functions()):
        return False
    gold_symbols = {str(s): s for s in gold.free_symbols}
    answer_symbols = {str(s): s for s in answer.free_symbols}
    if set(gold_symbols) != set(answer_symbols) or not gold_symbols or len(gold_symbols) > 3:
        return False
    compared = 0
    for point in _points(sorted(gold_symbols), False):
        gold_value, answer_value = _at(gold, gold_symbols, point), _at(answer, answer_symbols, point)
        if (gold_value is None) != (answer_value is None):
            return False
        if gold_value is None:
            continue
        if not equal_values(gold_value, answer_value):
            return False
        compared += 1
    return compared >= _LEAST_POINTS


def same_once_symbols_match(gold, answer) -> bool:
    """True when the two sides differ only in how the parser made a letter: "i" read as a real symbol on one side
    and a plain one on the other (\\frac{1}{2}(n+2-ni) and \\frac{n}{2}+1-\\frac{n}{2}i). Each letter becomes one
    plain symbol on both sides; equal when their difference then simplifies to 0."""
    import sympy

    if not isinstance(gold, sympy.Expr) or not isinstance(answer, sympy.Expr):
        return False
    names = {}
    for symbol in gold.free_symbols | answer.free_symbols:
        names.setdefault(symbol.name, set()).add(symbol)
    if all(len(symbols) == 1 for symbols in names.values()):
        return False  # the same symbols: nothing a renaming changes
    plain = {symbol: sympy.Symbol(name) for name, symbols in names.items() for symbol in symbols}
    try:
        return sympy.simplify(gold.xreplace(plain) - answer.xreplace(plain)) == 0
    except Exception:  # noqa: BLE001  simplify raises on some special functions: not shown equal
        return False
