"""Units converted, not only matched (pint): 0.5 m is 50 cm, 25 kPa is 2.5e4 Pa, 11.2 L is 0.0112 m^3 and
2.0e5 N/C is 2.0e5 V/m; 2.5 mJ is not 2.5 J, and a length is never a time. Temperatures with an offset (°C,
°F) are left to the unit match: 44 °C against 317.15 K is for a grader who reads the question."""

from __future__ import annotations

import functools
import math
import re

SI_PREFIXES = ("da", "y", "z", "a", "f", "p", "n", "u", "m", "c", "d", "h", "k", "M", "G", "T", "P", "E")
# Read as another unit, never as a prefix and a unit: "pm" and "am" are times of day more often than lengths.
NOT_PREFIXED = {"pm", "am", "Pa", "min", "mol", "cd", "ha", "Gy", "Torr", "mph", "dB", "kmh", "day", "days", "yr",
                "hr", "cal", "atm", "lm", "lx", "rad", "sr", "mi", "in", "ft", "yd", "oz", "lb"}
_PINT_SPELLING = {"Ohm": "ohm", "ohm": "ohm", "\\Omega": "ohm", "Torr": "torr", "hr": "hour", "days": "day",
                  "kmh": "km/h", "M": "mol/L"}
_OFFSET_UNITS = {"degC", "degF"}
_NUMBER_RE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)(?:/(\d+))?\s*(?:(?:\\times|\\cdot|\*|×|x)\s*10\^\{?([-+]?\d+)\}?|"
                        r"[eE]([-+]?\d+))?")

REL_TOL = 1e-6


@functools.lru_cache(maxsize=1)
def _registry():
    import pint

    return pint.UnitRegistry()


def number_value(text: str) -> float | None:
    """3.0e8 for "3.00 \\times 10^{8}", "3.0E+08", "300,000,000"; None for anything but a written number."""
    match = _NUMBER_RE.fullmatch(text.strip().replace("−", "-"))
    if not match:
        return None
    exponent = match.group(3) or match.group(4) or "0"
    return float(match.group(1).replace(",", "")) / float(match.group(2) or 1) * 10.0 ** int(exponent)


def _pint_unit(unit: str):
    factors = re.split(r"([*/])", unit)
    spelled = "".join(_PINT_SPELLING.get(f.split("^")[0], f.split("^")[0]) + ("^" + f.split("^")[1] if "^" in f else "")
                      if f not in "*/" else f for f in factors)
    return _registry().parse_units(spelled.replace("^", "**"))


def converted_equal(gold: tuple[str, str], answer: tuple[str, str]) -> bool:
    """Whether two (number, unit) pairs state one quantity: the same dimension, and the answer's value in the
    gold's unit within REL_TOL of the gold's. False when either side cannot be read."""
    if {gold[1], answer[1]} & _OFFSET_UNITS:
        return False
    gold_value, answer_value = number_value(gold[0]), number_value(answer[0])
    if gold_value is None or answer_value is None:
        return False
    try:
        gold_unit, answer_unit = _pint_unit(gold[1]), _pint_unit(answer[1])
        quantity = _registry().Quantity(answer_value, answer_unit)
        if quantity.dimensionality != _registry().Quantity(1, gold_unit).dimensionality:
            return False
        value = quantity.to(gold_unit).magnitude
    except Exception:  # pint's parse and conversion errors: a unit it does not know is no match
        return False
    return math.isclose(value, gold_value, rel_tol=REL_TOL, abs_tol=0.0)


def known_unit_token(token: str, base_units: set[str]) -> bool:
    """A unit symbol: a known one, or an SI prefix on a known one (kN, uF, GHz, dm)."""
    if token in base_units:
        return True
    if token in NOT_PREFIXED:
        return False
    return any(token.startswith(p) and token[len(p):] in base_units and token[len(p):] not in NOT_PREFIXED - {"mol"}
               for p in SI_PREFIXES)
