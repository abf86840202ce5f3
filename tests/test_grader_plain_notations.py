"""Plain-text golds against LaTeX answers and back, as scraped datasets store them: an integral's "+ C" (not the
binomial C(n, k)), cos^2(x), a derivative named y' / dy/dx / \\frac{dy}{dx}, a vector's name before its components,
set-builder braces without backslashes ({x|x≥2}), Chinese "或" (or), and a solution set after a label."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def same(gold: str, answer: str) -> bool:
    return verify_one(gold, answer)[0]


@pytest.mark.parametrize("gold, answer, expected", [
    ("-cos(x) + sin(x) + C", "\\sin x - \\cos x + C", True),
    ("-cos(x) + sin(x) + C", "\\sin x + \\cos x + C", False),
    ("(1/2)ln(x^2+1) + C", "\\ln\\sqrt{x^2+1} + C", True),
    ("(1/2)ln(x^2+1) + C", "\\ln(x^2+1) + C", False),
    ("C(10,3)", "120", True),
    ("C(10,3)", "720", False),
    ("cos^2(x) - sin^2(x)", "\\cos 2x", True),
    ("cos^2(x) - sin^2(x)", "\\sin 2x", False),
    ("x^x(ln(x) + 1)", "y' = x^x\\ln x + x^x", True),
    ("x^x(ln(x) + 1)", "y' = x^x\\ln x - x^x", False),
    ("dy/dx = -x/y", "\\frac{dy}{dx} = -\\frac{x}{y}", True),
    ("dy/dx = -x/y", "\\frac{dy}{dx} = \\frac{x}{y}", False),
    ("dy/dx = -x/y", "y' = -x/y", True),
    ("<-3, 6, -3>", "\\mathbf a\\times\\mathbf b = (-3,\\ 6,\\ -3)", True),
    ("<-3, 6, -3>", "\\mathbf a\\times\\mathbf b = (3,\\ 6,\\ -3)", False),
    ("(1, 2)", "\\vec{v} = (2, 1)", False),
    ("{x|x≥2}", "[2, +\\infty)", True),
    ("{x | x ≥ 2}", "(2, +\\infty)", False),
    ("{x|x>2}", "[2, +\\infty)", False),
    ("2或-3", "x = 2 或 x = −3", True),
    ("2或-3", "x = 2 或 x = 3", False),
    ("2或-3", "x = 2", False)])
def test_plain_and_latex_spellings(gold, answer, expected):
    assert same(gold, answer) is expected


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["sin", "cos", "tan"]), st.integers(2, 4), st.integers(1, 5))
def test_a_power_of_a_trig_function_in_plain_text(name, power, k):
    gold = f"{name}^{power}({k}x)"
    assert same(gold, f"\\{name}^{{{power}}}({k}x)") is True
    assert same(gold, f"\\{name}^{{{power + 1}}}({k}x)") is False


@pytest.mark.parametrize("closing, expected", [
    ("**Solution set:** $x<-1$ or $x>3$.", True),
    ("Solution set: $x<-1$ or $x>3$.", True),
    ("Solution set: $x<-1$ or $x>2$.", False),
    ("Candidate solutions: $x<-1$ or $x>3$.", False)])
def test_a_solution_set_after_its_label(closing, expected):
    completion = "We need $(x-3)(x+1)>0$; the parabola opens upward.\n\n" + closing
    assert verify_one("(-∞，-1)∪(3，+∞)", extract_answer(completion)[0])[0] is expected


@pytest.mark.parametrize("last, gold, expected", [
    ("$$\\frac{dy}{dx} = -\\frac{x}{y}$$", "dy/dx = -x/y", True),
    ("$$\\frac{dy}{dx} = \\frac{x}{y}$$", "dy/dx = -x/y", False)])
def test_a_closing_display_naming_the_derivative(last, gold, expected):
    completion = ("Differentiate $x^2 + y^2 = 25$ implicitly with respect to $x$:\n\n$$2x + 2y\\frac{dy}{dx} = 0$$\n\n"
                  + last)
    assert verify_one(gold, extract_answer(completion)[0])[0] is expected


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(-50, 50), min_size=3, max_size=6), st.integers(1, 5))
def test_a_gold_sorted_in_decreasing_order_is_a_sequence(values, turn):
    gold = ", ".join(map(str, sorted(values, reverse=True)))
    decreasing = sorted(values, reverse=True)
    shuffled = decreasing[turn % len(values):] + decreasing[:turn % len(values)]
    shuffled = shuffled if shuffled != decreasing else decreasing[::-1]
    assert same(gold, gold) is True
    assert same(gold, ", ".join(map(str, shuffled))) is False
    ascending = ", ".join(map(str, sorted(values)))
    assert same(ascending, ", ".join(map(str, shuffled))) is True  # roots in increasing order: any order answers


@pytest.mark.parametrize("closing, gold, expected", [
    ("Solution set: (-inf, 1/2]", "\\left(-\\infty, \\frac{1}{2}\\right]", True),
    ("The solution set is (-∞, 1/2].", "\\left(-\\infty, \\frac{1}{2}\\right]", True),
    ("Solution set: (-inf, 1/2)", "\\left(-\\infty, \\frac{1}{2}\\right]", False),
    ("The eigenvalues are λ₁ = 3, λ₂ = −1.", "{-1, 3}", True),
    ("The eigenvalues are λ₁ = 3, λ₂ = 1.", "{-1, 3}", False),
    ("Final answer: θ_B ≈ 0.983 rad", "56.3^\\circ", True)])
def test_plain_closings_with_intervals_and_greek_names(closing, gold, expected):
    assert verify_one(gold, extract_answer("2x - 1 <= 0, so we solve it.\n\n" + closing)[0])[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("$-\\frac{1}{2}\\le ab+bc+ca\\le 1$", "\\left[-\\tfrac12,\\,1\\right]", True),
    ("$-\\frac{1}{2}\\le ab+bc+ca\\le 1$", "[-1/2, 1]", True),
    ("$-\\frac{1}{2}\\le ab+bc+ca\\le 1$", "(-1/2, 1]", False),
    ("$-\\frac{1}{2}\\le ab+bc+ca\\le 1$", "[-1, 1]", False),
    ("$0 < xy < 4$", "(0, 4)", True),
    ("$0 < xy < 4$", "[0, 4)", False),
    ("n=1", "$n=1$ works", True),
    ("n=2", "$n=1$ works", False)])
def test_a_range_of_an_expression_and_a_value_that_works(gold, answer, expected):
    assert same(gold, answer) is expected
