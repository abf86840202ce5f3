"""Comparisons the string rules missed, by pair of answer types, each precision-first: numbers by relative
tolerance (never an absolute one near zero), named values against tuples in the gold's order, solution sets,
sentence golds (no such value / diverges / a quantified count / a qualifier after the value), plain-text
formulas through sympy, and notations read into the ones the rest of the grader knows."""

from __future__ import annotations

import cmath
import re
import unicodedata

from .dates import dates_and_times
from .exact import exact_rationals_differ
from .functions import function_spelling
from .shorthand import reals_less_points, scaled_column, spelled_value
from .plain import letters_of, looks_plain, parse_plain
from .units import unit_of, unit_verdict  # noqa: F401 (read here by extract, typed and compare)
from .sentences import _plain_words, quantified_value, sentence_verdict  # noqa: F401 (typed and compare read them here)
from .scripts import superscripts_as_powers  # noqa: F401 (extract reads it here)
from .words import VULGAR_FRACTIONS, vulgar_parts

# Two numbers are equal within this relative difference; math-verify's rounding is absolute (1e-6), so
# 6.6e-34 "equals" 1e-34 and -1.6e-19 "equals" 1.6e-19 there.
REL_TOL = 1e-6


_VULGAR_FRACTION_RE = re.compile(rf"(\d?)([{VULGAR_FRACTIONS}])")


def _vulgar_fraction(match: re.Match) -> str:
    """½ as \\frac{1}{2}; 2¾ as 2\\frac{3}{4}, a mixed number."""
    numerator, denominator = vulgar_parts(match.group(2))
    return f"{match.group(1)}\\frac{{{numerator}}}{{{denominator}}}"


_TIMES_TEN_RE = re.compile(r"(\d)\s*(?:x|×|\\times|\*)\s*10\s*(?:\^|\*\*)\s*\{?\s*([-+−]?\d+)\s*\}?")  # also 6.67*10**-5
_QUANTIFIED_CONDITION_RE = re.compile(
    r"^\s*(?:for\s+)?(?:all|every|any)\s+(?:(?:positive|negative|nonnegative|non-negative|real|odd|even)\s+)?"
    r"(?:integers?|real numbers?|reals|natural numbers?|numbers?|values?)\s+(?=\$?\s*[A-Za-z]\s*(?:\\[lg]e|\\[lg]eq|"
    r"\\[lg]eqslant|[<>≤≥]))"
    r"|^\s*(?:all|every|any)\s+\$?([A-Za-z])\$?\s+(?:with|such that|for which|where|satisfying)\s+(?=\$?\s*\1\s*(?:\\[lg]e|"
    r"\\[lg]eq|\\[lg]eqslant|[<>≤≥]))", re.IGNORECASE)  # "All c with c ≤ 1/4"


def _rows_matrix(text: str) -> str | None:
    """"[1, -2; 0, 1]" or "[1 2; 3 4]": a matrix written row by row (MATLAB, MathOdyssey), as a pmatrix; None for
    anything else, a column ("[-2; 5]", which may be an interval) included."""
    rows = re.fullmatch(r"\s*\$?\s*\[([^\[\]]*;[^\[\]]*)\]\s*\$?\s*", text)
    if not rows:
        return None
    cells = [[c for c in re.split(r"\s*,\s*|\s+", row.strip()) if c] for row in rows.group(1).split(";")]
    if len({len(row) for row in cells}) != 1 or len(cells[0]) < 2:
        return None
    return "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(row) for row in cells) + "\\end{pmatrix}"


_SAME_NAME_RE = re.compile(r"\s*(?:,|;|\\text\s*\{\s*(?:or|and)\s*\}|\bor\b|\band\b)\s*")


