"""What an answer states, read against its gold before the comparison: "x \\in (1, 2)" is an interval (no list of
two roots), "pH ≈ 3.6" or "2\\sqrt{3} \\approx 3.464" state a rounded value a decimal gold may be, and an exact
answer (2\\sqrt{3}, \\ln 2, 1/19, 12\\pi) matches a gold that writes it rounded (3.464, 0.6931, 0.0526, 37.7) to
the gold's own digits, when the gold has at least three significant ones (four for a gold that is a constant's
usual rounding, 3.14 or 2.72, or ends in 5 or 0, which are most often exact)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from .conversion import number_value
from .normalise import canonical
from .parse import parse_complete
from .units import unit_of

_MEMBERSHIP_RE = re.compile(r"\s*\$?\s*[A-Za-z]\s*(?:\\in|∈)\s*(?:\\left\s*)?[(\[]")
# "approximately 1.42", "pH ≈ 3.6", "NPV ≈ $41.32", "2\sqrt{3} \approx 3.464": a rounded value, after a word, after
# a name (letters, a Greek capital, a subscript), or after an exact form whose value rounds to it.
_APPROXIMATE_RE = re.compile(r"(?:(approximately|approx\.?|about|roughly)\s+|([^≈=<>!,;]*?)\s*(?:\\approx|≈|=)\s*)"
                             r"\$?\s*\\?\$?\s*(-?\d+\.\d+)\s*\$?")
_NAME_RE = re.compile(r"(?:\\Delta\s*|Δ)?[A-Za-z]{1,6}(?:_\{?[\w\\ ]+\}?)?")
# An equation that states a number for something other than a name ("x + 1 = 2.5", "x^2 = 3.6"): the number is no
# answer for the unknown. A name may be applied or subscripted: "f(3) = 8", "a_1 = 5", "P(A) = 0.5".
_NAMED_SIDE_RE = re.compile(r"\s*(?:(?:\\angle\s*)?\\?[A-Za-zΔ]+'{0,3}(?:_\{[^{}]+\}|_\w)?(?:\s*\([^()=]*\))?|"
                            r"(?:\\left\s*)?(?:\||\\\||\\lvert)\s*\\?(?:vec\s*\{?\s*)?[A-Za-z]\}?\s*(?:\\right\s*)?(?:\||\\\||\\rvert))\s*")
_NUMBER_SIDE_RE = re.compile(r"\s*-?\d+(?:\.\d+)?\s*")
_DECIMAL_RE = re.compile(r"-?\d+\.(\d+)")
MIN_SIGNIFICANT_DIGITS = 4  # 3.14 does not stand for pi (a labelled case of the committed corpus)
# An exact answer (11/3, \sqrt{3}/4, \ln 2, 12\pi, e^{-3}) stands for a gold rounded to three significant digits
# (3.67, 0.433, 0.693, 37.7, 0.0498), as TheoremQA and physics sets round; "use 3.14 for pi" and 2.72 are the inputs
# of grade-school questions, not rounded answers, so those golds (the list below) keep four.
MIN_SIGNIFICANT_DIGITS_EXACT = 3
# A three-digit gold ending in 5 or 0 (12.5, 0.375, 25.0) is most often exact, not rounded; 3.14, 1.41, 1.73,
# 2.72, 6.28 stand for constants. These keep four digits.
_CONSTANT_ROUNDINGS = {"3.14", "1.41", "1.73", "2.72", "2.71", "6.28", "1.57", "0.368", "0.693"}


def _looks_exact(gold: str) -> bool:
    return gold.lstrip("-").rstrip()[-1:] in ("5", "0") or gold.lstrip("-") in _CONSTANT_ROUNDINGS


def _significant_digits(decimal: str) -> int:
    return len(decimal.lstrip("-").replace(".", "").lstrip("0"))


# Only a claim in words: "Yes, 12" or "Yes, the minimum is 12" also asks for the value.
_VERDICT_GOLD_RE = re.compile(r"\s*\$?\s*(?:\\text\{)?\s*(yes|no)\s*[,;:.–—-]\s+[^{}$\d=]*\}?\s*\$?\s*", re.IGNORECASE)


def _states_rounded(before: str | None, value: str) -> bool:
    """What precedes "≈ value" lets the value stand: a word, a name, or an exact form that rounds to it."""
    if before is None or not before.strip():
        return True
    if _NAME_RE.fullmatch(before.strip()) and not re.match(r"\\?(?:log|ln|lg|sin|cos|tan|exp|sqrt)\b", before.strip()):
        return True
    exact = exact_value(before)  # "2\\sqrt{3} \\approx 3.464", "1/6 ≈ 0.167": the answer writes the rounding itself
    least = MIN_SIGNIFICANT_DIGITS if _looks_exact(value) else 2  # it writes the rounding itself; "2\\sqrt{3} ≈ 3.5" no
    return exact is not None and _significant_digits(value) >= least and round(exact, len(value.split(".")[1])) == float(value)


def unknown_equals_number(answer: str) -> bool:
    """ "x + 1 = 2.5", "2x = 2.5", "x^2 = 3.6": a number stated for an expression in one unknown, an equation not
    solved. An expression in several ("a + b = 9", "xy = 6") is what a question may ask for, and is read."""
    sides = answer.strip().strip("$").split("=")
    named = _NAMED_SIDE_RE.fullmatch(sides[0])
    if named and re.fullmatch(r"\s*([a-z])\s*\(.*\b\1\b.*\)\s*", sides[0]):
        named = None  # "x(x+1) = 12" is a product in x, not the value of a function x
    if len(sides) != 2 or not _NUMBER_SIDE_RE.fullmatch(sides[1]) or named:
        return False
    letters = set(re.findall(r"(?<![\\A-Za-z])[a-z](?![A-Za-z])", re.sub(r"\\[A-Za-z]+", " ", sides[0])))
    return len(letters) == 1


def gold_reading(gold: str) -> str:
    """A yes/no gold that restates its claim ("Yes, there are infinitely many pairs ...") is its verdict."""
    example = re.search(r"[,;(]?\s*(?:for example|for instance|e\.g\.|such as)\b[^{}$]*?(?=\}?\s*\$?\s*$)", gold,
                        re.IGNORECASE)  # "Yes, for example n = 5.": an illustration, not a value asked for
    verdict = _VERDICT_GOLD_RE.fullmatch(gold[:example.start()].rstrip(" ,;(") + ", with an example" if example else gold)
    rest = (gold[:example.start()] if example else gold)[verdict.end(1):] if verdict else ""
    if verdict and re.search(r";|\b(?:yes|no|otherwise|except)\b|\bfor (?:all |every |each )?(?:even|odd|[a-z]\b)",
                             rest, re.IGNORECASE):
        return gold  # "Yes, for even n; no for odd n.": a verdict that depends on the case is no single verdict
    return verdict.group(1).capitalize() if verdict else gold


# "c \le 1, c \ge 10": two rays of one variable that cannot both hold are read as either ("or").
_TWO_RAYS_RE = re.compile(r"\s*([a-z])\s*(\\leq?|\\geq?|[<>≤≥]=?)\s*(-?\d+(?:\.\d+)?)\s*,\s*(?:\\[ ,;]\s*)*"
                          r"([a-z])\s*(\\leq?|\\geq?|[<>≤≥]=?)\s*(-?\d+(?:\.\d+)?)\s*")


def _disjoint_rays(answer: str) -> str:
    rays = _TWO_RAYS_RE.fullmatch(answer.strip().strip("$"))
    if not rays or rays.group(1) != rays.group(4):
        return answer
    below = [float(rays.group(i + 1)) for i in (2, 5) if rays.group(i).startswith(("\\l", "<", "≤"))]
    above = [float(rays.group(i + 1)) for i in (2, 5) if rays.group(i).startswith(("\\g", ">", "≥"))]
    if len(below) == 1 and len(above) == 1 and below[0] < above[0]:
        first, second = answer.strip().strip("$").split(",", 1)
        second = re.sub(r"^(?:\\[ ,;]|\s)+", "", second)
        return first.strip() + " \\text{ or } " + second.strip()
    return answer


_SCALED_RE = re.compile(r"(?:\\?\$\s*)?(-?\d[\d,]*(?:\.\d+)?)\s*(?:\\text\{\s*)?(thousand|million|billion|trillion)\s*\}?")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DEGREES_RE = re.compile(r"\^\s*\{?\s*\\circ|°|\bdeg(?:rees?)?\b")
_RADIANS_RE = re.compile(r"\brad(?:ians?)?\b|\bgrad\b")
_CURRENCY_WORD_RE = re.compile(r"\b(?:cents?|pennies|penny|euros?|pounds?|yen|rupees?)\b|[¢€£¥]")
_SYMBOLS_KEPT = ("Å", "\\AA", "‰", "℃", "℉", "′", "″")  # marks the rest of the grader reads past


def _scaled_value(text: str) -> float | None:
    """5e6 for "5 million", "\\$2.5 \\text{ million}"; a plain written number as itself; None otherwise."""
    scaled = _SCALED_RE.fullmatch(text)
    if scaled:
        return float(scaled.group(1).replace(",", "")) * _SCALES[scaled.group(2).lower()]
    return number_value(re.sub(r"^\\?\$\s*", "", text).replace("{,}", ","))


def _kind_verdict(bare_gold: str, bare_answer: str) -> bool | None:
    """False when the answer states another kind of quantity than the gold: a scale (5 million for 5), radians
    for degrees, cents or euros for dollars, a mark (Å, ‰, ′) the gold lacks; True for the same scaled value."""
    if _SCALED_RE.fullmatch(bare_gold) or _SCALED_RE.fullmatch(bare_answer):
        gold_value, answer_value = _scaled_value(bare_gold), _scaled_value(bare_answer)
        if gold_value is not None and answer_value is not None:
            return math.isclose(gold_value, answer_value, rel_tol=1e-9)
    if _DEGREES_RE.search(bare_gold) and _RADIANS_RE.search(bare_answer) or \
            _RADIANS_RE.search(bare_gold) and _DEGREES_RE.search(bare_answer) or \
            "\\pi" in bare_answer and _DEGREES_RE.search(bare_answer) and not _DEGREES_RE.search(bare_gold):
        return False
    cents_gold = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:\\text\{\s*)?(?:cents?|¢)\}?", bare_gold)
    if cents_gold and _in_dollars(bare_answer):  # "\\$5" for a gold of 5 cents
        answer_value = number_value(re.sub(r"^\\?\$\s*", "", bare_answer))
        return answer_value is not None and math.isclose(answer_value * 100, float(cents_gold.group(1)))
    if _in_dollars(bare_gold) and _CURRENCY_WORD_RE.search(bare_answer):
        cents = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:cents?|¢|pennies)", bare_answer.strip())
        gold_value = number_value(re.sub(r"^\\?\$\s*", "", bare_gold))
        return bool(cents) and gold_value is not None and math.isclose(float(cents.group(1)) / 100, gold_value)
    if unit_of(bare_gold) is not None and (unit_of(bare_answer) is not None or re.search(r"\bpm\}?\s*\.?$", bare_answer)):
        return None  # "1.23 Å" against "0.123 nm": two units read, converted by the unit comparison
    if any(mark in bare_answer and mark not in bare_gold for mark in _SYMBOLS_KEPT) or any(
            mark in bare_gold and mark not in bare_answer and re.search(r"[A-Za-z]{1,}", re.sub(r"\\[a-z]+", "",
                                                                                          bare_answer))
            for mark in _SYMBOLS_KEPT):
        return False  # 1.54 Å is no 1.54 nm (a bare 1.54 leaves the unit to the question)
    return None


def _in_dollars(text: str) -> bool:
    return bool(re.match(r"\\?\$\s*\d", text))


def _unwrapped_math(text: str) -> str:
    """ "$5$" is 5; "$5" and "\\$5" are dollars, kept."""
    text = text.strip()
    return text[1:-1].strip() if len(text) > 1 and text[0] == text[-1] == "$" else text


_PERCENT_END_RE = re.compile(r"\s*(?:\\?%|\\text\s*\{\s*\\?%\s*\}|\s+percent)\s*$")
_POSSIBLE_RE = re.compile(r"(?:it(?:'s| is)\s+|this is\s+)?(not |never |im)?possible\s*\.?", re.IGNORECASE)
_LOCATED_RE = re.compile(r"(-?[\d.]+(?:/\d+)?|\\frac\{\d+\}\{\d+\})\s*,?\s*(?:\\text\s*\{\s*)?\(?\s*(?:attained |achieved |reached )?"
                         r"(?:at|when)\s*\}?\s*\$?\s*[a-z]\s*=\s*-?[\d.]+\s*\$?\s*\)?\s*\.?")


def answer_reading(gold: str, answer: str) -> tuple[str, bool | None]:
    """(the answer to compare, a verdict when this reading decides it)."""
    answer = _disjoint_rays(answer)
    answer = re.sub(r"(\d+(?:\.\d+)?)\s+squared\b", r"\1^2", re.sub(r"(\d+(?:\.\d+)?)\s+cubed\b", r"\1^3", answer))
    kind = _kind_verdict(_unwrapped_math(gold), answer.strip())
    if kind is not None:
        return answer, kind
    bare_gold, bare_answer = gold.strip().strip("$").strip(), answer.strip().strip("$").strip()
    if re.fullmatch(r"(?:\\text\{)?\s*(yes|no)\s*\.?\}?", bare_gold, re.IGNORECASE):
        possible = _POSSIBLE_RE.fullmatch(bare_answer)  # "It is not possible." answers a question "Is it possible ...?"
        if possible:
            return answer, (possible.group(1) is None) == (bare_gold.strip("\\text{}. ").lower() == "yes")
    located = _LOCATED_RE.fullmatch(bare_answer)
    if located and not re.search(r"\bat\b|=", bare_gold):
        answer = bare_answer = located.group(1)  # "3 (at x = 1)": the value, then where it is attained
    if bool(re.match(r"(?:\\neq?\b|≠|not\b)", bare_answer)) != bool(re.match(r"(?:\\neq?\b|≠|not\b)", bare_gold)):
        return answer, False  # "\\neq 6" says what the value is not
    if _MEMBERSHIP_RE.match(bare_answer) and "," in bare_gold and not re.search(r"[<>(\[]|\\[lg]e|\\in|\\cup", bare_gold):
        return answer, False  # a list of values is no interval
    if re.fullmatch(r"-?\d+(?:\.\d+)?", bare_gold) and unknown_equals_number(bare_answer):
        return answer, False
    if re.fullmatch(r"-?\d{16,}", bare_gold) and re.fullmatch(r"-?\d+", bare_answer):
        return answer, bare_gold.lstrip("-").lstrip("0") == bare_answer.lstrip("-").lstrip("0") and \
            bare_gold.startswith("-") == bare_answer.startswith("-")  # beyond float precision: digit by digit
    percents = _PERCENT_END_RE.search(bare_gold) and _PERCENT_END_RE.search(bare_answer)  # "27.29%" for "27.3\\%"
    # "1/6" for "16.7\\%": an exact fraction a percent gold writes rounded
    scale = 100 if _PERCENT_END_RE.search(bare_gold) and not percents and re.fullmatch(r"-?\d+\s*/\s*\d+|\\[dt]?frac\{\d+\}\{\d+\}",
                                                                                     bare_answer) else 1
    bare_gold = _PERCENT_END_RE.sub("", bare_gold) if percents or scale == 100 else bare_gold
    gold_decimal = _DECIMAL_RE.fullmatch(bare_gold)
    if not gold_decimal:
        return answer, None
    approximate = _APPROXIMATE_RE.fullmatch(bare_answer)
    if approximate and _states_rounded(approximate.group(2), approximate.group(3)):
        answer = bare_answer = approximate.group(3)  # "\frac{60}{7} \approx 8.571": the rounded value it states
    bare_answer = _PERCENT_END_RE.sub("", bare_answer) if percents else bare_answer
    decimals = len(gold_decimal.group(1))
    least = MIN_SIGNIFICANT_DIGITS if _looks_exact(bare_gold) else MIN_SIGNIFICANT_DIGITS_EXACT
    if _significant_digits(bare_gold) >= least and "." not in bare_answer:
        value = exact_value(answer)
        if value is not None and round(value * scale, decimals) == float(bare_gold):
            return answer, True
    answer_decimal = _DECIMAL_RE.fullmatch(bare_answer)
    if answer_decimal and len(answer_decimal.group(1)) > decimals and _significant_digits(bare_gold) >= least and not (
            bare_gold.endswith("0")):  # "12.50" (money, an exact quarter) is no rounding of 12.504
        # 3.4641 for a gold of 3.464: the same value, written to more digits than the gold keeps
        try:
            rounded = Decimal(bare_answer).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # 1.105: 1.11
        except InvalidOperation:
            return answer, None  # more digits than a decimal context holds: compared elsewhere
        return answer, rounded == Decimal(bare_gold) or None
    return answer, None


def real_value(text: str) -> float | None:
    expr = complete_expr(text)
    try:
        return float(expr) if hasattr(expr, "free_symbols") and not expr.free_symbols else None  # a str: not read
    except (TypeError, ValueError):
        return None


def exact_value(text: str) -> float | None:
    """The real value of an answer written without decimals (2\\sqrt{3}, \\ln 2, 1/19)."""
    form = canonical(text, is_gold=False)
    expr = complete_expr(form.text) if form is not None and "." not in form.text else None
    if not hasattr(expr, "free_symbols"):
        return None  # nothing read, or text the parser kept as a string ("^1")
    try:
        return float(expr) if not expr.free_symbols and expr.is_real else None
    except (TypeError, ValueError):
        return None


def item_value(text: str) -> float | None:
    """A list item's real value, read in its canonical form (0.\\overline{3} is 1/3)."""
    form = canonical(text, is_gold=False)
    return real_value(form.text) if form is not None else None


