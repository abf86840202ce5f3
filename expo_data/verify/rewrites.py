"""Stage 2, notation rewritten before parsing. A root of a power as the fractional power it is, \\sqrt[3]{x^2} as x^{2/3} (an odd root is
real for every real x, and x^{2/3} means that root), \\sqrt[4]{x^3} as x^{3/4} (both real only for x >= 0). An
even root of an even power stays (\\sqrt[4]{x^2} is \\sqrt{|x|}, not x^{1/2}). And \\gamma as a letter (a physics
gold's adiabatic index, T_0 (V_1/V_2)^{\\gamma - 1}): the parser reads it as Euler's constant, and "\\gamma-1" as
the gamma function at -1."""

from __future__ import annotations

import re

_ROOT_OF_POWER_RE = re.compile(r"\\sqrt\s*\[\s*(\d+)\s*\]\s*\{\s*([A-Za-z]|\d+|\([^(){}]+\))\s*\^\s*\{?\s*(\d+)\s*\}?\s*\}")


def radicals_as_powers(text: str) -> str:
    def power(match) -> str:
        index, base, exponent = int(match.group(1)), match.group(2), int(match.group(3))
        if index < 2 or index % 2 == 0 and exponent % 2 == 0:
            return match.group(0)
        return f"{base}^{{\\frac{{{exponent}}}{{{index}}}}}"
    return _ROOT_OF_POWER_RE.sub(power, text)


_GAMMA_RE = re.compile(r"\\gamma(?![A-Za-z])")


def gamma_as_letter(text: str) -> str:
    """\\gamma as the letter \\varsigma, on both sides alike."""
    return _GAMMA_RE.sub(r"\\varsigma ", text)
