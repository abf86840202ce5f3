"""Physical units after a value: "9.8 m/s^2", "1.38\\times10^{-23}\\ \\mathrm{J\\,K^{-1}}", "2.7 electron volts". A
unit is compared by its symbols and their powers (J/K is J K^-1, M is mol/L, mph is mi/h); another unit of the
same dimension is converted (`conversion.py`: 50 cm is 0.5 m), any other is another answer."""

from __future__ import annotations

import re

from .conversion import compound_verdict, converted_equal, known_unit_token
from .precision import rounds_to_measured_integer
from .scripts import superscripts_as_powers

# Units written out in words, read as their symbols (only spellings that are never a counted noun).
_SPELLED_UNITS = [(re.compile(pattern, re.IGNORECASE), symbol) for pattern, symbol in (
    (r"\belectron[- ]?volts?\b", "eV"), (r"\bmiles? per hour\b", "mi/h"), (r"\bkilomet(?:er|re)s? per hour\b", "km/h"),
    (r"\bmet(?:er|re)s? per second\b", "m/s"), (r"\bmoles? per lit(?:er|re)\b", "mol/L"), (r"^hours?$", "h"),
    (r"^minutes?$", "min"), (r"^seconds?$", "s"), (r"^(?:kilomet(?:er|re)s?)$", "km"), (r"^(?:centimet(?:er|re)s?)$", "cm"),
    (r"^(?:millimet(?:er|re)s?)$", "mm"), (r"^met(?:er|re)s?$", "m"), (r"^(?:kilograms?)$", "kg"), (r"^grams?$", "g"),
    (r"^lit(?:er|re)s?$", "L"), (r"^miles?$", "mi"), (r"^(?:feet|foot)$", "ft"), (r"^inch(?:es)?$", "in"))]
# One unit under two symbols: written the same way once read.
_UNIT_SYNONYMS = {"mph": "mi/h", "kmh": "km/h", "M": "mol/L", "hr": "h", "days": "day", "ohm": "Ohm", "\\Omega": "Ohm"}


def unit_key(unit: str) -> frozenset | str:
    """The unit as symbols and their powers: "J/K", "J*K^-1" and "J K^{-1}" give one key; the unit itself when
    it is not a plain product and quotient of symbols."""
    powers: dict[str, int] = {}
    for index, part in enumerate(unit.split("/")):
        for factor in filter(None, part.split("*")):
            match = re.fullmatch(r"(\\?[A-Za-z]+)(?:\^(-?\d+))?", factor)
            if not match:
                return unit
            symbol = _UNIT_SYNONYMS.get(match.group(1), match.group(1))
            sign = -1 if index else 1
            if "/" in symbol:  # a synonym that is itself a quotient ("mph" is mi/h)
                numerator, denominator = symbol.split("/")
                for name, power in ((numerator, 1), (denominator, -1)):
                    powers[name] = powers.get(name, 0) + sign * power * int(match.group(2) or 1)
                continue
            powers[symbol] = powers.get(symbol, 0) + sign * int(match.group(2) or 1)
    return frozenset((symbol, power) for symbol, power in powers.items() if power)


_UNIT_TOKENS = {"m", "s", "g", "kg", "mg", "cm", "mm", "km", "nm", "um", "N", "J", "kJ", "W", "kW", "Pa", "kPa", "K", "V",
                "A", "Hz", "kHz", "MHz", "mol", "L", "mL", "eV", "keV", "MeV", "h", "hr", "min", "ms", "T", "C", "F",
                "Ohm", "ohm", "\\Omega", "lb", "ft", "in", "mi", "yd", "oz", "atm", "cal", "kcal", "dB", "rad", "sr",
                "lm", "lx", "Wb", "H", "S", "Bq", "Gy", "Sv", "mph", "kmh", "day", "days", "yr", "M", "degC", "degF",
                "mM", "uM", "nM", "pM", "kWh", "Wh", "mmHg", "Da", "kDa", "bar", "psi", "Torr", "lbs", "gal", "ha", "angstrom"}
