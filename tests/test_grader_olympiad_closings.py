"""Olympiad closings a solution set is stated in: tuples under a subject that qualifies them ("the pairs of distinct
positive integers are (2, 4) and (4, 2)"), a closing line of function formulas alone (bold, after "i.e."). Each
against its near misses: a subject that does not state solutions, a missing or extra member."""

import pytest

from expo_data.verify import extract_answer, verify_one

_WORK = "Write $y=x+k$ with $k>0$. From $x^{y}=y^{x}$ we get $x<e$, so $x\\in\\{1,2\\}$, and $x=2$ gives $y=4$.\n\n"


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("subject", [
    "So the pairs of distinct positive integers are", "Hence the solutions in positive integers are",
    "Therefore all ordered pairs of integers are", "The triples of primes are"])
def test_tuples_under_a_qualified_subject_are_the_solutions(subject):
    completion = _WORK + f"{subject} $(2,4)$ and $(4,2)$."
    assert graded("$(x,y)=(2,4)$ and $(4,2)$", completion)
    assert not graded("$(x,y)=(2,4)$", completion)
    assert not graded("$(x,y)=(2,4)$, $(4,2)$ and $(1,1)$", completion)


@pytest.mark.parametrize("subject", ["So the pairs of candidates are", "Suppose the pairs of integers are",
                                     "The pairs of integers that fail are"])
def test_tuples_under_a_subject_that_states_no_solutions(subject):
    assert not graded("$(x,y)=(2,4)$ and $(4,2)$", _WORK + f"{subject} $(2,4)$ and $(4,2)$.")


@pytest.mark.parametrize("closing", ["**$f(x)=x$ for all $x$, or $f(x)=-x$ for all $x$.**",
                                     "$f(x)=x$ or $f(x)=-x$.", "**$f(x)=x$ and $f(x)=-x$**"])
def test_a_closing_line_of_function_formulas_after_the_parameters(closing):
    completion = ("Writing $f(x)=px+q$ gives $p^2=1$ and $q=0$.\n\nThus $p=1$ or $p=-1$, i.e.\n" + closing)
    assert graded("f(x)=x \\text{ and } f(x)=-x", completion)
    assert not graded("f(x)=x", completion)
    assert not graded("f(x)=x \\text{ and } f(x)=-x \\text{ and } f(x)=0", completion)
