"""The type a gold (or answer) is read as: one reader for LaTeX and plain-text math, used by the gold audit
(`expo-data generate --dry-run`) and recorded per sample as `gold_type`. The comparison itself lives in
compare.py / pairs.py; this module only says what a side is and whether it was read whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gold import gold_answer
from .normalise import canonical, choice_letter, gold_alternatives, is_text_answer
from .sentences import stated_value
from .pairs import (unit_of, chained_names, notation, qualified_value, quantified_value, sentence_verdict,
                    solution_set, tuple_items)
from .parse import parse_complete
from .plain import letters_of, looks_plain, parse_plain
from .words import number_word_value

# The answer types, in the order the audit prints them.
GOLD_TYPES = ("number", "expression", "equation", "tuple", "list", "interval", "matrix", "choice", "named",
              "solutions", "text", "unreadable")


@dataclass(frozen=True)
class Reading:
    """kind: one of GOLD_TYPES; status: 'ok' (read whole), 'partial' (a parser dropped part of it; compared as
    a string only), 'text' (compared as words only); reason says why for anything but 'ok'."""
    kind: str
    status: str = "ok"
    reason: str | None = None


def _named(text: str) -> bool:
    from .compare import _named_values  # compare imports this module's siblings only: no circle

    return bool(_named_values(text) or chained_names(text))


def _math_kind(text: str) -> Reading:
    """A side that is math: its shape, then whether a parser reads it whole."""
    if re.search(r"\\begin\s*\{[pbvB]?matrix\}", text):
        return Reading("matrix")
    one = r"[\[(][^,\[\]()]+,[^,\[\]()]+[\])]"
    if re.fullmatch(rf"\s*{one}(?:\s*\\cup\s*{one})*\s*", text) and (
            "\\infty" in text or "\\cup" in text or not re.fullmatch(r"\s*\(.*\)\s*", text)):
        return Reading("interval")  # (1, 2) alone reads as a tuple; [1, 2), (-\infty, 3] are intervals
    if tuple_items(text) is not None and text.strip().startswith(("(", "\\langle")):
        return Reading("tuple")
    plain = parse_plain(text) if looks_plain(text) else None
    if plain is not None and letters_of(text) <= {str(s) for s in plain.free_symbols} | _sum_indices(plain):
        return Reading("number" if plain.is_number else "expression")
    parsed, status = parse_complete(text)
    kind = "list" if tuple_items(text) is not None else "equation" if re.search(r"(?<![<>!])=", text) else None
    if status == "failed":
        return Reading(kind or "unreadable", "text", "no parser reads it")
    if status == "partial":
        return Reading(kind or "expression", "partial", "the parse drops part of it")
    if kind:
        return Reading(kind)
    value = parsed[0]
    return Reading("number" if getattr(value, "is_number", False) else "expression")


def _sum_indices(expr) -> set[str]:
    from .pairs import _bound

    return _bound(expr)


def read_gold(reference: str) -> Reading:
    """How a gold is read: the first alternative's type; partly read or text-only when any alternative is. A whole
    solution is read by its answer (its last box, its `####` line), as the comparison reads it."""
    reference = gold_answer(reference)[0]
    readings = [read_side(alt) for alt in (gold_alternatives(reference) or [reference])]
    worst = next((r for r in readings if r.status != "ok"), None)
    return worst or readings[0]


def read_side(text: str) -> Reading:
    """The type of one side (one gold alternative, or an extracted answer)."""
    text = notation(text.strip())
    if not text:
        return Reading("unreadable", "text", "empty")
    if choice_letter(text) is not None or re.fullmatch(r"\\textbf\{\([A-J]\)\}.*|\(?[A-J]\)\s*\S.*", text):
        return Reading("choice")
    if sentence_verdict(text, "") is not None:
        return Reading("text")  # "no such integers exist": a sentence the comparison reads by its meaning
    value = quantified_value(text, number_word_value) or stated_value(text) or qualified_value(text)
    if value is not None:
        return read_side(value)
    if solution_set(text, _named_values_of):
        return Reading("solutions")
    if _named(text):
        return Reading("named")
    if is_text_answer(text):
        return Reading("number") if number_word_value(text) is not None else Reading("text", "text", "words")
    if unit_of(text) is not None:
        return Reading("number")  # 9.8 m/s^2: a value with its unit
    form = canonical(text, is_gold=True)
    if form is None or not form.text:
        return Reading("unreadable", "text", "nothing left after normalisation")
    return _math_kind(form.text)


def _named_values_of(text: str):
    from .compare import _named_values

    return _named_values(text)
