"""Sums and products written with an ellipsis, read as the run of terms they continue and compared by value with a
closed form, an indexed sum or product, or plain text (`verify/progressions.py`, plain prod_/sum_); a run one term
longer or shorter, or another closed form, never matches."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import verify_one


@pytest.mark.parametrize("gold,answer,expected", [
    ("1*3*5*...*(2n-1)", "\\frac{(2n)!}{2^{n}\\, n!}", True),
    ("1*3*5*...*(2n-1)", "\\frac{(2n)!}{2^{n+1}\\, n!}", False),
    ("1*3*5*...*(2n-1)", "(2n-1)!!", True),
    ("2*4*6*...*(2n)", "2^{n}\\cdot n!", True),
    ("2*4*6*...*(2n)", "2^{n}\\cdot (n+1)!", False),
    ("(1 - 1/2^2)(1 - 1/3^2)...(1 - 1/n^2)", "\\frac{n+1}{2n}", True),
    ("(1 - 1/2^2)(1 - 1/3^2)...(1 - 1/n^2)", "\\frac{n}{2n+1}", False),
    ("prod_(k=1)^n (1 + 1/k)", "n+1", True),
    ("prod_(k=1)^n (1 + 1/k)", "n", False),
    ("y(y+1)...(y+99)", "\\prod_{k=0}^{99} (y+k)", True),
    ("y(y+1)...(y+99)", "\\prod_{k=0}^{100} (y+k)", False),
    ("n!/(n-k)!", "n(n-1)(n-2)\\cdots(n-k+1)", True),
    ("n!/(n-k)!", "n(n-1)(n-2)\\cdots(n-k)", False),
    ("1 + 2 + \\cdots + n", "\\frac{n(n+1)}{2}", True),
    ("1 + 2 + \\cdots + n", "\\frac{n(n-1)}{2}", False),
    ("sum_(i=1)^m 1/i^2", "\\displaystyle\\sum_{j=1}^{m} j^{-2}", True),
    ("sum_(i=1)^m 1/i^2", "\\displaystyle\\sum_{j=1}^{m} j^{-3}", False),
    ("\\frac{1}{3}", "0.333...", True),  # a repeating decimal is no run of terms
])
def test_runs_with_an_ellipsis(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=30, deadline=None)
@given(a=st.integers(1, 4), b=st.integers(-1, 3), op=st.sampled_from(["+", "*"]), off=st.sampled_from([0, 1, -1]))
def test_a_written_out_run_equals_its_indexed_form(a, b, op, off):
    """a*1+b, a*2+b, a*3+b, ..., a*n+b against \\sum or \\prod_{j=1}^{n+off} (a j + b): equal only when off is 0."""
    terms = [f"({a * j + b})" for j in (1, 2, 3)]
    joiner = " + " if op == "+" else " \\cdot "
    written = joiner.join(terms) + joiner + "\\cdots" + joiner + f"({a}n + {b})"
    upper = "n" if off == 0 else f"n {'+' if off > 0 else '-'} {abs(off)}"
    indexed = f"\\{'sum' if op == '+' else 'prod'}_{{j=1}}^{{{upper}}} ({a}j + {b})"
    if op == "*" and b == -a:
        return  # the first factor is 0: every length has the same product
    assert verify_one(indexed, written)[0] is (off == 0)


@pytest.mark.parametrize("gold,answer,expected", [
    ("1 + 1 + \\frac{1}{2} + \\frac{1}{3} + \\ldots + \\frac{1}{7}", "\\frac{503}{140}", True),  # 1 and a run
    ("1 + 1 + \\frac{1}{2} + \\frac{1}{3} + \\ldots + \\frac{1}{7}", "2+\\frac12+\\frac13+\\frac14+\\frac15+\\frac16+\\frac17", True),
    ("1 + 1 + \\frac{1}{2} + \\frac{1}{3} + \\ldots + \\frac{1}{7}", "\\frac{363}{140}", False),
    # a term left outside with only two shown terms after it fixes no run: 1 + 4 + (9, 16, 23, ..., 100) is wrong
    ("1 + 1 + \\frac{1}{2} + \\ldots + \\frac{1}{7}", "\\frac{503}{140}", False),
    ("1 + 4 + 9 + 16 + \\cdots + 100", "768", False), ("768", "1 + 4 + 9 + 16 + \\cdots + 100", False),
    ("1 + 1 + 2 + 3 + 5 + \\cdots + 89", "2028", False),
    ("1 + 2 + 4 + \\cdots + 64", "127", True), ("1 + 2 + 4 + \\cdots + 64", "128", False),
    ("2^{7}-1", "1+2+2^2+\\cdots+2^6", True), ("2^{7}-1", "1+2+2^2+\\cdots+2^7", False),
    ("0.1 + 0.2 + \\cdots + 0.9", "4.5", True), ("1+1+2+3+\\cdots+10", "56", True), ("1+1+2+\\cdots+10", "56", False),
    # two rules read the run, to different values: no reading, so no match either way
    ("1 + \\frac{1}{2} + \\cdots + \\frac{1}{8}", "\\frac{761}{280}", False),
    ("1 + \\frac{1}{2} + \\cdots + \\frac{1}{8}", "\\frac{15}{8}", False),
    ("2 + 4 + \\cdots + 64", "1056", False), ("2 + 4 + \\cdots + 64", "126", False),
    ("1, 2, \\ldots, 10", "55", False), ("\\{1, 2, 4, \\ldots, 64\\}", "127", False),  # lists, not sums
])
def test_numeric_runs_read_by_step_reciprocal_step_or_ratio(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=40, deadline=None)
@given(first=st.integers(1, 9), step=st.integers(1, 5), count=st.integers(4, 30), kind=st.sampled_from(
    ["step", "reciprocal", "ratio"]), off=st.sampled_from([0, 1, -1]))
def test_a_numeric_run_equals_its_exact_sum_and_one_term_more_or_less_never(first, step, count, kind, off):
    """Three terms, \\cdots and the last one, against the exact sum of as many terms, one more or one fewer.
    Three shown terms leave one reading: no two of a constant step, a constant reciprocal step and a constant
    ratio fit three distinct numbers."""
    from fractions import Fraction

    if kind == "step":
        terms = [Fraction(first + i * step) for i in range(count + 1)]
    elif kind == "reciprocal":
        terms = [Fraction(1, first + i * step) for i in range(count + 1)]
    else:
        terms = [Fraction(first * (step + 1) ** i) for i in range(min(count, 12) + 1)]
    n = len(terms) - 1  # terms[0..n-1] are written; terms[n] is the one more

    def latex(f):
        return f"\\frac{{{f.numerator}}}{{{f.denominator}}}" if f.denominator != 1 else str(f.numerator)
    written = " + ".join(latex(t) for t in terms[:3]) + " + \\cdots + " + latex(terms[n - 1])
    total = sum(terms[:n + off])
    assert verify_one(latex(total), written)[0] is (off == 0), (written, latex(total))
