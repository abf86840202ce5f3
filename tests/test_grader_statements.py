r"""Classes three more independent labelled sets found (issue 26, session 13): golds stored as statements to be shown
(PutnamBench's "Show that the solution is $r = \pi/2$."), angles in degrees against radians, integer ranges and
families over n, m, k ("k \ge 2" is "k > 1"), plain-text answers that name their value ("XP = sqrt(23) - 2 sqrt(3)").
Each class with its near misses; the cases are written anew (the sets stay outside the repository)."""

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import extract_answer, verify_one

def graded(gold: str, completion: str) -> bool:
    """The completion's extracted answer graded against the gold; no answer is wrong."""
    answer = extract_answer(completion)[0]
    return answer is not None and verify_one(gold, answer)[0] is True


PROPERTY = settings(max_examples=int(__import__("os").environ.get("EXPO_GRADER_EXAMPLES", "0")) or 10, deadline=None,
                    derandomize=not __import__("os").environ.get("EXPO_GRADER_EXAMPLES"), database=None)


@pytest.mark.parametrize("gold, answer, expected", [
    ("Show that the solution is $x = \\pi/3$.", "x = pi/3", True),
    ("Show that the solution is $x = \\pi/3$.", "x = pi/6", False),
    ("Prove that the largest value of $b$ is $25$.", "25", True),
    ("Prove that the largest value of $b$ is $25$.", "24", False),
    ("Show that the possible values of $m$ are $2$ and $9$.", "m = 9 or m = 2", True),
    ("Show that the possible values of $m$ are $2$ and $9$.", "2, 9, 11", False),
    ("Show that the possible values of $m$ are $2$ and $9$.", "9", False),
    ("Show that the only such functions are $f(x) = x^a$ for some $a > 1$.", "f(x) = x^{t}, t > 1", True),
    ("Show that the only such functions are $f(x) = x^a$ for some $a > 1$.", "f(x) = x^{t}, t > 0", False),
    ("Show that the answer takes the form of $(p, q) = (7, 3)$.", "p = 7, q = 3", True),
    ("Show that the answer takes the form of $(p, q) = (7, 3)$.", "p = 3, q = 7", False),
    ("Show that the real numbers satisfying $g(x) = 1$ are $\\pm \\frac{2}{3}$.", "x = \\pm 2/3", True),
    ("Show that the real numbers satisfying $g(x) = 1$ are $\\pm \\frac{2}{3}$.", "x = 2/3", False),
    ("The smallest value of $k$ is $12$.", "12", True),
    ("The smallest value of $k$ is $12$.", "13", False),
    ("Show that the values of $n$ in question are the multiples of $4$ starting with $8$.", "n = 4k, k \\ge 2", True),
    ("Show that the values of $n$ in question are the multiples of $4$ starting with $8$.", "n = 4k, k \\ge 1", False),
])
def test_a_statement_to_be_shown_is_read_for_the_value_it_names(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@PROPERTY
@given(st.integers(1, 11).map(lambda k: 15 * k), st.sampled_from(["^\\circ", "^{\\circ}", "°", " degrees"]),
       st.sampled_from(["frac", "slash"]), st.booleans())
def test_an_angle_in_degrees_is_its_multiple_of_pi_and_no_other(degrees, mark, spelling, gold_in_degrees):
    multiple = Fraction(degrees, 180)
    top = "" if multiple.numerator == 1 else str(multiple.numerator)
    radians = (f"\\frac{{{top}\\pi}}{{{multiple.denominator}}}" if spelling == "frac"
               else f"{top}\\pi/{multiple.denominator}") if multiple.denominator > 1 else f"{top}\\pi"
    in_degrees, off = f"{degrees}{mark}", f"{degrees + 15}{mark}"
    pair = (in_degrees, radians) if gold_in_degrees else (radians, in_degrees)
    assert verify_one(*pair)[0] is True, pair
    assert verify_one(*((off, radians) if gold_in_degrees else (radians, off)))[0] is False
    assert verify_one(radians, str(degrees))[0] is False  # a bare number states no degrees


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\sqrt{2}\\operatorname{cis}45^\\circ", "1+i", True),
    ("\\sqrt{2}\\operatorname{cis}45^\\circ", "1-i", False),
    ("2\\operatorname{cis}60^\\circ", "1 + i\\sqrt{3}", True),
    ("\\angle ABC = \\frac{\\pi}{10}", "18^\\circ", True),
    ("\\angle ABC = \\frac{\\pi}{10}", "36^\\circ", False),
])
def test_cis_and_named_angles(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("k \\ge 3", "k > 2", True),
    ("k \\ge 3", "k > 3", False),
    ("k \\ge 3", "k \\ge 2", False),
    ("m > 4", "m \\geq 5", True),
    ("x \\ge 3", "x > 2", False),  # x is real: 2.5 is in one and not the other
    ("2 \\le n \\le 4", "n = 2, 3, 4", True),
    ("2 \\le n \\le 4", "n = 2, 3", False),
    ("n = 2, 3, 4", "2 \\le n < 5", True),
    ("n = 2, 3, 4", "2 \\le n \\le 5", False),
    ("3 \\le n \\le 5", "n \\in \\{3, 4, 5\\}", True),
    ("n \\geq 2", "\\text{all positive integers } n \\neq 1", True),
    ("n \\geq 3", "\\text{all positive integers } n \\neq 1", False),
    ("n \\equiv 0 \\pmod{5}", "n \\text{ is a multiple of } 5", True),
    ("n \\equiv 0 \\pmod{5}", "n \\text{ is a multiple of } 10", False),
    ("p = 3 \\text{ or } p \\equiv 1 \\pmod{6}", "p = 3 \\text{ or } p = 6k+1", True),
    ("p = 3 \\text{ or } p \\equiv 1 \\pmod{6}", "p = 6k+1", False),
    ("n \\text{ is a power of } 3", "n = 3^k", True),
    ("n \\text{ is a power of } 3", "n = 3^k, k \\ge 1", False),
    ("n = 5k+2", "n \\equiv 2 \\pmod{5}", True),
    ("n = 5k+2", "n \\equiv 3 \\pmod{5}", False),
    ("n \\equiv 2 \\pmod 5", "n = 5k - 3 \\text{ for } k = 1, 2, 3, \\ldots", True),
    ("n \\equiv 2 \\pmod 5", "n = 5k + 2 \\text{ for } k = 1, 2, 3, \\ldots", False),  # 2 itself is missing
    ("n = 3^k \\text{ for } k \\ge 0", "n = 3^m \\text{ with } m = 0, 1, 2, \\ldots", True),
    ("n = 3^k \\text{ for } k \\ge 0", "n = 3^m \\text{ with } m = 1, 2, 3, \\ldots", False),
    ("\\text{all nonnegative integers not congruent to } 2 \\text{ or } 5 \\pmod{7}",
     "\\{n \\ge 0 : n \\not\\equiv 2, 5 \\pmod 7\\}", True),
    ("\\text{all nonnegative integers not congruent to } 2 \\text{ or } 5 \\pmod{7}",
     "\\{n \\ge 0 : n \\not\\equiv 2 \\pmod 7\\}", False),
    ("1, 4", "n = 1, n = 4", True),  # two values, not one condition n = 1 and n = 4
])
def test_integer_ranges_and_families_over_integer_letters(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\sqrt{13}-2\\sqrt{2}", "AB = sqrt(13) - 2 sqrt(2)", True),
    ("\\sqrt{13}-2\\sqrt{2}", "AB = sqrt(13) - 2 sqrt(3)", False),
    ("\\frac{\\pi}{5}", "t = pi/5", True),
    ("\\frac{\\pi}{5}", "t = pi/4", False),
    ("r = \\frac{\\pi}{5}", "r = pi/5", True),
    ("r = \\frac{\\pi}{5}", "s = pi/5", False),
    ("x", "x = 4", False),
])
def test_a_plain_answer_that_names_its_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("(1,2,4) \\text{ and permutations}", "(1,2,4),(1,4,2),(2,1,4),(2,4,1),(4,1,2),(4,2,1)", True),
    ("(1,2,4) \\text{ and permutations}", "(1,2,4),(1,4,2),(2,1,4),(2,4,1),(4,1,2)", False),
    ("(1,2,4) \\text{ and permutations}", "(a,b,c) \\text{ is any permutation of } (4,2,1)", True),
    ("(1,2,4) \\text{ and permutations}", "(a,b,c) \\text{ is any cyclic permutation of } (1,2,4)", False),
    ("(2,2,5),\\ (1,3,6) \\text{ and their permutations}", "(1,3,6),\\ (2,2,5) \\text{ and all permutations}", True),
    ("(2,2,5),\\ (1,3,6) \\text{ and their permutations}",
     "(2,2,5),\\ (2,5,2),\\ (5,2,2), \\text{ and the 6 permutations of } (1,3,6)", True),
    ("(2,2,5),\\ (1,3,6) \\text{ and their permutations}",
     "(2,2,5),\\ (2,5,2), \\text{ and the 6 permutations of } (1,3,6)", False),
    ("(1,2), (2,1)", "\\text{all permutations of } (1,2)", True),
    ("(1,2), (2,1)", "\\text{all permutations of } (1,3)", False),
])
def test_tuples_closed_under_reordering_in_every_spelling(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("x = 1, x = 2 \\pm i", "x \\in \\{1,\\ 2 + i,\\ 2 - i\\}", True),
    ("x = 1, x = 2 \\pm i", "x = 1 \\text{ or } x = 2 \\pm i", True),
    ("x = 1, x = 2 \\pm i", "x = 1, 2 + i", False),
    ("x = 1, x = 2 \\pm i", "x = -1, 2 + i, 2 - i", False),
    ("x = 1, x = 2 \\pm i", "y = 1, 2 + i, 2 - i", False),
    ("x = 0, x = \\pm 3", "x \\in \\{-3, 0, 3\\}", True),
    ("x = 0, x = \\pm 3", "0, 3", False),
    ("\\pm 2, \\pm 5", "-5, -2, 2, 5", True),
    ("\\pm 2, \\pm 5", "-5, 2, 5", False),
])
def test_roots_listed_with_a_plus_minus_inside(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("y^{2/5}", "\\sqrt[5]{y^2}", True),
    ("\\sqrt[5]{y^2}", "y^{2/5}", True),
    ("y^{1/2}", "\\sqrt[4]{y^2}", False),  # sqrt|y|, not y^(1/2)
    ("y^{2/5}", "\\sqrt[5]{y^3}", False),
    ("\\sqrt{\\frac{k}{m}}", "\\frac{\\sqrt{k}}{\\sqrt{m}}", True),
    ("\\sqrt{\\frac{k}{m}}", "\\frac{\\sqrt{m}}{\\sqrt{k}}", False),
    ("|y|", "y", False),
    ("\\sqrt{y^2}", "y", False),
    ("\\ln(y^2)", "2\\ln y", False),  # real at y = -2 on one side only
    ("P_0 \\left(\\frac{V_1}{V_2}\\right)^{\\gamma}", "P_0 (V_1/V_2)^{\\gamma}", True),
    ("P_0 \\left(\\frac{V_1}{V_2}\\right)^{\\gamma}", "P_0 (V_2/V_1)^{\\gamma}", False),
    ("\\gamma - 1", "\\gamma-1", True),
])
def test_roots_of_powers_and_formulas_over_positive_quantities(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("(-\\infty,1)\\cup (1,4)\\cup (4,\\infty)", "x \\neq 1 \\text{ and } x \\neq 4", True),
    ("(-\\infty,1)\\cup (1,4)\\cup (4,\\infty)", "x \\neq 1", False),
    ("\\frac{1}{8}", "1 \\text{ in } 8", True),
    ("\\frac{1}{8}", "\\text{The probability is } 1 \\text{ in } 8.", True),
    ("\\frac{1}{8}", "1 \\text{ in } 7", False),
    ("5:4", "5 \\text{ to } 4", True),
    ("5:4", "4 to 5", False),
    ("4.5 \\times 10^{6}", "4.5\\text{e}6", True),
    ("4.5 \\times 10^{6}", "4.5\\text{e}5", False),
    ("13", "|w| = 13", True),
    ("13", "|w - 1| = 13", False),
    ("4:15", "4:15 PM", True),
    ("4:15", "4:15 a.m.", True),
    ("4:15", "5:15 PM", False),
    ("16:15", "4:15 AM", False),
])
def test_spelled_numbers_excluded_points_moduli_and_clock_readings(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("completion, expected", [
    ("The intermediate total is $\\boxed{50}$, but 8 are invalid: 42.\n\nAnswer: 42", "42"),
    ("So it is $\\boxed{42}$.\n\nAnswer: 42", "42"),
    ("Only 2, 3 and 7 divide 42.\nThere are three such primes.", "3"),
    ("So n = 61.\nThe missing number is four.", "4"),
    ("Setting y=0 gives f(f(x)) = x.\nTherefore the only solution is the identity function, f(x) = x for all real x.",
     "f(x) = x"),
])
def test_closing_statements_a_reader_takes_as_the_answer(completion, expected):
    assert extract_answer(completion)[0] == expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("All solutions: $f(x) = \\dfrac{1}{1+ax}$ with $a \\ge 0$ a constant.",
     "f(x)=\\frac{1}{1+cx} \\text{ for some } c \\geq 0", True),
    ("All solutions: $f(x) = \\dfrac{1}{1+ax}$ with $a > 0$ a constant.",
     "f(x)=\\frac{1}{1+cx} \\text{ for some } c \\geq 0", False),
    ("All such functions are $f(x) = x^{t}$ where $t$ is a positive constant.", "f(x) = x^c \\text{ for some } c > 0", True),
    ("All such functions are $f(x) = x^{t}$ where $t$ is a negative constant.", "f(x) = x^c \\text{ for some } c > 0", False),
    ("So $n = 3^m$ with $m = 0, 1, 2, \\ldots$", "n = 3^k \\text{ for } k \\ge 0", True),
    ("So $n = 3^m$ with $m = 1, 2, 3, \\ldots$", "n = 3^k \\text{ for } k \\ge 0", False),
    ("Both sizes work.\n\nn = 4 or n = 9", "4, 9", True),
    ("Both sizes work.\n\nn = 4 or n = 8", "4, 9", False),
    ("S^2 + S - 1 = 0.\n\nThe two values are (-1+sqrt(5))/2 and (-1-sqrt(5))/2.",
     "\\frac{-1+\\sqrt{5}}{2}, \\frac{-1-\\sqrt{5}}{2}", True),
    ("The two values are (-1+sqrt(5))/2 and (1-sqrt(5))/2.", "\\frac{-1+\\sqrt{5}}{2}, \\frac{-1-\\sqrt{5}}{2}", False),
    ("The denominator vanishes at 2.\nSo the domain is all real x with x ≠ 2.", "(-\\infty,2)\\cup(2,\\infty)", True),
    ("So the domain is all real numbers except 3.", "(-\\infty,2)\\cup(2,\\infty)", False),
    ("(5 - 2) * 180 = 540 degrees.\n\nSo the interior angles of a pentagon add up to 540 degrees.", "540", True),
    ("So the tank can hold up to 540.", "540", False),
    ("Profit = $90,000.\n\n**Ana made a profit of $90,000**, which is about a 40% return on what she invested.", "90000", True),
    ("Ana earned $12. That is about 80% of her usual pay, and $3 less than yesterday.", "12", True),
    ("Ana earned $12. That is about 80% of her usual pay, and $3 less than yesterday.", "3", False),
    ("Hence x = 4 is the only solution, and it satisfies the equation since 3 * 4 - 2 = 10.", "4", True),
    ("Hence x = 4 is the only solution, and it satisfies the equation since 3 * 4 - 2 = 10.", "10", False),
    ("<think>\nAB = sqrt(13) - 1\n</think>\n\nAB = sqrt(13) - 1", "\\sqrt{13}-1", True),
])
def test_closing_statements_graded_whole(completion, gold, expected):
    assert graded(gold, completion) is expected, completion


