"""Olympiad answer forms session 16's unseen sets found read wrong: a condition stated with "iff", residues joined
by "or", a "Solutions:" heading, named tuple lists after a leading clause, "±" inside tuples, "\\log" for the natural
logarithm beside a gold in "\\ln", and a limit or sum closed by a note."""

import pytest

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("completion, gold, expected", [
    ("**Answer:** such a partition exists iff $n = 4k$ or $n = 4k-1$ for some positive integer $k$.",
     "n \\equiv 0 \\text{ or } 3 \\pmod 4", True),
    ("**Answer:** such a partition exists iff $n = 4k$ or $n = 4k+1$ for some positive integer $k$.",
     "n \\equiv 0 \\text{ or } 3 \\pmod 4", False),
    ("**Final answer:** the minimum value is $\\dfrac32$, achieved exactly when $a=b=c$.", "\\frac{3}{2}", True),
    ("**Answer:** it works iff $n$ is odd or maybe $n = 4$.", "n \\text{ odd}", False)])
def test_a_condition_stated_with_iff(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("answer, gold, expected", [
    ("exactly the $n$ with $n\\equiv 1$ or $n \\equiv 2 \\pmod 3$", "n \\not\\equiv 0 \\pmod 3", True),
    ("all $n$ with $n\\equiv 0$ or $n\\equiv -1 \\pmod 4$", "n \\equiv 0 \\text{ or } 3 \\pmod{4}", True),
    ("n ≡ 0 or n ≡ 1 mod 4", "n \\equiv 0 \\text{ or } 3 \\pmod{4}", False)])
def test_residues_joined_by_or(answer, gold, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("Cases done.\n\n**Solutions:**\n- $(a, b, p) = (3, 4, 3)$\n- $(a, b, p) = (2, 2, 2)$", "(a,b,p)=(2,2,2),(3,4,3)", True),
    ("Cases done.\n\n**Solutions:**\n- $(a, b, p) = (3, 4, 3)$\n- $(a, b, p) = (2, 2, 2)$", "(a,b,p)=(2,2,2)", False),
    ("Adding the symmetric pairs, the solutions are\n$$(m,n) = (1,2),(2,1),(1,3).$$", "(1,2),(1,3),(2,1)", True),
    ("If $n$ is odd, the solutions are $(1,2)$ and $(3,4)$.", "(1,2),(3,4)", False),
    ("Therefore the integer solutions are $(x, y) = (0, \\pm 2)$ and $(4, \\pm 23)$.",
     "(x,y)=(0,2),(0,-2),(4,23),(4,-23)", True),
    ("Therefore the integer solutions are $(x, y) = (0, \\pm 2)$ and $(4, 23)$.",
     "(x,y)=(0,2),(0,-2),(4,23),(4,-23)", False)])
def test_listed_tuples(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\frac{\\pi \\ln 2}{8}", "I=\\frac{\\pi}{8}\\log 2", True), ("\\ln 2", "\\log 2", True), ("\\ln 2", "\\log 3", False),
    ("\\ln 2", "\\log_{10} 2", False), ("\\log 2", "\\ln 2", False),  # a bare \\log gold may be base ten
    ("15", "\\sum_{k=1}^5 k = 15 \\quad (n = 5)", True), ("5", "\\sum_{k=1}^5 k = 15 \\quad (n = 5)", False),
    ("0", "\\lim_{x\\to 1} (x-1) = 0 \\text{ at } x = 1", True)])
def test_natural_logarithms_and_closing_notes(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected
