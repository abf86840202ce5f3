"""Classes a third independent labelled set found (issue 26), each with near misses; the cases are written anew,
none copied from the set, which stays outside the repository."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0] is True


CORRECTIONS = [
    # a conclusion after the box that corrects it, however the correction is worded
    ("Total: $\\boxed{30}$.\n\nOn second look, the two ends were counted twice, so the correct count is 28.", "28", "30"),
    ("So $\\boxed{64}$.\n\nI misread the question: it asks for the cube, so the value is 512.", "512", "64"),
    ("Hence $\\boxed{-2}$.\n\nHowever $x = -2$ is extraneous, so the only valid solution is $x = 4$.", "4", "-2"),
    ("The answer is 15.\n\nLooking again, I mis-added: 7 + 9 = 16, so the total is 16.", "16", "15"),
]


@pytest.mark.parametrize("completion,corrected,boxed", CORRECTIONS)
def test_a_correction_after_the_answer_replaces_it(completion, corrected, boxed):
    assert graded(corrected, completion)
    assert not graded(boxed, completion)  # the first value is no longer the answer


def test_a_later_conclusion_without_a_correction_leaves_no_answer():
    completion = "The area is $\\boxed{144}$.\n\nThus the perimeter is 48."
    assert extract_answer(completion)[0] is None  # which value the model meant is unknown: precision first
    assert graded("144", "The area is $\\boxed{144}$.\n\nThus the area is 144 square units.")  # a restatement


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 400), st.integers(1, 60), st.sampled_from(["so the correct total is", "so it is", "so the answer is"]))
def test_corrections_property(first, delta, conclusion):
    completion = f"We get $\\boxed{{{first}}}$.\n\nWait, I made an error in the last step, {conclusion} {first + delta}."
    assert graded(str(first + delta), completion) and not graded(str(first), completion)


UNITS_AND_SCALES = [
    ("2.5 \\text{ kg}", "### Answer\n2.5 g", False), ("2.5 \\text{ kg}", "### Answer\n2.5 kg", True),
    ("3", "### Answer\n3 million", False), ("3000000", "### Answer\n3 million", True),
    ("4000000", "The answer is four million.", True), ("\\frac{2}{3}", "The answer is two thirds.", True),
    ("\\frac{2}{3}", "The answer is three halves.", False), ("\\frac{3}{4}", "### Answer\nthree quarters", True),
]

PLAIN_FINAL_LINES = [
    ("8:15 p.m.", "### Answer\n20:15", True), ("8:15 p.m.", "### Answer\n8:15 AM", False),
    ("2.4\\times10^{8}", "**Final Answer**\n2.4e8", True), ("2.4\\times10^{8}", "**Final Answer**\n2.4e-8", False),
    ("6\\pi", "Considering both cases, we conclude: 6*pi", True), ("6\\pi", "we conclude: 6", False),
    ("\\log_{2} 7", "### Answer\nlog(7)/log(2)", True), ("Tuesday", "we conclude: Tuesday", True),
    ("Tuesday", "we conclude: Thursday", False), ("C", "### Answer\nOption C", True), ("C", "### Answer\nOption D", False),
    ("\\frac{1}{3}", "we conclude: 0.333...", True), ("\\frac{1}{3}", "we conclude: 0.333", False),
    ("5", "So the answer is **five**. (The other 3 cases fail.)", True),
]

VALUE_FORMS = [
    # sums and products with concrete or symbolic bounds, evaluated
    ("\\sum_{j=1}^{n} (2j+1)", "n^2+2n", True), ("\\sum_{j=1}^{n} (2j+1)", "n^2+n", False),
    ("\\prod_{k=2}^{5} k", "120", True), ("\\prod_{k=2}^{5} k", "60", False),
    ("\\sum_{i=1}^{10} i^2", "385", True), ("\\sum_{i=1}^{10} i^2", "386", False),
    ("\\sum_{k=0}^{m} 3^k", "\\frac{3^{m+1}-1}{2}", True), ("\\sum_{k=0}^{m} 3^k", "3^{m+1}-1", False),
    ("sum_(k=1)^n 1/k^3", "\\sum_{k=1}^{n} \\frac{1}{k^3}", True), ("sum_(k=1)^n 1/k^3", "\\sum_{k=1}^{n} \\frac{1}{k^2}", False),
    # ellipsis products and sums: the longer side continues the same step
    ("t(t+2)...(t+2m)", "t(t+2)(t+4)\\cdots(t+2m)", True), ("t(t+2)...(t+2m)", "t(t+2)(t+3)\\cdots(t+2m)", False),
    ("1+3+...+(2n-1)", "1 + 3 + 5 + \\cdots + (2n-1)", None),
    # inequalities as intervals
    ("[-5,5]", "|x| \\le 5", True), ("(-5,5)", "|x| \\le 5", False), ("(-\\infty,-1) \\cup (1,\\infty)", "|x| > 1", True),
    ("[0,\\pi)", "0 \\le \\phi < \\pi", True), ("[0,\\pi]", "0 \\le \\phi < \\pi", False),
    ("(2,7)", "all x strictly between 2 and 7", True), ("[2,7]", "all x between 2 and 7, inclusive", True),
    ("(2,7)", "all x between 2 and 7", False),  # the ends unsaid: no answer
    # named values against a tuple, in the names' alphabetical order only
    ("(4,-1)", "m=4,\\ n=-1", True), ("(4,-1)", "n=-1, m=4", False), ("(4,-1)", "m=-1, n=4", False),
    ("\\begin{pmatrix} 2 \\\\ -7 \\end{pmatrix}", "(2,-7)", True), ("\\begin{pmatrix} 2 \\\\ -7 \\end{pmatrix}", "(-7,2)", False),
    ("(2,0,-5)", "2\\mathbf{i}-5\\mathbf{k}", True), ("(2,0,-5)", "2\\mathbf{i}-5\\mathbf{j}", False),
    # residues, approximations, qualifiers, words
    ("5", "5 \\pmod{8}", True), ("n \\equiv 2 \\pmod{5}", "2", True), ("n \\equiv 2 \\pmod{5}", "3", False),
    ("n \\equiv 2 \\pmod{5}", "n \\equiv 2 \\pmod{7}", False),
    ("\\approx 1.41", "1.414", True), ("\\approx 1.41", "\\sqrt{2}", True), ("\\approx 1.41", "1.4", False),
    ("\\approx 1.41", "1.42", False),
    ("g(t) = t^2 \\text{ for all real } t", "g(t) = t^2", True), ("g(t) = t^2 \\text{ for all real } t", "g(t) = t^3", False),
    ("\\emptyset", "the empty set", True), ("\\{1\\}", "the empty set", False),
    ("abs(x+2)", "|x+2|", True), ("abs(x+2)", "|x-2|", False),
]


@pytest.mark.parametrize("gold,completion,correct", UNITS_AND_SCALES + PLAIN_FINAL_LINES)
def test_final_lines_units_and_spoken_numbers(gold, completion, correct):
    assert graded(gold, completion) is correct


@pytest.mark.parametrize("gold,answer,correct", VALUE_FORMS)
def test_value_forms(gold, answer, correct):
    result = verify_one(gold, answer)[0]
    if correct is None:
        assert result in (True, False)  # graded within the budget either way
    else:
        assert result is correct


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 9), st.integers(0, 3))
def test_factorial_products_property(n, off):
    gold = f"\\prod_{{k=1}}^{{{n}}} k"
    assert verify_one(gold, str(math.factorial(n) + off))[0] is (off == 0)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.sampled_from([0, 15, 30, 45]), st.booleans())
def test_time_of_day_property(hour, minute, afternoon):
    gold = f"{hour}:{minute:02d} {'p.m.' if afternoon else 'a.m.'}"
    clock = (hour % 12 + (12 if afternoon else 0))
    assert graded(gold, f"### Answer\n{clock}:{minute:02d}")
    assert not graded(gold, f"### Answer\n{(clock + 12) % 24}:{minute:02d}")
