"""Stage 3, comparison: a sum or product written with an ellipsis, read as the terms it continues and compared by
value with a closed form, an indexed sum or product, or another such run: 1 \\cdot 3 \\cdot 5 \\cdots (2n-1) is
(2n)!/(2^n n!), y(y+1)\\cdots(y+99) is \\prod_{k=0}^{99}(y+k), n(n-1)\\cdots(n-k+1) is n!/(n-k)!, and
(1 - 1/2^2)(1 - 1/3^2)\\cdots(1 - 1/n^2) is (n+1)/(2n). The terms go up by one step (the count follows from the last
term), or the last term is the general term in its index (its first value found from the first two terms). Both
sides are evaluated at the same points: positive integers for the letters that count terms, and reals for any
other letter. A run whose terms follow neither rule, or a side not read whole, leaves the pair to the other
comparisons (None)."""

from __future__ import annotations

import itertools
import re

from .evaluate import equal_values, exact_or_float
from .series import _ELLIPSIS_RE, _plain_symbols, _terms, read_indexed

_MOST_TERMS = 400
_COUNT_VALUES = range(3, 9)
_OTHER_VALUES = (0.7, 1.3, 2.2)


def _run(text: str, parse_latex, read_whole):
    """(op, evaluate) for a run with one ellipsis: evaluate(values by name) -> number or None; None when unread."""
    import sympy

    parts = _ELLIPSIS_RE.split(text.strip().strip("$").strip())
    if len(parts) != 2:
        return None
    head, tail = _split(parts[0]), _split(parts[1])
    if head is None or tail is None or not head[1] or len(tail[1]) != 1 or {head[0], tail[0]} - {"", "+", "*"}:
        return None
    op = head[0] or tail[0]
    if op not in ("+", "*") or head[0] and tail[0] and head[0] != tail[0]:
        return None
    terms = [read_whole(t[1:-1] if t.startswith("(") and t.endswith(")") else t, parse_latex) for t in head[1] + tail[1]]
    if any(t is None or not isinstance(t, sympy.Expr) for t in terms):
        return None
    terms = [_plain_symbols(t) for t in terms]
    *first, last = terms
    combine = sympy.Add if op == "+" else sympy.Mul
    indices = last.free_symbols - set().union(*(t.free_symbols for t in first))
    if len(indices) == 1 and len(first) >= 2:  # the last term is the general term in a letter the others lack
        index = indices.pop()
        for start in (*range(0, 11), -1, -2, -3):
            if all(sympy.simplify(last.subs(index, start + i) - t) == 0 for i, t in enumerate(first)):
                return op, _general(combine, last, index, start)
        return None
    if not indices and not last.free_symbols and not any(t.free_symbols for t in first):
        return _numeric_run(combine, first, last)
    if len(first) >= 2 and not indices:  # the terms go up by one step: y, y + 1, ..., y + 99
        step = sympy.simplify(first[1] - first[0])
        if step.is_number and step != 0 and all(sympy.simplify(b - a - step) == 0 for a, b in zip(first, first[1:])):
            return op, _stepped(combine, first[0], step, sympy.simplify((last - first[0]) / step + 1))
    return None


def _numeric_runs(run: list, last) -> list[list]:
    """Every reading of numbers `run[0], run[1], ..., last` as a run that ends exactly at `last`: by a constant
    step (1, 3, ..., 99), a constant step of reciprocals (1, 1/2, ..., 1/7), a constant ratio (1, 2, ..., 64)."""
    import sympy

    readings = []
    for reciprocal in (False, True):
        if reciprocal and any(t == 0 for t in (*run, last)):
            continue
        seen = [1 / t if reciprocal else t for t in (*run, last)]
        step = sympy.simplify(seen[1] - seen[0])
        if step == 0 or any(sympy.simplify(t - seen[0] - i * step) != 0 for i, t in enumerate(seen[:-1])):
            continue
        count = sympy.simplify((seen[-1] - seen[0]) / step + 1)
        if count.is_integer and len(run) <= count <= _MOST_TERMS:
            terms = [seen[0] + i * step for i in range(int(count))]
            readings.append([1 / t for t in terms] if reciprocal else terms)
    a, ratio = run[0], (sympy.simplify(run[1] / run[0]) if run[0] != 0 else 0)
    if ratio not in (0, 1, -1) and all(sympy.simplify(t - a * ratio ** i) == 0 for i, t in enumerate(run)):
        terms = [a]
        while len(terms) < _MOST_TERMS and abs(terms[-1]) != abs(last) and (
                abs(terms[-1]) < abs(last) if abs(ratio) > 1 else abs(terms[-1]) > abs(last)):
            terms.append(terms[-1] * ratio)
        if len(terms) >= len(run) and sympy.simplify(terms[-1] - last) == 0:
            readings.append(terms)
    return readings


