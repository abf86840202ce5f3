"""Stage 0, the gold: a reference that is a whole solution (a MATH `solution` field ending in \\boxed{...}, a
GSM8K `answer` field with its <<...>> calculator notes and a closing `#### 72`) holds its answer where the
dataset's own convention puts it; that answer, not the prose, is the gold to compare and to type."""

from __future__ import annotations

import ast
import json
import re

from .boxes import _final_boxed

# Typesetting left around a gold by a dataset built from LaTeX sources (MathOdyssey stores "D\\\\\n\\noindent",
# "$x^4-10x^2+1.$ \\\\"): line breaks, paragraph and spacing commands, and a sentence's closing period.
_LAYOUT_RE = re.compile(r"(?:\s|\\\\|\\(?:noindent|newline|par|hfill|(?:big|med|small)skip)\b|\\vspace\*?\{[^{}]*\})+")


def joined_answers(items: list) -> str | None:
    """One gold for a dataset's list of answers (OlympiadBench's `final_answer`: ["$\\frac{1}{2}$"]): its items
    joined by commas; None unless every item is text ([1, 2] may be a vector or two answers: refused)."""
    if not items or not all(isinstance(i, str) for i in items):
        return None
    texts = [str(item).strip() for item in items]
    texts = [re.sub(r"\$\s*,\s*\$", ", ", text) for text in texts]  # "$10^{100}$,$10^{1 / 100}$": two values in one item
    return ", ".join(texts) if all(texts) else None


def _stored_list(text: str) -> str | None:
    """The gold of a list written out as text: JSON (["$2n-2$"]) or Python's repr (['1, 3, 5'], from a CSV written by
    pandas). A bracket list of numbers ([-1, -2], TheoremQA's) is an answer in its own right and stays."""
    if not re.fullmatch(r"\[\s*(['\"]).*\1\s*\]", text, re.DOTALL):
        return None
    if "\\" in re.sub(r"\\\\|\\u[0-9a-fA-F]{4}|\\\"", "", text):  # "\frac" written once: "\f" is no form feed here
        text = re.sub(r"\\(?!u[0-9a-fA-F]{4})", r"\\\\", text)  # json.dumps' "\u00b0" stays an escape
    for load in (json.loads, ast.literal_eval):
        try:
            items = load(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        return joined_answers(items) if isinstance(items, list) else None
    return None


def gold_answer(reference: str) -> tuple[str, bool]:
    """(the gold's answer, whether it was taken out of a longer solution). The line after the last `####` wins
    (GSM8K); else the last box, with the boxes that stand beside it (MATH); else the reference unchanged. A box
    whose closing brace is missing leaves the reference as it is (read as text, and flagged by the audit)."""
    text = reference.strip()
    listed = _stored_list(text)
    if listed is not None:
        return gold_answer(listed)
    if "####" in text:
        lines = text.rsplit("####", 1)[1].strip().splitlines()
        if lines and lines[0].strip():
            return lines[0].strip(), True
        return reference, False
    if "\\boxed" in text or "\\fbox" in text:
        boxed = _final_boxed(text)
        if boxed and boxed[0].strip():
            return boxed[0].strip(), boxed[0].strip() != text
    statement = _proved_statement(text)
    if statement is not None:
        return gold_answer(statement)[0], False
    joins = r"(,|;|,?\s*and|,?\s*or|,?\s*for (?:all|every|each|any)(?: (?:real|positive|rational|natural|nonnegative|integer))*" \
            r"(?: (?:numbers?|integers?|reals?))?)"
    spans = re.fullmatch(rf"\$[^$]+\$(?:\s*{joins}\s*\$[^$]+\$)+", text)
    if spans:  # "$f(n)=n$, $g(n)=1$", "$f(n)=n$ for all $n \in \mathbb{N}$": one answer in several spans
        return re.sub(rf"\$\s*{joins}\s*\$", lambda m: m.group(1).strip() + " " if m.group(1).strip() in ",;"
                      else " " + m.group(1).strip(", ") + " ", text).strip("$"), False
    bare = re.sub(f"^{_LAYOUT_RE.pattern}|{_LAYOUT_RE.pattern}$", "", text)
    if bare != text and bare:
        bare = re.sub(r"^(\$*)(.*?)\.(\$*)$", r"\1\2\3", bare, flags=re.DOTALL)
    return (bare, False) if bare and bare != text else (reference, False)


# PutnamBench stores its answers as what is to be shown: "Show that the solution is $r = \pi/2$.", "Prove that the
# smallest value of $a$ is $16$.", "Show that the only such functions are $f(x)=x^c$ for some $c>0$."
_IMPERATIVE_RE = re.compile(r"^\s*(?:show|prove|verify|demonstrate|check)\s+that\s+", re.IGNORECASE)
_SPAN_RE = re.compile(r"(?<!\\)\$([^$]+)\$")
_STATES_RE = re.compile(r"\s(?:is|are|equals|(?:is|are) given by|takes the form(?: of)?|(?:is|are) of the form)\s+")
# The noun before the first value ("are the functions $f(x)=x^c$"): it names what the values are, nothing more.
_NOUN_BEFORE_VALUE_RE = re.compile(r"^(?:(?:the|all|only|such|possible|real|positive|ordered)\s+)*(?:functions?|numbers?|"
                                   r"pairs?|triples?|values?|solutions?|integers?|reals?|answers?)?\s*(?=\x01)")
# The words a statement may give its values in: a family of integers ("the multiples of $3$ starting with $9$").
_FAMILY_WORDS_RE = re.compile(r"(?:\s|,|\x01|[()]|\d+|\b(?:the|all|multiples?|powers?|of|odd|even|primes?|positive|nonnegative|"
                              r"non-negative|integers?|numbers?|not|congruent|to|or|mod|modulo|starting|beginning|with|from)\b)+",
                              re.IGNORECASE)
_VALUE_JOIN_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and|or)\s*")
_QUALIFIER_JOIN_RE = re.compile(r"\s*,?\s*(?:for some|for any|for all|for every|with|where)\s*")


