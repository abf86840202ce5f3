"""Closings session 16's unseen sets found read wrong: a plain-text formula after "therefore" ("Therefore f(x) = 1/x.")
read by its last digit, a named solution followed by its companion values, plain bulleted solutions with a confirming
line, a box a check states on its own (a new answer) against one it computes, a bare variable that begins a condition
in words, and footnotes closing the text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str, truncated: bool = False) -> bool:
    return verify_one(gold, extract_answer(completion, truncated=truncated)[0])[0]


@pytest.mark.parametrize("lead", ["Therefore", "Therefore,", "So", "Hence", "Thus", "**Therefore"])
@pytest.mark.parametrize("formula, gold, wrong", [
    ("f(x) = 1/x", "f(x) = \\frac{1}{x}", "f(x) = \\frac{2}{x}"),
    ("y = 3x^2 - 2x + 1", "y = 3x^2 - 2x + 1", "y = 3x^2 - 2x - 1"),
    ("x = sqrt(2)/2", "\\frac{\\sqrt{2}}{2}", "\\sqrt{2}"),
    ("P(x) = x^2 + 1", "P(x) = x^2 + 1", "P(x) = x^2"),
    ("f(x) = 2 − x", "f(x) = 2 - x", "f(x) = x - 2"),
])
def test_a_plain_closing_formula_is_read_whole(lead, formula, gold, wrong):
    close = "**" if lead.startswith("**") else ""
    completion = f"We substitute and simplify step by step.\n\n{lead} {formula}{close}, which satisfies the equation."
    assert graded(gold, completion) is True
    assert graded(wrong, completion) is False
    assert graded(gold, f"Some work first: 2 + 3 = 5.\n{lead} {formula}{close}.") is True


@given(a=st.integers(1, 9), b=st.integers(1, 9), c=st.integers(-9, 9).filter(lambda c: c != 0),
       letter=st.sampled_from("fgh"))
@settings(max_examples=40, deadline=None)
def test_plain_closing_formula_property(a, b, c, letter):
    sign = "+" if c > 0 else "-"
    completion = f"Plugging in x = 1 gives {a + b + c}.\nTherefore {letter}(x) = {a}x^2 + {b}x {sign} {abs(c)}."
    assert extract_answer(completion)[0] == f"{letter}(x) = {a}x^2 + {b}x {sign} {abs(c)}"
    assert graded(f"{letter}(x) = {a}x^2 + {b}x {sign} {abs(c)}", completion) is True
    assert graded(f"{letter}(x) = {a}x^2 + {b}x {sign} {abs(c) + 1}", completion) is False


@pytest.mark.parametrize("completion, dropped", [("So x = 2a + b, where a is fixed.", "x = 2a + b"),
                                                 ("So n = 2^k for k >= 0 or n = 0.", "n = 2^k"),
                                                 ("So f(x) = x^2 or f(x) = 0.", "f(x) = x^2")])
def test_a_formula_with_a_condition_or_an_alternative_is_not_read_without_it(completion, dropped):
    assert extract_answer(completion)[0] != dropped
    assert graded("x = 3, x = -3", "Hence x = 3 or x = -3.") is True  # two solutions, both stated


@pytest.mark.parametrize("noun", ["prime", "solution", "answer", "integer", "value"])
def test_a_named_solution_keeps_its_companion_values_out(noun):
    completion = f"Checking the cases, $5^5 + 4\\cdot 5^4 = 5625 = 75^2$.\n\nSo $p = 5$ is the only {noun}, with $k = 75$."
    assert graded("5", completion) is True
    assert graded("75", completion) is False
    assert graded("3", "Hence $x = 3$ is the only solution, and it satisfies $2\\cdot 3+1 = 7$.") is True
    assert graded("7", "Hence $x = 3$ is the only solution, and it satisfies $2\\cdot 3+1 = 7$.") is False


@pytest.mark.parametrize("closing, expected", [
    ("Both satisfy the equation, so these are all solutions.", True), ("Both work.", True), ("", True),
    ("Only the first one satisfies the equation.", False), ("But f(x) = x fails the check.", False),
    ("Neither works for y = 2.", False)])
def test_plain_bulleted_solutions_with_a_confirming_line(closing, expected):
    completion = f"Splitting on f(0) yields exactly two functions:\n\n- f(x) = x\n- f(x) = 2 − x\n\n{closing}"
    assert graded("f(x) = x \\text{ and } f(x) = 2 - x", completion) is expected


def test_a_box_the_check_states_on_its_own_is_the_new_answer():
    switched = ("$2^{10} \\equiv 2 \\pmod 7$, so the remainder is $\\boxed{2}$.\n\nLet me verify by direct division. "
                "$7 \\times 146 = 1012$, so $1024 - 1012 = 12$, and $12 - 7 = 5$.\n\nThe remainder is $\\boxed{5}$.")
    assert graded("2", switched) is False
    assert graded("5", switched) is True
    display = ("So $x = 30^\\circ$.\n\n$$\\boxed{30^\\circ}$$\n\nVerification: the angles sum to $180^\\circ$ ✓.\n\n"
               "Actually, re-reading the question, the answer should be the larger angle:\n$$\\boxed{60^\\circ}$$")
    assert graded("30^\\circ", display) is False
    assert graded("60^\\circ", display) is True


@pytest.mark.parametrize("check", ["$5! = \\boxed{120}$, so $120/5 = 24$ ✓", "$\\boxed{4! \\cdot 5 = 120}$ ✓",
                                   "$\\boxed{2^3 = 8 \\equiv 1 \\pmod{7}}$"])
def test_a_box_the_check_computes_is_the_checks(check):
    assert graded("24", f"**Answer:** $\\boxed{{24}}$\n\n**Verification:** {check}") is True


@pytest.mark.parametrize("tail", ["$a_0$ a perfect square", "$n$ prime", "$x$ negative"])
def test_a_bare_variable_that_begins_a_condition_in_words_is_no_listed_value(tail):
    completion = f"Being generous with the square case, the answer is: $a_0 \\equiv 0 \\pmod 3$, or {tail}."
    assert graded("\\text{All } a_0 \\text{ with } a_0 \\equiv 0 \\pmod 3", completion) is False
    assert graded("x = 1, y = 2", "The answer is $x=1$ and $y = 2$.") is True


@pytest.mark.parametrize("mark, note", [("¹", "¹ "), ("[^1]", "[^1]: "), ("†", "† ")])
@pytest.mark.parametrize("rule", ["", "---\n"])
def test_footnotes_closing_the_text_are_asides(mark, note, rule):
    first = f"**9 trucks**{mark}\n\n{rule}{note}42 ÷ 5 = 8.4, and a truck can't make a fractional trip, so round up."
    assert graded("9", first) is True
    assert graded("8.4", first) is False
    hedged = (f"Monday to Friday is 4 days, so 30 × 4 = 120 shirts.{mark}\n\nThe store sold 120 shirts.\n\n{rule}"
              f"{note}If Friday is counted as a full selling day as well, the total would be 150.")
    assert graded("150", hedged) is False


@pytest.mark.parametrize("box, restated", [("\\frac14", "$\\frac14$"), ("\\frac{1}{4}", "1/4"), ("\\dfrac{7}{2}", "$x = 3.5$"),
                                           ("\\frac{12}{5}", "2.4"), ("0.25", "$\\frac{1}{4}$")])
def test_a_check_that_restates_the_boxed_value_in_another_form_leaves_it(box, restated):
    completion = (f"So $P = \\boxed{{{box}}}$.\n\n**Verification.** Listing the outcomes confirms it. ✓\n\n"
                  f"Everything is consistent, so the answer is {restated}.")
    gold = "\\frac{1}{4}" if "4" in box or box == "0.25" else "\\frac{7}{2}" if "7" in box else "\\frac{12}{5}"
    assert graded(gold, completion) is True


def test_a_check_that_concludes_another_fraction_still_doubts_the_box():
    completion = ("So $P = \\boxed{\\frac{12}{5}}$.\n\nLet me double-check by listing the cases: "
                  "the probability is actually $\\frac{1}{25}$.")
    assert graded("\\frac{12}{5}", completion) is False


@pytest.mark.parametrize("offer", [
    "Would you like me to also work out how many it would sell over two weeks (that would be 420)?",
    "Do you want me to compute the total for 14 days as well?", "Shall I also find the answer for 7 days?"])
def test_an_offer_of_more_work_closing_the_text_is_no_answer(offer):
    completion = f"30 × 5 = 150\n\nSo the store sold 150 shirts.\n\n{offer}"
    assert graded("150", completion) is True
    assert graded("420", completion) is False


def test_a_courtesy_about_another_question_keeps_the_answer():
    completion = ("Number of terms: (2005 − 1)/2 + 1 = 1003.\n\nSo there are 1003 odd integers. 😊 Hope that helps! "
                  "Feel free to ask if you have another question about 2006 or 2007.")
    assert graded("1003", completion) is True
    assert graded("2007", completion) is False


@pytest.mark.parametrize("joined, expected", [("x = \\boxed{2} \\quad \\text{or} \\quad x = \\boxed{3}", True),
                                              ("$x=\\boxed{2}$ or $x=\\boxed{3}$", True),
                                              ("$\\boxed{2}$ or $\\boxed{3}$", False),
                                              ("$x=\\boxed{2}$ or maybe $x=\\boxed{3}$", False)])
def test_roots_boxed_after_their_names_joined_by_or_are_both_solutions(joined, expected):
    completion = f"Factor: $x^2 - 5x + 6 = (x-2)(x-3) = 0$, so\n{joined}."
    assert graded("2, 3", completion) is expected
    assert graded("3", completion) is False


@pytest.mark.parametrize("tail", ["", ", which we can double-check by noting the vertex is at $x = -\\tfrac{b}{2a} = \\tfrac32$",
                                  ", which one can verify at $x = 1$: $f(1) = 2$"])
def test_a_value_attained_somewhere_is_the_extremum_not_the_place(tail):
    completion = f"Completing the square gives the vertex.\n\nTherefore, the maximum value is $\\tfrac94$, attained at $x = \\tfrac32${tail}."
    assert graded("\\frac{9}{4}", completion) is True
    assert graded("\\frac{3}{2}", completion) is False
    assert graded("\\frac{9}{4}", "The maximum is $\\tfrac94$, attained at $x = 5$, but that is outside the domain.") is False


# Review 16 (a skeptic's 270 probes against this session's first changes): the edges each new reading must keep.
@pytest.mark.parametrize("tail", ["which does not satisfy the equation", "which fails when x = 1",
                                  "which contradicts f(1) = 2", "which we still need to verify",
                                  "which I am not sure about", "as we suspected, but this contradicts g(1) = 2"])
def test_a_closing_formula_its_remark_doubts_is_not_the_answer(tail):
    assert graded("f(x) = x^2 + 1", f"Try a quadratic.\nSo f(x) = x^2 + 1, {tail}.") is False


@pytest.mark.parametrize("text, gold, expected", [
    ("The area is $x^2 + 1$ square units.¹\n\n¹ Using the formula.", "x + 1", False),
    ("So the area is 25 m².\n\n² See the figure: 3 + 4.", "25 m", False),
    ("So the answer is $2^3$.¹\n\n¹ Trivially.", "2", False),
    ("The answer is 9.¹\n\n¹ Correction: the correct answer is 8.", "8", True),
    ("The answer is 12.\n\n† Final answer: 96", "12", False),
    ("The answer is 2.\n\n† Note: the answer 2 above is wrong; it should be 4.", "4", True),
    ("Steps:\n[1] add the parts\n[2] subtract the rest\n[3] Answer: 42", "42", True)])
def test_footnotes_keep_exponents_and_corrections(text, gold, expected):
    assert graded(gold, text) is expected


@pytest.mark.parametrize("closing", ["The latter one doesn't work when checked.", "Hmm, I am unsure whether both satisfy it.",
                                     "These never satisfy the equation when checked.", "Checking shows both are extraneous.",
                                     "Verification shows these are invalid."])
def test_a_line_after_listed_solutions_that_doubts_them_confirms_nothing(closing):
    completion = f"Splitting on f(0) yields exactly two functions:\n\n- f(x) = x\n- f(x) = 2 − x\n\n{closing}"
    assert graded("f(x) = x \\text{ and } f(x) = 2 - x", completion) is False


def test_listed_solutions_include_a_constant_function():
    completion = "Comparing degrees, f is 0 or quadratic.\n\nAll solutions:\n- f(x) = 0\n- f(x) = x^2\n\nBoth work."
    assert graded("f(x)=x^2", completion) is False
    assert graded("f(x) = 0, f(x) = x^2", completion) is True


@pytest.mark.parametrize("check, gold", [
    ("5 items at \\$6 gives a total of $\\boxed{30}$ dollars, which matches the given total.", "6"),
    ("the total is $5 \\times 6$, i.e. $\\boxed{30}$ ✓", "6"), ("the total is $\\boxed{30}$, as given. ✓", "6"),
    ("Substituting, the left side becomes $\\boxed{11}$ and the right side is also 11. ✓", "6"),
    ("$2 \\cdot 6 + 3 = 15$, but we need 17, so $x = \\boxed{7}$ instead.", "7"),
    ("$2(6)+3 = 15 \\neq 17$. Oops. Redo: $2x = 14$, $x = \\boxed{7}$.", "7"),
    ("Recomputing carefully: $17 - 2\\cdot 6 = \\boxed{5}$. I made an error above; the correct value is 5.", "5")])
def test_a_checks_box_is_the_answer_only_when_the_check_corrects(check, gold):
    completion = f"Solving, the value is $\\boxed{{6}}$.\n\n**Verification:** {check}"
    assert graded(gold, completion) is True
    assert graded("30" if gold == "6" else "6", completion) is False


@pytest.mark.parametrize("text, gold, expected", [
    ("The answer is $7$ and $m$ divides it.", "7", True), ("The answer is $7$, $m$ being the modulus.", "7", True),
    ("The answer is $12$, and $n$ is even.", "12", True),
    ("So $n = 7$ is the number of terms, and the sum is $7 \\cdot 11 = 77$.", "7", False),
    ("Testing small primes: p = 2 and p = 3 fail.\nSo far, $p = 5$ is the only prime we have not ruled out yet, so we "
     "need more work.", "5", False),
    ("The ticket costs \\$50 split four ways, 50/4 = 12.504.\n\nThe answer is 12.504.", "12.50", False),
    ("Using Bragg's law.\n\nThe answer is 1.23 pm.", "1.23 Å", False),
    ("Using Bragg's law.\n\nThe answer is 123 pm.", "1.23 Å", True)])
def test_review_16_edges(text, gold, expected):
    assert graded(gold, text) is expected


@pytest.mark.parametrize("text, gold, expected", [
    ("So $CE = 107 - 3 = 104$.\n\n$\\therefore CE = 104$", "104", True), ("∴ CE = 104", "104", True),
    ("$\\therefore CE = 105$", "104", False),
    ("Since $f(-x) = -f(x)$ for all $x \\neq 0$, the function is **Odd**.", "\\text{odd}", True),
    ("Since $f(-x) = -f(x)$ for all $x \\neq 0$, the function is **Odd**.", "\\text{even}", False),
    ("Since the sum is 12, the minimum is 3 and the maximum is **5**.", "5", False)])
def test_a_therefore_sign_and_a_bold_word_after_a_reason(text, gold, expected):
    assert graded(gold, text) is expected
