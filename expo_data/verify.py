"""The reward: final-answer extraction and checking against the gold, in a process pool with
per-item timeouts. A wrong positive poisons the training set, so every rule here errs towards
"not correct" when it cannot be sure: an ambiguous answer (two options, two values, a hedge, an
equation whose sides disagree) is wrong.

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
     max_tokens, whose end is mid-reasoning rather than an answer.
A phrase longer than a short expression is reduced to its last number ("the final answer is within
a 2-digit number, 102" -> "102") unless it hedges ("5 or maybe 6"); an empty \\boxed{} is no answer,
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

from __future__ import annotations

import re
from concurrent.futures import TimeoutError as FutureTimeout

VERIFY_TIMEOUT_S = 5.0

_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")
_FILLER_WORDS = {"within", "in", "the", "a", "an", "not", "given", "below", "above", "as", "that", "this", "to"}
# "final answer is", "final answer:", "answer is", "answer:", "Final Answer: The final answer is"; then
# optional ":" / "**" and any whitespace, line breaks included.
_PHRASE_RE = re.compile(r"(?:final answer|answer|correct (?:option|choice))(?:\s+is|\s*:)[\s:*]*", re.IGNORECASE)
# $...$ (an escaped \$ is a dollar sign, not a delimiter), $$...$$, \[...\], \(...\).
_MATH_SPAN_RE = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.DOTALL)
# "42 apples", "$10.00 in all": a number followed by words only is that number.
_NUMBER_THEN_WORDS_RE = re.compile(r"(-?\\?\$?\d[\d,]*(?:\.\d+)?)\s+[A-Za-z][A-Za-z\s]*")
_TRAILING_JUNK_RE = re.compile(r"(?:\s*(?:I hope it is correct|which is the answer)\.?)+\s*$", re.IGNORECASE)
# Between side-by-side boxes: nothing, a comma, "and" or ';', with the math delimiters of
# "$\\boxed{2}$ and $\\boxed{3}$".
_BOX_JOIN_RE = re.compile(r"^\s*\$*\s*(?:,|and|,\s*and|;)?\s*\$*\s*$")
_BOX_START_RE = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
# LaTeX's one-token argument: "\\boxed 5" boxes the 5 ("\\boxed 12" boxes only the 1: read as no box at all).
_BARE_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s+([0-9A-Za-z])(?![0-9A-Za-z]|\.\d)")


def _last_box_start(text: str) -> int:
    """Where the last \\boxed / \\fbox of any form starts; -1 if none."""
    starts = [m.start() for m in _BOX_START_RE.finditer(text)]
    return starts[-1] if starts else -1


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every balanced \\boxed{...} / \\fbox{...} and one-token \\boxed 5, in order."""
    found = [(m.start(), m.end(), m.group(1)) for m in _BARE_BOX_RE.finditer(text)]
    for match in re.finditer(r"\\(?:boxed|fbox)\s*\{", text):
        depth, i = 1, match.end()
        for j in range(i, len(text)):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    found.append((match.start(), j + 1, text[i:j].strip()))
                    break
    return sorted(found)


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...}, with nested braces balanced; None if absent or unclosed."""
    start = _last_box_start(text)
    if start < 0:
        return None
    boxes = [b for b in _boxes(text) if b[0] == start]
    return boxes[0][2] if boxes else None


def _final_boxed(text: str) -> tuple[str, int] | None:
    """(answer, end of the last box): the last non-empty box, joined with the boxes right before it when only
    ',' or 'and' separates them; None when the last box is unclosed or every box is empty."""
    start = _last_box_start(text)
    boxes = _boxes(text)
    if start < 0 or not boxes or boxes[-1][0] != start:
        return None
    end = boxes[-1][1]
    boxes = [b for b in boxes if b[2]]
    if not boxes:
        return None
    group = [boxes[-1]]
    for prev in reversed(boxes[:-1]):
        if not _BOX_JOIN_RE.match(text[prev[1]:group[0][0]]):
            break
        group.insert(0, prev)
    return ", ".join(b[2] for b in group), end


# Words that make a stated value a hedge or a bound rather than an answer ("5 or more", "about 5",
# "at least 5", "5, not 8" is cut before it is read).
_HEDGE_WORDS = {"or", "either", "maybe", "perhaps", "possibly", "probably", "approximately", "about", "around",
                "roughly", "nearly", "almost", "between", "least", "most", "more", "less", "than", "not", "unless",
                "depending", "if", "except", "no", "never", "wrong", "incorrect", "false", "impossible", "minus",
                "plus", "times", "over", "under", "greater", "fewer", "guess", "unsure", "unclear", "cannot", "isn"}
# Words said before a value that change nothing ("indeed -5", "as follows: 100", "equal to 4").
_LEAD_FILLER_RE = re.compile(
    r"^[,:;]?\s*(?:(?:indeed|in fact|of course|as follows|as|follows|"
    r"thus|therefore|hence|so|then|simply|just|exactly|clearly|obviously|"
    r"precisely|equal to|equals|given by|that|now|here|finally|we get|we have|we find|it is|it's|is|"
    r"the value|the number|the total|the result|the answer)\b\s*[:,]?\s*)+(?=[-+\d$\\(\[{.])", re.IGNORECASE)
# Where a stated answer stops: an ellipsis or a retraction on the same line ("5... wait, actually 6"), or a
# correction after it ("6, not 8").
_ANSWER_STOP_RE = re.compile(
    r"\s*(?:\.\.\.|…)|[\s,;]+(?:but\s+)?(?:wait|actually|hmm|oops)\b|,\s*(?:but\s+)?not\b|\s*\(not\b", re.IGNORECASE)


# A remark after the stated value, never read for numbers: "24 (after checking the case n = 3)", "24 [since ...]",
# "24, which we checked for n = 3", "24 -- checked by hand". Only after a complete value, and a parenthesis only
# when it holds words or an '=' (so "(1, 2)" and "[2, 5)" stay answers); a remark that hedges is not cut.
_REMARK_RE = re.compile(
    r"(?<=[\d}%)\]A-Za-z])\s*(?:[(\[](?=[^)\]]*(?:[A-Za-z]{2,}|=))"
    r"|,\s*(?:which|where|since|because|as|for|when|after|given|so|this|that|with|by|using|from|checked|verified)\b"
    r"|\s+(?:—|–|--|;)\s*(?=[A-Za-z]))")


def _cut_remark(candidate: str) -> str:
    """The stated value without a remark after it (see _REMARK_RE); unchanged when there is none, when it hedges,
    when a condition after a comma holds more than one value ("5, when a = 2, and 7 when a = 3") or a bracket's
    remark is followed by more text ("5 (when a = 2), 7 (when a = 3)"): then the whole stays, and is no answer."""
    remark = _REMARK_RE.search(candidate)
    if not remark or not candidate[:remark.start()].strip():
        return candidate
    tail = candidate[remark.start():]
    conditional = re.match(r"\s*,\s*(?:for|when|given|where)\b", tail)  # "5, when a = 2, and 7 when a = 3"
    if _has_hedge(tail) or conditional and len({m.group() for m in _NUMBER_RE.finditer(tail)}) > 1:
        return candidate
    if tail.lstrip()[:1] in "([":
        close = tail.find(")" if tail.lstrip()[0] == "(" else "]")
        if close < 0 or re.search(r"[\w\\$]", tail[close + 1:]):
            return candidate
    head = candidate[:remark.start()]
    # "10 + 8, which is 18" / "10 + 8 (= 18)": the remark states the result of the arithmetic before it.
    result = _RESULT_REMARK_RE.fullmatch(tail)
    if result and "=" not in head and _BINARY_OPERATION_RE.search(head):
        return f"{head} = {result.group(1).strip()}"
    return head


_RESULT_REMARK_RE = re.compile(r"\s*(?:,\s*which\s+(?:is|equals|gives)|\(\s*=)\s*([^()=,;]+?)\s*\)?\s*")


def _has_hedge(text: str) -> bool:
    """A hedge or bound word anywhere ("\\text{ or }" included: only command names are dropped)."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"\\[A-Za-z]+", " ", text))
    return any(word.lower() in _HEDGE_WORDS for word in words)


