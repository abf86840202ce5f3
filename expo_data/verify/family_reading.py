"""Stage 2, parse: a side read as an infinite family of integers (or a family of reals written with pi) for
`families.py`: its spellings made plain, then each piece (a congruence, a parametric form, a listed run, a bound,
parity, primality, an exception, a power or a divisor) read into conditions on one variable. Anything not read
leaves the side unread (None)."""

from __future__ import annotations

import functools
import re

_WINDOW = 240          # integers examined at least: n in [1, 240] (or [-240, 240] over Z)
_MOST_CONSTANT = 20_000  # a side writing a larger constant is compared elsewhere, not by enumeration
_REAL_WINDOW = 30.0

_DOMAIN_NAMES = {"Z": "integers", "Z+": "positive integers", "Z0": "nonnegative integers"}
_DOMAINS = {"Z": lambda n: True, "Z+": lambda n: n > 0, "Z0": lambda n: n >= 0, "P": lambda n: _is_prime(n)}


def _is_power_of_degree(n: int, degree: int) -> bool:
    """n = k^degree for an integer k (0 included; a negative n only for an odd degree)."""
    if n < 0:
        return degree % 2 == 1 and _is_power_of_degree(-n, degree)
    root = round(n ** (1 / degree)) if n else 0
    return any((root + d) ** degree == n for d in (-1, 0, 1))


def _is_power_of(n: int, base: int) -> bool:
    while n > 1 and n % base == 0:
        n //= base
    return n == 1


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))


# Spellings read into one plain form before the pieces are matched; the order matters (\geq before \ge).
_SPELLINGS = [
    (r"\$|\\displaystyle|\\left|\\right|\\[,;:!]|\\q?quad|~|\\\s", " "),
    (r"\\(?:text|mathrm|textbf|textit|mbox|operatorname)\s*\{([^{}]*)\}", r" \1 "),
    (r"\*\*", " "), (r"\^\s*\{([^{}]*)\}", r"^(\1)"), (r"\bof\s+the\s+form\s+([a-z])\s*=\s*", r"formed \1 = "),
    (r"(\bof\s+the\s+form\s+[^,;=]*?[\dk)])\s+or\s+(?=[-\d(]\S*[a-z])", r"\1, "),  # "of the form 6k+1 or 6k+2"
    (r"\\geqslant|\\geq|\\ge(?![A-Za-z])|≥|=>", " >= "), (r"\\leqslant|\\leq|\\le(?![A-Za-z])|≤|=<", " <= "),
    (r"\\neq|\\ne(?![A-Za-z])|≠|!=", " != "), (r"\\not\s*\\equiv|≢|\bnot congruent to\b", " ≢ "),
    (r"\\equiv|≡|\bcongruent to\b", " ≡ "),
    (r"\(\s*\\?(?:mod|bmod)\s*\{?\s*(\d+)\s*\}?\s*\)|\\pmod\s*\{\s*(\d+)\s*\}|\\pmod\s*(\d+)|\\?b?mod\s*\{?\s*(\d+)\}?",
     r" mod \1\2\3\4 "),
    (r"\\mathbb\s*\{?\s*Z\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0)\s*\}?)", " Z+ "),
    (r"\\mathbb\s*\{?\s*Z\s*\}?\s*_\s*\{?\s*(?:>=|\\geq?)\s*0\s*\}?", " Z0 "),
    (r"\\mathbb\s*\{?\s*Z\s*\}?", " Z "), (r"ℤ", " Z "),
    (r"\b([a-z]),?\s+(?:is\s+)?an?\s+positive\s+integer\b", r" \1 >= 1 "),
    (r"\b([a-z]),?\s+(?:is\s+)?an?\s+non-?negative\s+integer\b", r" \1 >= 0 "),
    (r"(\d+)\s*(?:\\mid|\|)\s*([a-z])\b", r" \2 ≡ 0 mod \1 "), (r"(\d+)\s*\\nmid\s*([a-z])\b", r" \2 not divisible by \1 "),
    (r"\\in\b|∈", " in "), (r"\\\{|\\lbrace", " { "), (r"\\\}|\\rbrace", " } "), (r"\\mid|\|", " : "),
    (r"\\[lc]?dots|…|\.\.\.", " ... "), (r"\\cdot|\\times", "*"), (r"\\cup", " or "),
    (r"\\d?frac\s*\{([^{}]+)\}\s*\{([^{}]+)\}", r"((\1)/(\2))"), (r"\\pi\b|π", " pi "), (r"\\pm|±", " ± "),
]
# Words that carry no condition ("all", "such that", "for some"); anything else unread leaves the side unread.
_FILLER = {"all", "every", "each", "any", "the", "such", "that", "those", "for", "some", "is", "are", "where", "with",
           "and", "of", "form", "works", "values", "value", "numbers", "number", "solutions", "answer", "only",
           "arbitrary", "holds", "true", "a", "an", "it", "in", "when", "if", "must", "be", "can", "formed", "exactly",
           "precisely"}
