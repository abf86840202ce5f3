"""Stage 1, extraction: the value an answer phrase states ("The answer is 42.", "**Final Answer:** $x=3$",
"答案是 4"), with its remark, hedges and markdown cut off."""

from __future__ import annotations

import re

from .pairs import unit_of
from .units import with_its_unit
from .rewrites import function_qualifiers_dropped
from .functions import identically_as_definitions
from .spans import MATH_SPAN_RE, either_functions, one_variable_statement, qualified_functions, FUNCTION_DEFINED_RE, PARAMETER_RANGE_RE, CURRENCY_PAIR_RE, MORE_VALUES_RE, joined_spans, prose_around, qualified_form, span_content, span_run
from .conclude import in_formula
from .words import _BINARY_OPERATION_RE, MATH_FUNCTION_NAMES, SCALE_WORDS, cjk_value, number_word_value

NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")
_FILLER_WORDS = {"within", "in", "the", "a", "an", "not", "given", "below", "above", "as", "that", "this", "to"}
# "final answer is", "final answer:", "answer is", "answer:", "Final Answer: The final answer is"; then
# optional ":" / "**" and any whitespace, line breaks included.
# Also an "Answer" heading alone on its line ("### Answer", "**Final Answer**") and "we conclude: X".
PHRASE_RE = re.compile(r"(?:final answer|answer|final choice|correct (?:option|choice|statement)s?)(?:\s+is|\s+are|\s*:)[\s:*]*"
                        r"|(?m:^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:final )?answer(?:\*\*)?[ \t]*$)[\s*]*"
                        r"|(?m:^[ \t]*(?:#{1,6}[ \t]*)?\*\*(?:final )?answer\.\*\*)[ \t]*"  # "**Answer.** $42$"
                        r"|(?m:^[ \t]*(?:[-*][ \t]+)?\*\*(?:the )?(?:maximum|minimum|largest|smallest|greatest|least)"
                        r"(?: possible)?(?: value)?(?::\*\*|\*\*[ \t]*:))(?![^\n]*(?:\?|\b(?:wrong|incorrect|not|recomput\w*|check\w*|larger|"
                        r"smaller|actually)\b))[ \t]*"  # "**Maximum:** $2500$, attained at ..." (bold: a label)
                        r"|\b(?:thus|so|therefore|hence),?\s+the result is\s*"
                        r"|\b(?:we|I) (?:can |may )?conclude(?:\s*:|\s+that\b)[\s:*]*"
                        r"|(?<!检查)(?<!验证)答案(?:是\s*[：:]?|\s*[：:])\s*|(?m:^\s*答\s*[：:]\s*)"
                        r"|\bI (?:choose|pick|select|go with)\s+(?:option|choice|answer)\s+(?=\(?[A-J]\b)", re.IGNORECASE)
# "42 apples", "$10.00 in all": a number followed by words only is that number.
_NUMBER_THEN_WORDS_RE = re.compile(r"(-?\\?\$?\d[\d,]*(?:\.\d+)?%?)\s+[A-Za-z]{2,}[A-Za-z\s]*")  # "3 n" is a product
# Markdown bold around a value ("42**", "minutes**,"), never Python's power ("2**3").
_BOLD_MARK_RE = re.compile(r"(?<![\w)}])\*\*|\*\*(?![\w({])")
_TRAILING_JUNK_RE = re.compile(r"(?:\s*(?:I hope it is correct|which is the answer)\.?)+\s*$", re.IGNORECASE)
# Words that make a stated value a hedge or a bound rather than an answer ("5 or more", "about 5",
# "at least 5", "5, not 8" is cut before it is read).
HEDGE_WORDS = {"or", "either", "maybe", "perhaps", "possibly", "probably", "approximately", "about", "around",
                "roughly", "nearly", "almost", "between", "least", "most", "more", "less", "than", "not", "unless",
                "depending", "if", "except", "no", "never", "wrong", "incorrect", "false", "impossible", "minus",
                "plus", "times", "over", "under", "greater", "fewer", "guess", "unsure", "unclear", "cannot", "isn"}
# Words said before a value that change nothing ("indeed -5", "as follows: 100", "equal to 4").
LEAD_FILLER_RE = re.compile(
    r"^[,:;]?\s*(?:(?:indeed|in fact|of course|as follows|as|follows|"
    r"thus|therefore|hence|so|then|simply|just|exactly|only|clearly|obviously|"
    r"precisely|equal to|equals|given by|that|now|here|finally|we get|we have|we find|it is|it's|is|"
    r"the value|the number|the total|the result|the answer|"
    r"the (?:only |unique )?(?:pairs?|triples?|quadruples?|tuples?|solutions?|functions?|polynomials?))\b\s*[:,]?\s*)+"
    r"(?=[-+\d$\\(\[{.])", re.IGNORECASE)
# Where a stated answer stops: an ellipsis or a retraction on the same line ("5... wait, actually 6"), or a
# correction after it ("6, not 8").
_ANSWER_STOP_RE = re.compile(
    r"\s*(?:\.\.\.|…)|[\s,;]+(?:but\s+)?(?:wait|actually|hmm|oops)\b|,\s*(?:but\s+)?not\b|\s*\(not\b"
    r"|(?:(?<=[\d}%)])|(?<=[A-Za-z]{2})|(?<=\*\*))\.\s+(?=[A-Z(])|\s*<\||\s*</s>", re.IGNORECASE)


# A remark after the stated value, never read for numbers: "24 (after checking the case n = 3)", "24 [since ...]",
# "24, which we checked for n = 3", "24 -- checked by hand". Only after a complete value, and a parenthesis only
# when it holds words or an '=' (so "(1, 2)" and "[2, 5)" stay answers); a remark that hedges is not cut.
_REMARK_RE = re.compile(
    r"(?<=[\d}%)\]A-Za-z])\s*(?:[(\[](?=[^)\]]*(?:[A-Za-z]{2,}|=))"
    r"|,\s*(?:which|where|since|because|as|for|when|after|given|so|this|that|with|by|using|from|checked|verified)\b"
    r"|\s+(?:because|since)\s|\s+(?:—|–|--|;)\s*(?=[A-Za-z]))")  # "48 because 2 × 16 = 32 ..." explains 48


# The answer's line goes on to work out another value: "12 per box, so for 3 boxes it is 36", "adding tax gives 13".
GOES_ON_RE = re.compile(r"\b(?:but|however|so|then|after|before|adding|subtracting|multiplying|dividing)\b[^\n]*?\b(?:gives?|"
                         r"giving|yields?|it is|it's|becomes|comes to|total (?:is|of))\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)


def goes_on(stated: str, rest: str) -> bool:
    """What follows a stated value works out another value ("12, so for 3 boxes it is 36"); the same value said
    again ("36, so the total is 36 cookies") is no other."""
    later, first = GOES_ON_RE.search(rest), re.search(r"-?\d[\d,]*(?:\.\d+)?", stated)
    return bool(later) and (first is None or later.group(1).replace(",", "") != first.group().replace(",", ""))
# A condition or a bound said of a stated value: it holds only in a case, or it bounds the answer.
CONDITION_RE = re.compile(r"^[\s,(\[]*(?:-?\d[\d.,/]*\s+)?(?:for (?:even|odd|all|every|each|some|any|large|small|sufficiently)\b|"
                          r"for (?!a\b)[a-z]\b(?!\s*=)|provided|assuming|if|unless|whenever|at (?:minimum|maximum)|at (?:most|least)(?=\s*[)\].,]|\s*$)|"
                          r"(?:lower|upper) bound|in the (?:best|worst) case)\b", re.IGNORECASE)  # said right after the value


def _bracket_of_the_value(head: str, tail: str) -> bool:
    """A bracket after the value that is part of it: math only (LaTeX commands, functions written plainly), and an
    operation's operand ("\\cup (3, \\infty)", "\\cos (t - \\pi/4)"), a pair or interval, or a factor that adds or names a
    variable ("1/2 (1 + sqrt(5))"); "4 (sqrt 16)" or "0.5 (cos(pi/3))" restates the value, a remark."""
    inner = re.match(r"\s*[(\[]((?:[^()\[\]]|\([^()]*\))*)[)\]]", tail)
    if not inner or any(word.lower() not in MATH_FUNCTION_NAMES for word in re.findall(r"(?<![\\A-Za-z])[A-Za-z]{2,}", inner.group(1))):
        return False  # words: "15 (minutes)", "72 (48 in April plus 24 in May)"
    if re.search(r"\\[A-Za-z]+\s*$|\b(?:sin|cos|tan|log|ln|exp|sqrt)\s*$", head):
        return True  # "\\cup (3, \\infty)", "\\sqrt{2} \\cos (t-\\pi / 4)"
    bare = re.sub(r"\\[A-Za-z]+|\b[A-Za-z]{2,}\b", " ", inner.group(1))
    return not re.search(r"[=<>≤≥]", bare) and bool(re.search(r",|(?<=[\w)}])\s*[-+]\s*(?=[\w(\\{])|(?<![A-Za-z])[a-z](?![A-Za-z])", bare))


def _cut_remark(candidate: str) -> str:
    """The stated value without a remark after it (see _REMARK_RE); unchanged when there is none, when it hedges,
    when a condition after a comma holds more than one value ("5, when a = 2, and 7 when a = 3") or a bracket's
    remark is followed by more text ("5 (when a = 2), 7 (when a = 3)"): then the whole stays, and is no answer."""
    remark = _REMARK_RE.search(candidate)
    if not remark or not candidate[:remark.start()].strip():
        return candidate
    tail = candidate[remark.start():]
    if CONDITION_RE.search(tail) or goes_on(candidate[:remark.start()], tail):
        return candidate  # "5 (for even n)", "5, provided n is even", "5 (lower bound)": not the value asked
    conditional = re.match(r"\s*,\s*(?:for|when|given|where)\b", tail)  # "5, when a = 2, and 7 when a = 3"
    comparison = re.match(r"\s*,\s*which\b", tail)  # "80, which is 25% more": a comparison, no hedge
    bracketed = tail.lstrip()[:1] in "(["  # "72 (48 in April plus 24 in May)": the sum's working, no hedge
    if bracketed and re.match(r"\s*[(\[]\s*(?:that is|i\.e\.|equivalently|in other words)\b", tail, re.IGNORECASE):
        return candidate[:remark.start()].rstrip()  # "15 minutes (that is, 0.25 hours, or 900 seconds)": restated
    hedged = has_hedge(tail) if not (comparison or bracketed) else bool(
        {w.lower() for w in re.findall(r"[A-Za-z]+", tail)} & (HEDGE_WORDS - _COMPARISON_WORDS))
    if hedged or conditional and len({m.group() for m in NUMBER_RE.finditer(tail)}) > 1:
        return candidate
    if conditional and re.fullmatch(r"\s*(?:yes|no)\s*", candidate[:remark.start()], re.IGNORECASE):
        return candidate  # "No, for n > 2": a verdict under a condition stays whole (and is no answer)
    if tail.lstrip()[:1] in "([":
        close = tail.find(")" if tail.lstrip()[0] == "(" else "]")
        if close < 0 or re.search(r"[\w\\$]", tail[close + 1:]) or _bracket_of_the_value(candidate[:remark.start()], tail):
            return candidate
    head = candidate[:remark.start()]
    # "10 + 8, which is 18" / "10 + 8 (= 18)": the remark states the result of the arithmetic before it.
    result = _RESULT_REMARK_RE.fullmatch(tail)
    if result and "=" not in head and _BINARY_OPERATION_RE.search(head):
        return f"{head} = {result.group(1).strip()}"
    return head


_NAMELY_RE = re.compile(r",?\s*(?<![(\[])\b(?:namely|that is,|i\.e\.,?)\s+(?=\S)(.+)$", re.IGNORECASE)  # "(that is, ...)": a remark
_RESULT_REMARK_RE = re.compile(r"\s*(?:,\s*which\s+(?:is|equals|gives)|\(\s*=)\s*([^()=,;]+?)\s*\)?\s*")


# Words after a number that are part of its value: scales ("3 million") and operations ("12 factorial" is 12!, never
# 12; "7 dozen" counts dozens, so it is no operation here).
_VALUE_WORDS = set(SCALE_WORDS) | {"squared", "cubed", "factorial"}


def _unit_or_scale(text: str) -> bool:
    """ "2.5 g", "3 million": the words after the number are part of the value, never dropped."""
    words = re.findall(r"[A-Za-z]+", text)
    return unit_of(text) is not None or bool(words) and words[0].lower() in _VALUE_WORDS


def has_hedge(text: str) -> bool:
    """A hedge or bound word anywhere ("\\text{ or }" included: only command names are dropped)."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"\\[A-Za-z]+", " ", text))
    return any(word.lower() in HEDGE_WORDS for word in words)



# A statement about every ordering after a tuple, and words that make a phrase a family ("all primes of the form
# $4k+1$"): the whole phrase is the answer, never its one span.
_REORDERED_AFTER_RE = re.compile(r"\s*(?:is|are)\s+(?:any|all|every)\s+(?:permutations?|orderings?|rearrangements?)\s+of\b|"
                                 r"\s*,?\s*(?:and|with)\s+(?:all\s+)?(?:its|their|the)?\s*permutations\b", re.IGNORECASE)
# Words around a list of tuples that say every ordering of them is a solution: "all permutations of $(2,3,6)$ and
# $(2,4,4)$", "up to permutation, $(a,b,c) \\in \\{...\\}$", "$(a,b,c)=(1,2,3)$ up to order".
REORDERED_BEFORE_RE = re.compile(r"(?:\b(?:all|the)\s+(?:(?:six|three|two|twenty-four|\d+|possible|distinct)\s+)?permutations\s+of|\bup\s+to\s+(?:order|permutations?|"
                                  r"reordering)\s*,?|\bin\s+any\s+order\s*,?)\s*$", re.IGNORECASE)
# Words that narrow "every ordering": "signed permutations", "except (3,2,1)", "with a < b", "and their negatives".
NOT_EVERY_ORDER_RE = re.compile(r"\b(?:not|no|cyclic|some|signed|signs?|except|but|with|where|whose|negatives?|unless|"
                                 r"if|only\s+when|such\s+that|allowed)\b|[<>≤≥≠]|\\(?:ne|neq|le|ge|lt|gt)\b", re.IGNORECASE)
ANY_ORDER_AFTER_RE = re.compile(r"\s*,?\s*(?:up\s+to\s+(?:order|permutations?|reordering)|in\s+any\s+order)\b", re.IGNORECASE)
_PROPERTY_AFTER_RE = re.compile(r"\s*(?:is|are|must be|has to be)\s+(?:any|an?|all)?\s*(?:powers?\s+of|multiples?\s+of|odd|even|primes?)\b",
                                re.IGNORECASE)
_FAMILY_WORDS_RE = re.compile(r"^\s*(?:all|every|any)\b.*\b(?:primes|odd|even|integers|of the form|powers? of|"
                              r"multiples? of)\b", re.IGNORECASE)


def _whole_statement(text: str, run: list[re.Match], lead: int) -> tuple[str, int] | None:
    """The statement the answer's spans begin, when its words belong to the value: a form with its parameter's range
    ("$n = 2k$ for integers $k \\ge 2$"), every ordering of a tuple ("$(x,y,z)$ is any permutation of $(1,2,3)$"), a
    property of the variable ("$n$ is any power of $2$"). None otherwise."""
    stated_end = run[-1].end()
    identity = re.match(r"\s*(?:is|must be)\s+the\s+identity(?:\s+(?:function|map))?\b", text[stated_end:])
    if identity and re.fullmatch(r"\s*[fgh]\s*", joined_spans(run)):
        return f"{joined_spans(run).strip()}(x) = x", stated_end + identity.end()  # "$f$ is the identity map, ..."
    following = list(MATH_SPAN_RE.finditer(text, stated_end))[:1]
    qualified = qualified_form(text, run[-1:] + following) if len(run) == 1 and following else None
    if qualified:
        return qualified, len(text)
    any_order = ANY_ORDER_AFTER_RE.match(text, stated_end)
    line_end = text.find("\n", stated_end) % (len(text) + 1)
    if any_order and re.search(r"\(\s*[-\d]", joined_spans(run)) and not NOT_EVERY_ORDER_RE.search(text[lead:line_end]) and (
            not re.search(r"\d|\$", text[any_order.end():line_end])):  # "... up to order, and also $(0,0,0)$": more
        return joined_spans(run) + " up to order", stated_end + any_order.end() - stated_end  # "$(1,2,3)$ up to order"
    reordered = _REORDERED_AFTER_RE.match(text, stated_end) or (
        re.fullmatch(r"\s*[a-z]\s*", joined_spans(run)) and _PROPERTY_AFTER_RE.match(text, stated_end))
    if not reordered:
        return _characterisation(text, lead, stated_end)
    line_end = re.compile(r",?\s*\b(?:i\.e\.|that is,)|\.(?:\s|$)|\n").search(text, reordered.end())
    stated_end = line_end.start() if line_end else len(text)
    return text[lead:stated_end].replace("$", "").strip(), stated_end


# Words that make a sentence of spans one characterisation of n: "$n = 1$ and every integer $n \\ge 10$", "exactly
# the integers $n \\ge 5$ with ...", "every composite $n$ except $n = 4$".
_CHARACTERISING_RE = re.compile(r"\b(?:every|all|each|except|any|exactly the|precisely the)\b", re.IGNORECASE)
_DOUBT_RE = re.compile(r"\b(?:maybe|perhaps|possibly|probably|guess\w*|unsure|unclear|think|might|could|sure|not|no|"
                       r"approximately|about|roughly|if|unless|candidates?|other|fails?|failed)\b", re.IGNORECASE)


def _characterisation(text: str, lead: int, stated_end: int) -> tuple[str, int] | None:
    """The whole sentence the answer's spans begin, when its words outside the spans characterise one letter's
    values; None otherwise (a hedge, a second letter, no such word)."""
    end_match = re.compile(r"\.(?:\s|$)|\n|\s\(").search(text, stated_end)
    end = end_match.start() if end_match else len(text)
    statement = text[lead:end]
    words = MATH_SPAN_RE.sub(" ", statement)
    letters = set(re.findall(r"(?<![A-Za-z\\])[a-z](?![A-Za-z])", " ".join(m.group() for m in MATH_SPAN_RE.finditer(statement))))
    if len(letters) != 1 or not _CHARACTERISING_RE.search(words) or _DOUBT_RE.search(words) or "$" in words:
        return None
    return statement.replace("$", "").strip(), end


_BULLETED_SPAN_RE = re.compile(r"[ \t]*[-*•][ \t]+\$([^$\n]+)\$[ \t]*[;,.]?[ \t]*(?:\n|$)")


def _bulleted_values(rest: str) -> tuple[str, int] | None:
    """(the values, where the list ends) of two or more bullets that open the text after an answer heading, each
    one math span and nothing else; None otherwise."""
    values, at = [], len(rest) - len(rest.lstrip("\n"))
    while True:
        bullet = _BULLETED_SPAN_RE.match(rest, at)
        if not bullet:
            break
        values.append(bullet.group(1).strip())
        at = bullet.end()
    return (", ".join(values), at) if len(values) > 1 and not rest[at:].strip() else None


def _bold_line(text: str, rest_at: int, stated_end: int) -> bool:
    """The answer phrase's line is bold from its start to the answer's end: the answer is whole."""
    line = text[text.rfind("\n", 0, rest_at) + 1:rest_at]
    return line.lstrip().startswith("**") and bool(re.match(r"[.\s]*\*\*\s*(?:\n|$)", text[stated_end:]))


# A worded answer that states a condition: "such a partition exists iff $n = 4k$ or $n = 4k-1$ for some positive $k$".
_EXACTLY_WHEN_RE = re.compile(r"\b(?:iff|if and only if|exactly when|precisely when|exactly for|precisely for)\b", re.IGNORECASE)
_ONLY_ONE_RE = re.compile(r"\b(?:only one|one of (?:them|these|the two)|whichever|which one)\b", re.IGNORECASE)
_OFFERED_RE = re.compile(r"\b(?:either|maybe|perhaps|possibly|probably|depending|depends|not sure|unsure)\b", re.IGNORECASE)


_FAMILY_AFTER_RE = re.compile(r"[ \t]*,?[ \t]*\b(?:and|or)[ \t]+(?:all|the|every|each|any)[ \t]+(?:(?!other\b|not\b)[A-Za-z]+[ \t]+){0,2}"
                              r"(?:multiples|powers|divisors|primes|odd|even|squares|cubes)\b[^$\n]*\$(?![^\n]*\b(?:not|fail\w*|never|"
                              r"except)\b|[^\n]*n't)", re.IGNORECASE)


def _family_sentence(text: str, lead: int, stated_end: int) -> tuple[str, int]:
    end = re.compile(r"\.(?:\s|$)|\n").search(text, stated_end)
    end_at = end.start() if end else len(text)
    return text[lead:end_at].replace("$", "").strip(), end_at


def _inner_value(candidate: str) -> str:
    """The value inside a worded answer: its first math span, or the run of spans the line ends on ("the only pairs
    are $(k,n)=(1,1)$ and $(k,n)=(3,2)$", functions each with "(for every real $x$)")."""
    candidate = function_qualifiers_dropped(candidate)
    spans = list(MATH_SPAN_RE.finditer(candidate))
    run = span_run(candidate, spans, 0)
    reordered = REORDERED_BEFORE_RE.search(candidate[:run[0].start()]) or ANY_ORDER_AFTER_RE.match(candidate, run[-1].end())
    if reordered and re.search(r"\(\s*[-\d]", joined_spans(run)) and not NOT_EVERY_ORDER_RE.search(candidate):
        return joined_spans(run) + " up to order"  # every ordering of each tuple is a solution
    if len(run) > 1 and not candidate[run[-1].end():].strip(" .*") and not has_hedge(candidate):
        return joined_spans(run)
    if len(run) > 1 and all(FUNCTION_DEFINED_RE.match(span_content(m)) for m in run) and not has_hedge(
            re.sub(r"\b(?:either|or|and)\b", " ", candidate)) and not _ONLY_ONE_RE.search(candidate):
        # "either $f \\equiv 0$, or $f(n)=2n+K$ for some constant $K$": the solutions of a functional equation
        return candidate[run[0].start():].replace("$", "").strip().rstrip(".")
    if len(spans) > 1 and _OFFERED_RE.search(candidate):
        return ""  # "either $\frac{1}{3}$ or $\frac{2}{3}$", "either $f(x)=x$ or maybe $f(x)=2x$": offered, not stated
    if len(spans) > 1 and _FAMILY_AFTER_RE.match(candidate, run[-1].end()):
        return candidate[run[0].start():].replace("$", "").strip().rstrip(".")  # "$1$ and the multiples of $5$": whole
    return next(g for g in spans[0].groups() if g is not None)


# Another span joined to the stated one that does not read with it: "$(a,b) = (2,2)$ and $(3,4,5)$".
_BARE_VARIABLE_RE = re.compile(r"\s*[A-Za-z](?:_\{?\w+\}?)?\s*")
_JOINED_SPAN_RE = re.compile(r"\s*(?:,|,?\s*(?:and|or))\s*\$", re.IGNORECASE)


def _worded_value(candidate: str) -> str:
    """A worded answer line's value: a yes/no verdict, or the value inside it; "" when it offers two values."""
    verdict = re.match(r"(yes|no)\b\s*[-–—,:;.]", candidate.strip(), re.IGNORECASE)
    opposite = "no" if verdict and verdict.group(1).lower() == "yes" else "yes"
    if verdict and re.search(r"\b(?:unless|except|but|if|only|however|although|not always|sometimes|depends|"
                             r"provided|as long as|when|whenever|otherwise|in general|for\s+(?:\$|[a-z]\b|some|"
                             rf"all|each|every|other|primes?|odd|even)|{opposite})\b", candidate[verdict.end():],
                             re.IGNORECASE):
        verdict = None  # "yes, unless n = 1" is a conditional answer, not a verdict
    inner = MATH_SPAN_RE.search(candidate)
    if verdict:
        candidate = verdict.group(1).capitalize()  # "Yes - there exist infinitely many $n$ ...": the verdict
    elif inner and len(candidate) > 24 and not re.match(r"\s*\(?[A-J]\)\s", candidate) and not _FAMILY_WORDS_RE.search(
            candidate) and not re.fullmatch(r"\s*[A-Za-z](?:_\{?\w+\}?)?\s*",
                                                             next(g for g in inner.groups() if g is not None)):
        candidate = _inner_value(candidate)  # a name ("no positive integer $n$") is no value
    return candidate


def _condition_stated(candidate: str) -> str:
    """"such a partition exists iff $n = 4k$ or $n = 4k-1$": the condition; unchanged when a value comes before the
    condition word ("the minimum is $\\frac32$, attained exactly when $a=b=c$") or the condition is offered."""
    condition = _EXACTLY_WHEN_RE.search(candidate)
    if condition and MATH_SPAN_RE.search(candidate, condition.end()) and not _OFFERED_RE.search(candidate) and not (
            re.search(r"\d|\$", candidate[:condition.start()])):
        return candidate[condition.end():].replace("$", "").strip().rstrip(".")
    return candidate


def without_clause_letter(text: str, run: list[re.Match]) -> list[re.Match]:
    """The run without a last bare letter that begins another clause ("$7$ and $m$ divides it"); [] when the letter
    begins a condition offered instead ("$a_0 \\equiv 0 \\pmod 3$, or $a_0$ a perfect square")."""
    if len(run) < 2 or not _BARE_VARIABLE_RE.fullmatch(span_content(run[-1])) or not re.match(r"[ \t]*[A-Za-z]",
                                                                                               text[run[-1].end():]):
        return run
    return [] if re.search(r"\bor\b", text[run[-2].end():run[-1].start()]) else run[:-1]


def functions_with_their_range(text: str, run: list[re.Match]) -> tuple[str, int] | None:
    """A run of function definitions followed by their parameter's range ("$f \\equiv 0$ and $f(n)=2n+K$ for some
    $K \\in \\mathbb{R}$"): the statement to its sentence's end, the range kept; None otherwise."""
    ranged = len(run) >= 2 and bool(PARAMETER_RANGE_RE.fullmatch(span_content(run[-1])))  # "$f(x)=ax^2$, $a\\in\\mathbb{R}$"
    functions = run[:-1] if ranged else run
    if len(run) < 2 or not all(FUNCTION_DEFINED_RE.match(span_content(m)) for m in functions) or not ranged and not re.match(
            r"\s*,?\s*(?:for|with|where|\(|\$?\s*[a-zA-Z]\s*(?:\\in|∈))", text[run[-1].end():]):
        return None
    end = re.compile(r"\.(?:\s|$)|\n").search(text, run[-1].end())
    end_at = end.start() if end else len(text)
    statement = re.sub(r"\$|\\(?:left|right)\b", "", text[run[0].start():end_at])
    return identically_as_definitions(statement).strip(), end_at


# A label that quotes the hint the prompt gave ("Reference answer: 10", "the given answer is 10"): the prompt's
# words, echoed, never what the model concluded.
_QUOTED_HINT_RE = re.compile(r"\b(?:reference|given|provided|hinted|expected|target|official|ground[- ]truth|suggested|teacher'?s|"
                             r"(?:text)?book'?s|key'?s)\s+(?:final\s+)?$|\bhints?\s*:\s*(?:the\s+)?(?:final\s+)?$|"
                             r"\b(?:given|told|hinted|claimed|says|said|states|stated)\s+(?:that\s+)?the\s+(?:final\s+|correct\s+)?$",
                             re.IGNORECASE)  # "We are given that the answer is 624, so let's see how it comes about."


def answer_phrases(text: str) -> list[re.Match]:
    """The answer phrases of a text ("The answer is", "**Answer:**", "答案是"), less those quoting a hint."""
    return [m for m in PHRASE_RE.finditer(text) if not _QUOTED_HINT_RE.search(text, max(0, m.start() - 40), m.start())]


def phrase_answer(text: str) -> tuple[str, int] | None:
    """(candidate, offset in text where the candidate's statement ends) for the last answer phrase; the candidate
    is "" when the phrase states more than one value."""
    matches = answer_phrases(text)
    if not matches:
        return None
    rest_at = matches[-1].end()
    rest = text[rest_at:]
    span = MATH_SPAN_RE.match(rest.lstrip())
    if span and CURRENCY_PAIR_RE.match(next(g for g in span.groups() if g is not None)):
        span = None  # "$10 (that is 50/60 of her $12 hourly rate)": two dollar amounts, no math span
    if span:
        lead = rest_at + (len(rest) - len(rest.lstrip()))
        run = span_run(text, list(MATH_SPAN_RE.finditer(text, lead)), 0)
        candidate = joined_spans(run)
        stated_end = run[-1].end()
        if _FAMILY_AFTER_RE.match(text, stated_end):
            return _family_sentence(text, lead, stated_end)  # "$1$ and the multiples of $5$": read whole, as a family
        if MORE_VALUES_RE.match(text, stated_end) or len(run) == 1 and _JOINED_SPAN_RE.match(text, stated_end):
            return one_variable_statement(text, lead) or ("", stated_end)  # "$n=1$ or $n \\ge 10$"; "$5$ apples and $3$ oranges"
        run = without_clause_letter(text, run)
        if not run:
            return one_variable_statement(text, lead) or ("", stated_end)  # "$a_0 \\equiv 0 \\pmod 3$, or $a_0$ ..."
        candidate, stated_end = joined_spans(run), run[-1].end()
        whole = functions_with_their_range(text, run) or _whole_statement(text, run, lead) or qualified_functions(text, lead)
        if whole is not None:
            return whole  # "$f(x)=2x+c$ for any real $c$" with its range, a whole statement, functions qualified
        candidate = with_its_unit(text, candidate, stated_end) if len(run) == 1 else candidate  # "$P \approx 0.985$ atm"
    else:
        bulleted = either_functions(text, rest_at) or _bulleted_values(rest)
        if bulleted:  # "### Final answer\n- $(a, b) = (1, 1)$\n- $(a, b) = (16, 2)$": the list under the heading
            return bulleted[0], rest_at + bulleted[1]
        candidate = next((line for line in rest.splitlines() if line.strip()), "")
        if goes_on(candidate, candidate):  # the line's first number is the stated value; a later result differs
            return "", rest_at + rest.find(candidate) + len(candidate)  # "12, but ... which gives 9": a step
        candidate = re.sub(r"\\(?:left|right)\s*(?=[()\[\]|])", "", candidate)  # \left(1,4\right) is a pair, no remark
        bold = re.findall(r"\*\*([^*\n]*\d[^*\n]*)\*\*\s*(\w*)", candidate)
        others = candidate[:candidate.find("**")] + re.sub(r"\d", "", candidate[candidate.rfind("**"):])  # a value before
        if len(bold) == 1 and candidate.count("**") == 2 and re.match(r"\s*[A-Za-z]{2,}", candidate) and not has_hedge(
                re.sub(r"\*\*\s*(?:more|fewer|less)\b(?!\s+than)", "**", candidate)) and not re.search(
                r"\d|\b(?:could|might|may|would|from|up|down|instead|previously)\b", others, re.IGNORECASE):  # "The tank needs **350** more liters.": the value it sets in bold (with a unit after it)
            candidate = " ".join(bold[0]) if unit_of(" ".join(bold[0])) is not None else bold[0][0]
        candidate = _BOLD_MARK_RE.sub("", candidate)  # "**15 minutes**, which ...": markdown, not math
        stop = _ANSWER_STOP_RE.search(candidate)
        if stop and re.search(r"\d\.\d+$", candidate[:stop.start()]) and not candidate[stop.end():].strip(" ."):
            stop = None  # "0.111...": a repeating decimal, no trailing off
        if stop and stop.start() > 0 and candidate[:stop.start()].strip():
            candidate = candidate[:stop.start()]
        stated_end = rest_at + rest.find(candidate) + len(candidate)
        named = _NAMELY_RE.search(candidate)  # "the value at n = 3, namely 7": the value it names
        candidate = _cut_remark(named.group(1) if named else candidate)
        stated = _SUBJECT_IS_RE.fullmatch(candidate.strip().rstrip("."))
        if stated and not has_hedge(stated.group(1)):
            candidate = stated.group(1)  # "The largest $n$ is 34", "not 12; it is 15": the value, not the name
        candidate = _worded_value(_condition_stated(candidate))
        if not candidate:
            return "", stated_end  # "either $\\frac{1}{3}$ or $\\frac{2}{3}$"
    if cjk_value(candidate) == "":
        return "", stated_end  # "答案是：4.5和5": two values
    candidate = cjk_value(candidate) or candidate  # "答：这堆稻谷约重2.5吨。": its one number
    candidate = _TRAILING_JUNK_RE.sub("", candidate.replace("\\boxed{}", "")).strip().strip("*").strip()
    candidate = candidate if re.search(r"\d\.\d+(?:\.\.\.|…)$", candidate) else candidate.rstrip(".").strip()
    candidate = LEAD_FILLER_RE.sub("", re.sub(r"^=\s*(?=\S)", "", candidate)).strip()  # "maximum $=\\sqrt2$"
    candidate = re.sub(r"^(?:an?|the)\s+(?=\d)", "", candidate, flags=re.IGNORECASE)  # "a 20% decrease"
    number_then_words = _NUMBER_THEN_WORDS_RE.fullmatch(candidate) if not span else None  # "$3 abc$" is math
    clock_or_picometres = re.fullmatch(r"[\d.:]+\s*[ap]\.?m\.?", candidate, re.IGNORECASE)  # "1.23 pm", "3 p.m."
    if number_then_words and not has_hedge(candidate) and not _unit_or_scale(candidate) and not clock_or_picometres and not CONDITION_RE.search(
            candidate) and not in_formula(
            candidate, number_then_words.start(1), number_then_words.end(1)):  # "12 squared" stays whole
        candidate = number_then_words.group(1)
    # A long phrase is its one value ("within a 2-digit number, 102"); two different values in it are no answer.
    numbers = [m for m in NUMBER_RE.finditer(candidate) if not candidate[m.end():m.end() + 1] == "-"]
    if len(candidate) > 24 and len({m.group() for m in numbers}) == 1 and not has_hedge(candidate) \
            and prose_around(candidate, numbers):
        candidate = numbers[0].group() + _scale_after(candidate, numbers[0].end())  # "costs $1.2 million": 1.2 million
    words = candidate.split()
    filler = not any(ch.isdigit() for ch in candidate) and (len(words) > 1 or candidate.lower() in _FILLER_WORDS) and (
        candidate != "A")  # "The answer is A.": the option, not the article
    # Words that are the answer: after "answer:" / "answer is:" ("does not exist"), a yes or no with its reason,
    # or a number in words ("one hundred").
    # Text after "answer:" only when nothing follows it: "Answer: We compute step by step ... #### 7" is reasoning.
    last_words = not _TRAILING_JUNK_RE.sub("", text[stated_end:].lstrip(" \t\n.*$")).strip(" \t\n.*")  # "... the answer is the series diverges." ends the text
    last_words = last_words or _bold_line(text, rest_at, stated_end)  # "**Answer: exactly the primes.**", then a check
    if filler and 1 < len(words) <= 8 and (
            last_words and words[0].lower() not in _FILLER_WORDS - {"the", "a", "an"}
            or words[0].lower() not in _FILLER_WORDS and (
                words[0].lower().strip(",.") in ("yes", "no") or number_word_value(candidate) is not None)):
        filler = False
    names_only = re.fullmatch(r"\(?\s*[a-z](?:\s*,\s*[a-z])+\s*\)?", candidate)  # "$(a,b,c)$ is one of": names, no values
    return (candidate[:200], stated_end) if candidate and not filler and not names_only else None


def _scale_after(text: str, end: int) -> str:
    """ " million" when a scale word follows the number ending at `end`; "" otherwise."""
    scale = re.match(r"\s*(thousand|million|billion|trillion)\b", text[end:], re.IGNORECASE)
    return " " + scale.group(1).lower() if scale else ""


# "The volume of $ABCDEFGH$ is 120", "not 12; it is 15": a sentence that names the quantity, then states it.
_SUBJECT_IS_RE = re.compile(r"(?:(?:the|our|its|this|that)\b[^=;]*?|not\b[^;]*?[;,]\s*it)\s+(?:is|are|equals)\s+(?!not\b)(.+)",
                            re.IGNORECASE | re.DOTALL)
_COMPARISON_WORDS = {"more", "less", "than", "greater", "fewer", "over", "under", "plus", "minus", "times", "least",
                     "most"}