def _phrase_answer(text: str) -> tuple[str, int] | None:
    """(candidate, offset in text where the candidate's statement ends) for the last answer phrase."""
    matches = list(_PHRASE_RE.finditer(text))
    if not matches:
        return None
    rest_at = matches[-1].end()
    rest = text[rest_at:]
    span = _MATH_SPAN_RE.match(rest.lstrip())
    if span:
        candidate = next(g for g in span.groups() if g is not None)
        stated_end = rest_at + (len(rest) - len(rest.lstrip())) + span.end()
    else:
        candidate = next((line for line in rest.splitlines() if line.strip()), "")
        stop = _ANSWER_STOP_RE.search(candidate)
        if stop and stop.start() > 0 and candidate[:stop.start()].strip():
            candidate = candidate[:stop.start()]
        stated_end = rest_at + rest.find(candidate) + len(candidate)
        candidate = _cut_remark(candidate)
        inner = _MATH_SPAN_RE.search(candidate)
        if inner and len(candidate) > 24:
            candidate = next(g for g in inner.groups() if g is not None)
    candidate = _TRAILING_JUNK_RE.sub("", candidate.replace("\\boxed{}", "")).strip().strip("*").strip()
    candidate = candidate.rstrip(".").strip()
    candidate = _LEAD_FILLER_RE.sub("", candidate).strip()
    number_then_words = _NUMBER_THEN_WORDS_RE.fullmatch(candidate)
    if number_then_words and not _has_hedge(candidate):
        candidate = number_then_words.group(1)
    # A long phrase is its one value ("within a 2-digit number, 102"); two different values in it are no answer.
    values = {m.group() for m in _NUMBER_RE.finditer(candidate) if not candidate[m.end():m.end() + 1] == "-"}
    if len(candidate) > 24 and len(values) == 1 and not _has_hedge(candidate):
        candidate = values.pop()
    words = candidate.split()
    filler = not any(ch.isdigit() for ch in candidate) and (len(words) > 1 or candidate.lower() in _FILLER_WORDS)
    # Words that are the answer: after "answer:" / "answer is:" ("does not exist"), a yes or no with its reason,
    # or a number in words ("one hundred").
    # Text after "answer:" only when nothing follows it: "Answer: We compute step by step ... #### 7" is reasoning.
    if filler and 1 < len(words) <= 8 and words[0].lower() not in _FILLER_WORDS and (
            (":" in matches[-1].group() and not text[stated_end:].strip(" \t\n.*"))
            or words[0].lower().strip(",.") in ("yes", "no") or number_word_value(candidate) is not None):
        filler = False
    return (candidate[:200], stated_end) if candidate and not filler else None


_RETRACTION_RE = re.compile(r"\b(?:wait|actually|mistake|correction|instead|oops|recheck|re-check)\b", re.IGNORECASE)
# A few-shot completion that runs on into a question (and answer) of its own invention: "...\n\nQuestion: ...".
_INVENTED_BLOCK_RE = re.compile(
    r"\n[ \t]*(?:#{1,4}[ \t]*)?(?:\*\*)?(?:Question|Problem|Q|Human|User)(?:[ \t]*\d+)?[ \t]*(?:\*\*)?[:.]",
    re.IGNORECASE)


def _retracted(tail: str) -> bool:
    """Text after the stated answer takes it back ("Wait, actually it is 6")."""
    match = _RETRACTION_RE.search(tail)
    return bool(match) and bool(_NUMBER_RE.search(tail[match.end():]))


_SAME_LINE_HEDGE_RE = re.compile(r"\b(?:or|maybe|perhaps|possibly|probably|either)\b", re.IGNORECASE)


def _hedged_line(text: str, answer_end: int) -> bool:
    """The answer's own line hedges after it, or between it and an earlier box on that line ("\\boxed{42} or
    \\boxed{43}", "42... or maybe 43"): no answer at all, since falling back would pick the other value."""
    line_start = text.rfind("\n", 0, answer_end) + 1
    line_end = text.find("\n", answer_end)
    line_end = len(text) if line_end < 0 else line_end
    first_box = next((b[0] for b in _boxes(text) if line_start <= b[0] < answer_end), answer_end)
    segment = text[first_box:line_end]
    for start, end, content in reversed(_boxes(segment)):
        segment = segment[:start] + " " + segment[end:]
    return bool(_SAME_LINE_HEDGE_RE.search(segment))


def _before_invented_block(text: str) -> str:
    """The completion up to the first question it invents after its own answer (few-shot run-on)."""
    for match in _INVENTED_BLOCK_RE.finditer(text):
        if text[:match.start()].strip():
            return text[:match.start()]
    return text


def extract_answer(text: str, truncated: bool = False) -> tuple[str | None, str | None]:
    """Return (answer, method) following the documented fallback order."""
    own = _before_invented_block(text)
    if own is not text:
        # Only an answer the model stated before it went on counts: no last-number guess from its reasoning.
        text, truncated = own, True
    boxed_at = _last_box_start(text)
    if boxed_at >= 0 and not any(b[0] == boxed_at for b in _boxes(text)):
        return None, None  # the last box is unclosed (or "\\boxed 12"): never its fragment
    boxed = _final_boxed(text)
    if boxed and not _retracted(text[boxed[1]:]):
        return (None, None) if _hedged_line(text, boxed[1]) else (boxed[0], "boxed")
    phrase = _phrase_answer(text)
    if phrase and not _retracted(text[phrase[1]:]):
        return (None, None) if _hedged_line(text, phrase[1]) else (phrase[0], "final_answer_phrase")
    if "####" in text:
        candidate = text.rsplit("####", 1)[1].strip()
        if candidate:
            return candidate.splitlines()[0].strip(), "gsm8k_hash"
    if truncated:
        return None, None
    numbers = list(_NUMBER_RE.finditer(text))
    spans = list(_MATH_SPAN_RE.finditer(text))
    if spans and (not numbers or spans[-1].start() <= numbers[-1].start() < spans[-1].end()):
        # The last number sits inside the last $...$ ("there are $4^n$ regions"): the span is the answer.
        content = next(g for g in spans[-1].groups() if g is not None).strip()
        if content:
            return content, "last_math"
    if numbers:
        return numbers[-1].group(), "last_number"
    return None, None