def plain_spellings(text: str) -> str:
    """Plain-text sets and intervals ("{1, 2, 4, 8}", "(-oo, -2) U (3, oo)"), e-notation (1.6e-19), and a system's
    solution written as cases (-> "x = 2, y = -3")."""
    stripped = text.strip().strip("$").strip()
    if re.fullmatch(r"\{[^{}\\]*,[^{}\\]*\}", stripped):
        text = "\\{" + stripped[1:-1] + "\\}"
    if re.search(r"[)\]]\s+U\s+[(\[]", text) or re.search(r"[(\[,]\s*-?oo\b|\boo\s*[)\]]", text):
        text = re.sub(r"(?<![A-Za-z\\])oo(?![A-Za-z])", r"\\infty", re.sub(r"(?<=[)\]])\s+U\s+(?=[(\[])", r" \\cup ", text))
    text = re.sub(r"(?<=\d)[eE]([-+]?\d+)(?![\w.])", r" \\times 10^{\1}", text) if re.search(r"\d[eE][-+]?\d", text) else text
    system = re.fullmatch(r"\s*\\begin\{cases\}(.*)\\end\{cases\}\s*", stripped, re.DOTALL)
    rows = [r.strip() for r in system.group(1).split("\\\\") if r.strip()] if system else []
    if rows and all(re.fullmatch(r"[a-z]\s*=\s*[^=&]+", row) for row in rows):
        text = ", ".join(rows)  # a system's solution: "x = 2, y = -3"
    return text


def one_unknowns_values(text: str) -> str:
    """ "x = 3, x = -2" / "x = 0 or x = \\pi": the values of one unknown, listed ("3, -2"); unchanged otherwise."""
    parts = _SAME_NAME_RE.split(text.strip().strip("$").strip())
    assigned = [re.fullmatch(r"([a-z])\s*=\s*([^=<>]+)", p.strip()) for p in parts]
    if len(parts) > 1 and all(assigned) and len({m.group(1) for m in assigned}) == 1:
        return ", ".join(m.group(2).strip() for m in assigned)
    return text


