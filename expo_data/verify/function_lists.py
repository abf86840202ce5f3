"""Stage 3, comparison: a list of functions, as functional-equation answers give them ("$f(x)=0$ and $f(x)=2x+c$ for
any integer $c$" against "either $f \\equiv 0$, or $f(n) = 2n + K$ for some constant $K \\in \\mathbb{Z}$"). Each
side is cut into its definitions of one function name; a "\\pm" stands for two; each definition is read in its own
argument (an answer may write f(x) once and f(n) next). The lists are equal when every gold definition meets one
answer definition of its own (a parametrised family with its parameter's range, through `functions.py`) and none is
left over: a missing or an extra solution is a wrong answer."""

from __future__ import annotations

import re

from .rewrites import several_domains

# Where a definition starts: "f(x) =", "f(n)=", "f \\equiv", "f ≡".
_START_RE = re.compile(r"(?<![A-Za-z\\])([fghFGHPQ])\s*(?:\(\s*([a-z])\s*\)\s*=|\\equiv|≡)")
# Joining words between definitions, and before the first.
_JOIN_RE = re.compile(r"^(?:\s|,|;|\.|\\q?quad|\\[,;: ]|\\text\s*\{\s*(?:or|and)\s*\}|\b(?:or|and|either|both)\b)*|"
                      r"(?:\s|,|;|\.|\\q?quad|\\[,;: ]|\\text\s*\{\s*(?:or|and)\s*\}|\b(?:or|and)\b)*$")
_PLUS_MINUS_RE = re.compile(r"^\s*\\pm\s*(.+)$")
_MOST_ITEMS = 12
# A parameter's range after a definition: "for any integer c", "where c \\in \\mathbb{Z}". An answer that states none
# takes the gold's ("f(x) = 2x + K" for "f(x) = 2x + c for any integer c"); one that states another is another family.
_QUALIFIER_RE = re.compile(r"\s*,?\s*(?:\\text\s*\{\s*)?\b(?:for|with|where)\b.*$|\s*,?\s*\(?\s*[a-zA-Z]\s*(?:\\in|∈).*$")


def _definitions(text: str) -> list[str] | None:
    """Each definition as "f(x) = body [its qualifier]", in x; None when the text is not only definitions of one
    function (words before the first, two names, a definition in several letters)."""
    text = re.sub(r"\$|\\left|\\right|\\displaystyle", "", text).strip().rstrip(".")
    if several_domains(text):
        return None  # "... for all real x and ... for all integers x", "... for x \\ge 0 and ... for x < 0": read elsewhere
    starts = list(_START_RE.finditer(text))
    if not starts or len(starts) > _MOST_ITEMS or len({m.group(1) for m in starts}) > 1:
        return None
    if _JOIN_RE.sub("", text[:starts[0].start()]).strip():
        return None  # "all continuous f with f(x) = ...": words the list does not read
    items = []
    for here, after in zip(starts, starts[1:] + [None]):
        body = text[here.end():after.start() if after else len(text)]
        body = re.sub(r"(?:\s|,|;|\\q?quad|\\[,;: ]|\\text\s*\{\s*(?:or|and)\s*\}|\b(?:or|and)\b)*$", "", body).strip()
        if not body:
            return None
        argument = here.group(2) or "x"
        if argument != "x":
            if re.search(r"(?<![\\A-Za-z])x(?![A-Za-z])", body):
                return None  # "f(n) = x + n": no function of one letter
            body = re.sub(rf"(?<![\\A-Za-z]){argument}(?![A-Za-z])", "x", body)
        plus_minus = _PLUS_MINUS_RE.match(body)
        # the sign where it stands: "\\pm(x-1)" is x - 1 or -(x - 1); "\\pm x + 1" is x + 1 or -x + 1
        bodies = [plus_minus.group(1), f"-{plus_minus.group(1)}"] if plus_minus and "," not in body else [body]
        items += [f"{here.group(1)}(x) = {b}" for b in bodies]
    return items


def function_list_verdict(gold: str, answer: str, same) -> bool | None:
    """Both sides lists of definitions of one function, at least one of two or more: True when they pair off one to
    one under `same(gold_item, answer_item)`; None when either side is no such list."""
    gold_items, answer_items = _definitions(gold), _definitions(answer)
    if gold_items is None or answer_items is None or max(len(gold_items), len(answer_items)) < 2:
        return None
    if gold_items[0][0] != answer_items[0][0] or len(gold_items) != len(answer_items):
        return False if gold_items[0][0] == answer_items[0][0] else None
    unmatched = list(answer_items)
    for gold_item in gold_items:
        partner = next((a for a in unmatched if same(gold_item, a) or not _QUALIFIER_RE.search(a) and (
            _QUALIFIER_RE.search(gold_item) and same(_QUALIFIER_RE.sub("", gold_item), a))), None)
        if partner is None:
            return False
        unmatched.remove(partner)
    return True
