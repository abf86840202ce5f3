"""Stage 2a, normalisation: gold alternatives and the canonical form of either side (delimiters, Unicode,
digit grouping, units, repeating decimals, intervals from inequalities, number words)."""

from __future__ import annotations

import re

from .boxes import _boxes
from .textual import _strip_text_wrappers, normalise_string
from .phrase import HEDGE_WORDS, LEAD_FILLER_RE, has_hedge
from .words import MATH_FUNCTION_NAMES, _NUMBER_WORDS, number_word_value, spoken_number


# ---------------------------------------------------------------------------
# Gold alternatives and normalisation.
# ---------------------------------------------------------------------------
_ALTERNATIVE_RE = re.compile(
    r"\s*(?:,\s*)?(?:\bor\s+equivalently\b|\bequivalently\b|\bor\s+approximately\b|\bapproximately\b|\bor\s+about\b"
    r"|\bi\.e\.,?|\\approx|≈)\s*|\s*;\s*", re.IGNORECASE)


# "7 (or equivalently, 7.0)": an alternative value in parentheses after the gold.
_GLOSSED_ALTERNATIVE_RE = re.compile(
    r"(.+?)\s*\(\s*(?:or\s+)?(?:equivalently|approximately|i\.e\.)[,:\s]*(.+?)\)\s*\.?", re.IGNORECASE | re.DOTALL)


def gold_alternatives(reference: str) -> list[str]:
    """Acceptable golds: the reference split at "or equivalently", "or approximately", "\\approx"
    and ';', only where they sit outside braces, brackets and parentheses; an alternative value in parentheses
    ("7 (or equivalently, 7.0)") is one more, a gloss in words ("900 (i.e., all values)") is not."""
    glossed = _GLOSSED_ALTERNATIVE_RE.fullmatch(reference.strip())
    if glossed and re.search(r"\d", glossed.group(2)) and not re.search(
            r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", glossed.group(2))):
        return gold_alternatives(glossed.group(1)) + [glossed.group(2).strip()]
    pieces, depth, start, i = [], 0, 0, 0
    prose = re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+\s*(?:\{[^{}]*\})?", " ", reference))
    separators = {m.start(): m.end() for m in _ALTERNATIVE_RE.finditer(reference) if m.end() > m.start()
                  and not (prose and m.group().strip() == ";")}  # "The minimum is 8; the maximum is 12.": one gold
    while i < len(reference):
        ch = reference[i]
        if depth == 0 and i in separators:
            pieces.append(reference[start:i].strip())
            start = i = separators[i]
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        i += 1
    pieces.append(reference[start:].strip())
    return [p.strip().rstrip(".").strip() for p in pieces if p.strip().rstrip(".").strip()]


_CHOICE_RE = re.compile(r"\(?([A-J])\)?")
# "B", "(B)", "[B]", "Option B", "B: 2", "(B) 42"; whatever follows the letter may name no other option.
_CHOICE_PRED_RE = re.compile(r"(?i:(?:the\s+)?(?:correct\s+)?(?:option|choice|answer)\s*(?:is\s*)?:?\s*)?"
                             r"[(\[]?([A-J])[)\]]?(?![A-Za-z0-9])(.*)", re.DOTALL)
_OTHER_CHOICE_RE = re.compile(r"(?<![A-Za-z\\])[A-J](?![A-Za-z])")


def _unwrap(text: str) -> str:
    return _strip_text_wrappers(text.strip().strip("$").strip()).strip().rstrip(".").strip()


def choice_letter(gold: str) -> str | None:
    """'C' for a multiple-choice gold written "C", "(C)", "\\text{(C)}"; else None."""
    match = _CHOICE_RE.fullmatch(_unwrap(gold))
    return match.group(1) if match else None


_TEXT_ANSWER_RE = re.compile(r"[A-Za-z][A-Za-z' \-]*")
_SHORT_TEXT_ANSWERS = {"yes", "no", "true", "false", "none"}


def is_text_answer(gold: str) -> bool:
    """A word answer ("Yes", "Evelyn", "no solution"), not a variable or product of variables."""
    text = _unwrap(gold)
    if not _TEXT_ANSWER_RE.fullmatch(text):
        return False
    return text.lower() in _SHORT_TEXT_ANSWERS or any(len(word) >= 3 for word in re.split(r"[ \-]", text))


# ---------------------------------------------------------------------------
# Canonical forms: what a careful human grader reads past (delimiters, Unicode, digit grouping, units,
# glosses and sentences around a gold's value), and the answers such a grader calls ambiguous.
# ---------------------------------------------------------------------------
_UNICODE = [("−", "-"), ("–", "-"), ("×", "\\times "), ("·", "\\cdot "), ("÷", "\\div "), ("⋅", "\\cdot "), ("∗", "*"), ("∞", "\\infty "),
            ("≤", "\\le "), ("≥", "\\ge "), ("≠", "\\ne "), ("π", "\\pi "), ("∪", "\\cup "), ("∩", "\\cap "),
            ("∈", "\\in "), ("±", "\\pm "), ("∓", "\\mp "), ("°", "^\\circ "), ("∅", "\\emptyset "),
            ("≈", "\\approx "), ("。", "."), ("，", ", "), ("：", ":"), ("或", " or "), ("²", "^2"), ("³", "^3"), ("\u2009", " "), ("\u202f", " "), ("\u00a0", " "),
            ("⟨", "\\langle "), ("⟩", " \\rangle")]  # "⟨−3, 6, −3⟩": a vector
_SQRT_UNICODE_RE = re.compile(r"√\s*(?:\(([^()]*)\)|\{([^{}]*)\}|(\d+(?:\.\d+)?|[A-Za-z]))")
# 1\,000 / 1{,}000 / 1,\!000 / 1,\! 000 / 1\!000 / 1\ 000: LaTeX digit grouping, always followed by exactly three
# digits.
_LATEX_GROUP_RE = re.compile(r"(?<=\d)(?:\s?\{,\s?\}\s?|,\\!\s?|\\,|\\!|\\ |\\thinspace\s*)(?=\d{3}(?!\d))")
# 1,000 / 12,345,678 outside brackets (inside them the comma separates coordinates or endpoints).
_PLAIN_GROUP_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|,\d)")
# 3\text{ m}, 5\mathrm{~cm}^2: a unit after the value (single letters included, which read as variables bare).
_TEXT_UNIT_RE = re.compile(
    r"(?<=[\d}])(?:\s|\\[,;: ]|~)*\\(?:text|textnormal|mbox|mathrm)\s*\{(?:[\s~]|\\[ ,;:])*([A-Za-z][A-Za-z ./]*?)\s*\}(?:\^\{?[23]\}?)?"
    r"\s*\.?$")
# Words after a value that no unit or counted noun is made of: bounds, verdicts, operations, scales.
_NOT_UNIT_WORDS = {"and", "if", "when", "so", "thereabouts", "bound", "bounds", "guessed", "guess", "squared", "cubed",
                   "factorial", "hundred", "thousand", "million", "billion", "trillion", "tenths", "hundredths", "thousandths",
                   "thirds", "quarters", "fourths", "fifths", "sixths", "sevenths", "eighths", "ninths", "twelfths", "halves"}
_NOT_UNIT_PHRASE_RE = re.compile(r"\bat (?:minimum|maximum|best|worst)\b|\b(?:is|are|was) (?:wrong|incorrect|false)\b")


def _names_a_unit(words: str) -> bool:
    words = re.findall(r"[a-z]+", words.lower())
    words = words[:-1] if words[-1:] == ["times"] else words  # "16 \\text{ times}" counts
    return not any(word in HEDGE_WORDS or word in _NOT_UNIT_WORDS for word in words) and not _NOT_UNIT_PHRASE_RE.search(
        " ".join(words))


# "\\approx 5", "\\ge 5", "5+": a bound or an approximation, not a value.
_BOUND_RE = re.compile(r"^\s*(?:\\approx|\\sim|\\ge|\\le|\\geq|\\leq|\\gt|\\lt|[<>~≈])|(?:[-+*/=^<>]|\\approx)\s*$")
_SPACE_GROUPS_RE = re.compile(r"-?\d{1,3}(?: \d{3})+")
_WRAPPER_RE = re.compile(r"\\(?:text|textnormal|textbf|textit|textrm|mbox|mathrm|mathbf)\s*\{([^{}]*)\}")
_PERCENT_RE = re.compile(r"\s*(?:\\%|%|\\text\{\s*\\?%\s*\})\s*$")
_REPEATING_RE = re.compile(
    r"(-?)(\d*)\.(\d*)(?:\\(?:overline|bar|dot)\s*\{(\d+)\}|\\(?:overline|bar|dot)\s*(\d)|\((\d+)\))")
