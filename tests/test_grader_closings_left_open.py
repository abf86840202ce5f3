"""Closings that state no answer though they hold one, found by session 17's review of its own new readers: a
label that leaves the value open ("Candidates to check:", "Excluded:", "Hypothesis:"), a set under another
subject ("The excluded values are", "Its complement is"), an existence claim without a conclusion, the identity
with more after it, counts in words that are no count, a bold name under a supposition, a display of tuples under
a heading that rejects them, and a check at one instance that refutes the general answer."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one

WORK = "We test small cases and use the factorization.\n\n"


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


_OPEN_LABELS = ["Candidates to check", "Excluded", "Counterexamples", "Values that fail", "Non-solutions",
                "Tentatively", "Unverified", "Cases still to check", "Bad values", "Failing $n$", "Hypothesis",
                "Partial list of such $n$", "Small solutions found so far"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_OPEN_LABELS), st.sampled_from(["$n \\in \\{1, 3\\}$", "$n = 1, 3$", "$\\{1, 3\\}$"]))
def test_a_label_that_leaves_the_value_open_states_no_answer(label, value):
    assert graded("n = 1, 3", f"{WORK}{label}: {value}.") is False


@pytest.mark.parametrize("completion, expected", [
    (WORK + "All such $n$: $n \\in \\{1, 3\\}$.", True),
    (WORK + "It remains to check $n \\in \\{1, 3\\}$.", False),
    (WORK + "Suppose $n \\in \\{1, 3\\}$.", False)])
def test_membership_stated_or_left_open(completion, expected):
    assert graded("n = 1, 3", completion) is expected


@pytest.mark.parametrize("completion, gold", [
    ("A tempting mistake is x ∈ (2, 12) ∪ (12, 102).", "(2,12) \\cup (12,102)"),
    ("Recall the domain: x ∈ (2, 12) ∪ (12, 102).", "(2,12) \\cup (12,102)"),
    ("The excluded region is x ∈ (2, 12) ∪ (12, 102).", "(2,12) \\cup (12,102)"),
    ("Its complement is x ∈ (−∞, −2) ∪ (7, ∞).", "(-\\infty,-2)\\cup(7,\\infty)"),
    ("Case 1: −2 ≤ x ≤ 7.", "x \\in [-2,7]"),
    ("The inequality fails when: −2 ≤ x ≤ 7.", "x \\in [-2,7]"),
    ("The complement of the solution set is −2 ≤ x ≤ 7.", "x \\in [-2,7]"),
    ("Extraneous roots: x ∈ {−2, −1, 1, 2}.", "\\pm1, \\pm2"),
    ("The set of excluded values is {−2, −1, 1, 2}.", "\\pm1, \\pm2"),
    ("The solution set of the first equation is {1, 2}.", "\\{1,2\\}"),
    ("Hence the set of extraneous roots is ∅.", "\\text{no solution}"),
    ("In case 1, the solutions are $(1,1)$ and $(2,3)$.", "(1,1),(2,3)"),
    ("These pairs fail:\n$$(1,2),\\ (2,1)$$", "$(1,2),(2,1)$"),
    ("$$(1,2),\\ (2,1).$$", "$(1,2),(2,1)$")])
def test_a_set_under_another_subject_is_no_answer(completion, gold):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("completion, gold", [
    ("Goal: such an $n$ exists.", "Yes"), ("Conjecture: such a sequence exists.", "Yes"),
    ("Case 2 ($k$ odd): such an $n$ exists.", "Yes"), ("Hypothesis: such a sequence cannot exist.", "No"),
    ("To prove: such a sequence cannot exist.", "No"),
    ("$$\\boxed{\\text{no odd integer } n}$$", "No such $n$ exists"),
    ("The only function is the identity plus a constant.", "f(x)=x"),
    ("The only such function is the identity, up to adding any constant $c$.", "f(x)=x"),
    ("It is false that the only function is the identity.", "f(x)=x"),
    ("If $f$ is additive, the only function is the identity.", "f(x)=x"),
    ("The only solution is the identity or the zero function.", "f(x)=x"),
    ("Hence $g$ is the identity on the odd integers.", "f(x)=x"),
    ("So the total is forty-two hundred pages.", "42"), ("So Maria finished in forty-second place.", "40"),
    ("So the meeting is on the twenty-third.", "20"), ("So forty-two is impossible.", "42"),
    ("So forty-two pages remain, and she reads half of them tomorrow.", "42"),
    ("The 284th day of 2003 fell on a Saturday. If 2003 were a leap year, it would be a **Sunday**.", "\\text{Sunday}"),
    ("Bob scores 12 and Carol 15; my first guess was **Alice**.", "\\text{Alice}"),
    ("So the count is $2^{n}$. For $n=3$ that's 8, not matching the 4 we enumerated.", "2^{n}"),
    ("The roots are π/6, −π/6", "-\\frac{\\pi}{6}")])
def test_claims_without_a_conclusion_stay_wrong(completion, gold):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("completion, gold", [
    ("In general the count is $2^{n-1}$. For $n = 10$ that's 512, matching the formula.", "512"),
    ("In general $f(x) = x^2 + 1$. At $x = 3$ this gives 10, as expected.", "10"),
    ("By Cauchy-Schwarz, $9 \\le 8$, a contradiction.\n\nHence such a sequence cannot exist.", "No"),
    ("The only polynomial is the identity on $\\mathbb{R}$.", "P(x)=x")])
def test_the_asked_instance_and_concluded_claims_stay_right(completion, gold):
    assert graded(gold, completion) is True


@pytest.mark.parametrize("completion", [
    "We list all pairs found by the search.\n\n$$" + ", ".join(f"({i}, {i + 1})" for i in range(1, 41)) + ", \\ldots$$",
    "So the solutions are " + ", ".join(["(1, 2)"] * 40) + " maybe",
    "Hence $(a,b) = " + ", ".join(f"({i}, {i + 1})" for i in range(1, 41)) + "$, etc."])
def test_a_long_line_of_tuples_that_is_no_list_is_read_at_once(completion):
    """Each gap between tuples has one quantifier: a line of forty tuples that fails to be a list of solutions is
    turned down at once (two quantifiers per gap once made this exponential: 20 s at 24 tuples)."""
    assert extract_answer(completion)[0] is None


@pytest.mark.parametrize("completion, gold, expected", [
    ("Since xy = 2, the factor pairs are 1·2 and 2·1.\n\nDiscarding (0, 0), the solutions are (1, 2) and (2, 1).", "(1,2),(2,1)", True),
    ("Since xy = 2, the factor pairs are 1·2 and 2·1.\n\nApart from (0, 0), the solutions are (1, 2) and (2, 1).", "(1,2),(2,1)", False),
    ("Since xy = 2, the factor pairs are 1·2 and 2·1.\n\nApart from (0, 0), the solutions are (1, 2) and (2, 1).",
     "(0,0),(1,2),(2,1)", True),
    ("Now plug in each of the following:\n$$(1,2),\\ (2,1)$$", "(1,2),(2,1)", False),
    ("Pairs to test:\n$$(1,2),\\ (2,1)$$", "(1,2),(2,1)", False),
    ("So the inequality is violated exactly when x < −2 or x > 3.", "(-\\infty,-2)\\cup(3,\\infty)", False),
    ("The temperature drops 20 degrees from 8.\n\nSo the final temperature is negative twelve degrees.", "12", False),
    ("So the answer is eleven twelfths.", "11", False), ("So the answer is twelve hundredths.", "12", False),
    ("The side is 12.\n\nSo the area is the square of twelve.", "12", False),
    ("So she bought three dozen eggs.", "36", True), ("So she bought three dozen eggs.", "3", False),
    ("Day 98 after a Sunday.\n\nA common mistake after 98 days is to answer **Monday**.", "\\text{Monday}", False),
    ("She paid $10 and the cost was $4.74.\n\n**Change:**\n- $5.26", "5.26", True),
    ("She paid $10 and the cost was $4.74.\n\n**Change:**\n- $5.26", "-5.26", False),
    ("q = mcΔT = 2 × 4.186 × 10.\n\nThe energy is $q = 83.7$ J of heat.", "83.7 \\text{ kJ}", False),
    ("We need n² ≡ 1 (mod 8) and n ≤ 4.\n\nStill need to verify $n \\in \\{1, 3\\}$.", "\\{1,3\\}", False),
    ("We need n² ≡ 1 (mod 8) and n ≤ 4.\n\nNow verify: $n \\in \\{1, 3\\}$.", "\\{1,3\\}", False),
    ("We need n² ≡ 1 (mod 8) and n ≤ 4.\n\nTest: $n = 3$.", "3", False)])
def test_the_second_reviews_near_misses(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Counting the faces: $\\boxed{6}$.\n\nThough if the bottom face counts separately it might be 7.", "6", False),
    ("The answer is 6. However, with replacement it could be 9.", "6", False),
    ("The answer is 6. However, with replacement it could be 9.", "9", False),
    ("So $\\boxed{6}$.\n\nIf she had bought 2 more it would be 8.", "6", True)])
def test_a_value_offered_after_the_answer_leaves_it_undecided(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("answer, expected", [("no such sequence exists", True), ("no such $n$", True),
                                              ("no such odd n", False), ("no such even integer", False),
                                              ("no such even integer exists", False), ("no odd n works", False)])
def test_none_exists_without_a_restricting_word(answer, expected):
    assert verify_one("No such $n$ exists", answer)[0] is expected
