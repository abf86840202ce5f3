"""Stage 3, comparison: indefinite integrals, each with its constant of integration ("\\frac{1}{2}\\sin^2 x + C"
against "-\\frac{1}{4}\\cos 2x + C"). Two antiderivatives are the same answer when they differ by a constant: both
sides are read whole without their constants, in one and the same unknown, and their difference takes one value
at every sample point where both are real (and neither is real where the other is not: \\ln x + C is no
\\ln|x| + C). A side without a constant is left to the other comparisons (a missing "+ C" is a judged call)."""

from __future__ import annotations

import re

from .evaluate import _at, _points, equal_values
from .readings import complete_expr

# "+ C", "+ c", "+ K", "+ C_1", "+ \\text{C}", "+ \\mathrm{const}" closing the side.
_CONSTANT_RE = re.compile(r"\s*\+\s*(?:\\(?:text|mathrm)\s*\{\s*(?:C|c|K|const)\s*\}|C(?:_\{?\d\}?)?|c|K)\s*\.?\s*\$?\s*$")
_LEAST_POINTS = 6


def _without_constant(side: str) -> str | None:
    side = side.strip().strip("$").strip()
    match = _CONSTANT_RE.search(side)
    return side[:match.start()] if match and side[:match.start()].strip() else None


def antiderivative_verdict(gold: str, answer: str) -> bool | None:
    """True or False when both sides are antiderivatives with a constant read whole in one unknown; None else."""
    gold_form, answer_form = _without_constant(gold), _without_constant(answer)
    if gold_form is None or answer_form is None or "=" in gold_form + answer_form:
        return None
    gold_expr, answer_expr = complete_expr(gold_form), complete_expr(answer_form)
    if gold_expr is None or answer_expr is None or not hasattr(gold_expr, "free_symbols"):
        return None
    names = {str(s) for s in gold_expr.free_symbols}
    if len(names) != 1 or {str(s) for s in answer_expr.free_symbols} - names:
        return None
    symbols = {str(s): s for s in gold_expr.free_symbols | answer_expr.free_symbols}
    offset, compared = None, 0
    for point in _points(sorted(names), False):
        gold_value = _at(gold_expr, symbols, point)
        answer_value = _at(answer_expr, symbols, point)
        if (gold_value is None) != (answer_value is None):
            return False  # real on one side only: ln x against ln|x| at x < 0
        if gold_value is None:
            continue
        difference = gold_value - answer_value
        if offset is None:
            offset = difference
        elif not equal_values(offset, difference) and abs(offset - difference) > 1e-25 * max(1, abs(gold_value)):
            return False
        compared += 1
    return True if compared >= _LEAST_POINTS else None
