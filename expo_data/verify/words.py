"""Number words and arithmetic patterns that extraction and comparison both read."""

from __future__ import annotations

import re


# Functions and constants as plain text writes them ("sqrt(5)", "2 cos(pi t)", "(-inf, 3)"): math, not prose.
MATH_FUNCTION_NAMES = frozenset({"sqrt", "cbrt", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
                                 "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "pi", "inf", "infty", "infinity"})

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                      "hundred": 100})


def number_word_value(text: str) -> int | None:
    """4 for "four" / "Four.", 36 for "thirty-six", 105 for "one hundred and five" (a count said in words); None
    for anything else, words in an order no number is said in ("six thirty", "one one") included."""
    words = [w for w in re.split(r"[\s-]+", text.strip().rstrip(".").strip().lower()) if w]
    if len(words) == 1:
        return _NUMBER_WORDS.get(words[0])
    words = [w for i, w in enumerate(words)
             if not (w == "and" and 0 < i < len(words) - 1 and words[i - 1] in ("hundred", "thousand", "million"))]
    total, current = 0, 0
    for word in words:
        value = _NUMBER_WORDS.get(word)
        if word in ("hundred", "thousand", "million"):
            if current == 0 or (word == "hundred" and current >= 10):
                return None
            if word == "hundred":
                current *= 100
            else:
                total, current = total + current * (1000 if word == "thousand" else 10**6), 0
        elif value is None:
            return None
        elif value >= 20:  # a tens word follows nothing or a hundred
            if current % 100:
                return None
            current += value
        else:  # a unit follows nothing, a hundred or a tens word
            if current % 10 or 10 <= current % 100 < 20:
                return None
            current += value
    return total + current if words else None

# A sum, difference, product or quotient between numbers (+ - * / × ÷ \\times \\cdot \\div \\ast \\bullet) after a
# number or a bracket; a single a/b is a plain number and never gets here.
_BINARY_OPERATION_RE = re.compile(
    r"[\d)}!.]\s*(?:[-+*/×÷]|\\times|\\cdot|\\div|\\ast|\\bullet)\s*[-+]?\s*[\d(\\{.]")


SCALE_WORDS = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                   "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
                   "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_SCALED_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s*(hundred|thousand|million|billion|trillion)", re.IGNORECASE)


# Unicode's vulgar fractions, "½" to "⅒", read by their compatibility decomposition ("1⁄2").
VULGAR_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"


def vulgar_parts(char: str) -> tuple[int, int]:
    """(numerator, denominator) of one vulgar fraction character: "¾" -> (3, 4)."""
    import unicodedata

    numerator, denominator = unicodedata.normalize("NFKC", char).split("\u2044")
    return int(numerator), int(denominator)


def spoken_number(text: str) -> str | None:
    """A number said with words, as digits: "3 million" / "three million" -> "3000000", "2.5 billion" ->
    "2500000000", "one half" / "a half" -> "1/2", "three quarters" -> "3/4"; None for anything else ("3 apples")."""
    text = text.strip().rstrip(".").strip().lower()
    scaled = _SCALED_RE.fullmatch(text)
    if scaled:
        from fractions import Fraction

        value = Fraction(scaled.group(1)) * SCALE_WORDS[scaled.group(2).lower()]
        return str(value.numerator) if value.denominator == 1 else None
    words = text.split()
    if len(words) >= 2 and words[-1] in _FRACTION_WORDS:
        count = 1 if " ".join(words[:-1]) in ("a", "an", "one") else number_word_value(" ".join(words[:-1]))
        plural = words[-1].endswith("s") and words[-1] != "halves" or words[-1] == "halves"
        if count is None or count == 0 or (count == 1) == plural and not (count == 1 and words[-1] == "half"):
            return None  # "one thirds", "three quarter": not how a number is said
        return f"{count}/{_FRACTION_WORDS[words[-1]]}"
    if len(words) >= 2 and words[-1] in SCALE_WORDS and words[-1] != "hundred":
        value = number_word_value(text)
        return None if value is None else str(value)
    return None


_CJK_RE = re.compile(r"[\u3400-\u9fff\uff0c\u3002\uff1a\uff1b]")


def cjk_value(text: str) -> str | None:
    """The one number of an answer sentence in Chinese or Japanese ("这堆稻谷约重2.5吨。" -> 2.5, "18.72千米" -> 18.72,
    "8.73%" keeps its percent sign); "" when it states two numbers or words that change the one ("负5", "2的倍数",
    "x>3", "√3"), None when it has no such characters or is written in Latin letters."""
    if not _CJK_RE.search(text) or re.search(r"\\[A-Za-z]|\$|[A-Za-z]", text):
        return None
    numbers = re.findall(r"-?\d+(?:\.\d+)?(?:/\d+)?%?", text)
    if len(set(numbers)) != 1 or re.search(r"[不没無无非负負或倍根可√π<>≤≥≠=^]|平方|立方|以上|以下|至少|至多|最多|最少|不超过|不少于|左右|大于|小于|吗|？|\?", text):
        return "" if numbers else None
    return numbers[0]