_DOTTED_CYCLE_RE = re.compile(r"\\dot\s*\{?\s*(\d)\s*\}?(\d*)\\dot\s*\{?\s*(\d)\s*\}?")
_REPEATING_DOTS_RE = re.compile(r"(-?)(\d*)\.(\d*?)(\d)\4{2,}\s*(?:\.\.\.|\\ldots|\\dots|\\cdots|…)")
# A function's name before its value: "f(x) =", "p'(2) =", "\\det(\\mathbf{A}\\mathbf{B}) =" ("x(x+1) = 12" is a product).
_CONSTANT_ARGUMENT = r"[-+]?\d+(?:\.\d+)?(?:/\d+)?|\\frac\s*\{\d+\}\s*\{\d+\}"
_FUNCTION_LABEL_RE = re.compile(
    rf"^\s*(?:[A-Za-z](?:\^\{{?-1\}}?|'{{1,3}})?\s*\(\s*(?:[a-z](?:\s*,\s*[a-z])*|(?:{_CONSTANT_ARGUMENT})(?:\s*,\s*"
    rf"(?:{_CONSTANT_ARGUMENT}))*)\s*\)|\\(?:det|gcd|operatorname\s*\{{\w+\}}|text\s*\{{\w+\}}|mathrm\s*\{{\w+\}})\s*"
    r"\((?:[A-Z\d\s,+\-^{}]|\\mathbf\s*\{[A-Z]\})*\))\s*=(?!=)\s*")  # constants, matrices: not "\\det(A - \\lambda I)"
_EMPTY_SET_RE = re.compile(r"^(?:\\emptyset|\\varnothing|\\O|\\\{\s*\\\}|\{\s*\})$")
_BASE_RE = re.compile(r"\(?([0-9A-Z]+)\)?_\{?\(?(\d+)\)?\}?")
_INEQUALITY_OP_RE = re.compile(r"(<=|>=|\\leqslant|\\geqslant|\\leq|\\geq|\\le|\\ge|\\lt|\\gt|<|>)")
_IN_LABEL_RE = re.compile(r"^\s*(?:\\angle\s*[A-Z]{1,3}|[A-Za-z](?:_\{?\w+\}?)?(?:\([^()]*\))?)\s*\\in\s*")  # "x \\in", "\\angle A \\in"
# Words after a value that only name what it counts or measures; percent and degrees keep their meaning.
_UNIT_SYMBOLS = {"percent": "\\%", "per cent": "\\%", "percentage": "\\%", "degree": "^\\circ", "degrees": "^\\circ"}
_MATH_WORDS = MATH_FUNCTION_NAMES | {"min", "max", "mod", "gcd", "lcm", "floor", "ceil", "and", "or"}


# "3 1/2", "3\\frac{1}{2}": an integer and a proper fraction side by side (never "3 \\cdot 1/2").
_MIXED_NUMBER_RE = re.compile(r"(-?)(\d+)(?: +(\d+) */ *(\d+)|\s*\\frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\})")
_POWER_OF_TEN_RE = re.compile(r"\\times\s*10\s*\^\s*([-+]?\d{2,})(?![\d.])")
_E_NOTATION_RE = re.compile(r"(-?\d+(?:\.\d+)?)[eE]([+-]?\d+)")
# Abbreviations and spellings of one unit ("14 in." is 14 inches); the key is what _singular leaves.
_UNIT_ALIASES = {
    "in": "inch", "inche": "inch", "ft": "foot", "feet": "foot", "min": "minute", "sec": "second", "s": "second",
    "hr": "hour", "hrs": "hour", "h": "hour", "cm": "centimeter", "centimetre": "centimeter", "km": "kilometer",
    "kilometre": "kilometer", "mm": "millimeter", "millimetre": "millimeter", "m": "meter", "metre": "meter",
    "kg": "kilogram", "g": "gram", "lb": "pound", "lbs": "pound", "oz": "ounce", "yd": "yard", "mi": "mile"}
