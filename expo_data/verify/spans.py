"""Math spans read together, and phrases reduced to their one number only in prose (stage 1 of extraction)."""

from __future__ import annotations

import re

from .functions import identically_as_definitions
from .rewrites import FOR_EVERY_RE

# $...$ (an escaped \$ is a dollar sign, not a delimiter), $$...$$, \[...\], \(...\).
MATH_SPAN_RE = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.DOTALL)

# Math spans that state one answer together: "$x=3$ and $x=2$", "$x = 2$, $y = 3$", "$2$ or $3$".
SPAN_JOIN_RE = re.compile(r"\s*(?:,?\s*(?:and|or)\b|,|;|\\text\{\s*(?:and|or)\s*\})\s*", re.IGNORECASE)  # ", and" whole
# One named value or one function ("$f(x)=x$ and $f(x)=2-x$"); "$f(1) = 3$" names no function.
_NAMED = r"\s*(?:(?:[A-Za-z]|\\(?:lambda|mu|theta|alpha|beta|gamma|omega|sigma|phi|rho|tau)(?![A-Za-z]))(?:_\{?\w+\}?)?(?:\(\s*[a-z](?:\s*,\s*[a-z])*\s*\))?|\(\s*[a-z](?:\s*,\s*[a-z])+\s*\))\s*="  # "(k,n) ="
SPAN_SHAPE_RE = re.compile(rf"{_NAMED}(?:\s*[A-Za-z]\s*=)*\s*[^=<>]+|{_NAMED}\s*[^=<>,]+(?:,{_NAMED}\s*[^=<>,]+)+")  # or "$b=0, a=2$"
# Words of a sentence that turns down what it names: "We tried $f(x)=x$ and $f(x)=x^2$, but only the first works."
REJECTING_RE = re.compile(r"\b(?:fails?|failed|not|no|never|tried|candidates?|would|but|neither|nor|except|unless|if|"
                           r"suppose|only the)\b|n't\b", re.IGNORECASE)
# What lies between two dollar signs of money: an amount, then words ("10 (that is 50/60 of her ").
CURRENCY_PAIR_RE = re.compile(r"\d[\d,]*(?:\.\d\d)?\b(?=.*?[A-Za-z]{2,}\s+[A-Za-z]{2,})(?!.*\\[A-Za-z])", re.DOTALL)
# A value, then a word or two, then another value: "$5$ apples and $3$ oranges".
MORE_VALUES_RE = re.compile(r"[ \t]*[A-Za-z]+(?:[ \t]+[A-Za-z]+)?[ \t]*(?:,|\band\b|\bor\b)[ \t]*(?:\$|\d)")


def span_content(span: re.Match) -> str:
    """The span's math; "f \\equiv 0" (a constant function) written as "f(x) = 0"."""
    return identically_as_definitions(next(g for g in span.groups() if g is not None).strip())


def joined_spans(run: list[re.Match]) -> str:
    """The spans' values as one answer: "2, 3", or "b=0, a=2; b=1, a=5" when a span holds a list itself."""
    contents = [span_content(m) for m in run]
    return ("; " if len(contents) > 1 and any("," in c for c in contents) else ", ").join(contents)


def span_run(text: str, spans: list[re.Match], at: int, backward: bool = False) -> list[re.Match]:
    """spans[at] with the spans joined to it by only "and" / "or" / commas (before it when backward)."""
    first = last = at
    if backward:
        while first > 0 and SPAN_JOIN_RE.fullmatch(text, spans[first - 1].end(), spans[first].start()):
            first -= 1
    else:
        while last + 1 < len(spans) and SPAN_JOIN_RE.fullmatch(text, spans[last].end(), spans[last + 1].start()):
            last += 1
    run = spans[first:last + 1]
    if any(re.match(r"\s*[A-Za-z]\s*\(", span_content(m)) for m in run) and REJECTING_RE.search(
            text[text.rfind(".", 0, run[0].start()) + 1:text.find(".", run[-1].end()) % (len(text) + 1)]):
        return [spans[at]]  # "We tried $f(x)=x$ and $f(x)=x^2$, but only the first works.": no list of solutions
    # Only values alike join: "$x=3$ and $x=2$", "$2$ or $3$"; "$3x = 12$ and $x = 4$" is a step, then the answer.
    shapes = {SPAN_SHAPE_RE.fullmatch(_unspaced(span_content(m))) is not None for m in run}
    plain = {"=" not in span_content(m) for m in run}
    ranged = len(run) > 1 and PARAMETER_RANGE_RE.fullmatch(span_content(run[-1]))  # "$f(x)=ax^2$, $a\\in\\mathbb{R}$"
    functions = all(FUNCTION_DEFINED_RE.match(span_content(m)) for m in (run[:-1] if ranged else run))  # "$f(x)=x$ and $f(x)=-x+2$"
    return run if len(run) == 1 or shapes == {True} or plain == {True} or functions or _named_then_tuples(run) else [spans[at]]


PARAMETER_RANGE_RE = re.compile(r"\s*[a-zA-Z](?:\s*,\s*[a-zA-Z])*\s*(?:\\in|∈)\s*\S.*")  # "a \\in \\mathbb{R}", "a, b ∈ ℝ"
FUNCTION_DEFINED_RE = re.compile(r"\s*[fghFGHPQ]\s*\(\s*[a-z]\s*\)\s*=")  # "f(x) =", "P(n) =": a function defined
# A function or a derivative defined: "f(x) =", "y' =", "f'(x) =", "\\frac{dy}{dx} =", "dy/dx =".
FORMULA_DEFINED_RE = re.compile(r"\s*(?:[fghFGHPQ]'*\s*\(\s*[a-z]\s*\)|[a-zA-Z]'+|\\d?frac\s*\{\s*d[a-z]?\s*\}\s*\{\s*d[a-z]\s*\}|"
                                r"d[a-z]\s*/\s*d[a-z])\s*=")


def _unspaced(content: str) -> str:
    return re.sub(r"\\[,;:! ]", " ", content)  # "k=1,\\ n=1": LaTeX spacing between named values


_TUPLE = r"\(\s*[^()=]+?(?:,\s*[^()=]+?)+\s*\)"


def _named_then_tuples(run: list[re.Match]) -> bool:
    """"$(a,b,p) = (2,2,2)$ and $(3,4,3)$": the names once, then more tuples of the same length."""
    first = re.fullmatch(rf"\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])+\s*\)\s*=\s*({_TUPLE})\s*", span_content(run[0]))
    size = first.group(1).count(",") if first else -1
    return first is not None and all(re.fullmatch(rf"\s*{_TUPLE}\s*", span_content(m)) and span_content(m).count(",") == size
                                     for m in run[1:])


def prose_around(candidate: str, numbers: list[re.Match]) -> bool:
    """Whether a phrase's one number stands in words ("within a 2-digit number, 102"), not in a formula: in
    "x^2 + y^2 + 2" or "\\sqrt{2}\\cdot\\sqrt{2}" the repeated 2 is part of the answer, not the answer."""
    if len(numbers) != 1:
        return False
    rest = candidate[:numbers[0].start()] + " " + candidate[numbers[0].end():]
    return not re.search(r"[\\^_{}=+*/<>|]", rest)


# "$f(x) = x^c$ where $c$ is a positive constant", "$n = 2^m$ with $m = 0, 1, 2, \ldots$": a form, then the range of
# its one parameter.
_QUALIFIER_GAP_RE = re.compile(r"\s*,?\s*(with|where|for(?: some| any| all| every| each| an?(?: arbitrary| fixed)?| arbitrary)?"
                               r"(?: (?:positive |nonnegative |non-negative )?integers?| real numbers?| reals?| (?:real |integer )?"
                               r"constants?)?)?\s*", re.IGNORECASE)  # or a comma alone; "for an arbitrary real constant"
_PARAMETER_RE = re.compile(r"\s*([a-z])\s*(?:(?:\\[lg]eq?|\\neq?|[<>≤≥≠]=?)\s*-?\d+(?:\.\d+)?|=\s*-?\d+\s*(?:,\s*-?\d+\s*){1,3},?"
                           r"\s*(?:\\[lc]?dots|\.\.\.|…)|(?:\\in|∈)\s*\\mathbb\s*\{?[ZRNQ]\}?(?:\^\s*\{?\+\}?)?)?\s*")
_PARAMETER_WORDS_RE = re.compile(r"\s*((?:is\s+)?(?:an?\s+|any\s+)?(?:(?:positive|negative|nonnegative|non-negative|nonzero|"
                                 r"real|fixed|arbitrary)\s+)*(?:constant|number|real|parameter|integer)s?)?\s*(?:,?\s*(?:and\s+)?(?:all\s+(?:of\s+)?these|"
                                 r"these\s+all|each\s+of\s+these|which\s+all)\s+(?:work|satisfy\s+(?:it|the\s+(?:original\s+)?(?:equation|condition))))?"
                                 r"\s*[.!]?\s*$", re.IGNORECASE)


def qualified_form(text: str, spans: list[re.Match]) -> str | None:
    """The last two spans as one answer when the last states the range of the one parameter the form before it uses
    ("f(x) = x^{c} \\text{ where } c \\text{ is a positive constant}"); None otherwise."""
    if len(spans) < 2:
        return None
    form, parameter = span_content(spans[-2]), span_content(spans[-1])
    gap = _QUALIFIER_GAP_RE.fullmatch(text, spans[-2].end(), spans[-1].start())
    read = _PARAMETER_RE.fullmatch(parameter)
    words = _PARAMETER_WORDS_RE.fullmatch(text, spans[-1].end())
    if not gap or not read or not words or "=" not in form:
        return None
    letter = read.group(1)
    if letter not in re.sub(r"\\[A-Za-z]+", " ", form.split("=", 1)[1]):  # "1 + cx" uses c
        return None
    if not gap.group(1) and (not gap.group().strip() or parameter.strip() == letter):
        return None  # "$x = 2m$, $m$": a comma alone joins only a parameter's range ("$\\alpha = 2m$, $m \\in \\mathbb{Z}$")
    said = f" \\text{{ {words.group(1).strip()} }}" if words.group(1) else ""
    return f"{form} \\text{{ {(gap.group(1) or 'for').lower()} }} {parameter}{said}"


def qualified_functions(text: str, lead: int) -> tuple[str, int] | None:
    """"$f(x)=x$ (for every real $x$) and $f(x)=-x$ (for every real $x$)": two or more functions, each with its
    domain restated, as one list; None otherwise."""
    functions, at = [], lead
    while True:
        span = MATH_SPAN_RE.match(text, at)
        if not span or not re.match(r"\s*[fghFGHP]\s*\(\s*[a-z]\s*\)\s*=", span_content(span)):
            return None
        functions.append(span_content(span))
        qualifier = FOR_EVERY_RE.match(text, span.end())
        at = qualifier.end() if qualifier else span.end()
        join = SPAN_JOIN_RE.match(text, at)
        if not join or not MATH_SPAN_RE.match(text, join.end()):
            break
        at = join.end()
    return (", ".join(functions), at) if len(functions) > 1 else None


def either_functions(text: str, at: int) -> tuple[str, int] | None:
    """"Either $f(x) = x$ for all real $x$, or $f(x) = -x$ for all real $x$.": (the functions listed, where they end
    after `at`), when nothing follows them on their line (no range, no "I couldn't determine which")."""
    either = re.match(r"\s*either\s+(?=\$)", text[at:], re.IGNORECASE)
    listed = qualified_functions(text, at + either.end()) if either else None
    ranged = _WORDED_RANGE_RE.match(text, listed[1]) if listed else None
    if ranged and re.match(r"[\s.*]*(?:\n|$)", text[ranged.end():]):  # "..., where $c$ is an arbitrary integer."
        field = next((symbol for word, symbol in _FIELDS if word in ranged.group(2).lower()), None)
        return (listed[0] + (f" \\text{{ for }} {ranged.group(1)} \\in {field}" if field else ""), ranged.end() - at)
    return (listed[0], listed[1] - at) if listed and re.match(r"[\s.*]*(?:\n|$)", text[listed[1]:]) else None


# A parameter's range said in words after the functions: ", where $c$ is an arbitrary integer", "with $c$ any real".
_WORDED_RANGE_RE = re.compile(r"\s*,?\s*(?:where|with|for)\s+\$\s*([a-zA-Z])\s*\$\s+(?:is\s+)?(?:an?\s+|any\s+)?(?:arbitrary\s+|"
                              r"any\s+)?((?:positive\s+|nonnegative\s+|non-negative\s+)?(?:integer|real(?:\s+number)?|rational"
                              r"(?:\s+number)?|constant|number))s?\b", re.IGNORECASE)
_FIELDS = (("nonnegative integer", "\\mathbb{Z}_{\\ge 0}"), ("non-negative integer", "\\mathbb{Z}_{\\ge 0}"),
           ("positive integer", "\\mathbb{Z}^+"), ("integer", "\\mathbb{Z}"), ("real", "\\mathbb{R}"),
           ("rational", "\\mathbb{Q}"))


_VARIABLE_LEAD_RE = re.compile(r"\s*(\\?[A-Za-z](?:_\{?\w+\}?)?)(?![A-Za-z])")
_SENTENCE_END_RE = re.compile(r"\.(?=\s|$)|\n")


def one_variable_statement(text: str, lead: int) -> tuple[str, int] | None:
    """The sentence from `lead` whole when its math spans all speak of one variable, numbers aside ("$n=1$ or
    $n \\ge 10$", "$n=1$ or $n$ is prime", "$a_0$ divisible by $3$"): a family for the comparison to read; None
    when the spans name two variables, hold no variable, or the sentence hedges."""
    masked = MATH_SPAN_RE.sub(lambda m: "x" * len(m.group()), text)  # a period inside $...$ ends no sentence
    end = _SENTENCE_END_RE.search(masked, lead)
    end_at = end.start() if end else len(text)
    statement = text[lead:end_at].strip()
    spans = list(MATH_SPAN_RE.finditer(statement))
    names = set()
    for span in spans:
        content = span_content(span)
        if re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", content):
            continue  # "divisible by $4$": a number of the condition
        name = _VARIABLE_LEAD_RE.match(content)
        if not name:
            return None
        names.add(name.group(1))
    words = MATH_SPAN_RE.sub(" ", statement)
    if len(spans) < 2 or len(names) != 1 or len(statement) > 200 or re.search(
            r"[=<>\d?]|\b(?:maybe|perhaps|possibly|probably|unsure|not sure|might|could|guess|think|believe|likely|seems?|"
            r"wait|actually|hmm|not certain)\b", words, re.IGNORECASE):
        return None
    return statement.rstrip(".").strip(), end_at
