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
    valued = re.fullmatch(r"\(([a-j])\)\s+(?=\S)([^()]*)", answer)  # "(a) 120": MathQA's option, written with its value
    if valued and not re.search(r"\([a-j]\)", valued.group(2)):
        answer = f"({valued.group(1).upper()}) {valued.group(2)}"
    pred = _CHOICE_PRED_RE.fullmatch(answer)
    if not pred or pred.group(1) != letter:
        return False
    rest = pred.group(2)
    bare = not re.search(rf"{letter}\s*[)\]]", answer)  # "(B) -2" names option B, and -2 is its value
    option_text = re.match(r"\s+-\s+\S*\d[^=^+*/]*[A-Za-z]{2}", rest)  # "C - 24 cm": the option, then its text
    if bare and _LETTER_IN_FORMULA_RE.match(rest) and not option_text or _TURNED_DOWN_RE.search(rest):
        return False  # "B + 1", "A^{-1}", "C(5,2)", "E = mc^2" are formulas; "B \text{ fails}" turns B down
    return not any(other != letter for other in _OTHER_CHOICE_RE.findall(rest)) and not has_hedge(rest)


# What follows a letter that makes it a symbol in a formula, not an option: an operator, a call, a power.
_LETTER_IN_FORMULA_RE = re.compile(r"\\?\(|\s*(?:[-+*/^_=<>|!]|\\(?:neq?|cdot|times|le|ge|leq|geq|in|pm|mid)\b)")
_TURNED_DOWN_RE = re.compile(r"\b(?:fails?|eliminated|wrong|incorrect|false|reject\w*|impossible|ruled|excluded|"
                             r"cannot|not|isn't|never)\b|≠", re.IGNORECASE)


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


# An option the closing line names as its choice, beside the value: "28 (A)", "6% per annum (option D).", "1/3 ⇒ Answer
# (A)", "So (D) 8/15.", "$3^{20}$, choice (B)." Only at the line's end (or opening it), the value a whole token.
_NOT_THE_CHOICE_RE = re.compile(r"\?|\b(?:not|no|unlike|would|could|if|guess\w*|wrong|too|compare\w*|fails?|rather|instead|"
                                r"distractor|part|event|happens|probability|lists?|gives|also|but|except|only|than|bound)\b",
                                re.IGNORECASE)


def with_named_option(text: str, answer: str | None) -> str | None:
    """The answer with the option letter its closing line names as the choice beside it ("(D) 8/15"), so that it
    matches a letter gold or a value gold; unchanged when the line names none, or names a letter any other way."""
    if answer is None or re.fullmatch(r"\s*\(?[A-J]\)?\s*", answer) or re.match(r"\s*\(?[A-J]\)", answer):
        return answer
    answer = re.sub(r"(?<=[\d%°}.])\s*\(\s*[A-E]\s*\)\s*$|\s+\(\s*[A-E]\s*\)\s*$", "", answer) or answer  # "28 (A)"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    line = re.sub(r"\*\*|\$", "", lines[-1]).strip() if lines else ""
    value = r"\s*".join(re.escape(ch) for ch in re.sub(r"[\s$]", "", answer))  # "3^{20}" however spaced
    compact = plain = re.sub(r"\s+", " ", line)
    squashed_value = rf"(?<![\w.]){value}(?!\w|\.\d)"
    after = re.search(squashed_value + r"(?:\s*[A-Za-z%°]+){0,3}\s*[,;]?\s*(?:⇒|=>|→|(?i:so)|i\.e\.)?\s*\(?\s*(?:(?i:which is|that is)\s+)?"
                      r"(?:(?i:option|choice|answer)\s*:?\s*)?(?<![A-Za-z])\(?([A-E])\)?(?![A-Za-z])\s*\)?\s*[.!]?\s*$", compact)
    before = re.match(r"^(?:(?i:so|thus|hence|therefore|answer:?)\s*,?\s*)?\(([A-E])\)\s*" + squashed_value + r"\s*[.!]?\s*$",
                      compact)
    said = re.search(squashed_value + r"\s*[,;]?\s*(?i:which is|that is|i\.e\.)\s+(?i:option|choice)\s+\(?([a-e])\)?\s*[.!]?\s*$", compact)
    named = after or before or said  # "..., which is option a": MathQA's letters are lower case, said after the keyword
    if not named or _NOT_THE_CHOICE_RE.search(plain) or len(set(re.findall(r"(?<![\w(])\(?([A-E])\)(?!\w)", plain))) > 1:
        return _option_said(plain, answer)
    return f"({named.group(1)}) {answer}"


_OPTION_SAID_RE = re.compile(r"\b(?i:option|choice)\s*\(?([A-E])\)?(?=\s*[:.),]|\s+\S|\s*$)")


def _option_said(line: str, answer: str) -> str:
    """"..., which is option C) 5 and 1.", "**Option C: Rs. 698**", "the answer is 88 m², choice D.": one option
    named in so many words in the closing line's last sentence, and nothing there that turns it down."""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip())[-1]
    said = {m.group(1) for m in _OPTION_SAID_RE.finditer(sentence)}
    if len(said) != 1 or _NOT_THE_CHOICE_RE.search(sentence):
        return answer
    return f"({said.pop()}) {answer}"
