"""How the ExPO regime's small models close: a self-explanation that opens on the hinted answer and derives it
("The answer is 72. Here is how to get it. ... So Natalia sold 72 clips."), an answer before a question or turn the
model invents ("Human: ...", "Question: ..."), a closing paragraph after a check ("The remainder is $2$."), a value
in words after digits ("... of 1407 and 903 is twenty-one."), and a plain pair holding pi ("(3, π/2)")."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@settings(max_examples=50, deadline=None)
@given(st.integers(20, 900), st.integers(1, 19), st.sampled_from([
    "So Natalia sold {v} clips altogether.", "The average guess is {v}.", "Therefore the total is {v} dollars. ✓",
    "So she started with {v} vacuum cleaners.<|im_end|>"]))
def test_a_self_explanation_that_derives_its_hint_keeps_it(total, part, closing):
    completion = (f"The answer is {total}. Here is how to get it.\n\nIn May she sold {part} clips, so {total} - {part} = "
                  f"{total - part} in April.\n\n" + closing.format(v=total))
    assert graded(str(total), completion) is True
    assert graded(str(total - part), completion) is False


@pytest.mark.parametrize("closing, expected", [
    ("So she sold 70 clips altogether.", False),  # the derivation reaches another value: no answer
    ("Actually, so she sold 72 clips.", True)])
def test_a_self_explanation_that_reaches_another_value_is_no_answer(closing, expected):
    completion = "The answer is 72. Here is how to get it.\n\n48 / 2 = 24, and 48 + 22 = 70.\n\n" + closing
    assert graded("72", completion) is expected


_INVENTED = ["Question: A train travels 270 miles at 90 mph. How long does the trip take?\nAnswer: 3 hours",
             "Human: Now find the area of the triangle.\nAssistant: The area is (1/2)(6)(8) = 24 square units.",
             "Human: Thanks! Can you also tell me how much she would pay for 5 boxes?"]


@pytest.mark.parametrize("invented", _INVENTED)
@pytest.mark.parametrize("closing, gold, expected", [
    ("The hypotenuse is 10 units long.", "10", True),
    ("The hypotenuse is 10 units long.", "24", False),
    ("Answer: 10", "10", True),
    ("So 36 + 64 = 100.", "100", False),  # a computation, no statement: what it answers is unknown
    ("It might be 10 units long.", "10", False)])
def test_the_answer_before_an_invented_question_or_turn(invented, closing, gold, expected):
    completion = "By the Pythagorean theorem, c^2 = 6^2 + 8^2 = 36 + 64 = 100, so c = 10.\n" + closing + "\n\n" + invented
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("closing, gold, expected", [
    ("The remainder is $2$.", "2", True),
    ("The remainder is $2$.", "146", False),
    ("The remainder is 2.", "1024", False)])
def test_a_closing_paragraph_after_a_check(closing, gold, expected):
    completion = ("Note $2^3 = 8 \\equiv 1 \\pmod 7$.\nThen $2^{10} \\equiv 2 \\pmod 7$.\nCheck: $2^{10} = 1024 = 7 \\cdot 146"
                  " + 2$.\n\n" + closing)
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("closing, gold, expected", [
    ("The greatest common divisor of 1407 and 903 is twenty-one.", "21", True),
    ("The greatest common divisor of 1407 and 903 is twenty-one.", "903", False),
    ("The probability for 3 dice is two thirds.", "\\frac{2}{3}", True),
    ("The greatest common divisor of 1407 and 903 is not twenty-one.", "21", False)])
def test_a_value_in_words_after_digits(closing, gold, expected):
    assert graded(gold, "We use the Euclidean algorithm.\n\n" + closing) is expected


@pytest.mark.parametrize("pair, expected", [("(3, π/2)", True), ("(3, pi/2)", True), ("(π/2, 3)", False),
                                            ("(3, π/3)", False), ("(-3, π/2)", False)])
def test_a_plain_pair_holding_pi(pair, expected):
    completion = "The point (0, 3) is on the positive y-axis, so r = 3.\n\nSo the polar coordinates are " + pair + "."
    assert graded("\\left( 3, \\frac{\\pi}{2} \\right)", completion) is expected


@pytest.mark.parametrize("after, expected", [
    ("So the smallest positive integer is $n = 3$.<|im_end|>", True),
    ("Ducks are known for being great swimmers and can live for up to 10 years.", True),  # a remark, not a conclusion
    ("Note: the domain is an interval of length 5.", True),
    ("The answer $3$ is confirmed.", True),
    ("So the smallest positive integer is $n = 5$.", False)])
def test_what_follows_an_answer_on_later_lines(after, expected):
    completion = "We need $3n \\equiv 2 \\pmod 7$; $n = 3$ gives $9 \\equiv 2$.\nThe answer is: 3.\n" + after
    assert graded("3", completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("6 × 7 = 42 pencils.\nAnswer: 42\n\nFollow-up question: If Mia buys twice as many boxes?\n14 × 6 = 84.\nAnswer: 84",
     "42", True),
    ("6 × 7 = 42 pencils.\nAnswer: 42\n\nFollow-up question: If Mia buys twice as many boxes?\n14 × 6 = 84.\nAnswer: 84",
     "84", False),
    ("36 + x = 3(8 + x)\n12 = 2x\nx = 6\n6", "6", True),
    ("36 + x = 3(8 + x)\nx = 5\n6", "6", False),
    ("The correct answer is $\\sqrt{5}$. Here is the reasoning.\n\n$|z| = \\sqrt{1 + 4}$.\n\nSo |z| = √5", "\\sqrt{5}", True),
    ("The correct answer is $\\sqrt{5}$. Here is the reasoning.\n\n$|z| = \\sqrt{1 + 9}$.\n\nSo |z| = √10", "\\sqrt{5}", False)])
def test_follow_up_blocks_restated_lines_and_radicals_after_the_hint(completion, gold, expected):
    assert graded(gold, completion) is expected
