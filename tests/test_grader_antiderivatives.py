"""Calculus answers: indefinite integrals equal up to their constant of integration (verify/antiderivatives.py),
never when their derivatives differ or one is real where the other is not; and an answer that writes the question
out as its left side ("\\int x \\ln x\\,dx = ...") states the value on its right."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import verify_one
from expo_data.verify.antiderivatives import antiderivative_verdict


def correct(gold: str, answer: str) -> bool:
    return verify_one(gold, answer)[0]


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\frac{1}{2}\\sin^2 x + C", "-\\frac{1}{4}\\cos 2x + C", True),
    ("\\frac{1}{2}\\sin^2 x + C", "-\\frac{1}{2}\\cos^2 x + C", True),
    ("\\frac{1}{2}\\sin^2 x + C", "\\frac{1}{4}\\cos 2x + C", False),
    ("x^2 + C", "x^2 + 5 + C", True), ("x^2 + C", "x^2 + 5x + C", False),
    ("\\frac{1}{2}\\sin^2 x + C", "\\frac{1}{2}\\sin^2 x + K", True),
    ("\\ln|x| + C", "\\ln|2x| + C", True), ("\\ln|x| + C", "\\ln x + C", False),
    ("x e^x - e^x + C", "e^x(x-1) + C", True), ("e^{2x}/2 + C", "\\frac{1}{2}e^{2x} + C", True),
    ("\\frac{x^3}{3} + C", "\\frac{x^3}{3} + x + C", False), ("x^2 + C", "t^2 + C", False),
    ("\\tan^{-1} x + C", "-\\tan^{-1} x + C", False)])
def test_antiderivatives_equal_up_to_a_constant(gold, answer, expected):
    assert correct(gold, answer) is expected


def test_a_side_without_a_constant_is_left_to_the_other_comparisons():
    assert antiderivative_verdict("x^2 + C", "x^2") is None
    assert antiderivative_verdict("x^2", "x^2 + C") is None
    assert antiderivative_verdict("y = x^2 + C", "y = x^2 + C") is None  # an equation, read elsewhere


@given(a=st.integers(-5, 5).filter(bool), b=st.integers(-5, 5), shift=st.integers(-9, 9).filter(bool),
       other=st.integers(1, 3))
@settings(max_examples=40, deadline=None)
def test_a_constant_shift_is_the_same_antiderivative_and_a_changed_term_is_not(a, b, shift, other):
    gold = f"{a}x^3 + {b}x + C"
    assert correct(gold, f"{a}x^3 + {b}x + {shift} + C") is True
    assert correct(gold, f"{a}x^3 + {b + other}x + C") is False
    assert correct(gold, f"{a + other}x^3 + {b}x + {shift} + C") is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\sin 2x", "\\frac{d}{dx}\\sin^2 x = 2\\sin x\\cos x.", True),
    ("\\cos 2x", "\\frac{d}{dx}(\\sin x\\cos x) = 1 - 2\\sin^2 x.", True),
    ("\\cos 2x", "\\frac{d}{dx}(\\sin x\\cos x) = 1 + 2\\sin^2 x.", False),
    ("\\frac{x^2}{2}\\ln x-\\frac{x^2}{4}+C", "\\int x\\ln x\\,dx = \\frac{x^2}{4}\\left(2\\ln x - 1\\right) + C", True),
    ("\\frac{1}{2}\\arctan\\frac{x}{2}+C", "= \\frac{1}{2}\\tan^{-1}\\left(\\frac{x}{2}\\right) + C", True),
    ("\\frac{n(n+1)(2n+1)}{6}", "\\sum_{k=1}^n k^2 = \\frac{2n^3+3n^2+n}{6}.", True),
    ("\\frac{n(n+1)(2n+1)}{6}", "\\sum_{k=1}^n k^2 = \\frac{2n^3+3n^2+2n}{6}.", False),
    ("\\frac{x}{(1-x)^2}", "\\sum_{n=1}^{\\infty} n x^{n} = \\frac{x}{(x-1)^2}.", True),
    ("\\frac{1}{3}", "\\int_0^1 x^2\\,dx = \\frac{1}{2}", False),
    ("\\frac13", "\\int_0^1 x^2 dx = \\frac{x^3}{3}\\Big|_0^1 = \\frac13", True),
    ("3", "\\lim_{x\\to 0} \\frac{\\sin 3x}{x} = 3", True), ("3", "\\lim_{x\\to 0} \\frac{\\sin 3x}{x} = 3x", False),
    ("-i", "i^{2023} = e^{-i\\pi/2}", True), ("i", "i^{2023} = e^{-i\\pi/2}", False),
    ("\\sqrt{x-1}", "f^{-1}(x) = (x-1)^{1/2}", True), ("5", "x^2 + 1 = 5", False)])
def test_the_question_written_out_then_its_value(gold, answer, expected):
    # the left side is the question itself (an integral, a derivative, a sum, a limit, an inverse): its value counts
    assert correct(gold, answer) is expected
