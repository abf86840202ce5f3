"""Stage 3, comparison of options: a gold that is an option letter ("C", "(C)", MathQA's lower-case "c", JEE's
several letters "ABD") or an option with its value ("(C) 12"), against the answer that names options."""

from __future__ import annotations

import re

from .phrase import has_hedge
from .normalise import _CHOICE_PRED_RE, _OTHER_CHOICE_RE, _unwrap
from .parse import _unboxed


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
    return not any(other != letter for other in _OTHER_CHOICE_RE.findall(rest)) and not has_hedge(rest)


# An AMC / NuminaMath gold: the option and its value, "\\textbf{(C)}\\ 12", "\\textbf{(C) }12", "(C) 12", "C) 12".
_CHOICE_VALUE_RE = re.compile(r"\(?([A-J])\)\s*(\S.*)", re.DOTALL)


def choice_with_value(gold: str) -> tuple[str, str] | None:
    """("C", "12") for a gold that names an option and its value; None otherwise."""
    match = _CHOICE_VALUE_RE.fullmatch(re.sub(r"\\[,;: ]|\\q?quad|~", " ", _unwrap(gold)).strip())
    if not match or re.search(r"\([A-J]\)", match.group(2)) or has_hedge(match.group(2)):
        return None
    return match.group(1), match.group(2).strip().strip("$").strip()


def choice_value_matches(letter: str, value: str, answer: str, same) -> bool:
    """The option alone, the value alone, or both when they agree ("C", "(C)", "12", "(C) 12", "C and 12")."""
    unwrapped = re.sub(r"\\[,;: ]|\\q?quad|~", " ", _unwrap(_unboxed(answer))).strip()
    if re.fullmatch(r"\(([a-j])\)", unwrapped):
        return unwrapped[1].upper() == letter
    pred = _CHOICE_PRED_RE.fullmatch(unwrapped)
    if not pred:
        return same(value, answer)
    rest = re.sub(r"^[\s:,.=]*(?:and\b|with\b)?\s*", "", pred.group(2)).strip()
    if pred.group(1) != letter or _OTHER_CHOICE_RE.search(rest) and not rest[:1].isdigit():
        return False
    return not rest or same(value, rest)


# MathQA writes its options "a ) rs . 400 , b ) 300 , ..." and stores the gold as the lower-case letter.
_MATHQA_OPTION_RE = re.compile(r"\s*\(?([a-e])\s*\)\s*(.*)", re.DOTALL)


def options_letter(gold: str, answer: str) -> tuple[str, str] | None:
    """(letter, answer as an option) for MathQA's lower-case gold ("c") against an answer that names an option:
    "C", "(C)", "(c)", "c ) 625"; None otherwise (a bare "c" is left to the math: it may be a variable)."""
    if not re.fullmatch(r"\s*[a-e]\s*", gold):
        return None
    bare = _unwrap(_unboxed(answer)).strip()
    if _MATHQA_OPTION_RE.fullmatch(bare):  # every "x )" an option: "c ) 625 , d ) 700" names two
        return gold.strip().upper(), re.sub(r"(?<![A-Za-z])\(?([a-e])\s*\)", lambda m: f"({m.group(1).upper()})", bare)
    named = re.match(r"(?:(?:option|choice)\s+)?[(\[]?[A-E]\b", bare, re.IGNORECASE)
    return (gold.strip().upper(), bare) if _CHOICE_PRED_RE.fullmatch(bare) and named else None


def letters_verdict(gold: str, answer: str) -> bool | None:
    """JEE's several correct options, stored "ABD": the answer names exactly those ("(A), (B), (D)", "A, B and D",
    "ABD"); None for a gold that is no such set (two or more distinct letters A-D in order)."""
    letters = _unwrap(gold).strip()
    if not re.fullmatch(r"[A-D]{2,4}", letters) or list(letters) != sorted(set(letters)):
        return None
    bare = re.sub(r"\\text\s*\{\s*(and|only)\s*\}", r" \1 ", _unwrap(_unboxed(answer))).strip().rstrip(".")
    bare = re.sub(r"\s+only$", "", re.sub(r"\(([a-d])\)", lambda m: f"({m.group(1).upper()})", bare))
    if has_hedge(re.sub(r"\band\b", ",", bare)):
        return False
    separated = re.fullmatch(r"\(?[A-D]\)?(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+)\(?[A-D]\)?)+", bare)
    if not separated:  # "BAC" is an angle, "\\overline{AB}" a segment: no answer naming options
        return True if bare == letters else None
    return sorted(re.findall(r"[A-D]", bare)) == list(letters)


# An option the closing line names beside its value: "28 (A)", "option D", "choice (B)", "⇒ Answer (A)", "So (D) 8/15".
_NAMED_OPTION_RE = re.compile(r"(?<!\w)(?:(?:option|choice|answer)\s*:?\s*\(?([A-E])\)?(?![\w)])|\(([A-E])\)(?!\w))")
_OPTIONS_LISTED_RE = re.compile(r"(?:\(?[A-E]\)\s*[^()\n]{0,20}){3,}")  # "A)145° B)150° C)155°": the options, no choice


def with_named_option(text: str, answer: str | None) -> str | None:
    """The answer with the one option letter its closing line names beside it ("(D) 8/15"), so that it matches a
    letter gold or a value gold; unchanged when the line names none, several, or one turned down ("not (A)")."""
    if answer is None or re.fullmatch(r"\s*\(?[A-J]\)?\s*", answer) or re.match(r"\s*\(?[A-J]\)", answer):
        return answer
    answer = re.sub(r"(?<=[\d%°}.])\s*\(\s*[A-E]\s*\)\s*$|\s+\(\s*[A-E]\s*\)\s*$", "", answer) or answer  # "28 (A)": the value, its letter read below
    lines = [line for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    letters = {a or b for a, b in _NAMED_OPTION_RE.findall(line)}
    value = re.sub(r"[\s$]|\\[,!; ]", "", answer)
    if len(letters) != 1 or _OPTIONS_LISTED_RE.search(line) or re.search(r"\b(?:not|isn't|no|neither|nor|rather than|instead of|"
                                                                          r"or)\b", line, re.IGNORECASE):
        return answer
    if not value or value not in re.sub(r"[\s$]|\\[,!; ]", "", line):
        return answer  # the letter belongs to the line that states this value, nowhere else
    return f"({letters.pop()}) {answer}"
