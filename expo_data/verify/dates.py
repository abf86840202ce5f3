"""Calendar dates and clock times in one spelling: "July 4, 2024", "4 July 2024", "July 4th, 2024" and "2024-07-04"
all read as 2024-07-04; "March 15th" as "March 15"; "07:00" as "7:00". A numeric date with slashes (07/04/2024) is
left alone: month and day order differ by country."""

from __future__ import annotations

import re
from fractions import Fraction

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR_RE = re.compile(rf"\b{_MONTH}\s+{_DAY},?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_DAY_MONTH_YEAR_RE = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_ISO_RE = re.compile(r"(?<![\d-])(\d{4})-(0[1-9]|1[0-2])-(\d{2})(?![\d-])")
_LEADING_ZERO_TIME_RE = re.compile(r"(?<![\d:])0(\d):(\d{2})\b")


def _month_number(name: str) -> int:
    return next(i for i, month in enumerate(MONTHS, 1) if month.startswith(name.lower().rstrip(".")[:3]))


def _spelled(month: int, day: int, year: str | None) -> str:
    if not 1 <= day <= 31:
        return ""
    # as text: "2024-07-04" is no subtraction, and a date equals only the same date
    return f"\\text{{{year}-{month:02d}-{day:02d}}}" if year else f"\\text{{{MONTHS[month - 1].capitalize()} {day}}}"


def dates_and_times(text: str) -> str:
    """The text with its dates and clock times in the one spelling above."""
    if not re.search(r"[A-Za-z]{3}|\b0\d:|\d{4}-\d\d-\d\d", text):
        return text
    text = _LEADING_ZERO_TIME_RE.sub(r"\1:\2", text)
    text = re.sub(r"\\(?:text|mathrm)\s*\{([^{}]*)\}", lambda m: m.group(1) if _MONTH_DAY_YEAR_RE.search(m.group(1)) or (
        _DAY_MONTH_YEAR_RE.search(m.group(1))) else m.group(), text)  # "\text{March 15}": the date, wrapped once below
    text = _ISO_RE.sub(lambda m: _spelled(int(m.group(2)), int(m.group(3)), m.group(1)) or m.group(), text)
    text = _MONTH_DAY_YEAR_RE.sub(
        lambda m: _spelled(_month_number(m.group(1)), int(m.group(2)), m.group(3)) or m.group(), text)
    return _DAY_MONTH_YEAR_RE.sub(
        lambda m: _spelled(_month_number(m.group(2)), int(m.group(1)), m.group(3)) or m.group(), text)


_DATE_TEXT_RE = re.compile(r"\\text\{(?:\d{4}-\d\d-\d\d|[A-Z][a-z]+ \d{1,2})\}")


_CLOCK_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def date_verdict(gold: str, answer: str) -> bool | None:
    """A date against anything: the same date, spelled as above; a clock time ("7:00", never the ratio 7:0)
    against the same time; None when the gold is neither."""
    gold_clock = _CLOCK_RE.fullmatch(gold.strip().strip("$").strip())
    if gold_clock:
        answer_clock = _CLOCK_RE.fullmatch(answer.strip().strip("$").strip().rstrip("."))
        if answer_clock is None:
            return None  # another spelling ("9\\!:\\!40 \\text{ a.m.}"): the rest of the grader reads it
        return int(answer_clock.group(1)) == int(gold_clock.group(1)) and answer_clock.group(2) == gold_clock.group(2)
    gold_date = _DATE_TEXT_RE.fullmatch(gold.strip().strip("$").strip())
    if not gold_date:
        return None
    answer = answer.strip().strip("$").strip().rstrip(".")
    day = re.fullmatch(r"\\text\{[A-Z][a-z]+ (\d{1,2})\}", gold_date.group())
    if day and re.fullmatch(r"\d{1,2}", answer):
        return answer == day.group(1)  # "21" for "June 21": the day the question asks for in its month
    return gold_date.group() == answer


_MERIDIEM_RE = re.compile(r"(\d{1,2}):(\d{2})\s*(?:\\text\s*\{\s*)?(?:[ap]\.\s?m\.?|[ap]m)\b\s*\}?\.?", re.IGNORECASE)


def meridiem_verdict(gold: str, answer: str) -> bool | None:
    """A clock gold with no a.m. or p.m. ("2:30", hours 1 to 12) against the same reading with either: the same
    time on a twelve-hour clock. None for any other pair (a 24-hour gold is read by `date_verdict`)."""
    gold_clock = re.fullmatch(r"(\d{1,2}):(\d{2})", gold.strip().strip("$").strip())
    answer_clock = _MERIDIEM_RE.fullmatch(answer.strip().strip("$").strip())
    if not gold_clock or not answer_clock or not 1 <= int(gold_clock.group(1)) <= 12:
        return None
    return int(gold_clock.group(1)) == int(answer_clock.group(1)) and gold_clock.group(2) == answer_clock.group(2)


_DURATION_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b\s*,?\s*(?:and\s+)?(\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b\s*"
                          r"(?:\(\s*(\d+)\s*(?:minutes?|mins?)\s*\))?\s*\.?\s*|\s*(\d{1,2}):([0-5]\d)\s*")


def duration_minutes(text: str) -> Fraction | None:
    """Minutes of "2 hours and 30 minutes", "1 hour 45 minutes", "0:40"; None for anything else."""
    match = _DURATION_RE.fullmatch(text.replace("\\text", "").replace("{", " ").replace("}", " "))
    if not match:
        return None
    hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(5))
    total = Fraction(hours) * 60 + Fraction(minutes)
    return None if match.group(3) and int(match.group(3)) != total else total


