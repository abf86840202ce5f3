"""Extraction around the answer: a problem restated under 'Question:' before it is solved is no invented
question, and a check paragraph after the answer restates other numbers without changing the answer, unless it
says it corrects it. Each family is generated over its wordings, with the near miss beside it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one

RESTATE_LEADS = ["Given information:\n1. Sam has 12 apples.\n2. He buys 5 more.\n",
                 "We know that Sam has 12 apples and buys 5 more.\n", "Let me restate the problem.\n"]
SOLVE_LEADS = ["Let's solve it.", "Let's think step by step.", "Step 1:", "We add the two amounts."]
ANSWERS = ["The answer is 17.", "So Sam has $\\boxed{17}$ apples.", "#### 17", "**Answer:** 17 apples"]


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(RESTATE_LEADS), st.sampled_from(["Question", "Problem", "**Question**", "Q"]),
       st.sampled_from(SOLVE_LEADS), st.sampled_from(ANSWERS))
def test_a_problem_restated_before_it_is_solved_is_no_invented_question(lead, label, solve, answer):
    text = f"{lead}\n{label}: How many apples does Sam have now?\n\n{solve}\n12 + 5 = 17.\n{answer}"
    assert extract_answer(text)[0].replace(" apples", "") == "17"


@pytest.mark.parametrize("answer_label", ["Answer", "Solution", "A", "**Answer**"])
@pytest.mark.parametrize("before", ["We add 2 and 5.", "The answer is 7.", "#### 7"])
def test_a_question_invented_and_answered_after_the_work_is_not_the_answer(before, answer_label):
    text = f"{before}\n\nQuestion: What is 3 + 4?\n{answer_label}: 9"
    assert extract_answer(text)[0] in (None, "7")


CHECK_HEADERS = ["Check:", "To verify:", "Verification:", "Sanity check:", "Let me double-check,", "To double-check,",
                 "Let's verify:", "**Check:**", "Quick check:", "As a check,"]


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CHECK_HEADERS), st.sampled_from(["$\\boxed{64}$", "The answer is 64.", "**64**"]),
       st.sampled_from(["without the discount it would cost 16 × 5 = 80, and 80 − 16 = 64.",
                        "64 / 16 = 4 dollars per glass, which matches.",
                        "8 × 5 = 40 and 8 × 3 = 24, giving 40 + 24 = 64. The average is 64 / 16 = 4."]))
def test_a_check_after_the_answer_keeps_it(header, stated, check):
    text = f"Full price: 8 × 5 = 40. Discounted: 8 × 3 = 24. Total: 64.\n\nSo he pays {stated}\n\n{header} {check}"
    assert extract_answer(text)[0] == "64"


@pytest.mark.parametrize("header", CHECK_HEADERS)
@pytest.mark.parametrize("check, expected", [
    ("the base runs from -2 to 10, which is 12, not 6. So the area is (1/2)(12)(4) = 24.", "24"),  # a correction
    ("I used the wrong cycle length; so the remainder is 2.", "2"),
    ("2^4 = 16 ≡ 1 (mod 5), so the answer is 2.", None),  # another answer, no reason given: which one is unknown
])
def test_a_check_that_reaches_another_value_is_no_confirmation(header, check, expected):
    text = f"The area is \\boxed{{12}}.\n\n{header} {check}"
    assert extract_answer(text)[0] == expected


QUESTION_NUMBERS = [" for working 45 hours at $10 per hour", ". She sold 6 at the green house and had 5 left",
                    " from his 252 daily eggs sold at $2 a dozen", ". At that time Raymond was 23"]


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.integers(11, 999), st.sampled_from(QUESTION_NUMBERS), st.sampled_from(["$", ""]),
       st.sampled_from(["Therefore, she earns {}", "So the total is {}", "Melanie started with {} cleaners",
                        "The son was born **{} years** ago"]))
def test_a_closing_that_restates_the_question_states_the_work_s_result(value, restated, dollar, closing):
    work = f"Step one: 4 × 10 = 40.\nTotal: {value - 7} + 7 = {dollar}{value}."
    text = f"{work}\n\n{closing.format(dollar + str(value))}{restated}."
    assert extract_answer(text)[0].replace("$", "") == str(value)


@pytest.mark.parametrize("text, expected", [
    # the closing computes or hedges: the restated-result reading does not apply
    ("Total: 400 + 60 = 460.\n\nShe earns $460 or maybe $450 for 45 hours.", None),
    # a number inside a formula or a tuple is not the restated result
    ("r = 3 and θ = π/2, so r = 3.\n\nThe point is $(3, \\frac{\\pi}{2})$ in polar form.", "(3, \\frac{\\pi}{2})"),
    # a box that closes a step, then more work: the work's closing value
    ("16 − 3 − 4 = \\(\\boxed{9}\\) eggs.\nThen 9 × $2 = $18.\n\nSo Janet makes $18 every day.", "18"),
    ("$1.2 \\times 30 = \\boxed{36}$\n\n$1.3 \\times 20 = \\boxed{26}$\n\nThe positive difference is $36 - 26 = 10$.", None),
    # the box's own sentence names other values: the box stays
    ("Hence $x = \\boxed{2}$, giving $y = 5$ and $z = 11$.", "2"),
    ("x = \\boxed{5}\n\nCheck: 2(5) + 3 = 13, which matches.", "5"),
    # "so that" states a purpose, not a conclusion
    ("She must walk at $\\boxed{6}$ miles per hour so that her average is 4 miles per hour.", "6"),
])
def test_restated_results_and_step_boxes(text, expected):
    got = extract_answer(text)[0]
    assert (got if expected is None or got is None else got.strip("$ .")) == expected or (
        expected is None and got is not None and verify_one("10", got)[0])


@pytest.mark.parametrize("text, not_expected", [
    # a plain-worded result, then a question of its own: the invented question's answer is never taken
    ("3 + 5 = 8 pens.\nSara has 8 pens.\n\nQuestion: Sara has 3 red pens and 4 blue pens. How many?\n"
     "She has 3 + 4 = 7 pens.\nThe answer is 7.", "7"),
    ("Sara has 8 pens in total.\n\nProblem 2: A train goes 60 km in 1.5 h.\nSpeed = 60 / 1.5 = 40 km/h.", "40"),
    # a check that reaches another value, uncued, leaves the answer in doubt
    ("\\boxed{45}\n\nLet me double-check: 15 + 15 + 18 = 48. Hmm, so the total is 48 marbles.", "45"),
    ("15 x 3 = 45, so the answer is 45.\n\nTo verify: the bags hold 15, 15 and 18 marbles, so the total is 48.", "45"),
    ("Total: \\boxed{45}\n\nLet me double-check, counting bag by bag: 15 + 15 + 18 = 48. Hmm, the total is 48.", "45"),
    # a closing that computes on from the last result does not restate it
    ("Discounted price = 100 x 0.8 = 80.\n\nThe discounted price of $80 plus the $5 tax means the jacket costs $85.", "80"),
    ("Total: 400 + 60 = 460.\n\nEliza earns $475, not $460, for 45 hours.", "460"),
    ("45 - 40 = 5.\n\nEliza works 5 overtime hours, so her overtime pay is 5 times 15, which is 75 dollars.", "5"),
    ("12 + 12 = 24.\n\nShe gives half of the 24 cookies away, so she keeps 12 cookies.", "24"),
    ("Width = 24 / 2 = 12.\n\nThe width cannot be 12 because the fence is shorter, so the width is 6 cm.", "12"),
    # a box after a supposition is not superseded by it, nor is a box that names the unknown
    ("x = \\boxed{4}\n\nPlugging x = 4 into the equation: 3(4) + 2 = 14.\n\nSo both sides are 14.", "14"),
])
def test_run_ons_checks_and_closings_that_compute_on(text, not_expected):
    assert extract_answer(text)[0] != not_expected
