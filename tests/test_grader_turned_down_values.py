"""Values a completion states and then turns down, bounds, or builds a formula from: words after a value that
change it, a choice letter inside a formula, a none-exists sentence with a restriction, a retraction whose new
value has no digit, a value offered as a first thought or a supposition (session 15's review)."""

import pytest

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str, truncated: bool = False) -> bool:
    return verify_one(gold, extract_answer(completion, truncated=truncated)[0])[0]


@pytest.mark.parametrize("words", ["or more", "or fewer", "or less", "at least", "at most", "or so", "and up",
                                   "is wrong", "is not the answer", "is impossible", "cannot be", "if n is even",
                                   "upper bound", "guessed", "squared", "factorial", "hundred"])
@pytest.mark.parametrize("value", ["12", "\\frac{1}{2}", "2\\sqrt{3}"])
def test_words_in_text_after_a_value_that_change_it_are_no_unit(words, value):
    assert graded(value, f"So the final answer is $\\boxed{{{value} \\text{{ {words}}}}}$.") is False
    assert graded(value, f"So the final answer is $\\boxed{{{value}\\mathrm{{\\ {words}}}}}$.") is False


@pytest.mark.parametrize("gold, answer", [("12", "12 \\text{ cm}"), ("12", "12 \\text{ apples}"), ("16", "16\\text{ times}"),
                                          ("5", "5 \\text{ km/h}"), ("7", "7 \\text{ dozen}"), ("12", "12\\text{ dollars}")])
def test_units_and_counted_nouns_still_read(gold, answer):
    assert verify_one(gold, answer)[0] is True


@pytest.mark.parametrize("completion", ["**Answer:** 12 factorial", "The answer is 12 factorial.", "The answer is 12 squared."])
def test_an_operation_word_after_a_plain_value_is_kept(completion):
    assert graded("12", completion) is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("B", "B \\text{ fails}", False), ("B", "(B) \\text{ is eliminated}", False), ("B", "B + 1", False),
    ("B", "B - 2", False), ("A", "A^{-1}", False), ("C", "C(5,2) = 10", False), ("B", "B^2 - 4AC", False),
    ("E", "E = mc^2", False), ("C", "\\text{C} \\neq \\text{ answer}", False),
    ("B", "(B)", True), ("B", "B", True), ("B", "(B) 8/15", True), ("B", "B) -2", True), ("B", "(B) -2", True),
    ("B", "\\textbf{(B)}", True), ("B", "B: 8/15", True), ("B", "Option B", True), ("B", "B — 8/15", True),
    ("B", "(B) and (D)", False),
])
def test_a_choice_letter_in_a_formula_or_turned_down_is_no_option(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("\\text{No such } n \\text{ exists}", "\\text{There is no such } n \\text{ below } 1000", False),
    ("\\text{No such } n \\text{ exists}", "\\text{there is no such n less than 100}", False),
    ("\\text{no solution}", "\\text{there is no solution with } x > 0 \\text{, only } x=-1", False),
    ("\\text{no solution}", "\\text{there is no positive solution, the only solution is } x=-2", False),
    ("\\text{No solution}", "\\text{there is no solution in } [0,1]", False),
    ("\\text{There is no such function}", "\\text{There is no such function apart from } f \\equiv 0", False),
    ("\\text{No such } n \\text{ exists}", "\\text{There is no such } n", True),
    ("\\text{No solutions}", "there are no integers $x,y$ with $x^2-y^2=2002$", True),
])
def test_a_none_exists_answer_with_a_restriction_is_another_claim(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold", [
    ("The answer is $\\boxed{C}$.\n\nWait, actually I mis-read option C. The correct answer is D.", "C"),
    ("Answer: (C)\n\nHmm, on second thought, it should be (D).", "C"),
    ("$\\boxed{C}$\n\nCorrection: the answer is D.", "C"),
    ("The answer is $\\boxed{\\frac{\\pi}{a}}$.\n\nWait, actually I made a mistake: it should be $\\frac{\\pi}{b}$.",
     "\\frac{\\pi}{a}"),
    ("So the winner is $\\boxed{\\text{Alice}}$.\n\nWait, I mixed up the players. Bob wins.", "\\text{Alice}"),
    ("So $f$ is $\\boxed{\\text{odd}}$.\n\nWait, I made a sign error: $f(-x) = f(x)$, so it is even.", "\\text{odd}"),
    ("So the answer is 12.\n\nHmm, but that ignores the case x=0, which adds 3 more, for 15 total.", "12"),
    ("The answer is $\\boxed{12}$ (wrong: see below)\n\nCorrect answer: 15", "12"),
    ("I initially thought $\\boxed{12}$, but rechecking yields 15.", "12"),
    ("My first guess was $\\boxed{12}$; rechecking gives 15.", "12"),
    ("It is tempting to answer $\\boxed{12}$, but this overlooks the boundary. The count is fifteen.", "12"),
    ("#### 12\nActually no, it's 9.", "12"),
    ("Suppose the answer is 100. Then the sum of the digits would be 1, which contradicts the condition.", "100"),
    ("Let's guess the answer is 100 and check.", "100"),
    ("Assume for contradiction that the answer is 100.", "100"),
    ("If we suppose the total is 100, we get a contradiction.", "100"),
])
def test_a_value_taken_back_or_only_supposed_is_not_the_answer(completion, gold):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("completion", [
    "The answer is $\\boxed{12}$. After rechecking, it holds.",
    "The answer is $\\boxed{12}$. Rechecking: 3 * 4 = 12. Correct.",
    "Assume $x = 3$. Then $y = 4$, so the answer is $\\boxed{12}$.",
    "#### 12",
])
def test_a_check_that_confirms_or_a_supposition_before_the_answer_leaves_it(completion):
    assert graded("12", completion) is True


@pytest.mark.parametrize("completion", [
    "So the answer cannot be $n = 3$.", "So $n = 3$ is impossible.", "We reject $x = 3$ because it makes the log undefined.",
    "We must discard $x = 3$.", "This shows that $x = 3$ cannot be a root.", "It is clear that $n \\neq 3$, since $3$ is odd.",
    "**Answer:** 3 for even n", "**Answer:** 3 (for even n)", "**Answer:** 3, provided n is even", "**Answer:** 3 at minimum",
    "**Answer:** 3 (lower bound)", "**Answer:** 3 in the best case", "**Answer:** 3 (if n is even)",
    "**Answer:** 3 assuming n is even", "But $x = 3$ makes the denominator zero, so it is not allowed.",
    "The answer of 3 is incorrect.", "An answer of 3 would be wrong.", "答案是3吗？", "所以答案不是3", "答：最多3",
    "The answer is 3, but we still need to subtract the rotten ones, which gives 9.",
    "Answer: 3 per box, so for 3 boxes it is 9.", "So the subtotal is $\\boxed{3}$, and adding tax gives 4.",
    "We are given that the perimeter is 3. We need to find the area.", "**Given:** perimeter = 3\n**Find:** area",
    "Side length: 3\nArea: ?", "First, the side length is 3. Next, compute the area:",
])
def test_a_value_turned_down_conditioned_or_only_given_is_no_answer(completion):
    assert graded("3", completion) is False


def test_a_cut_off_value_is_no_answer_a_closed_one_stands():
    assert graded("12", "The answer is **12", truncated=True) is False
    assert graded("12", "The answer is 12.", truncated=True) is True


@pytest.mark.parametrize("completion, gold", [
    ("The numerator vanishes at $x = \\pm 2$, but $x = 2$ makes the denominator zero, so it is excluded.\n\n"
     "Hence the only solution is $x = -2$.", "-2"),
    ("- $k=1$ gives $p=3$, impossible otherwise ✓.\n\nFinal: $p\\in\\{3,7\\}$.", "p = 3, 7"),
    ("The answer is 12, for a total of 13 items.", "12"),
    ("The maximum is $5$, attained when $x = 2$.", "5"),
    ("Next, compute the area: $4 \\cdot 5 = 20$.", "20"),
])
def test_rejections_and_goals_elsewhere_leave_the_closing_value(completion, gold):
    assert graded(gold, completion) is True


