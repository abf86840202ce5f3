"""A gold list whose order means something: "1/3, 1, 1/9" (d(6), d(16), d(72)) against the same values sorted.

A bare list of three or more numbers that the gold writes in neither ascending nor descending order is read in
that order, and so is a descending pair against a parenthesised tuple; a sorted gold ("-3, 2", "1, 2, 5") may be a
solution set written by convention, and stays order-free.
"""

from __future__ import annotations

import re
from fractions import Fraction

from typing import Callable

from .pairs import tuple_items


def _monotonic(values: list[float]) -> bool:
    pairs = list(zip(values, values[1:]))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def reordered_list(gold: str, answer: str, real_value: Callable[[str], float | None]) -> bool:
    """Whether the answer lists the values of an unsorted bare gold list in another order."""
    if gold.strip().strip("$").strip().startswith(("(", "[", "{", "\\{", "\\left", "\\langle", "\\begin")):
        return False  # a tuple is compared in order anyway; a set in braces is order-free by its notation
    answer = re.sub(r"\\(?:left|right)\s*(?=[()\[\]])", "", answer)
    gold_items, answer_items = tuple_items(gold), tuple_items(answer)
    if not gold_items or not answer_items or len(gold_items) < 2 or len(gold_items) != len(answer_items):
        return False
    gold_values = [real_value(item) for item in gold_items]
    answer_values = [real_value(item) for item in answer_items]
    if None in gold_values or None in answer_values:
        return False
    # Two values: a gold that writes the larger first ("1.68, 0.45") orders them, when the answer's parentheses
    # claim an order too ("(0.45, 1.68)"); a sorted pair may be a solution set.
    ordered_pair = len(gold_values) == 2 and gold_values[0] > gold_values[1] and answer.strip().strip("$").strip(
        ).startswith(("(", "\\left(", "\\langle"))
    if len(gold_values) == 2 and not ordered_pair or len(gold_values) > 2 and _monotonic(gold_values):
        return False
    close = [abs(g - a) <= 1e-9 * max(abs(g), abs(a), 1.0) for g, a in zip(gold_values, answer_values)]
    return not all(close)


def counts_differ(gold: str, answer: str, real_value: Callable[[str], float | None]) -> bool:
    """Two bare lists of numbers that hold different numbers of values ("1, 1, 2" against "1, 2"; "3, 1, 2" against
    "3, 1, 2, 2"): a value missing or repeated is another answer, whatever the order."""
    if gold.strip().strip("$").strip().startswith(("(", "[", "{", "\\{", "\\left", "\\langle", "\\begin")):
        return False
    gold_items, answer_items = tuple_items(gold), tuple_items(answer)
    if not gold_items or not answer_items or len(gold_items) < 2 or len(gold_items) == len(answer_items):
        return False
    return None not in [real_value(item) for item in gold_items + answer_items]


_RATIO_RE = re.compile(r"\s*\$?\s*(-?\d+(?:\.\d+)?(?:\s*:\s*-?\d+(?:\.\d+)?)+)\s*\$?\s*")
# "A:B:C = 1:3:2", "a : b : c =": the names a ratio is of, before its terms.
_RATIO_LABEL_RE = re.compile(r"^\s*\$?\s*[A-Za-z](?:_\{?\w+\}?)?(?:\s*:\s*[A-Za-z](?:_\{?\w+\}?)?)+\s*=\s*")


def _ratio_terms(side: str) -> re.Match | None:
    side = re.sub(r"\\colon|∶", ":", side)
    return _RATIO_RE.fullmatch(_RATIO_LABEL_RE.sub("", side))


def ratio_verdict(gold: str, answer: str) -> bool | None:
    """A ratio of three or more terms ("1:2:3") term by term, in order; None when the gold is no such ratio."""
    gold_ratio, answer_ratio = _ratio_terms(gold), _ratio_terms(answer)
    if not gold_ratio or gold_ratio.group(1).count(":") < 2:
        return None
    if not answer_ratio:
        return None
    terms = [[float(t) for t in m.group(1).split(":")] for m in (gold_ratio, answer_ratio)]
    if len(terms[0]) != len(terms[1]) or 0 in terms[0] or 0 in terms[1]:
        return False
    scale = terms[1][0] / terms[0][0]  # 2:4:6 is 1:2:3
    return scale > 0 and all(abs(a - g * scale) <= 1e-9 * max(abs(a), 1) for g, a in zip(*terms))


def parts_of_one_answer(pieces: list[str]) -> bool:
    """Gold pieces split at ';' that are parts of one answer, not alternatives: assignments to different names
    ("x = 1; y = 2") or different numbers ("3; 5"). Alternatives restate one value ("C(10, 5); 252")."""
    names = [re.match(r"\s*\$?\s*([A-Za-z]\w*)\s*=(?!=)\s*(.*)", piece) for piece in pieces]
    if all(names) and len({(name.group(1), name.group(2).strip()) for name in names}) == len(pieces):
        return True  # "x = 1; y = 2", and "x = 1; x = 2" (two roots)
    numbers = [re.fullmatch(r"\s*\$?\s*(-?\d+(?:\.\d+)?)\s*\$?\s*", piece) for piece in pieces]
    return all(numbers) and len({float(number.group(1)) for number in numbers}) > 1


_LABELS = {"min": "min", "minimum": "min", "smallest": "min", "least": "min", "lowest": "min",
           "max": "max", "maximum": "max", "largest": "max", "greatest": "max", "highest": "max"}
_LABEL = r"(min|minimum|smallest|least|lowest|max|maximum|largest|greatest|highest)"