# All real numbers in the ways it is written (compared after normalise_string, "x \\in" taken off).
_ALL_REALS = {"\\mathbb{r}", "\\mathbbr", "\\r", "\\reals", "ℝ", "allrealnumbers", "allreals", "allrealvalues",
              "everyrealnumber", "thesetofallrealnumbers", "realnumbers", "(-\\infty,\\infty)", "(-\\infty,+\\infty)",
              "(-∞,∞)", "(-∞,+∞)"}


def _mixed_to_fraction(match: re.Match) -> str:
    sign, whole = match.group(1), int(match.group(2))
    num, den = ((int(match.group(3)), int(match.group(4))) if match.group(3)
                else (int(match.group(5)), int(match.group(6))))
    if not 0 < num < den:
        return match.group(0)  # "3 5/2" is no mixed number
    return f"{sign}\\frac{{{whole * den + num}}}{{{den}}}"


def _is_all_reals(text: str) -> bool:
    return re.sub(r"^[a-z]\\in", "", normalise_string(text)) in _ALL_REALS


class Form:
    """A canonical side: its text, whether it was a percentage (the '%' taken off), and the unit or noun
    words taken off after its value ("cm", "hours")."""

    def __init__(self, text: str, percent: bool = False, unit: str = ""):
        self.text, self.percent, self.unit = text, percent, unit


def _depth_at(text: str, index: int) -> int:
    depth = 0
    for ch in text[:index]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    return depth


def _top_level_split(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
    return parts + [text[start:]]


def _several_values(text: str) -> bool:
    """A gold that lists values ("3, 5", "\\{1, 2\\}", both roots of a \\pm)."""
    return len(_top_level_split(text, ",")) > 1 or text.startswith("\\{")


def _repeating_to_fraction(match: re.Match) -> str:
    sign, whole, fixed = match.group(1), match.group(2) or "0", match.group(3)
    cycle = next(g for g in match.groups()[3:] if g)  # \overline{3}, (3), or the digit of "0.1666..."
    from fractions import Fraction

    value = int(whole) + Fraction(int(fixed + cycle) - int(fixed or "0"), 10 ** len(fixed) * (10 ** len(cycle) - 1))
    return f"{sign}\\frac{{{value.numerator}}}{{{value.denominator}}}"


def _singular(words: str) -> str:
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words.split())


# A value, then words ("m^2 s", "km. h"): each word starts after a space, a period or a power, never inside another
# word (a word run split every way it can be is exponential in its length).
_UNIT_WORD = r"[A-Za-z]+\.?(?:\^\{?[23]\}?)?"
_TRAILING_WORDS_RE = re.compile(rf"(.*?(?:\d|\\infty|\\pi|\}}|\)))\s+({_UNIT_WORD}(?:(?:\s+|(?<=[.}}23])){_UNIT_WORD})*\s*)",
                                re.DOTALL)


def _strip_trailing_words(text: str, is_gold: bool) -> tuple[str, str] | None:
    """"98 values" -> 98, "50 percent" -> 50\\%, "90 degrees" -> 90^\\circ; None when the words hedge ("5 or
    more"); with the unit words taken off ("" for percent and degrees, which stay as symbols). Text with no
    value before its words is returned unchanged."""
    # Words set off by a space: "2x" is a product, not a count.
    match = _TRAILING_WORDS_RE.fullmatch(text)
    if not match:
        return text, ""
    value, words = match.group(1).strip(), match.group(2).strip()
    tokens = [w.rstrip(".").lower() for w in words.split()]
    counted = [("times" if i == len(tokens) - 1 else "") + (" more fewer less" if i == 0 and "than" not in tokens else "")
               for i in range(len(tokens))]
    if any(t in HEDGE_WORDS and t not in counted[i].split() or t in _NOT_UNIT_WORDS - {"and"} for i, t in enumerate(tokens)) or (
            _NOT_UNIT_PHRASE_RE.search(" ".join(tokens))):
        return None  # "16 times" and "2 more (books)" count; "16 times x" multiplies, "2 more than x" compares
    if any(len(re.sub(r"\^.*", "", t)) < 2 or (t in _MATH_WORDS and t not in _UNIT_ALIASES) for t in tokens):
        return text, ""
    if not is_gold and len(tokens) > 3:
        return text, ""
    symbol = _UNIT_SYMBOLS.get(" ".join(tokens)) or _UNIT_SYMBOLS.get(tokens[0], "")
    unit = _singular(" ".join(tokens)) if len(tokens) <= 2 else ""
    return value + symbol, "" if symbol else unit