_DOMAIN_WORDS = [(r"\bprimes?\b", "P"), (r"\b(?:non-?negative|nonnegative) integers?\b", "Z0"),
                 (r"\bpositive integers?\b", "Z+"), (r"\bintegers?\b", "Z")]
_REL = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
        "!=": lambda a, b: a != b, "=": lambda a, b: a == b}
_NUM = r"-?\d+"
_RESIDUES = rf"(?:± ?)?{_NUM}(?: ?(?:,|or) ?(?:± ?)?{_NUM})*"
_LETTER = r"(?<![A-Za-z])[a-z](?![A-Za-z])"
_FORM = rf"(?:[-+ ±*/^()0-9.]|pi|{_LETTER})+?"
# A form ends where the text goes on to the parameter's range, another "x =", or a joining word.
_FORM_END = r"(?= ?$|, ?[a-z] ?(?:>=|<=|>|<|=|in\b)|,? ?(?:for|where|with|or|and)\b)"


_GREEK_RE = re.compile(r"\\(?:var)?(?:theta|alpha|beta|gamma|phi|omega|psi)\b|[θαβγφω]")


def _spelled(text: str) -> str:
    if _GREEK_RE.search(text):  # θ = 2kπ ± 2π/3: an angle named by a letter the text does not use
        text = _GREEK_RE.sub(" " + next(ch for ch in "wuvyz" if ch not in text) + " ", text)
    for pattern, replacement in _SPELLINGS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[A-Za-z]{2,}", lambda m: m.group().lower(), text)
    text = re.sub(r"\b([a-z])\s+in\s+(\d+)\s*Z(?![+0])", r" \1 ≡ 0 mod \2 integers ", text)  # α ∈ 2ℤ: the even integers

    text = re.sub(r"(?<!\.)\.$", "", re.sub(r"\s+", " ", text).strip()).strip()
    text = re.sub(r"\b([a-z]) ?_ ?(?:\{ ?\d ?\}|\d)", r"\1", text)  # "a_0": one variable, read by its letter
    text = re.sub(r",? (?:together with|along with|as well as) ", " or ", text)  # "p ≡ 1 mod 4, together with p = 2"
    text = re.sub(r"\b(and|or) the (multiples|powers|divisors) of\b", r"\1 all \2 of", text)  # "1 and the multiples of 5"
    text = re.sub(r"\b([a-z]) mod (\d+) in \{ ?(-?\d+(?: ?, ?-?\d+)*) ?\}", r"\1 ≡ \3 mod \2", text)  # n mod 6 in {1, 3}
    text = re.sub(r"\b([a-z]) ≡ (-?\d+) or \1 ≡ (-?\d+) mod (\d+)", r"\1 ≡ \2, \3 mod \4", text)  # n ≡ 1 or n ≡ 2 mod 3
    text = re.sub(r"\b([a-z]) ?= ?0 ?, ?± ?1 ?, ?± ?2 ?,? ?\.\.\.", r"\1 in Z", text)  # k = 0, ±1, ±2, ...: every integer
    # {n in Z : n ≡ 1 mod 3}: the members of a domain with a condition
    text = re.sub(r"^\{ ?([a-z] ?(?:>=|>) ?-?\d+) ?: ?(.+?) ?\}$", r"\1 and \2", text)  # {n >= 0 : n ≢ 2 mod 7}
    return re.sub(r"^\{ ?([a-z]) in (Z\+|Z0|Z) ?: ?(.+?) ?\}$",
                  lambda m: f"all {_DOMAIN_NAMES[m.group(2)]} {m.group(1)} with {m.group(3)}", text)


