"""Stage 3, comparison: golds in sentences, read by their meaning. That no value exists ("No such integers
exist."), that a series diverges or converges (and how), a count with its quantifier ("exactly two", "at most 3
values": a bound is no count), "infinitely many", a parity ("n must be odd"), and a sentence that names its value
("The smallest such n is 7.", "The minimum value is 6, attained at x = y = 3.")."""

from __future__ import annotations

import re
from fractions import Fraction

from .winners import conditioned_winner_verdict, winner
from .words import _NUMBER_WORDS, number_word_value, spoken_number


# Sentence golds: an answer that there is no such value, or that a series diverges.
_NONE_GOLD_RE = re.compile(
    r"^(?:no\b.*\b(?:exists?|possible)|there (?:is|are|exists?) no\b.*|(?:it |the limit |such \w+ )?does not exist|"
    r"none(?: exists?)?|no (?:such \w+|solutions?|real solutions?|integer solutions?)|no solution exists|"
    r"(?:it is |it's )?(?:impossible|not possible)|dne)\.?$", re.IGNORECASE)
# "there are no such integers", "no such pair exists", "no real x satisfies it": an answer that nothing exists.
_NONE_ANSWER_RE = re.compile(r"^(?:there (?:is|are|exists?) no\b(?!.*(?:\b(?:but|except|unless|other than|apart from|besides|"
                             r"aside from|only|below|above|less|greater|more|fewer|smaller|larger|within|between|"
                             r"under|up to|beyond)\b|\bin\s*[\[(]|[<>≤≥]|\\[lg]e|\\[lg]t|\\neq?)).*"
                             r"|no (?:such )?(?!(?:odd|even|prime|negative|other|larger|smaller|nonzero|non-zero)\b)\w+(?: \w+)?"
                             r"(?: \$?[a-z]\$?)? (?:exists?|works?|satisfies .*)|no such \$?[a-z]\$?"
                             r"|no such (?!(?:odd|even|prime|positive|negative|other|larger|smaller|nonzero|non-zero|real|integer)\b)"
                             r"[a-z]+(?: [a-z]+)?(?: (?:exists?|can exist))?"  # "no such sequence exists", not "no such odd n"
                             r"|no (?:(?:positive|real|natural|nonnegative) )*(?:integers?|numbers?|"
                             r"primes?|reals?|values?|pairs?|triples?|functions?|polynomials?|sequences?)(?: [a-z])?"  # "no positive integer n"
                             r"|such (?:an? )?[a-z]+(?: [a-z]+)?(?: [a-z])? (?:cannot|can ?not|can't|does not|doesn't|do not|don't) exist"
                             r"|(?:so |thus |hence |therefore )?(?:the (?:equation|system)|it) has no (?:real |integer |positive |integral )?"
                             r"solutions?(?: in (?:\w+ ){0,2}(?:integers|numbers|reals))?)$")
_NONE_ANSWERS = {"no", "none", "no solution", "no solutions", "does not exist", "dne", "\\emptyset", "\\varnothing",
                 "no such", "there is no solution", "there are no solutions", "not possible", "impossible",
                 "no real solutions", "no integer solutions", "doesn't exist", "it does not exist",
                 "no such integers exist", "no such numbers exist", "no such number exists", "there is none", "{}",
                 "\\{\\}", "nonexistent", "none exists", "none exist", "there are none", "none exists."}
_DIVERGES_GOLD_RE = re.compile(r"^(?:the (?:series|sequence|integral|limit) )?(?:diverges|is divergent)"
                               r"(?: to (?:\+|-)?\s*(?:infinity|\\infty))?\.?$", re.IGNORECASE)
_DIVERGES_ANSWERS = {"diverges", "divergent", "the series diverges", "it diverges", "diverge", "the series is divergent",
                     "it is divergent", "the sequence is divergent", "the integral is divergent",
                     "the sequence diverges", "the integral diverges", "the limit diverges"}


def _plain_words(text: str) -> str:
    text = re.sub(r"\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", text.strip().strip("$").strip())
    return re.sub(r"\s+", " ", text).strip().rstrip(".!").strip().lower()


# "converges", "the series converges absolutely", "it is conditionally convergent": convergence, and how.
_CONVERGES_RE = re.compile(r"^(?:the (?:series|sequence|integral|sum|product) |it )?(?:(?:converges|is convergent)"
                           r"(?: (absolutely|conditionally|uniformly))?|(?:is )?(absolutely|conditionally|uniformly) convergent)$")
_INFINITELY_MANY_RE = re.compile(r"^(?:there (?:are|is|exist|exists) )?infinitely many(?: such)?(?: [a-z]+)?(?: [a-z])?$")
# "n must be odd", "all odd n", "n is even", "every odd positive integer n", "odd n": a parity, of one letter.
_PARITY_RE = re.compile(r"^(?:(?:all|every|any|the)\s+)?(?P<parity>odd|even)(?:\s+(?:positive\s+|natural\s+)?"
                        r"(?:integers?|numbers?|values?(?: of)?))?(?:\s+(?P<letter>[a-z]))?$|^(?P<letter2>[a-z])\s+"
                        r"(?:must be|is|should be|can be any|is any|has to be|are)?\s*(?:an?\s+)?(?P<parity2>odd|even)"
                        r"(?:\s+(?:integer|number))?$")
# A count and its quantifier: "there are exactly two such values", "exactly 2", "at most 3 values", "2 solutions".
_COUNT_RE = re.compile(r"^(?:there (?:are|is|exist|exists) |it has |we have )?(?P<bound>exactly |precisely |only |"
                       r"at most |at least |no more than |no fewer than |fewer than |more than |less than |up to )?"
                       r"(?P<count>\d+|[a-z]+(?:-[a-z]+)?)(?: (?P<kind>(?:such |distinct |different |possible |real |"
                       r"complex |positive |negative |integer |integral |rational |irrational |nonzero |non-zero )*)"
                       r"(?P<noun>values?|solutions?|numbers?|integers?|roots?|pairs?|ways?|triples?|points?|elements?)"
                       r"(?: (?:of [a-z]|[a-z]))?(?: exist| satisfy (?:it|this|the \w+))?)?$")
_BOUNDS = {"at most ", "at least ", "no more than ", "no fewer than ", "fewer than ", "more than ", "less than ",
           "up to "}


_STRICT_BOUNDS = {"fewer than ", "more than ", "less than "}
_SAID_ANYWAY = {"such", "distinct", "different", "possible"}  # "2 such values" is "2 values"
# What a count with no noun ("exactly two") may be counting; never pairs or triples (two pairs are four values).
_ANY_VALUE = frozenset({"value", "solution", "number", "integer", "root", "way", "element", "point"})


def _count(words: str) -> tuple[str, int, frozenset[str]] | None:
    """(bound, count, what is counted) a phrase states: ("", 2, {"value"}) for "exactly two values", ("at most ",
    3, {}) for "at most 3"; "2 real roots" counts {"real", "root"}."""
    match = _COUNT_RE.match(words)
    if not match:
        return None
    kind = {w for w in (match.group("kind") or "").split() if w not in _SAID_ANYWAY}
    noun = {match.group("noun").rstrip("s")} if match.group("noun") else set()
    noun = {"value" if n in ("solution", "number", "root") else n for n in noun}  # "2 solutions" are "2 values"
    count = int(match.group("count")) if match.group("count").isdigit() else number_word_value(match.group("count"))
    bound = (match.group("bound") or "").replace("no more than ", "at most ").replace("up to ", "at most ")
    bound = bound.replace("no fewer than ", "at least ")
    return (bound if bound in _BOUNDS else "", count, frozenset(kind | noun)) if count is not None else None


def _parity(words: str) -> tuple[str, str | None] | None:
    match = _PARITY_RE.match(words)
    if not match:
        return None
    return match.group("parity") or match.group("parity2"), match.group("letter") or match.group("letter2")


def _word_verdict(gold_words: str, words: str) -> bool | None:
    """Convergence, "infinitely many", a parity, a count with its quantifier: the answer's words against the
    gold's meaning; None when the gold is none of them."""
    converges = _CONVERGES_RE.match(gold_words)
    if converges:
        answer_converges = _CONVERGES_RE.match(words) or _CONVERGES_RE.match(re.sub(r"^(?:yes,? )", "", words))
        how = lambda m: m.group(1) or m.group(2)  # noqa: E731
        return bool(answer_converges) and how(converges) == how(answer_converges)
    if _INFINITELY_MANY_RE.match(gold_words.replace("$", "")):
        return bool(_INFINITELY_MANY_RE.match(words.replace("$", ""))) or words in ("\\infty", "∞", "+\\infty", "infinite")
    gold_words, words = gold_words.replace("$", ""), words.replace("$", "")  # "all odd positive integers $n$"
    if _parity(gold_words):
        (parity, letter), answer = _parity(gold_words), _parity(words)
        return answer is not None and answer[0] == parity and None in (letter, answer[1]) or answer == (parity, letter)
    count, answer_count = _count(gold_words), _count(words)
    if count and count[0] in _STRICT_BOUNDS:
        return answer_count is not None and answer_count[:2] == count[:2]  # "more than 5": 5 itself is not it
    if count and answer_count and not re.fullmatch(r"\d+", words) and not re.fullmatch(r"\d+", gold_words):
        # a count phrase on both sides (a bare number on either is read as a value later)
        # "at least 3" is not "at most 3"; "2 real roots" not "2 complex roots"; "2 values" is "two"
        # what is counted: as the gold says, or left unsaid by the answer; a bare gold count ("exactly two") counts
        # values, never pairs ("two pairs" are four values)
        said = answer_count[2]
        return answer_count[:2] == count[:2] and (said <= count[2] or not count[2] and said <= _ANY_VALUE)
    return None


_DOMAIN_WORDS_RE = re.compile(r"\b(real|integer|integral|positive|negative|natural|rational|complex|nonnegative|prime)s?\b")


def sentence_verdict(gold: str, answer: str) -> bool | None:
    """A gold in words that no value exists, that a series diverges or converges, a count with its quantifier,
    "infinitely many" or a parity, against the answer's words; None when the gold is no such sentence."""
    gold_words = _plain_words(gold)
    if _NONE_GOLD_RE.match(gold_words) and gold_words not in ("no",):
        words = _plain_words(answer)
        parts = [p.strip() for p in re.split(r"\s+[—–-]+\s+|\s*;\s*", words) if p.strip()]  # "impossible — no such ..."
        domains = [set(_DOMAIN_WORDS_RE.findall(side)) for side in (gold_words, words)]
        if all(domains) and domains[0] != domains[1]:
            return False  # "no real solutions" is not "no integer solutions"
        return all(p in _NONE_ANSWERS or bool(_NONE_ANSWER_RE.match(p)) for p in parts)
    if _DIVERGES_GOLD_RE.match(gold_words):
        return _plain_words(answer) in _DIVERGES_ANSWERS
    parity = [re.sub(r"^(?:it is |the function is |f is )?(?:an? )?(odd|even|neither)(?: function)?$", r"\1", side)
              for side in (gold_words, _plain_words(answer))]
    if parity[0] in ("odd", "even", "neither") and parity[0] != gold_words:
        return parity[1] == parity[0]  # "odd function" against "Odd", "f is an odd function"
    verdict = _word_verdict(gold_words, _plain_words(answer))
    if verdict is not None:
        return verdict
    verdict = conditioned_winner_verdict(gold_words, _plain_words(answer))
    if verdict is not None:
        return verdict  # "the first player wins iff 4 ∤ n" against "the second player wins exactly when 4 | n"
    gold_winner, answer_winner = winner(gold_words), winner(_plain_words(answer))
    if gold_winner in ("yes", "no", "true", "false"):
        return None
    if gold_winner and answer_winner and (gold_winner != gold_words or answer_winner != _plain_words(answer)):
        return gold_winner == answer_winner  # "Alice" / "Alice wins" / "Alice has a winning strategy"
    return None


_QUANTIFIED_RE = re.compile(r"^(?:exactly|precisely|at most|at least|only)\s+(.+?)(?:\s+[A-Za-z][A-Za-z\s-]*)?\.?$",
                            re.IGNORECASE)

def quantified_value(gold: str, number_word_value) -> str | None:
    """"2" for the count "exactly two" / "at most 2 values" / "There are 2 such values."; None for anything else."""
    count = _count(_plain_words(gold))
    if count and count[0] not in _STRICT_BOUNDS and not re.fullmatch(r"\d+", _plain_words(gold)):
        return str(count[1])
    match = _QUANTIFIED_RE.match(_plain_words(gold))
    if not match:
        return None
    value = match.group(1).strip()
    word = number_word_value(value)
    if word is not None:
        return str(word)
    return value if re.fullmatch(r"\d+", value) else None