def _numeric_run(combine, first: list, last):
    """A run of numbers: read from as few leading terms left outside it as any rule needs, with three shown terms
    left in the run (1 + 1 + 1/2 + 1/3 + ... + 1/7 is 1 plus the reciprocals' run); no verdict when the rules that
    read it disagree (1, 1/2, ..., 1/8 is the reciprocals of 1 to 8, or the halvings to 1/8)."""
    import sympy

    first, last = [sympy.nsimplify(t, rational=True) for t in first], sympy.nsimplify(last, rational=True)  # 0.1, 0.2
    for outside in range(len(first) - 1):
        if outside and len(first) - outside < 3:
            return None  # a term left outside needs three shown terms to fix the run: 1 + 4 + (9, 16, ...) is no run
        readings = _numeric_runs(first[outside:], last)
        values = {combine(*first[:outside], *terms) for terms in readings}
        if len(values) == 1:
            value = values.pop()
            evaluate = lambda point: value  # noqa: E731
            evaluate.counts = set()
            return ("+" if combine is sympy.Add else "*"), evaluate
        if values:
            return None
    return None


def _top_level_parts(sign: str, text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch in "({[") - (ch in ")}]")
        if ch == sign and depth == 0 and current and current[-1] not in "+-*/^(":
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _top_level(sign: str, text: str) -> bool:
    return len(_top_level_parts(sign, text)) > 1


def _split(text: str) -> tuple[str, list[str]] | None:
    """('+', terms) of a sum written out, ('*', factors) of a product (1*3*5, 1 \\cdot 3, y(y+1)); None when
    unclear."""
    text = re.sub(r"\\(?:left|right)|\s", "", text)
    if not text:
        return "", []
    if text.strip("+") != text or _top_level("+", text):
        return "+", [t for t in _top_level_parts("+", text.strip("+")) if t]
    chunks = [c for c in re.split(r"\*|\\cdot|\\times", text) if c]
    factors = []
    for chunk in chunks:
        pieces = _terms(chunk)
        if pieces is None or pieces[0] != "*" or not pieces[1]:
            return None
        factors += pieces[1]
    return "*", factors


def _integer(value) -> int | None:
    try:
        number = complex(value)
    except (TypeError, ValueError):
        return None
    return int(round(number.real)) if abs(number.imag) < 1e-9 and abs(number.real - round(number.real)) < 1e-9 else None


def _stepped(combine, first, step, count):
    def evaluate(point):
        n = _integer(count.subs(point))
        if n is None or not 1 <= n <= _MOST_TERMS:
            return None
        return combine(*[(first + i * step).subs(point) for i in range(n)])
    evaluate.counts = count.free_symbols
    return evaluate


def _general(combine, last, index, start):
    def evaluate(point):
        top = _integer(index.subs(point))
        if top is None or not 1 <= top - start + 1 <= _MOST_TERMS:
            return None
        return combine(*[last.subs(point).subs(index, j) if index not in point else last.subs(index, j).subs(point)
                         for j in range(start, top + 1)])
    evaluate.counts = {index}
    return evaluate


def _side(text: str, parse_latex, read_whole):
    """(evaluate, letters that count terms, all letters) for any side; None when it is not read whole."""
    run = _run(text, parse_latex, read_whole)
    if run is not None:
        evaluate = run[1]
        return evaluate, {str(s) for s in evaluate.counts}, None
    expr = read_indexed(re.sub(r"\\displaystyle\s*", "", text), parse_latex)
    counts = set()
    if expr is not None:
        counts = {str(s) for limits in expr.limits for bound in limits[1:] for s in bound.free_symbols}
        expr = expr.doit() if not expr.free_symbols - set().union(*(b.free_symbols for l in expr.limits for b in l[1:])) \
            else expr
    else:
        expr = read_whole(text, parse_latex)
    if expr is None or not hasattr(expr, "free_symbols"):
        return None
    expr = _plain_symbols(expr)
    return (lambda point: expr.subs(point).doit()), counts, {str(s) for s in expr.free_symbols}


def progression_verdict(gold: str, answer: str, parse_latex, read_whole) -> bool | None:
    """Either side a run with an ellipsis, the other read whole: equal at every point (see the module's note)."""
    import sympy

    if not (_ELLIPSIS_RE.search(gold) or _ELLIPSIS_RE.search(answer)):
        return None
    if any(_ELLIPSIS_RE.search(side) and _run(side, parse_latex, read_whole) is None for side in (gold, answer)):
        return None  # "0.333...", "1, 2, 4, ...": an ellipsis, but no run of terms read here
    sides = [_side(side, parse_latex, read_whole) for side in (gold, answer)]
    if any(side is None for side in sides):
        return None
    counts = set().union(*(side[1] for side in sides))
    letters = set(counts)
    for side in sides:
        letters |= side[2] or set()
    if len(letters) > 3:
        return None
    others = sorted(letters - counts)
    points = [dict(zip(sorted(counts), values)) for values in itertools.product(_COUNT_VALUES, repeat=len(counts))]
    points = [dict(p, **dict(zip(others, shifted))) for p in points
              for shifted in [_OTHER_VALUES[i:] + _OTHER_VALUES[:i] for i in range(len(_OTHER_VALUES))]]
    compared = 0
    for named in points:
        point = {sympy.Symbol(n): v if isinstance(v, int) else sympy.Rational(str(v)) for n, v in named.items()}
        try:
            values = [None if v is None else exact_or_float(v) for v in (side[0](point) for side in sides)]
        except (TypeError, ValueError, ZeroDivisionError, AttributeError, OverflowError, RecursionError):
            return None
        if None in values:
            continue
        if not equal_values(*values):
            return False
        compared += 1
    return True if compared >= 3 else None