class _Family:
    """Conditions read off one side: a domain, parity, congruences, bounds and exceptions on the variable, and the
    values a parametric form takes ("2^k, k >= 0")."""

    def __init__(self):
        self.domain: str | None = None
        self.alternatives: list[list] = [[]]  # OR of ANDs of conditions on the variable (callables)
        self.generated: list = []             # parametric forms: (expression text, parameter letter)
        self.parameter_conditions: list = []
        self.variable: str | None = None
        self.constants: list[int] = []
        self.real = False
        self.parameter_bounded = False  # "k >= 0": the form states its own members, negatives included
        self.integer_signal = False
        self.constant_member = False  # "p = 2" in "p = 2 or p \\equiv 1 \\pmod 4": one integer, no domain said
        self.declared = False  # the parameter's range is stated ("k >= 0", "for some integer k")
        self.bound_constants: list[int] = []  # numbers the variable is bounded by or set to (not residues)  # a congruence, parity or listed run says the variable is an integer

    def condition(self, predicate) -> None:
        self.alternatives[-1].append(predicate)


def _take_variable(family: _Family, letter: str) -> bool:
    if family.variable not in (None, letter):
        return False
    family.variable = letter
    return True


@functools.lru_cache(maxsize=2048)
def _lambda(expression: str, letter: str):
    """A Python function of `letter` for a plain-math expression (4k+1, 2^k, pi/4 + k*pi), or None."""
    import sympy
    from sympy.parsing.sympy_parser import (convert_xor, implicit_multiplication_application, parse_expr,
                                            standard_transformations)

    if re.search(r"[A-Za-z]{2,}", expression.replace("pi", "")) or "\\" in expression:
        return None
    try:
        expr = parse_expr(expression.replace("{", "(").replace("}", ")"), local_dict={letter: sympy.Symbol(letter),
                          "pi": sympy.pi}, transformations=standard_transformations + (
                              implicit_multiplication_application, convert_xor))
    except Exception:  # noqa: BLE001  any text sympy cannot read is no family
        return None
    if not isinstance(expr, sympy.Expr) or {str(s) for s in expr.free_symbols} - {letter}:
        return None
    return sympy.lambdify(sympy.Symbol(letter), expr, "math"), expr.has(sympy.pi)


def _parameter_range(family: _Family, letter: str, text: str) -> bool:
    """Conditions on the parameter: "k >= 0", "k \\in \\mathbb{Z}", "k = 0, 1, 2, ...", "integer k >= 1"."""
    for rel, bound in re.findall(rf"\b{letter} ?(>=|<=|>|<) ?({_NUM})\b", text):
        if rel in ("<=", "<"):
            return False  # a bounded parameter makes a finite family: not read by enumeration in a window
        family.parameter_conditions.append(lambda k, r=rel, b=int(bound): _REL[r](k, b))
        family.parameter_bounded = True
    for domain in re.findall(rf"\b{letter} in (Z\+|Z0|Z)(?![+0])", text):
        family.parameter_conditions.append(_DOMAINS[domain])
        family.parameter_bounded = family.parameter_bounded or domain != "Z"
    listed = re.search(rf"\b{letter} ?= ?({_NUM}) ?, ?({_NUM}) ?, ?({_NUM}) ?, ?\.\.\.", text)
    if listed:
        start, *rest = (int(g) for g in listed.groups())
        if rest != [start + 1, start + 2]:
            return False
        family.parameter_conditions.append(lambda k, s=start: k >= s)
        family.parameter_bounded = True
    return True