@pytest.mark.parametrize("gold, answer, expected", [
    ("1, 2, 4, 8, \\ldots", "1, 2, 3, \\ldots", False), ("1, 2, 3, \\ldots", "1, 2, 4, \\ldots", False),
    ("1, 3, 9, 27, \\ldots", "1, 3, 5, \\ldots", False), ("1, 2, 4, 8, \\ldots", "1, 2, 4, 7, \\ldots", False),
    ("1, 2, 4, 8, \\ldots", "1, 2, 4, 8", False),  # a finite list is no sequence
    ("1, 2, 4, 8, \\ldots", "1, 2, 4, 8, \\dots", True), ("1, 2, 4, 8, \\ldots", "1, 2, 4, \\ldots", True),
    ("1, 3, 5, \\ldots", "1,3,5,...", True),
    ("n = 5^k, k \\ge 0", "n = 1, 5, 25, 125", False), ("n = 10^k, k\\ge 0", "n=1, 10, 100", False),
    ("\\{n \\in \\mathbb{Z} : n^2 < 5\\}", "-2, -1, 0, 1, 2", True), ("1 \\le n < 6", "n = 1, 2, 3, 4, 5", True),
    ("\\text{all } n \\equiv 1 \\pmod{1000}", "n = 1", False),
    ("\\text{all primes } p \\ge 5", "p \\ge 5", False), ("\\text{all primes } p \\ge 5", "\\text{primes } p \\ge 5", True),
    ("2.0946 \\text{ J}", "2090 \\text{ mJ}", False), ("12.34 \\text{ m}", "1230 \\text{ cm}", False),
    ("1.2345 \\text{ km}", "1230 \\text{ m}", False), ("1.50 \\text{ km}", "1500 \\text{ m}", True),
    ("2.0946 \\text{ J}", "2094.6 \\text{ mJ}", True), ("12.34 \\text{ m}", "1234 \\text{ cm}", True),
    ("f(x) = x \\text{ for all } x \\in \\mathbb{R}", "f(x) = x \\text{ for all } x \\in \\mathbb{Q}", False),
    ("f(x) = x \\text{ for all } x \\in \\mathbb{R}", "f(x) = x \\text{ for all real } x", True),
    ("f(x) = x \\text{ for all } x \\in \\mathbb{R}", "f(x) = x", True),
])
def test_sequences_finite_lists_of_families_precision_of_conversions_and_domains(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold", [
    ("Assuming constant speed, the distance is $60 \\times 2 = \\boxed{120}$ miles.", "120"),
    ("We assume the coin is fair, so the probability is $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"),
    ("Assuming she keeps the same pace, she reads 10 * 4 = 40 pages.", "40"),
    ("Since the width cannot be negative, the width is 5 meters.", "5"),
    ("Squaring introduced the extraneous root x = 1, so x = 4.", "4"),
    ("Since $x \\neq 0$, dividing both sides by $x$ gives $x = 2$.", "2"),
    ("因为a不等于0，所以a=2。", "2"),
    ("The answer is 36, so the total is 36 cookies.", "36"),
    ("Thus the answer is $\\boxed{12}$, so it's 12 cookies per box.", "12"),
    ("The answer is $\\boxed{4}$ because adding 2 and 2 gives 4.", "4"),
    ("The answer is 4 (at least 4 colors are needed, and 4 suffice).", "4"),
    ("The final answer is 20, with 5 apples for each of the 4 kids.", "20"),
    ("The answer is 48, which is 12 for each of the 4 weeks.", "48"),
    ("Next, multiply 3 by 4 to get 12.", "12"),
    ("Now we find the total by adding 5 and 7, getting 12.", "12"),
    ("So the answer is $6$; $6 = 2 \\cdot 3$ indeed.", "6"),
    ("The area is $\\boxed{\\frac{\\pi}{4}}$. Actually, it's a classic result.", "\\frac{\\pi}{4}"),
    ("So there are $\\boxed{6}$ ways. We could also count the complement instead; it's quicker.", "6"),
])
def test_harmless_words_near_a_correct_value_leave_it(completion, gold):
    assert graded(gold, completion) is True


@pytest.mark.parametrize("completion, gold", [
    ("**Answer:** 5\n\n**Explanation:** There are 3 red and 4 blue, giving 7.\nCorrection: the answer should be 7.", "5"),
    ("**Answer:** 12\n\n**Explanation:** But wait, each box has 4, let me redo: 4 * 4 = 16. The total is 16.", "12"),
    ("Answer: 5\n\nWait, I need to recompute: 3 + 4 = 7 apples. So she has 7 apples.", "5"),
    ("**Answer:** $n = 5$\n\n**Proof.** We check small cases. Hence $n = 7$ is the answer.", "5"),
])
def test_an_answer_stated_first_is_taken_back_by_a_correction(completion, gold):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("60", "60 \\text{ students in the class}", True), ("\\frac{1}{2}", "\\frac{1}{2} \\text{ of the pizza}", True),
    ("42", "42 \\text{ apples in total}", True), ("1", "1 \\text{ only}", True), ("5", "5 \\text{ at minimum}", False),
])
def test_plain_words_after_a_value_still_read_as_its_noun(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("completion, gold, expected", [
    ("We find that $x \\neq 3$.", "$x != 3$", True),  # math-verify's own case: the inequation is the answer
    ("It is clear that $n \\neq 3$, since $3$ is odd.", "3", False),
])
def test_an_inequation_closing_the_text_is_its_answer_one_with_a_reason_after_it_turns_a_value_down(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, answer, expected", [
    ("f(n)=n \\text{ for all } n \\in \\mathbb{Z}^+", "f(n) = n \\text{ for all positive integers } n", True),
    ("f(n)=n \\text{ for all } n \\in \\mathbb{N}", "f(n)=n \\text{ for all } n \\in \\mathbb{Z}_{>0}", True),
    ("f(x)=x \\text{ for all } x \\in \\mathbb{R}^+", "f(x) = x \\text{ for all positive reals } x", True),
    ("f(n)=n \\text{ for all } n \\in \\mathbb{Z}", "f(n) = n \\text{ for all positive integers } n", False),
    ("\\text{all primes } p \\equiv 1 \\pmod 4", "p \\equiv 1 \\pmod 4", True),  # the question names its primes
    ("C", "C - 24 cm", True), ("B", "B - 2", False),
])
def test_one_domain_in_its_spellings_primes_by_congruence_and_an_option_with_its_text(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


def test_a_names_tuple_after_an_answer_label_leaves_the_values_below_it():
    completion = ("**Answer.** Up to permutation, $(a,b,c)$ is one of\n$$(2,2,2),\\quad (2,2,3),\\quad (2,6,11),\\quad "
                  "(3,5,7),$$\nand every permutation of these triples works.")
    assert graded("(2,2,2), (2,2,3), (2,6,11), (3,5,7) \\text{ and their permutations}", completion) is True