def notation(text: str) -> str:
    """Spellings read into the grader's own: full-width digits and letters (NFKC), \\langle a, b \\rangle as a
    tuple, the ratio colon \\colon, \\tbinom/\\dbinom."""
    text = unicodedata.normalize("NFKC", text) if any(ord(ch) > 0xFF00 for ch in text) else text
    text = _rows_matrix(text) or text  # [1, -2; 0, 1]
    text = re.sub(r"\\(?:displaystyle|textstyle)\s*", "", text)  # typesetting only
    text = re.sub(r"(?<=,)\s*\\[,;: ]\s*|\s*\\[,;: ]\s*(?=[)\]])", " ", text)  # (1,\,2): a space, no third item
    text = plain_spellings(text)
    text = superscripts_as_powers(text)  # 10⁻⁵
    text = _VULGAR_FRACTION_RE.sub(_vulgar_fraction, text)  # ½, 2¾
    text = dates_and_times(text)  # July 4, 2024 / 2024-07-04; March 15th; 07:00
    text = function_spelling(text)  # f: x \mapsto 2x+1; f(x) = ax, a \ge 0; \bigl(
    text = _TIMES_TEN_RE.sub(r"\1 \\times 10^{\2}", text)  # 6.67 x 10^-5, 5.26 × 10^-2
    text = re.sub(r"_\{\s*\\(max|min)\s*\}", r"_{\1}", text)  # m_{\max}: a name's subscript, not a function
    text = re.sub(r"\b(?:np|numpy|math|sympy|sp)\.(?=[a-z]+\()", "", text)  # np.arcsin(10/13): code's spelling
    text = _QUANTIFIED_CONDITION_RE.sub("", text)  # "all integers $k \geq 2$" states the condition
    if looks_plain(text) and re.match(r"\s*[(\[]", text) and "," in text:
        text = re.sub(r"\bpi\b", r"\\pi ", text)  # (3, pi/2): the constant, inside a tuple as alone
    text = re.sub(r"(?:\\(?:left|right|big|Big)\s*)?\\langle\s*", "(", text)
    text = re.sub(r"\s*(?:\\(?:left|right|big|Big)\s*)?\\rangle", ")", text)
    text = re.sub(r"\\d?frac\s*\{\s*d\s*([a-z])\s*\}\s*\{\s*d\s*[a-z]\s*\}|\bd([a-z])\s*/\s*d[a-z]\b",  # dy/dx is y'
                  lambda m: (m.group(1) or m.group(2)) + "'", text)
    text = re.sub(r"\s*\\colon\s*", ":", text)
    text = re.sub(r"(?<=\d)\{:\}(?=\d)", ":", text)  # 4{:}15, LaTeX's spacing-free colon
    text = re.sub(r"\\[cl]?dots|…", "...", text)
    text = re.sub(r"\\(?:text|mathrm|textrm)\s*\{\s*(\d{1,2}:\d{2}[^{}]*)\}", r"\1", text)  # \text{2:30 p.m.}
    text = _TIME_RE.sub(_time_24h, text)
    builder = _SET_BUILDER_RE.fullmatch(text.strip().strip("$").strip())
    if builder and builder.group(2).count(builder.group(1)) >= 1:
        text = builder.group(2)  # {x | x > 2}: its condition, which the grader reads as an interval
    text = _LOG_E_RE.sub(r"\\ln", text)
    text = _NESTED_LIST_RE.sub(_list_matrix, text) if text.lstrip().startswith("[[") else text
    words = _plain_words(text)
    text = _REAL_HALF_LINES.get(words, text)  # "all positive real numbers" -> (0, \infty)
    text = _between_interval(text) or text
    text = "\\emptyset" if words in ("the empty set", "empty set", "an empty set", "the null set") else text
    text = _ARRAY_MATRIX_RE.sub(r"\\begin{pmatrix}\1\\end{pmatrix}", text)  # \left[\begin{array}{cc}..\right]
    text = scaled_column(text) or reals_less_points(text) or spelled_value(text) or text
    column = _COLUMN_VECTOR_RE.fullmatch(text.strip().strip("$").strip())
    if column and "&" not in column.group(1) and column.group(1).count("\\\\") >= 1:  # a column vector is a tuple
        text = "(" + ", ".join(row.strip() for row in column.group(1).split("\\\\") if row.strip()) + ")"
    text = _unit_vectors(text) or text
    return re.sub(r"\\[dt]binom", r"\\binom", text)


# A matrix written as an array in brackets: \\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right].
_ARRAY_MATRIX_RE = re.compile(r"(?:\\left\s*)?[\[(]\s*\\begin\s*\{array\}\s*\{[lcr| ]*\}(.*?)\\end\s*\{array\}\s*"
                              r"(?:\\right\s*)?[\])]", re.DOTALL)


_LOG_E_RE = re.compile(r"\\log_\{?e\}?(?![A-Za-z])")
# [[1, 2], [3, 4]]: a matrix as a list of rows.
_NESTED_LIST_RE = re.compile(r"^\s*\[\s*((?:\[[^\[\]]*\]\s*,?\s*)+)\]\s*$")
_REAL_HALF_LINES = {f"{all_}{kind} real numbers": interval for all_ in ("all ", "the ", "")
                    for kind, interval in (("positive", "(0, \\infty)"), ("negative", "(-\\infty, 0)"),
                                           ("nonnegative", "[0, \\infty)"), ("non-negative", "[0, \\infty)"),
                                           ("nonpositive", "(-\\infty, 0]"), ("non-positive", "(-\\infty, 0]"))}


# "all x strictly between 1 and 3" is (1, 3), "all x between 2 and 5, inclusive" [2, 5]; a bare "between" says
# nothing of its ends and stays words (no answer).
_BETWEEN_RE = re.compile(
    r"\s*(?:all\s+)?(?:(?:real\s+)?(?:numbers|values)\s+(?:of\s+)?)?(?:\$?[a-z]\$?\s+)?(?:(?:that|which)\s+(?:are|lie)\s+|"
    r"lying\s+)?(strictly\s+)?between\s+\$?(-?[\d.]+|-?\\pi)\$?\s+and\s+\$?(-?[\d.]+|-?\d*\\pi)\$?"
    r"(?:\s*,?\s*\(?(inclusive|exclusive|not inclusive|inclusively|included|excluded)\)?)?\s*\.?\s*", re.IGNORECASE)


