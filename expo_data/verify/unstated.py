"""Stage 1, extraction: closings that state no answer though they hold a value (a value turned down, disowned,
only supposed, or a goal still to reach), last sentences that are side remarks (another case supposed, a general
answer checked at one instance), and closings read whole (a matrix, a formula in bold, named solutions listed in
plain text)."""

from __future__ import annotations

import re

from .tail import first_thought

_CLOSING_NOTE_RE = re.compile(r"\s*\(\s*(?:note|n\.b\.|remark|aside)\b[^()]*\)\s*$", re.IGNORECASE)
# A closing sentence that sets out what is still to find: "We need to find the area.", "Next, compute the area:".
_GOAL_RE = re.compile(r"\b(?:we (?:still )?need to (?:find|compute|calculate|determine|work out)|need more information|to find the|"
                      r"let(?:'s| us) (?:find|compute|calculate|determine)|next,? (?:we )?(?:compute|find|calculate|divide|"
                      r"multiply|add|subtract)|now,? (?:we )?(?:compute|find|calculate))\b|\bfind\b[*\s]*:|[:：][*\s]*[?？]?[*\s]*$",
                      re.IGNORECASE)
# What reaches a result after the goal: "Next, multiply 3 by 4 to get 12." concludes.
_RESULT_AFTER_RE = re.compile(r"=|\b(?:is|are|get|gets|getting|gives?|giving|obtain\w*|yields?|makes?|equals?)\b", re.IGNORECASE)
# A closing sentence that says its value is wrong, or asks: "The answer of 5 is incorrect.", "所以答案不是5", "是5吗？";
# not a negation the sentence then concludes past ("因为a不等于0，所以a=2。").
_DISOWNING_END_RE = re.compile(r"(?:\b(?:is|was|would be)\s+(?:incorrect|wrong|not (?:right|correct))\b|(?:不是|不等于|并非)"
                               r"(?![^。]*(?:所以|因此|故|则|于是))|吗)[^.!?\n。]*[.!?。？]?\s*$")
# The answer the prompt gave, named to doubt it: "Note: the provided answer 24 seems incorrect." (a self-explanation
# that ends on its own value; the hint it names is no answer of its own).
_HINT_DOUBTED_RE = re.compile(r"\b(?:given|provided|hinted|expected|reference|stated|suggested|claimed)\s+(?:final\s+)?answer\b"
                              r"(?:\s+of)?[\s$]*(?:-?\d[\d,.]*)?[\s$,]*(?:\b(?:is|seems|appears|looks|must be|may be|might be)\s+"
                              r"(?:to\s+be\s+)?(?:incorrect|wrong|off(?!\s+by\s+nothing)|mistaken|a\s+mistake|an\s+error|a\s+typo)\b)(?![^\n]*\b(?:but|"
                              r"however|actually|indeed|after all|correct count|right)\b)[^\n]*$", re.IGNORECASE)
# A clause that turns a value down: "We reject $x = 3$", "So $n = 3$ is impossible.", "$x = 3$ cannot be a root".
_TURNED_DOWN_RE = re.compile(r"\b(?:cannot|can't|can not|impossible|reject\w*|discard\w*|extraneous|invalid|excluded|"
                             r"not (?:a |the |an )?(?:solution|root|answer|allowed|valid|possible)|not allowed)\b", re.IGNORECASE)
_REFERRED_BACK_RE = re.compile(r"\b(?:it|this|that|which)\b[^.!?\d$]*?" + _TURNED_DOWN_RE.pattern, re.IGNORECASE)
_NOT_EQUAL_RE = re.compile(r"\\neq?\b|≠")
_CLAUSE_RE = re.compile(r"[,;:]\s|\b(?:so|then|hence|thus|therefore|since|because)\b", re.IGNORECASE)
_VALUE_RE = re.compile(r"\$[^$]*\d[^$]*\$|-?\d+(?:\.\d+)?")
# A closing line that is one formula in bold, no words: "**x² + 2x − 15 = (x + 5)(x − 3)**" (not "**7 = 7 ✓**").
_BOLD_FORMULA_LINE_RE = re.compile(r"\*\*((?=[^*\n]*[=(^²³√])(?![^*\n]*(?:[A-Za-z]{2}|[✓✔]))(?![\d.\s]+=[\d.\s]+\*)[^*\n]*"
                                   r"[A-Za-z0-9)][^*\n]*?)\.?\*\*\.?")
