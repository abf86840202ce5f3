"""Stage 2b, complete parses: math-verify's parse of a side, refused when it drops variables the text writes."""

from __future__ import annotations

import functools
import re

from .boxes import _boxes


# ---------------------------------------------------------------------------
# Complete parses.
# ---------------------------------------------------------------------------
# Function and constant names that latex2sympy/sympy consume, so their letters are no variables.
_KNOWN_WORDS = {"floor", "ceil", "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "min", "max",
                "gcd", "lcm", "abs", "binom", "arcsin", "arccos", "arctan", "mod", "pmod", "deg", "frac", "infty",
                "pi", "oo", "inf", "circ", "cdot", "times", "le", "ge", "leq", "geq", "neq", "in", "cup", "cap",
                "pm", "mp", "to", "infinity"}
_LATEX_CMD_RE = re.compile(r"\\[A-Za-z]+")
_ENVIRONMENT_RE = re.compile(r"\\(?:begin|end)\s*\{[A-Za-z*]+\}")
_UNIT_TEXT_RE = re.compile(r"\\(?:text|textnormal|mbox|mathrm)\s*\{[^{}]*\}")


def _variables_written(text: str) -> set[str]:
    """Single letters a complete parse must keep as symbols (units in \\text{} and function names
    are dropped or consumed by design; e and i read as constants)."""
    text = _UNIT_TEXT_RE.sub(" ", text)
    text = _ENVIRONMENT_RE.sub(" ", text)
    text = _LATEX_CMD_RE.sub(" ", text)
    letters: set[str] = set()
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() not in _KNOWN_WORDS:
            letters.update(word)
    return letters - {"e", "i", "E", "I"}


def _symbols_kept(expr) -> set[str]:
    """Letters of the free symbols anywhere in a parse (lists and sets of expressions included)."""
    names: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
            continue
        for symbol in getattr(node, "free_symbols", ()) or ():
            names.add(str(symbol))
    return {ch for name in names for ch in name}


def _as_math(text: str) -> str:
    # math-verify's LaTeX extractor wants delimiters; bare "42" or "x = 3" parse as expressions too.
    text = text.strip()
    return text if text.startswith("$") or "\\boxed" in text else f"${text}$"


def _imaginary_unit(expr):
    """latex2sympy reads i as a symbol: i^2 must be -1 (answers use no other i)."""
    try:
        import sympy

        units = {s: sympy.I for s in getattr(expr, "free_symbols", ()) or () if str(s) == "i"}
        if units:
            return expr.subs(units)
    except Exception:  # some parses (relations, sets of tuples) refuse subs; keep them as they are
        pass
    return expr


@functools.cache
def _case_sensitive_symbols() -> None:
    """latex2sympy lowers every symbol by default (math-verify passes no conversion config), so m/M, q/Q and r/R
    compared equal: \\frac{mg}{M} graded \\frac{Mg}{m} correct. Its default config object is made case-sensitive
    once, before the first parse."""
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy

    latex2sympy.__defaults__ = latex2sympy.__defaults__[:-1] + (ConversionConfig(lowercase_symbols=False),)


def parse_complete(text: str):
    """(parsed, status): status 'ok', 'failed' (nothing parsed) or 'partial' (the parse lost
    variables the text writes, e.g. `2^floor(n/2)*floor(n/2)!` -> 2). A last letter math-verify drops as a unit
    ("x + c", "\\sqrt{3}c", "3d") is read braced, as the variable it is."""
    parsed, status = _parse_complete(text)
    if status == "partial" and re.search(r"(?<![A-Za-z\\])[a-z]\s*\$?\s*$", text):
        braced = re.sub(r"(?<![A-Za-z\\])([a-z])(\s*\$?\s*)$", r"{\1}\2", text)
        parsed_braced, status_braced = _parse_complete(braced)
        if status_braced == "ok":
            return parsed_braced, status_braced
    return parsed, status


def _parse_complete(text: str):
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    _case_sensitive_symbols()
    if _too_big(text):
        return None, "failed"  # compared as a string: evaluating it would outlast any comparison budget
    parsed = parse(_as_math(text), extraction_config=[LatexExtractionConfig(), ExprExtractionConfig()])
    if not parsed:
        return None, "failed"
    parsed = [_imaginary_unit(parsed[0])] + list(parsed[1:])
    if len(parsed) > 1 and isinstance(parsed[1], str) and _stops_short(parsed[1], text):
        return parsed, "partial"  # "1 - \\frac{1}{ e }" read as 1: latex2sympy stopped where it failed
    # latex2sympy lowers some symbols (\text{(C)} -> c): compare case-insensitively.
    kept = {ch.lower() for ch in _symbols_kept(parsed[0])}
    missing = {ch for ch in _variables_written(text) if ch.lower() not in kept}
    return parsed, ("partial" if missing else "ok")


# An exponent or factorial of six digits or more: Python's integers compute it in one uninterruptible C call.
_HUGE_ARGUMENT_RE = re.compile(r"\^\s*\{?\s*\(?\s*\d{6,}|\d{6,}\s*!|\*\*\s*\(?\s*\d{6,}")


def _exponents(text: str):
    """The brace-balanced contents of every ^{...} in the text."""
    for match in re.finditer(r"\^\s*\{", text):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield text[match.end():i - 1]


def _too_big(text: str) -> bool:
    """A numeric tower (10^{10^{10}}, 2^{\\frac{1}{2^{1000}}}: an exponent with no variable that holds a power
    itself) or a huge exponent or factorial: no parser or comparison of it ends within the budget."""
    if _HUGE_ARGUMENT_RE.search(text):
        return True
    return any("^" in e and not re.search(r"[A-Za-z]", re.sub(r"\\(?:[dt]?frac|cdot|left|right)", "", e))
               for e in _exponents(text))


def _squashed(text: str) -> str:
    return re.sub(r"\s+|\$|\\left|\\right|\\[,;!: ]", "", text).rstrip(".,;:")


def _stops_short(matched: str, text: str) -> bool:
    """math-verify's parse read only a prefix of the text (it parses up to where latex2sympy fails)."""
    read, whole = _squashed(matched), _squashed(_unboxed(text))
    return len(read) < len(whole) and whole.startswith(read)


def _unboxed(answer: str) -> str:
    boxes = _boxes(answer.strip())
    if len(boxes) == 1 and boxes[0][0] == 0 and boxes[0][1] == len(answer.strip()):
        return boxes[0][2]
    return answer
