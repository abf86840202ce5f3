"""Stage 2, notation rewritten before parsing. A root of a power as the fractional power it is, \\sqrt[3]{x^2} as x^{2/3} (an odd root is
real for every real x, and x^{2/3} means that root), \\sqrt[4]{x^3} as x^{3/4} (both real only for x >= 0). An
even root of an even power stays (\\sqrt[4]{x^2} is \\sqrt{|x|}, not x^{1/2}). And \\gamma as a letter (a physics
gold's adiabatic index, T_0 (V_1/V_2)^{\\gamma - 1}): the parser reads it as Euler's constant, and "\\gamma-1" as
the gamma function at -1."""

from __future__ import annotations

import re

from .units import QUANTITY_NAME_RE, unit_of

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


_FUNCTION_ITEM_RE = re.compile(r"[fghFGHP]\s*\(\s*[a-z]\s*\)\s*=")
FOR_EVERY_RE = re.compile(r"\s*\(?\s*(?:\\text\s*\{\s*)?\b(?:for|over)\s+(?:all|every|each|any)\s+"
                           r"(?:(?:real|rational|positive|integer|nonnegative|non-negative|natural)\s+)*(?:numbers?\s+|integers\s+)?"
                           r"\}?\s*\$?\s*[a-z](?![A-Za-z])\s*(?:(?:\\in|∈)\s*\\mathbb\s*\{?[RQZN]\}?(?:\^\s*\{?\+\}?)?|(?:>|\\geq?|\\ge|≥)\s*0)?"
                           r"\s*\$?\s*\}?\s*\)?")  # "for all x > 0" too


# A domain bounded by a relation ("for all $x < 0$", "for x \\ge 0", "if x > 1"): pieces of one function when two
# pieces differ ("x for x \\ge 0 and -x for x < 0"); one shared domain ("... for all x > 0, or ... for all x > 0") is none.
_DOMAIN_RELATION_RE = re.compile(r"\b(?:for|if|when|whenever)\s+(?:(?:all|every|each|any|real|positive|negative)\s+)*\$?\s*"
                                 r"[a-z]\s*(?:<|>|\\[lg]eq?(?![A-Za-z])|\\[lg]t(?![A-Za-z])|≤|≥|\\neq?(?![A-Za-z])|≠)\s*=?\s*-?[\w.]*")


def piecewise_domains(text: str) -> bool:
    return len({re.sub(r"[\s$]", "", m.group()) for m in _DOMAIN_RELATION_RE.finditer(text)}) > 1


def several_domains(text: str) -> bool:
    """Pieces of one function, or items over different domains ("for all real x" and "for all integers x")."""
    return piecewise_domains(text) or len({re.sub(r"[\s$(){}]|\\text", "", m.group()) for m in FOR_EVERY_RE.finditer(text)}) > 1


def function_qualifiers_dropped(text: str) -> str:
    """"f(x) = x for all real x and f(x) = 2 - x for all real x" as "f(x) = x and f(x) = 2 - x": in a list of two or
    more functions each item's "for all x" only restates the domain."""
    if len(_FUNCTION_ITEM_RE.findall(text)) < 2 or piecewise_domains(text):
        return text  # "f(x) = x for all x \\ge 0 and f(x) = -x for all x < 0": one function in pieces
    arguments = set(re.findall(r"[fghFGHP]\s*\(\s*([a-z])\s*\)\s*=", text))
    of_argument = [m for m in FOR_EVERY_RE.finditer(text) if _qualified_letter(m.group()) in arguments]  # not "any real c"
    domains = {re.sub(r"[\s$(){}]|\\text", "", m.group()) for m in of_argument}
    if len(domains) != 1:
        return text  # "for all real x" and "for all integers x" differ
    for match in reversed(of_argument):
        text = text[:match.start()] + " " + text[match.end():]
    return text


def _qualified_letter(qualifier: str) -> str:
    letters = re.findall(r"(?<![A-Za-z\\])[a-z](?![A-Za-z])", re.sub(r"\\[A-Za-z]+", " ", qualifier))
    return letters[-1] if letters else ""


_NAMED_MATH = {"\\sqrt", "\\frac", "\\pi", "\\ln", "\\log", "\\sin", "\\cos", "\\tan", "\\exp"}


# The left side of "\\int x \\ln x\\,dx = ...", "\\frac{d}{dx}\\sin^2 x = ...", "\\sum_{k=1}^n k^2 = ...", "\\lim ... =",
# "f^{-1}(x) = ...", "i^{2023} = ...", a lone "= ...": the question written out, then its value.
_ASKED_SIDE_RE = re.compile(r"^\s*\$?\s*(?:(?:[^=]*?(?:\\(?:i+nt|oint|sum|prod|lim)(?![A-Za-z])|\\frac\s*\{\s*d\s*\^?\{?\d?\}?\s*\}\s*"
                            r"\{\s*d\s*[a-z]|\\[dt]?frac\s*\{\s*d\s*[a-z]\s*\}\s*\{\s*d\s*[a-z]\s*\}|\bd/dx\b)[^=]*?|"
                            r"[A-Za-z]\^\s*\{\s*-1\s*\}\s*\(\s*[a-z]\s*\)\s*|i\^\s*\{?\d+\}?\s*)=|=)\s*(?=\S)")


