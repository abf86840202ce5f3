"""Stage 3, comparison: an angle in degrees against the same angle in radians ("45^\\circ" and "\\frac{\\pi}{4}",
"\\frac{5\\pi}{6}" and "150°"), and a complex number in cis notation ("\\sqrt{2}\\operatorname{cis}135^\\circ") as
its exponential form. Only a side that writes its degrees (a degree sign or the word) meets a multiple of pi: a bare
"45" may be anything, and is compared elsewhere."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .precision import same_at_precision, significant_digits

_NUMBER = r"-?\d+(?:\.\d+)?"
_DEGREE_MARK = r"(?:\^\s*\{?\s*\\circ\s*\}?|°|\s*(?:\\text\s*\{\s*)?\s*(?:degrees?|deg)\b\s*\}?)"
_DEGREES_RE = re.compile(rf"\s*(?P<sign>-?)\s*(?:(?P<number>\d+(?:\.\d+)?)|\\[dt]?frac\s*\{{(?P<top>\d+)\}}\s*\{{"
                         rf"(?P<bottom>\d+)\}})\s*{_DEGREE_MARK}\s*\.?\s*")
_RADIAN_MARK = r"(?:(?:\s|~|\\[,; ])*(?:\\(?:text|mathrm)\s*\{\s*)?\s*(?:rad|radians?)\b\s*\}?)?"
# A decimal in radians, its unit written: "0.983 rad", "1.57\ \text{radians}".
_DECIMAL_RADIANS_RE = re.compile(r"\s*(-?\d+\.\d+)(?:\s|~|\\[,; ])*(?:\\(?:text|mathrm)\s*\{\s*)?(?:rad|radians?)\b\s*\}?\s*\.?\s*")
# k\pi/m in the spellings a model writes: \frac{5\pi}{6}, \frac{\pi}{4}, 5\pi/6, \pi/4, 2\pi, pi/4, \tfrac56\pi.
_RADIANS_RE = re.compile(rf"\s*(?P<sign>-?)\s*(?:\\[dt]?frac\s*\{{\s*(?P<top>\d*)\s*\\?pi\s*\}}\s*\{{\s*(?P<bottom>\d+)\s*\}}"
                         rf"|\\[dt]?frac\s*\{{\s*(?P<ftop>\d+)\s*\}}\s*\{{\s*(?P<fbottom>\d+)\s*\}}\s*\\?pi"
                         rf"|(?P<times>\d*)\s*\\?pi\s*(?:/\s*(?P<over>\d+))?)(?![A-Za-z\d]){_RADIAN_MARK}\s*\.?\s*")


def _degrees(text: str) -> Fraction | None:
    match = _DEGREES_RE.fullmatch(text)
    if not match:
        return None
    value = Fraction(match["number"]) if match["number"] else Fraction(int(match["top"]), int(match["bottom"]))
    return -value if match["sign"] else value


def _pi_multiple(text: str) -> Fraction | None:
    """k/m of k\\pi/m, or None when the side is no rational multiple of pi."""
    match = _RADIANS_RE.fullmatch(text)
    if not match or match["bottom"] == "0" or match["fbottom"] == "0" or match["over"] == "0":
        return None
    if match["bottom"]:
        value = Fraction(int(match["top"] or 1), int(match["bottom"]))
    elif match["fbottom"]:
        value = Fraction(int(match["ftop"]), int(match["fbottom"]))
    else:
        value = Fraction(int(match["times"] or 1), int(match["over"] or 1))
    return -value if match["sign"] else value


# The angle's name before its value: "\\angle CAB = ", "\\theta = ", "x = ".
_ANGLE_NAME_RE = re.compile(r"^\s*(?:\\(?:measured)?angle\s*\{?\s*[A-Z]{1,3}\s*\}?|\\(?:var)?(?:theta|alpha|beta|gamma|phi)|"
                            r"[A-Za-z]|[θαβγφ])(?:_?\d|_\{\d\}|[₀-₉])?\s*=\s*")  # "θ₂ = π/6", "\\theta_{2} ="


def angle_verdict(gold: str, answer: str) -> bool | None:
    """Degrees against radians: equal when the degrees are 180 times the multiple of pi; None unless one side
    writes degrees and the other a multiple of pi."""
    gold, answer = (_ANGLE_NAME_RE.sub("", side.strip().strip("$")).replace("π", "\\pi ") for side in (gold, answer))
    for degrees_side, radians_side in ((gold, answer), (answer, gold)):
        degrees, multiple = _degrees(degrees_side), _pi_multiple(radians_side)
        if degrees is not None and multiple is not None:
            return degrees == 180 * multiple
        decimal = _DECIMAL_RADIANS_RE.fullmatch(radians_side)
        if degrees is not None and decimal and degrees_side is gold:  # "56.3°" for "0.983 rad": at the gold's digits,
            number, written = _DEGREES_RE.fullmatch(degrees_side)["number"], decimal.group(1)
            exact = float(degrees) * math.pi / 180  # "30°" for "0.5236 rad": the exact angle at the answer's digits
            rounded = significant_digits(written) >= 3 and round(exact, len(written.split(".")[1])) == float(written)
            measured = bool(number) and "." in number  # "56.3°" is a rounding; "135°" is exact (2.35 rad is no 3π/4)
            return rounded or measured and same_at_precision(float(written) * 180 / math.pi, number, written)
    return None


_CIS_RE = re.compile(rf"\\(?:operatorname|text|mathrm)\s*\{{\s*cis\s*\}}\s*\(?\s*({_NUMBER})\s*{_DEGREE_MARK}\s*\)?")


def cis_as_exponential(text: str) -> str:
    """r cis θ° as r e^{i θπ/180}: the polar form math-verify reads."""
    return _CIS_RE.sub(lambda m: f"e^{{i \\cdot \\frac{{{m.group(1)}\\pi}}{{180}}}}", text)