_MATRIX_LINE_RE = re.compile(r"(?i:(?:so|thus|hence|therefore),?\s+)?(?:[A-Za-z][\w^{}]*\s*=\s*)?(\[\s*\[[-\d\s.,/\[\]]*\]\s*\])\s*\.?")
# A plain-text closing formula: "Therefore f(x) = 1/x.", "**So y = 3x^2 - 2x + 1**, which satisfies ...". Its right side
# is plain math only (one-letter names, the usual functions, operators), and holds a name or an operation beyond one
# number, whose last digit is no answer ("1" of "1/x"). A remark after it that doubts it ("which fails at x = 1") leaves
# the line to the other readers.
_PLAIN_MATH = r"(?:[-−+*/^()·×√π.,\d ²³]|(?<![A-Za-z])[a-z](?![A-Za-z])|\b(?:sqrt|pi|ln|log|exp|sin|cos|tan)\b)"
PLAIN_FORMULA = (r"(?:[A-Za-z]|[A-Za-z]['′]{0,2}\([a-z](?:,\s*[a-z])*\)|[A-Za-z](?:_\{?[a-z]\}?|[ₙₖᵢ]))\s*=\s*"
                 rf"(?={_PLAIN_MATH}*?(?:[a-z]|[√π^²³]))[-−]?{_PLAIN_MATH}*?[\w)²³π]")
_PLAIN_FORMULA_LINE_RE = re.compile(
    rf"(?:(?:\*\*)?(?i:so|thus|hence|therefore),?\s+|(?=[A-Za-z]['′]{{0,2}}\([a-z]\)\s*=|[a-z](?:_\{{?n\}}?|ₙ)\s*=))"  # "f′(x) = ..."
    rf"(?:\*\*)?({PLAIN_FORMULA})\s*(?:\*\*)?"
    r"(?:,?\s+for\s+(?:all|every|each|any)\s+(?:[a-z]+\s+){0,2}[a-z](?:\s*(?:in|∈)\s*\S+?)?)?\s*"
    r"(?:[.;]?|,\s*(?:which|since|as|because)\b(?![^\n]*(?:\b(?:not|no|never|fails?|failed|contradicts?|but|however|unless|"
    r"unsure|need|doubt\w*|wrong|incorrect|invalid|violates?|if|whether)\b|n't))[^\n]*)")
_EMPTY_LAST_BOX_RE = re.compile(r"(?:answer|result)(?:\s+is)?\s*:?\s*\$*\s*\\boxed\s*\{\s*\}[\s$.*\\\])]*$")


# A clause closing the text that only says how to check the value: ", which we can double-check by noting ...".
_CHECKING_CLAUSE_RE = re.compile(r",\s*(?:which|as)\s+(?:we|you|one)\s+can\s+(?:(?:double|re)-?)?(?:check|verify|confirm)\b"
                                 r"[^\n]*$", re.IGNORECASE)


# A check that closes the closing sentence: "Hence $n\\in\\{1,3\\}$: indeed $1\\mid 3$ and $9\\mid 9$."
_INDEED_CHECK_RE = re.compile(r"(?<=[$)\d])\s*[:;,—–]?\s*(?:and\s+)?indeed\b(?=[^\n]*(?:=|\\mid|\bdivides\b|✓))(?![^\n]*(?:\b(?:not|"
                              r"fails?|but|however|also|too|as well|actually|works?|worked|or|any|all|every|another|other|larger|"
                              r"smaller|greater|less|more|instead|can|could|reach\w*|solutions?|answers?|maxim\w*|minim\w*|better|"
                              r"gives?|true|right|correct\w*|need\w*|value|actual\w*|real\w*)\b|n't))[^\n]*$", re.IGNORECASE)  # a check, naming no other


