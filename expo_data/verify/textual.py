"""Answers compared as text: math delimiters, text wrappers and spacing read past. The string fallback compares
case-blind; an answer that writes the gold's own text is correct whatever the gold says (`same_text`)."""

from __future__ import annotations

import re

from .boxes import _boxes


_TEXT_WRAP_RE = re.compile(r"\\(?:text|textnormal|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
_SPACING_RE = re.compile(r"\\[,;:! ]|\\q?quad|~|\\left(?![a-z])|\\right(?![a-z])|\\displaystyle|\\dfrac|\\tfrac")  # not \\leftarrow


def _strip_text_wrappers(text: str) -> str:
    """\\text{\\textbf{(C)}} -> (C): wrappers removed until none is left."""
    prev = None
    while prev != text:
        prev, text = text, _TEXT_WRAP_RE.sub(r"\1", text)
    return text


def _unwrapped(text: str) -> str:
    return _strip_text_wrappers(text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))


def _bare_string(text: str) -> str:
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            text = text[len(left):-len(right)]
    text = _SPACING_RE.sub("", _unwrapped(text))
    return re.sub(r"\s+", "", text).rstrip(".")


def normalise_string(text: str) -> str:
    """For string fallback: no math delimiters, text wrappers, spacing commands, whitespace or
    case; \\dfrac and \\tfrac read as \\frac; a trailing period dropped."""
    return _bare_string(text).lower()


def same_text(gold: str, answer: str) -> bool:
    """The answer writes the gold itself, up to math delimiters, a box, text wrappers, spacing and a final period
    (case kept: n is not N). Whatever the gold says ("P(x)=c\\,x(x-1)\\cdots(x-25)", "7 if n is even, 8 if n is
    odd"), its own words are its answer, read or not."""
    def bare(text: str) -> str:
        text = re.sub(r"^~\s*", "≈", text.replace("$", "").strip())  # "~5" is about 5, no spacing
        boxes = _boxes(text)
        if len(boxes) == 1 and boxes[0][0] == 0 and boxes[0][1] == len(text):
            text = boxes[0][2]
        text = re.sub(r"\s+", " ", _SPACING_RE.sub(" ", _unwrapped(text))).strip().rstrip(".").strip()
        return re.sub(r"(?<=\W) | (?=\W)", "", text)  # a space between two words or digits stays: "1 1/2" is no 11/2
    gold_text = bare(gold)
    return bool(gold_text) and gold_text == bare(answer)