_VALUE_UNIT_RE = re.compile(
    r"([-+]?\d[\d,]*(?:(?:\s|\\[,! ])\d{3}(?!\d))*(?:\.\d+)?(?:/\d+)?"  # 100\,000 and 100 000 are one number
    r"(?:\s*(?:\\times|\\cdot|\*|×|x|·|⋅)\s*10\^\{?[-+]?\d+\}?|[eE][-+]?\d+)?)"
    r"\s*(?:\\[,; ]|~)*\s*(\S.*)")
_GROUPING_RE = re.compile(r"(?<=\d)(?:\s|\\[,! ])(?=\d{3}(?!\d))")
_CELSIUS_RE = re.compile(r"^(?:\^\s*\{?\s*\\circ\s*\}?|°)\s*\*?\s*([CF])$")  # 44^\circ C, 13°C


def unit_of(text: str) -> tuple[str, str] | None:
    """("9.8", "m/s^2") for "9.8 m/s^2" / "9.8\\,\\text{m/s}^2" / "9.8 \\mathrm{m\\,s^{-2}}": a number and a
    unit built only from known unit symbols; None otherwise (so "3x" or "2 n" stay expressions)."""
    match = _VALUE_UNIT_RE.fullmatch(text.strip().strip("$").strip().rstrip(".").replace("−", "-"))
    if not match:
        return None
    unit = re.sub(r"\\(?:text|mathrm|mbox|rm)\s*\{([^{}]*)\}", r"\1", match.group(2))
    unit = re.sub(r"\\mu\s*\*?|μ|µ", "u", unit.replace("Ω", "Ohm").replace("~", " ")).strip()  # \mu F, 2.0 Ω
    unit = re.sub(r"\\(?:AA|mathring\s*\{\s*A\s*\})|Å|Å|\bangstroms?\b", "angstrom", unit)  # 1.23 Å, 1.23 \AA
    power = re.fullmatch(r"(square|cubic)\s+([A-Za-z]+)", unit, re.IGNORECASE)  # "4 square feet" is 4 ft^2
    unit = power.group(2) if power else unit
    for spelled, symbol in _SPELLED_UNITS:
        unit = spelled.sub(symbol, unit)
    if power:
        unit = f"{unit}^{2 if power.group(1).lower() == 'square' else 3}"
    # "J\\,s", "J·s", "N m^2": a space or a dot between unit symbols multiplies them
    unit = re.sub(r"\\(?:text|mathrm|mbox|rm)\s*(?=\{)", "", unit)  # a wrapper around braces of its own
    unit = re.sub(r"(?:\\[,; !]|\s|·|⋅|\\cdot)+", "*", unit.replace("{", "").replace("}", "")).strip("*")
    unit = re.sub(r"\*?([/^])\*?", r"\1", unit)
    unit = _CELSIUS_RE.sub(r"deg\1", unit)
    unit = re.sub(r"/\(([^()]*)\)", lambda m: "/" + m.group(1).replace("*", "/"), unit)  # J/(mol·K) is J/mol/K
    tokens = re.findall(r"\\?[A-Za-z]+", unit)
    if not tokens or not all(known_unit_token(t, _UNIT_TOKENS) for t in tokens) or re.search(r"[^A-Za-z\\/*^\d\-]", unit):
        return None
    if re.search(r"\d", re.sub(r"\^-?\d+", "", unit)) or unit.startswith("^"):
        return None  # "100 000 Pa", "3.0·10^8 m/s" read as 100 of a unit "000 Pa", "10^{-5} M" as 10 of "^-5*M"
    return _GROUPING_RE.sub("", match.group(1)), unit


