"""Stage 1b, extraction without an answer marker (no box, no "the answer is", no `####`): a value is taken only
from the completion's concluding statement, never from a refusal ("I need more information"), a text that stops
mid-thought or lists numbers without stating one, a parenthetical remark after the answer ("(For comparison,
the perimeter is 28.)"), or a comparison clause ("$80 this year, which is 25% more than last year")."""

from __future__ import annotations

import re

from .units import unit_of
from .words import MATH_FUNCTION_NAMES
from .spans import FORMULA_DEFINED_RE
from .unstated import PLAIN_FORMULA

# A completion that declines to answer: whatever number it mentions last is no answer.
_REFUSAL_RE = re.compile(
    r"\b(?:can(?:no|')?t|cannot|unable to|impossible to|not possible to|no way to)\s+(?:\w+\s+){0,2}?"
    r"(?:determin|solv|answer|comput|calculat|find|tell|know)\w*"
    r"|\b(?:need|requires?|without)\s+(?:some\s+)?(?:more|additional|further|the missing)\s+(?:information|info|data|details)"
    r"|\b(?:not enough|insufficient|incomplete|missing)\s+(?:information|info|data)"
    r"|\bI'?m sorry\b|\bI apologi[sz]e\b", re.IGNORECASE)
# A remark in brackets that starts with words: "(For comparison, the perimeter is $28$.)", "(after checking)".
_PAREN_REMARK_RE = re.compile(r"\s*\((?=\s*[A-Za-z]{2,}(?:['’][a-z]+)?[\s,])(?:[^()]|\([^()]*\))*\)")
# A comparison or aside clause about the value just stated, up to its sentence end.
# "$80 this year, which is 25% more than last year" (a value stated before the comma in its sentence; "Wait,
# that is a mistake" is no aside).
# Also a clause that restates a start value or an approximation: "18 apples left, after starting with 30",
# "exactly $\pi$, approximately 3.14159".
_ASIDE_CLAUSE_RE = re.compile(r"(?<=[\w$}%*])\s*,\s*(?:which\s+(?:is|was|are|were|means|makes)\b|namely\b|"
                              r"(?:after|before|having)\s+(?:start|begin|had|initially)\w*|up from\b|down from\b)"
                              r"[^.!?\n]*")
# An approximation after an exact value, a math span or a number: "exactly $\pi$, approximately 3.14159".
_APPROXIMATION_RE = re.compile(r"(?<=[\d$}])\s*,\s*(?:or\s+)?(?:approximately|roughly|about|≈)\s+[-\d$.][^!?\n]*?"
                               r"(?=[.!?]?\s*$)")
# A value the closing denies after the one it states: "The sum is $7$, not $5$.", "x = 7 and not 5."
_DENIED_ALTERNATIVE_RE = re.compile(r"(?<=[\w$}*%])\s*[,;]?\s*(?:and\s+)?not\s+\**(?:\$[^$\n]{1,60}\$|[-−]?\d[\d,./]*)\**"
                                    r"(?:\s+[A-Za-z]+){0,2}?(?=[.!]?\s*$)")
# A closing sentence about what would have happened instead: "If the price had been $6, it would have made $300."
COUNTERFACTUAL_RE = re.compile(r"(?<=[.!?])\s+(?:if|had)\b[^!?\n]*?\b(?:had|were)\b[^!?\n]*?\bwould\b[^!?\n]*$",
                               re.IGNORECASE)
# After a sentence that states the value, a recap of its parts ("Breakdown:\n- Donuts: $204\n- Cupcakes: $160") or a
# bracketed line ("(8 glasses at $5 and 8 at $3.)") restates the work; its last number is no answer.
_RECAP_ITEM_RE = re.compile(r"\s*(?:[-*•]|\d+[.)])\s+(?:\*\*)?[A-Za-z][^:\n]{0,40}:(?:\*\*)?\s*[^\n]*\d[^\n]*")
_RECAP_HEAD_RE = re.compile(r"\s*(?:#{1,4}\s*)?(?:\*\*)?[A-Z][A-Za-z ]{0,30}:?(?:\*\*)?:?\s*")
_BRACKETED_LINE_RE = re.compile(r"\s*\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)\s*\.?\s*")
_STATED_LINE_RE = re.compile(r"\d[^\n]*?[.!]?\s*$")


def without_recap(text: str) -> str:
    """The text without a recap list or a bracketed line after the sentence that stated the value."""
    lines = text.rstrip().split("\n")
    end = len(lines)
    while end > 0 and _RECAP_ITEM_RE.fullmatch(lines[end - 1]):
        end -= 1
    items = len(lines) - end
    if items == 0 and lines and _BRACKETED_LINE_RE.fullmatch(lines[-1]) and re.search(r"[A-Za-z]{3,}\s", lines[-1]) and not (
            _CORRECTING_REMARK_RE.search(lines[-1])):  # "(Correction: she earns $72 ...)" corrects
        end, items = end - 1, 2
    if items < 2:
        return text
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    if items != 2 or not _BRACKETED_LINE_RE.fullmatch(lines[-1]):  # a recap list may have a heading
        if end > 0 and _RECAP_HEAD_RE.fullmatch(lines[end - 1]) and not re.search(r"\d", lines[end - 1]):
            end -= 1
        while end > 0 and not lines[end - 1].strip():
            end -= 1
    stated = lines[end - 1] if end > 0 else ""
    if not _STATED_LINE_RE.search(stated) or not stated.rstrip().rstrip("*").endswith((".", "!")) or (
            _UNSETTLED_RE.search(stated)):
        return text
    return "\n".join(lines[:end])


_MATH_SPAN_RE = re.compile(r"(?<!\\)\$\$?(?:[^$\\]|\\.)+\$?\$|\\\[.+?\\\]|\\\(.+?\\\)", re.DOTALL)  # "$\\$5$" is one
# Chat tokens and sign-offs after the statement ("I hope it is correct. <|im_start|>user").
_CLOSING_JUNK_RE = re.compile(r"(?:\s*(?:<\|[a-z_]+\|>\w*|I hope it is correct\.?))+\s*$", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<![A-Za-z]\.[A-Za-z])(?<!\d)[.!?](?=\s|$)|\n\s*\n|\n(?!\s*[$\\])")
_NUMBER_RE = re.compile(r"(?<![A-Za-z\d.])-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)")
_VALUE_RE = re.compile(r"(?<![A-Za-z\d.])-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:/\d+(?![\d/]))?")  # "1/2 cup" states one value
# The statement commits to a value: a verb or '=' before its last number, or a conclusion word.
_STATES_RE = re.compile(r"=|\\boxed|(?<=\w)'s\b|\b(?:is|are|was|were|equals?|gives?|get|gets|got|makes?|total(?:s|led)?|"
                        r"remains?|leaves|left|"
                        r"becomes?|comes? to|so|thus|therefore|hence)\b|^[\s*#]*(?:the\s+)?(?:solution\s+set|solutions?|range|domain)"
                        r"(?:\*\*)?\s*:", re.IGNORECASE)  # "**Solution set:** $x<-1$ or $x>3$."
# Wording of a text that has not settled on anything.
_UNSETTLED_RE = re.compile(r"\b(?:maybe|perhaps|possibly|probably|might|let me|let's|I think|I guess|not sure|"
                           r"continues?|and so on|(?:need|requires?) (?:more|further) work|more work is needed|"
                           r"not (?:yet )?ruled out(?: yet)?)\b|\.\.\.$|…$", re.IGNORECASE)
# A text that stops mid-sentence ends on a word that needs more after it.
_DANGLING_RE = re.compile(r"\b(?:and|or|but|then|the|a|an|to|of|we|so|is|are|by|with|for|that|which|if|because|"
                          r"since|into|from|as|get|gives?)\s*$", re.IGNORECASE)


_CORRECTING_REMARK_RE = re.compile(r"\b(?:correction|corrected|corrects|correcting|incorrect|actually|wait|mistake|error|wrong|instead|should|oops|recount\w*|forgot|"
                                   r"miss\w*)\b", re.IGNORECASE)


def _remark_dropped(match: re.Match) -> str:
    """A remark in brackets goes; one that corrects ("(Actually, I made an error: it should be 72.)") stays."""
    return match.group() if _CORRECTING_REMARK_RE.search(match.group()) else ""


def _drop_aside(match: re.Match) -> str:
    sentence_start = max(match.string.rfind(end, 0, match.start()) for end in (". ", "\n", "! ", "? "))
    if re.search(r"\b(?:not|incorrect|wrong|mistaken?|error)\b|n't", match.group(), re.IGNORECASE):
        return match.group()  # "42, which is not correct; recounting gives 43": a retraction, no aside
    return "" if _NUMBER_RE.search(match.string, sentence_start + 1, match.start()) else match.group()


# A verb that states the sentence's value, then (within a few words) the value: "The walk takes 204 minutes",
# "There will be 32,000 bacteria", "She earned $10", "The price increased by 25%".
_VALUE_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|be|equals?|takes?|took|needs?|needed|earns?|earned|costs?|has|have|had|gets?|got|"
    r"makes?|made|sold|sells|buys|bought|pay|pays|paid|spends?|spent|saves?|saved|weighs?|measures?|holds?|contains?|"
    r"remains?|increased by|decreased by|rose by|fell by|grew by|came to|comes to|totals?|totalled|reads?)"
    r"\s+(?:(?:only|exactly|still|now|about|a total of|of|in total|altogether|the)\s+)*(?=[-$\\\d])", re.IGNORECASE)
# What may stand before a later number that only qualifies the stated value: "after 12 hours", "for her 50
# minutes", "including the 24 minutes", "relative to the original $40", "of the 30 students".
_QUALIFIER_RE = re.compile(r"\b(?:after|before|for|in|of|from|including|includes|relative to|compared to|"
                           r"out of|per|at|with|over|within|during|than)\s+(?:(?:the|her|his|their|its|our|your|a|an|"
                           r"original|first|last|initial|remaining|other|each|all|every)\s+){0,3}$", re.IGNORECASE)


def _main_value_end(statement: str) -> int | None:
    """Where the value a statement's verb states ends, when every later number only qualifies it; None otherwise."""
    plain = _MATH_SPAN_RE.sub(lambda m: "$" + "0" * (len(m.group()) - 1), statement)  # a span counts as one number
    verb = _VALUE_VERB_RE.search(plain)
    values = list(_NUMBER_RE.finditer(plain, verb.end())) if verb else []
    if not values or values[0].start() - verb.end() > 2 or _NUMBER_RE.search(plain, 0, verb.start()):
        return None
    later = values[1:]
    if not later or not all(_QUALIFIER_RE.search(plain[:value.start()].rstrip("$ ")+" ") for value in later):
        return None
    return values[0].end()


_SUPPOSITION_RE = re.compile(
    r"let\s+\$?[A-Za-z](?:_\{?\w+\}?)?\s*\$?\s*(?:=|be\b)|(?:let(?:'s| us| me)?\s+)?(?:suppose|assume|try|consider|"
    r"check(?:ing)?|test(?:ing)?)\b(?:\s+\$?[A-Za-z](?:_\{?\w+\}?)?\s*\$?\s*(?:=|be\b)|\W*$|\s+(?:whether|if)\b)|"
    r"(?:for example|e\.g\.|we need to check|whether)\b|.*\?\s*$",
    re.IGNORECASE | re.DOTALL)
_BOUND_BEFORE_VALUE_RE = re.compile(r"(?:\b(?:at least|at most|no (?:more|less|fewer) than|more than|less than|"
                                    r"fewer than|greater than|(?<!\badd )(?<!\badds )(?<!\badded )(?<!\bsum )(?<!\bsums )up to|between|cannot be|can't be|can not be|is not|"
                                    r"isn't|never|not equal to|other than)\s+)[*$\\({]*-?\d", re.IGNORECASE)


_CONCLUDED_EQUATION_RE = re.compile(r"\s*(?:therefore|thus|hence|so),?\s+\$[^$]*=[^$]*\$|[^$]*\b(?:solution|function|polynomial)s? (?:is|are)\b"
                                    r"[^$]*\$\s*[fghPQ]\s*\(\s*[a-z]\s*\)\s*=[^$]*\$|\s*(?:\*\*)?\s*\$\s*[fghPQ]\s*\(\s*[a-z]\s*\)\s*=[^$]*\$",
                                    re.IGNORECASE)  # "... is the identity: $P(x) = x$.", "**$f(x)=x$ or $f(x)=-x$.**"


# "All such $n$: $n \\in \\{1, 3\\}$": membership states the set, unless its label turns it down or leaves it open.
_MEMBERSHIP_STATED_RE = re.compile(r"^(?![^\n]*\b(?:fail\w*|partial|candidates?|check\w*|non-?solutions?|exclud\w*|bad|counter\w*|"
                                   r"tentative\w*|unverified|so far|still|reject\w*|suppose|assume|if|not)\b)[^\n]*(?:\\in(?![A-Za-z])|∈)",
                                   re.IGNORECASE)
# "1.34E-5", "1.12 × 10⁴" and a unit's power ("m^3/s", "cm²") hold one value, not two.
_SCIENTIFIC_RE = re.compile(r"(\d(?:\.\d+)?)\s*(?:[eE][-+−]?\d+|(?:×|\\times|\\cdot|·|x|\*)\s*10\s*(?:\^\s*\{?\s*[-+−]?\d+\s*\}?|"
                            r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+))")
_UNIT_POWER_RE = re.compile(r"(?<=[A-Za-zµμ])(?:\^\s*\{?\s*-?\d\s*\}?|[²³])(?![\d.])")


def _one_number_each(statement: str) -> str:
    return _UNIT_POWER_RE.sub("", _SCIENTIFIC_RE.sub(r"\1", statement))


def _denied_dropped(denied: re.Match) -> str:
    """ "The sum is $7$, not $5$." reads "The sum is $7$."; kept where the sentence hedges or subordinates the value
    it states ("The value could be 7, not 5.", "... because the middle term is 7, not 5.")."""
    sentence = re.split(r"[.!?\n]", denied.string[:denied.start()])[-1]
    signed = r"[-−]?\d+(?:\.\d+)?"
    if re.search(r"\bbut$", sentence) or re.findall(signed, denied.group())[:1] == re.findall(signed, sentence)[-1:]:
        return denied.group()  # "The sum is 7, but not 7 exactly.": no other value denied
    return denied.group() if re.search(r"\b(?:because|since|as|when|if|could|might|would|may|whether|unless|perhaps|maybe|"
                                       r"probably|think|guess)\b|n't\b", sentence, re.IGNORECASE) else ""


def concluding_text(text: str) -> str | None:
    """The text up to the end of its concluding statement, remarks and asides dropped, for the last-number
    reading; None when the completion commits to no value."""
    text = _CLOSING_JUNK_RE.sub("", text)
    text = _ASIDE_CLAUSE_RE.sub(_drop_aside, _PAREN_REMARK_RE.sub(_remark_dropped, text)).rstrip()
    text = _APPROXIMATION_RE.sub("", _DENIED_ALTERNATIVE_RE.sub(_denied_dropped, COUNTERFACTUAL_RE.sub("", text))).rstrip()
    if not text or _DANGLING_RE.search(text):
        return None
    bounds = [0] + [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    sentences = [text[a:b] for a, b in zip(bounds, bounds[1:] + [len(text)]) if text[a:b].strip()]
    if not sentences or any(_REFUSAL_RE.search(s) for s in sentences[-2:]):
        return None
    last = next((i for i in range(len(sentences) - 1, -1, -1) if re.search(r"\d", sentences[i]) or _CONCLUDED_EQUATION_RE.match(
        sentences[i]) or re.fullmatch(r"\s*\$\$[^$]+\$\$\s*", sentences[i]) and FORMULA_DEFINED_RE.match(sentences[i].strip(
        ).strip("$"))), None)  # "Therefore $f(n) = n$ for all $n$.", "$$\\frac{dy}{dx} = -\\frac{x}{y}$$": no digit, the conclusion
    if last is None:
        return text  # no number at all ("$E$"): only a math span can be the answer, read as before
    if len(sentences) - 1 - last > 1:
        return None  # two or more sentences after the last number: it is no conclusion
    statement = sentences[last]
    trailing = "".join(sentences[last + 1:])
    # only the statement's own closing words: a long run-on line may say "let's simplify" long before it concludes
    if _UNSETTLED_RE.search(statement.strip()[-80:]) or _UNSETTLED_RE.search(trailing.strip()):
        return None
    # a $...$ span is one value ("$\\frac{1}{3}$", a matrix), however many digits it holds
    numbers = {m.group().replace(",", "") for m in _VALUE_RE.finditer(_one_number_each(_MATH_SPAN_RE.sub(" $ ", statement)))}
    numbers |= set(_MATH_SPAN_RE.findall(statement))
    main_value_end = _main_value_end(statement) if 1 < len(numbers) and len(statement) <= 400 else None
    if main_value_end is not None:
        return "".join(sentences[:last]) + statement[:main_value_end]
    if len(numbers) > 1 and not _STATES_RE.search(statement) and not _MEMBERSHIP_STATED_RE.search(statement):
        return None  # "The even numbers go 2, 4, 6, 8": a list, no value stated
    if _SUPPOSITION_RE.match(statement.strip().lstrip("*")):
        return None  # "Let x = 4.", "Try n = 4.", "Is x = 4?": a step or a question, not a conclusion
    bounds = list(_BOUND_BEFORE_VALUE_RE.finditer(statement))
    bound_end = re.compile(r"[\d,.]*").match(statement, bounds[-1].end()).end() if bounds else 0
    ranged = re.search(r"\b(?:between|from)\s+[$\\*]*-?\d[^.!?\n]*?\b(?:and|to)\s+[$\\*]*-?\d", statement, re.IGNORECASE)
    if ranged and _NUMBER_RE.search(statement, re.compile(r"[\d,.]*").match(statement, ranged.end()).end()):
        ranged = None  # "the number of integers from 4 to 12 is 9": the range names what is counted
    if ranged or bounds and not _NUMBER_RE.search(statement, bound_end):  # a range, or a bound on the last value
        return None  # "the chromatic number is at least 3", "cannot be 5": a bound or a negation, not the value
    predicate = _MATH_SPAN_RE.sub(" $ ", statement)
    verb = list(re.finditer(r"\b(?:is|are|was|equals)\b", predicate))  # "the sum of multiples of 3 or 5 is 233168"
    if re.search(r"\d[^.\n]*?\bor\b[^.\n]*?\d", predicate[verb[-1].end():] if verb else predicate):
        return None  # "x = 2 or y = 3", "either 4 or 5": two values offered, none stated ($...$ spans: read joined)
    return "".join(sentences[:last + 1])


# A closing line that is one option and nothing else: "**(B)**", "(B)", "B)", "**B**" (a bare "B" may be a name).
_OPTION_LINE_RE = re.compile(r"(?:\*\*)?\s*(?:\(([A-J])\)|([A-J])\))\s*(?:\*\*)?\.?|\*\*([A-J])\*\*\.?"
                             r"|(?:故|所以|因此|综上)?[，,]?\s*(?:应)?选\s*[：:]?\s*[（(]?([A-J])[）)]?\s*[。.]?")  # "故选 B。"


def option_line(text: str) -> str | None:
    """The option letter a completion closes on, alone on its last line; None otherwise."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    match = _OPTION_LINE_RE.fullmatch(lines[-1]) if lines else None
    return next(g for g in match.groups() if g) if match else None


# Words a closing line of pure math may hold: function names, constants, LaTeX commands' names.
_MATH_WORDS = MATH_FUNCTION_NAMES | {
    "frac", "dfrac", "tfrac", "cdot", "times", "div", "pm", "mp", "le", "ge", "leq", "geq", "cup", "cap", "left", "right",
    "circ", "mathrm", "binom", "choose", "lfloor", "rfloor", "lceil", "rceil", "langle", "rangle", "sum", "prod",
    "overline"}
_SINGLE_ASSIGNMENT_RE = re.compile(r"(?:[A-Za-z](?:_\{?\w+\}?)?|[A-Z]{2,3})\s*=\s*[^=<>]+")


def _bare_value(line: str) -> bool:
    """A line that is only a value or one assignment ("3", "$x = 1$", "(1, 2)")."""
    line = line.strip().strip("*$").strip().rstrip(".")
    return bool(re.fullmatch(r"(?:[A-Za-z]\s*=\s*)?[-+]?[\d.,/()\s\\{}a-z^]+", line)) and bool(re.search(r"\d", line)) \
        and not re.search(r"[a-z]{2,}", re.sub(r"\\[a-z]+", "", line))


# A heading that says the list under it is the answer: "The equation has exactly two solutions:", "The solutions are:".
_SOLUTIONS_HEADING_RE = re.compile(r"(?:\b(?:the|all|exactly|only)\b[^:\n]{0,60}?\b(?:solutions|functions|answers|pairs|triples|"
                                   r"values)|\bsolutions (?:are|is))\b[^:\n]{0,40}:\s*$|"
                                   r"^\s*#{0,4}\s*(?:\*\*)?(?:(?:final\s+)?answers?|(?:all\s+)?solutions)(?:\*\*)?\s*:?(?:\*\*)?\s*$",
                                   re.IGNORECASE)
_LISTED_SPAN_RE = re.compile(r"[-*•]\s+(?:(?:the\s+)?(?:constant\s+|zero\s+|identity\s+|linear\s+)?(?:function|solution)\s+)?"
                             rf"(?:\$([^$]+)\$|({PLAIN_FORMULA}|[A-Za-z]\([a-z]\)\s*=\s*-?\d+(?:\.\d+)?))\s*[;,.]?(?:\s*(?:and|or))?\s*")
# A closing remark after the listed solutions that only confirms them: "Both satisfy the equation, so these are all
# solutions." No value and no doubt in it.
_CONFIRMING_LINE_RE = re.compile(r"(?=[^$\d\n]*$)(?![^\n]*(?:\b(?:not|no(?!\s+others?\b)|none|neither|never|unless|except|but|fail\w*|only|"
                                 r"first|second|one\s+of|latter|former|extraneous|invalid|unsure|whether|doubt\w*|wrong|"
                                 r"incorrect|reject\w*)\b|n't))[^\n]*\b(?:satisf\w*|works?|check\w*|verif\w*|all\s+(?:the\s+)?"
                                 r"solutions)\b[^\n]*", re.IGNORECASE)


def listed_solutions(text: str) -> str | None:
    """The solutions a closing bulleted list states under a heading that says so ("exactly two solutions:\n- the
    constant function $f(x) = -1$;\n- $f(x) = x + 1$."); None for any other ending."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > 2 and _CONFIRMING_LINE_RE.fullmatch(lines[-1]) and _LISTED_SPAN_RE.fullmatch(lines[-2]):
        lines.pop()  # "- f(x) = x\n- f(x) = 2 - x\n\nBoth satisfy the equation."
    end = len(lines)
    while end > 0 and _LISTED_SPAN_RE.fullmatch(lines[end - 1]):
        end -= 1
    if len(lines) - end < 2 or end == 0 or not _SOLUTIONS_HEADING_RE.search(lines[end - 1]) or (
            _UNSETTLED_RE.search(lines[end - 1]) or re.search(r"\b(?:not|no|candidates?|fail\w*|possible)\b", lines[end - 1],
                                                             re.IGNORECASE)):
        return None
    return ", ".join(next(g for g in _LISTED_SPAN_RE.fullmatch(line).groups() if g).strip() for line in lines[end:])


def values_on_lines(text: str) -> bool:
    """The text ends in a list: its last two lines are bare values or bulleted values ("- 2\n- 3", "x = 1\nx = 3")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    items = [re.sub(r"^[-*•+]\s+", "", line) for line in lines[-2:]]
    return len(items) == 2 and all(_bare_value(item) for item in items) and not _restates(*items)


def _restates(previous: str, last: str) -> bool:
    """ "x = 6" then "6": the last line restates the value before it, no second value."""
    return bool(re.fullmatch(r"(?:[A-Za-z]\s*=\s*)?" + re.escape(last.strip("*$ .")), previous.strip("*$ .")))


def value_line(text: str) -> str | None:
    """("" when the line is a value offered under a supposition or a hedge: no answer at all.)
    The last line, when it is a value and nothing else ("14/3", "(1,-2)", "3*sqrt(2)", "$\\frac{14}{3}$",
    "x = 5") after lines of reasoning; None otherwise (words, an open equation, a list of steps)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or any(_REFUSAL_RE.search(line) for line in lines[-3:]):
        return None
    if re.match(r"[-*•+]\s", lines[-1]) or _bare_value(lines[-2]) and not _restates(lines[-2], lines[-1]):  # "x = 6\n6"
        return None  # the last item of a bulleted list, or one of several values on their own lines
    # "Let u = 2^x: u^2 = 6u + 16, u = 8, so x = 3.\nSo x = 10^3": a definition line that already worked to its end,
    # then the conclusion; "Let's try k = 4.\nSo m = 16" stays a case under a supposition.
    concluded = re.match(r"(?:so|thus|hence|therefore)\b", lines[-1].strip("*# "), re.IGNORECASE) and re.match(
        r"let\s+\$?[A-Za-z]", lines[-2], re.IGNORECASE) and lines[-2].count("=") >= 3
    if (not concluded and _SUPPOSITION_RE.match(lines[-2].strip("*# ")) or re.search(
            r"\b(?:might|maybe|perhaps|possibly|probably|guess|(?<![</])think)\b", lines[-2], re.IGNORECASE)) and (
            _bare_value(lines[-1]) or not re.search(r"[A-Za-z]{3,}", lines[-1])):  # not </think>
        return ""  # "Assume\nx = 4", "I think the answer might be\n\n4": a value under a supposition, no answer
    line = re.sub(r"\\text\{\s*(or|and)\s*\}", r" \1 ", lines[-1].strip("*").strip())  # x = 5 \text{ or } x = -2
    if re.fullmatch(r"(yes|no)\.?", line, re.IGNORECASE):
        return line.rstrip(".").capitalize()  # "**No**" closing the reasoning
    line = re.sub(r"^(?:\$\$?|\\\[|\\\()\s*(.*?)\s*(?:\$\$?|\\\]|\\\))$", r"\1", line).strip().rstrip(".").strip()
    if not line or len(line) > 60 or not re.search(r"\d|\\pi|\bpi\b|\\infty", line) or re.search(r"[:?!;]|\.\.\.|…", line):
        return None
    if unit_of(line) is not None:
        return line  # "2 \\text{ minutes}", "9.8 m/s^2": a value and its unit
    if any(word.lower() not in _MATH_WORDS | {"or", "and"} for word in re.findall(r"[A-Za-z]{2,}", re.sub(
            r"^[A-Z]{2,3}\s*=", "", line))):  # "XP = sqrt(23) - 2 sqrt(3)": a segment's name, then its length
        return None  # "204 minutes", "Step 3": words, read by the concluding statement instead
    parts = re.split(r"\s+(?:or|and)\s+", line)
    if len(parts) > 1:
        # "x = 2 or x = 3": one variable's solutions, read as a list; anything else joined by words is none
        names = {re.match(r"\s*([A-Za-z]+)", part).group(1) if _SINGLE_ASSIGNMENT_RE.fullmatch(part) else None
                 for part in parts}
        return ", ".join(parts) if len(names) == 1 and None not in names else None
    if "=" in line and not _SINGLE_ASSIGNMENT_RE.fullmatch(line):
        return None  # "2 + 5/3 + 1 = 14/3" is a step; only "x = 5" states a value
    if re.match(r"[-+]?\d+\.?$", lines[-1].strip("*").strip()) and re.match(r"\d+\.\s", lines[-2]):
        return None  # the last item of a numbered list
    return line


# A number that is part of a formula or a number phrase, read from what touches it.
_IN_FORMULA_BEFORE_RE = re.compile(r"(?:[√^_/⁄!×·]|\{[^{}\n]*,\s*|\\sqrt\s*\{?|\bsqrt\s*\(?|\b(?:log|ln|lg)(?:_\{?\d+\}?)?\s*\(?|"
                                   r"\be\^\{?|[+\-]\s*|(?<!\*)\*\s*|\{|\\(?:times|cdot|div)|\d\s*x|(?<![\w/])[<>]=?|[≤≥≠]|!=|"
                                   r"\\(?:le|ge|leq|geq|lt|gt|ne|neq)\b|"
                                   r"\b(?:mod|times|twice|thrice|minus|plus|divided by|multiplied by|half of|"
                                   r"(?:square|cube) root of|choose|raised to(?: the)?|to the|over|(?<!\bup )(?<!\bequal )(?<!\bcomes )"
                                   r"(?<!\bamounts )to))\s*$", re.IGNORECASE)  # "3 to 2"; "adds up to 720" states it
_IN_FORMULA_AFTER_RE = re.compile(r"\s*(?:[π!^⁄√⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]|[eE][-+]?\d|\\pi\b|pi\b|i\b|C\d|\s*[+*/×·]\s*\d|\s*(?:squared|"
                                  r"cubed|and an?\b|and (?:one|two|three)|halves|thirds|quarters|tenths|hundredths|"
                                  r"thousandths|degrees below|below zero|times|mod|choose|to|or (?:greater|more|less|"
                                  r"fewer|higher|lower)|and (?:above|up|below)|for (?:example|instance)|e\.g\.)\b)",
                                  re.IGNORECASE)


def in_formula(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] is part of a formula or a number phrase."""
    return bool(_IN_FORMULA_BEFORE_RE.search(text[:start]) or _IN_FORMULA_AFTER_RE.match(text, end))


_LATEX_PAIRS = (("\\lfloor", "\\rfloor"), ("\\lceil", "\\rceil"), ("\\left", "\\right"), ("\\langle", "\\rangle"))


def formula_around(text: str, start: int, end: int) -> str | None:
    """The formula a number sits in, written without spaces ("floor(n/2)", "12π", "2^10", "√3"); None when the
    number is part of a phrase in words ("12 squared", "3 and a half") or of a formula with spaces."""
    left = re.search(r"[\w^*/()√π!⁄{}\\.·×⋅⁻⁺]*$", text[:start])
    right = re.match(r"[\w^*/()√π!⁄{}\\·×⋅⁻⁺]*", text[end:])  # 10⁻³: a superscript minus is part of it
    formula = (text[left.start():start] + text[start:end] + right.group()).strip("*.(")
    sign = re.search(r"(?:^|[=(:]|\b(?:is|be|are|equals|was)\b)\s*[-−]$", text[:left.start()])  # "= −π/6": a sign, not a difference "6-π/6"
    formula = ("-" + formula) if sign and formula and not formula.startswith("(") else formula
    balanced = formula.count("(") == formula.count(")") and formula.count("{") == formula.count("}") and all(
        formula.count(left) == formula.count(right) for left, right in _LATEX_PAIRS)  # never "n/2\\rceil" of a ceiling
    return formula if formula != text[start:end] and balanced and re.search(r"\d", formula) else None


# The result of a computation: "= 460", "= $16.00", "= \$42" (what follows the last '=' on a line).
_RESULT_RE = re.compile(r"=\s*(?:\\?\$\s*)?(-?\d[\d,]*(?:\.\d+)?)(?![\d.,]*\s*(?:[-+*/×÷^(·⋅]|\\(?:cdot|times|div)))")


# A dollar sign before an amount that no second sign closes ("$5$" is math).
_CURRENCY_RE = re.compile(r"\\?\$(?=\d[\d,]*(?:\.\d+)?(?![\d.,]*\$))")


# Before the restated value: a negation. Between two of the closing's numbers: words that compute or conclude on.
_NOT_THIS_RE = re.compile(r"\b(?:not|cannot|can't|isn't|instead of|rather than|except)\b[^.\d]*$", re.IGNORECASE)
_GOES_ON_RE = re.compile(r"\b(?:is|are|equals?|makes?|gives?|keeps?|costs?|pays?|spends?|earns?|in all|in total|"
                         r"altogether|totals?|so|thus|therefore|hence|which|means|plus|minus|times|twice|half|"
                         r"double|triple|quarter|third|percent|leaving|leaves|left with|remain\w*|than)\b|[-+*/×÷=%]",
                         re.IGNORECASE)


def restated_result(text: str) -> str | None:
    """The last computed result when the closing paragraph, which computes nothing, restates it among the
    question's numbers ("... = $460.\n\nEliza earns $460 this week for working 45 hours at $10 per hour"): the
    value the work concluded, not the last number it repeats. None when the closing says nothing that settled."""
    paragraphs = re.split(r"\n\s*\n", _CLOSING_JUNK_RE.sub("", text).rstrip())
    closing, work = paragraphs[-1], "\n\n".join(paragraphs[:-1])
    results = _RESULT_RE.findall(work)
    if not results or "=" in closing or "?" in closing or len(closing) > 500 or _UNSETTLED_RE.search(closing) or (
            _REFUSAL_RE.search(closing) or re.search(r"\d[^.\n]*?\bor\b[^.\n]*?\d", closing)):
        return None
    value = float(results[-1].replace(",", ""))
    closing = _CURRENCY_RE.sub("", closing)  # "$11 for 45 hours at $10": dollars, not a math span
    # a span that is one number reads as that number; any other ("$(3, \frac{\pi}{2})$", "$3\sqrt{13}$") as none
    plain = _MATH_SPAN_RE.sub(lambda m: m.group().strip("$\\()[] ") if re.fullmatch(
        r"[\s$\\()\[\]]*-?[\d,.]+[\s$\\()\[\]]*", m.group()) else " § ", closing).replace("**", "")
    numbers = [m for m in _NUMBER_RE.finditer(plain) if not in_formula(plain, m.start(), m.end())]
    if len(numbers) < 2 or abs(float(numbers[0].group().replace(",", "")) - value) > 1e-9:
        return None  # the closing opens on another value, or has nothing to tell apart: the usual reading stands
    if _NOT_THIS_RE.search(plain[:numbers[0].start()]) or any(
            _GOES_ON_RE.search(plain[before.end():later.start()]) for before, later in zip(numbers, numbers[1:])):
        return None  # "not $460", or the closing computes on ("plus the $5 tax ... $85", "keeps 12"): no restatement
    return numbers[0].group().rstrip(",")


def step_box_superseded(lead: str, box_value: str, tail: str) -> bool:
    """A box that closes one step ("16 − 3 − 4 = \\boxed{9} eggs") and work after it whose last result, another
    value, the closing paragraph states ("9 × $2 = $18.\n\nSo Janet makes $18 every day"): the box was a step."""
    line = lead.rsplit("\n", 1)[-1]
    unknown = re.search(r"(?:^|[\s$=>])([-\d.]*([a-z])(?:\^\d)?\s*[-+*/]\s*\d+|\d+([a-z]))\s*=\s*(?:\\[(\[]\s*)?\$?\s*$", line)
    letter = unknown and (unknown.group(2) or unknown.group(3))
    if letter and re.fullmatch(r"-?[\d,]*\.?\d+", box_value.strip()) and not re.search(
            r"\b(?:if|would|could|instead|suppose|otherwise)\b", tail, re.IGNORECASE):
        # "2x - 2 = \boxed{16}" solved for an expression in x; "Thus $2x = 18$ and $x = 9$" then solves for x
        closing = re.split(r"\n\s*\n", tail.rstrip())[-1]
        solved = re.findall(rf"(?<![\w\\]){letter}\s*=\s*\$?\s*(-?\d+(?:\.\d+)?)\s*\$?\s*\.?\s*$", closing)
        return bool(solved) and float(solved[-1]) != float(box_value.replace(",", ""))
    if not re.search(r"\d\s*(?:[-+*/×÷−]|\\times|\\cdot|\\div)\s*\$?\d[^=\n]*=\s*(?:\\[(\[]\s*)?\$?\s*$", line):
        return False  # "x = \boxed{4}" names the answer; "16 − 3 − 4 = \boxed{9}" closes a computation
    if re.search(r"\b(?:if|would|could|instead|alternatively|suppose|otherwise|reading)\b|\(\s*(?:for instance|for example|"
                 r"e\.g\.)", tail, re.IGNORECASE):
        return False  # what the work after the box computes is a supposition or an example, not its conclusion
    later_lines = tail.partition("\n")[2]  # the box's own sentence may name other values ("giving y = 5")
    results = _RESULT_RE.findall(later_lines)
    if not results or not re.fullmatch(r"-?[\d,]*\.?\d+", box_value.strip()):
        return False
    value = float(results[-1].replace(",", ""))
    closing = re.split(r"\n\s*\n", tail.rstrip())[-1]
    return abs(value - float(box_value.replace(",", ""))) > 1e-9 and any(
        abs(float(m.group().replace(",", "")) - value) < 1e-9 for m in _NUMBER_RE.finditer(closing))