def final_statement_start(text: str) -> int:
    """Char offset where the completion's own final statement begins (its last line holding
    the answer), so the canonical answer suffix can replace it. len(text) when there is none."""
    boxed_at = _last_box_start(text)
    if boxed_at < 0:
        match = None
        for match in _PHRASE_RE.finditer(text):
            pass
        if match is None:
            return len(text)
        boxed_at = match.start()
    line_start = text.rfind("\n", 0, boxed_at)
    return 0 if line_start < 0 else line_start


# ---------------------------------------------------------------------------
# Gold alternatives and normalisation.
# ---------------------------------------------------------------------------
_ALTERNATIVE_RE = re.compile(
    r"\s*(?:,\s*)?(?:\bor\s+equivalently\b|\bequivalently\b|\bor\s+approximately\b|\bapproximately\b|\bor\s+about\b"
    r"|\bi\.e\.,?|\\approx|≈)\s*|\s*;\s*", re.IGNORECASE)


# "7 (or equivalently, 7.0)": an alternative value in parentheses after the gold.
_GLOSSED_ALTERNATIVE_RE = re.compile(
    r"(.+?)\s*\(\s*(?:or\s+)?(?:equivalently|approximately|i\.e\.)[,:\s]*(.+?)\)\s*\.?", re.IGNORECASE | re.DOTALL)


def gold_alternatives(reference: str) -> list[str]:
    """Acceptable golds: the reference split at "or equivalently", "or approximately", "\\approx"
    and ';', only where they sit outside braces, brackets and parentheses; an alternative value in parentheses
    ("7 (or equivalently, 7.0)") is one more, a gloss in words ("900 (i.e., all values)") is not."""
    glossed = _GLOSSED_ALTERNATIVE_RE.fullmatch(reference.strip())
    if glossed and re.search(r"\d", glossed.group(2)) and not re.search(
            r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", glossed.group(2))):
        return gold_alternatives(glossed.group(1)) + [glossed.group(2).strip()]
    pieces, depth, start, i = [], 0, 0, 0
    separators = {m.start(): m.end() for m in _ALTERNATIVE_RE.finditer(reference) if m.end() > m.start()}
    while i < len(reference):
        ch = reference[i]
        if depth == 0 and i in separators:
            pieces.append(reference[start:i].strip())
            start = i = separators[i]
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        i += 1
    pieces.append(reference[start:].strip())
    return [p.strip().rstrip(".").strip() for p in pieces if p.strip().rstrip(".").strip()]


_TEXT_WRAP_RE = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
_SPACING_RE = re.compile(r"\\[,;:! ]|\\q?quad|~|\\left|\\right|\\displaystyle|\\dfrac|\\tfrac")


def _strip_text_wrappers(text: str) -> str:
    """\\text{\\textbf{(C)}} -> (C): wrappers removed until none is left."""
    prev = None
    while prev != text:
        prev, text = text, _TEXT_WRAP_RE.sub(r"\1", text)
    return text


def normalise_string(text: str) -> str:
    """For string fallback: no math delimiters, text wrappers, spacing commands, whitespace or
    case; \\dfrac and \\tfrac read as \\frac; a trailing period dropped."""
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            text = text[len(left):-len(right)]
    text = _strip_text_wrappers(text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))
    text = _SPACING_RE.sub("", text)
    text = re.sub(r"\s+", "", text).rstrip(".").lower()
    return text


_CHOICE_RE = re.compile(r"\(?([A-J])\)?")
# "B", "(B)", "[B]", "Option B", "B: 2", "(B) 42"; whatever follows the letter may name no other option.
_CHOICE_PRED_RE = re.compile(r"(?i:(?:the\s+)?(?:correct\s+)?(?:option|choice|answer)\s*(?:is\s*)?:?\s*)?"
                             r"[(\[]?([A-J])[)\]]?(?![A-Za-z0-9])(.*)", re.DOTALL)
_OTHER_CHOICE_RE = re.compile(r"(?<![A-Za-z\\])[A-J](?![A-Za-z])")


def _unwrap(text: str) -> str:
    return _strip_text_wrappers(text.strip().strip("$").strip()).strip().rstrip(".").strip()


def choice_letter(gold: str) -> str | None:
    """'C' for a multiple-choice gold written "C", "(C)", "\\text{(C)}"; else None."""
    match = _CHOICE_RE.fullmatch(_unwrap(gold))
    return match.group(1) if match else None


_TEXT_ANSWER_RE = re.compile(r"[A-Za-z][A-Za-z' \-]*")
_SHORT_TEXT_ANSWERS = {"yes", "no", "true", "false", "none"}


def is_text_answer(gold: str) -> bool:
    """A word answer ("Yes", "Evelyn", "no solution"), not a variable or product of variables."""
    text = _unwrap(gold)
    if not _TEXT_ANSWER_RE.fullmatch(text):
        return False
    return text.lower() in _SHORT_TEXT_ANSWERS or any(len(word) >= 3 for word in re.split(r"[ \-]", text))


# ---------------------------------------------------------------------------
# Canonical forms: what a careful human grader reads past (delimiters, Unicode, digit grouping, units,
# glosses and sentences around a gold's value), and the answers such a grader calls ambiguous.
# ---------------------------------------------------------------------------
_UNICODE = [("−", "-"), ("–", "-"), ("×", "\\times "), ("·", "\\cdot "), ("÷", "\\div "), ("⋅", "\\cdot "), ("∗", "*"), ("∞", "\\infty "),
            ("≤", "\\le "), ("≥", "\\ge "), ("≠", "\\ne "), ("π", "\\pi "), ("∪", "\\cup "), ("∩", "\\cap "),
            ("∈", "\\in "), ("±", "\\pm "), ("∓", "\\mp "), ("°", "^\\circ "), ("∅", "\\emptyset "),
            ("≈", "\\approx "), ("²", "^2"), ("³", "^3"), ("\u2009", " "), ("\u202f", " "), ("\u00a0", " ")]
_SQRT_UNICODE_RE = re.compile(r"√\s*(?:\(([^()]*)\)|\{([^{}]*)\}|(\d+(?:\.\d+)?|[A-Za-z]))")
# 1\,000 / 1{,}000 / 1,\!000 / 1\!000 / 1\ 000: LaTeX digit grouping, always followed by exactly three digits.
_LATEX_GROUP_RE = re.compile(r"(?<=\d)(?:\{,\}|,\\!|\\,|\\!|\\ |\\thinspace\s*)(?=\d{3}(?!\d))")
# 1,000 / 12,345,678 outside brackets (inside them the comma separates coordinates or endpoints).
_PLAIN_GROUP_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|,\d)")
# 3\text{ m}, 5\mathrm{~cm}^2: a unit after the value (single letters included, which read as variables bare).
_TEXT_UNIT_RE = re.compile(
    r"(?<=[\d}])\s*\\(?:text|mbox|mathrm)\s*\{[\s~]*([A-Za-z][A-Za-z .]*?)\s*\}(?:\^\{?[23]\}?)?\s*\.?$")
# "\\approx 5", "\\ge 5", "5+": a bound or an approximation, not a value.
_BOUND_RE = re.compile(r"^\s*(?:\\approx|\\sim|\\ge|\\le|\\geq|\\leq|\\gt|\\lt|[<>~≈])|(?:[-+*/=^<>]|\\approx)\s*$")
_SPACE_GROUPS_RE = re.compile(r"-?\d{1,3}(?: \d{3})+")
_WRAPPER_RE = re.compile(r"\\(?:text|textbf|textit|textrm|mbox|mathrm|mathbf)\s*\{([^{}]*)\}")
_PERCENT_RE = re.compile(r"\s*(?:\\%|%|\\text\{\s*\\?%\s*\})\s*$")
_REPEATING_RE = re.compile(
    r"(-?)(\d*)\.(\d*)(?:\\(?:overline|bar|dot)\s*\{(\d+)\}|\\(?:overline|bar|dot)\s*(\d)|\((\d+)\))")
_REPEATING_DOTS_RE = re.compile(r"(-?)(\d*)\.(\d*?)(\d)\4{2,}\s*(?:\.\.\.|\\ldots|\\dots|\\cdots|…)")
_FUNCTION_LABEL_RE = re.compile(r"^\s*[A-Za-z](?:\^\{?-1\}?|')?\s*\(\s*[a-z]\s*\)\s*=(?!=)\s*")
_EMPTY_SET_RE = re.compile(r"^(?:\\emptyset|\\varnothing|\\O|\\\{\s*\\\}|\{\s*\})$")
_BASE_RE = re.compile(r"\(?([0-9A-Z]+)\)?_\{?\(?(\d+)\)?\}?")
_INEQUALITY_OP_RE = re.compile(r"(<=|>=|\\leqslant|\\geqslant|\\leq|\\geq|\\le|\\ge|\\lt|\\gt|<|>)")
_IN_LABEL_RE = re.compile(r"^\s*[a-z]\s*\\in\s*")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                      "hundred": 100})
# Words after a value that only name what it counts or measures; percent and degrees keep their meaning.
_UNIT_SYMBOLS = {"percent": "\\%", "per cent": "\\%", "percentage": "\\%", "degree": "^\\circ", "degrees": "^\\circ"}
_MATH_WORDS = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "sqrt", "pi", "min", "max", "mod", "gcd",
               "lcm", "arcsin", "arccos", "arctan", "floor", "ceil", "infty", "infinity", "and", "or"}


# "3 1/2", "3\\frac{1}{2}": an integer and a proper fraction side by side (never "3 \\cdot 1/2").
_MIXED_NUMBER_RE = re.compile(r"(-?)(\d+)(?:\s+(\d+)\s*/\s*(\d+)|\s*\\frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\})")
_E_NOTATION_RE = re.compile(r"(-?\d+(?:\.\d+)?)[eE]([+-]?\d+)")
# Abbreviations and spellings of one unit ("14 in." is 14 inches); the key is what _singular leaves.
_UNIT_ALIASES = {
    "in": "inch", "inche": "inch", "ft": "foot", "feet": "foot", "min": "minute", "sec": "second", "s": "second",
    "hr": "hour", "hrs": "hour", "h": "hour", "cm": "centimeter", "centimetre": "centimeter", "km": "kilometer",
    "kilometre": "kilometer", "mm": "millimeter", "millimetre": "millimeter", "m": "meter", "metre": "meter",
    "kg": "kilogram", "g": "gram", "lb": "pound", "lbs": "pound", "oz": "ounce", "yd": "yard", "mi": "mile"}
# All real numbers in the ways it is written (compared after normalise_string, "x \\in" taken off).
_ALL_REALS = {"\\mathbb{r}", "\\mathbbr", "\\r", "\\reals", "ℝ", "allrealnumbers", "allreals", "allrealvalues",
              "everyrealnumber", "thesetofallrealnumbers", "realnumbers", "(-\\infty,\\infty)", "(-\\infty,+\\infty)",
              "(-∞,∞)", "(-∞,+∞)"}


def _mixed_to_fraction(match: re.Match) -> str:
    sign, whole = match.group(1), int(match.group(2))
    num, den = ((int(match.group(3)), int(match.group(4))) if match.group(3)
                else (int(match.group(5)), int(match.group(6))))
    if not 0 < num < den:
        return match.group(0)  # "3 5/2" is no mixed number
    return f"{sign}\\frac{{{whole * den + num}}}{{{den}}}"


def _is_all_reals(text: str) -> bool:
    return re.sub(r"^[a-z]\\in", "", normalise_string(text)) in _ALL_REALS


class Form:
    """A canonical side: its text, whether it was a percentage (the '%' taken off), and the unit or noun
    words taken off after its value ("cm", "hours")."""

    def __init__(self, text: str, percent: bool = False, unit: str = ""):
        self.text, self.percent, self.unit = text, percent, unit


def number_word_value(text: str) -> int | None:
    """4 for "four" / "Four.", 36 for "thirty-six", 105 for "one hundred and five" (a count said in words); None
    for anything else, words in an order no number is said in ("six thirty", "one one") included."""
    words = [w for w in re.split(r"[\s-]+", text.strip().rstrip(".").strip().lower()) if w]
    if len(words) == 1:
        return _NUMBER_WORDS.get(words[0])
    words = [w for i, w in enumerate(words)
             if not (w == "and" and 0 < i < len(words) - 1 and words[i - 1] in ("hundred", "thousand", "million"))]
    total, current = 0, 0
    for word in words:
        value = _NUMBER_WORDS.get(word)
        if word in ("hundred", "thousand", "million"):
            if current == 0 or (word == "hundred" and current >= 10):
                return None
            if word == "hundred":
                current *= 100
            else:
                total, current = total + current * (1000 if word == "thousand" else 10**6), 0
        elif value is None:
            return None
        elif value >= 20:  # a tens word follows nothing or a hundred
            if current % 100:
                return None
            current += value
        else:  # a unit follows nothing, a hundred or a tens word
            if current % 10 or 10 <= current % 100 < 20:
                return None
            current += value
    return total + current if words else None


def _depth_at(text: str, index: int) -> int:
    depth = 0
    for ch in text[:index]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    return depth


def _top_level_split(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
    return parts + [text[start:]]


def _several_values(text: str) -> bool:
    """A gold that lists values ("3, 5", "\\{1, 2\\}", both roots of a \\pm)."""
    return len(_top_level_split(text, ",")) > 1 or text.startswith("\\{")


def _repeating_to_fraction(match: re.Match) -> str:
    sign, whole, fixed = match.group(1), match.group(2) or "0", match.group(3)
    cycle = next(g for g in match.groups()[3:] if g)  # \overline{3}, (3), or the digit of "0.1666..."
    from fractions import Fraction

    value = int(whole) + Fraction(int(fixed + cycle) - int(fixed or "0"), 10 ** len(fixed) * (10 ** len(cycle) - 1))
    return f"{sign}\\frac{{{value.numerator}}}{{{value.denominator}}}"


def _singular(words: str) -> str:
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words.split())


def _strip_trailing_words(text: str, is_gold: bool) -> tuple[str, str] | None:
    """"98 values" -> 98, "50 percent" -> 50\\%, "90 degrees" -> 90^\\circ; None when the words hedge ("5 or
    more"); with the unit words taken off ("" for percent and degrees, which stay as symbols). Text with no
    value before its words is returned unchanged."""
    # Words set off by a space: "2x" is a product, not a count.
    match = re.fullmatch(r"(.*?(?:\d|\\infty|\\pi|\}|\)))\s+((?:[A-Za-z]+\.?(?:\^\{?[23]\}?)?\s*)+)", text, re.DOTALL)
    if not match:
        return text, ""
    value, words = match.group(1).strip(), match.group(2).strip()
    tokens = [w.rstrip(".").lower() for w in words.split()]
    if any(t in _HEDGE_WORDS for t in tokens):
        return None
    if any(len(re.sub(r"\^.*", "", t)) < 2 or (t in _MATH_WORDS and t not in _UNIT_ALIASES) for t in tokens):
        return text, ""
    if not is_gold and len(tokens) > 3:
        return text, ""
    symbol = _UNIT_SYMBOLS.get(" ".join(tokens)) or _UNIT_SYMBOLS.get(tokens[0], "")
    unit = _singular(" ".join(tokens)) if len(tokens) <= 2 else ""
    return value + symbol, "" if symbol else unit


def _sentence_value(text: str) -> str:
    """The one value a gold sentence states ("The limit exists and is equal to 4" -> 4, "3 is the only
    possible value" -> 3); the text itself when it holds no words, several values, or a hedge."""
    tokens = text.split()
    not_words = _MATH_WORDS - {"and"}
    is_word = [bool(re.fullmatch(r"[A-Za-z]{2,}[.,:;]?|[aAI]", t)) and t.strip(".,:;").lower() not in not_words
               for t in tokens]
    if not any(is_word) or _has_hedge(" ".join(t for t, w in zip(tokens, is_word) if w)):
        return text
    chunks, current = [], []
    for token, word in zip(tokens, is_word):
        if word:
            if current:
                chunks.append(current)
            current = []
        else:
            current.append(token)
    if current:
        chunks.append(current)
    return " ".join(chunks[0]).strip(",;:") if len(chunks) == 1 else text


def _interval_of(text: str) -> str | None:
    """x > 2 -> (2, \\infty), -1 \\le x < 3 -> [-1, 3), "x < 1 or x > 5" -> a union; None if not an inequality
    in one variable with constant bounds."""
    intervals = []
    for piece in re.split(r"\s*(?:\bor\b|\\cup)\s*", text):
        parts = [p.strip() for p in _INEQUALITY_OP_RE.split(piece)]
        ops = parts[1::2]
        if len(parts) not in (3, 5):
            return None
        values, names = parts[0::2], [i for i, p in enumerate(parts[0::2]) if re.fullmatch(r"[a-z]", p)]
        if len(names) != 1 or any(re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", v)) or not v
                                  for i, v in enumerate(values) if i != names[0]):
            return None
        less = ["<" in op or "\\l" in op for op in ops]
        closed = ["=" in op or op in ("\\le", "\\leq", "\\ge", "\\geq", "\\leqslant", "\\geqslant") for op in ops]
        if len(parts) == 5:
            if names[0] != 1 or less[0] != less[1]:
                return None
            low, high = (values[0], values[2]) if less[0] else (values[2], values[0])
            low_closed, high_closed = (closed[0], closed[1]) if less[0] else (closed[1], closed[0])
        else:
            bound, var_first = (values[1], True) if names[0] == 0 else (values[0], False)
            upper = less[0] == var_first  # x < b, or b > x
            low, high = ("-\\infty", bound) if upper else (bound, "\\infty")
            low_closed, high_closed = (False, closed[0]) if upper else (closed[0], False)
        intervals.append(f"{'[' if low_closed else '('}{low}, {high}{']' if high_closed else ')'}")
    return " \\cup ".join(intervals)


def canonical(text: str, is_gold: bool, several: bool = False) -> Form | None:
    """The side as a careful grader reads it; None for an answer that is ambiguous (a hedge, two options)."""
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            text = text[len(left):-len(right)].strip()
    boxes = _boxes(text)
    if len(boxes) > 1 and not is_gold:
        return None  # "\\boxed{1}\\boxed{2}" states two answers
    if boxes and boxes[0][0] == 0 and boxes[0][1] == len(text):
        text = boxes[0][2]
    for old, new in _UNICODE:
        text = text.replace(old, new)
    text = _SQRT_UNICODE_RE.sub(lambda m: "\\sqrt{" + next(g for g in m.groups() if g is not None) + "}", text)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\left", "").replace("\\right", "")
    if not is_gold and text.startswith("~"):
        return None  # "~5": about 5
    text = _LATEX_GROUP_RE.sub("", text.replace("\\displaystyle", "").replace("~", " ")).replace("\\!", "")
    text_unit, written_unit = _TEXT_UNIT_RE.search(text), ""
    if text_unit and text_unit.group(1).strip().lower() not in _HEDGE_WORDS | {"and"}:
        written_unit = text_unit.group(1).strip().rstrip(".").lower()
        text = text[:text_unit.start()] + _UNIT_SYMBOLS.get(written_unit, "")
        written_unit = "" if written_unit in _UNIT_SYMBOLS else _singular(written_unit)
    prev = None
    while prev != text:
        prev, text = text, _WRAPPER_RE.sub(lambda m: f" {m.group(1)} ", text)
    text = re.sub(r"(?<!\\)\\[,;: ]|\\q?quad", " ", text)  # a matrix row's \\ stays
    text = _REPEATING_DOTS_RE.sub(_repeating_to_fraction, re.sub(r"\s+", " ", text).strip())
    text = text.rstrip(".,;:").strip()
    if is_gold:
        # "900 (i.e., all values)": a gloss in words after the value.
        text = re.sub(r"\s*\((?:i\.e\.|e\.g\.|that is|namely|so|which)?[,\s]*[A-Za-z][A-Za-z\s,.'-]*\)\s*$", "", text)
    else:
        text = _LEAD_FILLER_RE.sub("", text).strip()
    text = _MIXED_NUMBER_RE.sub(_mixed_to_fraction, text) if _MIXED_NUMBER_RE.fullmatch(text) else text
    e_notation = _E_NOTATION_RE.fullmatch(text)
    if e_notation:
        text = f"{e_notation.group(1)} \\times 10^{{{int(e_notation.group(2))}}}"
    interval = _interval_of(_IN_LABEL_RE.sub("", text))
    if interval is not None:
        return Form(interval)
    if not re.search(r"[\d\\]", text):  # a number in words, then perhaps its noun ("thirty-six apples")
        for end in reversed([m.end() for m in re.finditer(r"[A-Za-z]+", text)]):
            if number_word_value(text[:end]) is not None:
                following = re.match(r"[\s-]*([A-Za-z]+)", text[end:])  # "two thousand and five" is not 2000
                if not following or (following.group(1).lower() != "and"
                                     and following.group(1).lower() not in _NUMBER_WORDS):
                    text = f"{number_word_value(text[:end])}{text[end:]}"
                break
    stripped = _strip_trailing_words(text, is_gold)
    if stripped is None:
        return None if not is_gold else Form(text)
    text, unit = stripped
    unit = unit or written_unit
    text = _sentence_value(text) if is_gold else text
    text = re.sub(r"\s+(?:and|or)\s+", ", ", text) if (is_gold or several) else text
    if not is_gold and (_has_hedge(text) or "?" in text or _BOUND_RE.search(text)):
        return None
    text = text.replace(" ", "") if _SPACE_GROUPS_RE.fullmatch(text) else text
    text = _PLAIN_GROUP_RE.sub(lambda m: m.group().replace(",", "") if _depth_at(text, m.start()) == 0 else m.group(),
                               text)
    if not is_gold and not several and len(_top_level_split(text, ",")) > 1:
        return None  # "3, 3" or "3, 4" for a gold of one value
    text = _REPEATING_RE.sub(lambda m: _repeating_to_fraction(m) if m.group(6) is None or m.group(0) == text
                             else m.group(0), text)
    text = _FUNCTION_LABEL_RE.sub("", text, count=1) if "=" in text else text
    if text.count("\\pm") + text.count("\\mp") == 1 and "," not in text:
        body = re.sub(r"^\s*[a-z]\s*=\s*", "", text)
        plus, minus = ("+", "-") if "\\pm" in text else ("-", "+")
        body = body.replace("\\pm", "\0").replace("\\mp", "\0")
        text = body.replace("\0", plus, 1) + ", " + body.replace("\0", minus, 1)
        text = re.sub(r"(^|, )\+", r"\1", text)
    text = _IN_LABEL_RE.sub("", text)
    percent = bool(_PERCENT_RE.search(text))
    text = _PERCENT_RE.sub("", text).strip() if percent else text
    return Form(text, percent, _UNIT_ALIASES.get(unit, unit))


def _base_number(text: str) -> tuple[str, int] | None:
    """("1011", 2) for 1011_2 / 1011_{2} / (1011)_2 with digits valid in that base; else None."""
    match = _BASE_RE.fullmatch(text.replace(" ", ""))
    if not match or not 2 <= int(match.group(2)) <= 36:
        return None
    try:
        int(match.group(1), int(match.group(2)))
    except ValueError:
        return None
    return match.group(1).lstrip("0") or "0", int(match.group(2))


def _special_match(gold: str, answer: str) -> bool | None:
    """Verdicts math-verify gets wrong: the empty set in its spellings, numbers in other bases (math-verify drops
    the subscript, so 1011_2 = 1011_3). None when neither applies."""
    gold_empty, answer_empty = bool(_EMPTY_SET_RE.match(gold)), bool(_EMPTY_SET_RE.match(answer))
    if gold_empty or answer_empty:
        return gold_empty and answer_empty
    gold_base, answer_base = _base_number(gold), _base_number(answer)
    if gold_base is None and answer_base is None:
        return None
    plain = lambda t: (t.replace(" ", "").lstrip("0") or "0") if re.fullmatch(r"[0-9A-Z ]+", t) else None  # noqa: E731
    if gold_base and answer_base:
        return gold_base == answer_base
    # One side names its base, the other writes the same digits (the question names the base).
    return (gold_base or answer_base)[0] == plain(answer if gold_base else gold)


def _equation_sides_disagree(answer: str) -> bool:
    """"10 = 5" states two values: constant sides must agree ("2 + 3 = 5" is fine, "x = 5" has one)."""
    sides = [s.strip() for s in re.split(r"(?<![<>!:=\\])=(?!=)", answer)]
    numeric = [re.sub(r"\\(?:frac|sqrt|pi|cdot|times|binom)", "", s) for s in sides]
    constants = [s for s, n in zip(sides, numeric) if s and not re.search(r"[A-Za-z]", n)]
    if len(sides) < 2 or len(constants) < 2:
        return False
    from math_verify import verify

    parsed = [parse_complete(s)[0] for s in constants]
    if any(p is None for p in parsed):
        return True
    return not all(verify(parsed[0], p) for p in parsed[1:])


def _percent_readings(gold: Form, answer: Form) -> list[tuple[str, str]]:
    """The (gold, answer) pairs to compare. A percent gold takes its number or its fraction (12.5\\% = 12.5 =
    0.125); a percent answer to a plain gold is read as a fraction, or as the number when the gold is no
    fraction itself (gold 20, answer 20\\%)."""
    if gold.percent == answer.percent:
        return [(gold.text, answer.text)]
    if gold.percent:
        return [(gold.text, answer.text), (f"({gold.text})/100", answer.text)]
    readings = [(gold.text, f"({answer.text})/100")]
    try:
        if abs(float(gold.text)) >= 1:
            readings.append((gold.text, answer.text))
    except ValueError:
        pass
    return readings


# ---------------------------------------------------------------------------
# Complete parses.
# ---------------------------------------------------------------------------
# Function and constant names that latex2sympy/sympy consume, so their letters are no variables.
_KNOWN_WORDS = {"floor", "ceil", "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "min", "max",
                "gcd", "lcm", "abs", "binom", "arcsin", "arccos", "arctan", "mod", "pmod", "deg", "frac", "infty",
                "pi", "oo", "inf", "circ", "cdot", "times", "le", "ge", "leq", "geq", "neq", "in", "cup", "cap",
                "pm", "mp", "to", "infinity"}
_LATEX_CMD_RE = re.compile(r"\\[A-Za-z]+")
_ENVIRONMENT_RE = re.compile(r"\\(?:begin|end)\s*\{[A-Za-z*]+\}")
_UNIT_TEXT_RE = re.compile(r"\\(?:text|mbox|mathrm)\s*\{[^{}]*\}")


def _variables_written(text: str) -> set[str]:
    """Single letters a complete parse must keep as symbols (units in \\text{} and function names
    are dropped or consumed by design; e and i read as constants)."""
    text = _UNIT_TEXT_RE.sub(" ", text)
    text = _ENVIRONMENT_RE.sub(" ", text)
    text = _LATEX_CMD_RE.sub(" ", text)
    letters: set[str] = set()
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() not in _KNOWN_WORDS:
            letters.update(word)
    return letters - {"e", "i", "E", "I"}


def _symbols_kept(expr) -> set[str]:
    """Letters of the free symbols anywhere in a parse (lists and sets of expressions included)."""
    names: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
            continue
        for symbol in getattr(node, "free_symbols", ()) or ():
            names.add(str(symbol))
    return {ch for name in names for ch in name}