def _between_interval(text: str) -> str | None:
    match = _BETWEEN_RE.fullmatch(text)
    if not match or bool(match.group(1)) == bool(match.group(4)):
        return None  # no word for the ends, or two (strictly ... inclusive)
    closed = match.group(4) and match.group(4).lower() in ("inclusive", "inclusively", "included")
    low, high = match.group(2), match.group(3)
    return f"[{low}, {high}]" if closed else f"({low}, {high})"


_COLUMN_VECTOR_RE = re.compile(r"\\begin\s*\{[pbvB]?matrix\}(.*?)\\end\s*\{[pbvB]?matrix\}", re.DOTALL)
# 3\mathbf{i} - 2\mathbf{j} + \mathbf{k}, \hat{i} + 2\hat{j}: the vector's components in order.
_UNIT_VECTOR_RE = re.compile(r"\s*([-+])?\s*([\d./]*)\s*\\(?:mathbf|hat|vec|boldsymbol)\s*\{?\s*([ijk])\s*\}?")


def _unit_vectors(text: str) -> str | None:
    """(3, -2, 1) for 3i - 2j + k in unit vectors; None unless the whole text is such a combination."""
    text = text.strip().strip("$").strip()
    terms = list(_UNIT_VECTOR_RE.finditer(text))
    if not terms or "".join(m.group() for m in terms).strip() != text or terms[0].group(1) == "+" or len(
            {m.group(3) for m in terms}) != len(terms) or any(m.group(1) is None for m in terms[1:]):
        return None
    parts = {m.group(3): ("-" if m.group(1) == "-" else "") + (m.group(2) or "1") for m in terms}
    axes = "ijk"[:max("ijk".index(axis) for axis in parts) + 1]
    return "(" + ", ".join(parts.get(axis, "0") for axis in axes) + ")" if len(axes) > 1 else None


def _list_matrix(match: re.Match) -> str:
    rows = [r.strip() for r in re.findall(r"\[([^\[\]]*)\]", match.group(1))]
    if len({len(r.split(",")) for r in rows}) != 1:
        return match.group(0)  # ragged rows are no matrix
    return "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(c.strip() for c in r.split(",")) for r in rows) + "\\end{pmatrix}"


# Set-builder notation over one variable: \{x \mid x > 2\}, \{x : x > 2\}, \{x \in \mathbb{R} \mid ...\}.
_SET_BUILDER_RE = re.compile(r"\\?\{\s*([a-z])\s*(?:\\in\s*\\mathbb\s*\{?R\}?\s*)?(?:\\mid|\||:)\s*(.+?)\s*\\?\}")  # {x|x≥2} too


# A time of day with a.m. / p.m. (\text{ p.m.} too), read as the 24-hour clock: 4:15 p.m. is 16:15.
_TIME_RE = re.compile(r"\b(\d{1,2}):(\d{2})(?:\s*(?:\\[,; ]|~|\\(?:text|mathrm)\s*\{))*\s*([AaPp])\.?\s*[Mm]\b\.?\}?")


def _time_24h(match: re.Match) -> str:
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return f"{hour}:{match.group(2)}"


def _number(expr) -> complex | None:
    try:
        if getattr(expr, "free_symbols", None) or not getattr(expr, "is_number", False):
            return None
        return complex(expr.evalf(30))
    except Exception:  # sympy raises on non-numeric leaves (sets, relations): no number
        return None


def magnitudes_disagree(gold, answer) -> bool:
    """Both sides are numbers (or tuples of numbers in order) and differ by more than REL_TOL of the larger."""
    def items(expr) -> list:
        return list(expr.args) if type(expr).__name__ == "Tuple" else list(expr) if isinstance(expr, tuple) else [expr]

    gold_items, answer_items = items(gold), items(answer)
    if len(gold_items) != len(answer_items):
        return False
    for g, a in zip(gold_items, answer_items):
        if exact_rationals_differ(g, a):
            return True  # 1 + 2^{-2020} is not 1 + 2^{-2019}, however close in floating point
        g_value, a_value = _number(g), _number(a)
        if g_value is None or a_value is None:
            continue
        if not all(map(cmath.isfinite, (g_value, a_value))):
            if g_value != a_value:
                return True  # infinity, or a number past float range, is no finite number
            continue
        scale = max(abs(g_value), abs(a_value))
        if abs(g_value - a_value) > REL_TOL * scale:
            return True
    return False


def tuple_items(text: str) -> list[str] | None:
    """["9", "4"] for "(9, 4)", "9, 4" or "\\langle 9, 4\\rangle"; None for anything else."""
    text = re.sub(r"\\(?:left|right|big|Big|bigl|bigr|Bigl|Bigr)\s*(?=[()])", "", notation(text.strip().strip("$").strip()))
    inner = re.fullmatch(r"\((.*)\)", text, re.DOTALL)
    body = inner.group(1) if inner else text
    items, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return None  # "(1, 2), (3, 4)" is two tuples
        if ch == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
    items.append(body[start:].strip())
    return items if len(items) > 1 and all(items) else None


def chained_names(text: str) -> dict[str, str] | None:
    """{"a": "1", "b": "1"} for "a = b = 1": several names, one value."""
    parts = [p.strip() for p in re.split(r"(?<![<>!:=\\])=(?!=)", text.strip().strip("$").strip())]
    if len(parts) < 3 or not all(re.fullmatch(r"[A-Za-z]", p) for p in parts[:-1]) or len(set(parts[:-1])) != len(
            parts) - 1 or re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", parts[-1])):
        return None
    return {name: parts[-1] for name in parts[:-1]}


_SOLUTION_SEP_RE = re.compile(r"\s*(?:;|\band\b|\\text\{\s*and\s*\}|\bor\b|\\text\{\s*or\s*\})\s*")


def solution_set(text: str, named_values) -> list[dict[str, str]] | None:
    """[{"a": "2", "b": "0"}, {"a": "5", "b": "1"}] for "a=2, b=0 and a=5, b=1": two or more solutions, each
    naming the same variables; None otherwise."""
    pieces = [p for p in _SOLUTION_SEP_RE.split(text.strip().strip("$").strip().rstrip(".")) if p.strip()]
    if len(pieces) < 2:
        return None
    solutions = [named_values(p) or chained_names(p) for p in pieces]
    if not all(solutions) or len({tuple(s) for s in solutions}) != 1:
        return None
    return solutions


def split_solutions(text: str) -> list[str] | None:
    """["(2, 0)", "(5, 1)"] for "(2,0), (5,1)" / "(2,0) and (5,1)" / "\\{(2,0), (5,1)\\}"; None for one tuple."""
    text = notation(text.strip().strip("$").strip().rstrip("."))
    text = re.sub(r"^\\?\{\s*|\s*\\?\}$", "", text)
    text = re.sub(r"\\(?:left|right)\s*(?=[()])", "", text)
    found = re.findall(r"\(([^()]*)\)", text)
    rest = re.sub(r"\([^()]*\)|\\[,;:! ]|\\q?quad\b", "", text)
    if len(found) < 2 or re.search(r"[^\s,;]", re.sub(r"\band\b|\bor\b|\\text\{\s*(?:and|or)\s*\}", "", rest)):
        return None
    return [f"({item})" for item in found]


# Only a universal qualifier: "2 when n is even" or "x = 2 if a > 0" leaves the other cases unsaid.
_QUALIFIER_RE = re.compile(r"\s*,?\s*(?:\bfor (?:all|every|each|any)\b|\\forall)(?P<tail>.*)$", re.IGNORECASE | re.DOTALL)


