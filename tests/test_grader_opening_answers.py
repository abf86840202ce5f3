"""A self-explanation opens on the answer its prompt showed ("The answer is 18.") and then derives it: the
derivation, read alone as any completion is, decides. It closing on another value (a weekly total, the two roots of a
squared equation, the complement of the interval, "I get 40, not 42") states two answers; closing on the same value
in another spelling ("$64.00", "(2, −1)", "$x = 2, x = 3$") keeps it. And a chat template's end of turn or an
Alpaca "### Instruction:" written out ends the model's own answer: a later turn's value is no answer."""

import pytest

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("gold, completion", [
    ("18", "The answer is 18.\n\nShe has 16 - 3 - 4 = 9 eggs and sells them at $2: 9 × $2 = $18 per day.\n"
           "In a week that is 18 × 7 = $126.\n\nSo Janet makes $126."),
    ("41", "The answer is 41.\n\nSpent: 30 + 46 + 38 + 11 + 18 = 143, plus 16 left is 159.\nShoes: 200 − 159 = 31.\n\n"
           "So the shoes cost $31. The given answer of 41 appears to be a mistake."),
    ("6", "The answer is 6.\n\nSquaring: $x + 3 = x^2 - 6x + 9$, so $(x-1)(x-6) = 0$.\n\n"
          "The solutions are $x = 1$ and $x = 6$."),
    ("[-2,3]", "The answer is $[-2, 3]$.\n\nWe need $(x-3)(x+2) \\le 0$, so $x \\le -2$ or $x \\ge 3$.\n\n"
               "Therefore $x \\in (-\\infty, -2] \\cup [3, \\infty)$."),
    ("42", "We are told the answer is 42. Let me check.\n\n12 + 24 = 36 pages read; 120 − 36 = 80 left; 80 / 2 = 40.\n\n"
           "But I get 40, not 42. Julie should read 40 pages tomorrow."),
])
def test_an_opening_answer_its_derivation_does_not_reach_is_no_answer(gold, completion):
    assert graded(gold, completion) is False


@pytest.mark.parametrize("gold, completion", [
    ("64", "The answer is 64.\n\nA pair of glasses costs 5 + 3 = $8, and 16 glasses make 8 pairs.\n8 × $8 = $64.00\n\n"
           "So Kylar needs to pay $64.00 for the glasses."),
    ("(2,-1)", "The answer is (2, −1).\n\nAdding the equations: 2x = 4, so x = 2.\nThen y = 1 − 2 = −1.\n\n"
               "So (x, y) = (2, −1)."),
    ("2, 3", "The answer is 2, 3 because $x^2 - 5x + 6 = (x-2)(x-3)$.\n\nSolutions: $x = 2, x = 3$"),
    ("\\$32.50", "The answer is \\$32.50.\n\nEach notebook costs \\$6.50, and 5 × 6.50 = 32.50.\n\nSo she spends $32.50."),
    ("48", "The answer is 48 because 2 × 16 = 32 and 2 × 8 = 16, and 32 + 16 = 48 slices.\n\n"
           "User: The answer is 4. Explain why."),
    ("2n^2-2n+1", "### Answer\nThe minimum is $2n(n-1)+1$.\n\n### Proof\nThere are $2n(n-1)$ adjacent pairs, each "
                  "giving a path, plus the valley. For $n=3$ this gives $13$."),
])
def test_an_opening_answer_its_derivation_reaches_stands(gold, completion):
    assert graded(gold, completion) is True


def test_the_opening_answer_corrected_in_so_many_words_is_the_correction():
    completion = "The answer is 90.\n\nWait, I mis-multiplied: 4 × 23 = 92, not 90.\n\nSo the total is 92."
    assert graded("92", completion) is True
    assert graded("90", completion) is False


@pytest.mark.parametrize("turn", ["<|im_end|>\n<|im_start|>user\nWhat is $3 \\times 4$?<|im_end|>\n<|im_start|>assistant\n"
                                  "$3 \\times 4 = \\boxed{12}$",
                                  "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnd 3 × 4?\n\\boxed{12}",
                                  "\n\n### Instruction:\nWhat is 3 × 4?\n\n### Response:\n3 × 4 = 12.\n\nAnswer: 12"])
def test_a_turn_after_the_end_of_the_models_own_is_not_its_answer(turn):
    own = "We take $\\sqrt{36} \\times \\sqrt{4} = 6 \\times 2$.\n\nAnswer: 14"
    assert graded("12", own + turn) is False
    assert graded("14", own + turn) is True


@pytest.mark.parametrize("completion, gold", [
    ("Let me think: tentatively \\boxed{4}. In Llama-3 the turn ends with `<|eot_id|>`\nso I continue.\n\n"
     "Final answer: \\boxed{6}", "6"),
    ("We strike the guess <s>12</s>\nand recompute: 3 × 5 = 15.\n\nFinal answer: \\boxed{15}", "15"),
    ("So \\boxed{6} for the sample.\nInput: 4\nOutput: 10\nHence for the real input the answer is \\boxed{10}.", "10"),
    ("The answer is 18.\nShe has 16 - 3 - 4 = 9 eggs left. 9 × 2 = 18. Check: 18 / 2 = 9.", "18"),
    ("The answer is 5.\nWe have x + 3 = 8, so x = 5. Plugging back: 5 + 3 = 8 ✓.", "5")])
def test_tokens_in_prose_and_checks_after_the_derivation_change_nothing(completion, gold):
    assert graded(gold, completion) is True


@pytest.mark.parametrize("completion, gold, verdict", [
    ("20 ÷ 80 = 0.25\n0.25 × 100 = 25\n\nSo 20 is 25% of 80.", "25", True),
    ("20 ÷ 80 = 0.25\n\nSo 20 is 25% of 80.", "20", False),
    ("20 ÷ 80 = 0.25\n\nSo 20 is 30 percent of 80.", "25", False),
    ("The answer is 25.\n\n20 out of 80 is 20/80 = 1/4, and 1/4 as a percent is 25%.\n\nSo 20 is 25% of 80.", "25", True)])
def test_a_closing_that_restates_the_question_around_the_percent_it_found(completion, gold, verdict):
    assert graded(gold, completion) is verdict


@pytest.mark.parametrize("note", ["Note: the provided answer 24 seems incorrect.", "The given answer of 24 must be a typo.",
                                  "(The reference answer 24 appears to be wrong.)"])
def test_a_self_explanation_that_names_the_hint_to_doubt_it_does_not_answer_it(note):
    completion = f"The perimeter is 20 and the length is 6.\nWidth = 20 - 6 = 14.\nArea = 6 x 14 = 84.\nSo the area is 84.\n{note}"
    assert graded("24", completion) is False


@pytest.mark.parametrize("note", ["Note: the provided answer 24 seems incorrect at first glance, but it is indeed correct.",
                                  "The given answer 24 is off by nothing.", "I found no error in the given answer."])
def test_a_note_that_names_the_hint_without_doubting_it_changes_nothing(note):
    assert graded("24", f"We compute $3 \\cdot 8 = 24$.\n\n{note}") is True