@pytest.mark.parametrize("gold, answer, expected", [
    ("f(n) = n", "f \\text{ is the identity function}", True),
    ("f(n) = n", "f \\text{ is constant}", False),
    ("f(x) = c \\text{ for some constant } c", "f \\text{ is constant}", True),
    ("f(x) = 1", "f \\text{ is constant}", False),
    ("\\frac{4}{11}", "0.\\dot{3}\\dot{6}", True),
    ("\\frac{4}{11}", "0.\\dot{3}6", False),
    ("\\frac{1}{2}(m+4-mi)", "\\frac{m}{2}+2-\\frac{m}{2}i", True),
    ("\\frac{1}{2}(m+4-mi)", "\\frac{m}{2}+2+\\frac{m}{2}i", False),
])
def test_functions_in_words_dotted_cycles_and_one_letter_read_two_ways(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer", [
    ("Show that the minimum is $0$ and the maximum is $1$.", "1"),
    ("The smallest value of $k$ is $12$ and the largest is $20$.", "20"),
    ("Show that the maximum is $4$ and it is attained at $x = 1$.", "1"),
    ("Prove that the answer is $5$ when $n$ is $3$.", "3"),
    ("The answer is $5$ if $n$ is even; otherwise it is $6$.", "6"),
    ("Prove that the number of such $n$ is at least $3$.", "3"),
    ("Show that the largest value is at most $8$.", "8"),
    ("\\mathbb{R} \\setminus \\{1, 2\\}", "n \\neq 1 \\text{ and } n \\neq 2"),  # n names integers
    ("(1, 2, 3) \\text{ and permutations}", "(1,2,3) \\text{ up to sign and permutation}"),
])
def test_review_probes_statements_that_are_not_one_value_stay_wrong(gold, answer):
    """A skeptic's probes (session 13): a statement with two values, a condition or a bound is no value."""
    assert verify_one(gold, answer)[0] is False, (gold, answer)


