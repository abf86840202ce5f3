"""Infinite families as olympiad golds write them (congruences, parametric forms, parity and primality words,
powers, bounds with exceptions, trigonometric solution families), read by `verify/families.py` and compared by
their members. Equal spellings must match, near misses must not, and a line y = 2x + 1 is never read as the odd
numbers."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import verify_one
from expo_data.verify.families import family_verdict

SAME = [
    ("\\text{all positive integers } m \\neq 1", "\\text{all } m \\ge 2"),
    ("\\text{all positive integers } m \\neq 1", "every positive integer $m$ except $m=1$"),
    ("\\text{all positive integers } m \\neq 1", "m\\in\\{2,3,4,\\dots\\}"),
    ("\\text{all odd primes}", "\\text{every prime } p \\ge 3"),
    ("\\text{all odd primes}", "p>2,\\ p \\text{ prime}"),
    ("n = 2^k \\text{ for some integer } k \\ge 0", "n=1,2,4,8,\\dots"),
    ("n = 2^k \\text{ for some integer } k \\ge 0", "n\\in\\{2^k : k\\in\\mathbb{Z}_{\\ge0}\\}"),
    ("n = 2^k, k \\geq 0", "n \\text{ is a power of } 2"),
    ("n \\equiv 0 \\text{ or } 3 \\pmod{4}", "n=4k \\text{ or } n=4k+3"),
    ("n \\equiv 0 \\text{ or } 3 \\pmod{4}", "n\\equiv 0,\\,-1 \\pmod 4"),
    ("n = 6k+1 or n = 6k+5", "n \\equiv \\pm 1 \\pmod 6"),
    ("n \\equiv 0 \\pmod 3", "3 \\mid n"),
    ("k not divisible by 3", "k \\equiv 1, 2 \\pmod 3"),
    ("All odd positive integers $n$", "all $n$ of the form $2k+1$, $k \\geq 0$"),
    ("All even integers $n \\geq 4$", "n \\geq 4,\\ n \\text{ even}"),
    ("$x=\\frac{\\pi}{4}+k\\pi, k \\in \\mathbb{Z}$", "x=\\frac{\\pi}{4}+n\\pi,\\ n\\in\\mathbb{Z}"),
    ("\\theta = 2k\\pi \\pm \\frac{2\\pi}{3}",
     "\\theta = \\frac{2\\pi}{3} + 2k\\pi \\text{ or } \\theta = \\frac{4\\pi}{3} + 2k\\pi"),
    ("x=\\frac{1}{6} \\pi+\\pi k, \\frac{1}{3} \\pi+\\pi k, \\frac{2}{3} \\pi+\\pi k, \\frac{5}{6} \\pi+\\pi k",
     "x=\\pm\\frac{\\pi}{6}+k\\pi,\\ x=\\pm\\frac{\\pi}{3}+k\\pi"),
]

DIFFERENT = [
    ("\\text{all positive integers } m \\neq 1", "m \\ge 3"),
    ("n \\equiv 0 \\pmod 3 \\text{ or } n \\equiv 0 \\pmod 5", "n \\equiv 0 \\pmod{15}"),  # "or" is a union
    ("n \\text{ odd or } n \\ge 10, n \\text{ integer}", "n \\ge 10, n \\text{ odd}"),
    ("\\text{all integers } n \\ge 0", "n \\ge 1"),     # 0 is in the gold: not cut to the positives
    ("\\text{all odd primes}", "all primes"),
    ("n = 2^k \\text{ for some integer } k \\ge 0", "n=2^k,\\ k\\ge 1"),
    ("n = 2^k, k \\geq 0", "n \\text{ is a power of } 4"),
    ("n \\equiv 0 \\text{ or } 3 \\pmod{4}", "n \\equiv 0 \\pmod 4"),
    ("k not divisible by 3", "k \\equiv 1 \\pmod 3"),
    ("n \\equiv 1 \\pmod{4}", "n = 4k + 1,\\ k \\ge 1"),  # 1 is left out
    ("All odd positive integers $n$", "n = 2k-1, k \\ge 0"),  # -1 is put in
    ("$x=\\frac{\\pi}{4}+k\\pi, k \\in \\mathbb{Z}$", "x=\\frac{\\pi}{4}+2k\\pi,\\ k\\in\\mathbb{Z}"),
    ("\\theta = 2k\\pi \\pm \\frac{2\\pi}{3}", "\\theta = \\frac{2\\pi}{3} + 2k\\pi"),
]


@pytest.mark.parametrize("gold,answer", SAME)
def test_a_family_in_another_spelling_is_the_same_family(gold, answer):
    assert family_verdict(gold, answer) is True
    assert verify_one(gold, answer)[0] is True


@pytest.mark.parametrize("gold,answer", DIFFERENT)
def test_a_family_with_other_members_is_wrong(gold, answer):
    assert family_verdict(gold, answer) is False
    assert verify_one(gold, answer)[0] is False


@pytest.mark.parametrize("gold,answer", [
    ("y = 2x + 1", "y = 2x - 1"),   # a line, not the odd numbers
    ("y=-3x+4", "y = 3x + 4"),
    ("x > 2", "x \\ge 3"),          # an interval of reals, not the integers from 3
    ("2n+1", "2m+1"),               # an expression, not the odd numbers
    ("x = 2n+1", "x = 2n-1"),       # a formula in the problem's n
    ("x = n^2", "x = (n+1)^2"),
    ("k \\le 1", "k = 1"),          # a range of reals: no integer is said
    ("p > 1", "p \\ge 2"),
    ("m \\neq 1", "m \\ge 2"),
    ("\\text{all primes}", "n"),
    ("n = 4^k, k \\ge 0", "n = 1, 4, 9, 16, \\dots"),    # the squares are no geometric run: not read
    ("n = 2^k, k \\ge 0", "n = 1, 2, 3, 5, 8, \\dots"),
    ("n = 2^k, k \\ge 0", "n = 2^k, k \\ge 0, k \\le 7"),  # a bounded parameter: finite, not enumerated here
])
def test_lines_intervals_and_expressions_are_no_families(gold, answer):
    assert family_verdict(gold, answer) is None
    assert verify_one(gold, answer)[0] is False


@pytest.mark.parametrize("gold, answer", [("\\text{all odd primes}", "2k+1"), ("\\text{all odd primes}", "p \\text{ odd}"),
                                          ("\\text{all primes } p \\ge 5", "p \\ge 5"), ("\\text{all primes } p > 3", "p > 3")])
def test_an_answer_that_does_not_say_primes_is_no_family_of_primes(gold, answer):
    assert family_verdict(gold, answer) is False  # the answer must say primes itself
    assert verify_one(gold, answer)[0] is False


def _render_congruence(residues, modulus, style):
    joined_or = " \\text{ or } ".join(map(str, residues))
    if style == "congruence":
        return f"n \\equiv {joined_or} \\pmod{{{modulus}}}"
    if style == "plain":
        return f"n ≡ {', '.join(map(str, residues))} (mod {modulus})"
    forms = [f"n = {modulus}k + {r}" if r else f"n = {modulus}k" for r in residues]
    return " \\text{ or } ".join(forms) + ", k \\in \\mathbb{Z}"


@settings(max_examples=60, deadline=None)
@given(modulus=st.integers(2, 12), data=st.data(),
       gold_style=st.sampled_from(["congruence", "plain", "param"]),
       answer_style=st.sampled_from(["congruence", "plain", "param"]))
def test_residue_classes_match_in_every_notation_and_a_shifted_class_never(modulus, data, gold_style, answer_style):
    residues = sorted(data.draw(st.sets(st.integers(0, modulus - 1), min_size=1, max_size=modulus - 1)))
    gold = _render_congruence(residues, modulus, gold_style)
    same = _render_congruence(residues, modulus, answer_style)
    shifted = sorted({(r + 1) % modulus for r in residues})
    assert verify_one(gold, same)[0] is True, (gold, same)
    if shifted != residues:
        assert verify_one(gold, _render_congruence(shifted, modulus, answer_style))[0] is False


@pytest.mark.parametrize("gold,answer,expected", [
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod{3}\\}", "n = 3k+1,\\ k\\in\\mathbb{Z}", True),
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod{3}\\}", "n = 3k - 2,\\ k \\in \\mathbb{Z}", True),
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod{3}\\}", "n = 3k + 2,\\ k \\in \\mathbb{Z}", False),
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod{3}\\}", "n = 3k+1,\\ k \\ge 0", False),  # the negatives are left out
    ("\\{n \\in \\mathbb{Z} : n^2 < 5\\}", "\\{-2,-1,0,1,2\\}", True),
    ("\\{n \\in \\mathbb{Z} : n^2 < 5\\}", "\\{-1,0,1,2\\}", False),
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod{3}\\}", "\\{1, 4, 7\\}", False),     # a few members are not all
    ("x \\equiv 4 \\pmod{9}", "4", True),  # one value against a congruence is its residue, not a set
])
def test_set_builder_golds(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("x = k*pi, k = 0, ±1, ±2, ...", "x = k\\pi,\\ k\\in\\mathbb{Z}", True),
    ("x = k*pi, k = 0, ±1, ±2, ...", "x = 2k\\pi,\\ k\\in\\mathbb{Z}", False),
    ("(-1 ± sqrt(5))/2", "x=\\frac{\\sqrt5-1}{2}\\quad\\text{and}\\quad x=-\\frac{1+\\sqrt5}{2}.", True),
    ("(-1 ± sqrt(5))/2", "x=\\frac{\\sqrt5-1}{2}\\quad\\text{and}\\quad x=\\frac{1+\\sqrt5}{2}.", False),
])
def test_every_integer_listed_and_plus_minus_roots(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected
