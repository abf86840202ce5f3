"""Stage 3, comparison: a measured gold states its precision. A gold in scientific notation (1.2e-10,
1.35 \\times 10^{3}) or a decimal of four or more significant digits that does not end in 5 or 0 (2.0946, but not
12.25) is a rounding; an answer written to more digits that rounds to it states the same measurement (1.23e-10,
1354, 2.09455). A quantity converted between units (13.6 eV, 2.18e-18 J) is the same when both agree at the
precision of the less precise one, of three significant digits or more. Never the other way: an answer less
precise than its gold (1.2e-10 for 1.23e-10) is not it. An integer gold with a physical unit ("531 Hz") is measured
too, at three significant digits or more."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_WRITTEN_RE = re.compile(r"\s*\$?\s*([-+]?)(\d+(?:\.\d+)?|\.\d+)(?:\s*(?:\\times|×|\\cdot|x)\s*10\s*\^\s*\{?\s*([-+−]?\d+)\s*\}?"
                         r"|\s*[eE]\s*([-+]?\d+))?\s*\$?\s*")
LEAST_CONVERTED_DIGITS = 3


_MOST_DIGITS = 24  # longer numbers are exact integers or identities, compared digit by digit elsewhere
LEAST_GOLD_DIGITS = 2  # "3e8" or "1e6" is an order of magnitude or exact, never a rounding to widen


def _written(text: str) -> tuple[Decimal, int, bool] | None:
    """(value, significant digits, in scientific notation) of a plainly written number; None otherwise. An
    integer's trailing zeros are not significant (100 has one)."""
    match = _WRITTEN_RE.fullmatch(text)
    if not match:
        return None
    sign, mantissa, power, e_power = match.groups()
    exponent = (power or e_power or "0").replace("−", "-")
    digits = mantissa.replace(".", "").lstrip("0") or "0"
    digits = digits if "." in mantissa else digits.rstrip("0") or "0"
    if len(digits) > _MOST_DIGITS or len(exponent) > 4:
        return None
    try:
        value = Decimal(sign + mantissa).scaleb(int(exponent))
    except (InvalidOperation, ValueError):
        return None
    return value, len(digits), bool(power or e_power)


def significant_digits(text: str) -> int | None:
    written = _written(text)
    return written[1] if written else None


def _rounded(value: Decimal, digits: int, mode) -> Decimal:
    if value == 0:
        return value
    quantum = Decimal(1).scaleb(value.adjusted() - digits + 1)
    return value.quantize(quantum, rounding=mode)


def rounds_to_gold(gold: str, answer: str) -> bool:
    """The answer, written to more digits than a measured gold, rounds to it."""
    ours, theirs = _written(gold), _written(answer)
    if ours is None or theirs is None:
        return False
    value, digits, scientific = ours
    measured = scientific and digits >= LEAST_GOLD_DIGITS or "." in gold and digits >= 4 and (
        gold.strip().strip("$").strip()[-1] not in "05")
    if not measured or theirs[1] <= digits or value == 0:
        return False
    return _rounded(theirs[0], digits, ROUND_HALF_UP) == _rounded(value, digits, ROUND_HALF_UP)


def rounds_to_measured_integer(gold: str, answer: str) -> bool:
    """A gold that carries a physical unit and is an integer of three significant digits or more, not ending in 5 or
    0 ("531 Hz"), is a measurement too: an answer written to more digits that rounds to it ("531.25 Hz") states it."""
    ours, theirs = _written(gold), _written(answer)
    if ours is None or theirs is None or "." in gold or ours[2] or ours[1] < 3 or gold.strip()[-1:] in ("0", "5"):
        return False
    return theirs[1] > ours[1] and _rounded(theirs[0], ours[1], ROUND_HALF_UP) == ours[0]


def same_at_precision(converted: float, gold_text: str, answer_text: str) -> bool:
    """A converted answer agrees with its gold at the gold's precision (three digits or more), and writes at least
    as many digits as the gold, an integer's trailing zeros counted ("2090 mJ" has four): "2090 mJ" is no
    2.0946 J, as "2.09 J" is not."""
    digits = significant_digits(gold_text) or 0
    written = _written(re.sub(r"[^\d.eE+\-−^{}\\timescdot ]", "", answer_text).strip())
    answer_digits = max(significant_digits(answer_text) or 0, len(written[0].as_tuple().digits) if written else 0)
    if answer_digits < digits:
        return False
    ours = _written(gold_text)
    if digits < LEAST_CONVERTED_DIGITS or ours is None or converted == 0 or not math.isfinite(converted):
        return False  # nan and inf (an overflowing conversion) round to nothing
    try:
        theirs = Decimal(repr(converted))
    except (InvalidOperation, ValueError):
        return False
    return _rounded(theirs, digits, ROUND_HALF_UP) == _rounded(ours[0], digits, ROUND_HALF_UP)
