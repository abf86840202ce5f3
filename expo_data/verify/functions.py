"""Function answers in one spelling: "f: x \\mapsto 2x+1" is "f(x) = 2x+1"; "f(n) = 2n" against a gold
"f(x) = 2x" is the same function (its argument renamed); a parameter's condition after ", ", "with" or "where"
reads as after "for" ("f(x) = ax, a \\ge 0"); \\bigl( and \\Bigr) are parentheses."""

from __future__ import annotations

import re

_MAPSTO_RE = re.compile(r"^\s*(?:([A-Za-z])\s*:\s*)?([a-z])\s*(?:\\mapsto|↦|\\to)\s*(?=\S)")
_SIZED_BRACKET_RE = re.compile(r"\\(?:big|Big|bigg|Bigg)[lr]?\s*(?=[()\[\]|]|\\[{}])")
_CONDITION_SEPARATOR_RE = re.compile(
    r"(?:\s*,\s*(?:\\[ ,;]\s*)*|\s*\\text\{\s*(?:with|where|for)\s*\}\s*|\s+(?:with|where)\s+)"
    r"(?=[a-zA-Z](?:_\{?\w+\}?)?\s*(?:\\geq?|\\leq?|\\geqslant|\\leqslant|\\ne|\\neq|\\in|[<>≥≤]))")
_DEFINITION_RE = re.compile(r"^\s*([A-Za-z])\s*\(\s*([a-z])\s*\)\s*=(?!=)")


def function_spelling(text: str) -> str:
    text = _SIZED_BRACKET_RE.sub("", text)
    mapsto = _MAPSTO_RE.match(text)
    if mapsto and "=" not in text:
        text = f"{mapsto.group(1) or 'f'}({mapsto.group(2)}) = " + text[mapsto.end():]
    if _DEFINITION_RE.match(text):
        text = _CONDITION_SEPARATOR_RE.sub(r" \\text{ for } ", text)
    return text


def renamed_argument(gold: str, answer: str) -> str | None:
    """The answer with its function's argument renamed to the gold's: "f(n) = 2n" for a gold "f(x) = 2x". Unchanged
    unless both define the same function of one letter; None when the answer's body uses the gold's letter and not
    its own ("f(n) = 2x": no function of n that a grader can read)."""
    gold_def, answer_def = _DEFINITION_RE.match(gold), _DEFINITION_RE.match(answer)
    if not gold_def or not answer_def or gold_def.group(1) != answer_def.group(1):
        return answer
    old, new = answer_def.group(2), gold_def.group(2)
    body = answer[answer_def.end():]
    uses = [bool(re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z])", body)) for letter in (old, new)]
    if old == new:
        return answer
    if uses[1]:
        return answer if uses[0] else None
    return f"{answer_def.group(1)}({new}) =" + re.sub(rf"(?<![\\A-Za-z]){old}(?![A-Za-z])", new, body)