def _sentence_value(text: str) -> str:
    """The one value a gold sentence states ("The limit exists and is equal to 4" -> 4, "3 is the only
    possible value" -> 3); the text itself when it holds no words, several values, or a hedge."""
    tokens = text.split()
    not_words = _MATH_WORDS - {"and"}
    formula = bool(re.search(r"[\w})]\s*[+\-*/^=]\s*[\w\\({]", text))  # "x^2 + cx": letters in a formula are a product
    is_word = [bool(re.fullmatch(r"[A-Za-z]{2,}[.,:;]?|[aAI]", t)) and t.strip(".,:;").lower() not in not_words
               and not (formula and len(t.strip(".,:;")) <= 2) for t in tokens]
    if not any(w and len(t.strip(".,:;")) > 1 for t, w in zip(tokens, is_word)):
        return text  # "2 \sin b \cos a": a lone "a" is a variable, not the article of a sentence
    if not any(is_word) or has_hedge(" ".join(t for t, w in zip(tokens, is_word) if w)):
        return text
    chunks, current = [], []
    for token, word in zip(tokens, is_word):
        if word:
            if current:
                chunks.append(current)
            current = []
        else:
            current.append(token)
    if current:
        chunks.append(current)
    return " ".join(chunks[0]).strip(",;:") if len(chunks) == 1 else text


# |x| \le 3 is -3 \le x \le 3; |x| > 3 is x < -3 or x > 3 (a constant bound only).
_ABS_BOUND_RE = re.compile(r"^\s*\|\s*([a-z])\s*\|\s*(<=|>=|\\leq?|\\geq?|<|>)\s*([^<>=|\s-][^<>=|]*?)\s*$")
# A Greek letter as the variable (0 \le \theta < 2\pi), never \pi, which is a number.
_GREEK_VARIABLE_RE = re.compile(r"\\(alpha|beta|gamma|theta|vartheta|phi|varphi|psi|omega|lambda|mu|rho|sigma|tau|"
                                r"xi|zeta|eta|chi|kappa|delta|epsilon|varepsilon)(?![A-Za-z])")


def _abs_as_bounds(match: re.Match) -> str:
    name, op, bound = match.groups()
    if re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", bound)):
        return match.group()
    if "<" in op or "\\l" in op:
        return f"-{bound} {op} {name} {op} {bound}"
    strict = "=" not in op and op not in ("\\ge", "\\geq")
    return f"{name} {'<' if strict else '<='} -{bound} or {name} {op} {bound}"


