"""A gold is its own answer: an answer that writes the gold's own text (up to delimiters, a box, spacing and a final
period) is correct whatever the gold says, read or not ("P(x)=c\\,x(x-1)\\cdots(x-25)", "7 if n is even, 8 if n is
odd"). Beside it, classes the same sets found: brackets that are factors or a function's argument are no remark
("1/2 (1 + sqrt(5))", "(-\\infty, -1) \\cup (3, \\infty)"); a turn the model invents after a closing computation
("So he spent 5 × 6 = $30.\\n<|user|>", never "So 36 + 64 = 100.") or after "<|endoftext|>Human:"; a closing sentence said again and again until
the token limit; the prompt's hint echoed as "Reference answer: 10"; a winner with a second name ("Alice (the first
player)"); and a run of words after a value no longer takes seconds to read."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one
from expo_data.verify.textual import same_text


def graded(gold: str, completion: str, truncated: bool = False) -> bool:
    return verify_one(gold, extract_answer(completion, truncated=truncated)[0])[0]


# Golds that no reader below the identity reads, each a real dataset's spelling.
UNREAD_GOLDS = [
    "P(x)=c\\,x(x-1)(x-2)\\cdots(x-25)",
    "7 if n is even, 8 if n is odd",
    "\\text{All integers } M \\ge 2",
    "\\text{Integers with no 0 in their base-10 expansion}",
    "n+1 \\text{ is not an odd prime}",
    "\\frac{3\\sqrt{3}}{2}, \\text{ attained for the equilateral triangle}",
    "(11, 1), (49, 1), (7k^2, 7k) \\text{ for } k \\in \\mathbb{Z}^+",
    "The limit does not exist.",
    "\\text{April 14}",
]


@pytest.mark.parametrize("gold", UNREAD_GOLDS)
@pytest.mark.parametrize("template", ["So the final answer is $\\boxed{%s}$.", "Final Answer: The final answer is $%s$. "
                                      "I hope it is correct.", "Therefore, the answer is $%s$."])
def test_an_answer_writing_the_gold_itself_is_correct(gold, template):
    assert graded(gold, template % gold)


@pytest.mark.parametrize("gold, answer", [
    ("P(x)=c\\,x(x-1)(x-2)\\cdots(x-25)", "P(x)=c\\,x(x-1)(x-2)\\cdots(x-24)"),
    ("7 if n is even, 8 if n is odd", "8 if n is even, 7 if n is odd"),
    ("\\text{All integers } M \\ge 2", "\\text{All integers } M \\ge 3"),
    ("n+1 \\text{ is not an odd prime}", "n+1 \\text{ is an odd prime}"),
    ("\\text{All integers } M \\ge 2", "\\text{All integers } m \\ge 2"),  # case kept: another letter
])
def test_one_character_off_the_gold_is_not_its_own_words(gold, answer):
    assert not same_text(gold, answer)
    assert verify_one(gold, answer)[0] is False


_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " ,.;()+-=^_{}\\", min_size=1, max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.sampled_from(["$%s$", "\\boxed{%s}", " %s ", "%s.", "$\\boxed{%s}$"]))
def test_same_text_reads_past_delimiters_a_box_and_a_final_period(text, wrapper):
    if any(ch.isalnum() for ch in text) and "}" not in text and "{" not in text and "$" not in text:  # a gold has content
        assert same_text(text, wrapper % text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.integers(min_value=0, max_value=39), st.sampled_from(string.ascii_letters + string.digits))
def test_same_text_is_false_once_one_visible_character_changes(text, at, other):
    at = at % len(text)
    changed = text[:at] + other + text[at + 1:]
    if text[at] != other and not text[at].isspace() and text[at] not in ".\\{}" and "\\" not in text:
        assert not same_text(text, changed)


@pytest.mark.parametrize("completion, extracted", [
    ("**Answer:** (-\\infty, -1) \\cup (3, \\infty)", "(-\\infty, -1) \\cup (3, \\infty)"),
    ("**Answer:** \\sqrt{2} \\cos (t-\\pi / 4)", "\\sqrt{2} \\cos (t-\\pi / 4)"),
    ("Answer: 1/2 (1 + sqrt(5))", "1/2 (1 + sqrt(5))"),
    ("Answer: 2 cos(pi t + pi/3)", "2 cos(pi t + pi/3)"),
    ("Answer: 15 (minutes)", "15"),  # words in the bracket: still a remark
    ("Answer: 72 (48 in April plus 24 in May)", "72"),
])
def test_a_bracket_of_math_after_the_value_is_part_of_it(completion, extracted):
    assert extract_answer(completion)[0] == extracted


@pytest.mark.parametrize("gold, completion, expected", [
    ("30", "<|assistant|>\nTom bought 5 books at $6 each.\nSo he spent 5 × 6 = $30.\n<|user|>\nWhat if he had bought 7?\n"
           "<|assistant|>\nThen he would spend 7 × 6 = $42.", True),
    ("42", "<|assistant|>\nTom bought 5 books at $6 each.\nSo he spent 5 × 6 = $30.\n<|user|>\nWhat if he had bought 7?\n"
           "<|assistant|>\nThen he would spend 7 × 6 = $42.", False),
    ("37", "$999 = 3^3 \\times 37$.\n\nThe largest prime factor of 999 is $\\boxed{37}$.<|endoftext|>Human: And of 1001?"
           "\n\nAssistant: 1001 = 7 × 11 × 13, so it is 13.", True),
    ("13", "$999 = 3^3 \\times 37$.\n\nThe largest prime factor of 999 is $\\boxed{37}$.<|endoftext|>Human: And of 1001?"
           "\n\nAssistant: 1001 = 7 × 11 × 13, so it is 13.", False),
    ("17", "$3 \\cdot 5.5 = 16.5$.\n\nThe ceiling is $17$.\n\nUser: Thanks! And the floor of 3.7?\n"
           "Assistant: The floor of 3.7 is 3.", True),
    ("17", "$3 \\cdot 5.5 = 16.5$.\n\nSo $\\lceil 16.5 \\rceil = 17$.\n\nUser: Thanks! And the floor of 3.7?\n"
           "Assistant: The floor of 3.7 is 3.", False),  # a computation alone does not say what it answers
    ("16", "Finally he doubled the weight: 8 × 2 = 16 pounds.\n\nThe final weight of the box of goodies is 16 pounds.\n\n"
           "### Instruction:\nWrite a poem about it.\n\n### Response:\nFour pounds of love sent far from here...", True),
    ("7", "Then he would spend 5 + 2 = 7 dollars.\n<|user|>\nAnd with tax?\n<|assistant|>\nThen 8.", False),  # a supposition
])
def test_the_answer_before_an_invented_turn_counts(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, tail, expected", [
    ("70", "The answer is 70. " * 12 + "The answer is", True),
    ("70", "The answer is 70. " * 12 + "The ans", True),
    ("70", "The answer is 70. The answer is 71. " * 6 + "The answer is", False),  # two values alternate
    ("70", "Maybe it is 70. " * 12 + "Maybe it", False),  # a guess said again commits to nothing
    ("70", "The answer is 70. The answer is 70. The answer is", False),  # said twice only, then cut
])
def test_a_closing_sentence_looped_until_the_token_limit(gold, tail, expected):
    completion = "$\\binom{8}{4} = \\frac{1680}{24} = 70$.\n\n" + tail
    assert graded(gold, completion, truncated=True) is expected


@pytest.mark.parametrize("label", ["Reference answer", "Given answer", "Expected answer", "Provided final answer",
                                   "Ground truth answer", "Target answer"])
def test_the_prompts_hint_echoed_is_no_answer(label):
    echo = f"Problem: If $f(x) = 3x + 1$, what is $f(3)$?\n{label}: 10\nExplain your reasoning step by step.\n\n"
    assert graded("10", echo * 4 + "Problem: If $f(x) = 3x + 1$, what is", truncated=True) is False
    assert graded("10", echo + "So $f(3) = 3 \\cdot 3 + 1 = 10$.\n\nThe answer is 10.") is True


@pytest.mark.parametrize("gold, answer, expected", [
    ("Alice (the first player) wins if and only if $n$ is even.", "Alice wins exactly for even $n$; for odd $n$ Bob wins.", True),
    ("Alice (the first player) wins if and only if $n$ is even.", "Alice wins exactly when $n$ is even.", True),
    ("Alice (the first player) wins if and only if $n$ is even.", "Alice wins for odd $n$; for even $n$ Bob wins.", False),
    ("Alice (the first player) wins if and only if $n$ is even.", "Bob wins for even $n$ and Alice wins for odd $n$.", False),
    ("Alice (the first player)", "Alice", True),
    ("Alice (the first player)", "Bob", False),
])
def test_a_winner_with_a_second_name(gold, answer, expected):
    assert verify_one(gold, answer)[0] is expected


@pytest.mark.parametrize("gold, completion, expected", [
    ("$(a, b)=(1,1)$", "So $a=b=1$.\n\n**Answer:** only the pair $a=b=1$.", True),
    ("$(a, b)=(1,2)$", "So $a=b=1$.\n\n**Answer:** only the pair $a=b=1$.", False),
    ("$(2,2,2),(3,4,3)$", "**Answer:** the triples $(2,2,2)$ and $(3,4,3)$.", True),
    ("$(2,2,2),(3,4,3)$", "**Answer:** the triples $(2,2,2)$ and $(3,3,4)$.", False),
])
def test_the_pair_or_triples_named_before_the_values(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("words", ["for every positive integer k, and (2,4), (4,2)",
                                   "for every positive integer k and all such pairs " * 3])
def test_a_long_run_of_words_after_a_value_reads_within_the_budget(words):
    # The words after a value were matched by a pattern that could split one word every way (exponential in its
    # length): this gold took over two seconds and the CPU budget cannot stop a running regular expression.
    gold = f"$(x,y)=(k,k)$ {words}"
    assert verify_one(gold, "(x,y)\\in\\{(2,4),\\ (4,2)\\}")[1] != "timeout"


@pytest.mark.parametrize("gold, completion, expected", [
    # a characterisation closes the text: its number is the property's
    ("$a_0 \\equiv 0 \\pmod 3$", "So the sequence is eventually periodic.\n\nHence $a_0$ must be a multiple of $3$; these "
                                 "are exactly the starting values that work.", True),
    ("3", "So the sequence is eventually periodic.\n\nHence $a_0$ must be a multiple of $3$.", False),
    # an extremum labelled in bold, where it is attained after it
    ("$1$", "By AM-GM.\n\n**Minimum value:** $1$, attained exactly when $a=b=c$ (e.g. $a=b=c=7$).", True),
    ("$7$", "By AM-GM.\n\n**Minimum value:** $1$, attained exactly when $a=b=c$ (e.g. $a=b=c=7$).", False),
    ("6", "Data: 3, 9, 4.\nMinimum: 3\nMaximum: 9\nSo the range is 9 - 3 = 6.", True),  # a plain label lists data
    # a check after the closing value
    ("$n=1$ and $n=3$", "Lifting the exponent.\n\nHence $n\\in\\{1,3\\}$: indeed $1\\mid 3$ and $9\\mid 9$.", True),
    ("9", "Lifting the exponent.\n\nHence $n\\in\\{1,3\\}$: indeed $1\\mid 3$ and $9\\mid 9$.", False),
    ("$(a, b, p)=(2,2,2),(3,4,3)$", "Checking small primes.\n\nSo the triples are $(2,2,2)$ and $(3,4,3)$; indeed "
                                   "$2^2=2!+2$ and $3^3=4!+3$.", True),
    # the answer restated after "i.e.": its "or" is the answer's own
    ("$f(x) = 0$ for all $x$, or $f(x) = x$ for all $x$", "Two cases.\n\n**Answer:** $f\\equiv 0$ or $f=\\mathrm{id}$, "
                                                         "i.e. $f(x)=0$ for all $x$ or $f(x)=x$ for all $x$.", True),
    ("$f(x) = 0$ for all $x$", "Two cases.\n\n**Answer:** $f\\equiv 0$ or $f=\\mathrm{id}$, i.e. $f(x)=0$ for all $x$ "
                               "or $f(x)=x$ for all $x$.", False),
    # a parameter's range after the functions, as a span or in words
    ("$f(x)=cx^2$ for some constant $c$", "Check. ✓\n\n**Answer:** $f(x)=ax^2$, $a\\in\\mathbb{R}$.", True),
    ("$f(x)=cx^2$ for some constant $c$", "Check. ✓\n\n**Answer:** $f(x)=ax^3$, $a\\in\\mathbb{R}$.", False),
    ("$f(n)=0$ and $f(n)=2n+K$ for any constant $K\\in\\mathbb{Z}$", "**Answer.** Either $f(n)=0$ for all $n$, or "
     "$f(n)=2n+c$ for all $n$, where $c$ is an arbitrary integer.", True),
    ("$f(n)=0$ and $f(n)=2n+K$ for any constant $K\\in\\mathbb{Z}$", "**Answer.** Either $f(n)=0$ for all $n$, or "
     "$f(n)=2n+c$ for all $n$, where $c$ is an arbitrary nonnegative integer.", False),  # a part of the family
    # a value and the family after it
    ("$1$ and all multiples of $5$", "**Answer:** the positive integers not in $S$ are exactly $1$ and the multiples of $5$.",
     True),
    ("1", "**Answer:** the positive integers not in $S$ are exactly $1$ and the multiples of $5$.", False),
    # a count that names objects is no count
    ("2", "So on a square board the second player wins, and on a non-square board the first player wins by first "
          "equalising the two distances.", False),
])
def test_olympiad_closings_read_whole(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, completion, expected", [
    ("15", "Total = $9 + $6 = $15.00\n\n**Emma spends $15.00.**", True),
    ("16", "Total = $9 + $6 = $15.00\n\n**Emma spends $15.00.**", False),
    ("24", "### Final Answer\nThe area of the triangle is **$24$ square units**.", True),
    ("\\text{March 15}", "That lands on March 15th.\n\n**Answer: March 15th**", True),
    ("\\text{March 15}", "That lands on March 16th.\n\n**Answer: March 16th**", False),
    ("x = \\pm 2", "x² − 4 = 0 gives x = 2 or x = −2.\n\nThe real solutions are x = −2 or x = 2.", True),
    ("x = \\pm 2", "x² − 4 = 0 gives x = 2 or x = −3.\n\nThe real solutions are x = −2 or x = 3.", False),
])
def test_rl_batch_closings(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, completion, expected", [
    ("$n=1$ or $n$ is prime", "Checked small cases.\n\n**Answer:** $n=1$ or $n$ is prime", True),
    ("$n=1$ or $n$ is prime", "Checked small cases.\n\n**Answer:** $n=1$ or $n$ is composite", False),
    ("$n=1$ or $n \\geq 10$", "By induction.\n\n**Answer:** $n=1$ or $n \\ge 10$.", True),
    ("$n=1$ or $n \\geq 10$", "By induction.\n\n**Answer:** $n=1$ or $n \\ge 11$.", False),
    ("$p=2$ or $p\\equiv 1 \\pmod 4$", "Fermat.\n\n**Answer:** $p = 2$ or $p \\equiv 1 \\pmod{4}$", True),
    ("$p=2$ or $p\\equiv 1 \\pmod 4$", "Fermat.\n\n**Answer:** $p = 2$ or $p \\equiv 3 \\pmod{4}$", False),
    ("1", "By induction.\n\n**Answer:** $n=1$ or $n \\ge 10$.", False),  # one value of a family is not the family
    ("5", "The answer is $x=5$ or maybe $x=6$.", False),  # offered, not stated
    ("5", "The answer is $5$ apples and $3$ oranges.", False),  # two variables' values: none read
])
def test_one_variables_values_said_whole_on_the_answer_line(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, closing, expected", [
    ("a", "The remainder is 3, which is option a.", True),
    ("b", "The remainder is 3, which is option a.", False),
    ("a", "The remainder is 3, which is option b.", False),
    ("a", "The remainder is 3, which is a prime.", False),  # "a" as an article names no option
])
def test_a_lower_case_option_named_after_its_keyword(gold, closing, expected):
    completion = "options : a ) 3 , b ) 2 , c ) 4 , d ) 1 , e ) 0\n\n2^35 = 2^(4*8+3), and 2^3 = 8.\n\n" + closing
    assert graded(gold, completion) is expected


# An independent review's probes against the first version of these readers, each class kept as a test.
@pytest.mark.parametrize("gold, answer", [
    ("1 1/2", "11/2"), ("3 1/4", "31/4"), ("10 1/2", "101/2"),  # a space between two numbers is no spacing
    ("A \\rightarrow B", "A \\leftarrow B"),  # \left is no prefix of \leftarrow
])
def test_own_words_keep_what_separates_and_names(gold, answer):
    assert not same_text(gold, answer)
    assert verify_one(gold, answer)[0] is False


@pytest.mark.parametrize("completion, gold, expected", [
    ("Answer: 4 (sqrt 16)", "16", False), ("Answer: 4 (sqrt 16)", "4", True),  # a bracket that restates the value
    ("The answer is 3 (log 8 / log 2).", "9", False), ("Answer: 0.5 (cos(pi/3))", "1/2", True),
    ("Answer: 10 (sqrt(100))", "100", False), ("Answer: 5 (x = 2)", "5", True),
])
def test_a_bracket_restating_the_value_is_a_remark(completion, gold, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("closing", [
    "So he spent 5 × 6 = $30 or 5 × 7 = $35.", "So he spent either 5 × 6 = $30 or 5 × 7 = $35.",
    "So he spent 5 × 7 = $35 at most.", "So he spent $5 each if he buys 7, 7 × 5 = $35.",
    "So he spent 5 × 6 = $30 on shirts and 5 × 7 = $35 on pants.",
])
def test_a_closing_computation_that_offers_or_bounds_is_no_answer_before_a_turn(closing):
    assert graded("35", "Tom bought books.\n" + closing + "<|endoftext|>Human: And with tax?\n\nAssistant: 40.") is False


@pytest.mark.parametrize("loop", ["Try 70. ", "It is either 70. ", "Could the answer be 70. ", "Checking 70. "])
def test_a_looped_sentence_that_states_no_answer_commits_to_nothing(loop):
    assert graded("70", "$\\binom{8}{4}$.\n\n" + loop * 10 + loop[:5], truncated=True) is False


@pytest.mark.parametrize("closing, gold", [
    ("Hence $n = 1$; indeed $n = 2$ also works.", "1"), ("Thus the minimum is $4$: indeed, the minimum is actually $3$.", "4"),
    ("So $k = 3$; indeed $k = 4$ and $k = 5$ work too.", "3"), ("Thus $n = 2$: indeed $n=2$ or $n=3$.", "2"),
])
def test_an_indeed_that_names_other_values_is_no_check(closing, gold):
    assert graded(gold, "We test small cases.\n\n" + closing) is False


@pytest.mark.parametrize("completion", [
    "So $\\boxed{12}$, i.e. 12 or 13.", "The answer is 12, that is, 12 or 13 depending on the convention.",
    "The answer is $12$, namely $12$ or $15$ depending on the reading.", "The answer is $12$, i.e. $12$ or $13$, I am not certain which.",
])
def test_a_restatement_offering_another_value_still_hedges(completion):
    assert graded("12", completion) is False


@pytest.mark.parametrize("closing, gold, expected", [
    ("Hence $n^3 - n$ is always divisible by $6$.", "6", True),  # the subject is no lone variable: 6 is the divisor asked
    ("Hence the greatest common divisor is $12$: every term is divisible by $12$.", "12", True),
    ("So the remainder is congruent to $7$.", "7", True),
    ("Hence $a_0$ must be a multiple of $3$.", "3", False),
])
def test_a_characterisation_only_of_a_lone_variable(closing, gold, expected):
    assert graded(gold, "We compute.\n\n" + closing) is expected


@pytest.mark.parametrize("echo", ["Hint: The answer is 10.", "The teacher's answer is 10.", "I was told the answer is 10.",
                                  "The hint says the answer is 10."])
def test_more_spellings_of_a_quoted_hint(echo):
    assert graded("10", echo + "\n\nLet me compute: f(3) = 3 · 3 = 9.\n\nSo f(3) = 9.") is False


@pytest.mark.parametrize("gold, completion, expected", [
    ("n = 1, 3", "We test small cases.\n\nSmall solutions found so far: $n \\in \\{1, 3\\}$.", False),  # "so far": partial
    ("1, 2, 3", "Factorials grow.\n\nSo n ∈ {1, 2, 3}.", True),
    ("3", "Factorials grow.\n\nSo n ∈ {1, 2, 3}.", False),  # the last number of a listed set is no answer
    ("1, 2, 3", "Factorials grow.\n\nSo the solutions are {1, 2, 3}.", True),
    ("n = 4", "The answer is $n = 4$, and every other $n$ fails.", True),  # no family after it: the value stands
    ("False", "1001 = 7 × 11 × 13.\n\nNo — 1001 is not a prime number.", True),
    ("1001", "1001 = 7 × 11 × 13.\n\nNo — 1001 is not a prime number.", False),
    ("624", "We are given that the answer is 624, so let us see.\n\n12 × 52 = 624.\n\nTherefore, James writes **624** pages.",
     True),
    ("100", "So $K = 100$.\n\n*Remark.* For a general board the same argument gives $m^2$; this one has 400 sites.", True),
    ("400", "So $K = 100$.\n\n*Remark.* For a general board the same argument gives $m^2$; this one has 400 sites.", False),
    ("5000 J", "W = 50 N × 100 m.\n\n**Answer:** The work done is $5$ kJ.", True),
])
def test_second_round_closings(gold, completion, expected):
    assert graded(gold, completion) is expected


@pytest.mark.parametrize("gold, closing, expected", [
    ("30", "So $n^5-n$ is always a multiple of $30$.", True),  # a multiple of the divisor asked: 30 is stated
    ("5", "So the integers not in $S$ are exactly $1$ together with every positive multiple of $5$.", False),
    ("\\left\\lfloor \\frac{n^2}{4} \\right\\rfloor", "So the maximum is $$\\left\\lfloor\\frac n2\\right\\rfloor\\cdot"
                                                     "\\left\\lceil\\frac n2\\right\\rceil.$$", True),  # equal for every n
    ("\\frac{n}{2}", "So the maximum is $$\\left\\lfloor\\frac n2\\right\\rfloor\\cdot\\left\\lceil\\frac n2\\right\\rceil.$$",
     False),  # never a fragment such as "n/2\\rceil"
])
def test_multiples_and_fragments(gold, closing, expected):
    assert graded(gold, "We compute.\n\n" + closing) is expected


# A second independent review's classes (317 probes on the readers above), each kept as a test.
@pytest.mark.parametrize("subject", ["the bad values are", "the extraneous roots are", "the counterexamples are",
                                     "the smallest solutions are", "the remaining cases to handle are"])
def test_a_set_named_as_something_else_is_no_answer(subject):
    assert graded("1, 2, 3", f"We test.\n\nSo {subject} n ∈ {{1, 2, 3}}.") is False


@pytest.mark.parametrize("note, gold, expected", [
    ("Note: over the whole week that is 7 × 42 = 294 pages, which is what the question asks for.", "294", True),
    ("Note: over the whole week that is 7 × 42 = 294 pages, which is what the question asks for.", "42", False),
    ("Note: since order matters here, we double the count to get 16.", "16", True),
    ("Note: since order matters here, we double the count to get 16.", "8", False),
    ("Remark. The same argument on a 3 × 3 board gives 5.", "8", True),  # an aside about another case
])
def test_a_closing_note_that_speaks_of_the_answer_is_no_aside(note, gold, expected):
    assert graded(gold, "We count.\n\nSo there are 8 ways.\n\n" + note) is expected


@pytest.mark.parametrize("qualifier", [", but that is not sufficient", ", though this is only necessary",
                                       " only in the special case", " at least when the sequence is bounded"])
def test_a_qualified_characterisation_is_no_answer(qualifier):
    assert graded("$a_0 \\equiv 0 \\pmod 3$", f"We compute.\n\nHence $a_0$ must be a multiple of $3${qualifier}.") is False


def test_a_characterisation_of_another_term_is_another_answer():
    assert verify_one("a_0 \\equiv 0 \\pmod 3", "$a_1$ must be a multiple of $3$")[0] is False


@pytest.mark.parametrize("closing", ["So he spent 5 × 6 = $30 so far.", "So the first part is 5 × 6 = 30.",
                                     "Tom has 30 apples so far.", "The first part took 30 minutes."])
def test_a_partial_result_before_an_invented_turn_is_no_answer(closing):
    assert graded("30", "Tom shops.\n" + closing + "<|endoftext|>Human: And then?\n\nAssistant: 45.") is False


@pytest.mark.parametrize("loop", ["The total is 70 minus the discount. ", "The first part is 70. ", "The total is 70 plus tax. "])
def test_a_looped_step_is_no_answer(loop):
    assert graded("70", "We add.\n\n" + loop * 6 + loop[:8], truncated=True) is False


@pytest.mark.parametrize("completion", [
    "So $n = 3$; indeed the true value is $n = 7$.", "So $n = 3$; indeed the correct value is $n = 5$.",
    "So $n = 3$; indeed we need $n = 5$.",
])
def test_an_indeed_that_corrects_is_no_check(completion):
    assert graded("3", "We test.\n\n" + completion) is False


@pytest.mark.parametrize("completion", [
    "**Answer:** $x = 1$ or $x = 2$, i.e. $x = 1$ or $x = 3$.",
    "**Answer:** $f\\equiv 0$ or $f=\\mathrm{id}$, equivalently $f(x) = 0$ or $f(x) = 2x$.",
])
def test_a_restatement_naming_other_values_hedges(completion):
    assert graded("x = 1, x = 2", completion) is False and graded("f(x) = 0, f(x) = x", completion) is False


@pytest.mark.parametrize("completion", ["**Maximum:** $2500$? Checking $x = 51$ gives $2601$, which is larger.",
                                        "**Maximum:** $2500$ is wrong; recomputing gives $2600$."])
def test_a_label_its_line_doubts_is_no_answer(completion):
    assert graded("2500", "We bound.\n\n" + completion) is False


def test_a_family_said_not_to_work_is_no_family():
    assert graded("6", "**Answer:** $6$, and the multiples of $5$ do not work.") is True
