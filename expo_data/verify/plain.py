"""Plain-text math as competition sets ship golds (`floor(k/3)`, `C(2n, n-1)`, `sqrt(b)`, `sum_(i=1)^m 1/i^2`,
`c(2±sqrt(3))`): read with sympy's own expression parser (implicit multiplication, ^ as a power, the usual
function names) instead of latex2sympy, which reads such text only in part. A reading is complete or None:
never a prefix of the text."""

from __future__ import annotations

import functools
import math
import re
import unicodedata

# Letters sympy would read as something else (E = Euler's number, S/N/O/Q are sympy objects): plain symbols here.
_PLAIN_LETTERS = "abcdefghjklmnopqrstuvwxyzABCDFGHJKLMNOPQRSTUVWXYZ"
_FUNCTION_NAMES = ("sqrt", "floor", "ceil", "ceiling", "binom", "abs", "log", "ln", "exp", "factorial", "sin", "cos",
                   "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "asin", "acos", "atan", "gcd", "lcm", "min",
                   "max", "pi", "oo",
                   "Sum", "C", "e", "i")
# Text that is no plain formula: LaTeX commands, words of three letters or more that name no function.
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_SUM_RE = re.compile(r"(sum|prod)_\(?\s*([a-z])\s*=\s*([^)^]+?)\)?\s*\^\s*(\(([^()]*)\)|[A-Za-z0-9]+)\s*")


def _sums(text: str) -> str | None:
    """sum_(i=1)^m BODY -> Sum(BODY, (i, 1, m)): the body runs to the end of the text (the way golds write it)."""
    match = _SUM_RE.search(text)
    if not match:
        return text
    if re.search(r"(?:sum|prod)_", text[match.end():]) or not text[match.end():].strip():
        return None
    upper = match.group(5) if match.group(5) is not None else match.group(4)
    body = text[match.end():]
    kind = "Sum" if match.group(1) == "sum" else "Product"
    return f"{text[:match.start()]}{kind}({body}, ({match.group(2)}, {match.group(3)}, {upper}))"


def _calls(text: str) -> str:
    """C(n, k) is the binomial coefficient (a capital C before a bracket; c(2+x) stays a product)."""
    return re.sub(r"(?<![A-Za-z])C\s*\(", "binom(", text)


def _top_level_comma(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            return True
    return False


def looks_plain(text: str) -> bool:
    """Plain ASCII math rather than LaTeX or prose: no backslash, no $, words only function names."""
    if "\\" in text or "$" in text or "{" in text:
        return False
    words = {w for w in _WORD_RE.findall(text)}
    return all(w in _FUNCTION_NAMES or w in ("sum", "prod") for w in words)


@functools.lru_cache(maxsize=4096)  # golds repeat once per sample; sympy expressions are immutable
def parse_plain(text: str):
    """The sympy expression `text` writes in plain math, or None when it is not plain math or not read whole.
    `±` gives None (a pair of values is read by the caller)."""
    from sympy import (Abs, Function, Symbol, binomial, ceiling, exp, factorial, floor, gcd, lcm, log, sqrt, Max,
                       Min, pi, oo, E, I, Sum, Product, sin, cos, tan, cot, sec, csc, asin, acos, atan)
    from sympy.parsing.sympy_parser import (convert_xor, factorial_notation, implicit_multiplication_application,
                                            parse_expr, standard_transformations)

    text = unicodedata.normalize("NFKC", text).strip().rstrip(".")
    if not text or not looks_plain(text) or "±" in text or re.search(r"[<>=]", _SUM_RE.sub("", text)):
        return None
    text = _calls(text.replace("−", "-").replace("×", "*").replace("·", "*").replace("√", "sqrt"))
    text = re.sub(r"(?<![\d.])0+(?=\d)", "", text)  # AIME's 025 is 25 (sympy's parser reads it as 0*25)
    if re.search(r"\.\.\.|…|;|:|\[|\]|'|\"", text) or _top_level_comma(text):
        return None  # y(y+1)...(y+99), lists are no single plain expression
    if "!" in text and (re.search(r"\d{4,}", text) or re.search(r"\([\d\s^*+\-]*\^[\d\s^*+\-]*\)\s*!", text)):
        return None  # sympy evaluates n! while parsing, even unevaluated: 100000! would hang the grader
    text = re.sub(r"\blog_?\(?(\d+)\)?\s*\(([^()]*)\)", r"log(\2, \1)", text)  # log_2(n), log2(n): a base, no subscript
    text = re.sub(r"\b(sin|cos|tan|cot|sec|csc)\^(\d)\s*\(([^()]*)\)", r"\1(\3)^\2", text)  # cos^2(x) is cos(x)^2
    text = _sums(text)
    if text is None or "_" in text:
        return None  # a subscript is no plain formula
    names = {ch: Symbol(ch) for ch in _PLAIN_LETTERS}
    names.update({"sqrt": sqrt, "floor": floor, "ceil": ceiling, "ceiling": ceiling, "binom": binomial,
                  "C": binomial if re.search(r"\bC\s*\(", text) else Symbol("C"),  # C(10, 3), or "+ C" of an integral
                  "abs": Abs, "log": log, "ln": log, "exp": exp, "factorial": factorial, "gcd": gcd,
                  "lcm": lcm, "min": Min, "max": Max, "pi": pi, "oo": oo, "e": E, "i": I, "Sum": Sum, "sin": sin,
                  "cos": cos, "tan": tan, "cot": cot, "sec": sec, "csc": csc, "arcsin": asin, "arccos": acos,
                  "arctan": atan, "Product": Product, "asin": asin, "acos": acos, "atan": atan, "Function": Function})
    for bound in re.findall(r"\(([a-z]), [^,()]+, [^,()]+\)\)$", text):
        names[bound] = Symbol(bound)  # a sum's index is a variable, even i
    transformations = standard_transformations + (implicit_multiplication_application, convert_xor,
                                                   factorial_notation)
    try:
        if not _small(parse_expr(text, local_dict=names, transformations=transformations, evaluate=False)):
            return None
        expr = parse_expr(text, local_dict=names, transformations=transformations, evaluate=True)
    except Exception:  # sympy's parser raises many kinds (SyntaxError, TypeError, TokenError): not plain math
        return None
    return expr if hasattr(expr, "free_symbols") else None


def _small(expr) -> bool:
    """No power or factorial whose evaluation would hang the grader or the gold audit (10^10^10, 100000!)."""
    from sympy import Pow, factorial

    for node in expr.atoms(Pow) | expr.atoms(factorial):
        numbers = [a for a in node.args if getattr(a, "is_Number", False)]
        if any(abs(a) > 10_000 for a in numbers):
            return False
        tower = node.args[1] if isinstance(node, Pow) else None  # 10^(10^10): an exponent of 10^10 digits
        if isinstance(tower, Pow) and all(getattr(a, "is_Number", False) for a in tower.args) and abs(
                tower.args[1]) * math.log10(max(2, abs(tower.args[0]))) > 4:
            return False
    return True


def letters_of(text: str) -> set[str]:
    """The single letters a plain formula writes as variables (function names left out)."""
    text = _WORD_RE.sub(" ", re.sub(r"sum_", " ", _calls(unicodedata.normalize("NFKC", text))))
    return set(text) & set(_PLAIN_LETTERS) - {"e", "i"}