def _as_math(text: str) -> str:
    # math-verify's LaTeX extractor wants delimiters; bare "42" or "x = 3" parse as expressions too.
    text = text.strip()
    return text if text.startswith("$") or "\\boxed" in text else f"${text}$"


def _imaginary_unit(expr):
    """latex2sympy reads i as a symbol: i^2 must be -1 (answers use no other i)."""
    try:
        import sympy

        units = {s: sympy.I for s in getattr(expr, "free_symbols", ()) or () if str(s) == "i"}
        if units:
            return expr.subs(units)
    except Exception:  # some parses (relations, sets of tuples) refuse subs; keep them as they are
        pass
    return expr


def parse_complete(text: str):
    """(parsed, status): status 'ok', 'failed' (nothing parsed) or 'partial' (the parse lost
    variables the text writes, e.g. `2^floor(n/2)*floor(n/2)!` -> 2)."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    parsed = parse(_as_math(text), extraction_config=[LatexExtractionConfig(), ExprExtractionConfig()])
    if not parsed:
        return None, "failed"
    parsed = [_imaginary_unit(parsed[0])] + list(parsed[1:])
    # latex2sympy lowers some symbols (\text{(C)} -> c): compare case-insensitively.
    kept = {ch.lower() for ch in _symbols_kept(parsed[0])}
    missing = {ch for ch in _variables_written(text) if ch.lower() not in kept}
    return parsed, ("partial" if missing else "ok")


def _unboxed(answer: str) -> str:
    boxes = _boxes(answer.strip())
    if len(boxes) == 1 and boxes[0][0] == 0 and boxes[0][1] == len(answer.strip()):
        return boxes[0][2]
    return answer


def choice_matches(letter: str, answer: str) -> bool:
    """The answer names option `letter` and no other ("B and D", "A or B", "(E) or (D)" name two: wrong). A
    lower-case letter counts only in parentheses ("(c)"); bare, it may be a variable."""
    answer = _unwrap(_unboxed(answer))
    lower = re.fullmatch(r"\(([a-j])\)", answer)
    if lower:
        return lower.group(1).upper() == letter
    pred = _CHOICE_PRED_RE.fullmatch(answer)
    if not pred or pred.group(1) != letter:
        return False
    rest = pred.group(2)
    return not any(other != letter for other in _OTHER_CHOICE_RE.findall(rest)) and not _has_hedge(rest)


# An AMC / NuminaMath gold: the option and its value, "\\textbf{(C)}\\ 12", "\\textbf{(C) }12", "(C) 12".
_CHOICE_VALUE_RE = re.compile(r"\(([A-J])\)\s*(\S.*)", re.DOTALL)


def choice_with_value(gold: str) -> tuple[str, str] | None:
    """("C", "12") for a gold that names an option and its value; None otherwise."""
    match = _CHOICE_VALUE_RE.fullmatch(re.sub(r"\\[,;: ]|\\q?quad|~", " ", _unwrap(gold)).strip())
    if not match or re.search(r"\([A-J]\)", match.group(2)) or _has_hedge(match.group(2)):
        return None
    return match.group(1), match.group(2).strip().strip("$").strip()


def _choice_value_matches(letter: str, value: str, answer: str) -> bool:
    """The option alone, the value alone, or both when they agree ("C", "(C)", "12", "(C) 12", "C and 12")."""
    unwrapped = re.sub(r"\\[,;: ]|\\q?quad|~", " ", _unwrap(_unboxed(answer))).strip()
    if re.fullmatch(r"\(([a-j])\)", unwrapped):
        return unwrapped[1].upper() == letter
    pred = _CHOICE_PRED_RE.fullmatch(unwrapped)
    if not pred:
        return _match_one(value, answer)[0]
    rest = re.sub(r"^[\s:,.=]*(?:and\b|with\b)?\s*", "", pred.group(2)).strip()
    if pred.group(1) != letter or _OTHER_CHOICE_RE.search(rest) and not rest[:1].isdigit():
        return False
    return not rest or _match_one(value, rest)[0]


_YES_NO_OPPOSITE = {"yes": {"no", "not", "never", "cannot", "impossible", "false", "wrong", "incorrect", "isn", "doesn",
                            "don", "aren", "wasn", "won", "nope", "neither", "nor"},
                    "no": {"yes", "yeah", "yep", "true", "correct"}}
_REASON_HEDGES = {"or", "either", "maybe", "perhaps", "possibly", "probably", "unless", "depending", "if", "except",
                  "guess", "unsure", "unclear", "wait", "actually", "but", "however", "although", "though",
                  "sometimes", "unknown", "likely", "unlikely", "might", "may"}


def _yes_no_with_reason(gold: str, answer: str) -> bool:
    """Gold yes/no, answer "Yes, it is possible": the word, then a reason with no opposite word and no hedge."""
    match = re.fullmatch(r"(yes|no)\s*[,.;:!]\s*(.+)", answer.strip(), re.IGNORECASE | re.DOTALL)
    if not match or match.group(1).lower() != gold or re.search(r"n['’]t\b", match.group(2)):
        return False
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", match.group(2))}
    return not words & (_YES_NO_OPPOSITE[gold] | _REASON_HEDGES)


def _gold_equation_value(gold: str) -> str | None:
    """252 for the gold "\\binom{10}{5} = 252": a constant expression equal to a plain value."""
    sides = [side.strip() for side in re.split(r"(?<![<>!:=\\])=(?!=)", gold.strip().strip("$"))]
    if len(sides) != 2 or not all(sides) or _variables_written(sides[0]):
        return None
    return sides[1] if is_plain_number(sides[1].replace(",", "")) else None


def _named_values(text: str) -> dict[str, str] | None:
    """{"a": "2", "b": "3"} for "a = 2, b = 3" (two or more different names); None otherwise."""
    text = _unboxed(text.strip().strip("$").strip())
    text = re.sub(r"\\text\s*\{\s*and\s*\}|\s+and\s+|;", ",", text)
    parts = [re.fullmatch(r"\s*([A-Za-z])\s*=(?!=)\s*(.+?)\s*", part, re.DOTALL)
             for part in _top_level_split(text, ",")]
    if len(parts) < 2 or not all(parts):
        return None
    names = [p.group(1) for p in parts]
    return dict((p.group(1), p.group(2)) for p in parts) if len(set(names)) == len(names) else None


# A number written out: digits, a decimal, a fraction of two numbers, or scientific notation.
_NUMERAL = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_PLAIN_NUMBER_RE = re.compile(
    rf"{_NUMERAL}|{_NUMERAL}/{_NUMERAL}|[-+]?\\[dt]?frac\{{{_NUMERAL}\}}\{{{_NUMERAL}\}}|[-+]?\\[dt]?frac\d\d"
    rf"|{_NUMERAL}(?:\\times|\\cdot|\*)10\^(?:\{{[-+]?\d+\}}|[-+]?\d)")


_DEGREES_RE = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°")


def is_plain_number(text: str) -> bool:
    """A number written out; degrees (30^\\circ) and a dollar sign (\\$18) state it too."""
    text = _DEGREES_RE.sub("", text.replace("{,}", "").replace("\\$", "").replace("$", ""))
    return bool(_PLAIN_NUMBER_RE.fullmatch(re.sub(r"\s+", "", text)))


# A sum, difference, product or quotient between numbers (+ - * / × ÷ \\times \\cdot \\div \\ast \\bullet) after a
# number or a bracket; a single a/b is a plain number and never gets here.
_BINARY_OPERATION_RE = re.compile(
    r"[\d)}!.]\s*(?:[-+*/×÷]|\\times|\\cdot|\\div|\\ast|\\bullet)\s*[-+]?\s*[\d(\\{.]")


def _states_number(side: str) -> bool:
    """An equation's side that states a number once its wrappers are read past (\\$, a \\text{} unit, a box)."""
    if is_plain_number(side):
        return True
    form = canonical(side, is_gold=False)
    return form is not None and is_plain_number(form.text)


