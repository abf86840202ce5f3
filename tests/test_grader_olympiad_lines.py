"""Classes from session 15's unseen sets: olympiad write-ups that state the answer first and prove it after,
values named in chains ("x = y = 1, z = 2"), named solutions joined in prose, a named tuple then more tuples."""

import pytest
from hypothesis import given, settings, strategies as st

from expo_data.verify import extract_answer, verify_one

PROPERTY = settings(max_examples=int(__import__("os").environ.get("EXPO_GRADER_EXAMPLES", "0")) or 10, deadline=None,
                    derandomize=True)

_PROOF = ("\n\n{label} Mod 4 forces $y$ even, say $y=2t$. Then $(5^s-z)(5^s+z)=3^{{2t}}$, so $5^s-z=1$ and "
          "$2\\cdot 5^s = 3^{{2t}}+1$. Only $t=1$ works, giving $x=2$, $y=2$, $z=5-1=4$.\n\nCheck: $25-9=16$. $\\blacksquare$")


def graded(gold: str, completion: str, truncated: bool = False) -> bool:
    return verify_one(gold, extract_answer(completion, truncated=truncated)[0])[0]


@pytest.mark.parametrize("head", ["**Answer: $(x,y,z)=(2,2,4)$.**", "**Answer:** $(x,y,z)=(2,2,4)$.",
                                  "Answer: $(2,2,4)$", "**Answer.** $(x, y, z) = (2, 2, 4)$",
                                  "**Final answer.** $(2,2,4)$.", "The answer is $(x,y,z)=(2,2,4)$."])
@pytest.mark.parametrize("label", ["*Proof.*", "**Proof.**", "Proof:", "## Proof\n", "**Why.**", "*Justification:*"])
def test_an_answer_stated_first_stands_through_its_proof(head, label):
    completion = head + _PROOF.format(label=label)
    assert graded("(x, y, z) = (2, 2, 4)", completion) is True
    assert graded("(x, y, z) = (2, 4, 2)", completion) is False


@pytest.mark.parametrize("completion", [
    "**Answer:** $(2,2,4)$." + _PROOF.format(label="*Proof.*") + "\n\nWait, actually $z = 5$ here, so the answer is $(2,2,5)$.",
    "**Answer:** $(2,2,4)$.\n\nWe get $x=2$, so $z=5$ and the triple is $(2,2,5)$.",  # no proof label: the last word counts
    "**Answer:** $(2,2,4)$." + _PROOF.format(label="*Proof.*") + "\n\nSo the only solution is $(2, 2, 5)$.",
])
def test_an_answer_first_is_taken_back_by_a_retraction_or_a_closing_conclusion(completion):
    assert graded("(2, 2, 4)", completion) is False


@pytest.mark.parametrize("completion, gold, expected", [
    ("So the unique solution in positive integers is $x=y=1$, $z=2$.", "(x, y, z) = (1, 1, 2)", True),
    ("So the unique solution in positive integers is $x=y=1$, $z=2$.", "(1, 1, 2)", True),
    ("So the unique solution in positive integers is $x=y=2$, $z=1$.", "(1, 1, 2)", False),
    ("So the unique solution is $x=z=1$, $y=2$.", "(x, y, z) = (1, 1, 2)", False),
    ("So the unique solution is $x=y=1$.", "(x, y, z) = (1, 1, 2)", False),
    ("Therefore the only pairs are $k=1,\\ n=1$ and $k=3,\\ n=2$.", "(k, n) = (1, 1), (3, 2)", True),
    ("Therefore the only pairs are $k=1,\\ n=1$ and $k=2,\\ n=3$.", "(k, n) = (1, 1), (3, 2)", False),
    ("Therefore the only pairs are $k=1,\\ n=1$ and $k=3,\\ n=2$.", "(k, n) = (1, 1)", False),
    ("**Final answer.** $(a,b,p) = (2,2,2)$ and $(3,4,3)$.", "(2, 2, 2), (3, 4, 3)", True),
    ("**Final answer.** $(a,b,p) = (2,2,2)$ and $(3,4,3)$.", "(2, 2, 2)", False),  # never only the first
    ("**Final answer.** $(a,b,p) = (2,2,2)$ and $(3,4)$.", "(2, 2, 2)", False),
])
def test_named_values_in_chains_and_joined_spans(completion, gold, expected):
    assert graded(gold, completion) is expected