@pytest.mark.parametrize("gold, completion", [
    ("720", "The interior angles do not add up to 720 degrees."),
    ("720", "The interior angles never add up to 720 degrees."),
    ("720", "The angles would add up to 720 if the shape were convex, but it is not."),
    ("3", "Hence x = 3 is the only solution, provided that a > 0; otherwise x = -3."),
    ("16", "So the answer is 16. That is about 20% more than last year, so the final is 19."),
    ("5", "Thus $\\boxed{5}$.\n\nAnswer: 5 or 7"),
    ("5", "Thus $\\boxed{5}$.\n\nAnswer: not 5"),
    ("42", "**42**, which is not correct; recounting gives 43."),
    ("80\\%", "The discount is $20\\%$. That is about 80% of the original price."),
    ("3", "We compute the length.\nXP = sqrt(23) - 2 sqrt(3) or sqrt(23) + 2 sqrt(3)"),
])
def test_review_probes_negated_hedged_or_retracted_closings_are_no_answer(gold, completion):
    assert graded(gold, completion) is False, completion


@pytest.mark.parametrize("gold, answer, expected", [
    ("n \\not\\equiv 0 \\pmod 3", "n \\equiv 1, 2 \\pmod 3", True),
    ("n \\not\\equiv 0 \\pmod 3", "n \\equiv 1 \\pmod 3", False),
    ("n \\not\\equiv 0 \\pmod 3", "n \\text{ is not a multiple of } 3", True),
    ("n \\not\\equiv 2 \\pmod 4", "n \\equiv 0, 1, 3 \\pmod 4", True),
    ("n \\not\\equiv 2 \\pmod 4", "n \\equiv 0, 1 \\pmod 4", False),
    ("2 \\le k \\le 10", "k = 2, 3, \\ldots, 10", True),
    ("2 \\le k \\le 10", "k = 2, 3, \\ldots, 9", False),
    ("n = 1, 2, \\ldots, 5", "1 \\le n \\le 5", True),
    ("n = 1, 2, \\ldots, 5", "1 \\le n \\le 6", False),
])
def test_noncongruences_and_runs_with_an_end(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, completion, expected", [
    ("$f(x) = x$ for all real $x$", "So the answer is $\\boxed{f(x) = x}$.", True),
    ("$f(x) = x$ for all real $x$", "So the answer is $\\boxed{f(x) = -x}$.", False),
    ("All even $n \\ge 4$.", "Odd $n$ fail.\n\nAnswer: $n = 2k$ for integers $k \\ge 2$", True),
    ("All even $n \\ge 4$.", "Odd $n$ fail.\n\nAnswer: $n = 2k$ for integers $k \\ge 1$", False),
    ("No such triangle exists.", "So b^2 = 436, which is not a perfect square.\n\nTherefore, there is no such triangle.", True),
    ("$f(x) = x$ for all real $x$", "so f is a bijection, and f(x) = x for every x.\n\nThe only solution is the identity function $f(x) = x$.",
     True),
])
def test_putnam_style_golds_against_closing_sentences(gold, completion, expected):
    assert graded(gold, completion) is expected, completion


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\frac{3}{8}", "three eighths", True),
    ("\\frac{3}{8}", "three-eighths", True),
    ("\\frac{3}{8}", "five eighths", False),
    ("75", "1 hour and 15 minutes", True),
    ("1.25", "1 hour and 15 minutes", True),
    ("80", "1 hour and 15 minutes", False),
    ("35", "0:35", True),
    ("36", "0:35", False),
])
def test_fractions_in_words_and_durations_against_a_bare_number(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("completion, gold, expected", [
    ("The scarf costs 30 dollars and is half price.\n30 / 2 = 15.25\nSo it costs 15 dollars and 25 cents.", "15.25", True),
    ("So it costs 15 dollars and 25 cents.", "15.5", False),
    ("The lake froze overnight. The temperature is 4 degrees below zero.", "-4", True),
    ("The lake froze overnight. The temperature is 4 degrees below zero.", "4", False),
    ("He saves $20 a week for 6 weeks. 20 * 6 = 120.\nSo he has saved $120.\n\nSee also: problem 140", "140", False),
    ("He saves $20 a week for 6 weeks. 20 * 6 = 120.\nSo he has saved $120.\n\nGrade 3, Lesson 12", "120", True),
    ("Adding gives $2x = 8$, so $x = 4$ and $y = -2$.\nThe solution is the point (4, -2).", "(4,-2)", True),
    ("The trip is 180 miles at 60 miles per hour.\nIt takes 3.5 hours, or 3 hours and 30 minutes.", "3.5", True),
    ("It takes 3.5 hours, or 3 hours and 20 minutes.", "3.5", False),
    ("Six of the eight slices were eaten, so he ate three-fourths of the pizza.", "\\frac{3}{4}", True),
    ("He ate 6 of 8 slices.\nSo he ate three-fourths of the pizza.", "\\frac{3}{4}", True),
    ("Sam has 4 pens and buys 5 more. How many pens does Sam have now?\nSam has 4 + 5 = 9 pens now.", "9", True),
])
def test_small_model_closings(completion, gold, expected):
    assert graded(gold, completion) is expected, completion


@pytest.mark.parametrize("gold, answer, expected", [
    ("n \\equiv 1, 4 \\pmod{5}", "\\text{all } n \\text{ of the form } 5k+1 \\text{ or } 5k+4", True),
    ("n \\equiv 1, 4 \\pmod{5}", "\\text{all } n \\text{ of the form } 5k+1 \\text{ or } 5k+3", False),
    ("\\text{All odd } n", "n=2k+1,\\ k\\ge0", True),
    ("\\text{All odd } n", "n=2k+1,\\ k\\ge1", False),
    ("\\text{All multiples of } 3", "\\beta\\in 3\\mathbb{Z}", True),
    ("\\text{All multiples of } 3", "\\beta\\in 6\\mathbb{Z}", False),
    ("5 \\mid n", "n=5k \\text{ with } k \\text{ a positive integer}", True),
    ("f(x)=ax \\ (a\\in\\mathbb{R})", "f(x)=tx \\text{ with } t \\text{ any real number}", True),
    ("(-\\infty,-2) \\cup (4,+\\infty)", "|a-1|>3", True),
    ("(-\\infty,-2) \\cup (4,+\\infty)", "|a-1|<3", False),
    ("(-2,4)", "|x-1|<3", True),
    ("[-2,4]", "|x-1|<3", False),
])
def test_families_in_words_and_distances(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("completion, gold, expected", [
    ("We need n with n^2 + 4 divisible by 5: n = 1 gives 5.\n\nYes — for example $n=1$ gives $n^2+4=5$.", "Yes", True),
    ("**No.** For instance $2^3=8$ ends in 8, never in 0.", "Yes", False),
    ("Every prime divides some term.\n\nThe only positive integer coprime to every term is one.", "1", True),
    ("Only p = 5 works.\n\nThus the only such prime is five.", "5", True),
    ("Set a=b=c=1.\n\nSo the smallest possible value of the expression is two and a half.", "\\frac{5}{2}", True),
    ("The roots are 1, 2 and -3.\n\nThe equation has three distinct real roots.", "3", True),
    ("The roots are 1, 2 and -3.\n\nThe equation has three distinct real roots.", "2", False),
    ("It is bijective and monotone.\n\nSo $f$ must be the identity function on the positive integers.", "f(n)=n", True),
    ("Therefore $f(x)=x^2+ax$ for some real constant $a$.", "f(x)=x^{2}+cx, c \\in \\mathbb{R}", True),
])
def test_olympiad_closings_in_words(completion, gold, expected):
    assert graded(gold, completion) is expected, completion


@pytest.mark.parametrize("gold, completion, expected", [
    ("$(1,1,2),(2,3,3)$ and their permutations",
     "$$\\boxed{\\begin{aligned}&(1,1,2),(1,2,1),(2,1,1),\\\\&(2,3,3),(3,2,3),(3,3,2)\\end{aligned}}$$", True),
    ("$(1,1,2),(2,3,3)$ and their permutations",
     "$$\\boxed{\\begin{aligned}&(1,1,2),(1,2,1),\\\\&(2,3,3),(3,2,3),(3,3,2)\\end{aligned}}$$", False),
    ("$0<a<\\frac{1}{3}$ or $a>2$", "$$\\boxed{a\\in\\left(0,\\tfrac13\\right)\\cup(2,+\\infty)}$$", True),
    ("$0<a<\\frac{1}{3}$ or $a>2$", "$$\\boxed{a\\in\\left(0,\\tfrac13\\right]\\cup(2,+\\infty)}$$", False),
    ("f(x) = x", "**Final answer:** $f$ is the identity map, $f(x)=x$ for every real $x$.", True),
    ("f(x) = -x", "**Final answer:** $f$ is the identity map, $f(x)=x$ for every real $x$.", False),
    ("The maximum is $\\sqrt{3}$, attained at $x=\\frac{\\pi}{6}$", "**Answer:** maximum $=\\sqrt3$, reached at $x=\\pi/6$.",
     True),
    ("The maximum is $\\sqrt{3}$, attained at $x=\\frac{\\pi}{6}$", "**Answer:** maximum $=\\sqrt2$, reached at $x=\\pi/6$.",
     False),
])
def test_olympiad_answer_lines_aligned_lists_unions_and_maxima(gold, completion, expected):
    assert graded(gold, completion) is expected, completion


@pytest.mark.parametrize("gold, answer, expected", [
    ("(-\\infty,-\\frac{1}{3})\\cup(2,\\infty)", "x < -\\frac{1}{3}, x > 2", True),  # disjoint rays: their union
    ("(-\\infty,-\\frac{1}{3})\\cup(2,\\infty)", "x \\le -\\frac{1}{3}, x > 2", False),
    ("(1,4)", "x > 1, x < 4", True),  # overlapping bounds: the interval between
    ("(1,4]", "x > 1, x ≤ 4", True),
    ("(1,4)", "x ≥ 1, x < 4", False),
    ("(-\\infty,1)\\cup(4,\\infty)", "x < 1, y > 4", False),
])
def test_two_bounds_joined_by_a_comma(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("Show that the answer is all nonnegative integers not congruent to 2 or 5 (mod 7).",
     "\\{n\\ge 0 : n\\not\\equiv 2, 5 \\pmod 7\\}", True),
    ("Show that the answer is all nonnegative integers not congruent to 2 or 5 (mod 7).",
     "\\{n\\ge 0 : n\\not\\equiv 2 \\pmod 7\\}", False),
    ("Show that the answer is all nonnegative integers not congruent to 3 or 6 (mod 9).",
     "\\{n\\ge 0 : n\\not\\equiv \\pm 3 \\pmod 9\\}", True),
    ("Show that the answer is 7.", "7", True),
    ("Show that the answer is 7.", "8", False),
    ("Show that the answer is 1 and all multiples of 5.", "5", False),
])
def test_statements_in_words_only(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected, (gold, answer)


@pytest.mark.parametrize("gold, answer", [("(0,0)", "|x-0|<0"), ("(-1,1)", "|x-0| \\le 0"), ("0", "1 \\text{ in } 0")])
def test_degenerate_distances_and_chances_are_no_interval(gold, answer):
    """A distance of 0 bounds no interval; a chance "1 in 0" is no fraction (careless inputs, session 13)."""
    assert verify_one(gold, answer)[0] is False, (gold, answer)