def _interval_of(text: str) -> str | None:
    """x > 2 -> (2, \\infty), -1 \\le x < 3 -> [-1, 3), "x < 1 or x > 5" -> a union; None if not an inequality
    in one variable with constant bounds."""
    excluded = re.fullmatch(r"\s*[a-z]\s*(?:\\neq?|!=|≠)\s*([^<>=\s][^<>=]*?)\s*", text)  # x \neq 0: all but one point
    if excluded and not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", excluded.group(1))):
        return f"(-\\infty, {excluded.group(1)}) \\cup ({excluded.group(1)}, \\infty)"
    text = _ABS_BOUND_RE.sub(_abs_as_bounds, re.sub(r"\\[lr]?vert\b|\\[lr]\|", "|", text))
    text = _GREEK_VARIABLE_RE.sub(lambda m: m.group(1)[0], text)  # one letter: a bound that has one is refused
    labels = set(re.findall(r"[A-Za-z]\(\s*[\w\s,]*\)", text))  # "P(0) < 0 or P(0) = 1": one labelled quantity
    text = text.replace(labels.pop(), "x") if len(labels) == 1 and " or " in text else text
    intervals, names_used = [], set()
    for piece in re.split(r"\s*(?:\bor\b|\\cup)\s*", text):
        point = re.fullmatch(r"([a-z])\s*=\s*(-?\d+(?:\.\d+)?(?:/\d+)?)", piece.strip())
        if point and " or " in text:  # "x < 0 or x = 1": a ray and a point
            intervals.append(f"\\{{{point.group(2)}\\}}")
            names_used.add(point.group(1))
            continue
        parts = [p.strip() for p in _INEQUALITY_OP_RE.split(piece)]
        ops = parts[1::2]
        if len(parts) not in (3, 5):
            return None
        values, names = parts[0::2], [i for i, p in enumerate(parts[0::2]) if re.fullmatch(r"[a-z]", p)]
        if len(names) != 1 or any(re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", v)) or not v
                                  for i, v in enumerate(values) if i != names[0]):
            return None
        less = ["<" in op or "\\l" in op for op in ops]
        closed = ["=" in op or op in ("\\le", "\\leq", "\\ge", "\\geq", "\\leqslant", "\\geqslant") for op in ops]
        if len(parts) == 5:
            if names[0] != 1 or less[0] != less[1]:
                return None
            low, high = (values[0], values[2]) if less[0] else (values[2], values[0])
            low_closed, high_closed = (closed[0], closed[1]) if less[0] else (closed[1], closed[0])
        else:
            bound, var_first = (values[1], True) if names[0] == 0 else (values[0], False)
            upper = less[0] == var_first  # x < b, or b > x
            low, high = ("-\\infty", bound) if upper else (bound, "\\infty")
            low_closed, high_closed = (False, closed[0]) if upper else (closed[0], False)
        intervals.append(f"{'[' if low_closed else '('}{low}, {high}{']' if high_closed else ')'}")
        names_used.add(values[names[0]])
    if len(names_used) > 1 or all(i.startswith("\\{") for i in intervals):
        return None  # "x < 0 or y = 1" are two variables; "x = 1 or x = 2" is a list of values
    return " \\cup ".join(intervals)


