"""Stage 1, extraction: closing sentences that state a set of values: tuples listed as the solutions ("Hence
$(p,q)=(3,2)$ or $(2,3)$.", "$(x,y)\\in\\{(0,\\pm 2),(4,\\pm 23)\\}$"), a union of intervals, a listed set, a range of one
letter or the empty set, in LaTeX or plain text ("x ∈ (2, 12) ∪ (12, 102)", "-2 ≤ x ≤ 7", "∅")."""

from __future__ import annotations

import re

NUM = r"-?\d+(?:\.\d+)?(?:/\d+)?"
TUPLE_ITEM = r"-?(?=[\d√π]|pi\b|sqrt)(?:\d+(?:\.\d+)?)?(?:π|pi\b|√\d+|sqrt\(\d+\))?(?:/\d+)?"  # a pair's item: "3", "π/2", "2√3", "-1/2"
TUPLE = rf"\(\s*(?:\\pm\s*|±)?{NUM}(?:\s*,\s*(?:\\pm\s*|±)?{NUM})+\s*\)"  # "(0, \\pm 2)": two tuples
# A closing sentence that is only the list of solutions: "All pairs: $(m, n) = (1, 1)$ and $(3, 2)$.", "The triples
# $(a,b,p)$ are $(3,4,3)$ and $(2,2,2)$." Any other subject ("the candidates", "the pairs that fail", "I think the
# solutions", "for odd n, the solutions") is no answer.
_NAMED_TUPLE = rf"(?:\([a-z](?:\s*,\s*[a-z])+\)\s*=\s*)?{TUPLE}"  # "(x, y) = (3, 1)"
_TUPLES_SUBJECT = (r"(?:(?:(?!\b(?:if|for|when|unless|suppos\w*|assum\w*|excluding|except|cases?)\b)[^,.\n]){0,60},\s*){0,2}"  # "Adding the symmetric pairs, ..."
                   r"(?:(?:so|thus|hence|therefore|by symmetry),?\s+)?(?:all\s+(?:the\s+)?|the\s+(?:only\s+)?)?"
                   r"(?:(?:ordered|integer|positive|nonnegative|non-negative|natural|real|prime|possible)\s+)*"
                   r"(?:(?:full\s+|complete\s+)?list\s+of\s+(?:all\s+)?(?:the\s+)?solutions\s+is|"
                   r"(?:pairs|triples|tuples|quadruples|solutions|answers)(?:\s*\$?\s*\([a-z](?:\s*,\s*[a-z])+\)\s*\$?)?"
                   r"(?:\s+(?:of|in)\s+(?:(?:distinct|positive|nonnegative|non-negative|natural|real|prime|integers?|"
                   r"numbers?|primes|reals)\s+){1,3})?\s*(?:are|:))\s*")  # "the pairs of distinct positive integers are"
_LISTED_TUPLES_RE = re.compile(
    rf"(?:{_TUPLES_SUBJECT}|(?:so|thus|hence|therefore),?\s+(?=\$*\s*\([a-z]\s*,)|(?P<display>(?=\$|\\\[|\([a-z](?:\s*,\s*[a-z])+\)\s*=)))\$*\s*"  # "Hence $(p,q)=...$"
    rf"(?P<tuples>{_NAMED_TUPLE}(?:[\s$]*(?:[,;][\s$]*(?:(?:and|or)\b[\s$]*)?|(?:and|or)\b[\s$]*){_NAMED_TUPLE})+)"
    r"[\s$]*\.?[\s$]*(?:\\\])?[\s$]*\.?", re.IGNORECASE)  # one quantifier per gap: no backtracking blow-up


def _plain_tuple_line(line: str) -> str:
    """A closing line of tuples with its LaTeX spacing and set braces taken off: "$(x,y)\\in\\{(0,\\pm 2),\\,(4,\\pm 23)\\}$"
    reads as "$(x,y) = (0,\\pm 2), (4,\\pm 23)$"."""
    line = re.sub(r"\\[,;:! ]|\\q?quad\b|\\left\b|\\right\b", " ", line)
    line = re.sub(r"(\([a-z](?:\s*,\s*[a-z])+\))\s*(?:\\in|∈)\s*\\\{", r"\1 = ", line)
    line = re.sub(r"\\[{}]", " ", line)
    return re.sub(r"[ \t]+", " ", line).strip()


_INTERVAL_END = r"(?:-?\d+(?:\.\d+)?(?:/\d+)?|[-+]?∞|[-+]?\\infty|[-+]?inf\b)"  # "1/2", "-inf"
_INTERVAL = rf"[\[(]\s*{_INTERVAL_END}\s*,\s*{_INTERVAL_END}\s*[\])]"
# A set written in plain text or LaTeX as what the closing sentence states: a union of intervals, a listed set, a
# range of one letter, the empty set. One interval alone only after "x ∈", "interval", "range" or "domain" (a point).
_RAY = r"[a-z]\s*(?:≤|≥|<=|>=|<|>)\s*-?\d+(?:\.\d+)?"
_PLAIN_SET_END_RE = re.compile(
    rf"(?:\b(?:is|are|be)|[:=]|\b(?:exactly|precisely|only)\s+(?:when|for)|\biff|\b(?:[Ss]o|[Tt]hus|[Hh]ence|[Tt]herefore)\b,?)\s*(?:the\s+(?:(?:closed|open)\s+)?interval\s+"
    rf"(?={_INTERVAL})|(?:the\s+)?empty\s+set\s*(?=∅)|)\$?\s*"
    rf"(?P<member>[a-z]\s*(?:∈|\\in\b)\s*)?(?P<set>{_INTERVAL}(?:\s*(?:∪|\\cup|U)\s*{_INTERVAL})*|"
    rf"(?:\\)?\{{\s*-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*\s*(?:\\)?\}}|"
    rf"-?\d+(?:\.\d+)?\s*(?:≤|<=|<)\s*(?:[a-z]|[fgy]\s*\(\s*[a-z]\s*\))\s*(?:≤|<=|<)\s*-?\d+(?:\.\d+)?|∅|"
    rf"{_RAY}(?:\s+or\s+{_RAY})?|all real numbers(?:,?\s*(?:ℝ|\\mathbb\s*\{{R\}}))?|ℝ)\s*\$?\s*\.?\s*$")
# What a closing sentence must call the set it states: the answer, the solution (set), the domain or range, the
# values of a letter. "The excluded values are", "Its complement is", "Rejected:", "Case 1:" state no answer.
_SET_SUBJECT_RE = re.compile(r"\s*(?:(?:so|thus|hence|therefore|finally),?\s+)?(?:(?:the|our)\s+)?(?:final\s+)?(?:answer|solutions?(?:\s+set)?|"
                             r"set\s+of\s+(?:all\s+)?solutions|solution\s+interval|domain(?:\s+of\s+[a-z](?:\([a-z]\))?)?|"
                             r"range(?:\s+of\s+(?:values\s+of\s+)?[a-z](?:\([a-z]\))?)?|(?:in\s+)?interval\s+notation|(?:all\s+)?(?:possible\s+)?"
                             r"values\s+of\s+[a-z])\s*", re.IGNORECASE)
# "Therefore x² − x − 6 > 0 exactly when x < −2 or x > 3.": a concluded condition, nothing failing or negated in it.
_CONCLUDED_CONDITION_RE = re.compile(r"\s*(?:so|thus|hence|therefore),?\s+(?![^\n]*\b(?:fails?|not|never|no|violated|false|wrong|"
                                     r"invalid|undefined|errors?|breaks?)\b)[^\n]*", re.IGNORECASE)
# A range of a function's values written as a chain: "0 ≤ f(x) ≤ 4" is [0, 4].
_VALUE_CHAIN_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s*(≤|<=|<)\s*[fgy]\s*(?:\(\s*[a-z]\s*\))?\s*(≤|<=|<)\s*(-?\d+(?:\.\d+)?)")


# A heading over a display of tuples that makes them no answer: "These pairs fail:", "We reject the following:".
_NOT_SOLUTIONS_HEADING_RE = re.compile(r"\b(?:fail\w*|reject\w*|extraneous|not|no|candidates?|to (?:be )?(?:check\w*|test\w*|tr(?:y|ied))|"
                                       r"exclud\w*|wrong|invalid|discard\w*|counterexamples?|tr(?:y|ied)|suppose|if|verify|plug\w*|"
                                       r"test\w*|examin\w*|possible|consider\w*|each)\b|n't", re.IGNORECASE)
# A heading that says the tuples under it are the answer: "the only solutions are", "checking these leaves:".
_SOLUTIONS_HEADING_RE = re.compile(r"\b(?:solutions?|answers?|all|only|leaves|remain\w*|final|gives?|yields?|obtain|get|are|"
                                   r"(?:ordered\s+)?(?:pairs|triples|tuples))\b", re.IGNORECASE)


def listed_tuples(last: str, heading: str = "") -> str | None:
    """The tuples a closing sentence lists as its solutions ("Hence $(p,q)=(3,2)$ or $(2,3)$.", or a display of
    them alone under a heading ending in ":" that does not turn them down); "" for several tuples that are no list
    of solutions ("(1, 2) is one, (3, 4) the other"); None for fewer than two. A line of named tuples alone
    ("(a, b, p) = (3, 4, 3) and (2, 2, 2)") needs a heading that does not turn them down."""
    if len(re.findall(rf"\(\s*(?:\\pm\s*|±)?{NUM}\s*,", last)) < 2:
        return None
    listed = _LISTED_TUPLES_RE.fullmatch(_plain_tuple_line(last))
    named = bool(re.match(r"\$*\s*\([a-z](?:\s*,\s*[a-z])+\)\s*=", _plain_tuple_line(last)))  # "(a, b, p) = (3, 4, 3) and ..."
    heading = re.split(r"(?<=[.!?])\s+", heading.strip())[-1]  # "... namely 1, 4, 1009. This gives six ordered pairs:"
    if listed and listed.group("display") is not None and not (
            (heading.rstrip().endswith(":") or named) and _SOLUTIONS_HEADING_RE.search(heading) and not (
                _NOT_SOLUTIONS_HEADING_RE.search(heading))):
        listed = None  # "These pairs fail:\n$$(1,2),\ (2,1)$$"
    if listed:
        lead = listed.group()[:listed.start("tuples")]
        kept = re.search(r"\b(?:apart from|besides|other than|in addition to|along with|together with|as well as|beyond)\b", lead,
                         re.IGNORECASE)  # "Apart from (0, 0), the solutions are ...": (0, 0) is one of them
        return ", ".join(re.findall(TUPLE, listed.group() if kept else listed.group("tuples")))  # not "Discarding (0, 0), ..."
    return "" if len(re.findall(rf"\(\s*{NUM}\s*,", last)) > 1 else None  # "(\pm 1, 3)" lists are read elsewhere too


_LONE_SET_RE = re.compile(rf"\s*(?:(?:so|thus|hence|therefore),?\s+)?(?P<set>{_RAY}\s+or\s+{_RAY}|{_INTERVAL}(?:\s*(?:∪|\\cup)\s*{_INTERVAL})+)\s*\.?\s*", re.IGNORECASE)


# A membership concluded plainly: "So n ∈ {1, 2, 3}", "so the positive integers are n ∈ {1, 2, 3}" (never "the bad
# values are", "the remaining cases are": their set is no answer).
_CONCLUDED_MEMBERSHIP_RE = re.compile(r"\b(?:so(?!\s+far)|thus|hence|therefore),?\s*(?:(?:the|all)\s+(?:(?:positive|nonnegative|"
                                      r"possible|real|integer)\s+)?(?:solutions?|answers?|values?|integers|numbers)\s+(?:are|is)\s*:?\s*)?"
                                      r"(?:\$\s*)?$", re.IGNORECASE)
# What turns a concluded membership ("so n ∈ {1, 2, 3}") into something else: a negation, a supposition, a doubt.
_MEMBERSHIP_DOUBTED_RE = re.compile(r"\b(?:not|no|never|fails?|if|suppose|assum\w*|maybe|perhaps|reject\w*|except|excluded|"
                                    r"candidates?|check\w*|partial|so far|found)\b|n't", re.IGNORECASE)


def plain_set_end(last: str) -> tuple[str, int] | None:
    """(the set the closing sentence states, written in LaTeX, where its statement starts); None for any other
    sentence. What comes before it (a hedge, a negation) is the caller's to weigh. A closing line that is only two
    rays or a union ("k ≤ −4 or k ≥ 4") states it too."""
    lone = _LONE_SET_RE.fullmatch(last)
    if lone:
        return _latex_set(lone.group("set")), 0
    found = _PLAIN_SET_END_RE.search(last)
    if not found:
        return None
    before = last[:found.start()]
    condition = re.match(r"\s*(?:exactly|precisely|only|iff)", found.group(), re.IGNORECASE)
    member_concluded = found.group("member") and _CONCLUDED_MEMBERSHIP_RE.search(last[:found.start("member")]) and not (
        _MEMBERSHIP_DOUBTED_RE.search(before))
    if not (_CONCLUDED_CONDITION_RE.fullmatch(before) if condition else _SET_SUBJECT_RE.fullmatch(before)) and not member_concluded:
        return None  # "The excluded values are {1, 2}", "Recall the domain: ...", "Case 1: −2 ≤ x ≤ 7"
    value = found.group("set")
    single = re.fullmatch(_INTERVAL, value)
    if single and not found.group("member") and not re.search(r"\b(?:interval|range|domain|solution\s+set)\b", last,
                                                               re.IGNORECASE):
        return None  # "(2, 12)" alone may be a point; "Range: [−0.5, 0.5]" is an interval
    if re.fullmatch(_RAY, value) and not re.search(r"\b(?:range|domain|solutions?|values?|set|exactly|precisely|only|iff)\b", last,
                                                  re.IGNORECASE):
        return None  # "so x > 3" may be a step; "the range of m is m ≤ 2" is the answer
    if value.startswith(("all real", "ℝ")):
        return "\\mathbb{R}", found.start()
    chain = _VALUE_CHAIN_RE.fullmatch(value)
    if chain:
        return ("[" if "<" not in chain.group(2) or "=" in chain.group(2) else "(") + f"{chain.group(1)}, {chain.group(4)}" + (
            "]" if "<" not in chain.group(3) or "=" in chain.group(3) else ")"), found.start()
    if value.lstrip("\\").startswith("{") and not found.group("member") and not re.search(r"\bset\b", last, re.IGNORECASE) and not (
            re.search(r"\b(?:solutions|answers|values|roots)\s+(?:are|is)\s*:?\s*$", before + found.group()[:found.start("set") - found.start()],
                      re.IGNORECASE)):
        return None  # "{1, 2}" without "x ∈", "solution set" or "the solutions are" is left to the list readers
    return _latex_set(value), found.start()


def _latex_set(value: str) -> str:
    value = re.sub(r"(?<!\\)\{", "\\{", re.sub(r"(?<!\\)\}", "\\}", value))
    for plain, latex in (("∪", " \\cup "), (" U ", " \\cup "), ("≤", " \\le "), ("<=", " \\le "), ("≥", " \\ge "), (">=", " \\ge "),
                         ("∞", "\\infty"), ("∅", "\\emptyset"), (" or ", " \\text{ or } ")):
        value = re.sub(r"\binf\b", "\\\\infty", value)  # "-inf"
        value = value.replace(plain, latex)
    return re.sub(r"\s+", " ", value).strip()