def _proved_statement(text: str) -> str | None:
    """The value a statement to be shown names ("Show that the solution is $r = \\pi/2$." -> "r = \\pi/2"), or a
    sentence whose subject holds math ("The smallest value of $a$ is $16$."), its
    spans joined ("$1$ and $7$" -> "1, 7"; "$f(x)=x^c$ for some $c>0$" keeps its qualifier); None for any other
    gold, or a statement that names no value after "is"/"are"."""
    imperative = _IMPERATIVE_RE.match(text)
    if not imperative and not re.match(r"(?:the|our|its)\s", text, re.IGNORECASE):
        return None
    text = text[imperative.end():] if imperative else text
    spans = _SPAN_RE.findall(text)
    masked = _SPAN_RE.sub(lambda m: "\x01", text).strip().rstrip(".").strip()
    verbs = list(_STATES_RE.finditer(masked))
    if len(verbs) == 1 and imperative and not spans and _FAMILY_WORDS_RE.fullmatch(masked[verbs[0].end():]):
        return masked[verbs[0].end():].strip()  # "Show that the answer is all nonnegative integers not congruent to 3 ..."
    if len(verbs) != 1 or "\x01" not in masked[verbs[-1].end():]:
        return None  # "the minimum is $0$ and the maximum is $1$", "... is $5$ when $n$ is $3$": not one value
    if not imperative and "\x01" not in masked[:verbs[-1].start()]:
        return None  # "The smallest such n is $7$.": read by the sentence readings (sentences.py)
    spans = spans[masked[:verbs[-1].end()].count("\x01"):]
    value = _NOUN_BEFORE_VALUE_RE.sub("", masked[verbs[-1].end():], count=1)
    pieces = re.split(r"(\x01)", value)
    joins = [piece for piece in pieces[::2]]
    if all(_VALUE_JOIN_RE.fullmatch(j) or not j for j in joins[1:-1]) and not joins[0].strip() and not joins[-1].strip():
        return ", ".join(span.strip().rstrip(".").strip() for span in spans)  # "$1$ and $7$"
    if len(spans) == 2 and not joins[0].strip() and not joins[-1].strip() and _QUALIFIER_JOIN_RE.fullmatch(joins[1]):
        return f"{spans[0].strip()} \\text{{ {joins[1].strip(' ,')} }} {spans[1].strip().rstrip('.')}"
    if not _FAMILY_WORDS_RE.fullmatch(value):
        return None  # "at least $3$", "$5$ if $n$ is even": a bound or a condition, not a value
    spans_left = iter(spans)
    return re.sub("\x01", lambda m: next(spans_left).strip().rstrip("."), value).strip()  # words: "the multiples of 3"