# "The smallest such n is 7.", "The minimum value is 6, attained at x = y = 3.": a sentence that names its value.
_STATED_VALUE_RE = re.compile(r"^(?:the|its|our)\s+(?:(?!\b(?:is|are|equals)\b)[^,;=$])+?\s+(?:is|are|equals|=)\s+"
                              r"(?P<value>[^,;]+?)(?:\s*[,;(]?\s*(?:attained|achieved|reached|obtained|occurring|"
                              r"which occurs)\b[^;]*)?\.?$", re.IGNORECASE | re.DOTALL)


# "Such a k exists only for k = 4.", "It works only when n = 5.": the one value named.
_ONLY_FOR_RE = re.compile(r"^(?:such an? |the )?(?:\$?[a-z]\$?|[a-z]+ )?\s*(?:exists?|works?|holds?|is possible) only "
                          r"(?:for|when|if|at) \$?([a-z])\s*=\s*(?P<value>[^,;$=]+?)\$?\.?$", re.IGNORECASE)
# "There are exactly two such triangles.": a count of any noun, read as the number (with no bound).
_THERE_ARE_COUNT_RE = re.compile(r"^there (?:are|is|exist|exists) (?:exactly |precisely |only )?(?P<count>\d+|[a-z]+)\s+"
                                 r"(?:such |distinct |different |possible )*[a-z]+(?: \$?[a-z]\$?)?\.?$", re.IGNORECASE)


# A gold's words around its value: a verdict and its reason ("No, because the sum is odd."), a gloss in brackets
# ("9 (for example, with 12 points)"), a qualifier before the statement ("For every k > 1 the answer is 2."), the
# only solution named ("Only the trivial solution x = y = z = 0.").
_REASONED_VERDICT_RE = re.compile(r"^\s*(yes|no)\s*[,.;:]\s*(?:because|since|as)\b(?!.*(?:\b(?:yes|no|otherwise)\b|;)).*$",
                                  re.IGNORECASE | re.DOTALL)
_GLOSS_RE = re.compile(r"^(.*?\S)\s*(?:\((?:for example|for instance|e\.g\.|i\.e\.|namely|the (?!\w+ also)|attained|"
                       r"achieved|when|at)\b(?![^()]*\b(?:also|or|and the)\b)[^()]*\)|,\s*(?:attained|achieved|reached|obtained)"
                       r"\s+(?:when|at|for)\b(?![^;]*\b(?:also|or|and|but|otherwise|maximum|minimum)\b)[^;]*)\s*\.?\s*$",
                       re.IGNORECASE | re.DOTALL)
_LEADING_QUALIFIER_RE = re.compile(r"^\s*for (?:every|all|each|any) [^,]{1,40}?,?\s+(the (?:answer|value|result) is .+)$",
                                   re.IGNORECASE | re.DOTALL)
_ONLY_SOLUTION_RE = re.compile(r"^\s*(?:only the (?:trivial )?solution|the (?:only|unique) solution is)\s+(.+?)\s*\.?\s*$",
                               re.IGNORECASE | re.DOTALL)