_PIECE_RES = [
    ("congruence", re.compile(rf"\b([a-z]) ≡ ({_RESIDUES}) ?,? mod (\d+)")),
    ("noncongruence", re.compile(rf"(?:\b([a-z]) )?≢ ({_RESIDUES}) ?,? mod (\d+)")),
    ("bare_congruence", re.compile(rf"≡ ({_RESIDUES}) ?,? mod (\d+)")),
    ("listed", re.compile(rf"\b([a-z]) ?(?:=|in) ?\{{? ?({_NUM}(?: ?, ?{_NUM}){{2,}}) ?, ?\.\.\. ?\}}?")),
    ("builder", re.compile(r"\b([a-z]) in \{ ?([^{}:]+?) ?: ?([a-z]) in (Z\+|Z0|Z)(?![+0]) ?\}")),
    ("square", re.compile(r"(?:\b([a-z]) (?:is )?)?\b(not )?(?:an? )?(?:(twice|double|three times) (?:an? )?)?perfect "
                          r"(square|cube)s?\b")),
    ("power", re.compile(r"(?:\b([a-z]) (?:is )?)?\b(not )?(?:an? )?(?:integer )?powers? of (\d+)\b")),
    ("divisible", re.compile(r"(?:\b([a-z]) (?:is )?)?\b(not )?(?:an? )?(?:divisible by|multiples? of) (\d+)\b")),
    ("starting", re.compile(rf"\b(?:starting|beginning) (?:with|from|at) ({_NUM})\b")),
    ("except", re.compile(rf"\b(?:except|other than|but not) (?:for )?(?:([a-z]) ?= ?)?({_NUM})\b")),
    ("param", re.compile(rf"(?<![A-Za-z])([a-z]) ?= ?({_FORM}(?: ?, ?{_FORM})*){_FORM_END}")),
    ("form", re.compile(rf"\bof the form ({_FORM}(?: ?, ?{_FORM})*){_FORM_END}")),
    ("chain", re.compile(rf"({_NUM}) ?(<=|<) ?([a-z]) ?(<=|<) ?({_NUM})\b")),
    ("bound", re.compile(rf"\b([a-z]) ?(>=|<=|!=|>|<) ?({_NUM})\b(?! ?[*/^+(]| ?[a-z]\b)")),  # "n > 2k" is no bound
    ("power_bound", re.compile(rf"\b([a-z]) ?\^ ?(\d) ?(>=|<=|>|<) ?({_NUM})\b(?! ?[*/^+(a-z])")),
    ("parity", re.compile(r"\b([a-z]) (?:is )?(?:an? )?(odd|even|prime)\b")),
]


# "or" between conditions starts another alternative; inside a congruence's residues ("0 or 3 mod 4") it does not.
_ALTERNATIVE_RE = re.compile(r"\s+or\s+(?!(?:± ?)?-?\d+ ?(?:,|or\b|mod\b))|\s+and\s+(?=(?:all|every|each)\b)")  # "1 and all multiples of 5"


def _read(text: str) -> list[_Family] | None:
    """The family a side writes, one _Family per alternative ("n = 1 or n >= 3"), or None when any part of it is
    not read."""
    text = _spelled(text)
    if not text or re.search(r"[=<>≡≢]|\b(?:odd|even|primes?|integers?|except|form|in|powers?|divisible|multiples?|"
                             r"composites?|squares?|cubes?)\b",
                             text) is None:
        return None
    pieces = _ALTERNATIVE_RE.split(text)
    segments = [None if re.fullmatch(_NUM, piece) else _read_segment(piece, text) for piece in pieces]
    letter = next((segment.variable for segment in segments if segment is not None and segment.variable), "n")
    segments = [_read_segment(f"{letter} = {piece}", text) if re.fullmatch(_NUM, piece) and len(pieces) > 1 else segment
                for piece, segment in zip(pieces, segments)]  # "1 and all multiples of 5": 1 is a member
    if any(segment is None for segment in segments):
        return None
    domains = {segment.domain for segment in segments} - {None}
    variables = {segment.variable for segment in segments} - {None}
    if len(domains) > 1 or len(variables) > 1:
        return None
    for segment in segments:  # "all integers n with n = 1 or n >= 3": the domain and the letter hold for each
        sporadic = segment.constant_member and not segment.generated and domains == {"P"}
        segment.domain = segment.domain or ("Z" if sporadic else next(iter(domains), None))  # "n = 4 and all primes"
        segment.variable = segment.variable or next(iter(variables), None)
    return segments


def _read_segment(text: str, whole: str) -> _Family | None:
    family = _Family()
    rest = text
    for name, pattern in _PIECE_RES:
        rest = pattern.sub(lambda m, n=name: " " + _or_unread(_piece(family, n, m)) + " ", rest)
    if "\x00" in rest:
        return None
    for pattern, domain in _DOMAIN_WORDS:
        if re.search(pattern, rest):
            if family.domain not in (None, domain):
                return None
            family.domain = domain
            family.integer_signal = True
            rest = re.sub(pattern, " ", rest)
    for word in re.findall(r"\b(odd|even)\b", rest):  # "all odd primes", "even integers n >= 4"
        family.integer_signal = True
        family.condition(lambda n, odd=(word == "odd"): n % 2 == odd)
    if re.search(r"\bcomposites?\b", rest):  # "all composite n", "n is composite"
        family.integer_signal = True
        family.condition(lambda n: n > 1 and not _is_prime(n))
    rest = re.sub(r"\b(?:odd|even|positive|composites?)\b", " ", rest)
    parameters = {letter for _, letter in family.generated}
    for letter in parameters:
        if not _parameter_range(family, letter, whole):
            return None
        rest = re.sub(rf"\b(?:{letter} ?(?:>=|<=|>|<) ?{_NUM}|{letter} in (?:Z\+|Z0|Z)|{letter} ?= ?{_NUM} ?, ?{_NUM} ?, ?"
                      rf"{_NUM} ?, ?\.\.\.|{letter})(?![A-Za-z0-9])", " ", rest)
        # Declared an integer: "k in Z", "for some integer k", or an index letter given a range ("k >= 0", "all k")
        family.declared = family.declared or bool(re.search(
            rf"\b{letter} in Z|\bintegers? {letter}\b|\bof the form\b|\bformed\b", whole)) or letter in "jklmn" and bool(
            family.parameter_conditions or re.search(rf"\b(?:some|any|every|all|each) {letter}\b", whole))
    rest = re.sub(r"[,;:.()]", " ", rest)
    lone = set(re.findall(_LETTER, rest))  # "all odd positive integers n": the variable, named once more
    if len(lone) > 1 or lone and not _take_variable(family, lone.pop()):
        return None
    rest = re.sub(_LETTER, " ", rest)
    if any(word not in _FILLER for word in re.findall(r"\S+", rest)) or len(parameters) > 1:
        return None
    if family.variable in parameters or not (family.generated or any(family.alternatives)
                                             or family.domain == "P"):
        return None
    if any(abs(c) > _MOST_CONSTANT for c in family.constants):
        return None
    return family


def _or_unread(replacement: str | None) -> str:
    return "\x00" if replacement is None else replacement


def _piece(family: _Family, name: str, match) -> str | None:
    """Record one matched piece's condition; "" when read, None when it breaks the reading."""
    groups = match.groups()
    numbers = [int(x) for x in re.findall(_NUM, " ".join(g for g in groups if g))]
    family.constants.extend(numbers)
    if name in ("congruence", "bare_congruence", "noncongruence", "starting", "listed"):
        return _residue_piece(family, name, match)
    if name == "builder":
        variable, expression, parameter, domain = groups
        if not _take_variable(family, variable) or _lambda(expression, parameter) is None:
            return None
        family.generated.append((expression, parameter))
        family.parameter_conditions.append(_DOMAINS[domain])
        family.parameter_bounded = domain != "Z"
    elif name == "square":  # "a perfect square", "twice a perfect square", "not a perfect cube"
        variable, negated, times, power = groups
        if variable and not _take_variable(family, variable):
            return None
        scale, exponent = {"twice": 2, "double": 2, "three times": 3}.get(times or "", 1), 2 if power == "square" else 3
        family.integer_signal = True
        family.condition(lambda n, c=scale, e=exponent, no=bool(negated): (n % c == 0 and _is_power_of_degree(
            n // c, e)) != no)
    elif name == "power" and groups[1]:  # "not a power of 2": every positive integer but 1, 2, 4, 8, ...
        if groups[0] and not _take_variable(family, groups[0]):
            return None
        family.integer_signal = True
        family.condition(lambda n, b=int(groups[2]): not _is_power_of(n, b))
    elif name == "power":
        if groups[0] and not _take_variable(family, groups[0]):
            return None
        family.generated.append((f"{groups[2]}^j", "j"))
        family.integer_signal = family.declared = True
        family.parameter_conditions.append(lambda k: k >= 0)
        family.parameter_bounded = True
    elif name == "divisible":
        if groups[0] and not _take_variable(family, groups[0]):
            return None
        family.integer_signal = True
        family.condition(lambda n, d=int(groups[2]), negated=bool(groups[1]): (n % d == 0) != negated)
    elif name == "chain":
        low, rel_low, variable, rel_high, high = groups
        if not _take_variable(family, variable):
            return None
        family.condition(lambda n, a=int(low), b=int(high), r1=rel_low, r2=rel_high: _REL[r1](a, n) and _REL[r2](n, b))
        family.bound_constants += [int(low), int(high)]
    elif name == "bound":
        variable, rel, bound = groups
        if family.generated and any(variable == p for _, p in family.generated):
            return match.group(0)  # the parameter's own range, read with the form
        if not _take_variable(family, variable):
            return match.group(0) if family.variable is not None else None
        family.condition(lambda n, r=rel, b=int(bound): _REL[r](n, b))
        family.bound_constants.append(int(bound))
    elif name == "power_bound":  # n^2 < 5
        variable, power, rel, bound = groups
        if not _take_variable(family, variable):
            return None
        family.condition(lambda n, p=int(power), r=rel, b=int(bound): _REL[r](n ** p, b))
        family.bound_constants.append(-abs(int(bound)))
    elif name == "parity":
        if not _take_variable(family, groups[0]):
            return None
        family.integer_signal = True
        if groups[1] == "prime":
            family.condition(_is_prime)
        else:
            family.condition(lambda n, odd=(groups[1] == "odd"): n % 2 == odd)
    elif name == "except":
        if groups[0] and not _take_variable(family, groups[0]):
            return None
        family.condition(lambda n, v=int(groups[1]): n != v)
        family.bound_constants.append(int(groups[1]))
    elif name == "param":
        return _param_piece(family, groups[0], groups[1])
    elif name == "form":
        return _param_piece(family, None, groups[0])
    return ""



def _residue_piece(family: _Family, name: str, match) -> str | None:
    """A congruence ("n ≡ 1 mod 4"), its negation, a listed run ("n = 1, 3, 5, ..."), or a start ("starting with 9")."""
    groups = match.groups()
    if name in ("congruence", "bare_congruence"):
        if name == "congruence" and not _take_variable(family, groups[0]):
            return None
        residues, modulus = [int(r) for r in re.findall(_NUM, groups[-2])], int(groups[-1])
        residues += [-r for r in residues] if "±" in groups[-2] else []
        if modulus < 2:
            return None
        family.condition(lambda n, rs=residues, m=modulus: any((n - r) % m == 0 for r in rs))
        family.integer_signal = True
    elif name == "noncongruence":
        if groups[0] and not _take_variable(family, groups[0]):
            return None
        residues, modulus = [int(r) for r in re.findall(_NUM, groups[1])], int(groups[2])
        residues += [-r for r in residues] if "±" in groups[1] else []
        if modulus < 2:
            return None
        family.condition(lambda n, rs=residues, m=modulus: all((n - r) % m for r in rs))
        family.integer_signal = True
    elif name == "starting":  # "the multiples of 3 starting with 9"
        family.condition(lambda n, b=int(groups[0]): n >= b)
        family.bound_constants.append(int(groups[0]))
    elif name == "listed" and re.search(rf"=[^=]*?(?<![A-Za-z]){groups[0]}(?![A-Za-z])", match.string[:match.start()]):
        return match.group(0)  # "n = 2^m with m = 0, 1, 2, ...": the parameter's range, read with the form
    elif name == "listed":
        values = [int(v) for v in re.findall(_NUM, groups[1])]
        steps = {b - a for a, b in zip(values, values[1:])}
        exact = all(a and b % a == 0 for a, b in zip(values, values[1:]))
        ratios = {b // a for a, b in zip(values, values[1:])} if exact else set()
        if not _take_variable(family, groups[0]):
            return None
        family.integer_signal = True
        if len(steps) == 1 and steps != {0}:
            step = steps.pop()
            family.condition(lambda n, a=values[0], d=step: (n - a) % d == 0 and (n - a) // d >= 0)
        elif len(ratios) == 1 and ratios != {1}:
            ratio = ratios.pop()
            family.condition(lambda n, a=values[0], r=ratio: _geometric_member(n, a, r))
        else:
            return None
    return ""


def _param_piece(family: _Family, variable: str | None, expressions: str) -> str | None:
    """n = 4k+1, x = pi/4 + k pi, n = 2^k, "of the form 2k+1"; forms listed after one "=", or written with a "±",
    are alternatives. "n = 5" is the condition n = 5."""
    forms = [f.strip() for f in expressions.split(",")]
    letters = set(re.findall(_LETTER, expressions.replace("pi", ""))) - {variable}
    if not letters and variable in {letter for _, letter in family.generated}:
        return f"{variable} = {expressions}"  # "n = 5k - 3 for k = 1, 2, 3, ...": the parameter's range, read with the form
    if variable is not None and not _take_variable(family, variable):
        return None
    if not letters:
        if len(forms) != 1 or not re.fullmatch(_NUM, forms[0].replace(" ", "")):
            return None
        if family.constant_member:
            return None  # "n = 1, n = 3": a list of values, not one condition on n
        family.condition(lambda n, v=int(forms[0].replace(" ", "")): n == v)
        family.bound_constants.append(int(forms[0].replace(" ", "")))
        family.constant_member = True
        return ""
    if len(letters) != 1:
        return None
    parameter = letters.pop()
    for form in forms:
        for signed in ([form.replace("±", "+", 1), form.replace("±", "-", 1)] if "±" in form else [form]):
            read = _lambda(signed, parameter)
            if read is None or parameter not in re.findall(_LETTER, signed.replace("pi", "")):
                return None
            family.generated.append((signed, parameter))
            family.real = family.real or read[1]
    return ""


def _geometric_member(n: int, first: int, ratio: int) -> bool:
    value = first
    while abs(value) <= abs(n) and value != 0:
        if value == n:
            return True
        value *= ratio
    return False
