"""Sentence golds read by their meaning (expo_data/verify/sentences.py): a count and its quantifier, a bound,
convergence and how, "infinitely many", a parity, a sentence that names its value, a formula qualified over its
own index. Each family over its wordings, beside its near misses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import verify_one

WORDS = {2: "two", 3: "three", 5: "five", 7: "seven", 12: "twelve"}


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(sorted(WORDS)), st.sampled_from(["There are exactly {} such values.", "exactly {}",
                                                       "There are {} solutions.", "{} distinct roots",
                                                       "precisely {} values"]),
       st.booleans(), st.sampled_from(["{}", "\\text{{exactly }} {}", "There are {} such values", "{} values"]),
       st.integers(-1, 1))
def test_a_count_in_words_or_digits(count, gold_form, gold_in_words, answer_form, off):
    gold = gold_form.format(WORDS[count] if gold_in_words else count)
    answer = answer_form.format(count + off)
    assert verify_one(gold, answer)[0] is (off == 0), (gold, answer)


@pytest.mark.parametrize("gold, answer, expected", [
    ("at most 3 values", "\\text{at most } 3", True), ("at most 3", "3", True),  # the bound's value, as asked
    ("at most 3", "at least 3", False), ("at most 3 values", "at most 4", False), ("exactly 3", "at most 3", False),
    ("no more than 5", "at most 5", True), ("at least 2 solutions", "at most 2", False),
    # a strict bound is never its number; what is counted must agree where the answer says it
    ("more than 5", "5", False), ("fewer than 10", "10", False), ("There are less than 4 such values", "4", False),
    ("more than 5", "more than 5", True), ("2 real solutions", "2 complex solutions", False),
    ("There are exactly two real roots", "two complex roots", False), ("4 pairs", "4 triples", False),
    ("exactly two", "two pairs", False), ("2 real roots", "2 roots", True), ("exactly 4", "There are exactly four such integers", True),
    ("720", "720 \\text{ ways}", True),
])
def test_a_bound_is_read_with_its_direction(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("The series converges absolutely.", "it converges absolutely", True),
    ("The series converges absolutely.", "absolutely convergent", True),  # a closing "Final answer: Absolutely convergent."
    ("The series converges absolutely.", "conditionally convergent", False),
    ("The series converges absolutely.", "converges conditionally", False),
    ("The series converges absolutely.", "The series converges.", False),
    ("converges conditionally", "The series is conditionally convergent", True),
    ("The series converges.", "diverges", False),
    ("infinitely many", "There are infinitely many such n", True), ("infinitely many", "finitely many", False),
    ("There are infinitely many solutions.", "infinitely many", True),
    ("infinitely many", "infinitely many, but only for even n", False),
    ("There are infinitely many such n, namely all n ≡ 2 (mod 4).", "infinitely many n, all n ≡ 1 (mod 4)", False),
    ("n must be odd.", "all odd n", True), ("n must be odd.", "n odd", True), ("n must be odd.", "n is even", False),
    ("all even integers n", "n must be even", True), ("n must be odd.", "m odd", False),
])
def test_convergence_infinitely_many_and_parity(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("The smallest such n is 7.", "n = 7", True), ("The smallest such n is 7.", "7", True),
    ("The smallest such n is 7.", "n = 8", False), ("The minimum value is 6, attained at x = y = 3.", "6", True),
    ("The minimum value is 6, attained at x = y = 3.", "3", False),
    ("The largest possible area is $\\frac{25}{2}$.", "12.5", True),
    ("The answer is the set of all primes.", "2", False),  # words, not a value
    ("a_n = 3^n - 1 for all n ≥ 1", "a_n = 3^{n}-1", True), ("a_n = 3^n - 1 for all n ≥ 1", "3^n-1", True),
    ("a_n = 3^n - 1 for all n ≥ 1", "3^n+1", False), ("\\frac{n(n+1)}{2} for all n", "\\frac{n^2+n}{2}", True),
    ("2 for every k > 1", "2", True), ("x = 2 if a > 0", "2", False),
    # a sentence with several values or cases is no one value
    ("The sum equals 0 when n is odd, and 2 when n is even.", "0", False), ("The quotient is 3 with remainder 2.", "3", False),
    ("The answer is 7 for n = 1 and 8 for n ≥ 2.", "7", False), ("The maximum is 2 when a > 0 and 0 otherwise.", "2", False),
])
def test_a_sentence_that_names_its_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("All odd positive integers $n$", "n \\text{ odd}", True), ("All odd positive integers $n$", "n \\text{ even}", False),
    ("No such $n$ exists", "\\text{No such } n", True), ("No such $n$ exists", "n = 3", False),
    ("$(2,2,2)$", "a=b=c=2", True), ("$(2,2,2)$", "a=b=c=3", False),
    ("f(x) = x", "f(x)=x \\text{ for all } x\\in\\mathbb{R}", True), ("f(x) = x", "f(x)=-x \\text{ for all real } x", False),
    ("$f(n)=n$ for all $n \\in \\mathbb{N}$", "f(n)=n", True), ("$f(n)=n$ for all $n \\in \\mathbb{N}$", "f(n)=n+1", False),
    ("3", "x = 3 \\text{ if } a > 0", False),  # a condition, not a domain: one case of several
])
def test_parities_nothing_exists_chained_names_and_qualified_answers(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("text, expected", [
    ("The integers are 12, 24 and 36.\n\nThere are exactly three such integers.", "3"),
    ("The integers are 12, 24 and 36.\n\nThere are **five** such integers.", "5"),
    ("The integers are 12, 24 and 36.\n\nThere are at most three such integers.", "at most 3"),  # a bound stays one
    ("Question: How much does she make?\n\nAnswer: She uses 3 + 4 = 7 eggs. 9 * $2 = $18.\n#### 18", "18"),
])
def test_a_closing_count_in_words_and_gsm8k_marks_after_an_answer_line(text, expected):
    from expo_data.verify import extract_answer
    got = extract_answer(text)[0]
    assert got == expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("There are exactly two such triangles.", "2", True),
    ("There are exactly two such triangles.", "3", False),
    ("The minimum value is 8, attained when a = b = 2.", "8", True),
    ("The minimum value is 8, attained when a = b = 2.", "2", False),
    ("Such a k exists only for k = 4.", "4", True),
    ("Such a k exists only for k = 4.", "k=5", False),
    ("It is impossible.", "\\text{Impossible}", True),
    ("It is impossible.", "impossible — no such arrangement exists", True),
    ("It is impossible.", "impossible — but 3 works", False),
    ("Infinitely many", "\\infty", True),
    ("Infinitely many", "0", False),
    ("All c with c ≤ 1/4", "c \\in \\left(-\\infty, \\tfrac{1}{4}\\right]", True),
    ("All c with c ≤ 1/4", "c < 1/4", False),
])
def test_sentences_that_name_their_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("The minimum value is 8, attained when a = b = 2, and the maximum value is 12.", "8", False),
    ("The minimum value is 8 (attained at x = 2) and the maximum value is 12.", "8", False),
    ("The minimum value is 8, attained when x = 2; the maximum is 12.", "8", False),  # prose: ";" splits nothing
    ("The answer is 5, obtained for n = 2 and 3 otherwise.", "5", False),
    ("x = 1; y = 2", "x=1, y=2", True),                                               # math: ";" still splits
])
def test_a_sentence_with_a_second_value_names_no_single_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("No, because the sum 1+2+...+10 = 55 is odd.", "\\text{No}", True),
    ("No, because the sum 1+2+...+10 = 55 is odd.", "\\text{Yes}", False),
    ("The largest such n is 9 (for example, with 12 points).", "9", True),
    ("The largest such n is 9 (for example, with 12 points).", "12", False),
    ("Only the trivial solution x = y = z = 0.", "(0,0,0)", True),
    ("Only the trivial solution x = y = z = 0.", "(0,0,1)", False),
    ("2 (the numbers 1 and 2)", "2", True),
    ("For every $k>1$ the answer is $2$.", "2", True),
    ("For every $k>1$ the answer is $2$.", "3", False),
    ("True", "Yes", True), ("True", "No", False), ("False", "No", True),
    ("(15,-29)", "15, -29", True), ("(15,-29)", "-29, 15", False),
    ("2:15 p.m.", "2{:}15\\ \\text{PM}", True), ("2:15 p.m.", "2{:}15\\ \\text{AM}", False),
])
def test_golds_with_words_around_their_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("Player B wins", "B", True), ("Player B wins", "A", False),
    ("Carol arrives first, 2 minutes ahead of Dave.", "\\text{Carol}", True),
    ("Carol arrives first, 2 minutes ahead of Dave.", "\\text{Dave}", False),
])
def test_winners_named_as_players_or_arrivals(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("No, for n = 4; yes for all other n.", "No", False),
    ("No, since the minimum is 3", "No, the minimum is 4", False),
    ("Yes, because n = 7 works", "Yes, n = 8 works", False),
    ("Yes, for even n; no for odd n.", "Yes", False),
    ("n = 2 (with n = 3 also possible)", "2", False),
])
def test_third_review_verdicts_with_conditions(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold,answer,expected", [
    ("The first player wins.", "\\text{The first player (Alice) wins}", True),
    ("The first player wins.", "\\text{The second player (Bob) wins}", False),
    ("The winner is Carol.", "Carol", True), ("The winner is Carol.", "Dave", False),
    ("No such triangle exists.", "no such triangle", True),
    ("Yes; for example n = 6 works.", "\\text{Yes}", True),
    ("36, attained when a = b = 3", "36", True), ("36, attained when a = b = 3", "3", False),
    ("18 (when x = 3)", "18", True),
    ("The answer is 5, obtained for n = 2 and 3 otherwise.", "5", False),
])
def test_more_golds_with_words_around_their_value(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected
