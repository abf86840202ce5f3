"""The reward: final-answer extraction and checking against the gold, in a process pool with
per-item timeouts. A wrong positive poisons the training set, so every rule here errs towards
"not correct" when it cannot be sure.

Extraction order (the first that matches wins, recorded in `extraction_method`):
  1. `boxed`: the content of the last \\boxed{...} (or \\fbox{...}), braces balanced; boxes that
     stand side by side ("\\boxed{3}, \\boxed{5}") are one answer "3, 5";
  2. `final_answer_phrase`: what follows the last "final answer is" / "answer:", across line breaks,
     taking the first `$...$` / `\\[...\\]` span when there is one;
  3. `gsm8k_hash`: the text after the last "####";
  A boxed or phrased answer followed by a retraction ("Wait, actually it is 6") is skipped.
  4. `last_math` / `last_number`: the last `$...$` span when the text's last number lies in it
     ("there are $4^n$ regions" -> 4^n), else the last number; neither in a completion cut off at
     max_tokens, whose end is mid-reasoning rather than an answer.
A phrase longer than a short expression is reduced to its last number ("the final answer is within
a 2-digit number, 102" -> "102"); an empty \\boxed{} is no answer, and a phrase with no digit that is
several words or a filler word ("the answer is within \\boxed{}") is skipped.

Checking (`verify_one`): the gold is split into acceptable alternatives ("C(10, 5), or equivalently
252", "5/14, or approximately 35.7%", "a; b"); each is matched as
  - a multiple-choice letter ("(C)", "\\text{(C)}") or a text answer ("Yes", "Evelyn"): normalised
    string equality (math-verify would read "Yes" as the product Y*e*s);
  - otherwise parsed with math-verify (LaTeX, then plain expressions) on both sides and compared with
    its `verify`. A parse that drops part of the text (math-verify reads `2^floor(n/2)*floor(n/2)!`
    as `2`) is treated as unparsed: `verify_error` is 'reference_parse_partial' (or
    'answer_parse_partial') and the check falls back to normalised string equality, never to the
    partial value.
"""

from __future__ import annotations

import re
from concurrent.futures import TimeoutError as FutureTimeout

VERIFY_TIMEOUT_S = 5.0

_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")
_FILLER_WORDS = {"within", "in", "the", "a", "an", "not", "given", "below", "above", "as", "that", "this", "to"}
# "final answer is", "final answer:", "answer is", "answer:", "Final Answer: The final answer is"; then
# optional ":" / "**" and any whitespace, line breaks included.
_PHRASE_RE = re.compile(r"(?:final answer|answer)(?:\s+is|\s*:)[\s:*]*", re.IGNORECASE)
# $...$ (an escaped \$ is a dollar sign, not a delimiter), $$...$$, \[...\], \(...\).
_MATH_SPAN_RE = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.DOTALL)
# "42 apples", "$10.00 in all": a number followed by words only is that number.
_NUMBER_THEN_WORDS_RE = re.compile(r"(-?\\?\$?\d[\d,]*(?:\.\d+)?)\s+[A-Za-z][A-Za-z\s]*")
_TRAILING_JUNK_RE = re.compile(r"(?:\s*(?:I hope it is correct|which is the answer)\.?)+\s*$", re.IGNORECASE)
_BOX_JOIN_RE = re.compile(r"^\s*(?:,|and|,\s*and|;)?\s*$")


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every balanced \\boxed{...} / \\fbox{...}, in order."""
    found = []
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
    return found


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...}, with nested braces balanced; None if absent or unclosed."""
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    boxes = [b for b in _boxes(text) if b[0] == start]
    return boxes[0][2] if boxes else None


def _final_boxed(text: str) -> tuple[str, int] | None:
    """(answer, end of the last box): the last non-empty box, joined with the boxes right before it when only
    ',' or 'and' separates them; None when the last box is unclosed or every box is empty."""
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
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


