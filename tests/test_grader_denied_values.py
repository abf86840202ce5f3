"""Closings that state one value and deny another ("The sum is $7$, not $5$."), deny the value they end on ("The
limit is not $\\frac{1}{2}$."), state an infinity in words or LaTeX ("The limit is $+\\infty$."), or conclude a
count after a negation ("There are no such integers, so the count is zero.")."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one

WORK = "We compute it step by step and check the small cases.\n\n"


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


_SPELLINGS = ["${v}$", "{v}", "**{v}**", "$\\mathbf{{{v}}}$"]


@settings(max_examples=60, deadline=None)
@given(st.integers(-500, 500), st.integers(-500, 500), st.sampled_from(_SPELLINGS), st.sampled_from(_SPELLINGS),
       st.sampled_from(["The sum is {a}, not {b}.", "So $x$ = {a}, not {b}.", "The total is {a} and not {b}.",
                        "Hence the length is {a} cm, not {b} cm."]))
def test_the_stated_value_counts_never_the_denied_one(stated, denied, left, right, template):
    if stated == denied:
        return
    completion = WORK + template.format(a=left.format(v=stated), b=right.format(v=denied))
    assert graded(str(denied), completion) is False
    assert graded(str(stated), completion) is True


@pytest.mark.parametrize("closing", ["The limit is not $\\frac{1}{2}$.", "So the answer is not $\\frac{1}{2}$.",
                                     "Thus $x$ is not equal to $\\frac{1}{2}$."])
def test_a_closing_that_denies_its_only_value_states_no_answer(closing):
    assert graded("\\frac{1}{2}", WORK + closing) is False


@pytest.mark.parametrize("closing, gold, expected", [
    ("The limit is $+\\infty$.", "\\infty", True),
    ("So the limit is infinity.", "\\infty", True),
    ("Hence the integral diverges to $-\\infty$.", "-\\infty", True),
    ("Hence the integral diverges to $-\\infty$.", "\\infty", False),
    ("The limit is $\\infty$.", "-\\infty", False),
    ("If $a > 1$ the limit is $\\infty$.", "\\infty", False)])
def test_a_closing_infinity(closing, gold, expected):
    completion = "As $x$ shrinks, $1/x^2$ grows without bound.\n\n" + closing
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("closing, gold, expected", [
    ("There are no such integers, so the count is zero.", "0", True),
    ("There are no such integers, so the count is zero.", "1", False),
    ("No pair works; hence the number of pairs is zero.", "0", True),
    ("Not every case was checked, so the count is two.", "2", True)])
def test_a_count_concluded_after_a_negation(closing, gold, expected):
    assert graded(gold, "We check each integer from 1 to 10 against the congruence.\n\n" + closing) is expected
