"""The reward, by stage: extract (`extract.py`) -> normalise and parse (`normalise.py`, `parse.py`) ->
compare (`compare.py`), run in a process pool with per-item timeouts (`pool.py`). A wrong positive poisons the
training set, so every rule here errs towards "not correct" when it cannot be sure: an ambiguous answer (two
options, two values, a hedge, an equation whose sides disagree) is wrong.

Extraction order (the first that matches wins, recorded in `extraction_method`):
  0. a few-shot completion that runs on into a question of its own ("...\\n\\nQuestion: ... Answer: 7")
     is read only up to it, and then as if cut off (no last-number guess); an unclosed last box
     (`\\boxed{\\frac{1}{`) is no answer at all;
  1. `boxed`: the content of the last \\boxed{...} (or \\fbox{...}), braces balanced, or of a one-token
     \\boxed 5 (\\boxed 12 is no answer); boxes that stand side by side ("\\boxed{3}, \\boxed{5}",
     "$\\boxed{3}$ and $\\boxed{5}$") are one answer "3, 5";
  2. `final_answer_phrase`: what follows the last "final answer is" / "answer:" / "correct option is",
     across line breaks, taking the first `$...$` / `\\[...\\]` span when there is one; the statement
     stops at an ellipsis or a same-line retraction ("5... wait, actually 6") and before a correction
     ("6, not 8"), a remark after the value is dropped and never read for numbers ("24 (after checking n = 3)",
     "24, which we checked for n = 3"), and leading filler ("indeed -5", ", in fact, 100") is dropped;
  3. `gsm8k_hash`: the text after the last "####";
  A boxed or phrased answer followed by a retraction ("Wait, actually it is 6") is skipped.
  4. `last_math` / `last_number`: the last `$...$` span when the text's last number lies in it
     ("there are $4^n$ regions" -> 4^n), else the last number; neither in a completion cut off at
     max_tokens, whose end is mid-reasoning rather than an answer; and only from the concluding statement
     (`conclude.py`): a refusal, a list of numbers, a text stopping mid-sentence, a parenthetical remark or a
     "which is ..." aside after the value is no answer; a closing line that is one option ("**(B)**") is it;
     `last_line`: a closing line that is a value and nothing else ("14/3", "(1,-2)", "x = 2 or x = 3"); in a
     concluding sentence, the value its verb states when every later number only qualifies it ("takes 204
     minutes, including the 24 minutes ..."); math spans joined by "and"/"or"/commas and alike ("$x=3$ and
     $x=2$") are one answer, a value, a word and another value ("$5$ apples and $3$ oranges") none.
  The gold itself, when it is a whole solution, is read by its dataset's convention first (`gold.py`: `####`, box).
A phrase longer than a short expression is reduced to its one number when that number stands in words
("the final answer is within a 2-digit number, 102" -> "102"; never in a formula: "x^2 + y^2 + 2" stays
whole) unless it hedges ("5 or maybe 6"); an empty \\boxed{} is no answer,
and a phrase with no digit that is several words or a filler word ("the answer is within \\boxed{}")
is skipped.

Checking (`verify_one`): the gold is split into acceptable alternatives ("C(10, 5), or equivalently
252", "5/14, or approximately 35.7%", "a; b"); each is matched as
  - a multiple-choice letter ("(C)", "\\text{(C)}"): the answer names that option and no other
    ("B and D", "A or B" are wrong; "(B) 42" is B; "(c)" is C); an AMC gold "\\textbf{(C)}\\ 12" takes
    its letter, its value, or both when they agree;
  - named values ("a = 2, b = 3") name by name; all reals in its spellings; a constant-equation gold
    ("\\binom{10}{5} = 252") by its value; a yes/no gold also takes "Yes, it is possible" (no opposite word,
    no hedge in the reason);
  - a text answer ("Yes", "Evelyn", "Monotonically increasing"): normalised string equality
    (math-verify would read "Yes" as the product Y*e*s);
  - otherwise both sides are first put in canonical form (`canonical`): delimiters, Unicode math
    (√2, ∞, ≤, π, −, ×), digit grouping (1\\,000, 1{,}000, 1,000 outside brackets), unit and noun
    words after a value ("98 values", "12 cm"; percent and degrees become \\% and ^\\circ; two
    different units differ), repeating decimals (0.\\overline{6}, 0.(6), 0.1666...), function labels
    (f(x) = x^2), \\pm as both values, mixed numbers (3 1/2), e-notation, unit abbreviations (in., ft, min),
    inequalities in one variable as intervals, the empty set's
    spellings; a gold's gloss ("900 (i.e., all values)") and the one value of a gold sentence ("3 is
    the only possible value") are read out of it, and a number word ("four") is a number. Then
    parsed with math-verify (LaTeX, then plain expressions) on both sides and compared with its
    `verify` (percentages as the number or its hundredth part, numbers in other bases by base and
    digits). A parse that drops part of the text (math-verify reads `2^floor(n/2)*floor(n/2)!` as
    `2`) is treated as unparsed: `verify_error` is 'reference_parse_partial' (or
    'answer_parse_partial') and the check falls back to normalised string equality, never to the
    partial value; an ambiguous answer is recorded as 'answer_ambiguous'.
"""

from .choices import choice_matches, choice_with_value
from .compare import is_plain_number, verify_one
from .boxes import last_boxed
from .extract import extract_answer, final_statement_start
from .normalise import Form, canonical, choice_letter, gold_alternatives, is_text_answer, normalise_string
from .parse import parse_complete
from .pool import VERIFY_TIMEOUT_S, Verifier
from .words import number_word_value

__all__ = ["VERIFY_TIMEOUT_S", "Form", "Verifier", "canonical", "choice_letter", "choice_matches", "choice_with_value",
           "extract_answer", "final_statement_start", "gold_alternatives", "is_plain_number", "is_text_answer",
           "last_boxed", "normalise_string", "number_word_value", "parse_complete", "verify_one"]