def without_closing_note(text: str) -> str:
    """"x = 8 (Note: x = −8 is rejected because ...)", "... is $\\tfrac94$, which we can double-check by noting ...",
    "... $n\\in\\{1,3\\}$: indeed $1\\mid 3$ ...": the value, without the aside that closes the text."""
    return _INDEED_CHECK_RE.sub(".", _CHECKING_CLAUSE_RE.sub(".", _CLOSING_NOTE_RE.sub("", text)))


def still_to_do(text: str) -> bool:
    """The text ends on what it still has to find ("We need to find the area.", "**Find:** area"), or says it lacks
    what it needs."""
    last = re.split(r"(?<=[.!?])\s+|\n", text.strip())[-1]
    goal = _GOAL_RE.search(last)
    return bool(goal) and not _RESULT_AFTER_RE.search(last[goal.end():]) or bool(
        re.search(r"\b(?:need more information|not enough information|cannot be determined)\b", text, re.IGNORECASE))


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])(?:\s+|(?=[A-Z]))|\n", text.strip())[-1]  # lines joined without a space: ".Final"


def turned_down(text: str) -> bool:
    """The closing sentence turns its last value down in the clause that holds it ("We reject $x = 3$ because
    ...", "So $n = 3$ is impossible."), or says the variable is not a value and states none after it ("It is clear
    that $n \\neq 3$, since $3$ is odd."). A rejection in an earlier clause ("Since the width cannot be negative,
    the width is 5") leaves the value."""
    last = _last_sentence(text)
    values = list(_VALUE_RE.finditer(last))
    infinity = re.search(r"\$[^$]*(?:\\infty|∞)[^$]*\$\s*[.?!]?\s*$", last)
    if infinity and re.search(r"\b(?:not|never|false|remains|probably|if|maybe|perhaps|left|right)\b|n't\b|\?", last, re.IGNORECASE):
        return True  # "It does not go to $\\infty$.", "The limit, if it exists, is $\\infty$."
    if not values:
        return False
    at = values[-1].start()
    clauses = [m.end() for m in _CLAUSE_RE.finditer(last, 0, at)]
    clause_start = clauses[-1] if clauses else 0
    clause_end = next((m.start() for m in _CLAUSE_RE.finditer(last, values[-1].end())), len(last))
    if _TURNED_DOWN_RE.search(last, clause_start, clause_end) or _REFERRED_BACK_RE.search(last, clause_end):
        return True  # "... $x = 3$ ...", or "But $x = 3$ makes the denominator zero, so it is not allowed."
    if re.search(r"(?:\b(?:is|are|was|were|equals?)\s+(?:not|no\s+longer)|\b(?:is|are|was)n't)\s+(?:equal\s+to\s+)?[$*\s]*$",
                 last[clause_start:at], re.IGNORECASE):
        return True  # "The limit is not $\\frac{1}{2}$.": the value it closes on is the one it denies
    unequal = list(_NOT_EQUAL_RE.finditer(last))
    after = last[unequal[-1].end():].split("$", 1)[-1] if unequal else ""
    # "$n \\neq 3$, since $3$ is odd": a value after the inequation, and none stated; "$x \\neq 3$." alone is the answer
    return bool(unequal) and bool(_VALUE_RE.search(after)) and not re.search(r"(?<![<>!\\])=", after)


# A closing line whose label or lead turns its value down or leaves it open: "Candidates to check: $n \\in \\{1, 3\\}$.",
# "Excluded: ...", "Values that fail: ...", "It remains to check $n = 3$.", "Suppose $n = 3$.", "Tentatively: ...".
_OPEN_LABEL_RE = re.compile(r"[ \t*#-]*(?:[A-Za-z][A-Za-z ()$-]{0,40}:|it remains to (?:check|verify|show)\b|(?:we\s+)?(?:still\s+)?"
                            r"need\s+to\s+(?:check|verify|show|test)\b|suppose\b|assume\b|let\b|try\b)", re.IGNORECASE)
_OPEN_LABEL_WORDS_RE = re.compile(r"\b(?:candidates?|check\w*|verif\w*|test\w*|need|exclud\w*|counterexamples?|fail\w*|non-?solutions?|bad|"
                                  r"tentative\w*|unverified|so far|reject\w*|extraneous|wrong|partial|guess\w*|suppose|"
                                  r"assume|let|try|conjectur\w*|hypothes\w*|goal|claim)\b", re.IGNORECASE)


def closing_disowned(text: str) -> bool:
    """The concluding text ends on its value only supposed ("Suppose the answer is 100.", "If we suppose the total is
    100, we get a contradiction."), disowned ("An answer of 5 would be wrong."), or under a label that leaves it
    open ("Candidates to check: $n \\in \\{1, 3\\}$.")."""
    values = list(re.finditer(r"\d", text))
    last_sentence = re.split(r"(?<=[.!?])(?=\s*[A-Z*#$\\])|\n", text.rstrip())[-1]
    label = _OPEN_LABEL_RE.match(last_sentence) if "$" in last_sentence else None
    return bool(values) and first_thought(text, values[-1].end()) or bool(_DISOWNING_END_RE.search(text)) or bool(
        _HINT_DOUBTED_RE.search(text.rstrip())) or bool(
        label and _OPEN_LABEL_WORDS_RE.search(label.group().split("$", 1)[0]))


def closing_formula(line: str) -> str | None:
    """A closing line read whole: an ASCII matrix ("F^2 = [[2, 1], [1, 1]]"), one formula in bold, or a plain
    formula after "so"/"therefore" ("Therefore f(x) = 1/x.")."""
    last_sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z*])", line)[-1]
    match = (_MATRIX_LINE_RE.fullmatch(line) or _BOLD_FORMULA_LINE_RE.fullmatch(line)
             or _PLAIN_FORMULA_LINE_RE.fullmatch(last_sentence))
    return match.group(1).strip() if match else None


def empty_answer_box(text: str) -> bool:
    """"The final answer is: $\\boxed{}$": it commits to nothing (a prompt's "within \\boxed{}" echoed is no answer)."""
    return bool(_EMPTY_LAST_BOX_RE.search(text))


# A closing sentence listing named solutions in plain text: "So the solutions are k=1, n=1 and k=3, n=2.", "So the
# possible values are k = 11, 9, 3, 1." Only names, numbers, commas and "and" after the list's noun.
_NAME = r"[a-zλ](?:[₀-₉]+|_\d)?"  # "k", "λ₁", "x_2"
_NAMED_SOLUTIONS_RE = re.compile(rf"(?:^|[.!?\n]\s*)(?:so|thus|hence|therefore)?,?\s*the\s+(?:only\s+)?(?:possible\s+)?(?:solutions?|"
                                 rf"values?|pairs?|triples?|eigenvalues|roots|zeros)\s+(?:are|is)\s*:?\s*({_NAME}\s*=\s*[-−]?\d+"
                                 rf"(?:\s*(?:,|\band\b)\s*(?:{_NAME}\s*=\s*)?[-−]?\d+)+)\s*\.?\s*$", re.IGNORECASE)


def named_solutions(text: str) -> str | None:
    """The named solutions a plain closing sentence lists ("k=1, n=1 and k=3, n=2"); None otherwise."""
    listed = _NAMED_SOLUTIONS_RE.search(text.strip())
    return listed.group(1) if listed else None


