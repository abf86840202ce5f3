"""A \\begin{cases} answer against a closed form (and parity cases against each other), compared by value at shared
points by `verify/piecewise.py`: equal functions match in either direction, a function that differs at one point
does not."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import verify_one

ODD_EVEN = "\\begin{{cases}} {odd} & n \\text{{ odd}} \\\\ {even} & n \\text{{ even}} \\end{{cases}}"


@pytest.mark.parametrize("gold,answer,expected", [
    (ODD_EVEN.format(odd="1", even="0"), "\\frac{1-(-1)^n}{2}", True),
    ("\\frac{1-(-1)^n}{2}", ODD_EVEN.format(odd="1", even="0"), True),
    ("\\frac{1+(-1)^n}{2}", ODD_EVEN.format(odd="1", even="0"), False),
    ("|x|", "\\begin{cases} x, & x \\ge 0 \\\\ -x, & x < 0 \\end{cases}", True),
    ("|x|", "\\begin{cases} x, & x \\ge 0 \\\\ x, & x < 0 \\end{cases}", False),
    ("f(x) = \\begin{cases} x^2, & x \\ge 0 \\\\ -x^2, & x < 0 \\end{cases}", "f(x) = x\\lvert x\\rvert", True),
    ("f(x) = \\begin{cases} x^2, & x \\ge 0 \\\\ -x^2, & x < 0 \\end{cases}", "f(x) = x^2", False),
    ("\\begin{cases} n^2 - n + 1 & \\text{if } n \\text{ is odd}, \\\\ n^2 & \\text{if } n \\text{ is even}. \\end{cases}",
     "N(n)=n^2-\\frac{(1-(-1)^n)(n-1)}{2}", True),
    ("\\begin{cases} n^2 - n + 1 & \\text{if } n \\text{ is odd}, \\\\ n^2 & \\text{if } n \\text{ is even}. \\end{cases}",
     "N(n)=\\begin{cases} n^2 & n \\text{ even}\\\\ n^2-n+1 & n \\text{ odd}\\end{cases}", True),
    ("\\begin{cases} n^2 - n + 1 & \\text{if } n \\text{ is odd}, \\\\ n^2 & \\text{if } n \\text{ is even}. \\end{cases}",
     "N(n)=n^2", False),
    ("\\begin{cases} 1 & x > 1 \\\\ 0 & \\text{otherwise} \\end{cases}", "\\frac{x}{x}", False),
])
def test_piecewise_against_closed_forms(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=40, deadline=None)
@given(a=st.integers(-5, 5), b=st.integers(-5, 5), c=st.integers(-5, 5), d=st.integers(-5, 5),
       nudge=st.sampled_from(["odd", "even", None]))
def test_parity_cases_equal_their_closed_form_and_a_changed_branch_never(a, b, c, d, nudge):
    """odd branch a n + b, even branch c n + d, closed form by (1 -+ (-1)^n)/2; a branch changed by one is wrong."""
    odd, even = f"{a} n + {b}", f"{c} n + {d}"
    closed = f"\\frac{{1-(-1)^n}}{{2}} ({odd}) + \\frac{{1+(-1)^n}}{{2}} ({even})"
    if nudge == "odd":
        odd = f"{a} n + {b + 1}"
    elif nudge == "even":
        even = f"{c} n + {d + 1}"
    assert verify_one(ODD_EVEN.format(odd=odd, even=even), closed)[0] is (nudge is None)
