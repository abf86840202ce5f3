"""Closed forms sympy does not simplify (|x|, max, min, floor, ceiling, logarithms to a base) compared by value at
shared points (`verify/evaluate.py`): identities match in LaTeX and plain text, a near miss never does, and a form
equal only on part of its domain (sqrt(x^2) against x) is no identity."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import verify_one


@pytest.mark.parametrize("gold,answer,expected", [
    ("atan(2)", "\\arctan 2", True),
    ("n - floor(n/2)", "\\left\\lceil \\frac{n}{2} \\right\\rceil", True),
    ("n - floor(n/2)", "\\left\\lfloor \\frac{n}{2} \\right\\rfloor", False),
    ("log_2(n)", "\\frac{\\ln n}{\\ln 2}", True),
    ("log_2(n)", "\\frac{\\ln n}{\\ln 3}", False),
    ("\\max(a, b)", "\\frac{a+b+|a-b|}{2}", True),
    ("\\max(a, b)", "\\frac{a+b-|a-b|}{2}", False),
    ("\\left\\lfloor \\frac{n^2}{4} \\right\\rfloor", "\\lfloor n/2\\rfloor\\cdot\\lceil n/2\\rceil", True),
    ("\\left\\lfloor \\frac{n^2}{4} \\right\\rfloor", "\\lfloor n/2\\rfloor\\cdot\\lfloor n/2\\rfloor", False),
    ("|x|", "\\sqrt{x^2}", True),
    ("x", "\\sqrt{x^2}", False),  # equal for x >= 0 only
])
def test_identities_by_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=40, deadline=None)
@given(a=st.integers(-6, 6), b=st.integers(-6, 6), shift=st.integers(-3, 3))
def test_max_and_min_written_with_absolute_values(a, b, shift):
    """max(x + a, b) = (x + a + b + |x + a - b|)/2; with the constant shifted it is another function."""
    gold = f"\\max(x + {a}, {b})"
    answer = f"\\frac{{x + {a} + {b} + |x + {a - b}|}}{{2}}"
    assert verify_one(gold, answer)[0] is True
    if shift:
        shifted = f"\\frac{{x + {a + shift} + {b} + |x + {a - b}|}}{{2}}"
        assert verify_one(gold, shifted)[0] is False


@pytest.mark.parametrize("gold,answer", [
    ("\\lceil x \\rceil", "\\lfloor x \\rfloor + 1"),          # differ at the integers
    ("\\lfloor x \\rfloor", "\\lfloor x+\\frac14 \\rfloor"),     # differ just below an integer
    ("\\lfloor n/5\\rfloor+\\lfloor n/25\\rfloor", "\\lfloor n/5\\rfloor"),  # differ from n = 25 on
    ("\\lfloor n/13\\rfloor", "\\lfloor n/14\\rfloor"),
    ("\\min(m,n)", "\\min(m,n,7)"),                             # differ above 7
    ("\\left\\lfloor \\frac{10^{12}}{7}\\right\\rfloor", "142857142858"),  # off by one, twelve digits
    ("\\log_2(2^{60}+1)", "60"),
    ("(n+20)!", "(n+20)!+1"),
    ("100! + 1", "1 \\cdot 2 \\cdots 100"),
])
def test_values_are_compared_exactly_and_across_the_domain(gold, answer):
    """Review of the by-value rule: exact integers compared exactly, reals sampled at and beside the integers and
    far out, index letters up to 1000."""
    assert verify_one(gold, answer)[0] is False