def _asked_side_value(reference: str, answer: str) -> str:
    """The value after the question written out as its left side, when the gold is a bare value (no "=")."""
    if "=" in reference:
        return answer
    masked = re.sub(r"\{[^{}]*\}|\([^()]*\)", lambda m: m.group().replace("=", "\x01"), answer)  # "\\sum_{k=1}^n": no side
    note = re.search(r"\\q?quad|\\text\s*\{\s*(?:at|when|for|if|where)\b|,\s*(?:at|when|where)\b", masked)
    masked = masked[:note.start()] if note else masked  # "= 0 \\text{ at } x = 1": where, not what
    asked = _ASKED_SIDE_RE.match(masked)
    if not asked:
        return answer
    # a chain ("\\int_0^1 x^2\\,dx = \\frac{x^3}{3}\\Big|_0^1 = \\frac13") states its last side
    last = masked.rfind("=") + 1 if "=" in masked[asked.end():] else asked.end()
    return answer[last:len(masked)].strip().rstrip(".").strip()


def _quantity_value(reference: str, answer: str) -> str:
    """The answer's value without its quantity's symbol ("Q ≈ 4200 J" -> "4200 J") when the gold names nothing (no
    "=" in it); "≈" only where the gold itself is a measurement (it carries a unit, or it is a decimal or in
    scientific notation): "x ≈ 5" states no exact 5."""
    name = QUANTITY_NAME_RE.match(answer)
    if re.search(r"\\equiv|≡|\\pmod|\bmod\b|\b(?:all|every)\b", reference):
        return answer  # a family's gold: "n = 1" names one member, never a value to compare bare
    if not name or "=" in reference or "\\approx" in reference or "≈" in reference or name.group().strip().split("=")[0].strip() in _NAMED_MATH:
        return answer
    rest = answer[name.end():]
    if name.group().lstrip(" $").startswith("\\det"):
        return rest  # "\\det A_n = (-1)^{n+1}(n-1)2^{n-2}": the determinant's value, a formula in n
    if not re.search(r"\d", rest) or re.search(r"=", rest) or re.search(r"\\approx|≈", rest) and "≈" not in name.group() and not (
            re.search(r"\\pi|π|\\sqrt|√|\\frac|/", rest)):
        return answer  # "T = \\pi/10 \\approx 0.314": an exact form and its rounding, read on
    letters = re.sub(r"\\[A-Za-z]+\s*\{[^{}]*\}|\\[A-Za-z]+", "", rest)
    if re.search(r"[A-Za-z]", letters) and unit_of(rest) is None:
        return answer  # "n = 3k + 1, k \\in Z": a form in a parameter, no measured value
    if name.group(1) != "=" and not (unit_of(reference) is not None or re.search(r"\d\.\d|(?:\\times|×)\s*10|\de[-+]?\d", reference)):
        return answer
    return rest


# A form's parameter range in brackets at the end ("$n=4k$ or $n=4k-1$ ($k\\ge1$)"), and words that only lead to the form.
_PARAMETER_BRACKET_RE = re.compile(r"\s*\(\s*\$?\s*([a-z]\s*(?:\\geq?|≥|>|\\in|∈)\s*[^()$]+?)\s*\$?\s*\)\s*\.?\s*$")
_FORM_LEAD_RE = re.compile(r"^\s*(?:exactly\s+)?(?:the|all)\s+(?:(?:positive|nonnegative|non-negative|natural|integers?|numbers?)\s+)"
                           r"{0,2}\$?\s*[a-z]\s*\$?\s+of\s+the\s+form\s+(?=\$?\s*[a-z]\s*=)")
_QUALIFIED_FAMILY_RE = re.compile(r"\b(?:prime|odd|even|square\w*|composite|perfect|divisible|multiples?|powers?)\b", re.IGNORECASE)


def bracketed_range_as_clause(text: str) -> str:
    """"P(x) = x^n \\ (n \\ge 1)" as "P(x) = x^n, n \\ge 1": a parameter's range in brackets at the end, on either
    side alike (a form narrowed by a word, "prime", "odd", is left whole)."""
    if _QUALIFIED_FAMILY_RE.search(text):
        return text
    return _PARAMETER_BRACKET_RE.sub(r", \1", re.sub(r"\\[ ,;:]\s*(?=\(\s*\$?\s*[a-z]\s*(?:\\geq?|≥|>|\\in|∈))", " ", text))


_APPROXIMATION_AFTER_RE = re.compile(r"(?<=\S)\s*\(\s*(?:≈|\\approx|approx\.?|about|roughly)\s*-?\d+(?:\.\d+)?\s*\)\s*\.?\s*$")