def _labelled(text: str) -> dict[str, str] | None:
    """{"min": "4122", "max": "6049"} for "4122 (minimum), 6049 (maximum)", "\\text{max} = 6049, \\text{min} = 4122",
    "min 4122, max 6049"; None unless every part is one labelled value and the labels differ."""
    text = re.sub(r"\\(?:text|mathrm|textrm)\s*\{([^{}]*)\}|\\(?=min|max)", r"\1", text.strip().strip("$"))
    text = re.sub(r"\\[,;:! ]|\\q?quad|~", " ", text)
    found = {}
    for part in re.split(r"\s*(?:,|;|\band\b)\s*", text.strip().rstrip(".")):
        part = part.strip()
        match = (re.fullmatch(rf"(?P<value>[^()=]+?)\s*\(\s*(?:the\s+)?{_LABEL}\s*\)", part, re.IGNORECASE)
                 or re.fullmatch(rf"(?:the\s+)?{_LABEL}(?:\s+value)?\s*(?:=|:|is)?\s*(?P<value>[^=]+)", part,
                                 re.IGNORECASE))
        if not match or re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", match.group("value"))):
            return None  # "least common multiple is 72": a label is a whole word before a value, not a name's start
        label = _LABELS[next(g for g in match.groups() if g and g.lower() in _LABELS).lower()]
        if label in found:
            return None
        found[label] = match.group("value").strip()
    return found if len(found) >= 2 else None


def labelled_verdict(gold: str, answer: str, same_value) -> bool | None:
    """A minimum and a maximum, each with its label: the same label, the same value, in any order; None when the
    gold labels no values."""
    gold_values = _labelled(gold)
    if gold_values is None:
        return None
    answer_values = _labelled(answer)
    if answer_values is None:  # "4122, 6049": the values in the order the gold writes them
        items = [i.strip() for i in re.split(r"\s*(?:,|\band\b)\s*", answer.strip().strip("$")) if i.strip()]
        if any(re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", item)) for item in items):
            return False  # "3 is the maximum, 7 is the minimum": words, not bare values
        return len(items) == len(gold_values) and not re.search(r"[()=]", answer) and all(
            same_value(g, a) for g, a in zip(gold_values.values(), items))
    return gold_values.keys() == answer_values.keys() and all(same_value(gold_values[k], answer_values[k])
                                                              for k in gold_values)


_ELLIPSIS_ITEM_RE = re.compile(r"\s*(?:\\[lc]?dots|\\ldotp|\.\.\.|…)\s*\.?\s*")


def _listed_run(text: str) -> list[str] | None:
    """["1", "2", "4", "8"] for "1, 2, 4, 8, \\ldots"; None unless a comma list closes on an ellipsis."""
    items = [item.strip() for item in re.split(r",(?![^()\[\]{}]*[)\]}])", text.strip().strip("$").strip())]
    if len(items) < 3 or not _ELLIPSIS_ITEM_RE.fullmatch(items[-1]) or any(_ELLIPSIS_ITEM_RE.search(i) for i in items[:-1]):
        return None
    return items[:-1]


def ellipsis_list_verdict(gold: str, answer: str, same) -> bool | None:
    """Two sequences written as their first terms and an ellipsis ("1, 2, 4, 8, \\ldots"): every term both write
    must agree, at least three of them; a finite list against such a gold is not it. None when the gold is none."""
    gold_terms, answer_terms = _listed_run(gold), _listed_run(answer)
    if gold_terms is None:
        return None
    if answer_terms is None:
        return False if "," in answer and not re.search(r"[=<>]|\\[lg]eq?|\\in\b", answer) else None
    shared = min(len(gold_terms), len(answer_terms))
    if shared < 3 or not all(same(g, a) for g, a in zip(gold_terms, answer_terms)):
        return False
    if len(answer_terms) > len(gold_terms):  # "1, 2, 3, 5, 8, ..." for "1, 2, 3, ...": the terms it adds must continue
        continued = _continued(gold_terms, len(answer_terms))
        return continued is not None and all(same(str(g), a) for g, a in zip(continued, answer_terms))
    return True


def _continued(terms: list[str], count: int) -> list | None:
    """The gold's run continued to `count` terms when its terms are a plain arithmetic or geometric progression."""
    from fractions import Fraction
    try:
        values = [Fraction(t.strip().strip("$")) for t in terms]
    except (ValueError, ZeroDivisionError):
        return None
    steps = {b - a for a, b in zip(values, values[1:])}
    ratios = {b / a for a, b in zip(values, values[1:])} if all(values) else set()
    if len(steps) == 1:
        step = steps.pop()
        return [values[0] + step * i for i in range(count)]
    if len(ratios) == 1:
        ratio = ratios.pop()
        return [values[0] * ratio ** i for i in range(count)]
    return None


def _plain_numbers(text: str) -> list[Fraction] | None:
    items = [item.strip() for item in re.sub(r"^\s*[\[({]\s*|\s*[\])}]\s*$", "", text.replace("−", "-")).split(",")]
    try:
        return [Fraction(item) for item in items]
    except (ValueError, ZeroDivisionError):
        return None


def sorted_order_broken(reference: str, answer: str) -> bool:
    """A gold of three or more numbers in strictly decreasing order is a sorted sequence (DeepMind's "Sort 0, -3, 5
    in decreasing order." -> "5, 0, -3"), not a set of solutions, which is written in increasing order or any: the
    same numbers in another order answer something else."""
    golds, answers = _plain_numbers(reference), _plain_numbers(answer)
    if not golds or not answers or len(golds) < 3:
        return False
    decreasing = all(a > b for a, b in zip(golds, golds[1:]))
    return decreasing and sorted(golds) == sorted(answers) and golds != answers

