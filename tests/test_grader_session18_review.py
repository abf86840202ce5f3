"""False positives an independent review found in session 18's new readers, pinned: an infinity that is doubted,
negated or follows a value already concluded; a value in words in a clause of its own; a statement before an
invented question that hedges, negates or only plans; a pair under a hedge or a denial; a denied value after a
hedged or subordinate one; a closing after a check that names another quantity; a product of vectors in the other
order; y against its derivative; a self-explanation's closing that denies its value or states a fraction."""

import pytest

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("completion", [
    "It is wrong to say that the limit is infinity.",
    "So the limit is 0.\nThe limit of the denominator is infinity.",
    "We compare.\n\nThe limit is zero, and the sum is infinity.",
    "It seems the limit is infinity.",
    "We compare.\n\nIt remains to show that the limit is infinity."])
def test_an_infinity_doubted_or_after_a_concluded_value_is_no_answer(completion):
    assert graded("\\infty", completion) is False


@pytest.mark.parametrize("closing, gold", [
    ("The GCD is 7, and the product of 7 and 3 is twenty-one.", "21"),
    ("So x equals 12, because the remainder is zero.", "0"),
    ("It is wrong that the GCD of 1407 and 903 was twenty-one.", "21")])
def test_a_value_in_words_outside_the_concluding_clause(closing, gold):
    assert graded(gold, "We use the Euclidean algorithm.\n\n" + closing) is False


_QUESTION = "\n\nQuestion: A train travels 60 miles per hour for 3 hours. How far does it go?\nAnswer: 180 miles."


@pytest.mark.parametrize("statement", [
    "Then multiply the 60 apples by the price.", "He wants to buy 60 apples in total.", "Tom never had 60 apples.",
    "I wonder whether Tom has 60 apples.", "Tom unlikely has 60 apples.", "Tom has 60 apples or more.",
    "Tom has nearly 60 apples."])
def test_a_statement_before_an_invented_question_that_states_no_result(statement):
    assert graded("60", "5 boxes of 12 apples.\n" + statement + _QUESTION) is False


def test_a_result_before_an_invented_question():
    assert graded("60", "5 boxes of 12 apples, 5 * 12 = 60.\nTom has 60 apples." + _QUESTION) is True


@pytest.mark.parametrize("closing", ["Maybe the point is (3, π/2).", "It is false that the point is (3, π/2).",
                                     "Suppose the point is (3, π/2)."])
def test_a_pair_under_a_hedge_or_denial(closing):
    assert graded("\\left( 3, \\frac{\\pi}{2} \\right)", "r = sqrt(0 + 9) = 3.\n\n" + closing) is False


@pytest.mark.parametrize("closing", ["We get 9 as the sum because the middle term is 7, not 5.",
                                     "The value could be 7, not 5.", "The sum is 7 when n is odd, not 5.",
                                     "The sum is 7, but not 7 exactly."])
def test_a_denied_value_after_a_hedged_or_subordinate_one(closing):
    assert graded("7", "We add the terms one by one.\n\n" + closing) is False


def test_a_closing_after_a_check_that_names_another_quantity():
    completion = "Divide: 47 = 5 * 9 + 2, so the remainder is 2.\n\nCheck: 5 * 9 = 45 and 45 + 2 = 47.\n\nThe divisor is $9$."
    assert graded("9", completion) is False
    assert graded("2", completion) is True


@pytest.mark.parametrize("answer, expected", [("\\mathbf a \\times \\mathbf b = (-3, 6, -3)", True),
                                              ("\\mathbf b \\times \\mathbf a = (-3, 6, -3)", False)])
def test_a_product_of_vectors_in_its_order(answer, expected):
    assert verify_one("(-3, 6, -3)", answer)[0] is expected


@pytest.mark.parametrize("gold", ["\\frac{dy}{dx} = 2x", "y' = 2x", "dy/dx = 2x"])
def test_y_is_not_its_derivative(gold):
    assert verify_one(gold, "y = 2x")[0] is False
    assert verify_one(gold, "y' = 2x")[0] is True


@pytest.mark.parametrize("closing, gold, expected", [
    ("So the total is not 72.", "72", False),
    ("So she is 2 clips short of 72.", "72", False),
    ("So the probability is 3/4.", "\\frac{3}{4}", True),
    ("So the probability is 3/4.", "4", False)])
def test_a_self_explanation_closing_that_denies_or_states_a_fraction(closing, gold, expected):
    hint = gold if gold != "\\frac{3}{4}" else "3/4"
    completion = f"The answer is {hint}. Here is how to get it.\n\nWe count the cases one by one.\n\n{closing}"
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("closing", ["The limit is not $\\infty$.", "It does not go to $\\infty$.",
                                     "It never goes to $\\infty$.", "The limit probably is $\\infty$.",
                                     "The limit, if it exists, is $\\infty$.", "It tends to $\\infty$?",
                                     "The limit from the left is $-\\infty$ and from the right it is $\\infty$."])
def test_a_closing_infinity_negated_or_hedged(closing):
    assert graded("\\infty", "We examine the behaviour of the expression as n grows.\n\n" + closing) is False


@pytest.mark.parametrize("closing", ["The limit isn't $\\frac{1}{2}$.", "The limit is no longer $\\frac{1}{2}$."])
def test_a_closing_that_denies_its_value_in_other_words(closing):
    assert graded("\\frac{1}{2}", "We simplify the expression carefully.\n\n" + closing) is False


def test_the_denied_value_keeps_its_sign():
    completion = "We add the terms one by one and simplify.\n\nThe sum is $7$, not $-7$."
    assert graded("-7", completion) is False
    assert graded("7", completion) is True


@pytest.mark.parametrize("closing, expected", [
    ("So she did not sell 72 clips.", False), ("So it cannot be 72 clips.", False),
    ("So she sold fewer than 72 clips.", False), ("So the hint of 72 clips is off.", False),
    ("So is it 72 clips?", False), ("So she maybe sold 72 clips.", False),
    ("She sold 72 clips altogether. ✓", True), ("Double-check: 48 + 24 = 72. Yes, 72 is correct.", True)])
def test_a_self_explanation_that_doubts_its_hint_states_no_answer(closing, expected):
    completion = "The answer is 72. Here is how to get it.\nShe sold 48 in April and 24 in May.\n" + closing
    assert graded("72", completion) is expected
