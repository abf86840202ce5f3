"""Final-answer extraction and math-verify checking in a process pool with per-item timeouts.

Extraction order (the first that matches wins, recorded in `extraction_method`):
  1. `boxed`: the content of the last \\boxed{...} (or \\fbox{...}), braces balanced;
  2. `final_answer_phrase`: the text after the last "final answer is" / "answer:";
  3. `gsm8k_hash`: the text after the last "####";
  4. `last_number`: the last number in the text, except in a completion cut off at
     max_tokens, whose last number is mid-reasoning rather than an answer.
A phrase longer than a short expression is reduced to its last number ("the final
answer is within a 2-digit number, 102" -> "102"); an empty \\boxed{} is no answer, and a phrase with
no digit that is several words or a filler word ("the answer is within \\boxed{}", "... within the
specified constraints") is skipped, so extraction falls through to the next rule.
"""

from __future__ import annotations

import re
from concurrent.futures import TimeoutError as FutureTimeout

VERIFY_TIMEOUT_S = 5.0

_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")
_FILLER_WORDS = {"within", "in", "the", "a", "an", "not", "given", "below", "above", "as", "that", "this", "to"}
_PHRASE_RE = re.compile(r"(?:final answer is|final answer:|answer is|answer:)\s*(.+)", re.IGNORECASE)


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...}, with nested braces balanced; None if absent or unclosed."""
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    i = text.index("{", start) + 1
    depth = 1
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i:j].strip()
    return None


def extract_answer(text: str, truncated: bool = False) -> tuple[str | None, str | None]:
    """Return (answer, method) following the documented fallback order."""
    boxed = last_boxed(text)
    if boxed:
        return boxed, "boxed"
    phrases = _PHRASE_RE.findall(text)
    if phrases:
        candidate = phrases[-1].replace("\\boxed{}", "").strip().rstrip(".").strip()
        if len(candidate) > 24 and _NUMBER_RE.findall(candidate):
            candidate = _NUMBER_RE.findall(candidate)[-1]
        words = candidate.split()
        filler = not any(ch.isdigit() for ch in candidate) and (len(words) > 1 or candidate.lower() in _FILLER_WORDS)
        if candidate and not filler:
            return candidate[:200], "final_answer_phrase"
    if "####" in text:
        candidate = text.rsplit("####", 1)[1].strip()
        if candidate:
            return candidate.splitlines()[0].strip(), "gsm8k_hash"
    numbers = _NUMBER_RE.findall(text)
    if numbers and not truncated:
        return numbers[-1], "last_number"
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


def _as_math(text: str) -> str:
    # math-verify's LaTeX extractor wants delimiters; bare "42" or "x = 3" parse as expressions too.
    text = text.strip()
    return text if text.startswith("$") or "\\boxed" in text else f"${text}$"


def verify_one(reference: str, extracted: str | None) -> tuple[bool, str | None]:
    """(is_correct, verify_error). Runs inside a pool worker's main thread, where
    math-verify's own signal-based timeouts work."""
    if extracted is None:
        return False, "no_answer"
    from math_verify import parse, verify

    try:
        gold = parse(_as_math(reference))
        if not gold:
            return False, "reference_parse_failed"
        pred = parse(_as_math(extracted))
        if not pred:
            return False, "parse_failed"
        return bool(verify(gold, pred)), None
    except Exception as exc:  # math-verify raises on pathological input; record, don't crash
        return False, f"error: {type(exc).__name__}: {str(exc)[:200]}"


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