@PROPERTY
@given(values=st.lists(st.integers(-30, 30), min_size=3, max_size=3), shared=st.sampled_from(["xy", "yz", "xz"]))
def test_a_chain_of_names_reads_as_the_values_it_gives(values, shared):
    """"x = y = 1, z = 2": both names take the value; any other value in the gold's tuple is a miss."""
    first, second = shared
    value = values[0]
    named = {first: value, second: value, next(n for n in "xyz" if n not in shared): values[1]}
    answer = f"{first}={second}={value}, {next(n for n in 'xyz' if n not in shared)}={values[1]}"
    gold = "(x, y, z) = ({x}, {y}, {z})".format(**named)
    assert verify_one(gold, answer)[0] is True
    wrong = dict(named, x=named["x"] + 1)
    assert verify_one("(x, y, z) = ({x}, {y}, {z})".format(**wrong), answer)[0] is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("$n$ is a perfect square or twice a perfect square", "n = k^2 or n = 2k^2", True),
    ("$n$ is a perfect square or twice a perfect square", "$n$ is a perfect square", False),
    ("n = k^2", "$n$ is a perfect square", True),
    ("n = k^3", "$n$ is a perfect square", False),
    ("All positive integers that are not powers of 2", "all $n$ that are not powers of $2$", True),
    ("All positive integers that are not powers of 2", "$n$ is not a power of $2$", True),
    ("All positive integers that are not powers of 2", "$n$ is not a power of $3$", False),
    ("All positive integers that are not powers of 2", "all $n$ that are powers of $2$", False),
    ("1 and all multiples of 5", "n = 1 or 5 | n", True),
    ("1 and all multiples of 5", "5 | n", False),
    ("1 and all multiples of 5", "n = 2 or 5 | n", False),
    ("All composite $n$ except $n=4$", "all composite n other than 4", True),
    ("All composite $n$ except $n=4$", "all composite n", False),
    ("\\text{all primes}", "$n$ is composite", False),
    ("\\text{All even integers}", "\\alpha = 2m \\text{ for } m\\in\\mathbb{Z}", True),
    ("\\text{All odd integers}", "\\alpha = 2m \\text{ for } m\\in\\mathbb{Z}", False),
])
def test_families_in_words_squares_powers_composites(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("So the solutions are exactly $\\alpha = 2m$, $m\\in\\mathbb{Z}$.", "\\text{All even integers}", True),
    ("So the solutions are exactly $\\alpha = 2m$, $m\\in\\mathbb{Z}$.", "\\text{All odd integers}", False),
    ("So $f(x) = cx$, $c\\in\\mathbb{R}$.", "f(x)=cx", True),
    ("So $x = 2m$, $m = 2$.", "4", False),
])
def test_a_form_then_its_parameters_range_after_a_comma(completion, gold, expected):
    assert graded(gold, completion) is expected


