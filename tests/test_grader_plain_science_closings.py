"""Closings session 17's unseen science and RL-mix sets found read wrong: an amount of time in two units against a
gold in one ("2 hours and 30 minutes" / "2.5 hours", "3 years and 4 months" / "3.33 years"), sets written in plain
text ("x ∈ (2, 12) ∪ (12, 102)", "−2 ≤ x ≤ 7", "{−2, −1, 1, 2}", "∅"), a count said in words, a bold word after
numbers, a sign before a formula, "1.34E-5" and a unit's power ("m^3/s") as one value, a unit after an answer
phrase's math span, exact answers with pi or e against a gold rounded to three digits, and a fraction against a
percent gold."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("gold, answer, expected", [
    ("2.5 \\text{ hours}", "2 hours and 30 minutes", True),
    ("150 \\text{ minutes}", "2 hours and 30 minutes", True),
    ("2.4 \\text{ hours}", "2 hours and 30 minutes", False),
    ("2 \\text{ hours}", "2 hours 30 minutes", False),
    ("3.33 \\text{ years}", "3 years and 4 months", True),
    ("3.33 \\text{ years}", "3 years and 5 months", False),
    ("3.3 \\text{ years}", "3 years and 4 months", False),  # too coarse to stand for a rounding
    ("40 \\text{ months}", "3 years and 4 months", True)])
def test_an_amount_of_time_in_two_units(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 30), st.integers(0, 59))
def test_hours_and_minutes_equal_their_decimal_hours_only(hours, minutes):
    """Whatever the time, "H hours and M minutes" is the gold H + M/60 hours (two decimals, when that is exact)
    and never the gold one minute later."""
    answer = f"{hours} hours and {minutes} minutes"
    assert verify_one(f"{hours * 60 + minutes} \\text{{ minutes}}", answer)[0] is True
    assert verify_one(f"{hours * 60 + minutes + 1} \\text{{ minutes}}", answer)[0] is False
    if minutes % 15 == 0:
        assert verify_one(f"{hours + minutes / 60:g} \\text{{ hours}}", answer)[0] is True


@pytest.mark.parametrize("completion, gold, expected", [
    ("Conditions give x > 2, x < 102, x ≠ 12.\n\nTherefore the domain is x ∈ (2, 12) ∪ (12, 102).", "(2,12) \\cup (12,102)", True),
    ("Therefore the domain is $x \\in (2, 12) \\cup (12, 102)$.", "(2,12) \\cup (12,102)", True),
    ("Therefore the domain is x ∈ (2, 12) ∪ (12, 100).", "(2,12) \\cup (12,102)", False),
    ("If x ∈ (2, 12) ∪ (12, 102), it works.", "(2,12) \\cup (12,102)", False),
    ("It factors as (x − 7)(x + 2) ≤ 0.\n\nSo the solution is −2 ≤ x ≤ 7.", "x \\in [-2,7]", True),
    ("So the solution is −2 < x ≤ 7.", "x \\in [-2,7]", False),
    ("x² = 1 or x² = 4.\n\nSolution set: x ∈ {−2, −1, 1, 2}", "\\pm1, \\pm2", True),
    ("Solution set: x ∈ {−2, 1, 2}", "\\pm1, \\pm2", False),
    ("An absolute value is never negative.\n\nThe solution set is ∅.", "\\text{no solution}", True),
    ("The solution is the interval [−2, 7].", "[-2,7]", True)])
def test_sets_in_plain_text(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("84 pages are left; half of them is 84 ÷ 2.\n\nSo Julie should read forty-two pages tomorrow.", "42", True),
    ("So Julie should read forty-one pages tomorrow.", "42", False),
    ("So the debt is three trillion.", "3", False),
    ("So she needs four times as many.", "4", False),
    ("Therefore there are twelve eggs, or maybe thirteen.", "12", False),
    ("259 ÷ 7 = 37 remainder 0.\n\nThe 284th day of 2003 fell on a **Saturday**.", "\\text{Saturday}", True),
    ("The 284th day of 2003 fell on a **Saturday**.", "\\text{Sunday}", False),
    ("The minimum is 3 and the maximum is **five**.", "5", False),
    ("Since sine is odd, θ = −π/6.\n\narcsin(−1/2) = −π/6", "-\\frac{\\pi}{6}", True),
    ("Since sine is odd, θ = −π/6.\n\narcsin(−1/2) = −π/6", "\\frac{\\pi}{6}", False)])
def test_words_bold_and_signs_in_closings(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Q = A·v = 0.0157 m^3/s\n\nVolumetric flow rate: 0.0157 m^3/s", "15.7 \\text{ L/s}", True),
    ("Volumetric flow rate: 0.0157 m^3/s", "15.7 \\text{ mL/s}", False),
    ("s = √(1.8 × 10⁻¹⁰) = 1.34 × 10⁻⁵\n\nMolar solubility = 1.34E-5 mol/L", "1.3 \\times 10^{-5} \\text{ M}", True),
    ("Molar solubility = 1.34E-5 mol/L", "1.3 \\times 10^{-4} \\text{ M}", False),
    ("Molar solubility = 1.34 x 10^-5 mol/L", "1.3 \\times 10^{-5} \\text{ M}", True),
    ("## Answer\n$P \\approx 0.985$ atm", "99.8 \\text{ kPa}", True),
    ("## Answer\n$P \\approx 0.985$ kPa", "99.8 \\text{ kPa}", False),
    ("**Answer:** $3.2$ nF", "3.2 \\mu F", False),
    ("**Answer:** $10^{-5}$ M", "1e-5", True)])
def test_scientific_values_and_units_after_a_span(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("3.49", "\\frac{10\\pi}{9}", True), ("0.0498", "e^{-3}", True), ("37.7", "12\\pi", True),
    ("37.6", "12\\pi", False), ("3.14", "\\pi", False), ("6.28", "2\\pi", False), ("0.05", "e^{-3}", False),
    ("16.7\\%", "1/6", True), ("16.7\\%", "\\frac{1}{6}", True), ("33.3\\%", "\\frac{1}{3}", True),
    ("16.6\\%", "1/6", False), ("17\\%", "1/6", False)])
def test_exact_answers_against_golds_rounded_to_three_digits(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("n = 4 \\text{ or } n \\text{ is prime}", "all primes $n$", False),
    ("n = 4 \\text{ or } n \\text{ is prime}", "$n=4$ and all primes $n$", True),
    ("n \\text{ is prime}", "all primes", True),
    ("p = 2 \\text{ or } p \\equiv 1 \\pmod{4}", "every prime $p \\equiv 1 \\pmod 4$, together with $p=2$", True)])
def test_primes_said_only_by_the_answer_narrow_the_gold(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("3.49 \\text{ rad/s}", "\\omega = \\frac{10\\pi}{9}\\ \\text{rad/s}", True),
    ("37.7\\ \\Omega", "X_L = 12\\pi\\ \\Omega", True),
    ("37.6\\ \\Omega", "X_L = 12\\pi\\ \\Omega", False),
    ("37.7 \\text{ m}^2", "12\\pi\\ \\text{cm}^2", False),
    ("37.7 \\text{ cm}", "12\\pi\\ \\text{cm}^2", False),
    ("-212 \\text{ kJ/mol}", "\\Delta G^\\circ = -2.12 \\times 10^{5}\\ \\text{J/mol}", True),
    ("-212 \\text{ kJ/mol}", "\\Delta G^\\circ = -2.12 \\times 10^{4}\\ \\text{J/mol}", False),
    ("-\\$5.26", "−$5.26", True), ("-\\$5.26", "$5.26", False), ("\\$5.26", "-$5.26", False)])
def test_exact_values_with_units_and_signed_money(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("NPV = 994.74 − 1,000 = **−$5.26**. Since the NPV is negative, the firm should reject the project.", "-\\$5.26", True),
    ("NPV = 994.74 − 1,000 = **−$5.26**. Since the NPV is negative, the firm should reject the project.", "\\$5.26", False),
    ("Total: 12 - $5.26", "-5.26", False),
    ("For odd $p$, Fermat gives $p \\mid 2^{p-1}-1$; for $p=2$ it fails.\n\n"
     "So the condition holds for every prime $p\\ge3$.", "\\text{all odd primes}", True),
    ("So the condition holds for every prime $p\\ge5$.", "\\text{all odd primes}", False),
    ("So the condition never holds for all $n$.", "\\text{all } n", False),
    ("WLOG $a \\le b \\le c$.\n\nCheck $(2,6,7)$: $2 = 2$ ✓.\n\nSo, with $a\\le b\\le c$, the solutions are\n"
     "$$(3,4,5),\\ (3,3,8),\\ (2,6,7).$$", "(a,b,c)=(2,6,7),(3,3,8),(3,4,5)", True),
    ("**All integer solutions:** $(\\pm4,\\,1)$ and $(\\pm4,\\,-3)$.", "(x,y) = (4,1),(4,-3),(-4,1),(-4,-3)", True),
    ("**All integer solutions:** $(\\pm4,\\,1)$ and $(4,\\,-3)$.", "(x,y) = (4,1),(4,-3),(-4,1),(-4,-3)", False)])
def test_signed_money_conditions_that_hold_and_tuples_after_a_check(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Ruling out p ≥ 5, the only solutions are\n**(a, b, p) = (3, 4, 3) and (2, 2, 2)**.", "(a, b, p) = (2, 2, 2), (3, 4, 3)", True),
    ("Ruling out p ≥ 5, the only solutions are\n**(a, b, p) = (3, 4, 3) and (2, 2, 3)**.", "(a, b, p) = (2, 2, 2), (3, 4, 3)", False),
    ("Only n ≤ 6 remain, and checking these leaves:\n$(k,n)\\in\\{(1,1),\\,(3,2)\\}$.", "(k,n)=(1,1),(3,2)", True),
    ("We reject these:\n$(k,n)\\in\\{(1,1),\\,(3,2)\\}$.", "(k,n)=(1,1),(3,2)", False),
    ("Pairs to check:\n(a, b) = (1, 2) and (2, 1).", "(1,2),(2,1)", False),
    ("d = 1 gives y = 5.\nThe only solution in positive integers is x = 6, y = 5.", "(x, y) = (6, 5)", True),
    ("d = 1 gives y = 5.\nThe only solution in positive integers is x = 5, y = 6.", "(x, y) = (6, 5)", False),
    ("Wednesday + 2 days → Thursday, Friday.\nIt will be Friday.", "\\text{Friday}", True),
    ("Wednesday + 2 days → Thursday, Friday.\nIt will be Friday.", "\\text{Thursday}", False),
    ("Total: 3 + 4 + 0 = 7 DVDs\n\nBilly sold seven DVDs on Tuesday.", "7", True),
    ("5! = 120.\n\n**Answer: (a) 120**", "A", True),
    ("5! = 120.\n\n**Answer: (a) 120**", "B", False),
    ("4 × $300,000 = $1,200,000.\n\n**Answer: The mansion costs $1.2 million.**", "1200000", True),
    ("4 × $300,000 = $1,200,000.\n\n**Answer: The mansion costs $1.2 million.**", "120000", False)])
def test_named_tuples_values_weekdays_options_and_scales(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Case 2: x = -1/3\n\nSo the solutions are x = -7 and x = -\\frac{1}{3}.", "-\\frac{1}{3}", False),
    ("Case 2: x = -1/3\n\nSo the solutions are x = -7 and x = -\\frac{1}{3}.", "-7, -\\frac{1}{3}", True),
    ("Taking square roots, $|k| \\ge 4$.\n**k ≤ −4 or k ≥ 4**", "(-\\infty,-4]\\cup[4,\\infty)", True),
    ("Taking square roots, $|k| \\ge 4$.\n**k ≤ −4 or k ≥ 5**", "(-\\infty,-4]\\cup[4,\\infty)", False),
    ("The extremes are attained at x = ±1.\nRange: [−0.5, 0.5]", "\\left[-\\frac{1}{2},\\frac{1}{2}\\right]", True),
    ("The extremes are attained at x = ±1.\nRange: (−0.5, 0.5]", "\\left[-\\frac{1}{2},\\frac{1}{2}\\right]", False),
    ("profit % = 100/400 × 100 = 25\nSo the shopkeeper made a profit of twenty-five percent.", "25", True),
    ("profit % = 100/400 × 100 = 25\nSo the shopkeeper made a profit of twenty percent.", "25", False),
    ("150 ÷ 60 = 2.5 hours.\nAnswer: It takes 2 hours and 30 minutes.", "2.5", True),
    ("150 ÷ 60 = 2.5 hours.\nAnswer: It takes 2 hours and 20 minutes.", "2.5", False)])
def test_roots_with_fractions_lone_sets_ranges_percent_words_and_durations(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("531 \\text{ Hz}", "531.25 Hz", True), ("531 Hz", "531.49 Hz", True), ("531 Hz", "530.4 Hz", False),
    ("530 Hz", "531.25 Hz", False), ("531 Hz", "531.25 kHz", False), ("531", "531.25", False),
    ("12 \\text{ m}", "12.3 m", False)])
def test_an_integer_gold_with_a_physical_unit_is_a_measurement(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("x² − 2x − 3 > 0 ⟹ (x − 3)(x + 1) > 0.\n\nSo x < −1 or x > 3.", "(-\\infty, -1) \\cup (3, \\infty)", True),
    ("x² − 2x − 3 > 0 ⟹ (x − 3)(x + 1) > 0.\n\nSo x < −1 or x > 2.", "(-\\infty, -1) \\cup (3, \\infty)", False),
    ("x = (−1 ± √(1 + 4))/2\n\nSo x = (−1 + √5)/2 and x = (−1 − √5)/2.", "x=\\frac{-1\\pm\\sqrt{5}}{2}", True),
    ("x = (−1 ± √(1 + 4))/2\n\nSo x = (−1 + √5)/2 and x = (−1 − √3)/2.", "x=\\frac{-1\\pm\\sqrt{5}}{2}", False)])
def test_rays_after_so_and_roots_with_plain_radicals(completion, gold, expected):
    assert graded(gold, completion) is expected