def _operation_left(side: str) -> bool:
    bare = _DEGREES_RE.sub("", side.replace("\\$", "").replace("$", ""))  # 180^\\circ - 150^\\circ is a difference
    return bool(_BINARY_OPERATION_RE.search(bare)) and not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", bare))


def _arithmetic_left_undone(gold: str, answer: str) -> bool:
    """A plain-number gold, and an answer that leaves a sum, difference, product or quotient undone ("10 + 8",
    "9 \\cdot 2", "2 \\times 9" for 18): math-verify evaluates them equal, but restating the question's
    arithmetic is no answer, and a reward that pays it teaches exactly that. Powers, roots and factorials
    ("2^8", "\\sqrt{49}", "3!") stay math-verify's call, as does anything with a variable or unit in it; an
    equation passes when one of its sides states the number ("10 + 8 = 18")."""
    if not is_plain_number(gold):
        return False
    sides = re.split(r"(?<![<>!:=\\])=(?!=)|\\Rightarrow|\\implies", answer)
    if any(_states_number(side) for side in sides):
        return False
    return any(_operation_left(side) for side in sides)


def _match_one(gold: str, answer: str) -> tuple[bool, str | None]:
    letter = choice_letter(gold)
    if letter is not None:
        return choice_matches(letter, answer), None
    option = choice_with_value(gold)
    if option is not None:
        return _choice_value_matches(*option, answer), None
    if _is_all_reals(gold) and _is_all_reals(answer):
        return True, None
    gold = _gold_equation_value(gold) or gold
    gold_named = _named_values(gold)
    if gold_named and _has_hedge(answer):
        return False, "answer_ambiguous"  # "a = 2 or b = 3" is no pair (roots joined by "or" have one name)
    answer_named = _named_values(answer) if gold_named else None
    if gold_named and answer_named:  # "a = 2, b = 3": name by name, in any order
        return gold_named.keys() == answer_named.keys() and all(
            _match_one(gold_named[name], answer_named[name])[0] for name in gold_named), None
    if is_text_answer(gold) and number_word_value(_unwrap(gold)) is None:
        same = normalise_string(_unwrap(gold)) == normalise_string(_unwrap(answer))
        word = normalise_string(_unwrap(gold))
        return same or (word in _YES_NO_OPPOSITE and _yes_no_with_reason(word, _unwrap(_unboxed(answer)))), None
    gold_form = canonical(gold, is_gold=True)
    answer_form = canonical(answer, is_gold=False, several=_several_values(gold_form.text))
    if answer_form is None:
        return False, "answer_ambiguous"
    if gold_form.unit and answer_form.unit and gold_form.unit != answer_form.unit:
        return False, None  # 5 hours is not 5 minutes
    special = _special_match(gold_form.text, answer_form.text)
    if special is not None:
        return special, None
    if _arithmetic_left_undone(gold_form.text, answer_form.text):
        return False, "answer_unevaluated"
    if _equation_sides_disagree(answer_form.text):
        return False, "answer_ambiguous"
    errors = []
    for gold_text, answer_text in _percent_readings(gold_form, answer_form):
        correct, error = _math_match(gold_text, answer_text)
        if correct:
            return True, error
        errors.append(error)
    return False, next((e for e in errors if e), None)


def _math_match(gold: str, answer: str) -> tuple[bool, str | None]:
    from math_verify import verify

    gold_parsed, gold_status = parse_complete(gold)
    if gold_status != "ok":
        return normalise_string(gold) == normalise_string(answer), f"reference_parse_{gold_status}"
    pred_parsed, pred_status = parse_complete(answer)
    if pred_status != "ok":
        same = normalise_string(gold) == normalise_string(answer)
        return same, None if same else ("parse_failed" if pred_status == "failed" else "answer_parse_partial")
    return bool(verify(gold_parsed, pred_parsed)), None


def verify_one(reference: str, extracted: str | None) -> tuple[bool, str | None]:
    """(is_correct, verify_error). Correct when the answer matches any gold alternative. Runs
    inside a pool worker's main thread, where math-verify's own signal-based timeouts work."""
    if extracted is None or not str(extracted).strip():
        return False, "no_answer"
    errors = []
    try:
        for gold in gold_alternatives(reference) or [reference]:
            correct, error = _match_one(gold, extracted)
            if correct:
                return True, error
            errors.append(error)
    except Exception as exc:  # math-verify raises on pathological input; record, don't crash
        return False, f"error: {type(exc).__name__}: {str(exc)[:200]}"
    return False, next((e for e in errors if e), None)


def _warm_worker() -> None:
    """Pool initializer: math-verify, sympy and the parser imported and run once before the worker takes an item,
    so an item's timeout never counts the worker's start-up (a worker restarted after a timeout starts cold)."""
    verify_one("1", "1")


class Verifier:
    """A pebble process pool: a hung item is killed at `timeout_s` and recorded as 'timeout'. The timeout covers
    the item only: pebble starts an item's clock when a worker takes it, after `_warm_worker` has run."""

    def __init__(self, workers: int = 2, timeout_s: float = VERIFY_TIMEOUT_S):
        from pebble import ProcessPool

        self.timeout_s = timeout_s
        import multiprocessing as mp

        # spawn: forking a process that holds an inference engine and torch threads can deadlock.
        self._pool = ProcessPool(max_workers=workers, context=mp.get_context("spawn"), initializer=_warm_worker)
        self._fn = verify_one

    def verify_many(self, items: list[tuple[str, str | None]]) -> list[tuple[bool, str | None]]:
        futures = [self._pool.schedule(self._fn, args=item, timeout=self.timeout_s) for item in items]
        results = []
        for future in futures:
            try:
                results.append(future.result())
            except FutureTimeout:
                results.append((False, "timeout"))
            except Exception as exc:  # a crashed worker (e.g. recursion blow-up) is recorded too
                results.append((False, f"error: {type(exc).__name__}: {str(exc)[:200]}"))
        return results

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
