"""Exact rationals compared exactly: 1 + 2^{-2020} is not 1 + 2^{-2019}, which floating point (and a relative
tolerance) cannot tell apart. Only sums, products and integer powers of rationals of bounded size are folded."""

from __future__ import annotations

EXACT_BITS_LIMIT = 100_000  # 2^{4012} is folded exactly; a tower like 2^{10^{10}} is never evaluated


def _exact_bits(node) -> int | None:
    """An upper bound on the bits of a sum / product / integer power of rationals; None for anything else."""
    if node.is_Rational:
        return max(int(node.p).bit_length(), int(node.q).bit_length(), 1)
    if node.is_Pow:
        base = _exact_bits(node.base)
        if base is None or not node.exp.is_Integer or abs(int(node.exp)) > EXACT_BITS_LIMIT:
            return None
        return base * max(abs(int(node.exp)), 1)
    if node.is_Add or node.is_Mul:
        parts = [_exact_bits(arg) for arg in node.args]
        return None if None in parts else sum(parts) + len(parts)
    return None


def _exact_rational(expr):
    """The exact value of a sum / product / integer power of rationals (unevaluated as parsed); None otherwise."""
    import sympy

    if not isinstance(expr, sympy.Basic) or not expr.is_number:
        return None
    bits = _exact_bits(expr)
    if bits is None or bits > EXACT_BITS_LIMIT:
        return None
    value = expr.doit()
    return value if value.is_Rational else None


def exact_rationals_differ(gold, answer) -> bool:
    """Both sides are exact rationals and not equal: 1 + 2^{-2020} is not 1 + 2^{-2019}, which floating point
    (and a relative tolerance) cannot tell apart."""
    g_value, a_value = _exact_rational(gold), _exact_rational(answer)
    return g_value is not None and a_value is not None and g_value != a_value
