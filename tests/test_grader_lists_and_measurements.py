"""Classes from session 14's unseen sets: olympiad solution lists (tuples named again, ± inside, orderings said
around the list, bulleted solutions), small models' plain closings (sign-offs, recaps, durations, number words),
corrections after a stated answer, measured golds' precision and a quantity's symbol before its value."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import extract_answer, verify_one

PROPERTY = settings(max_examples=int(__import__("os").environ.get("EXPO_GRADER_EXAMPLES", "0")) or 10, deadline=None,
                    derandomize=True)


def graded(gold: str, completion: str, truncated: bool = False) -> bool:
    return verify_one(gold, extract_answer(completion, truncated=truncated)[0])[0]


@pytest.mark.parametrize("completion, gold, expected", [
    ("The number of divisors is 24, so there are $\\boxed{24}$ pairs.\n\nHmm, on re-reading, integers need not be "
     "positive, so the count doubles.\n\nFinal count: 48.", "48", True),
    ("The number of divisors is 24, so there are $\\boxed{24}$ pairs.\n\nHmm, on re-reading, integers need not be "
     "positive, so the count doubles.\n\nFinal count: 48.", "24", False),
    ("So $V = 4\\pi$.\n\n$\\boxed{4\\pi}$\n\nI realize the region ends at x = 1, not x = 2: V = π.\n\nCorrected volume: π.",
     "\\pi", True),
    ("So $V = 4\\pi$.\n\n$\\boxed{4\\pi}$\n\nI realize the region ends at x = 1, not x = 2: V = π.\n\nCorrected volume: π.",
     "4\\pi", False),
    ("The answer is 10.\n\nHmm, no: the problem says n < 100, so 100 is excluded. That leaves 9.\n\n**9**", "9", True),
    ("The answer is 10.\n\nHmm, no: the problem says n < 100, so 100 is excluded. That leaves 9.\n\n**9**", "10", False),
    ("4! = 24.\n\n$\\boxed{24}$\n\nHmm, I forgot that the two can swap inside the block, which doubles the count: "
     "2 × 24 = 48 arrangements.", "48", True),
    ("4! = 24.\n\n$\\boxed{24}$\n\nHmm, I forgot that the two can swap inside the block, which doubles the count: "
     "2 × 24 = 48 arrangements.", "24", False),
    ("The answer is $\\boxed{12}$.\n\nTo double-check: 3 × 4 = 12.", "12", True),  # a check that agrees corrects nothing
])
def test_a_correction_labelled_or_closed_by_a_value(completion, gold, expected):
    assert graded(gold, completion) is expected


_TUPLE_NAMES = ["(x,y)", "(a,b)", "(m,n)", "(k,n)"]


@PROPERTY
@given(st.lists(st.tuples(st.integers(-30, 30), st.integers(-30, 30)), min_size=2, max_size=4, unique=True),
       st.sampled_from(_TUPLE_NAMES), st.randoms(use_true_random=False))
def test_lists_of_solution_pairs_in_every_spelling(pairs, names, rng):
    """One set of ordered pairs, however an olympiad answer writes it; one pair changed, dropped or swapped is not it."""
    gold = f"{names} = " + ", ".join(f"({a}, {b})" for a, b in pairs)
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    spellings = [
        " and ".join(f"${names}=({a},{b})$" for a, b in shuffled),
        f"{names} \\in \\{{" + ", ".join(f"({a},{b})" for a, b in shuffled) + "\\}",
        "\\quad".join(f"({a},{b})" for a, b in shuffled),
    ]
    for spelling in spellings:
        assert verify_one(gold, spelling)[0] is True, spelling
    swapped_names = "(" + ",".join(reversed(names.strip("()").split(","))) + ")"
    assert verify_one(gold, ", ".join(f"{swapped_names}=({b},{a})" for a, b in shuffled))[0] is True
    assert verify_one(gold, ", ".join(f"({a},{b})" for a, b in shuffled[:-1]))[0] is False  # one missing
    changed = [(a, b + 1) if i == 0 else (a, b) for i, (a, b) in enumerate(shuffled)]
    if set(changed) != set(pairs):
        assert verify_one(gold, ", ".join(f"({a},{b})" for a, b in changed))[0] is False
    if any(a != b for a, b in pairs) and {(b, a) for a, b in pairs} != set(pairs):
        assert verify_one(gold, ", ".join(f"{names}=({b},{a})" for a, b in shuffled))[0] is False  # same names, swapped


@pytest.mark.parametrize("gold, answer, expected", [
    ("(0, 2), (0, -2), (4, 23), (4, -23)", "(x,y)=(0,\\pm2),\\ (4,\\pm23)", True),
    ("(0, 2), (0, -2), (4, 23), (4, -23)", "(x,y)=(0,\\pm2),\\ (4,23)", False),
    ("(1, 2), (-1, -2)", "(\\pm 1, \\pm 2)", False),  # signs together or apart: it does not say
    ("(1, 1), (3, 2)", "(1,1) or (3,2)", True),
    ("(1, 2), (2, 1)", "(1,2)", False),
])
def test_tuple_lists_with_signs_and_joins(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("The answer is **all permutations of $(2,3,6)$, $(2,4,4)$ and $(3,3,3)$**.",
     "(2,3,6),(2,4,4),(3,3,3) \\text{ and permutations}", True),
    ("The answer is **$(2,3,6)$, $(2,4,4)$ and $(3,3,3)$**.", "(2,3,6),(2,4,4),(3,3,3) \\text{ and permutations}", False),
    ("The answer is $(a,b,c)=(1,2,3)$ up to order — six ordered triples in total.", "(1, 2, 3) and permutations", True),
    ("The answer is $(a,b,c)=(1,2,3)$ up to order.", "(1, 2, 3)", False),
    ("**Final answer:** up to permutation, $(a,b,c)\\in\\{(2,2,2),(2,2,3),(3,5,7),(2,6,11)\\}$.",
     "(2,2,2), (2,2,3), (2,6,11), (3,5,7) and their permutations", True),
    ("**Final answer:** up to permutation, $(a,b,c)\\in\\{(2,2,2),(2,2,3),(3,5,7)\\}$.",
     "(2,2,2), (2,2,3), (2,6,11), (3,5,7) and their permutations", False),
    ("So the only solutions are the six permutations of $(1,2,3)$:\n$(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2),(3,2,1)$.",
     "(1, 2, 3) \\text{ and its permutations}", True),
    ("So the only solutions are the permutations of $(1,2,3)$:\n$(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2)$.",
     "(1, 2, 3) \\text{ and its permutations}", False),
    ("The candidates are:\n$(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2),(3,2,1)$.", "(1, 2, 3) \\text{ and its permutations}",
     False),
    ("WLOG a ≤ b ≤ c, so only (1,2) gives c = 3.\n\n$\\boxed{(a,b,c) = (1,2,3)}$", "all permutations of (1, 2, 3)", False),
    ("Hence the only nonnegative solutions are $(x, y)=(3,1)$ and $(x,y)=(5,3)$.", "(x,y)=(3,1),(5,3)", True),
    ("Hence the only nonnegative solutions are $(x, y)=(3,1)$ and $(x,y)=(5,4)$.", "(x,y)=(3,1),(5,3)", False),
    ("By symmetry the solutions are\n\n$$(p,q,r)=(2,3,17)\\quad\\text{and}\\quad(3,2,17).$$",
     "(p, q, r) = (2, 3, 17), (3, 2, 17)", True),
    ("By symmetry the solutions are\n\n$$(p,q,r)=(2,3,17).$$", "(p, q, r) = (2, 3, 17), (3, 2, 17)", False),
    ("**Answer:** the only pairs are $(k,n)=(1,1)$ and $(k,n)=(3,2)$.", "(k, n) = (1, 1), (3, 2)", True),
    ("**Answer:** the pairs are $(k,n)=(1,1)$ and maybe $(k,n)=(3,2)$.", "(k, n) = (1, 1), (3, 2)", False),
])
def test_orderings_and_lists_said_around_tuples(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("The equation has exactly two solutions over the integers:\n\n- the constant function $f(x) = -1$;\n- $f(x) = x + 1$.",
     "f(x)=-1 \\text{ and } f(x)=x+1", True),
    ("The equation has exactly two solutions over the integers:\n\n- the constant function $f(x) = -1$;\n- $f(x) = x + 2$.",
     "f(x)=-1 \\text{ and } f(x)=x+1", False),
    ("The candidates are:\n- $f(x) = -1$\n- $f(x) = x + 1$", "f(x)=-1 \\text{ and } f(x)=x+1", False),
    ("**Answer:** $f(x)=x$ (for every real $x$) and $f(x)=-x$ (for every real $x$).",
     "$f(x)=x$ for all $x$, and $f(x)=-x$ for all $x$", True),
    ("**Answer:** $f(x)=x$ (for every real $x$) and $f(x)=x^2$ (for every real $x$).",
     "$f(x)=x$ for all $x$, and $f(x)=-x$ for all $x$", False),
    ("**Answer:** $f(x)=x$ (for every real $x$).", "$f(x)=x$ for all $x$, and $f(x)=-x$ for all $x$", False),
    ("So $k \\le 14$, a contradiction.\n\n**Therefore the equation has no solutions in nonnegative integers.**",
     "There are no solutions.", True),
    ("Therefore the equation has no solutions.", "2", False),
    ("Hence $2^n+3$ is never a square for positive $n$ — no such $n$ exists.\n\n(For completeness: if $n=0$ were allowed, "
     "$2^0+3=4$, but $0$ is not positive.)", "There is no such positive integer $n$.", True),
    ("Hence no such $n$ exists except $n = 3$.", "There is no such positive integer $n$.", False),
    ("**Answer: exactly the primes.**\n\nSmall check first. $m=2$: only $n=1$ works.", "All prime numbers $m$", True),
    ("So the answer is: only $n = 1$.", "n=1", True),
    ("So the answer is: only $n = 1$.", "n=2", False),
    ("Integral test.\n\n**Conclusion:** The series is divergent.", "the series diverges", True),
    ("Integral test.\n\n**Conclusion:** The series is convergent.", "the series diverges", False),
    ("x^2 - 2x - 3 > 0.\n\n**Solution:** $x < -1$ or $x > 3$.", "(-\\infty, -1) \\cup (3, \\infty)", True),
    ("x^2 - 2x - 3 > 0.\n\n**Solution:** $x < -1$ or $x > 2$.", "(-\\infty, -1) \\cup (3, \\infty)", False),
    ("**Answer:** $n$ must be odd, i.e. $n = 2k+1$ for $k \\ge 0$.", "all odd n", True),
    ("p(x) = (x+1)(x-2)(x-5).\n\nThe roots are x = 5, x = -1, and x = 2.", "{-1, 2, 5}", True),
    ("p(x) = (x+1)(x-2)(x-5).\n\nThe roots are x = 5, x = -1, and x = 3.", "{-1, 2, 5}", False),
    ("Hence $2^n = 4096 = 2^{12}$.\nCheck: $2304+4096=6400=80^2$ ✓.\nSo $n = 12$.", "12", True),
    ("Hence $2^n = 4096 = 2^{12}$.\nCheck: $2304+4096=6400=80^2$ ✓.\nSo $n = 13$.", "12", False),
    ("By induction $f(n)=n$.\nVerification: $m^2+n \\mid m^2+n$. ✓\nTherefore the only function is the identity, $f(n)=n$ "
     "for all $n \\in \\mathbb{Z}_{>0}$.", "f(n) = n", True),
])
def test_olympiad_closings(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("6 x 6 = 36\n\nThere are 36 students in the class.\n\nI hope this helps! Let me know if you have any other "
     "questions. 😊", "36", True),
    ("6 x 6 = 36\n\nThere are 36 students in the class. Hope that helps, but I might have made an error in the second "
     "step.", "36", False),  # a sign-off that doubts is no sign-off
    ("Step 4: Total = $180 + $20 + $120 = $320.\n\nThe family spends $320.\n\n1. Tickets: $180\n2. Parking: $20\n"
     "3. Food: $120", "320", True),
    ("Step 4: Total = $180 + $20 + $120 = $320.\n\nThe family spends $320.\n\n1. Tickets: $180\n2. Parking: $20\n"
     "3. Food: $120", "120", False),
    ("Total: $40 + $24 = $64\n\nKylar needs to pay $64 for 16 glasses.\n(8 full-price glasses at $5 and 8 discounted "
     "glasses at $3.)", "64", True),
    ("Adding the equations: 3a = 3, so a = 1.\nThen b = -2.\n\n(1,-2)", "(1,-2)", True),  # a tuple is no bracketed remark
    ("The movie is 150 minutes long.\n150 ÷ 60 = 2.5\n\nSo the movie lasts 2 hours and 30 minutes.", "2.5", True),
    ("So the movie lasts 2 hours and 30 minutes.", "2.6", False),
    ("Number of bags = 9 ÷ 2 = 4.5\n\nThe baker needs 4½ bags of flour.", "4.5", True),
    ("The baker needs 4½ bags of flour.", "4", False),
    ("3/4 − 1/4 = 2/4 = 1/2\n\nJenny needs to put in 1/2 cup more.", "0.5", True),
    ("200 − 150 = 50\n\nLucy has fifteen stamps left.", "50", False),  # it says fifteen
    ("So Lucy has fifteen stamps left.", "15", True),
    ("Tom has three times as many.", "3", False),
    ("Divide both by 6: 3 : 2\n\nThe ratio of boys to girls is 3:2.", "3:2 (boys to girls)", True),
    ("Final answer: 15 minutes (that is, 0.25 hours, or 900 seconds).", "15", True),
    ("The answer is 6 (or 7).", "6", False),
])
def test_small_model_plain_closings(completion, gold, expected):
    assert graded(gold, completion) is expected


@PROPERTY
@given(st.integers(11, 99), st.integers(-30, 30), st.integers(1, 9), st.booleans())
def test_a_measured_gold_takes_a_more_precise_answer_that_rounds_to_it(mantissa, exponent, extra, e_notation):
    """Gold m.m x 10^e (two significant digits); an answer with a third digit rounds to it or does not."""
    gold_value = Decimal(mantissa).scaleb(-1)
    gold = f"{gold_value}e{exponent}" if e_notation else f"{gold_value} \\times 10^{{{exponent}}}"
    closer = gold_value + Decimal(extra - 5 if extra != 5 else 4).scaleb(-2)  # within half a unit of the last digit
    answer = f"{closer} \\times 10^{{{exponent}}}"
    assert verify_one(gold, answer)[0] is True, (gold, answer)
    farther = gold_value + Decimal(6 + extra % 4).scaleb(-2)  # past half a unit
    assert verify_one(gold, f"{farther} \\times 10^{{{exponent}}}")[0] is False
    assert verify_one(gold, f"{closer} \\times 10^{{{exponent + 1}}}")[0] is False  # another power of ten
    assert verify_one(f"{closer}e{exponent}", f"{gold_value} \\times 10^{{{exponent}}}")[0] is False  # less precise


@pytest.mark.parametrize("gold, answer, expected", [
    ("2.0946", "2.09455", True), ("2.0946", "2.0944", False),
    ("0.5", "0.47", False), ("3.14", "3.14159", False),  # coarse or exact-looking golds take no rounding
    ("6.6e-34", "6.65e-34", False),  # half rounds up: 6.7
    ("13.6 eV", "2.18\\times 10^{-18} J", True), ("13.6 eV", "2.17\\times 10^{-18} J", False),
    ("4.2 kJ", "4249 J", False),  # two digits are too few to convert at
    ("$1.04 \\times 10^{5}$ $\\mathrm{~Pa}$", "104 kPa", True), ("$1.04 \\times 10^{5}$ $\\mathrm{~Pa}$", "105 kPa", False),
    ("4.2 kJ", "Q ≈ 4200 J", True), ("4.2 kJ", "Q ≈ 4300 J", False),
    ("1.5 \\text{ g/cm}^3", "\\rho = 1500\\ \\mathrm{kg\\,m^{-3}}", True),
    ("6.6\\times10^{-34}", "h ≈ 6.6e-34 J·s", True), ("6.6\\times10^{-34}", "h ≈ 6.7e-34 J·s", False),
    ("(2, -1, 3)", "\\vec F = (2, -1, 3)", True), ("(2, -1, 3)", "\\vec F = (2, 1, 3)", False),
    ("5", "d \\approx 5", False),  # an exact gold: "≈ 5" states no 5
    ("2", "\\pi = 2", False),
    ("\\{n \\in \\mathbb{Z} : n \\equiv 1 \\pmod 3\\}", "n = 3k+1,\\ k \\in \\mathbb{Z}", True),  # a form, no symbol
])
def test_measured_values_and_their_symbols(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


def test_ratio_and_label_spellings_stay_ordered():
    rng = random.Random(7)
    for _ in range(20):
        terms = rng.sample(range(1, 20), 3)
        gold = ":".join(map(str, terms))
        assert verify_one(gold, "A:B:C = " + gold)[0] is True
        assert verify_one(gold, "A:B:C = " + ":".join(map(str, [terms[0], terms[2], terms[1]])))[0] is False


@pytest.mark.parametrize("gold, completion", [
    # an independent review's probes against this session's readings: each one a wrong answer accepted on the way
    ("9", "So the answer is $\\boxed{3}$.\n\nFinal check: $3^2 = 9$"),
    ("60", "The discount is $\\boxed{20}$ dollars.\n\n**Summary:**\nOriginal price: 80\nDiscount: 25%\nNew price: 60"),
    ("100", "The answer is $\\boxed{50}$.\n\nNew price: 100"),
    ("7", "The answer is $\\boxed{5}$.\n\nNew variables: $u = 7$"),
    ("48", "So the answer is $\\boxed{24}$.\n\nWait, let me verify. Without the restriction: 4! × 2 = 48 arrangements. "
           "Half have A before B. So 24 is right."),
    ("30", "So the answer is $\\boxed{15}$.\n\nDoes order matter? No, so we count unordered pairs. For comparison, the "
           "number of ordered pairs is 30."),
    ("7", "The answer is $\\boxed{12}$.\n\nIs there a smaller one? No, none smaller.\n\n7"),
    ("3:2", "Maybe the ratio of boys to girls is 3:2."),
    ("1:2", "The ratio of boys to girls would be 1:2."),
    ("2:3", "The ratio of boys to girls is 3:2, the ratio of girls to boys is 2:3."),
    ("\\text{all permutations of } (1,2,3)", "The answer is all signed permutations of $(1,2,3)$."),
    ("\\text{all permutations of } (1,2,3)", "The answer is all permutations of $(1,2,3)$ except $(3,2,1)$."),
    ("\\text{all permutations of } (1,2,3)", "The answer is $(a,b,c)=(1,2,3)$ up to order, and also $(0,0,0)$."),
    ("\\text{all permutations of } (1,2,3)", "So the solutions are all even permutations of $(1,2,3)$."),
    ("\\text{all permutations of } (1,2,3)",
     "The extraneous solutions are:\n$(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2),(3,2,1)$"),
    ("(1,2,3)", "Hence all permutations of $(1,2,3)$."),
    ("64", "So she earns $64.\n\n(Correction: she earns $72 including the $8 tip.)"),
    ("64", "The total is 64.\n\n(Actually, I made an error: it should be 72.)"),
    ("150", "The movie would last 2 hours and 30 minutes."),
    ("150", "He rests every 2 hours and 30 minutes."),
    ("\\text{no real solutions}", "Therefore, the equation has no integer solutions."),
    ("\\text{No such } n \\text{ exists}", "Other than $n = 1$ — no such $n$ exists."),
    ("\\text{no solution}", "Perhaps — the equation has no solutions."),
    ("4", "So he has 6 apples.\n\nCheck: 10 - 4 = 6.\nThus he gave away 4."),
    ("7", "We test.\n\n**Conclusion:** $n = 7$ does not work."),
    ("7", "We test.\n\nConclusion: the candidate $n = 7$ is too large."),
    ("3e8", "So $c \\approx \\boxed{3.4e8}$."),
    ("1 \\times 10^{4}", "So the count is \\boxed{9999}."),
    ("100 cm", "The length is $\\boxed{1.005 m}$."),
])
def test_review_probes_stay_wrong(gold, completion):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("gold, answer", [
    ("4", "x^{-1} = 4"), ("(1,1),(1,-1),(-1,1),(-1,-1),(0,0)", "(x,y) = (\\pm 1, \\mp 1), (0,0)"),
    ("f(x)=x, f(x)=-x", "f(x) = x for all real x and f(x) = -x for all integers x"),
])
def test_review_probes_of_the_comparison_stay_wrong(gold, answer):
    assert verify_one(gold, answer)[0] is False


def test_a_long_decimal_never_crashes_the_precision_reading():
    assert verify_one("1.2345678901234567890123456789012", "1.23456789012345678901234567890123")[1] is None
    assert graded("15", "12 ❌\n15 ✅") is True  # check marks are no emoji to strip


@pytest.mark.parametrize("completion, gold, expected", [
    ("**Answer: exactly the primes.**\n\n*Composite $m$ fail.* Take $n = m/2$.\n\n*Primes work.* Then $n \\mid k\\binom nk$, "
     "so $n\\mid\\binom nk$.\n\nSo $m$ has the property iff $m$ is prime.", "All prime numbers $m$", True),
    ("**Answer: 4**\n\nProof. The count is 4 since so the total is 5 here.", "4", False),  # a number keeps the old rule
    ("$$\\gcd(2^{12}-1,\\,2^8-1)=2^4-1=\\boxed{15}.$$\n\nIndeed $4095 = 3^2\\cdot5\\cdot7\\cdot13$ and "
     "$255=3\\cdot5\\cdot17$, whose common part is $3\\cdot 5$.", "15", True),
    ("So $\\boxed{15}$.\n\nActually the common part is $3\\cdot 7$.", "15", False),
    ("The number of divisors is $(2+1)(2+1) = 9$.\n\nTherefore the number of divisors of 196 is 9, namely 1, 2, 4, 7, "
     "14, 28, 49, 98 and 196.", "9", True),
    ("**Final answer:** exactly the $n$ of the form $n=4k$ or $n=4k-1$ ($k\\ge1$).", "n \\equiv 0 \\text{ or } 3 \\pmod 4", True),
    ("**Final answer:** exactly the $n$ of the form $n=4k$ or $n=4k-1$ ($k\\ge2$).", "n \\equiv 0 \\text{ or } 3 \\pmod 4", False),
])
def test_answer_first_writeups_and_restated_values(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\text{odd function}", "\\text{Odd}", True), ("\\text{odd function}", "even", False),
    ("\\text{odd function}", "f is an odd function", True), ("\\text{odd function}", "neither", False),
    ("6\\pi", "6\\pi\\ \\text{cm}^2", True), ("6\\pi", "7\\pi\\ \\text{cm}^2", False), ("6\\pi", "6\\pi\\ x", False),
])
def test_parity_words_and_exact_values_with_units(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    # an option named beside the value on the closing line: the letter and the value both stand
    ("Excluded number: 100 − 72 = 28\nAnswer: 28 (A)", "A", True),
    ("Excluded number: 100 − 72 = 28\nAnswer: 28 (A)", "28", True),
    ("Excluded number: 100 − 72 = 28\nAnswer: 28 (A)", "B", False),
    ("Rate = 300000 / 50000 = 6\nThe rate is 6% per annum (option D).", "D", True),
    ("P(both red) = 15/45 = 1/3 ⇒ Answer (A)", "A", True),
    ("Fraction of work left = 1 − 7/15 = 8/15.\nSo (D) 8/15.", "D", True),
    ("The largest is $3^{20}$, choice (B).", "\\text{(B)}", True),
    ("The largest is $3^{20}$, choice (B).", "\\text{(C)}", False),
    ("Options: A)145° B)150° C)155°.\nThe hour hand turns through 155°, not option (B).", "B", False),
    # the unit inside a bold value, an angle's degree sign, "all real numbers except", a ratio in words
    ("3 × 50 = 150 minutes\n150 minutes ÷ 60 = 2.5 hours\nTom spends **2.5 hours** watching the show.", "150 minutes", True),
    ("3 × 50 = 150 minutes\nTom spends **2.5 hours** watching the show.", "100 minutes", False),
    ("Each lap is 250 m.\nTotal distance = 10 × 250 m = 2500 m.\nShe runs **2500 meters**. (That's about 6.25 laps of a "
     "standard 400 m track.)", "2.5\\ \\text{km}", True),
    ("Each interior angle: $1800^\\circ / 12 = 150^\\circ$.\n**Each interior angle measures 150°.**", "\\frac{5\\pi}{6}", True),
    ("Each interior angle: $1800^\\circ / 12 = 150^\\circ$.\n**Each interior angle measures 150°.**", "\\frac{2\\pi}{3}", False),
    ("The denominator vanishes at $x = 1$.\nDomain: all real numbers except $x = 1$.", "(-\\infty,1)\\cup(1,\\infty)", True),
    ("The denominator vanishes at $x = 1$.\nDomain: all real numbers except $x = 1$.", "(-\\infty,2)\\cup(2,\\infty)", False),
    ("Divide both by 4: 5 : 3.\nThe ratio of cats to dogs is 5 to 3.", "5:3", True),
    ("The ratio of cats to dogs is 5 to 3.", "3:5", False),
])
def test_options_units_and_words_on_the_closing_line(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("So $n\\in\\{1,9,10,18\\}$ and the sum is $1+9+10+18=\\boxed{38}$.\n(For instance, $n=1$ gives $1-19+99=81=9^2$.)",
     "38", True),  # an example after the box is no later result
    ("Work.\n### Final answer\n- $(a, b) = (1, 1)$\n- $(a, b) = (16, 2)$\n- $(a, b) = (27, 3)$",
     "(a,b) = (1,1), (16,2), (27,3)", True),
    ("Work.\n### Final answer\n- $(a, b) = (1, 1)$\n- $(a, b) = (16, 2)$", "(a,b) = (1,1), (16,2), (27,3)", False),
    ("Either way we get a contradiction, so there are no integers $x,y$ with $x^2-y^2=2002$.", "\\text{No solutions}", True),
    ("Either way we get a contradiction, so there are no integers $x,y$ with $x^2-y^2=2002$.", "2002", False),
    ("So there are no integers $x$ with $x^2 = 4$ except $x = 2$.", "\\text{No solutions}", False),
    ("### Conclusion\nThere are **no** integer pairs $(x,y)$ satisfying the equation.", "\\text{No integer solutions}", True),
])
def test_olympiad_endings_of_a_second_unseen_set(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, completion", [
    # a second independent review's probes against the later readings: each one a wrong answer accepted on the way
    ("B", "The answer is $\\boxed{1}$.\nOption (B) lists 12, which is too large."),
    ("C", "So the total is $\\boxed{3}$.\n\nChecking the options: (C) 30 is ten times too big."),
    ("B", "The answer is $\\boxed{28}$\nUnlike (B), 28 satisfies both conditions."),
    ("A", "Final answer: 28\nAnswer (A) would be 30; we got 28."),
    ("B", "The answer is 28.\nI first guessed choice (B) but it's 28."),
    ("C", "**Answer:** 12\n\nThe wrong choices: (C) 12.5"),
    ("A", "$P(A) = 0.3$ and the answer is 0.3.\nThe answer is 0.3, the probability of event (A)."),
    ("C", "Hence the answer is 3 (C)?"),
    ("a", "After 12 hours, there are 32,000 bacteria."),
    ("150 ^\\circ F", "Converting, the final temperature is 150°C."),
    ("30 ^\\circ C", "Thus the water reaches 30°F."),
    ("\\text{no such } n \\text{ exists}", "**Answer: no such $n$ exists.**\n\nProof. Suppose $n$ works. Then checking small cases, "
                                        "$n = 7$ satisfies it. Hence the smallest such $n$ is $n = 7$."),
    ("\\text{the identity}", "**Answer: the identity.**\n\nNow plugging $y = 1$: $f(x+1) = f(x) + 2$, so in the end $f(x) = 2x$."),
    ("n = 4k", "The answer is all odd $n$ of the form $n = 4k$ ($k\\in\\mathbb{Z}$)."),
    ("\\text{no solutions}", "For $n \\ge 4$ we get a contradiction, so there are no integers $n$ with $n \\ge 4$."),
    ("\\text{no solutions}", "So there are no integers $x,y$ with $x^2 = 2y^2$ excluding the trivial one $(0,0)$."),
    ("\\text{no solutions}", "Testing residues, so there are no odd integers $x$ with $x^2 \\equiv 3$."),
    ("9", "So $16 - 3 - 4 = \\boxed{9}$ eggs remain.\nShe sells them for \\$2 each, for instance at the market: $9 \\times 2 = 18$."
          "\n\nSo Janet makes $18 every day."),
])
def test_second_review_probes_stay_wrong(gold, completion):
    assert graded(gold, completion) is False


def test_careless_tuple_lists_are_unread_not_crashed():
    from expo_data.verify.tuple_lists import read_tuple_list
    for text in ["(x,y) = (\\pm 1/0, 2), (1,1)", "(a,b)=(1/0,2),(3,4)", "(1,2)" * 70, "(\\pm 1, \\pm 2), (3, 4)"]:
        assert read_tuple_list(text) is None
    assert verify_one("(x,y) = (\\pm 1/0, 2), (1,1)", "(1,1)")[1] is None


def test_a_conversion_to_nan_or_inf_is_no_match_and_no_error():
    from expo_data.verify.precision import same_at_precision
    assert same_at_precision(float("nan"), "1.23", "1.234") is False
    assert same_at_precision(float("inf"), "1.23", "1.234") is False
    assert verify_one("13.6 eV", "nan J") == (False, None)