def reduced_gold(gold: str) -> str:
    """The gold without the words around its value (see above); unchanged when there are none."""
    text = re.sub(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", gold.strip().strip("$").strip())
    verdict = _REASONED_VERDICT_RE.match(text) or re.fullmatch(r"\s*the answer is (yes|no)\s*\.?\s*", text, re.IGNORECASE)
    if verdict:
        return verdict.group(1).capitalize()
    for pattern in (_GLOSS_RE, _LEADING_QUALIFIER_RE, _ONLY_SOLUTION_RE):
        match = pattern.match(text)
        if match:
            inner = match.group(1).strip()
            return stated_value(inner) or inner.strip("$").strip()
    return gold


_FOR_EVERY_TAIL_RE = re.compile(r"\s*,?\s*for (?:every|all|each|any) (?:(?:positive|negative|nonnegative|non-negative|real|"
                                r"natural|odd|even|prime|integer) )*(?:(?:integers?|numbers?|reals?) )?\$?\s*[a-z]\s*(?:(?:≥|≤|>|<|"
                                r"\\geq?|\\leq?)\s*-?\d+)?\s*\$?\s*\.?\s*$")


def stated_value(gold: str) -> str | None:
    """The value a sentence gold names ("7" of "The smallest such n is 7."), when it is short math, not words."""
    text = re.sub(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", gold.strip().strip("$").strip())
    text = re.sub(r"\s+", " ", text)
    text = _FOR_EVERY_TAIL_RE.sub(".", text)  # "The gcd is 1 for every n ≥ 1.": the value, over the question's domain
    count = _THERE_ARE_COUNT_RE.match(text)
    if count:
        value = count.group("count")
        value = value if value.isdigit() else number_word_value(value)
        return None if value is None else str(value)
    only = _ONLY_FOR_RE.match(text)
    if only and re.fullmatch(r"-?[\d.]+|\\?[\w{}\\^/+-]+", only.group("value").strip()):
        return only.group("value").strip()
    match = _STATED_VALUE_RE.match(text)
    if not match:
        return None
    value = match.group("value").strip().strip("$").strip()
    if re.search(r"\b(?:and|or|otherwise|when|if|for|with|unless|except)\b", match.group("value")) or re.search(
            r"\b(?:and|or|otherwise|but|while|whereas|maximum|minimum|max|min|largest|smallest)\b|[;]",
            match.group()[match.end("value"):]):
        return None  # "0 when n is odd, and 2 when n is even", "3 with remainder 2": more than one value
    return value if re.search(r"[\d\\]", value) and not re.search(
        r"[A-Za-z]{3,}", re.sub(r"\\[A-Za-z]+", "", value)) else None


# "The limit is $+\\infty$.", "So the series diverges to $-\\infty$.": a closing sentence whose value is an infinity.
_INFINITE_VALUE_RE = re.compile(r"(?:(?:so|thus|hence|therefore),?\s+)?(?:the\s+(?:limit|sum|value|integral|series)(?:\s+of\s+[^,;.\n]{1,40}?)?|it)"
                                r"\s+(?:is|equals|=|(?:diverges|tends|goes|grows)\s+to)\s*\$*\s*(?P<sign>[+-]?)\s*(?:\\infty|∞|infinity)"
                                r"\s*\$*\s*[.!]?", re.IGNORECASE)
_INFINITY_DOUBTED_RE = re.compile(r"\b(?:wrong|seems?|appears?|unclear|remains|otherwise|whereas|tempting|left|right|one-sided|"
                                  r"claim\w*|show|prove|check)\b", re.IGNORECASE)
# A value concluded before the closing sentence: "So the limit is 0." (then "The limit of the denominator is infinity.")
_CONCLUDED_BEFORE_RE = re.compile(r"\b(?:so|thus|hence|therefore|answer)\b[^.\n]{0,60}?(?:\bis|=|\bequals)\s*[$*]*\s*[-+]?(?:\d|zero\b)",
                                  re.IGNORECASE)


def infinite_value(text: str) -> str | None:
    """The infinity a closing sentence states ("The limit is $+\\infty$."): "\\infty" or "-\\infty"; None for a
    doubted or negated one, or one after a value the text already concluded ("So the limit is 0.")."""
    sentences = re.split(r"(?<=[.!?])\s+|\n", text.strip())
    sentence = sentences[-1].replace("**", "")
    found = _INFINITE_VALUE_RE.fullmatch(sentence.strip())
    if not found or _NOT_STATED_WORDS_RE.search(sentence) or _INFINITY_DOUBTED_RE.search(sentence) or \
            _CONCLUDED_BEFORE_RE.search(" ".join(sentences[:-1])[-400:]):
        return None
    return "-\\infty" if found.group("sign") == "-" else "\\infty"


def _closing_sentence(text: str) -> str:
    """The text's last sentence (or line), bold marks dropped: what the closing readers below match whole."""
    return re.split(r"(?<=[.!?])\s+|\n", text.strip())[-1].replace("**", "").strip()


# A closing sentence that the equation or problem has no solutions: "The equation $x^2=y^3+7$ has no integer
# solutions.", "Hence there are no solutions in positive integers." Nothing doubted, bounded or excepted in it.
_NO_SOLUTIONS_RE = re.compile(r"^(?:(?:so|thus|hence|therefore|conclusion:?|in conclusion),?\s+)?(?:the\s+(?:equation|system|"
                              r"problem)(?:\s*\$[^$]*\$)?\s+(?:has|admits)|there\s+(?:are|is|exist|exists))\s+no\s+"
                              r"(?P<domain>(?:integer|integral|real|positive|natural|rational)\s+)?(?:solutions?|roots?)"
                              r"(?:\s+in\s+(?P<domain2>integers|reals|positive integers|natural numbers|rationals))?\s*[.!]?$",
                              re.IGNORECASE)


def no_solutions_value(text: str) -> str | None:
    """"no integer solutions" when the closing sentence says the equation has none; None otherwise."""
    sentence = _closing_sentence(text)
    found = _NO_SOLUTIONS_RE.match(sentence)
    if not found or re.search(r"\b(?:if|unless|except|but|other|besides|maybe|perhaps|might|seems?|probably)\b|"
                                r"[<>≤≥]|\\[lg]e", sentence, re.IGNORECASE):
        return None
    domain = (found.group("domain") or "").strip().lower() or {"integers": "integer", "reals": "real", "positive integers":
                                                               "positive integer", "natural numbers": "natural",
                                                               "rationals": "rational"}.get((found.group("domain2") or "").lower(), "")
    return f"no {domain} solutions".replace("  ", " ")


# "The maximum is attained at $x = y = \\frac32$ and equals $\\frac32\\cdot\\frac32 = \\frac94$.": where, then the value.
_EXTREMUM_AT_RE = re.compile(r"^(?:(?:so|thus|hence|therefore),?\s+)?the\s+(?:maximum|minimum|max|min|largest|smallest|greatest|least)"
                             r"(?:\s+(?:possible\s+)?value)?(?:\s+of\s+[^,$]{1,40}|\s+of\s+\$[^$]{1,40}\$)?\s+is\s+(?:attained|achieved|"
                             r"reached|obtained)\s+(?:at|when|for)\s+[^.]+?,?\s+and\s+(?:it\s+)?(?:equals|is)\s+\$(?P<value>[^$]+)\$\s*[.!]?$",
                             re.IGNORECASE)


def extremum_value(text: str) -> str | None:
    """The value a closing sentence gives an extremum after where it is attained; None for any other closing."""
    found = _EXTREMUM_AT_RE.match(_closing_sentence(text))
    return found.group("value").rsplit("=", 1)[-1].strip() if found else None


# "So 20 is 25% of 80.": the closing restates the question's two numbers around the percent it found.
_PERCENT_OF_RE = re.compile(r"^(?:(?:so|thus|hence|therefore),?\s+)?\$?(-?\d[\d,]*(?:\.\d+)?)\$?\s+is\s+\$?(-?\d[\d,]*(?:\.\d+)?)\s*"
                            r"(?:\\?%|\s+percent)\$?\s+of\s+\$?(-?\d[\d,]*(?:\.\d+)?)\$?\s*[.!]?$", re.IGNORECASE)


def percent_of_value(text: str) -> str | None:
    """"25%" of the closing "So 20 is 25% of 80."; None for any other closing."""
    found = _PERCENT_OF_RE.match(_closing_sentence(text))
    if not found:
        return None
    part, percent, whole = (Fraction(v.replace(",", "")) for v in found.groups())
    return found.group(2) + "%" if part * 100 == percent * whole else None  # "So 40 is 50% of 100." is no statement of it


# One clause naming what the words value: "(So) the greatest common divisor of 1407 and 903" (no "because", "and").
_WORDED_SUBJECT_RE = re.compile(r"\s*(?:(?:so|thus|hence|therefore),?\s+)?the\s+(?![^,;:]*\b(?:and(?!\s+\d)|because|since|as|when|whether|"
                                r"suppose|claim\w*|wrong|check\w*|if|but|or)\b)[^,;:]{1,80}?\s*", re.IGNORECASE)
_WORDED_VALUE_END_RE = re.compile(r"\b(?:is|equals|was)\s+(?:exactly\s+)?([A-Za-z]+(?:[- ][A-Za-z]+){0,3})\s*[.!]?\s*$")


def _worded_value(words: str) -> str | None:
    """"twenty-one" -> "21", "one half" -> "1/2"; None for words that are no number."""
    value = number_word_value(words)
    return str(value) if value is not None else spoken_number(words)


def closing_count(text: str) -> str | None:
    """The count a completion's closing sentence states in words, with no digit in it ("There are exactly three
    such integers."): "3", or "at most 3" for a bound. None for anything else."""
    last_line = text.strip().rsplit("\n", 1)[-1]
    sentence = re.split(r"(?<=[.!?])\s+", last_line.strip())[-1]
    worded = _WORDED_VALUE_END_RE.search(sentence)  # "The greatest common divisor of 1407 and 903 is twenty-one."
    worded_value = _worded_value(worded.group(1).lower()) if worded else None
    if worded_value is not None and re.search(r"\d", sentence) and not _NOT_STATED_WORDS_RE.search(sentence) and \
            _WORDED_SUBJECT_RE.fullmatch(sentence[:worded.start()]):
        return worded_value
    roots = _HAS_COUNT_RE.search(sentence)  # "So $2024^2$ has sixty-three positive divisors.": digits only in its subject
    if roots and number_word_value(roots.group(1)) is not None and not _NOT_STATED_WORDS_RE.search(sentence) and not re.search(
            r"^\W*(?:let|suppose|assume|recall|if|when|every|each|any)\b|\b(?:we (?:want|seek|need|look)|that (?:has|have)|"
            r"such that|which (?:has|have)|who (?:has|have)|whose|each|every)\b", sentence, re.IGNORECASE) and (
            not re.search(r"\d", sentence) or _COUNTED_SUBJECT_RE.fullmatch(sentence[:roots.start()])):
        return str(number_word_value(roots.group(1)))
    if re.search(r"\d", sentence):
        return None
    # "There are no such integers, so the count is zero.": the clause that concludes, not the negation before it
    sentence = re.split(r"[,;]\s*(?=(?:so|thus|hence|therefore)\b)", sentence)[-1]
    count = _count(_plain_words(sentence.replace("**", "")))
    if count:
        return f"{count[0]}{count[1]}"
    if _INFINITELY_MANY_RE.match(re.sub(r"^(?:so|thus|hence|therefore),?\s+|\.$", "", _plain_words(sentence).replace("$", ""))):
        return "infinitely many"  # "Therefore there are infinitely many such $n$."
    any_noun = _THERE_ARE_COUNT_RE.match(re.sub(r"^(?:so|thus|hence|therefore),?\s+", "", _plain_words(sentence)))
    if any_noun and not _NOT_STATED_WORDS_RE.search(sentence):  # "There are three such primes."
        value = any_noun.group("count")
        value = value if value.isdigit() else number_word_value(value)
        return None if value is None else str(value)
    if not _ASKED_SUBJECT_RE.match(sentence) or _NOT_STATED_WORDS_RE.search(sentence):
        return None
    half = re.search(r"\b(?:is|equals)\s+(?:exactly\s+)?(\w+) and a half\s*[.!]?\s*$", sentence, re.IGNORECASE)
    if half and number_word_value(half.group(1)) is not None and _ASKED_SUBJECT_RE.match(sentence):
        return f"{2 * number_word_value(half.group(1)) + 1}/2"  # "The smallest value is one and a half."
    if re.search(r"\band an? (?:half|third|quarter)\b", sentence, re.IGNORECASE):
        return None  # "two and a third": a mixed number in words, never its fraction alone
    spoken = re.search(r"\b(?:is|equals|was)\s+(?:exactly\s+)?(\w+\s+\w+)\s*[.!]?\s*$", sentence)
    fraction = spoken_number(spoken.group(1)) if spoken else None
    if fraction and "/" in fraction:
        return fraction  # "So the probability is one sixth."
    stated = _STATED_IN_WORDS_RE.search(sentence.replace("**", ""))
    if stated and len(re.findall(_NUMBER_WORD_RE, sentence)) == 1:
        value = number_word_value(stated.group("count"))
        return None if value is None else str(value)
    return None


# A closing sentence that states its one value in words: "The smallest $n$ is three.", "So Sergey needs two
# moves.": a verb, the number, at most one noun, the end ("is one of them", "two more steps", "one sixth" are no
# such value).
# The subject of such a sentence is what was asked ("the smallest n", "the probability", "Sergey needs"), with
# neither hedge nor negation ("Maybe", "never", "also", "I think"); "Player A also has two." states nothing.
# What a count's closing sentence with digits may open on: "So $2024^2$", "Thus it", not "... and $n$" (another quantity).
_COUNTED_SUBJECT_RE = re.compile(r"\s*(?:(?:so|thus|hence|therefore|finally),?\s+)(?:the\s+(?:number|integer)\s+)?(?:\$[^$]+\$|it)\s*",
                                 re.IGNORECASE)
_HAS_COUNT_RE = re.compile(r"\b(?:has|have)\s+(?:exactly\s+)?([a-z]+(?:-[a-z]+)?)\s+(?:(?:distinct|different|real|integer|positive|prime)\s+)*"
                           r"(?:roots|solutions|zeros|zeroes|divisors|factors|elements|subsets|digits)\s*[.!]?\s*$", re.IGNORECASE)
# What a named person in a word problem ends up with: "Lucy has fifteen stamps left", "Tom ate three apples".
_OWN_VERBS = (r"(?:needs|requires|has|had|have|gets|got|keeps|owns|spent|spends|made|makes|sold|sells|bought|buys|ate|"
              r"eats|used|uses|will\s+(?:need|have|get|spend|make|eat|use))\b")
_ASKED_SUBJECT_RE = re.compile(r"(?:(?:so|thus|hence|therefore|finally),?\s+)?(?:the\s+(?:only\s+(?:[a-z]+\s+){0,4}?(?=(?:integer|"
                               r"prime|number|value|solution)\b))?(?:(?:erased|missing|required|"
                               r"unknown|hidden|original|final|chosen|remaining|such)\s+)?(?:answer|smallest|largest|least|"
                               r"greatest|minimum|maximum|minimal|maximal|number|count|total|probability|value|result|integer|prime|solution)\b|"
                               rf"[A-Z][a-z]+\s+(?:(?:now|still)\s+)?{_OWN_VERBS})", re.IGNORECASE)
_NOT_STATED_WORDS_RE = re.compile(r"\b(?:not|never|no|maybe|perhaps|possibly|probably|think|guess|might|could|if|"
                                  r"also|would|should|unless|except)\b|n't\b", re.IGNORECASE)
_NUMBER_WORD_RE = r"\b(?:" + "|".join(word for word in _NUMBER_WORDS if word != "hundred") + r")\b"
_STATED_IN_WORDS_RE = re.compile(rf"\b(?:is|equals|takes|was|{_OWN_VERBS})\s+(?:exactly\s+|only\s+|just\s+)?"
                                 rf"(?P<count>{_NUMBER_WORD_RE}(?:[- ]{_NUMBER_WORD_RE})?)"
                                 r"(?:\s+(?!(?:more|fewer|less|of|times|than|or|and|to|plus|minus|point|percent|hundred|thousand|million|"
                                 r"billion|trillion|dozen|squared|cubed|factorial|halfs?|halves|thirds?|quarters?|[a-z]+ths?)\b)[a-z]+"
                                 r"(?:\s+(?:left|in total|altogether|in all|remaining))?)?\s*[.!]?\s*$",
                                 re.IGNORECASE)


# "such an $n$ exists", "there exists such a sequence": an answer that the object asked about exists.
_SOME_ANSWER_RE = re.compile(r"(?!.*(?:\b(?:no|not|cannot|never|none|only if|if|unless|except)\b|n't\b))(?:(?:so|thus|hence|therefore),? )?(?:the answer is (?:affirmative|yes)[:,;]? )?(?:such (?:an? )?[a-z]+"
                             r"(?: [a-z]+)?(?: [a-z])? (?:exists?|does exist|can exist|do exist)|there (?:exists?|is|are) (?:such (?:an? )?"
                             r"[a-z]+(?: [a-z]+)?(?: [a-z])?|(?:an? )?[a-z]+(?: [a-z]+)?(?: [a-z])? with (?:this|that|the required) property))")


def some_exists(answer: str) -> bool:
    """A sentence that says such an object exists ("such an $n$ exists"), with nothing restricting it."""
    words = re.sub(r"\s+", " ", re.sub(r"[$.*]|\\text\s*\{|[{}]", " ", answer.lower())).strip()
    return bool(_SOME_ANSWER_RE.fullmatch(words))


def none_exists(answer: str) -> bool:
    """A sentence that says no such object exists ("no such triangle exists", "There is no such $n$"), with no
    restriction after it."""
    words = re.sub(r"\s+", " ", re.sub(r"[$.]", " ", answer.lower())).strip()
    return bool(_NONE_ANSWER_RE.fullmatch(words))
