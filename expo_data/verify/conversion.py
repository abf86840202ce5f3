"""Units converted, not only matched (pint): 0.5 m is 50 cm, 25 kPa is 2.5e4 Pa, 11.2 L is 0.0112 m^3 and
2.0e5 N/C is 2.0e5 V/m; 2.5 mJ is not 2.5 J, and a length is never a time. Temperatures with an offset (°C,
°F) are left to the unit match: 44 °C against 317.15 K is for a grader who reads the question."""

from __future__ import annotations

import functools
import math
import re

from .precision import same_at_precision

SI_PREFIXES = ("da", "y", "z", "a", "f", "p", "n", "u", "m", "c", "d", "h", "k", "M", "G", "T", "P", "E")
# Never read as a prefix and a unit: "pm" and "am" are times of day more often than lengths, "Pa" is a pascal.
NOT_SPLIT = {"pm", "am", "Pa", "min", "mol", "cd", "ha", "Gy", "Torr", "mph", "dB", "kmh", "day", "days", "yr", "hr",
             "cal", "atm", "lm", "lx", "mi", "in", "ft", "yd", "oz", "lb", "sr", "angstrom"}
# Units that take no SI prefix.
NO_PREFIX = {"min", "day", "days", "yr", "hr", "h", "mph", "kmh", "atm", "lb", "ft", "in", "mi", "yd", "oz", "dB", "M",
             "Torr", "degC", "degF", "angstrom"}
# Quantities pint counts as one dimension that are not one quantity: rad/s is no Hz (a factor 2 pi), a becquerel no
# hertz, a sievert no gray, a radian no steradian. Each side must name the same of these.
DISTINCT_KINDS = {"rad", "sr", "Bq", "Gy", "Sv"}
_PINT_SPELLING = {"pm": "picometer", "Ohm": "ohm", "ohm": "ohm", "\\Omega": "ohm", "Torr": "torr", "hr": "hour", "days": "day",
                  "kmh": "km/h", "M": "mol/L", "inches": "inch", "feet": "foot", "hours": "hour",
                  "minutes": "minute", "seconds": "second", "years": "year", "months": "month", "weeks": "week"}
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
    try:
        return float(match.group(1).replace(",", "")) / float(match.group(2) or 1) * 10.0 ** int(exponent)
    except (OverflowError, ZeroDivisionError):
        return None  # 1 x 10^{400}, 5/0: no number to convert


def _pint_unit(unit: str):
    factors = re.split(r"([*/])", unit)
    spelled = "".join(_PINT_SPELLING.get(f.split("^")[0], f.split("^")[0]) + ("^" + f.split("^")[1] if "^" in f else "")
                      if f not in "*/" else f for f in factors)
    return _registry().parse_units(spelled.replace("^", "**"))


def converted_equal(gold: tuple[str, str], answer: tuple[str, str]) -> bool:
    """Whether two (number, unit) pairs state one quantity: the same dimension, and the answer's value in the
    gold's unit within REL_TOL of the gold's. False when either side cannot be read."""
    if {gold[1], answer[1]} & _OFFSET_UNITS or _kinds(gold[1]) != _kinds(answer[1]):
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
    return math.isclose(value, gold_value, rel_tol=REL_TOL, abs_tol=0.0) or same_at_precision(value, gold[0], answer[0])


def known_unit_token(token: str, base_units: set[str]) -> bool:
    """A unit symbol: a known one, or an SI prefix on a known one (kN, uF, GHz, dm, GPa)."""
    if token in base_units:
        return True
    if token in NOT_SPLIT:
        return False
    return any(token.startswith(p) and token[len(p):] in base_units and token[len(p):] not in NO_PREFIX
               for p in SI_PREFIXES)


def _kinds(unit: str) -> set[str]:
    """The DISTINCT_KINDS a unit names, prefixes read past ("krad/s" names rad)."""
    names = re.findall(r"[A-Za-z]+", unit)
    return {kind for name in names for kind in DISTINCT_KINDS
            if name == kind or name.endswith(kind) and name[:-len(kind)] in SI_PREFIXES}


# "5 feet 6 inches", "2 hours 30 minutes", "3 dollars and 20 cents": one quantity in two or three units.
_COMPOUND_PART_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z]+)\.?")
_COMPOUND_RE = re.compile(r"\s*\d+(?:\.\d+)?\s*[A-Za-z]+\.?(?:\s*(?:,|and)?\s*\d+(?:\.\d+)?\s*[A-Za-z]+\.?){1,2}\s*")
_MONEY = {"dollar": 1.0, "dollars": 1.0, "cent": 0.01, "cents": 0.01}


def compound_value(text: str) -> tuple[float, str] | None:
    """(value in base units, dimension) of a quantity written in two or three units; None otherwise."""
    text = re.sub(r"\\(?:text|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", text.strip().strip("$")).replace("\\ ", " ")
    if not _COMPOUND_RE.fullmatch(text):
        return None
    parts = _COMPOUND_PART_RE.findall(text)
    if all(unit.lower() in _MONEY for _, unit in parts):
        return sum(float(n) * _MONEY[unit.lower()] for n, unit in parts), "money"
    try:
        quantities = [_registry().Quantity(float(n), _pint_unit(_PINT_SPELLING.get(unit, unit))) for n, unit in parts]
        total = sum(q.to_base_units() for q in quantities[1:]) + quantities[0].to_base_units()
    except Exception:  # a word pint does not know, or units of two dimensions: no compound quantity
        return None
    return float(total.magnitude), str(total.dimensionality)


def compound_verdict(gold: str, answer: str) -> bool | None:
    """Either side one quantity in several units: the same total, in the same dimension. None when neither is."""
    gold_value, answer_value = compound_value(gold), compound_value(answer)
    if gold_value is None and answer_value is None:
        return None
    if gold_value is None or answer_value is None:
        other = answer if gold_value is not None else gold
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\.?\s*", other.strip().strip("$"))
        single = compound_value(f"{match.group(1)} {match.group(2)} 0 {match.group(2)}") if match else None
        gold_value, answer_value = (gold_value, single) if gold_value is not None else (single, answer_value)
        if single is None:
            return False
    return gold_value[1] == answer_value[1] and math.isclose(gold_value[0], answer_value[0], rel_tol=REL_TOL)