def complete_expr(text: str):
    parsed, status = parse_complete(text)
    return parsed[0] if status == "ok" else None


YES_NO_OPPOSITE = {"yes": {"no", "not", "never", "cannot", "impossible", "false", "wrong", "incorrect", "isn", "doesn",
                            "don", "aren", "wasn", "won", "nope", "neither", "nor"},
                    "no": {"yes", "yeah", "yep", "true", "correct"}}
_REASON_HEDGES = {"or", "either", "maybe", "perhaps", "possibly", "probably", "unless", "depending", "if", "except",
                  "guess", "unsure", "unclear", "wait", "actually", "but", "however", "although", "though",
                  "sometimes", "unknown", "likely", "unlikely", "might", "may"}


def yes_no_with_reason(gold: str, answer: str) -> bool:
    """Gold yes/no, answer "Yes, it is possible": the word, then a reason with no opposite word and no hedge."""
    match = re.fullmatch(r"(yes|no)\s*[,.;:!]\s*(.+)", answer.strip(), re.IGNORECASE | re.DOTALL)
    if not match or match.group(1).lower() != gold or re.search(r"n['’]t\b", match.group(2)):
        return False
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", match.group(2))}
    return not words & (YES_NO_OPPOSITE[gold] | _REASON_HEDGES)
