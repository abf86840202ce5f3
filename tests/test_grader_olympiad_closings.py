"""Olympiad closings session 17 found read wrong: a solution set after a label ("All such $n$: $n \\in \\{1,3\\}$"),
a general answer checked at one instance after it, tuple sets in set braces or joined by "or", "the only polynomial
is the identity", and existence verdicts ("such a sequence cannot exist", "such an $n$ exists") against Yes/No."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("completion, gold, expected", [
    ("Small cases: $n=1$ works, $n=2$ fails, $n=3$ works.\n\nAll such $n$: $n \\in \\{1, 3\\}$.", "n = 1, 3", True),
    ("Small cases: $n=1$ works, $n=3$ works.\n\nAll such $n$: $n \\in \\{1, 3, 5\\}$.", "n = 1, 3", False),
    ("So the count is\n$$\\frac{2^n}{2}$$.\nFor $n = 3$ that's 4, matching the enumeration.", "2^{n-1}", True),
    ("So the count is $2^n$. For example, for $n=3$ this gives 8.", "2^{n-1}", False),
    ("Hence the number is $\\binom{n}{2}$. Check: for $n=4$ we get 6, as enumerated.", "\\frac{n(n-1)}{2}", True),
    # no word makes it a check: the instance may be what was asked
    ("The general formula is $f(n) = 2^n - 1$. For $n = 3$, that is 7.", "7", True)])
def test_a_labelled_solution_set_and_an_instance_check(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Analysing the factor one finds only $x=0$ and $x=4$.\n\nThe integer solutions are "
     "$(x,y)\\in\\{(0,\\pm 2),\\,(4,\\pm 23)\\}$.", "$(0,2),(0,-2),(4,23),(4,-23)$", True),
    ("The integer solutions are $(x,y)\\in\\{(0,\\pm 2),\\,(4, 23)\\}$.", "$(0,2),(0,-2),(4,23),(4,-23)$", False),
    ("One of them is 2, and $p = 3$ is forced.\n\nHence $(p,q)=(3,2)$ or $(2,3)$.", "$(2,3),(3,2)$", True),
    ("One of them is 2.\n\nHence $(p,q)=(3,2)$ or $(2,5)$.", "$(2,3),(3,2)$", False),
    ("Listing all, including swaps:\n$$\\{(2,2),\\,(1,2),(2,1),\\,(1,3),(3,1)\\}.$$", "(1,2),(1,3),(2,1),(3,1),(2,2)", True),
    ("Listing all:\n$$\\{(2,2),\\,(1,2),(2,1),\\,(1,3)\\}.$$", "(1,2),(1,3),(2,1),(3,1),(2,2)", False),
    ("Checking pairs, $(1,2)$ and $(2,3)$.", "(1,2),(2,3)", False)])
def test_tuple_sets_in_braces_or_joined_by_or(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("A polynomial agreeing with $x$ at infinitely many points equals $x$.\n\n"
     "The only polynomial is the identity: $P(x) = x$.", "$P(x)=x$", True),
    ("Combined with $f(n) \\ge n$:\n\n**The only function is the identity on $\\mathbb N$.**", "$f(n)=n$", True),
    ("**The only function is the identity on $\\mathbb N$.**", "$f(n)=n+1$", False),
    ("We show the identity is not the only function. The only function is not the identity.", "$f(n)=n$", False)])
def test_the_identity_in_words(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("By Cauchy-Schwarz, $9 \\le 8$. Contradiction.\n\nHence such a sequence cannot exist.", "No", True),
    ("By Cauchy-Schwarz, $9 \\le 8$. Contradiction.\n\nHence such a sequence cannot exist.", "Yes", False),
    ("Therefore no such sequence exists.", "No", True),
    ("Repeating, we obtain the required number... so the answer is affirmative: **such an $n$ exists.**", "Yes", True),
    ("Repeating, we obtain the required number... so the answer is affirmative: **such an $n$ exists.**", "No", False),
    ("If $k$ is odd: such an $n$ exists.", "Yes", False),
    ("Suppose such an $n$ exists.", "Yes", False),
    ("Therefore $2^n+1$ is never divisible by $7$:\n$$\\boxed{\\text{no positive integer } n}$$", "No such $n$ exists", True),
    ("Therefore:\n$$\\boxed{\\text{no positive integer } n > 5}$$", "No such $n$ exists", False)])
def test_existence_verdicts(completion, gold, expected):
    assert graded(gold, completion) is expected


_OBJECTS = st.sampled_from(["sequence", "function", "polynomial", "n", "$n$", "triangle", "pair", "coloring"])


@settings(max_examples=60, deadline=None)
@given(_OBJECTS, st.sampled_from(["Hence", "Therefore", "So", "Thus"]), st.booleans())
def test_an_existence_verdict_agrees_with_yes_or_no_only(noun, lead, exists):
    """Whatever the object and the lead word, "such a X exists" is Yes and never No, "such a X cannot exist" the
    reverse."""
    sentence = f"{lead} such a {noun} {'exists' if exists else 'cannot exist'}."
    assert graded("Yes", sentence) is exists
    assert graded("No", sentence) is (not exists)
