"""Classes a fourth independent labelled set found (issue 26): answers without a marker read only from a concluding
statement, corrections worded anew, golds that are whole solutions, units spelled differently, option golds with
their value. Each with near misses; the cases are written anew, none copied from the set."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.generate.gold_audit import audit_golds, gold_reading
from expo_data.generate.problems import Problem
from expo_data.verify import extract_answer, verify_one
from expo_data.verify.gold import gold_answer


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0] is True


NO_COMMITTED_ANSWER = [
    # (completion, a number it mentions that is no answer)
    ("Each crate holds 5 × 6 = 30 cans, but how many crates arrived is not stated. I need more information "
     "about the crates to answer.", "30"),
    ("Apologies, but I cannot determine the length: the diagram with the 7 marked segments did not come "
     "through.", "7"),
    ("Let's see. The odd squares run 1, 9, 25, 49, and the pattern continues like this.", "49"),
    ("First we add 12 and 9 to get 21, and then", "21"),
    ("The triangle's legs are 5 and 12, so the hypotenuse is 13. (Its area, for reference, is $30$.)", "30"),
    ("The shop sold 90 cakes on Sunday, which is 50% more than on Saturday.", "50"),
]


@pytest.mark.parametrize("completion,mentioned", NO_COMMITTED_ANSWER)
def test_a_number_outside_a_concluding_statement_is_no_answer(completion, mentioned):
    assert not graded(mentioned, completion)


CONCLUDED = [
    # (completion, its concluding value): the near misses of the cases above
    ("Each crate holds 5 × 6 = 30 cans, and 4 crates arrived, so there are 120 cans.", "120"),
    ("The triangle's legs are 5 and 12, so the hypotenuse is 13. (Its area, for reference, is $30$.)", "13"),
    ("The shop sold 90 cakes on Sunday, which is 50% more than on Saturday.", "90"),
    ("Adding the two parts: 12 + 9 = 21.", "21"),
    ("We get $\\frac{2}{7}$.", "\\frac{2}{7}"),
    ("Checking the three options, the one that fits is\n\n**(D)**", "D"),
]


@pytest.mark.parametrize("completion,value", CONCLUDED)
def test_the_concluding_statement_is_read(completion, value):
    assert graded(value, completion)


CORRECTIONS = [
    # (completion, corrected value, retracted box)
    ("So the count is $\\boxed{40}$.\n\nThat's not right: the corners were counted twice. The total count is 36.",
     "36", "40"),
    ("Hence $\\boxed{7}$.\n\nOn re-examination, the first row was skipped. Including it, the number of seats is 9.",
     "9", "7"),
    ("$\\boxed{(1,4)}$\n\nI swapped the coordinates: x is 4 and y is 1, so the point is $(4, 1)$.", "(4,1)", "(1,4)"),
    ("Answer: $\\boxed{5}$\n\nScratch that, the ends count too, so there are 10 - 3 + 1 = 8 posts along the fence.",
     "8", "5"),
]


@pytest.mark.parametrize("completion,corrected,boxed", CORRECTIONS)
def test_a_worded_correction_replaces_the_box(completion, corrected, boxed):
    assert graded(corrected, completion)
    assert not graded(boxed, completion)


def test_a_dismissed_alternative_after_the_box_corrects_nothing():
    completion = "We get $\\boxed{11}$.\n\nOne could think the total is 12, but that double counts the middle."
    assert graded("11", completion) and not graded("12", completion)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 50))
def test_gsm8k_solution_golds_are_read_by_their_hash_line(value, step):
    gold = f"She had {value + step} and gave {step}: {value + step} - {step} = <<{value + step}-{step}={value}>>" \
           f"{value} left.\n#### {value}"
    assert gold_answer(gold) == (str(value), True)
    assert verify_one(gold, str(value))[0] is True
    assert verify_one(gold, str(value + step))[0] is False  # the first number of the solution is no gold


def test_math_solution_golds_are_read_by_their_last_box():
    gold = "The roots sum to $-\\frac{b}{a} = 4$, and the product is $\\frac{c}{a}$, so the answer is $\\boxed{\\frac{3}{8}}$."
    assert verify_one(gold, "\\dfrac{3}{8}")[0] is True
    assert verify_one(gold, "4")[0] is False
    assert gold_reading(gold).kind == "number"
    interval = "We need $x + 1 > 0$, so the domain is $\\boxed{(-1,\\infty)}$."
    assert gold_reading(interval).kind == "interval" and verify_one(interval, "(-1, \\infty)")[0] is True
    assert gold_answer("\\frac{3}{8}") == ("\\frac{3}{8}", False)  # a plain gold is left as it is


def test_the_audit_counts_golds_read_out_of_solutions():
    golds = ["12", "Two plus two is <<2+2=4>>4.\n#### 4", "So it is $\\boxed{7}$.", "x^2"]
    audit = audit_golds([Problem(f"q{i}", "Q?", g) for i, g in enumerate(golds)])
    assert audit.from_solutions == 2 and audit.record()["from_solutions"] == 2
    assert any("2 golds are whole solutions" in line for line in audit.lines("p.jsonl"))


UNITS = [
    # (gold, same value and unit spelled otherwise, a near miss)
    ("3.0 \\times 10^{8}\\ \\mathrm{m\\,s^{-1}}", "3.0 \\times 10^{8}\\ \\text{m·s}^{-1}", "3.0 \\times 10^{8}\\ \\text{m}"),
    ("9.1 \\times 10^{-31}\\ \\text{kg}", "9.1e-31 kg", "9.1e-31 g"),
    ("2.4 \\times 10^{12}\\ \\text{J}", "2.4 × 10^12 J", "2.4 × 10^13 J"),
    ("8.99 \\times 10^{9}", "8.99 \\times 10^{9}\\ \\text{N m}^2/\\text{C}^2", "8.99 \\times 10^{8}\\ \\text{N m}^2"),
]


@pytest.mark.parametrize("gold,same,near_miss", UNITS)
def test_units_spelled_differently(gold, same, near_miss):
    assert verify_one(gold, same)[0] is True
    assert verify_one(gold, near_miss)[0] is False


def test_option_gold_with_its_value_written_letter_then_bracket():
    assert all(verify_one("B) 45", answer)[0] for answer in ("B", "(B)", "(B) 45", "45"))
    assert not any(verify_one("B) 45", answer)[0] for answer in ("C", "(C) 45", "(B) 40", "B or C"))
    assert graded("E", "Comparing all five, I choose option E.")
    assert not graded("E", "Comparing all five, I choose option D.")


def test_times_of_day_wrapped_in_text():
    assert verify_one("\\text{7:45 a.m.}", "7:45 am")[0] is True
    assert verify_one("\\text{7:45 a.m.}", "7:45 pm")[0] is False


def test_markdown_bold_around_the_stated_value():
    assert graded("36", "So 6 × 6 = 36.\n\nThe answer is **36**.<|im_end|>")
    assert graded("7", "**Answer: 7 days**, which is 2 days fewer than before.")
    assert not graded("2", "**Answer: 7 days**, which is 2 days fewer than before.")