@PROPERTY
@given(n=st.integers(-50, 400))
def test_perfect_powers_are_read_by_their_members(n):
    """The family "perfect squares" has n as a member exactly when n is k^2 for an integer k."""
    from expo_data.verify.family_reading import _is_power_of_degree
    assert _is_power_of_degree(n, 2) is (n >= 0 and round(abs(n) ** 0.5) ** 2 == n)
    assert _is_power_of_degree(n, 3) is any(k ** 3 == n for k in range(-8, 9))


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\sqrt{2}; \\sqrt{3}", "\\sqrt{3}", False), ("\\sqrt{2}; \\sqrt{3}", "\\sqrt{2}, \\sqrt{3}", True),
    ("(1,2); (3,4)", "(3,4)", False), ("x^2; x^3", "x^3", False), ("\\text{min } 2; \\text{max } 8", "8", False),
    ("C(10,5); 252", "252", True), ("\\binom{10}{5}; 252", "252", True),  # one value restated: alternatives
    ("f(x) = 0; f(x) = kx^2", "0", False), ("f(x) = 0; f(x) = kx^2", "f(x)=0, f(x)=kx^2", True),
    ("3; 5", "3, 5", True), ("3; 5", "5", False),
    ("log_2(7)", "log2(7)", True), ("log_2(7)", "x = log2(7) (≈ 2.807)", True), ("log_2(7)", "log3(7)", False),
    ("\\sqrt{2}", "\\sqrt{2} (\\approx 1.414)", True), ("\\sqrt{3}", "\\sqrt{2} (\\approx 1.732)", False),
    ("3 × 10⁸", "c \\approx 3 \\times 10^{8}\\ \\text{m/s}", True), ("3 × 10⁸", "c \\approx 4 \\times 10^{8}\\ \\text{m/s}", False),
])
def test_gold_pieces_after_semicolons_and_plain_notations(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("The answer is either $\\frac{1}{3}$ or $\\frac{2}{3}$, depending on interpretation.", "\\frac{1}{3}", False),
    ("The answer is either $\\frac{1}{3}$ or $\\frac{2}{3}$.", "\\frac{1}{3}", False),
    ("The answer is $\\frac{1}{3}$ or $\\frac{2}{3}$, depending on interpretation.", "\\frac{1}{3}", False),
    ("## Step 3: Divide\n$x = -6 / 3$.\n\nThe final answer is: $\\boxed{}$", "-2", False),
    ("11 + 4 = 15\n\nThe answer is within \\boxed{}.", "15", True),  # the prompt's instruction echoed, no empty answer
    ("F = [[1, 1], [1, 0]]\n\nF^2 = [[2, 1], [1, 1]]", "\\begin{pmatrix} 2 & 1 \\\\ 1 & 1 \\end{pmatrix}", True),
    ("F = [[1, 1], [1, 0]]\n\nF^2 = [[2, 1], [1, 2]]", "\\begin{pmatrix} 2 & 1 \\\\ 1 & 1 \\end{pmatrix}", False),
    ("解：B 项符合，其余不符合。\n\n故选 B。", "B", True), ("解：B 项符合。\n\n故选 C。", "B", False),
])
def test_offered_values_empty_boxes_matrices_and_chinese_choices(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("**Answer: $(x,y)=(1,1)$ and $(x,y)=(2,3)$.**\n\nIf $y=1$ then $x=1$. If $y\\ge2$ then mod $4$: $3^x\\equiv1$, so "
     "$x=2k$ and the factors are $2$ and $4$; so $k=1$, giving $9-8=1$.", "(x, y) = (1, 1), (2, 3)", True),
    ("**Answer.** The smallest such $k$ is $n^2-n+1$.\n\n**Construction showing $k=n^2-n$ is not enough.** Take instead "
     "the pair $(1, n+1)$: only B links them.\n\n**Upper bound.** With $k = n^2 - n + 1$ cars, two stations are linked.",
     "k = n^2 - n + 1", True),
    ("**Answer:** $\\angle A\\in\\{60^\\circ,\\ 90^\\circ\\}$.\n\nLet $\\angle A = 4\\alpha$... wait, $K$ is the incentre.\n"
     "- Case 1: $\\alpha=15^\\circ$, $\\angle A = 60^\\circ$.\n- Case 2: $\\alpha=22.5^\\circ$, $\\angle A=90^\\circ$.",
     "60^\\circ, 90^\\circ", True),
    ("Answer: 36\n\nRevisiting step 2, 36 includes a forbidden arrangement. Subtracting it leaves 35, and that's my "
     "final answer.", "36", False),
    ("**Answer:** 36\n\nActually, I was wrong: one arrangement is forbidden, so it is 35.", "36", False),
    ("**Answer:** 36\n\nWe count the arrangements: so the total is 35.", "36", False),
])
def test_an_opening_answer_line_stands_through_the_work_after_it(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("All $a_0$ that are multiples of 3", "a_0 \\equiv 0 \\pmod 3", True),
    ("All $a_0$ that are multiples of 3", "a_0 \\equiv 1 \\pmod 3", False),
    ("n \\equiv 1 \\text{ or } 3 \\pmod{6}", "n \\bmod 6 \\in \\{1, 3\\}", True),
    ("n \\equiv 1 \\text{ or } 3 \\pmod{6}", "n \\bmod 6 \\in \\{1, 5\\}", False),
    ("p = 2 \\text{ or } p \\equiv 1 \\pmod{4}", "every prime $p \\equiv 1 \\pmod 4$, together with $p=2$", True),
    ("p = 2 \\text{ or } p \\equiv 1 \\pmod{4}", "every prime $p \\equiv 1 \\pmod 4$", False),
    ("\\frac{\\pi}{3}", "θ = 60°", True), ("\\frac{\\pi}{3}", "θ = 45°", False),
    ("(-1)^{n-1}(n-1)2^{n-2}", "\\det A_n=(-1)^{n+1}(n-1)\\,2^{n-2}", True),
    ("(-1)^{n-1}(n-1)2^{n-2}", "\\det A_n=(-1)^{n}(n-1)\\,2^{n-2}", False),
    ('["$10^{100}$,$10^{1 / 100}$"]', "x=10^{100}\\quad\\text{or}\\quad x=\\sqrt[100]{10}", True),
    ('["$10^{100}$,$10^{1 / 100}$"]', "x=10^{100}", False),
    ("\\text{No}", "no such triangle exists", True), ("Yes", "no such triangle exists", False),
    ("1, 2, 3, \\ldots", "1, 2, 3, 5, 8, \\ldots", False), ("1, 4, 9, \\ldots", "1, 4, 9, 15, 22, \\ldots", False),
    ("1, 2, 3, \\ldots", "1, 2, 3, 4, 5, \\ldots", True), ("1, 2, 4, \\ldots", "1, 2, 4, 8, 16, \\ldots", True),
])
def test_olympiad_notations_of_a_third_unseen_set(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("So about 83.7 J of heat is needed.", "83.7 \\mathrm{~kJ}", False),
    ("So about 83.7 kJ of heat is needed.", "83.7 \\mathrm{~kJ}", True),
    ("So x = 5 and y = 1, which is option C) 5 and 1.", "C", True),
    ("Principal = 815 - 117 = Rs. 698.\n\n**Option C: Rs. 698**", "C", True),
    ("Among the choices A)80 B)84 C)86 D)88 E)90, the answer is 88 m², choice D.", "D", True),
    ("Among the choices A)80 B)84 C)86 D)88 E)90, the answer is 88 m², choice D.", "C", False),
    ("The largest prime factor is 17. (Note: 289 is a perfect square factor, but it is not prime.)", "17", True),
    ("**Answer:** $\\boxed{24}$\n\n**Verification:** The linear arrangements number $5! = \\boxed{120}$, so $120/5 = 24$.",
     "24", True),
    ("The sum of all multiples of 3 or 5 below 1000 is 233168.", "233168", True),
    ("Therefore\n\n**x² + 2x − 15 = (x + 5)(x − 3)**", "(x-3)(x+5)", True),
    ("Answer: 5\n\nReasoning: 3 + 4 = 7 marbles in total. Rechecking, the count is 7, not 5. The answer should be 7.",
     "5", False),
])
def test_general_mix_closings_of_unseen_sets(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("x^2 + cx", "x^2+cx", True),  # two letters in a formula are a product, never a word of a sentence gold
    ("f(x) = x^2 + cx", "f(x)=x^2+ax,\\quad a\\in\\mathbb R", True), ("f(x) = x^2 + cx", "f(x)=x^2+ax", True),
    ("x^2 + cx", "x^2 + 2cx", False), ("The limit is 4", "4", True),
    ("$-3.4$ eV", "-3.40\\ \\text{eV}", True),  # a sign is no formula: "eV" stays the gold's unit word
    ("f(x)=x \\text{ or } f(x)=\\frac{1}{x}", "f(x) = x for all x > 0, or f(x) = x^{-1} for all x > 0", True),
    ("f(x)=x \\text{ or } f(x)=\\frac{1}{x}", "f(x) = x for all x > 0", False),
])
def test_products_of_letters_and_positive_domains_in_function_lists(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("- n = 2: P = 6 = 3!, so k = 3.\n\nSo the solutions are k=1, n=1 and k=3, n=2.", "(k, n) = (1, 1), (3, 2)", True),
    ("- n = 2: P = 6 = 3!, so k = 3.\n\nSo the solutions are k=1, n=1 and k=3, n=2.", "(k, n) = (1, 1)", False),
    ("(k - 3)(k - 9) = 0.\n\nSo the possible values are k = 11, 9, 3, 1.", "1, 3, 9, 11", True),
    ("(k - 3)(k - 9) = 0.\n\nSo the possible values are k = 11, 9, 3, 1.", "1, 3, 9", False),
])
def test_named_solutions_listed_in_a_plain_closing_sentence(completion, gold, expected):
    assert graded(gold, completion) is expected