_DOMAIN_WORDS = {"real", "reals", "number", "numbers", "integer", "integers", "positive", "negative", "nonnegative",
                 "non", "natural", "rational", "complex", "values", "value", "of", "in", "mathbb", "r", "z", "n", "q",
                 "text", "mathrm", "all"}


def _over_own_domain(value: str, qualifier: str) -> bool:
    r"""The qualifier only ranges a function's argument over a domain: f(x) = ... "for all real x", "for all
    n \in \mathbb{N}", "for every positive integer n", a_n = 3^n - 1 "for all n ≥ 1", n(n+1)/2 "for all n"."""
    function = re.match(r"\s*[A-Za-z]\s*(?:\(\s*([A-Za-z])\s*\)|_\{?([A-Za-z])\}?)\s*=", value)
    letters = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", re.sub(r"\\[A-Za-z]+", " ", value)))
    argument = (function.group(1) or function.group(2)) if function else (letters.pop() if len(letters) == 1 else None)
    if not argument:  # a function's argument, a sequence's index, or the one letter of an expression ("3^n - 1")
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", re.sub(r"\\(?:geq?|leq?|in|ne|mathbb)\b", " ", qualifier))]
    return argument.lower() in words and all(w in _DOMAIN_WORDS or w == argument.lower() for w in words)


def qualified_value(gold: str) -> str | None:
    """The value before a qualifier ("2 for every k > 1" -> "2"), when that value holds no letter the qualifier
    names (so "n(n+1)/2 for all n" keeps its n and is no plain value); None when there is no qualifier."""
    gold = re.sub(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}", r" \1 ", gold)
    match = _QUALIFIER_RE.search(gold)
    if not match or not gold[:match.start()].strip() or re.search(
            r"\b(?:otherwise|else|except|unless|when|if)\b|;|(?<![<>!\\geql])=", match.group("tail")):
        return None  # a second case ("..., and 3 otherwise") or a condition inside it
    value = gold[:match.start()].strip().rstrip(",").strip()
    if _over_own_domain(value, match.group("tail")):
        return value  # "f(x) = 2x for all real x": the function's own argument, ranging over its domain
    qualifier_letters = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", gold[match.start():]))
    value_letters = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", value))
    return None if value_letters & qualifier_letters or not value else value