def answer_rewritten(reference: str, answer: str) -> str:
    """The answer without words that only lead to its value: "\\therefore", a quantity's symbol ("Q ≈ 4200 J"), "the $n$ of the
    form" with the parameter's range in brackets ("$n=4k$ or $n=4k-1$ ($k\\ge1$)"; never past "prime", "odd" and
    the like, which narrow the form), "exactly"/"only" ("exactly the primes", "only $n = 1$")."""
    answer = re.sub(r"(?:\\q?quad\s*)+(\\text\s*\{\s*(?:or|and)\s*\})(?:\s*\\q?quad)+", r" \1 ", answer)  # "x=1 \\quad\\text{or}\\quad x=2"
    answer = re.sub(r"^\s*(?:\\therefore|∴)\s*", "", answer)  # "$\\therefore CE = 104$": the sign of a conclusion
    answer = re.sub(r"(?<=\d)\s*yrs?\.?\s*$", " years", answer)  # "5 yr": years, as the gold spells them
    answer = re.sub(r"^\s*\$(\s*-?\d[\d,.]*\s*)\$(?=\s+[A-Za-zµΩ°][\w/^.·µΩ ]*$)", r"\1", answer)  # "$5$ kJ", "$24$ square units"
    answer = re.sub(r"^(\s*(?:only\s+)?\$[^$]*\d[^$]*\$)\s+(?:works|holds|is the only (?:solution|one))\s*\.?\s*$", r"\1",
                    answer, flags=re.IGNORECASE)  # "Only $n=1$ works."
    if not re.search(r"\d\.\d", reference):  # "log2(7) (≈ 2.807)": the exact value, then its decimal for the reader
        answer = _APPROXIMATION_AFTER_RE.sub("", answer)
    answer = _quantity_value(reference, _asked_side_value(reference, answer))
    if re.search(r"\\ln(?![A-Za-z])", reference) and not re.search(r"\\ln(?![A-Za-z])|\\log\s*_", answer):
        answer = re.sub(r"\\log(?![A-Za-z_])", r"\\ln", answer)  # "\\frac{\\pi}{8}\\log 2" for a gold in \\ln: the natural log
    if not _QUALIFIED_FAMILY_RE.search(answer):
        answer = _FORM_LEAD_RE.sub("", bracketed_range_as_clause(answer))
    return re.sub(r"^\s*(?:exactly|precisely|only)\s+(?=(?:the|all)\s|\$|[a-z]\s*=)", "", answer)


# A vector's name before its components: "\\mathbf a\\times\\mathbf b = (-3, 6, -3)", "\\vec{v} = \\langle 1, 2 \\rangle".
_VECTOR_LABEL_RE = re.compile(r"\s*(?:\\(?:mathbf|vec|overrightarrow|vec\s*\{?\s*\\mathbf)\s*\{?\s*[A-Za-z]\s*\}?\}?|\\(?:times|cdot)|[A-Za-z]|\s)+"
                             r"=\s*((?:\(|\\langle|\\begin\s*\{[pb]matrix\}|\\left\s*\().+)")


def vector_label_dropped(gold: str, answer: str) -> str:
    """The components a vector's name introduces, for a gold that names nothing; kept whole when the names of a
    product run against the alphabet ("\\mathbf b \\times \\mathbf a" is -(a x b))."""
    vector = _VECTOR_LABEL_RE.fullmatch(answer) if "=" not in gold else None
    names = re.findall(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])", vector.group()[:vector.start(1)]) if vector else []
    return vector.group(1) if vector and "=" not in vector.group(1) and names == sorted(names) else answer


_BOUND = r"(-?\s*(?:\\[dt]?frac\s*\{[^{}]+\}\s*\{[^{}]+\}|\\[dt]?frac\d\d|\d+(?:\.\d+)?(?:/\d+)?))"
_RANGE_CHAIN_RE = re.compile(rf"\s*\$?\s*{_BOUND}\s*(\\leq?|\\le|<|≤)\s*(?=[^$<>=]*[A-Za-z])[^$<>=]+?\s*(\\leq?|<|≤)\s*{_BOUND}\s*\$?\s*")


def range_chain_as_interval(reference: str, answer: str) -> str:
    """A gold that bounds an expression on both sides ("$-\\frac{1}{2}\\le ab+bc+ca\\le 1$"), read as the interval
    of its values when the answer is an interval ("\\left[-\\tfrac12, 1\\right]"); the gold unchanged otherwise."""
    chain = _RANGE_CHAIN_RE.fullmatch(reference)
    if not chain or not re.match(r"\s*\$?\s*(?:\\left\s*)?[\[(]", answer) or "," not in answer:
        return reference
    left = "[" if chain.group(2) in ("\\le", "\\leq", "≤") else "("
    right = "]" if chain.group(3) in ("\\le", "\\leq", "≤") else ")"
    return f"{left}{chain.group(1)}, {chain.group(4)}{right}"