def canonical(text: str, is_gold: bool, several: bool = False) -> Form | None:
    """The side as a careful grader reads it; None for an answer that is ambiguous (a hedge, two options)."""
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            text = text[len(left):-len(right)].strip()
    boxes = _boxes(text)
    if len(boxes) > 1 and not is_gold:
        return None  # "\\boxed{1}\\boxed{2}" states two answers
    if boxes and boxes[0][0] == 0 and boxes[0][1] == len(text):
        text = boxes[0][2]
    for old, new in _UNICODE:
        text = text.replace(old, new)
    text = re.sub(r"^([-+])\s*\\?\$(?=\s*\d)", r"\1", text)  # "-$5.26", "-\\$5.26": a signed amount of money
    text = _POWER_OF_TEN_RE.sub(r"\\times 10^{\1}", text)  # "1.5 × 10^11": 10 to the 11th, as plain text means
    text = _SQRT_UNICODE_RE.sub(lambda m: "\\sqrt{" + next(g for g in m.groups() if g is not None) + "}", text)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\left", "").replace("\\right", "")
    if not is_gold and text.startswith("~"):
        return None  # "~5": about 5
    text = _LATEX_GROUP_RE.sub("", text.replace("\\displaystyle", "").replace("~", " ")).replace("\\!", "")
    text_unit, written_unit = _TEXT_UNIT_RE.search(text), ""
    if text_unit and not is_gold and not _names_a_unit(text_unit.group(1)):
        return None  # "12 \text{ or more}", "12 \text{ is wrong}", "12 \text{ squared}": words that change the value
    if text_unit and _names_a_unit(text_unit.group(1)):
        written_unit = text_unit.group(1).strip().rstrip(".").lower()
        text = text[:text_unit.start()] + _UNIT_SYMBOLS.get(written_unit, "")
        written_unit = "" if written_unit in _UNIT_SYMBOLS else _singular(written_unit)
    prev = None
    while prev != text:
        prev, text = text, _WRAPPER_RE.sub(lambda m: f" {m.group(1)} ", text)
    text = re.sub(r"(?<!\\)\\[,;: ]|\\q?quad", " ", text)  # a matrix row's \\ stays
    text = _REPEATING_DOTS_RE.sub(_repeating_to_fraction, re.sub(r"\s+", " ", text).strip())
    text = text.rstrip(".,;:").strip()
    if is_gold:
        # "900 (i.e., all values)": a gloss in words after the value.
        # After a space and with a word in it: "sqrt(b)" and "f(x)" are no gloss.
        text = re.sub(r"\s+\((?:i\.e\.|e\.g\.|that is|namely|so|which)?[,\s]*(?=[^)]*[A-Za-z]{2})[A-Za-z][A-Za-z\s,.'-]*\)"
                      r"\s*$", "", text)
    else:
        text = LEAD_FILLER_RE.sub("", text).strip()
    mixed = _MIXED_NUMBER_RE.fullmatch(_PERCENT_RE.sub("", text))  # "4 4/9%" is a mixed number of percent
    text = _MIXED_NUMBER_RE.sub(_mixed_to_fraction, text, count=1) if mixed else text
    e_notation = _E_NOTATION_RE.fullmatch(text)
    if e_notation:
        text = f"{e_notation.group(1)} \\times 10^{{{int(e_notation.group(2))}}}"
    text = spoken_number(text) or text  # "3 million", "three quarters"
    interval = _interval_of(_IN_LABEL_RE.sub("", text))
    if interval is not None:
        return Form(interval)
    if not re.search(r"[\d\\]", text):  # a number in words, then perhaps its noun ("thirty-six apples")
        for end in reversed([m.end() for m in re.finditer(r"[A-Za-z]+", text)]):
            if number_word_value(text[:end]) is not None:
                following = re.match(r"[\s-]*([A-Za-z]+)", text[end:])  # "two thousand and five" is not 2000
                if not following or (following.group(1).lower() not in (  # "one of them", "two squared": no count
                        "and", "of", "squared", "cubed", "factorial", "point") and not re.fullmatch(
                            r"(?:halve|half|third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
                            r"hundredth|thousandth)s?", following.group(1).lower())  # "twelve hundredths" is 0.12
                                     and following.group(1).lower() not in _NUMBER_WORDS):
                    text = f"{number_word_value(text[:end])}{text[end:]}"
                break
    stripped = _strip_trailing_words(text, is_gold)
    if stripped is None:
        return None if not is_gold else Form(text)
    text, unit = stripped
    unit = unit or written_unit
    text = _sentence_value(text) if is_gold else text
    text = re.sub(r"\s*,?\s+(?:and|or)\s+", ", ", text) if (is_gold or several) else text  # "1, 2, and 3"
    if not is_gold and (has_hedge(text) or "?" in text or _BOUND_RE.search(text)):
        return None
    text = text.replace(" ", "") if _SPACE_GROUPS_RE.fullmatch(text) else text
    text = _PLAIN_GROUP_RE.sub(lambda m: m.group().replace(",", "") if _depth_at(text, m.start()) == 0 else m.group(),
                               text)
    if not is_gold and not several and len(_top_level_split(text, ",")) > 1:
        return None  # "3, 3" or "3, 4" for a gold of one value
    text = _DOTTED_CYCLE_RE.sub(r"\\overline{\1\2\3}", text)  # 0.\dot{1}\dot{8}: the cycle from dot to dot
    text = _REPEATING_RE.sub(lambda m: _repeating_to_fraction(m) if m.group(6) is None or m.group(0) == text
                             else m.group(0), text)
    text = _FUNCTION_LABEL_RE.sub("", text, count=1) if "=" in text else text
    if text.count("\\pm") + text.count("\\mp") == 1 and "," not in text:
        body = re.sub(r"^\s*[a-z]\s*=\s*", "", text)
        plus, minus = ("+", "-") if "\\pm" in text else ("-", "+")
        body = body.replace("\\pm", "\0").replace("\\mp", "\0")
        text = body.replace("\0", plus, 1) + ", " + body.replace("\0", minus, 1)
        text = re.sub(r"(^|, )\+", r"\1", text)
    text = _IN_LABEL_RE.sub("", text)
    percent = bool(_PERCENT_RE.search(text))
    text = _PERCENT_RE.sub("", text).strip() if percent else text
    return Form(text, percent, _UNIT_ALIASES.get(unit, unit))