# The last sentence supposes another case ("If a fifth worker joined, it would take 4.8 days.") right after a
# sentence that concluded ("So the probability is 1/3."): a side remark. Not after givens ("She has 20 cupcakes at
# $3 each. If she sells all of them, she would earn $60." answers the question's own supposition).
_SENTENCE_BREAK_RE = re.compile(r"(?<!\d)[.!?](?=\s|$)|(?<=\d)[.?](?=\s|$)|\n")  # "4! x 2" goes on; "2.5" is one number
_CONCLUDED_RE = re.compile(r"\s*(?:(?:so|thus|therefore|hence|in total|altogether)\b|the [^.!?\n]{1,40}?\b(?:is|are)\b|"
                           r"there (?:is|are)\b|it (?:would |will )?(?:takes?|costs?|is|was)\b)", re.IGNORECASE)
_SUPPOSED_RE = re.compile(r"\s*\(?\s*(?:note:?\s*)?if\b.*\bwould\b", re.IGNORECASE | re.DOTALL)


# A closing check of a general answer at one instance ("For $n = 3$ that's 4, matching the enumeration.", "For
# example, for $n=3$ this gives 4."): only with a word that makes it a check, since "For $n = 3$, that's 7." may
# answer a question that asked for n = 3.
_INSTANCE_CHECK_RE = re.compile(r"\s*(?:(?:for example|for instance|e\.g\.|as a (?:sanity |quick )?check|(?:sanity |quick )?check)"
                                r"[,:]?\s*)?(?:for|when|with|at)\s+\$?\s*([a-z])\s*=\s*\d+\s*\$?,?\s+", re.IGNORECASE)
_CHECK_WORDS_RE = re.compile(r"^\s*(?:for example|for instance|e\.g\.|as a (?:sanity |quick )?check|(?:sanity |quick )?check)|"
                             r"\b(?:match(?:es|ing)|agree(?:s|ing) with)\s+(?:the|our|my)\s+(?:enumeration|list(?:ing)?|(?:direct\s+)?count|"
                             r"table|small cases?|brute[- ]force)|\bas (?:enumerated|listed|counted)\b", re.IGNORECASE)


def _instance_check(previous: str, last: str) -> bool:
    check = _INSTANCE_CHECK_RE.match(last, 0) if re.match(r"\s*[A-Za-z]", last) else None
    if not check or not _CHECK_WORDS_RE.search(last) or re.search(r"\bnot\b|n't\b|\bquestion\b|\basked\b", last, re.IGNORECASE):
        return False  # "..., not matching the 4 we enumerated": the general answer is refuted; "the question's case"
    letter = check.group(1)  # the general answer before it holds the variable free: "$2^{n-1}$", "$$\\frac{2^n}{2}$$"
    return any(re.search(rf"(?<![A-Za-z\\]){letter}(?![A-Za-z])", span) and not re.search(rf"(?<![A-Za-z\\]){letter}\s*=", span)
               for span in re.findall(r"(?<!\\)\$\$?(?:[^$\\]|\\.)+\$?\$", previous[-300:]))


def without_side_supposition(text: str) -> str:
    """The text without its last sentence when that sentence supposes another case ("If a fifth worker joined,
    it would take 4.8 days.") right after a sentence that concluded with a number ("So the probability is 1/3."),
    or checks a general answer at one instance.
    Not after givens: "She has 20 cupcakes at $3 each. If she sells all of them, she would earn $60." answers the
    question's own supposition."""
    body = text.rstrip()
    cuts = [0] + [m.end() for m in _SENTENCE_BREAK_RE.finditer(body)] + [len(body)]
    sentences = [(a, b) for a, b in zip(cuts, cuts[1:]) if body[a:b].strip()]
    if len(sentences) < 2:
        return text
    previous, last = body[slice(*sentences[-2])], body[slice(*sentences[-1])]
    if _SUPPOSED_RE.match(last) and _CONCLUDED_RE.match(previous) and re.search(r"\d", previous):
        return body[:sentences[-1][0]].rstrip()
    if _instance_check(body[:sentences[-1][0]], last):
        return body[:sentences[-1][0]].rstrip()  # "So the count is $2^{n-1}$. For $n = 3$ that's 4, as enumerated."
    return text
