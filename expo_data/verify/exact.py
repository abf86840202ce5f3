"""Exact rationals compared exactly: 1 + 2^{-2020} is not 1 + 2^{-2019}, which floating point (and a relative
tolerance) cannot tell apart; 5970 \\times 10^{21} is 5.97 \\times 10^{24}, which math-verify's absolute rounding
misses at that magnitude. Only sums, products and integer powers of rationals of bounded size are folded."""

from __future__ import annotations

EXACT_BITS_LIMIT = 100_000  # 2^{4012} is folded exactly; a tower like 2^{10^{10}} is never evaluated


def _exact_bits(node, decimals: bool = False) -> int | None:
    """An upper bound on the bits of a sum / product / integer power of rationals (and written decimals, when
    `decimals`); None for anything else."""
    if node.is_Rational:
        return max(int(node.p).bit_length(), int(node.q).bit_length(), 1)
    if decimals and node.is_Float:
        return 64
    if node.is_Pow:
        base = _exact_bits(node.base, decimals)
        if base is None or not node.exp.is_Integer or abs(int(node.exp)) > EXACT_BITS_LIMIT:
            return None
        return base * max(abs(int(node.exp)), 1)
    if node.is_Add or node.is_Mul:
        parts = [_exact_bits(arg, decimals) for arg in node.args]
        return None if None in parts else sum(parts) + len(parts)
    return None


def _exact_rational(expr, decimals: bool = False):
    """The exact value of a sum / product / integer power of rationals (unevaluated as parsed); None otherwise.
    `decimals`: a written decimal (5.97) counts as the rational it writes (597/100)."""
    import sympy

    if not isinstance(expr, sympy.Basic) or not expr.is_number:
        return None
    bits = _exact_bits(expr, decimals)
    if bits is None or bits > EXACT_BITS_LIMIT:
        return None
    if decimals:
        expr = expr.xreplace({f: sympy.Rational(str(f)) for f in expr.atoms(sympy.Float)})
    value = expr.doit()
    return value if value.is_Rational else None


def exact_decimals_equal(gold, answer) -> bool:
    """Both sides write the same rational, decimals read as written: 5970 \\times 10^{21} and 5.97 \\times 10^{24}."""
    g_value, a_value = _exact_rational(gold, decimals=True), _exact_rational(answer, decimals=True)
    return g_value is not None and g_value == a_value


def exact_rationals_differ(gold, answer) -> bool:
    """Both sides are exact rationals and not equal: 1 + 2^{-2020} is not 1 + 2^{-2019}, which floating point
    (and a relative tolerance) cannot tell apart."""
    g_value, a_value = _exact_rational(gold), _exact_rational(answer)
    return g_value is not None and a_value is not None and g_value != a_value
