"""Lists of functions, as functional-equation answers give them (verify/function_lists.py): one to one, ± for two,
each item in its own argument, a parameter's range kept; and the extraction of such a list from a closing line."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


GOLD = "$f(x)=0$ and $f(x)=2x+c$ for any integer $c$"


@pytest.mark.parametrize("answer, expected", [
    ("f \\equiv 0, or f(n)=2n+K for some constant K \\in \\mathbb{Z}", True), ("f(x) = 0, f(x)=2x+K", True),
    ("f(n) = 0, f(n) = 2n + K", True), ("f(x) = 0, f(x)=2x+K for some real K", False),
    ("f(x)=2x+K for some constant K \\in \\mathbb{Z}", False), ("f(x) = 0, f(x)=3x+K", False),
    ("f(x) = 0, f(x) = 2x + K, f(x) = x", False)])
def test_a_constant_and_a_family(answer, expected):
    assert verify_one(GOLD, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("$f(x)=0$, $f(x)=x-1$, $f(x)=1-x$", "f \\equiv 0, f(x)=\\pm(x-1)", True),
    ("$f(x)=0$, $f(x)=x-1$, $f(x)=1-x$", "f(x) = 0, f(x)=x-1", False),
    ("f(x) = x+1 \\text{ or } f(x) = -x-1", "f(x) = \\pm x + 1", False),  # the sign where it stands
    ("f(x) = x+1 \\text{ or } f(x) = -x+1", "f(x) = \\pm x + 1", True),
    ("$f(x)=x$ or $f(x)=\\frac{1}{x}$", "f(x)=\\frac1x, f(x)=x", True),
    ("f(x)=0, f(x)=1/2, f(x)=x^2", "f(x)=x^2, f \\equiv 0, f \\equiv \\tfrac12", True),
    ("f(x)=x", "f(x)=x, f(x)=-x", False), ("f(x)=x, f(x)=-x", "f(x) = x for all real x and f(x) = -x for all integers x", False)])
def test_function_lists_pair_off_one_to_one(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@given(a=st.integers(-6, 6), b=st.integers(-6, 6), c=st.integers(-6, 6), letter=st.sampled_from("nxt"),
       order=st.booleans())
@settings(max_examples=40, deadline=None)
def test_a_list_in_any_order_and_argument_is_the_same_and_a_changed_item_is_not(a, b, c, letter, order):
    if len({(a, b), (c, 0)}) < 2:
        return
    gold = f"$f(x)={a}x+{b}$ and $f(x)={c}$"
    items = [f"f({letter})={a}{letter}+{b}", f"f({letter})={c}"]
    answer = ", ".join(items if order else items[::-1])
    assert verify_one(gold, answer)[0] is True
    assert verify_one(gold, f"f({letter})={a}{letter}+{b + 1}, f({letter})={c}")[0] is False
    assert verify_one(gold, items[0])[0] is False


@pytest.mark.parametrize("completion, gold, expected", [
    ("**Answer:** either $f\\equiv 0$, or $f(n)=2n+K$ for some constant $K\\in\\mathbb{Z}$.", GOLD, True),
    ("Hence $f(x)=x$ for all $x$, or $f(x)=-x$ for all $x$. Both satisfy the equation.", "$f(x)=x$ and $f(x)=-x$", True),
    ("Both check out.\n\n## Final Answer\nThe functions are $f(x)=x$ and $f(x)=-x+2$.", "$f(x)=x$, $f(x)=2-x$", True),
    ("The solutions are $f\\equiv 0$ and $f(x)=\\pm(x-1)$.", "$f(x)=0$, $f(x)=x-1$, $f(x)=1-x$", True),
    ("**Answer:** either $f(x)=x$ or maybe $f(x)=2x$.", "f(x)=x", False)])
def test_function_lists_are_read_from_closing_lines(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion", [
    "$5! = 120$.\n\n$\\boxed{120}$ (answer may vary: if the two math books are identical, it would be $60$)",
    "So $n = 30$.\n\n$\\boxed{30}$\n\nLet me check: that doesn't match. Maybe the answer should be 32? I'm not sure which one is correct.",
    "$\\boxed{120}$\n\nHmm, but another formula gives 60. Both methods seem valid, so the answer is either 120 or 60."])
def test_a_box_left_undecided_is_no_answer(completion):
    assert graded("120" if "120" in completion else "30", completion) is False


# Review 16b (a skeptic's 277 probes against the function lists and the undecided boxes).
@pytest.mark.parametrize("completion, expected", [
    ("**Answer:** $f\\equiv 0$ and $f(n)=2n+K$ for some $K\\in\\mathbb{R}$.", False),
    ("**Answer:** $f\\equiv 0$ and $f(n)=2n+K$ for some $K\\in\\mathbb{Z}$.", True),
    ("**Answer:** $f\\equiv 0$ and $f(n)=2n+K$ where $K$ is even.", False),
    ("Therefore the solutions are $f(x)=0$ and $f(x)=2x+c$ for any real $c$.", False),
    ("Therefore the solutions are $f(x)=0$ and $f(x)=2x+c$ for any integer $c$.", True)])
def test_a_stated_parameter_range_is_kept(completion, expected):
    assert graded(GOLD, completion) is expected


@pytest.mark.parametrize("completion, gold", [
    ("Hence $f(x)=x$ for all $x\\ge0$ and $f(x)=-x$ for all $x<0$.", "$f(x)=x$ and $f(x)=-x$"),
    ("Hence $f(x)=x^2$ for all $x\\ge0$ and $f(x)=0$ for all $x<0$.", "$f(x)=x^2$ and $f(x)=0$"),
    ("Thus $f(x) = x$ for all real $x$ and $f(x) = -x$ for all integers $x$.", "$f(x)=x$ and $f(x)=-x$"),
    ("The answer is maybe $f(x)=x$ or $f(x)=-x$.", "$f(x)=x$ and $f(x)=-x$"),
    ("The answer is either $f(x)=x$ or $f(x)=-x$ (only one of them can work).", "$f(x)=x$ and $f(x)=-x$"),
    ("Substituting.\n\n**Answer:** $f(x)=x$, $f(x)=-x$, and $f(x)=0$.", "$f(x)=x$ and $f(x)=-x$")])
def test_pieces_hedges_and_extra_items_are_no_list_of_solutions(completion, gold):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("tail, expected", [
    ("So the answer is either 30 or 32, depending on whether the endpoints count.", False),
    ("I can't decide whether 30 or 32 is right.", False), ("I'm not sure which one is correct: 30 or 32.", False),
    ("I was not sure which one is correct at first, but the check confirms 30.", True),
    ("I can't decide which method is more elegant, but both are valid.", True),
    ("The answer is 30 (or 6 times 5).", True), ("The answer is 30 or 32. After rechecking, it is 30.", True)])
def test_undecided_endings_after_a_box(tail, expected):
    assert graded("30", f"So $n = 30$.\n\n$\\boxed{{30}}$\n\n{tail}") is expected