def _phrase_answer(text: str) -> str | None:
    matches = list(_PHRASE_RE.finditer(text))
    if not matches:
        return None
    rest = text[matches[-1].end():]
    span = _MATH_SPAN_RE.match(rest.lstrip())
    if span:
        candidate = next(g for g in span.groups() if g is not None)
    else:
        candidate = next((line for line in rest.splitlines() if line.strip()), "")
        inner = _MATH_SPAN_RE.search(candidate)
        if inner and len(candidate) > 24:
            candidate = next(g for g in inner.groups() if g is not None)
    candidate = _TRAILING_JUNK_RE.sub("", candidate.replace("\\boxed{}", "")).strip().strip("*").strip()
    candidate = candidate.rstrip(".").strip()
    number_then_words = _NUMBER_THEN_WORDS_RE.fullmatch(candidate)
    if number_then_words:
        candidate = number_then_words.group(1)
    if len(candidate) > 24 and _NUMBER_RE.findall(candidate):
        candidate = _NUMBER_RE.findall(candidate)[-1]
    words = candidate.split()
    filler = not any(ch.isdigit() for ch in candidate) and (len(words) > 1 or candidate.lower() in _FILLER_WORDS)
    return candidate[:200] if candidate and not filler else None


_RETRACTION_RE = re.compile(r"\b(?:wait|actually|mistake|correction|instead|oops|recheck|re-check)\b", re.IGNORECASE)


def _retracted(tail: str) -> bool:
    """Text after the stated answer takes it back ("Wait, actually it is 6")."""
    match = _RETRACTION_RE.search(tail)
    return bool(match) and bool(_NUMBER_RE.search(tail[match.end():]))


def extract_answer(text: str, truncated: bool = False) -> tuple[str | None, str | None]:
    """Return (answer, method) following the documented fallback order."""
    boxed = _final_boxed(text)
    if boxed and not _retracted(text[boxed[1]:]):
        return boxed[0], "boxed"
    phrase = _phrase_answer(text)
    if phrase:
        after = text[list(_PHRASE_RE.finditer(text))[-1].end():].lstrip()
        if not _retracted(after[after.find(phrase) + len(phrase):] if phrase in after else after):
            return phrase, "final_answer_phrase"
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
    boxed_at = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
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


def gold_alternatives(reference: str) -> list[str]:
    """Acceptable golds: the reference split at "or equivalently", "or approximately", "\\approx"
    and ';', only where they sit outside braces, brackets and parentheses."""
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
_CHOICE_PRED_RE = re.compile(r"(?i:option\s+|choice\s+)?\(?([A-J])\)?(?:[\s.:,].*)?", re.DOTALL)


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


def parse_complete(text: str):
    """(parsed, status): status 'ok', 'failed' (nothing parsed) or 'partial' (the parse lost
    variables the text writes, e.g. `2^floor(n/2)*floor(n/2)!` -> 2)."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    parsed = parse(_as_math(text), extraction_config=[LatexExtractionConfig(), ExprExtractionConfig()])
    if not parsed:
        return None, "failed"
    # latex2sympy lowers some symbols (\text{(C)} -> c): compare case-insensitively.
    kept = {ch.lower() for ch in _symbols_kept(parsed[0])}
    missing = {ch for ch in _variables_written(text) if ch.lower() not in kept}
    return parsed, ("partial" if missing else "ok")


def _match_one(gold: str, answer: str) -> tuple[bool, str | None]:
    letter = choice_letter(gold)
    if letter is not None:
        pred = _CHOICE_PRED_RE.fullmatch(_unwrap(answer))
        return bool(pred) and pred.group(1).upper() == letter, None
    if is_text_answer(gold):
        return normalise_string(_unwrap(gold)) == normalise_string(_unwrap(answer)), None
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


class Verifier:
    """A pebble process pool: a hung item is killed at `timeout_s` and recorded as 'timeout'."""

    def __init__(self, workers: int = 2, timeout_s: float = VERIFY_TIMEOUT_S):
        from pebble import ProcessPool

        self.timeout_s = timeout_s
        import multiprocessing as mp

        # spawn: forking a process that holds an inference engine and torch threads can deadlock.
        self._pool = ProcessPool(max_workers=workers, context=mp.get_context("spawn"))
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