# An exact value (a multiple of pi, a root) with its unit set apart in text: "6\\pi\\ \\text{cm}^2", "2\\sqrt{3}\\,\\mathrm{m}".
_EXACT_WITH_UNIT_RE = re.compile(r"(.*?(?:\\pi|π|\\sqrt\s*\{[^{}]+\}|\})\s*)(?:\\[,; ]|~|\s)+\s*((?:\\(?:text|mathrm)\s*\{\s*[^{}]+\}|"
                                 r"\\Omega\b|Ω)(?:\s*\^\s*\{?\d\}?)?)")
# A physical quantity's symbol before its value: "Q ≈ 4200 J", "\\rho = 1500 kg/m^3", "\\vec F = (2, -1, 3)", "A^{T} = ...",
# "E_k \\approx 2.2 J", "\\Delta G^\\circ = ...". A function ("f(x) =") or a product ("2x =") is no such name.
QUANTITY_NAME_RE = re.compile(
    r"^\s*\$?\s*(?:[PEV]\s*\([^()=]{1,20}\)|\\(?:vec|mathbf|overrightarrow|hat|bar|boldsymbol)\s*\{?\s*\\?[A-Za-z]+\s*\}?|\\?[A-Za-z]{1,2}|"
    r"\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|eta|theta|lambda|mu|nu|rho|sigma|tau|phi|varphi|omega|Delta\s*[A-Za-z]|"
    r"Phi|Omega|Sigma|Lambda)|Δ\s*[A-Za-z]|[αβγδεθλμνρστφωΔΦΩ]|\\det\s*\(?\s*[A-Z](?:_\{?\w+\}?)?\s*\)?)(?:_\{?[\w\\, ]+\}?)?(?:\^\{?T\}?|\^\s*\{?\\circ\}?)?"
    r"\s*(=|\\approx|≈)\s*(?=[-+−\d\\(.$])")  # "θ = 60°", "\\det A_n = ...", "P(D \\mid +) = 1/6", "P_0 = $40"


def _without_quantity_name(answer: str) -> str:
    answer = answer.strip().strip("$")
    name = QUANTITY_NAME_RE.match(answer)
    return answer[name.end():] if name else answer


def unit_verdict(gold: str, answer: str, same_number) -> bool | None:
    """A value with a physical unit in the gold: the answer's number with the same unit or none (the question
    names it); another unit is wrong. None when the gold carries no such unit."""
    compound = compound_verdict(gold, answer)  # "5 feet 6 inches": one quantity, never a product
    if compound is not None:
        return compound
    gold_unit = unit_of(gold)
    worded = _EXACT_WITH_UNIT_RE.fullmatch(answer.strip().strip("$"))
    if gold_unit is None and worded and unit_of("1 " + worded.group(2)) is not None:
        return same_number(gold, worded.group(1))  # "6\\pi\\ \\text{cm}^2" for a gold 6\\pi: the unit the question names
    exact = _EXACT_WITH_UNIT_RE.fullmatch(_without_quantity_name(answer))
    exact_unit = unit_of("1 " + exact.group(2)) if exact and gold_unit is not None else None
    if exact_unit is not None and unit_key(exact_unit[1]) == unit_key(gold_unit[1]):
        return same_number(gold_unit[0], exact.group(1))  # "X_L = 12\\pi\\ \\Omega" for a gold of 37.7 Ω
    if gold_unit is None:
        answer_unit = unit_of(answer) if not re.search(r"[A-Za-z]", re.sub(r"\\(?:times|cdot)", "", gold)) else None
        # the answer may carry the unit a bare-number gold leaves to the question ("6.67e-11 N m^2/kg^2")
        return same_number(gold, answer_unit[0]) if answer_unit else None
    answer_unit = unit_of(answer) or unit_of(_without_quantity_name(answer))  # "\\Delta G^\\circ = -2.12 \\times 10^{5} J/mol"
    picometres = re.fullmatch(r"\s*\$?\s*(-?\d+(?:\.\d+)?)\s*\$?\s*(?:\\(?:text|mathrm)\s*\{\s*)?pm\}?\s*\.?\s*", answer)
    if answer_unit is None and picometres:
        return converted_equal(gold_unit, (picometres.group(1), "pm"))  # "123 pm" beside a gold in Å: no time of day
    if answer_unit is not None:
        if unit_key(answer_unit[1]) == unit_key(gold_unit[1]):
            return same_number(gold_unit[0], answer_unit[0]) or rounds_to_measured_integer(gold_unit[0], answer_unit[0])
        return converted_equal(gold_unit, answer_unit)  # 50 cm for 0.5 m; 2.5 mJ is not 2.5 J
    if re.search(r"[A-Za-z]", re.sub(r"\\(?:times|cdot|[dt]?frac)", "", answer)):
        return None  # "5 hours": the unit words of the rest of the grader
    return same_number(gold_unit[0], answer)


def with_restated_unit(text: str, value: str) -> str:
    """A restated result with the unit the closing paragraph gives it ("She runs **2500 meters**.")."""
    restated = re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])\s*\**\s*([A-Za-z°][A-Za-z/^0-9]*)", text.rsplit("\n\n", 1)[-1])
    with_unit = f"{value} {restated.group(1)}" if restated else ""
    return with_unit if restated and unit_of(with_unit) is not None else value


# A chemical formula after a unit names the substance measured: "200 mM NaCl", "44 g CO₂", "0.5 mol H2O".
_FORMULA_RE = re.compile(r"(?=\S*(?:[A-Z]\S*[A-Z]|[\d₀-₉]))(?:[A-Z][a-z]?[\d₀-₉]*|\([A-Z][a-z]?[\d₀-₉]*(?:[A-Z][a-z]?[\d₀-₉]*)*\)[\d₀-₉]*)+")


def with_its_unit(text: str, value: str, end: int) -> str:
    """The last value with the unit that ends its sentence ("C = 3.2 nF.", "so it is 5 km, ..."): dropping it
    would let 3.2 nF match a gold of 3.2 \\mu F. A value followed by other words ("250 mL of water") stays bare."""
    if re.match(r"\s*(?:°|\^\s*\{?\s*\\circ\s*\}?)(?!\s*(?:\\text\s*\{\s*)?(?:[CFK]\b|celsius|fahrenheit|kelvin))", text[end:],
                re.IGNORECASE) and re.fullmatch(r"-?[\d.,]+", value):
        return value + "°"  # "measures 150°": an angle, which a gold in radians may be
    rest = re.match(r"[^\n.,;!?]*", text[end:]).group()
    bolded = re.match(r"[^*\n]{1,24}(?=\*\*)", text[end:]) if re.search(r"\*\*\s*\$?\s*$", text[:end - len(value)]) else None
    rest = bolded.group() if bolded else rest  # "spends **2.5 hours** watching": the bold holds the value and its unit
    candidate = (value + rest).strip().strip("$*").strip()  # "**3.0 × 10⁸ m/s**"
    stated = re.split(r"=|\\approx|≈", candidate)[-1]  # "$P \\approx 0.985$ atm": the value after its name
    if unit_of(superscripts_as_powers(candidate)) is not None or stated != candidate and rest.strip() and unit_of(
            superscripts_as_powers(stated.strip())) is not None:
        return candidate  # m², s⁻¹
    words = rest.split()  # "83.7 J of heat": the unit before the words, never the bare 83.7 (a gold in kJ would match)
    named_value = re.split(r"=|\\approx|≈", value)[-1].strip()  # "$q = 83.7$ J of heat": the value after its name
    leading = next((value + " " + " ".join(words[:n]) for n in (2, 1) if len(words) > n and unit_of(
        superscripts_as_powers(named_value + " " + " ".join(words[:n]).strip("$*"))) is not None and (words[n].lower() in (
        "of", "in", "for", "per", "is", "are", "was", "to", "at") or _FORMULA_RE.fullmatch(words[n]))), None)
    return leading.strip("$* ") if leading else value