_YEARS_MONTHS_RE = re.compile(r"\s*(\d+)\s*(?:years?|yrs?)\s*,?\s*(?:and\s+)?(\d+)\s*months?\s*\.?\s*")
# A gold that is one amount of time with its unit: "2.5 \\text{ hours}", "150 minutes", "3.33 years".
_TIMED_GOLD_RE = re.compile(r"\s*\$?\s*(\d+(?:\.\d+)?)\s*(?:\\[,;: ]|~)?\s*(?:\\(?:text|mathrm)\s*\{\s*)?(hours?|hrs?|h|minutes?|"
                            r"mins?|years?|yrs?|months?)\s*\}?\s*\$?\s*\.?\s*")


def _timed_gold_verdict(gold: str, answer: str) -> bool | None:
    """An amount of time with its unit against the same time in two units ("2.5 hours" / "2 hours and 30
    minutes", "3.33 years" / "3 years and 4 months"): equal, or the gold's rounding of it (half up, three
    significant digits or more); None when either side is no such amount."""
    timed = _TIMED_GOLD_RE.fullmatch(gold)
    if not timed:
        return None
    unit = timed.group(2)
    if unit.startswith(("y", "mo")):
        parts = _YEARS_MONTHS_RE.fullmatch(answer.replace("\\text", "").replace("{", " ").replace("}", " "))
        amount = Fraction(int(parts.group(1)) * 12 + int(parts.group(2))) / (12 if unit.startswith("y") else 1) if parts else None
    else:
        minutes = duration_minutes(answer.strip().strip("$"))
        amount = None if minutes is None else minutes / (60 if unit.startswith("h") else 1)
    if amount is None:
        return None
    stated = timed.group(1)
    if Fraction(stated) == amount:
        return True
    decimals = len(stated.partition(".")[2])
    if not decimals or len(stated.replace(".", "").lstrip("0")) < 3:
        return False  # "2 hours" is not "2 hours 20 minutes"; "3.3 years" too coarse to stand for a rounding
    quantum = Fraction(1, 10 ** decimals)
    return (amount / quantum + Fraction(1, 2)).__floor__() * quantum == Fraction(stated)


def time_verdict(gold: str, answer: str) -> bool | None:
    """A clock reading against a.m./p.m. (`meridiem_verdict`), a bare number against a duration in hours and
    minutes: the number as minutes or as hours ("90" or "1.5" against "1 hour and 30 minutes"), or an amount of
    time with its unit against the same time in two units."""
    meridiem = meridiem_verdict(gold, answer)
    if meridiem is not None or not re.fullmatch(r"\s*\$?\s*\d+(?:\.\d+)?\s*\$?\s*", gold):
        return meridiem if meridiem is not None else _timed_gold_verdict(gold, answer)
    minutes = duration_minutes(re.sub(r"^(?:it\s+)?(?:takes|took|lasts|lasted|needs|needed)\s+", "", answer.strip().strip("$"),
                                      flags=re.IGNORECASE))  # "It takes 2 hours and 30 minutes"
    if minutes is None or re.fullmatch(r"\s*\d{1,2}:\d{2}\s*", answer) and ":" in gold:
        return None
    value = Fraction(gold.strip().strip("$").strip())
    return value == minutes or value == minutes / 60
