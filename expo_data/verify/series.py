"""Stage 3, comparison: sums and products written with an index (\\sum_{k=1}^{n} (2k-1), \\prod_{k=1}^{6} k) are
evaluated by sympy before they are compared; products and sums written with an ellipsis (x(x+1)...(x+n),
1 + 2 + \\cdots + n) are compared term by term, the side that writes more terms continuing the other's step."""

from __future__ import annotations

import re

# \sum_{k=1}^{n} BODY / \prod_{k = 1}^6 BODY: the body runs to the end of the text, as golds write it.
_INDEXED_RE = re.compile(r"\\(sum|prod)\s*(?:\\limits\s*)?_\s*\{\s*([A-Za-z])\s*=\s*([^{}]+?)\s*\}\s*\^\s*"
                         r"(\{[^{}]+\}|[A-Za-z0-9])\s*")
_MOST_TERMS = 2000  # a concrete range longer than this is never expanded (precision first: no verdict)
_ELLIPSIS_RE = re.compile(r"\\[lc]?dots\b|\.\.\.|…")


def _plain_symbols(expr):
    import sympy

    return expr.subs({s: sympy.Symbol(str(s)) for s in expr.free_symbols})


def read_indexed(text: str, parse_latex):
    """Sum(...) / Product(...) for a whole indexed sum or product; None for anything else or a part not read."""
    import sympy

    text = text.strip().strip("$").strip()
    match = _INDEXED_RE.match(text)
    body = text[match.end():].strip() if match else ""
    if not match or not body or _INDEXED_RE.search(body) or _ELLIPSIS_RE.search(body):
        return None
    index = match.group(2)
    if index in "ieE":  # read as the imaginary unit or e: renamed to a letter the text does not use
        index = next(ch for ch in "kjmpqrstuvw" if ch not in text)
        body = re.sub(rf"(?<![A-Za-z\\]){match.group(2)}(?![A-Za-z])", index, body)
    parts = [parse_latex(part) for part in (match.group(3), match.group(4).strip("{}"), body)]
    if any(not isinstance(p, sympy.Expr) for p in parts):
        return None
    lower, upper, term = (_plain_symbols(p) for p in parts)
    if lower.is_Number and upper.is_Number and upper - lower > _MOST_TERMS:
        return None
    kind = sympy.Sum if match.group(1) == "sum" else sympy.Product
    return kind(term, (sympy.Symbol(index), lower, upper))


def indexed_verdict(gold: str, answer: str, parse_latex, read_whole) -> bool | None:
    """Either side an indexed sum or product: both evaluated, equal when their difference simplifies to 0.
    None when neither side is one, or the other side is not read whole."""
    import sympy

    gold_expr, answer_expr = read_indexed(gold, parse_latex), read_indexed(answer, parse_latex)
    if gold_expr is None and answer_expr is None:
        return None
    gold_expr = gold_expr if gold_expr is not None else read_whole(gold, parse_latex)
    answer_expr = answer_expr if answer_expr is not None else read_whole(answer, parse_latex)
    if gold_expr is None or answer_expr is None:
        return None
    gold_expr, answer_expr = _plain_symbols(gold_expr), _plain_symbols(answer_expr)
    if {str(s) for s in gold_expr.free_symbols} != {str(s) for s in answer_expr.free_symbols}:
        return False
    # A bound like n counts terms: a nonnegative integer (so sympy closes \sum_k \binom{n}{k} as 2^n).
    counts = {s: sympy.Symbol(str(s), integer=True, nonnegative=True)
              for e in (gold_expr, answer_expr) for limits in getattr(e, "limits", ()) for b in limits[1:]
              for s in getattr(b, "free_symbols", ())}
    gold_expr, answer_expr = gold_expr.subs(counts), answer_expr.subs(counts)
    try:
        return sympy.simplify(gold_expr.doit() - answer_expr.doit()) == 0
    except Exception:  # sympy raises on some sums it cannot close: not shown equal
        return False


def _factors(text: str) -> list[str] | None:
    """x(x+1)(x+2) -> ['x', '(x+1)', '(x+2)']: bracketed groups and the runs between them, at the top level."""
    pieces, depth, current = [], 0, ""
    for ch in text:
        if ch == "(" and depth == 0 and current:
            pieces.append(current)
            current = ""
        current += ch
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return None
        if ch == ")" and depth == 0:
            pieces.append(current)
            current = ""
    return pieces + ([current] if current else []) if depth == 0 else None


def _terms(text: str) -> tuple[str, list[str]] | None:
    """('+', terms) for a sum written out, ('*', factors) for a product; None when unclear."""
    text = re.sub(r"\\(?:left|right|cdot|times)|\*|\s", "", text)
    if not text:
        return "", []
    if text.startswith("+") or text.endswith("+"):
        return "+", [t for t in text.strip("+").split("+") if t] if "(" not in text else None
    return "*", _factors(text)


def _term_values(terms: list[str], parse_latex, read_whole):
    values = [read_whole(t, parse_latex) for t in terms]
    return None if any(v is None for v in values) else [_plain_symbols(v) for v in values]


def _steps_alike(values) -> bool:
    """The terms go up by one step (an arithmetic progression) or one ratio (a geometric one)."""
    import sympy

    if len(values) < 3:
        return True
    steps = {sympy.simplify(b - a) for a, b in zip(values, values[1:])}
    ratios = {sympy.simplify(b / a) for a, b in zip(values, values[1:]) if a != 0}
    return len(steps) == 1 or len(ratios) == 1 and len(values) - 1 == sum(1 for a in values[:-1] if a != 0)


def ellipsis_verdict(gold: str, answer: str, parse_latex, read_whole) -> bool | None:
    """Both sides write a sum or product with one ellipsis: the same operation, the same last terms, and first
    terms that agree, the longer run continuing the same step (at least two terms on each side show it)."""
    import sympy

    sides = [_ELLIPSIS_RE.split(side) for side in (gold, answer)]
    if any(len(parts) != 2 for parts in sides):
        return None
    read = [(_terms(head), _terms(tail)) for head, tail in sides]
    if any(r is None for pair in read for r in pair):
        return None
    (gold_head, gold_tail), (answer_head, answer_tail) = read
    ops = {op for op, terms in (gold_head, gold_tail, answer_head, answer_tail) if terms}
    if len(ops) != 1 or any(terms is None for _, terms in (gold_head, gold_tail, answer_head, answer_tail)):
        return None
    values = [_term_values(t[1], parse_latex, read_whole) for t in (gold_head, gold_tail, answer_head, answer_tail)]
    if any(v is None for v in values):
        return None
    g_head, g_tail, a_head, a_tail = values
    short, long = sorted((g_head, a_head), key=len)
    if len(g_tail) != len(a_tail) or len(short) < 2 and len(short) != len(long):
        return None
    same = lambda a, b: sympy.simplify(a - b) == 0  # noqa: E731
    if not all(same(a, b) for a, b in zip(g_tail, a_tail)) or not all(same(a, b) for a, b in zip(short, long)):
        return False
    return _steps_alike(long)
