"""Solution sets (expo_data/verify/solutions.py): named solutions against tuples, unnamed tuples against named
answers (in the alphabetical order of the names), ± inside a tuple, one function given several values; every
solution matched once, beside the near misses (a solution missing, swapped, or extra)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import verify_one


@pytest.mark.parametrize("gold, answer, expected", [
    ("a=3, b=0 and a=6, b=2", "(3,0),\\ (6,2)", True), ("a=3, b=0 and a=6, b=2", "(0,3),\\ (6,2)", False),
    ("a=b=c=1/3", "\\left(\\tfrac13,\\tfrac13,\\tfrac13\\right)", True), ("a=b=c=1/3", "(1/3,1/3,1/4)", False),
    ("{(0,0), (1,1)}", "x=y=0 \\text{ or } x=y=1", True), ("{(0,0), (1,1)}", "x=y=0", False),
    ("(1, 2), (2, 1)", "x = 1, y = 2 and x = 2, y = 1", True), ("(1, 2), (2, 1)", "x = 1, y = 2", False),
    ("(1, 3), (2, 1)", "x = 3, y = 1 and x = 1, y = 2", False),  # the names read the tuples in their order
    ("(a, b) = (1, 1), (2, 3), (3, 2)", "a = b = 1; a = 2, b = 3; a = 3, b = 2", True),
    ("(a, b) = (1, 1), (2, 3), (3, 2)", "a = b = 1; a = 2, b = 3", False),
    ("(0,2),(0,-2),(4,23),(4,-23)", "(0,\\pm 2),\\ (4,\\pm 23)", True),
    ("(0,2),(0,-2),(4,23),(4,-23)", "(0,\\pm 2),\\ (4, 23)", False),
    ("(0,2),(0,-2),(4,23),(4,-23)", "(\\pm 0, \\pm 2), (4, \\pm 23)", False),  # two signs in one tuple: ambiguous
    ("2 ± sqrt(3)", "\\{2-\\sqrt{3},\\ 2+\\sqrt{3}\\}", True), ("2 ± sqrt(3)", "2+\\sqrt{3}", False),
    ("$f(n)=n$, $g(n)=1$", "f(n)=n \\text{ and } g(n)=1", True), ("$f(n)=n$, $g(n)=1$", "f(n)=1 \\text{ and } g(n)=n", False),
    ("$f(x)=0$ and $f(x)=x^2$", "f(x)=x^2 \\text{ and } f(x)=0", True), ("$f(x)=0$ and $f(x)=x^2$", "f(x)=x^2", False),
    ("f(x) = 0 \\text{ or } f(x) = x", "f(n)=0,\\ f(n)=n", True), ("f(x) = 0 \\text{ or } f(x) = x", "f(n)=0, f(n)=x", False),
])
def test_solution_sets(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=2, max_size=4, unique=True),
       st.randoms(use_true_random=False), st.sampled_from(["keep", "drop", "swap"]))
def test_named_solutions_in_any_order_against_tuples(solutions, rng, change):
    gold = ", ".join(f"({a}, {b})" for a, b in solutions)
    answer_solutions = list(solutions)
    rng.shuffle(answer_solutions)
    if change == "drop":
        answer_solutions = answer_solutions[1:]
    elif change == "swap" and answer_solutions[0][0] != answer_solutions[0][1] and (
            answer_solutions[0][::-1] not in solutions):
        answer_solutions[0] = answer_solutions[0][::-1]
    else:
        change = "keep" if change == "swap" else change
    answer = " and ".join(f"x = {a}, y = {b}" for a, b in answer_solutions)
    assert verify_one(gold, answer)[0] is (change == "keep"), (gold, answer)


@pytest.mark.parametrize("gold,answer,expected", [
    ("f(x) = x+1 \\text{ or } f(x) = -x-1", "f(x) = \\pm x + 1", False),  # the sign where it stands
    ("f(x) = x+1 \\text{ or } f(x) = 1-x", "f(x) = \\pm x + 1", True),
    ("x=2, y=-1", "(x,y) = (-1,\\,2)", False),                              # a LaTeX space is no third item
    ("x=2, y=-1", "(x,y) = (2,\\,-1)", True),
    ("x=2, y=-1", "(x,\\ y) = (-1,\\ 2)", False),
    ("x=2, y=-1", "(x,y) = (-1;2)", False),                                 # named but not read: never unordered
    ("c(2±sqrt(3))", "2c \\pm \\sqrt{3}\\,c", True),
    ("c(2±sqrt(3))", "x = (2+\\sqrt{3})c \\text{ or } x = (2-\\sqrt{3})c", True),
    ("c(2±sqrt(3))", "c(2+\\sqrt{3})", False),
])
def test_plus_minus_and_named_tuples(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("answer,expected", [
    ("\\text{max} = 6049,\\ \\text{min} = 4122", True), ("\\text{min } 4122,\\ \\text{max } 6049", True),
    ("\\min = 4122,\\ \\max = 6049", True), ("4122, 6049", True),
    ("\\text{max} = 4122,\\ \\text{min} = 6049", False), ("6049, 4122", False), ("6049", False),
])
def test_a_labelled_minimum_and_maximum(answer, expected):
    assert verify_one("4122 \\text{ (minimum)}, 6049 \\text{ (maximum)}", answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("3 (minimum), 7 (maximum)", "3 is the maximum, 7 is the minimum", False),
    ("3 (minimum), 7 (maximum)", "3 maximum, 7 minimum", False),
    ("the least common multiple is 72 and the greatest common divisor is 6", "gcd 72, lcm 6", False),
    ("4122 \\text{ (minimum)}, 6049 \\text{ (maximum)}", "4122 and 6049", True),
    ("2 (the minimum), 5 (the maximum)", "2, 5", True),
    ("(-\\infty, 3)", "-\\infty, 3", False),  # an interval, not a pair
    ("\\pm 2", "2 \\quad -2", True), ("1 \\pm \\sqrt{2}", "1+\\sqrt{2} \\quad 1-\\sqrt{2}", True),
    ("5 (at most)", "5", False), ("\\sqrt{2} (at least)", "\\sqrt{2}", False),
])
def test_third_review_labels_intervals_and_bounds(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("{1, 2, 4, 8}", "8, 4, 2, 1", True), ("{1, 2, 4, 8}", "8, 4, 2", False),        # a plain-text set
    ("1.6 \\times 10^{-19} C", "1.6e-19", True), ("1.6 \\times 10^{-19} C", "1.6e-18", False),
    ("(-oo, -2) U (3, oo)", "x < -2, x > 3", True), ("(-oo, -2) U (3, oo)", "x < -2, x > 2", False),
    ("{-2, 3}", "x = 3, x = -2", True), ("{-2, 3}", "x = 3, x = 2", False),           # one unknown's values
    ("0, pi", "x = 0 \\text{ or } x = \\pi", True),
    ("\\begin{cases} x = 2 \\\\ y = -3 \\end{cases}", "(2, -3)", True),              # a system's solution
    ("\\begin{cases} x = 2 \\\\ y = -3 \\end{cases}", "(-3, 2)", False),
    ("x=2, y=3", "x = 2, x = 3", False),                                               # names not the gold's
])
def test_plain_sets_intervals_systems_and_one_unknowns_values(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected
