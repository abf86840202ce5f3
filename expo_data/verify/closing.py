"""Stage 1, extraction: the closing sentence of a completion with no box and no answer phrase, for the values a
last-number guess would cut in pieces or miss: a plain tuple ("The vertex is at (−1, 4)."), the roots listed in
words ("The solutions are 0 and 4."), a value restated in another form ("2/5, or 40%"), a verdict in words ("the
statement is true", "f is an odd function"), and a number with a scale word ("70 thousand dollars", "$57k").
Remarks after the answer that state nothing are read past first: where the problem comes from, "The answer is
correct."."""

from __future__ import annotations

import re
from fractions import Fraction

from .asides import without_footnotes, without_remark_paragraph
from .tail import COURTESY_RE, sign_off
from .set_lines import NUM as _NUM, TUPLE as _TUPLE, TUPLE_ITEM as _TUPLE_ITEM, listed_tuples, plain_set_end
from .words import VULGAR_FRACTIONS, vulgar_parts

# Sentences after the answer that state no value of it.
_REMARK_LINE_RE = re.compile(
    r"(?:\n\s*|(?<=[.!?])\s+)(?:(?:this|the) (?:problem|question) (?:is|was|comes|came) (?:from|taken from|adapted from)"
    r"[^\n.!?]*|(?:so )?(?:the|this|our|my) (?:final )?answer (?:is|seems|looks) (?:correct|right|verified|consistent|"
    r"confirmed))\s*[.!]?\s*$", re.IGNORECASE)  # a whole last sentence: "... is correct only if ..." is no remark
_EMOJI_RE = re.compile(r"(?:(?![\u2705\u274C\u274E])[\U0001F300-\U0001FAFF\u2600-\u2712\u2719-\u27BF\uFE0F\u200D])+\s*$")  # not ✓ ✗ ✅ ❌
# A closing line that cites where the problem comes from ("Grade 3, Lesson 12", "See also: problem 150").
_CITATION_LINE_RE = re.compile(r"\n\s*(?:see also|source|reference|from|cf\.)?\s*:?\s*(?:grade|lesson|problem|chapter|page|"
                               r"exercise|section|unit|question)\s*#?\d+[^\n]{0,30}$|\n\s*(?:see also|source|reference)\s*:[^\n]{0,60}$",
                               re.IGNORECASE)
_SCALE = {"thousand": 1000, "k": 1000, "million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9}
_SCALED_RE = re.compile(r"(?<![\w.])(\\?\$)?(\d+(?:\.\d+)?)\s?(thousand|million|billion)\b(?!-)|(?<![\w.])(\\?\$)"
                        r"(\d+(?:\.\d+)?)(k|m|bn)\b(?!\w)(?!\s*(?:[-+*/^=\\]|\.?\$))", re.IGNORECASE)
_STATES = r"(?:\b(?:is|are|equals|is at|lies at|be)\b|=)"
_TUPLE_RE = re.compile(rf"{_STATES}\s+(?:the\s+(?:point|pair|ordered\s+pair|coordinates?|solution)\s+)?\$?(\(\s*{_TUPLE_ITEM}\s*"
                       rf"(?:,\s*{_TUPLE_ITEM}\s*)+\))\$?\s*\.?\s*$", re.IGNORECASE)
_CLOCK_END_RE = re.compile(r"(?<![\d:.])(\d{1,2}:\d{2}(?::\d{2})?)(\s*(?:[ap]\.\s?m\.?|[ap]m\b))?\s*\.?\s*$", re.IGNORECASE)
_RATIO_END_RE = re.compile(r"(?:\b(?:is|are|was|equals|of|be)|[=:])\s+\$?(\d+(?:\.\d+)?(?:\s*(?::|\\colon|\bto\b)\s*\d+(?:\.\d+)?)+)\$?\s*\.?\s*$")
_END = r"-?\d+(?:\.\d+)?(?:/\d+)?"
_RAY_END_RE = re.compile(rf"{_STATES}\s+\$?((?:\(\s*(?:-\s*∞|-\\infty)|[(\[]\s*{_END})\s*,\s*(?:\+?∞|\\infty)\s*\)"
                         rf"|\(\s*(?:-\s*∞|-\\infty)\s*,\s*{_END}\s*[)\]])\$?\s*\.?\s*$", re.IGNORECASE)
_ROOTS_RE = re.compile(rf"\b(?:solutions|roots|zeros|zeroes|values|answers|divisors|factors|elements)\s+(?:of [^.]{{1,40}}?\s+)?(?:are|=)\s+\$?"
                       rf"({_NUM}(?:\s*,\s*{_NUM})*,?\s+and\s+{_NUM})\$?\s*\.?\s*$", re.IGNORECASE)
_PLAIN_ITEM = r"[-+]?(?=[^\s,]*\d)[\w()√^*/.+\-]+"
_EXPRESSION_ROOTS_RE = re.compile(rf"\b(?:solutions|roots|zeros|zeroes|values|answers)\s+(?:are|=)\s+({_PLAIN_ITEM}"
                                  rf"(?:\s*,\s*{_PLAIN_ITEM})*,?\s+and\s+{_PLAIN_ITEM})\s*\.?\s*$", re.IGNORECASE)
_ROOT_VALUE = (rf"(?:{_NUM}|[-+]?\\[dt]?frac\{{-?\d+\}}\{{\d+\}}|[-+]?\d*\\sqrt\{{\d+\}}|"  # "x = -\\frac{1}{3}"
               r"\(\s*[-−]?\d+\s*[-−+]\s*\d*\s*√\s*\d+\s*\)\s*/\s*\d+)")  # "x = (−1 + √5)/2"
_ASSIGNED_ROOTS_RE = re.compile(rf"(?:(?:so|thus|hence|therefore),?\s+)?(?:the\s+(?:(?:real|integer|only|two|three)\s+)?(?:roots|"
                                rf"solutions|zeros|zeroes)\s+are\s+)?(([a-z])\s*=\s*{_ROOT_VALUE}(?:\s*(?:,|,?\s*or|,?\s*and)\s*\2\s*=\s*{_ROOT_VALUE})+)\s*\.?", re.IGNORECASE)
_ALL_REALS_EXCEPT_RE = re.compile(rf"(?:\b(?:is|are)|^\s*(?:the\s+)?domain\s*:)\s+all\s+real(?:\s+numbers)?(?:\s+[a-z])?\s*(?:(?:with|such that|where)\s+"
                                  rf"[a-z]\s*(?:≠|!=|\\neq?)\s*|except\s+(?:for\s+)?\$?(?:[a-z]\s*=\s*)?)({_NUM}(?:\s*(?:,|and|or)\s*"
                                  rf"{_NUM})*)\$?\s*\.?\s*$", re.IGNORECASE)
_RESTATED_RE = re.compile(rf"{_STATES}\s+\$?({_NUM})\$?,?\s+or\s+\$?({_NUM})\s*(\\?%|percent)?\$?\s*\.?\s*$",
                          re.IGNORECASE)
_VERDICT_RE = re.compile(r"^(?:(?:so|thus|therefore|hence),?\s+)?(?:(?:the (?:statement|claim|assertion)|it) is\s+(true|false)"
                         r"|\$?[a-z]\$? is an? (odd|even) function)\s*\.?\s*$", re.IGNORECASE)  # the whole sentence


# "Weng earned $10. That is about 83.3% of an hour's pay, and $2 less than her rate.": a comparison after the value.
_COMPARISON_REMARK_RE = re.compile(r"(?<=[.!])\s+(?:that|this)(?:'s|\s+is|\s+represents|\s+amounts\s+to|\s+works\s+out\s+to)\s+"
                                   r"(?:about|approximately|roughly|around|nearly|almost|exactly|just)?[^!?\n]*?(?:%|\bpercent\b|"
                                   r"\b(?:less|more|fewer|greater) than\b|\bof what\b|\btimes\b)[^!?\n]*?[.!]?\s*$", re.IGNORECASE)


# A closing offer of more work, asked as a question: "Would you like me to also work out two weeks (that would be
# 420)?" Its numbers answer a question nobody asked.
_OFFER_RE = re.compile(r"(?:^|(?<=[.!?\n]))\s*(?:would you like|do you want|shall I|should I|want me to|if you(?:'d| would) like)"
                       r"\b[^?\n]*\?\s*$", re.IGNORECASE)


def without_remarks(text: str) -> str:
    """The text without closing remarks that state nothing ("This problem is from the 2019 AMC 8."), footnotes, or
    an offer of more work."""
    text = without_remark_paragraph(without_footnotes(text))
    offer = _OFFER_RE.search(text)
    text = text[:offer.start()] if offer and text[:offer.start()].strip() else text
    while True:
        shorter = _CITATION_LINE_RE.sub("", _REMARK_LINE_RE.sub("", text.rstrip()))
        shorter = _EMOJI_RE.sub("", COURTESY_RE.sub(sign_off, shorter)).rstrip()  # "I hope this helps! 😊"
        remark = _COMPARISON_REMARK_RE.search(shorter)
        if remark and re.search(r"\d(?:\\?%)?\$?(?:\s+[A-Za-z]+){0,2}\s*[.!]$", shorter[:remark.start()]) and not re.search(
                r"\b(?:so|thus|therefore|hence|final|answer|total|correct|wrong)\b|=", remark.group(), re.IGNORECASE):
            shorter = shorter[:remark.start()]  # only after a sentence that ends on its value
        if shorter == text.rstrip():
            return text
        text = shorter


def _scaled(match: re.Match) -> str:
    dollar, number, word = (match.group(1), match.group(2), match.group(3)) if match.group(2) else (
        match.group(4), match.group(5), match.group(6))
    value = Fraction(number) * _SCALE[word.lower()]
    return (dollar or "") + (str(value.numerator) if value.denominator == 1 else match.group())


_DOLLARS_CENTS_RE = re.compile(r"(?<![\w.$])(\d+)\s+dollars?\s+and\s+(\d{1,2})\s+cents?\b", re.IGNORECASE)
_BELOW_ZERO_RE = re.compile(r"(?<![\w.-])(\d+(?:\.\d+)?)\s*(?:°\s*[CF]?|degrees?(?:\s+(?:celsius|fahrenheit|[CF]))?)\s+below\s+zero\b",
                            re.IGNORECASE)


def scaled_numbers(text: str) -> str:
    """ "70 thousand dollars" -> "70000 dollars", "$57k" -> "$57000", "$1.5 million" -> "$1500000"; never math
    ("$3k+1$", "$5m$": a letter before an operator or a closing $) nor "thousand-dollar bills"."""
    text = _DOLLARS_CENTS_RE.sub(lambda m: f"${m.group(1)}.{int(m.group(2)):02d}", text)  # "12 dollars and 50 cents"
    text = _BELOW_ZERO_RE.sub(lambda m: f"-{m.group(1)} degrees", text)  # "3 degrees below zero"
    text = _PLAIN_VULGAR_RE.sub(_improper, text)  # "4½ bags" -> "9/2 bags": one value, not 4
    return _SCALED_RE.sub(_scaled, text)


_PLAIN_VULGAR_RE = re.compile(rf"(?<![\d.,/])(\d*)([{VULGAR_FRACTIONS}])(?![\d/])")


def _improper(match: re.Match) -> str:
    value = int(match.group(1) or 0) + Fraction(*vulgar_parts(match.group(2)))
    return f"{value.numerator}/{value.denominator}"


def _value(number: str, percent: bool) -> Fraction:
    return Fraction(number) / (100 if percent else 1)


# "No, such a triangle cannot exist.": a verdict opening the closing paragraph (not "No, wait, ...").
_VERDICT_LEAD_RE = re.compile(r"^\s*(?:(?:so|thus|hence|therefore),?\s+(?:the answer is\s+)?)?(?:\*\*)?(yes|no)(?:\*\*)?\s*[,.;:—–]\s*(?!.*\b(?:wait|actually|but|however|unless|"
                              r"except|if|only|hmm)\b)", re.IGNORECASE | re.DOTALL)
_EXAMPLE_RE = re.compile(r"\s*[—–-]?\s*\b(?:for (?:example|instance)|e\.g\.)[^.!?\n]*(?:[.!?](?=\s|$))?", re.IGNORECASE)
# "No — 1001 is not a prime number.": the claim denied, its number the claim's subject, no value stated.
_NOT_CLAIM_RE = re.compile(r"[^=\n]*\bis not\b[^=\d\n]*[.!]?\s*")
# A paragraph about the work, not a verdict on the question: "No, that's not right. Let me reconsider."
_PROCESS_RE = re.compile(r"\b(?:let me|let's|let us|now|reconsider|approach|not right|checks? out|therefore|thus|hence|"
                         r"so|step|wait|actually|again)\b", re.IGNORECASE)
# Words before a bold value that make it no statement of the answer: "cannot be **5**", "rather than **5**".
_NOT_STATED_RE = re.compile(r"n't|\b(?:cannot|never|not|rather|other|except|exclude|besides|previously|exceeds?|instead|"
                            r"wrong|incorrect|than|equal to|unlike|claimed)\b|\\(?:le|ge|neq?)\b", re.IGNORECASE)
# A closing sentence that supposes or hedges states nothing: "Maybe the ratio is 3:2.", "If a > 0 — ...".
_SUPPOSED_RE = re.compile(r"\b(?:maybe|perhaps|possibly|probably|might|would|could|should|if|suppose|assum\w*|I think|"
                          r"I guess|not sure|unless|whether)\b", re.IGNORECASE)
# "the largest ratio belongs to **Evelyn**.", "She arrives at **9:36 AM**.": one bold value ending the sentence.
_BOLD_END_RE = re.compile(r"\*\*([^*\n]{1,30}?)\*\*\s*[.!]?\s*$")
# "Therefore $A$ is 5 and $B$ is 2.": two or more names, each given a number.
_BOLD_LEAD_RE = re.compile(r"^\*\*([^*\n]{3,120})\*\*\s*,\s*(?:which|that)\b")
_NAMED_RE = re.compile(r"\$?([A-Za-z])\$?\s+(?:is|equals|=)\s+\$?(-?\d+(?:\.\d+)?(?:/\d+)?)\$?")
# "Hence the minimum is $2$, attained at $x = 1$ and $y = 3$.": the value, not where it is attained.
_ATTAINED_RE = re.compile(r"^(?:(?:so|thus|hence|therefore),?\s+)?the (?:minimum|maximum|least|greatest|smallest|largest)"
                          r"(?: possible)?(?: value)?(?: of [^,]{1,30})?\s+is\s+(?:\$([^$]{1,40})\$|(-?\d+(?:\.\d+)?(?:/\d+)?))\s*,?\s+"
                          r"(?:attained|achieved|reached|obtained|which occurs)\b(?![^,;]*\b(?:and the|but|not|which|outside|"
                          r"however|maximum|minimum)\b)[^,;]*$", re.IGNORECASE)
# "$-2 \le x \le 7$": a range of one letter closing the sentence.
_RANGE_END_RE = re.compile(r"\$\s*(-?[\d./\\{}a-z]+\s*\\(?:le|leq|lt|ge|geq|gt)\s*[a-z]\s*\\(?:le|leq|lt|ge|geq|gt)\s*"
                           r"-?[\d./\\{}a-z]+)\s*\$\s*\.?\s*$")


def _set_or_tuples(last: str, text: str) -> str | None:
    """A set ("x ∈ (2, 12) ∪ (12, 102)", "-2 ≤ x ≤ 7") or a list of tuples the closing sentence states; "" for
    several tuples that are no list of solutions ("(1, 2) is one, (3, 4) the other"); None otherwise."""
    plain_set = plain_set_end(last)
    if plain_set and not (_NOT_STATED_RE.search(last[:plain_set[1]]) or _SUPPOSED_RE.search(last[:plain_set[1]])):
        return plain_set[0]
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return listed_tuples(last, lines[-2] if len(lines) > 1 else "")


# A function named in plain text as the closing statement, with its domain after it (read as the whole line).
_PLAIN_FUNCTION_RE = re.compile(r"\b(?:is|are)\s+(?:the\s+(?:[a-z]+\s+){0,2}function,?\s+)?([fgh]\(([a-z])\)\s*=\s*[^,;$=]+?)"
                                r"(?:\s+for\s+(?:all|every|each|any)\s+(?:real\s+|rational\s+|positive\s+|nonnegative\s+)*"
                                r"(?:numbers?\s+)?\2)?\s*\.?\s*$")


_DURATION = r"\d+(?:\.\d+)?\s*(?:hours?|minutes?)(?:,?\s*(?:and\s+)?\d+\s*minutes?)?"
_DURATIONS_RESTATED_RE = re.compile(rf"({_DURATION})\s*,?\s+or\s+({_DURATION})\s*\.?\s*$", re.IGNORECASE)
_HOURS_MINUTES_END_RE = re.compile(r"\b(\d+\s*(?:hours?|hrs?|h)\s*,?\s*(?:and\s+)?\d+\s*(?:minutes?|mins?)|"
                                   r"\d+\s*(?:years?|yrs?)\s*,?\s*(?:and\s+)?\d+\s*months?)\s*\.?\s*$",
                                   re.IGNORECASE)
_SPOKEN_FRACTION_RE = re.compile(r"\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten)[ -](?:halve|half|third|quarter|"
                                 r"fourth|fifth|sixth|seventh|eighth|ninth|tenth)s?\b", re.IGNORECASE)


def _minutes(text: str):
    from .dates import duration_minutes

    single = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(hours?|minutes?)", text.strip(), re.IGNORECASE)
    if single:
        return Fraction(single.group(1)) * (60 if single.group(2).lower().startswith("hour") else 1)
    return duration_minutes(text)


def _spoken_fraction(sentence: str) -> str | None:
    """The one fraction a closing sentence says in words and nothing else numeric ("five eighths of the figure")."""
    from .words import spoken_number

    found = _SPOKEN_FRACTION_RE.findall(sentence)
    if len(found) != 1 or re.search(r"\d|\band\s+an?\s+(?:half|third|quarter)", sentence) or _NOT_STATED_RE.search(sentence):
        return None
    value = spoken_number(found[0].replace("-", " "))
    return value if value and "/" in value else None


_NONE_EXISTS_RE = re.compile(r"(?:(?:therefore|thus|so|hence),?\s+)?(there (?:is|are|exists?) no (?!(?:\w+ )?(?:odd|even|prime|"
                             r"nonzero|non-zero|other|larger|smaller|distinct|new|more)\b)(?:such )?[a-z]+(?: [a-z]+)?"
                             r"(?: \$[^$]{1,12}\$)?(?: (?:with|satisfying|such that|for which) (?!.*(?:\b(?:except|excluding|but|other than|"
                             r"unless|besides|apart from|odd|even|positive|negative|trivial|larger|greater|less|smaller|nonzero|"
                             r"non-zero)\b|[<>≤≥≠]|\\(?:[lg]eq?|neq?|lt|gt)\b))[^.!?]{1,80})?|"
                             r"(?:the (?:equation|system)|it) has no (?:real |integer |positive |integral )?solutions?"
                             r"(?: in (?:[a-z]+ ){0,2}(?:integers|numbers|reals))?|"
                             r"no (?:such )?(?:(?:positive |negative |real |natural )?(?:integers?|numbers?|primes?|pairs?|triples?) )?"
                             r"\$?[a-z]\$? (?:exists?|works?))\s*\.?|(?:therefore|thus|so|hence),?\s+(no such [a-z]+(?: [a-z]+)? (?:exists?|"
                             r"can exist)|such (?:an? )?[a-z]+(?: [a-z]+)?(?: \$[^$]{1,12}\$)? (?:cannot|can ?not|can't|does not|doesn't|"
                             r"do not|don't) exist)\s*\.?", re.IGNORECASE)  # "Hence such a sequence cannot exist."
# "So the answer is affirmative: such an $n$ exists.": the whole closing sentence says the object asked about exists.
_SOME_EXISTS_RE = re.compile(r"(?:therefore|thus|so|hence),?\s+(?:the answer is (?:affirmative|yes)\s*[:,;]?\s*)?"
                             r"(such (?:an? )?[a-z]+(?: [a-z]+)?(?: \$[^$]{1,12}\$)? (?:exists?|does exist))\s*[.!]?", re.IGNORECASE)


# The heading says what follows is the whole answer: "the only solutions are ...:", "all solutions:", "the answer is:".
_SOLUTIONS_HEADING_RE = re.compile(r"\b(?:the\s+(?:only\s+)?(?:\w+\s+)?(?:solutions|answers?|triples|pairs|tuples)\s+(?:are|is)|"
                                   r"(?:all|exactly|only)\s+(?:the\s+)?(?:\w+\s+)?(?:solutions|triples|pairs|tuples))\b",
                                   re.IGNORECASE)
_TUPLES_LINE_RE = re.compile(rf"\s*\$*\s*{_TUPLE}(?:\s*,\s*{_TUPLE})+\s*\$*\s*\.?\s*\$*\s*")


def _tuples_under_heading(text: str) -> str | None:
    """The tuples of a closing line of tuples only, under a line that ends on ":" and names them as solutions."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not _TUPLES_LINE_RE.fullmatch(lines[-1]) or not lines[-2].rstrip("*").endswith(":"):
        return None
    if not _SOLUTIONS_HEADING_RE.search(lines[-2]) or _NOT_STATED_RE.search(lines[-2]) or _SUPPOSED_RE.search(lines[-2]) or \
            re.search(r"\b(?:candidates?|fail\w*|possible|check\w*|extraneous|reject\w*|spurious|discard\w*|invalid|alone|"
                      r"first|second|equation|case|signed|except)\b", lines[-2], re.IGNORECASE):
        return None
    return ", ".join(re.sub(r"\s+", "", t) for t in re.findall(_TUPLE, lines[-1]))


def closing_value(text: str) -> str | None:
    """The value the closing sentence states in one of the forms above; "" when it states several points (no
    answer); None for any other sentence."""
    listed = _tuples_under_heading(text)
    if listed:
        return listed  # "So the only solutions are the six permutations of $(1,2,3)$:\n$(1,2,3),(1,3,2),...$."
    text = re.sub(r"\\q?quad\s*\\text\s*\{\s*(and|or)\s*\}\s*\\q?quad|\\text\s*\{\s*(and|or)\s*\}", r" \1\2 ", text)
    text = re.sub(r"\b(are|is)\s*\n\s*(?=\$\$|\\\[)", r"\1 ", text.strip())  # "the solutions are\n\n$$...$$"
    raw_last = re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n", text.strip())[-1].strip()
    last = raw_last.replace("−", "-").replace("–", "-").replace("**", "")
    # "Vectors (3,2,-6) and (2,-12,-3) have dot product 0, so the angle is 90 degrees.": what follows "so" states it
    last = re.split(r"[,;]\s*(?:so|thus|hence|therefore)\s+(?=[^,;]*$)", last, flags=re.IGNORECASE)[-1]
    several = _set_or_tuples(last, text)
    if several is not None:
        return several
    clock = _CLOCK_END_RE.search(last)
    before_clock = last[:clock.start()] if clock else ""
    if clock and re.search(r"(?:\b(?:at|is|was|are|be)|[=:])\s*$", before_clock) and not re.search(
            r"\b(?:not|never|instead|rather|than|before|after|until|by|from)\b|n't\b", before_clock, re.IGNORECASE) and (
            clock.group(2) or not re.search(r"\b(?:ratio|odds|score|proportion)\b", last, re.IGNORECASE)):
        return clock.group(1) + (clock.group(2) or "")  # "The bus arrives at 3:45 p.m.", "... at 15:45."
    ratio = _RATIO_END_RE.search(last)
    if ratio and len(re.findall(r"\d\s*(?::|\\colon|\bto\b)\s*\d", last)) == len(re.findall(r"\d\s*(?::|\\colon|\bto\b)\s*\d", ratio.group(1))) and \
            re.search(r"\b(?:ratio|odds|proportion)\b", last[:ratio.start()], re.IGNORECASE) and not (
            _NOT_STATED_RE.search(last[:ratio.start()]) or _SUPPOSED_RE.search(last[:ratio.start()])):
        return re.sub(r"\s*(?:\bto\b|\\colon)\s*", ":", re.sub(r"\s+(?=:)|(?<=:)\s+", "", ratio.group(1)))  # "... is 3:2.", "5 to 3"
    ray = _RAY_END_RE.search(last)
    if ray:
        return ray.group(1)  # "In interval notation, the solution is (-∞, 3)."
    tuple_value = None if _NOT_STATED_RE.search(last) or _SUPPOSED_RE.search(last) or re.search(  # "Maybe the point is (3, 2)."
        r"\b(?:false|wrong|untrue|incorrect)\b", last, re.IGNORECASE) else _TUPLE_RE.search(last)
    if tuple_value:
        return re.sub(r"\s+", "", tuple_value.group(1))
    roots = None if re.search(r"\b(?:candidates?|potential|tentative|extraneous|rejected)\b", last, re.IGNORECASE) else _ROOTS_RE.search(last)
    if roots:
        return ", ".join(re.findall(_NUM, roots.group(1)))
    listed = _EXPRESSION_ROOTS_RE.search(last) or _ASSIGNED_ROOTS_RE.fullmatch(last.strip())
    if listed and not _NOT_STATED_RE.search(last):  # "The two values are (-1+sqrt(17))/2 and ...", "n = 7 or n = 1"
        return re.sub(r"\s*,?\s*\b(?:or|and)\b\s*|\s*,\s*", ", ", listed.group(1)).strip(" .")
    reals = _ALL_REALS_EXCEPT_RE.search(last)
    if reals:  # "So the domain is all real x with x ≠ 0."
        points = re.findall(_NUM, reals.group(1))
        return "\\mathbb{R} \\setminus \\{" + ", ".join(points) + "\\}"
    restated = _RESTATED_RE.search(last)
    if restated:
        first, second, percent = restated.groups()
        try:
            same = _value(first, False) == _value(second, bool(percent))
        except (ValueError, ZeroDivisionError):
            return None
        return first if same else None
    paragraph = re.split(r"\n\s*\n", text.strip())[-1]
    lead = _VERDICT_LEAD_RE.match(paragraph)
    stated = _EXAMPLE_RE.sub("", paragraph)  # "Yes — for example $n = 2$ gives $5$.": the example backs the verdict
    if lead and (not re.search(r"\d", stated) or _NOT_CLAIM_RE.fullmatch(paragraph[lead.end():]) and lead.group(1).lower() == "no") and len(re.findall(r"[.!?](?:\s|$)", stated.strip())) <= 1 and not (
            _PROCESS_RE.search(paragraph[lead.end():])):  # "Yes, $5 is correct." confirms a value; "No, let me reconsider" is work
        return lead.group(1).capitalize()
    bold = _BOLD_END_RE.search(raw_last)
    before_bold = raw_last[:bold.start()] if bold else ""
    reason = re.match(r"(?:since|because|as|given that)\b[^,]*,\s*", before_bold, re.IGNORECASE)
    before_bold = before_bold[reason.end():] if reason else before_bold  # "Since $f(-x) = -f(x)$ for $x \\neq 0$, it is **Odd**."
    if bold and raw_last.count("**") == 2 and not re.search(r"\b(?:or|and|not)\b|=|[A-Za-z]\s*:", bold.group(1)) and len(
            bold.group(1).split()) <= 3 and not re.search(r"\b(?:at (?:most|least)|up to|about|approximately|around)\s*$",
                                                          before_bold) and not _NOT_STATED_RE.search(before_bold) and not (
            re.search(r"\d", before_bold) and not _named_in_words(bold.group(1), before_bold)):  # "... min is 3 and max is **5**."
        return bold.group(1).strip()
    led = _BOLD_LEAD_RE.match(raw_last)
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", led.group(1)) if led else []
    if len(numbers) == 1 and not _NOT_STATED_RE.search(raw_last) and not re.search(
            r"\b(?:or|about|approximately|around|at (?:most|least))\b", led.group(1), re.IGNORECASE):
        return numbers[0]  # "**Josh made a profit of $70,000**, which is about a 53.8% return ...": the bold statement
    named = _named_values(last)
    if named:
        return named  # "Therefore $A$ is 5 and $B$ is 2.", "The lines meet at x = −1, y = 2."
    attained = _ATTAINED_RE.search(last)
    if attained:
        return (attained.group(1) or attained.group(2)).strip()  # "the maximum value is $\\tfrac94$, attained at ..."
    if re.search(r"\b(?:minimum|least|smallest)\b", last) and re.search(r"\b(?:maximum|greatest|largest)\b", last) or (
            re.search(r"\battained\b.*\b(?:but|not|outside|beyond|excluded|invalid)\b|\battained\b.*n't\b", last)):
        return ""  # "The minimum is 3 and the maximum is 5.": two values; "attained at 0, which is outside": none
    in_range = _RANGE_END_RE.search(last)
    if in_range:  # "fails for $-2 \le x \le 7$", "all $x \neq 1$ with ...": no answer
        return "" if re.search(r"\b(?:or|and|with|not|fails?|except|unless)\b|\\(?:neq?|cup)\b|[<>≤≥]|\\[lg]e",
                               last[:in_range.start()]) else in_range.group(1)
    verdict = _VERDICT_RE.search(last)
    if verdict:
        word = verdict.group(1) or verdict.group(2)
        return word.capitalize() if verdict.group(1) else word.lower()
    return _worded_closing(last)


_NUMBER_WORD = (r"(?:zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                r"seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|"
                r"four|five|six|seven|eight|nine))?)")
_SPOKEN_COUNT_RE = re.compile(rf"\b(?:(?:one|two|three|four|five|six|seven|eight|nine) hundred(?:(?: and)? {_NUMBER_WORD})?|"
                              rf"{_NUMBER_WORD})\b(?![- ](?:hundred|thousand|million|billion|trillion|squared|cubed|factorial|point|"
                              r"halves|thirds|quarters|fourths|fifths|sixths|sevenths|eighths|ninths|tenths|elevenths|twelfths|"
                              r"hundredths|thousandths|and a half|to the|over|out of|first|second|third|fourth|fifth|sixth|"
                              r"seventh|eighth|ninth)\b|-?th\b)", re.IGNORECASE)


def _spoken_count(last: str) -> str | None:
    """The one number a concluding sentence says in words and no digits ("So Julie should read forty-two pages
    tomorrow.": "should" answers the question's own "should"); "one" is left out, as it is as often a pronoun; ""
    when the sentence operates on it ("So the area is the square of twelve.")."""
    from .words import number_word_value

    found = _SPOKEN_COUNT_RE.findall(last)
    if len(found) != 1 or re.search(r"\d", last) or not re.match(r"(?:so|thus|hence|therefore|in total|altogether)\b|.*\banswer\b",
                                                                 last, re.IGNORECASE):
        return None
    if _NOT_STATED_RE.search(last) or _SUPPOSED_RE.search(last.replace("should", "")) or re.search(
            r"\b(?:or|times|more|less|fewer|each|per|minus|plus|half|impossible|too|fails?|wrong|remains?|rest|yesterday|"
            r"ago|before|earlier|already)\b", last, re.IGNORECASE):
        return None  # "should be at least three", "maybe four", "two more", "three times as many"
    value = number_word_value(found[0])
    if value is None or re.search(rf"\b(?:the|both|these|those|its|their)\s+{re.escape(found[0])}\b", last, re.IGNORECASE):
        return None  # "... by first equalising the two distances": objects named, no count stated
    if re.search(rf"\b(?:negative|minus|(?:square|cube)(?: root)?\s+of|product\s+of|sum\s+of|twice|double|triple|reciprocal\s+of)"
                 rf"\s+{re.escape(found[0])}", last, re.IGNORECASE):
        return ""  # "negative twelve degrees", "the square of twelve": an operation on the number, left undone: no answer
    if re.search(rf"{re.escape(found[0])}\s+dozens?\b", last, re.IGNORECASE):
        return str(value * 12)  # "So she bought three dozen eggs."
    percent = re.search(rf"{re.escape(found[0])}[- ]percent\b", last, re.IGNORECASE)  # "a profit of twenty-five percent"
    return str(value) + ("%" if percent else "")


_WEEKDAY_END_RE = re.compile(r"\b(?:is|be|was|(?:falls|fell|lands|landed)\s+on)\s+(?:a\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                             r"\s*[.!]?\s*$")
# "So the condition holds for every prime $p\\ge3$.": the family the condition holds for is the answer.
_HOLDS_FOR_RE = re.compile(r"(?:(?:so|thus|hence|therefore),?\s+)?(?:the\s+(?:condition|equation|inequality|property|statement|"
                           r"divisibility|claim)|it|this)\s+(?:holds|is\s+(?:satisfied|true)|works)\s+(?:exactly\s+|precisely\s+)?"
                           r"(?:for|when)\s+((?:every|all|each)\s+[^.;!?]{1,60}?)\s*\.?\s*$", re.IGNORECASE)


def _named_in_words(value: str, before: str) -> bool:
    """ "Saturday", "Evelyn": a name in words, which the numbers before it do not compete with, unless what comes
    before supposes or doubts it ("If 2003 were a leap year, it would be a **Sunday**", "my first guess was")."""
    from .words import number_word_value

    return bool(re.fullmatch(r"[A-Z][A-Za-z' -]*", value.strip())) and number_word_value(value.strip().lower()) is None and not (
        _SUPPOSED_RE.search(before) or re.search(r"\b(?:guess\w*|first|initial\w*|which|that|were|had|mistake|wrong|error|tempting|common|"
                                                     r"incorrect|not)\b|[()]", before, re.IGNORECASE))


def _named_values(last: str) -> str | None:
    """Two or more names, each given a number, as the whole closing sentence; None otherwise."""
    named = _NAMED_RE.findall(last)
    if len(named) >= 2 and len({n for n, _ in named}) == len(named) and re.fullmatch(
            r"(?:(?:so|thus|therefore|hence),?\s+)?(?:(?:the\s+)?[a-z]+(?:\s+[a-z]+){0,3}\s+(?:meet|intersect|is|are)\s+at\s+|(?:the\s+)?(?:only\s+|unique\s+)?"
            r"(?:solution|answer|point|pair|triple)s?(?:\s+in\s+[a-z]+(?:\s+[a-z]+)?)?\s+(?:is|are)\s+)?(?:"
            + _NAMED_RE.pattern + r"(?:,\s*|\s+and\s+|,\s+and\s+)?)+\.?", last, re.IGNORECASE) and not (
            _NOT_STATED_RE.search(last) or _SUPPOSED_RE.search(last)):  # "The lines meet at x = −1, y = 2."
        return ", ".join(f"{n} = {v}" for n, v in named)
    return None


def _worded_closing(last: str) -> str | None:
    """The closing sentence's value said in words or units: a fraction in words, a duration restated, "f is the
    identity", "there is no such triangle", a plain-text function; None otherwise."""
    spoken = _spoken_fraction(last) or _spoken_count(last)
    if spoken is not None:
        return spoken  # "So he ate three-fourths of the pizza.", "So Julie should read forty-two pages tomorrow."
    duration = _HOURS_MINUTES_END_RE.search(last)
    stated = duration and re.search(r"(?:\b(?:is|was|are|lasts?|lasted|takes?|took|needs?|needed|spent|spends|requires?|"
                                    r"be)|[=:])\s*$", last[:duration.start()], re.IGNORECASE)  # not "every 2 hours and ..."
    if stated and not re.search(r"\d", last[:duration.start()]) and not _NOT_STATED_RE.search(last[:duration.start()]) and (
            not _SUPPOSED_RE.search(last[:duration.start()])):
        return duration.group(1)  # "So the movie lasts 2 hours and 30 minutes.": one duration, not its 30 minutes
    durations = _DURATIONS_RESTATED_RE.search(last)
    if durations and _minutes(durations.group(1)) is not None and _minutes(durations.group(1)) == _minutes(durations.group(2)):
        return durations.group(1)  # "It takes 2.5 hours, or 2 hours and 30 minutes."
    weekday = _WEEKDAY_END_RE.search(last)
    if weekday and not _SUPPOSED_RE.search(last) and not _NOT_STATED_RE.search(last):
        return weekday.group(1)  # "It will be Friday."
    holds = _HOLDS_FOR_RE.fullmatch(last.strip())
    if holds and not _NOT_STATED_RE.search(last) and not _SUPPOSED_RE.search(holds.group(1)):
        return holds.group(1)  # "So the condition holds for every prime $p\\ge3$."
    identity = re.search(r"(?:\$?\b([fghP])\$?|\b(?:only|unique)\s+(?:such\s+)?(?:function|solution|polynomial|map))\s+"
                         r"(?:is|must be)\s+the\s+identity(?:\s+(?:function|map|polynomial))?(?:\s+on\s+(?:\$[^$]{1,20}\$|the\s+(?:positive\s+|"
                         r"nonnegative\s+|natural\s+)?(?:integers|reals|real numbers|natural numbers|rationals)|[ℕℝℤℚ]))?\s*[.!]?\s*$",
                         last, re.IGNORECASE)  # not "the identity plus a constant", "on [0,1] and zero elsewhere"
    if identity and not _NOT_STATED_RE.search(last[:identity.start()]) and not _SUPPOSED_RE.search(last[:identity.start()]) and not (
            re.search(r"\b(?:false|guess|if|assume)\b", last[:identity.start()], re.IGNORECASE)):
        return f"{identity.group(1) or 'f'}(x) = x"  # "So $f$ must be the identity function on the positive integers."
    so_part = re.split(r"[,;]\s*(?:so|thus|hence|therefore)\s+", last, flags=re.IGNORECASE)[-1]
    concluded_none = _NONE_EXISTS_RE.fullmatch(so_part.strip()) if so_part != last else None
    if concluded_none and not _SUPPOSED_RE.search(last):
        return concluded_none.group(1) or concluded_none.group(2)  # "a contradiction, so there are no integers $x,y$ with ..."
    before_dash, _, after_dash = last.rpartition(" — ") if " — " in last else last.rpartition(" – ")
    none = _NONE_EXISTS_RE.fullmatch(last.strip()) or (_NONE_EXISTS_RE.fullmatch(after_dash.strip()) if before_dash and not (
        _SUPPOSED_RE.search(before_dash) or re.search(r"=|\b(?:only|other|except|besides|apart|but|save)\b", before_dash,
                                                       re.IGNORECASE)) else None)  # "Other than $n = 1$ — no such $n$"
    if none:
        return none.group(1) or none.group(2)  # "Therefore, there is no such triangle.": the answer is that none exists
    some = _SOME_EXISTS_RE.fullmatch(re.split(r"(?:^|[,;]|\.\.\.|…)\s*(?=(?:so|thus|hence|therefore)\b)", last.strip(),
                                              flags=re.IGNORECASE)[-1])  # "... divisors... so the answer is affirmative: ..."
    if some and not re.search(r"\b(?:not|no)\b|n't\b", some.group(1)) and not re.search(
            r"\b(?:if|when|whenever|unless|only|suppose|assume|assuming|for)\b", last[:last.rfind(some.group(1))], re.IGNORECASE):
        return some.group(1)  # "Hence such an $n$ exists.": a yes
    function = _PLAIN_FUNCTION_RE.search(last)
    if function and not _NOT_STATED_RE.search(last[:function.start()]) and not re.search(r"\b(?:or|and)\b", function.group(1)):
        return function.group(1).strip()  # "... is the identity function, f(x) = x for all real x."
    return None