def _pieces(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            pieces.append(text[start:i].strip())
            start = i + 1
    return pieces + [text[start:].strip()]


def plain_verdict(gold: str, answer: str, parse_latex) -> bool | None:
    """Plain-text golds of several values ("c(2+sqrt(3)), c(2-sqrt(3))", what ± gives) value by value, in any
    order, each answer value used once; one value by `plain_value_verdict`."""
    golds = _pieces(gold)
    answers = _pieces(re.sub(r"^\s*\\?\{\s*(.*?)\s*\\?\}\s*$", r"\1", answer) if len(golds) > 1 else answer)  # a set
    if len(golds) == 1:
        return plain_value_verdict(gold, answer, parse_latex) if len(answers) == 1 else None
    if len(golds) != len(answers):
        return None if any(parse_plain(g) is None for g in golds) else False
    unmatched = list(answers)
    for piece in golds:
        verdicts = [(a, plain_value_verdict(piece, a, parse_latex)) for a in unmatched]
        if any(v is None for _, v in verdicts):
            return None
        hit = next((a for a, v in verdicts if v), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return True


def _read_whole(text: str, parse_latex):
    """The side as sympy reads it whole: plain math by sympy's parser, anything else by latex2sympy; None when
    neither reads it whole or it is no single expression (a relation, a set)."""
    import sympy

    expr = parse_plain(text) if looks_plain(text) else None
    if expr is not None and not letters_of(text) <= {str(s) for s in expr.free_symbols} | _bound(expr):
        return None
    if expr is None and looks_plain(text) and re.search(r"[A-Za-z]{2}", text):
        return None  # plain text with function names sympy's parser refused: latex2sympy reads "cos" as c*o*s
    if expr is None:  # LaTeX, or plain-looking text sympy's parser refuses ("|x-1|")
        expr = parse_latex(text)
    if not isinstance(expr, sympy.Basic) or isinstance(expr, (sympy.Rel, sympy.Set)):
        return None
    # Symbols by name: latex2sympy's symbols may carry other assumptions than the plain parser's.
    return expr.subs({s: sympy.Symbol(str(s)) for s in expr.free_symbols})


def plain_value_verdict(gold: str, answer: str, parse_latex) -> bool | None:
    """One side in plain ASCII math, both read whole: equal when their difference simplifies to 0 (numbers:
    equal values, not near ones). None when either side is not read whole."""
    import sympy

    gold_expr, answer_expr = _read_whole(gold, parse_latex), _read_whole(answer, parse_latex)
    if gold_expr is None or answer_expr is None:
        return None
    if {str(s) for s in answer_expr.free_symbols} != {str(s) for s in gold_expr.free_symbols}:
        return False
    g_value, a_value = _number(gold_expr), _number(answer_expr)
    if g_value is not None and a_value is not None:  # 999999 is not 1000000
        if not all(map(cmath.isfinite, (g_value, a_value))) or exact_rationals_differ(gold_expr, answer_expr):
            return g_value == a_value and not exact_rationals_differ(gold_expr, answer_expr)  # inf is no 7
        return abs(g_value - a_value) <= 1e-12 * max(abs(g_value), abs(a_value))
    try:
        return sympy.simplify(gold_expr.doit() - answer_expr.doit()) == 0
    except Exception:  # simplification raises on some special functions: not shown equal
        return False


def _bound(expr) -> set[str]:
    import sympy

    return {str(v) for s in expr.atoms(sympy.Sum) for v in s.variables}


_CASES_RE = re.compile(r"\\begin\s*\{[dr]?cases\}(.*?)\\end\s*\{[dr]?cases\}", re.DOTALL)


def _condition(text: str) -> str:
    """A branch's condition in one spelling: "\\text{if } x \\geq 0" / "x \\ge 0" / "if x>=0" -> "x>=0"."""
    text = re.sub(r"\\(?:text|mathrm|textrm)\s*\{\s*([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\b(?:if|for|when)\b|,", " ", text)
    for old, new in (("\\geq", ">="), ("\\ge", ">="), ("\\leq", "<="), ("\\le", "<="), ("\\neq", "!="),
                     ("\\ne", "!="), ("\\lt", "<"), ("\\gt", ">"), ("≥", ">="), ("≤", "<=")):
        text = text.replace(old, new)
    return re.sub(r"\s+|\\[,;: !]", "", text).lower()


def cases_rows(text: str) -> list[tuple[str, str]] | None:
    """[(value, condition)] of a \\begin{cases} ... \\end{cases} (after an optional "f(x) ="); None otherwise."""
    match = _CASES_RE.search(text)
    if not match or text[match.end():].strip(" .$") or not re.fullmatch(
            r"\s*\$?\s*(?:[A-Za-z](?:\s*\(\s*[a-z]\s*\))?\s*=)?\s*(?:\\left\s*\\\{)?\s*", text[:match.start()]):
        return None  # only "f(x) =" may stand before it: "x + \begin{cases}..." is more than the cases
    rows = [r for r in re.split(r"\\\\", match.group(1)) if r.strip()]
    out = []
    for row in rows:
        parts = row.split("&")
        if len(parts) != 2:
            return None
        out.append((parts[0].strip(), _condition(parts[1])))
    return out


def cases_verdict(gold: str, answer: str, same_value) -> bool | None:
    """A piecewise gold against a piecewise answer: the same branches, each value equal and each condition the
    same once spelled alike; None when the gold is no \\begin{cases}."""
    gold_rows = cases_rows(gold)
    if gold_rows is None:
        return None
    answer_rows = cases_rows(answer)
    if answer_rows is None or len(answer_rows) != len(gold_rows):
        return False
    unmatched = list(answer_rows)
    for value, condition in gold_rows:
        hit = next((r for r in unmatched if r[1] == condition and same_value(value, r[0])), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return True
