"""Stage 1, extraction: what follows a stated answer. A conclusion after it that states another value either
corrects it (a correction is said: "Looking back, ... so the correct total is 44") or leaves it in doubt."""

from __future__ import annotations

import re
from fractions import Fraction

from .turns import ONE_VALUE_STATEMENT_RE, STATEMENT_DOUBTED_RE


# Words that say the stated answer was wrong, however the model words it ("I mis-multiplied", "Upon further
# review", "Looking back", "I double counted", "On reflection", "should have been").
CORRECTION_CUE_RE = re.compile(
    r"\b(?:wait|actually|mistake|mistaken|correction|correcting|oops|recheck(?:ing)?|re-check(?:ing)?|"
    r"on (?:further |second |closer )?(?:reflection|thought|look|inspection|review)|scratch that|"
    r"reconsider(?:ing)?|I was wrong|that(?:'s| is| was) (?:wrong|incorrect|not (?:right|correct))|I (?:dropped|mixed up|swapped|left out)|(?:double|over|under)[- ]?count(?:ed)?|"
    r"mis-?[a-z]{3,}|let me redo|redo(?:ing)?|slip|typo|(?:made|make) an? (?:\w+ )?(?:error|mistake)|"
    r"error|erred|looking back|look(?:ing)? again|upon (?:further |closer |second )?(?:review|reflection|inspection)|"
    r"re-?examin\w*|re-?evaluat\w*|should (?:be|have been)|overlooked|forgot|I (?:missed|neglected)|"
    r"not (?:valid|allowed|admissible)|invalid|inadmissible|vanish(?:es)?|undefined|extraneous|"
    r"hold on|(?<=hmm, )no[,:;!—](?=\s)|(?<=oh, )no[,:;!—](?=\s)|double[- ]check\w*|revisit\w*|(?:does|did)(?:n't| not) (?:satisfy|work|fit|hold)|wrong|"
    r"(?:the )?(?:correct|corrected|right|actual|only)\b|(?<=, )not\s+\$?(?:-?\d|[a-z]\b))",
    re.IGNORECASE)
# A conclusion: "so / thus / therefore / hence ... is|are|equals|= V" or "the correct / only ... is V".
_CONCLUSION_START_RE = re.compile(
    r"\b(?:so(?! that| as)|thus|therefore|hence|consequently)\b|\bthe (?:correct|corrected|right|actual|true|only|final)\b",
    re.IGNORECASE)
# After a correction cue, a sentence that names a quantity and states it is a conclusion too ("Adding 4 back,
# the count is 28", "The largest $n$ that works is $n = 2$").
_CUED_STATEMENT_RE = re.compile(r"\b(?:the|its|our)\s+[^.,;:]{1,40}?\b(?:is|are|equals)\b", re.IGNORECASE)
# "9 integers from 4 to 12": a number and the noun it counts, whatever follows (never a hedge or an operation).
_NUMBER_NOUN_RE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\s+(?!(?:or|and|to|times|plus|minus|more|less|than|"
                             r"of|over|per|out)\b)[A-Za-z]{3,}\b.*", re.DOTALL)
_STATES_RE = re.compile(r"\b(?:is|are|equals|becomes|be)\b|=")
_ANSWER_QUANTITY_RE = re.compile(r"\bthe (?:total|answer|result|sum|count|final \w+)\b[^.;]{0,30}?\b(?:is|are|equals)\b",
                                 re.IGNORECASE)
# A sentence that says which value is final, whatever precedes it: "Final: 11", "60 km/h is what was asked",
# "leaves 35, and that's my final answer".
# "Final count: 48", "Corrected volume: π", "Revised answer: $\\frac{3}{4}$".
_FINAL_LABEL_RE = re.compile(r"\s*(?:\*\*)?(?:final|corrected|revised)(?: (?:answer|count|total|value|result|volume|area|"
                             r"length|sum|number|probability|amount|distance|perimeter|radius))?(?:\*\*)?\s*:\s*(?:\*\*)?\s*"
                             r"(?:\$([^$=\n]{1,40})\$|([-\d.,/]*\d(?:\s*(?:π|\\pi))?|-?\d*\s*(?:π|\\pi)))(?:\*\*)?\s*",
                             re.IGNORECASE)
# After a correction cue, a sentence ending on "= value" concludes: "which doubles the count: 2 × 24 = 48 arrangements".
_CUED_RESULT_RE = re.compile(r"[\d)}\]]\s*=\s*\$?\s*-?\d[\d,]*(?:\.\d+)?(?:/\d+)?\s*\$?(?:\s+[A-Za-z]+){0,2}\s*$")
# Cues that say the answer before was wrong ("only", "correct" and the like also open plain statements).
_STRONG_CUE_RE = re.compile(r"\b(?:(?:hmm|oh),? no\b|actually|mistake|mistaken|oops|forgot|overlooked|missed|neglected|I was wrong|hold on|"
                            r"scratch that|on (?:second thought|reflection)|miscount\w*|mis-?calculat\w*|double[- ]?count\w*)\b",
                            re.IGNORECASE)
# A line that is only a value ("**9**") after a correction cue: the value it settles on.
_VALUE_LINE_RE = re.compile(r"\s*(?:\*\*)?\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\s*\$?\s*(?:\*\*)?\s*")
_FINAL_CLAIM_RE = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\$?(?:\s*[A-Za-z/%]+){0,3}\s*(?:,\s*(?:and|so)\s+)?"
                             r"(?:that(?:'s| is)|this is|is)\s+(?:my final answer|the final answer|what (?:was|is) asked)\b",
                             re.IGNORECASE)
# A paragraph that checks the answer restates the question's numbers; it corrects nothing.
# "Check:", "To verify:", "Let me double-check, ...", "Sanity check: ...", "Plugging it back in: ...".
CHECK_RE = re.compile(r"\n\s*(?:#{1,4}\s*)?(?:\*\*)?(?:(?:to|let(?:'s| me| us)|as an?|a|quick|we can|now,?\s+let(?:'s| me| us))\s+)?"
                      r"(?:double[- ]?check\w*|check|checking|verification|verify(?:ing)?|sanity check|confirm(?:ing|ation)?|"
                      r"plugging (?:it )?(?:back )?in|substituting (?:it )?(?:back|in))\b[^\n:,.!?]*(?:[:,.!?]|$)",
                      re.IGNORECASE | re.MULTILINE)
_SENTENCE_END_RE = re.compile(r"(?<![A-Za-z]\.[A-Za-z])[.!?](?=\s|$)|\n")
_MATH_DELIMS_RE = re.compile(r"\\[()\[\]]|\$|\*\*")
_NUMBER_THEN_WORDS_RE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)(?:\s+[A-Za-z]+){1,3}")


def _squash(text: str) -> str:
    text = re.sub(r"√\s*(\d+|[A-Za-z])", r"\\sqrt{\1}", _MATH_DELIMS_RE.sub("", text)).replace("π", "\\pi")  # √5, π
    text = re.sub(r"\\(?:left|right|[,;!: ]|dfrac|tfrac)", lambda m: "frac" if "frac" in m.group() else "", text)
    return re.sub(r"[\s{}\"'`]|\\text|\\(?=\")|\.$", "", text).replace(",", "")


def _stated_values(sentence: str) -> list[str]:
    """What a conclusion sentence states, whole and last: after its last 'is' ("the plane is $x - 2y = 0$"), and
    after its last '=' (so "the total is 78 + 14 = 92" states 92, "the only value is $r = 3$" states 3); the last
    one is its value. Empty when nothing short and definite follows."""
    states = list(_STATES_RE.finditer(sentence))
    if not states:
        return []
    verbs = [m for m in states if m.group() != "="]
    starts = ([verbs[-1].end()] if verbs and verbs[-1] is not states[-1] else []) + [states[-1].end()]
    values = []
    for start in starts:
        value = _MATH_DELIMS_RE.sub(" ", sentence[start:]).strip().rstrip(",;:").strip()
        number_then_words = _NUMBER_THEN_WORDS_RE.fullmatch(value) or _NUMBER_NOUN_RE.fullmatch(value)
        if number_then_words:
            value = number_then_words.group(1)
        if not value or len(value) > 40 or not re.search(r"[\d\\]", value) or re.search(r"[A-Za-z]{4,}", re.sub(
                r"\\[A-Za-z]+", "", value)):
            if start == starts[-1]:
                return []
            continue  # "there are 12 - 4 + 1 = 9 integers ...": the value after '=' is what it states
        values.append(value)
    return values


def _conclusion(tail: str) -> tuple[list[str], bool] | None:
    """(values, cued) of the last conclusion in the tail that states a value; cued when a correction cue comes
    before it or in its own sentence."""
    check = CHECK_RE.search(tail)  # a check restates the question's numbers: only a correction in it counts
    checked_from = check.start() if check else len(tail)
    found, start = None, 0
    for end_match in list(_SENTENCE_END_RE.finditer(tail)) + [None]:
        end = end_match.start() if end_match else len(tail)
        sentence = tail[start:end]
        final = _FINAL_LABEL_RE.fullmatch(sentence) or _FINAL_CLAIM_RE.search(sentence)
        if final:  # it says itself that it is the final value: a correction whatever its wording
            found = ([next(g for g in final.groups() if g).strip().replace(",", "")], True)
            start = end_match.end() if end_match else len(tail)
            continue
        cues_from = check.end() if end > checked_from else 0  # a check's own heading ("Let me double-check") is no cue
        conclusion = _CONCLUSION_START_RE.search(sentence)
        if not conclusion and CORRECTION_CUE_RE.search(tail, cues_from, start):  # said before, not "but that double counts"
            conclusion = _CUED_STATEMENT_RE.search(sentence)
            bare = _VALUE_LINE_RE.fullmatch(sentence)
            if bare and not conclusion and _STRONG_CUE_RE.search(tail, cues_from, start):
                found = ([bare.group(1).replace(",", "")], True)
        result = None if conclusion else _CUED_RESULT_RE.search(sentence)
        if result and _STRONG_CUE_RE.search(tail, cues_from, start + result.start()):
            conclusion = result
        if not conclusion and end > checked_from:  # a check that names the answer's own quantity: "Hmm, the total is 48"
            conclusion = _ANSWER_QUANTITY_RE.search(sentence)
        if conclusion:
            values = _stated_values(sentence[conclusion.start():])
            cued = bool(CORRECTION_CUE_RE.search(tail, cues_from, end))
            if values:  # in a check too: another value concluded there, uncued, leaves the answer in doubt
                found = (values, cued)
        start = end_match.end() if end_match else len(tail)
    return found


def _product(text: str) -> int | None:
    """A product of small integers written out ("3\\cdot 5", "3 × 5"), evaluated; None for anything else."""
    factors = re.split(r"\\cdot|\\times|[×·*]", text)
    if len(factors) < 2 or not all(re.fullmatch(r"\d{1,6}", f) for f in factors):
        return None
    value = 1
    for factor in factors:
        value *= int(factor)
    return value


def _same_value(first: str, second: str) -> bool:
    values = _simple_number(first), _simple_number(second)
    if None not in values:
        return values[0] == values[1]  # read before braces are squashed: \\frac{12}{5} is no \\frac{1}{25}
    if _squash(first) == _squash(second):
        return True
    products = _product(_squash(first)), _product(_squash(second))
    if any(p is not None for p in products):  # "whose common part is $3\\cdot 5$" restates 15
        numbers = [p if p is not None else (int(v) if re.fullmatch(r"\d{1,12}", v) else None)
                   for p, v in zip(products, (_squash(first), _squash(second)))]
        return None not in numbers and numbers[0] == numbers[1]
    return False


_FRACTION_RE = re.compile(r"(-?)\\[dt]?frac(?:\{(\d{1,15})\}\{(\d{1,15})\}|(\d)(\d))")


def _simple_number(text: str) -> Fraction | None:  # "\\frac14" restated as "1/4", "\\dfrac{7}{2}" as "x = 3.5"
    """A number written plainly: a fraction ("7/2", "\\frac{7}{2}", "\\frac72") or a decimal ("3.5"), after an
    optional name ("x = 3.5"); None for anything else."""
    text = re.sub(r"^[a-z]=", "", re.sub(r"[\s$]|\\[,;!: ]|\\(?:left|right)\b", "", text).rstrip("."))
    fraction = _FRACTION_RE.fullmatch(text)
    try:
        if fraction:
            top, bottom = (fraction.group(2), fraction.group(3)) if fraction.group(2) else fraction.group(4, 5)
            return Fraction(int(top), int(bottom)) * (-1 if fraction.group(1) else 1)
        plain = re.fullmatch(r"-?\d{1,15}(?:\.\d{1,15})?(?:/\d{1,15})?", text)
        return Fraction(text) if plain else None
    except (ValueError, ZeroDivisionError):
        return None


# "(Note: if we had 6 * 8 instead it would be 48.)": what would have been, which corrects nothing.
COUNTERFACTUAL_NOTE_RE = re.compile(r"\(?\s*(?:note:?\s*)?\b(?:if|had)\b[^.!?\n()]*\bwould\b[^.!?\n()]*[.!?]?\s*\)?",
                                     re.IGNORECASE)


_CONFIRMED_RE = re.compile(r"(?:so|thus|hence|therefore)?,?\s*\$?(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\$?\s+(?:is|was)\s+"
                           r"(?:indeed\s+)?(?:right|correct|confirmed|the answer)\b[^.\n]*\.?\s*$", re.IGNORECASE)


# The text closes naming another value as the answer: "Hence $n = 7$ is the answer."
_NAMED_CONCLUSION_RE = re.compile(r"(?:^|[.!?\n]\s*)(?:thus|so|hence|therefore)?,?\s*\$([^$]+)\$\s+is\s+(?:the|our)\s+(?:only\s+|"
                                  r"unique\s+|final\s+)?(?:answer|solution)\b[^.!?\n]*[.!?]?\s*$", re.IGNORECASE)


_SHOULD_BE_RE = re.compile(r"(?:\bthe (?:correct |right |true )?answer|\b(?:answer|result)\b[^.\n]*\b(?:is|was) (?:wrong|incorrect)\b"
                           r"[^.\n]*?\b(?:it|this))\s+(?:should be|is actually|must be)\s*:?\s*\$?([^$\n]+?)\$?\s*\.?\s*$",
                           re.IGNORECASE)  # "... the answer 2 above is wrong; it should be 4."


# The closing sentence of a derivation written after its answer: "So Natalia sold 72 clips altogether.", "So
# Melanie started with 18 vacuum cleaners. ✓" (chat-template residue and check marks after it set aside).
_CLOSING_CONCLUSION_RE = re.compile(r"(?:so|thus|hence|therefore|in total|altogether|that means)\b[^.!?\n]*?(?<![√^/\\\w])"
                                    r"(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)"
                                    r"(?![\d,.]*\s*(?:[-+*/×÷=^]|\d))[^\d\n]*$", re.IGNORECASE)


_DOUBTED_VALUE_RE = re.compile(r"\b(?:not|never|cannot|off|missed|fewer|more than|less than|at least|at most|about|maybe|"
                               r"perhaps|might|could|probably|seems?|wrong|instead|hint|minus)\b|n't\b|\?\s*$", re.IGNORECASE)


def _last_later_line(tail: str) -> str:
    """The tail's last line when it lies past the answer's own line (the tail's first); "" otherwise."""
    later = tail.rstrip().split("\n", 1)
    return later[-1].strip().rsplit("\n", 1)[-1].strip() if len(later) > 1 else ""


_CHECKED_RE = re.compile(r"[✓✔]|check|\b(?:verif\w*|sanity|confirm\w*|correct|right|yes)\b", re.IGNORECASE)


def doubts_its_answer(stated: str, tail: str) -> bool:
    """The last line after the answer's own names the answer's value and doubts, bounds or denies it ("So it cannot be
    72 clips.", "So she sold fewer than 72 clips.", "So the hint of 72 clips is off.")."""
    last_line = _last_later_line(tail)
    named = any(_same_value(stated, number) for number in re.findall(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?", last_line))
    return named and bool(_DOUBTED_VALUE_RE.search(last_line)) and not _CHECKED_RE.search(last_line)


def _closing_statement_value(tail: str) -> tuple[str | None, bool]:
    """(value, concluded) of the tail's closing sentence, on a line after the answer's own, when it states one value
    in plain words: concluded when it opens on "so"/"thus"/... ("So Natalia sold 72 clips altogether."), not for a
    bare statement ("The average guess is 80."), which may be a remark; (None, False) otherwise."""
    last_line = _last_later_line(re.sub(r"<\|[a-z_]+\|>|[✓✔]|\*\*", " ", tail))
    last_line = re.sub(r"\$\s*((?:[a-z]\s*=\s*)?-?\d[\d,.]*)\s*\$", r"\1", last_line)  # "is $n = 3$."
    if "\\" not in last_line and all(re.match(r"\d", last_line[m.end():]) for m in re.finditer(r"\$", last_line)):
        last_line = last_line.replace("$", "")  # "So Kylar needs to pay $64.00.": dollars, no math span
    if re.search(r"[$\\]|\b(?:note|equivalently|remark)\b|\([^()]*\d[^()]*,[^()]*\d[^()]*\)", last_line, re.IGNORECASE):
        return None, False  # "The answer $\\frac14$ is confirmed.", "Note: the domain has length 5.", a pair "(2, −1)"
    closing = _CLOSING_CONCLUSION_RE.match(re.split(r"(?<=[.!?])\s+", last_line)[-1])
    if closing and re.search(r"\b(?:not|short|more|less|fewer|than|instead|except)\b|n't\b", last_line, re.IGNORECASE):
        return None, False  # "So the total is not 72.", "So she is 2 clips short of 72."
    if closing:
        return closing.group(1).replace(",", ""), True
    if ONE_VALUE_STATEMENT_RE.fullmatch(last_line) and not STATEMENT_DOUBTED_RE.search(last_line):
        return re.search(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?", last_line).group().replace(",", ""), False
    return None, False


def corrected(stated: str, tail: str, strong_only: bool = False) -> str | None:
    """None when the stated answer stands; otherwise the answer that replaces it: the corrected value when the
    tail says it corrects ("I mis-multiplied: ..., so the total is 92"), '' (no answer) when a later conclusion
    states a different value without saying why (precision first: which one the model meant is unknown).
    `strong_only`: only a tail that says in so many words it was wrong ("wait", "I forgot") replaces it."""
    if strong_only and not _STRONG_CUE_RE.search(tail):
        return None
    named = _NAMED_CONCLUSION_RE.search(tail.strip()) or _SHOULD_BE_RE.search(tail.strip())
    if named and not _same_value(stated, named.group(1)):
        return named.group(1).strip()  # "**Answer:** $n = 5$ ... Hence $n = 7$ is the answer.", "The answer should be 7."
    if doubts_its_answer(stated, tail) and not CORRECTION_CUE_RE.search(tail):
        return ""  # "The answer is 72. Here is how ... So she did not sell 72 clips.": the derivation turns it down
    closing, concluded = _closing_statement_value(tail)
    if closing is not None and not CORRECTION_CUE_RE.search(tail):
        # "The answer is 72. Here is how to get it. ... So Natalia sold 72 clips altogether.": it ends on its answer;
        # "... So she sold 70 clips altogether.": its own derivation ends elsewhere, and which it means is unknown
        return None if _same_value(stated, closing) else ""
    conclusion = _conclusion(COUNTERFACTUAL_NOTE_RE.sub(" ", tail))
    if conclusion is None or any(_same_value(stated, value) for value in conclusion[0]):
        return None
    confirmed = _CONFIRMED_RE.search(tail.strip().splitlines()[-1] if tail.strip() else "")
    if confirmed and _same_value(stated, confirmed.group(1)):
        return None  # "Wait, let me verify. ... 4! × 2 = 48 ... So 24 is right.": the check ends on the answer
    values, cued = conclusion
    return values[-1] if cued else ""


def check_disagrees(answer: str, tail: str) -> bool:
    """A cut-off check after the answer has concluded another value ("Let me verify: total = 44" after 45); a value
    cut off mid-number ("total = 7" of 72) or a step of the check ("9/2.5 = 3.6 hours") is no disagreement."""
    results = re.findall(r"\b(?:total|answer|result|sum|count|altogether|overall|in all)\s*(?:is|=|:)\s*\$?\s*"
                         r"(-?\d+(?:\.\d+)?)", tail, re.IGNORECASE)
    if not results or not re.fullmatch(r"-?\d+(?:\.\d+)?", answer.strip()):
        return False
    last = results[-1]
    cut_mid_number = tail.rstrip().endswith(last) and answer.strip().startswith(last)
    return last != answer.strip() and not cut_mid_number


# Words that take back the answer just stated ("Wait, actually it is 6").
RETRACTION_RE = re.compile(
    r"\b(?:wait|actually|mistake|correction|correcting|hold on|instead|oops|recheck|re-check|re-?checking yields|on reflection|on second thought|"
    r"scratch that|reconsider(?:ing)?|I was wrong|that(?:'s| is| was) wrong|I (?:double|over|under)[- ]?counted|"
    r"miscount(?:ed)?|miscalculat(?:ed|ion)|let me redo|slip|typo|(?:made|make) an? (?:\w+ )?error)\b",
    re.IGNORECASE)
# Doubt in what follows an answer of a cut-off completion; a plain check ("To double-check: 48 + 24 = 7", "As a
# sanity check, ...") cut off leaves the answer standing.
RECONSIDER_RE = re.compile(
    r"\b(?:hmm|but|however|reconsider\w*|re-?(?:verify|check|examine|count|think|read|do|compute|calculat)\w*|wait|"
    r"actually|on reflection|if|unless|although|though|whether|should|assum\w*|mistake|error|wrong|incorrect|not|"
    r"isn't|doesn't|missed|forgot|instead|seems?|too (?:large|small|big|high|low)|more carefully|once more|"
    r"correct (?:formula|value|answer|count))\b", re.IGNORECASE)
# A chat model's sign-off after its answer, cut off or not: "I hope this helps! Let me know if you have any other
# questions or if there's anything else I can": no reconsidering.
COURTESY_RE = re.compile(r"(?:^|(?<=[.!?\s]))(?:(?:I )?hope (?:this|that|it) (?:helps|was helpful|is helpful)|(?:please |do )?let me "
                         r"know if you (?:have|need|want)|feel free to (?:ask|reach)|if you have any (?:other |more |further )?"
                         r"questions|good luck|happy (?:learning|studying|to help|calculating)|have a (?:great|nice|good) day)\b(?:(?!\b(?:but|wait|however|actually|hmm)\b)[^.!?\n])*[.!?]?", re.IGNORECASE)

_ASKING_RE = re.compile(r"let me know if|if you (?:have|need|want)|or if there'?s anything|if there'?s anything", re.IGNORECASE)


def sign_off(match: re.Match) -> str:
    """A courtesy sentence goes; one that also doubts ("... I might have made an error in") stays."""
    said = _ASKING_RE.sub(" ", match.group())
    other_question = re.search(r"\b(?:another|other|more|further|next)\s+(?:questions?|problems?)\b", said, re.IGNORECASE)
    doubts = RECONSIDER_RE.search(said) or re.search(r"\b(?:could|might|may|also|redo|re-?check)\b", said, re.IGNORECASE) or (
        re.search(r"\d", said) and not other_question)  # "... another question about 2006 or 2007": a new topic
    return match.group() if doubts else ""


def reconsidering(after_answer: str) -> bool:
    """The text after an answer, cut off by the token limit, was reconsidering it (a sign-off is not)."""
    return bool(RECONSIDER_RE.search(COURTESY_RE.sub(sign_off, after_answer)))


def looped_line(text: str) -> str | None:
    """A completion cut off while it repeated its closing line ("... have 260 sheep.\n" twice or more, then
    "Together"): the text up to that line's first saying, which it committed to; None for any other ending."""
    if text.rfind("<think>") > text.rfind("</think>") or re.search(r"\\boxed|\\fbox", text):
        return None  # still thinking; a box is cut_repeated_box's to read
    line_start = text.rfind("\n") + 1
    sentences = re.split(r"(?<=[.!?])[ \t]+", text[line_start:])  # "The answer is 70. The answer is 70. The answer is"
    if len(sentences) >= 4:
        said, run = _repeated_ending(sentences, 3)  # only a statement of the answer: "Try 70." said again tries
        stated = said is not None and (re.search(r"\b(?:answer|result|total)\s+(?:is|=|:)", said, re.IGNORECASE) or (
            ONE_VALUE_STATEMENT_RE.fullmatch(said.strip("*"))))
        if stated and not STATEMENT_DOUBTED_RE.search(said) and not _ADJUSTED_RE.search(said):
            return text[:line_start] + " ".join(sentences[:len(sentences) - 1 - run + 1])
    lines = text.split("\n")
    said, run = _repeated_ending(lines, 2)
    if said is None:
        return None
    complete = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    return "\n".join(lines[:complete[-run] + 1])


# A looped statement of a step or of a value still to adjust: "The first part is 70.", "The total is 70 plus tax."
_ADJUSTED_RE = re.compile(r"\b(?:so far|first|second|part|partial|intermediate|subtotal|step|minus|plus|discount|tax|before|after|"
                          r"or|and|about|approximately|at (?:most|least))\b", re.IGNORECASE)


def _repeated_ending(units: list[str], least: int) -> tuple[str | None, int]:
    """(the unit said, how many times) when the units (lines or sentences) end on one unit said at least `least`
    times, then a start of it cut off; (None, 0) when they don't, or when what is said commits to nothing."""
    partial, complete = units[-1].strip(), [unit.strip() for unit in units[:-1] if unit.strip()]
    if not complete or not re.search(r"\d", complete[-1]):
        return None, 0
    said = complete[-1]
    run = 0
    while run < len(complete) and complete[-1 - run] == said:
        run += 1
    if run < least or not said.startswith(partial) or said.rstrip("*").endswith("?") or RECONSIDER_RE.search(said) or \
            ALTERNATIVE_LEAD_RE.search(said) or re.search(r"\b(?:sure|maybe|perhaps|possibly|probably|guess)\b", said, re.I):
        return None, 0  # "Alternatively 65." or "64 (not sure)" said again and again commits to nothing
    return said, run


# A second answer offered on the last box's line ("Or maybe \\boxed{6}", "it could also be ...").
ALTERNATIVE_LEAD_RE = re.compile(r"^\W*(?:or\b|alternatively|maybe|perhaps|possibly)|\bcould (?:also )?be\b|"
                                  r"\bmight (?:also )?be\b", re.IGNORECASE)
# The answer disowned after it is given, with or without a new value.
DISOWNED_RE = re.compile(r"\(\s*wrong\b|\b(?:(?:this|that|it|the above)(?:'s| is| was)\s+(?:incorrect|wrong|not (?:right|correct))|"
                          r"(?:this|that|it) (?:ignores|overlooks|misses|forgets|double-counts)\b|"
                          r"(?:doesn't|does not|don't|do not) (?:look|seem) right|can(?:not|'t) be (?:right|correct)|"
                          r"(?:is not|isn't) the answer|scratch that|actually,?\s+no\b|"
                          r"(?:hmm|oops|whoops|but|however|uh)\W+I (?:answered|computed|found|counted|gave) (?:the|a)\b"
                          r"(?![^.!?\n]*\bas (?:the (?:problem|question)|asked|requested|required))[^.!?\n]{0,60}?,?\s+not\b|"
                          r"(?:on )?(?:a )?second look at the question)|(?:^|[—–-]|\n)\s*no\s*[,.—–-]+\s*\$?-?\d",
                          re.IGNORECASE)
def retracted(tail: str, strong_only: bool = False) -> bool:
    """Text after the stated answer takes it back ("Wait, actually it is 6"); `strong_only`: an answer set apart
    (an opening "**Answer:**" line) is taken back only in so many words ("actually", "I was wrong"), never by a
    proof's "instead" or "wait, K is the incentre"."""
    if strong_only and not (_STRONG_CUE_RE.search(tail) or _ANSWER_TAKEN_BACK_RE.search(tail)):
        return False
    tail = COUNTERFACTUAL_NOTE_RE.sub(" ", tail)  # "(Note: if we had 6 * 8 instead it would be 48.)"
    if DISOWNED_RE.search(tail):
        return True  # "Hmm, that doesn't look right.", "this is incorrect", "— no, 7": whatever follows
    if _UNDECIDED_END_RE.search(tail) and not strong_only:
        return True  # "... Maybe the answer should be 32? ... I'm not sure which one is correct.": it ends undecided
    match = RETRACTION_RE.search(tail)
    return bool(match) and bool(re.search(r"\d", tail[match.end():]) or _RESTATES_RE.search(tail, match.end()))


def undecided(tail: str) -> bool:
    """The text after a stated answer ends undecided: "I'm not sure which one is correct", "Though if the bottom face
    counts separately it might be 7."."""
    return bool(_UNDECIDED_END_RE.search(COUNTERFACTUAL_NOTE_RE.sub(" ", tail)))


# A closing sentence that leaves the answer undecided between values.
_UNDECIDED_END_RE = re.compile(r"\b(?:I'?m|I am) (?:not sure|unsure) which\b(?![^\n]*\bbut\b)[^\n]*$|"
                               r"\bcan(?:not|'t) decide (?:whether|which|if|between)\b(?![^\n]*\bbut\b)[^\n]*$|"
                               r"(?:^|[.!?]\s+|\n)\s*(?:though|but|however|although|alternatively|or)\b[^\n]*\b(?:might|could|may)\s+"
                               r"(?:also\s+)?be\s+\$?-?\d[^\n]*$", re.IGNORECASE)  # "Though if ... counts separately it might be 7."
# Words that take back an answer stated first, beyond the strong cues: "Correction: the answer should be 7", "typo".
_ANSWER_TAKEN_BACK_RE = re.compile(r"\b(?:correction|typo|let me redo|redo|recompute|re-?calculat\w*|wrong|error|should be|"
                                   r"the correct (?:answer|count|value|total)|wait,? (?:the answer|I (?:need|made|was)|that's|"
                                   r"this is|no)\b)", re.IGNORECASE)
# A value stated again without a digit after a retraction: "Wait, ... it should be $\\frac{\\pi}{b}$", "Bob wins".
_RESTATES_RE = re.compile(r"\\boxed|(?i:\b(?:should be|correct (?:answer|option|choice)|the answer is|is actually|so it is|"
                          r"wins)\b)|\bit(?:'s| is)\s+\(?[A-J]\)?(?![A-Za-z])|\$[^$\n]+\$\s*\.?\s*$")
# A sentence that offers a value only to test or drop it: "Suppose the answer is 100.", "I initially thought $\\boxed{12}$".
_FIRST_THOUGHT_RE = re.compile(r"\b(?:I (?:initially|first|originally) (?:thought|guessed|said|answered)|my (?:first|initial) "
                               r"(?:guess|answer|thought|attempt)|(?:it is|it's) tempting to|one might (?:think|guess|answer|say)|"
                               r"suppose|supposing|assume|assuming|let(?:'s| us) (?:guess|say|try)|if (?:we suppose|the answer "
                               r"(?:were|was))|for (?:the sake of )?contradiction)\b", re.IGNORECASE)


def first_thought(text: str, at: int) -> bool:
    """The clause holding position `at` offers its value as a guess or a supposition, not as the answer
    ("Suppose the answer is 100"); a supposition in an earlier clause ("Assuming constant speed, the distance is
    120") leaves it."""
    start = max(text.rfind(mark, 0, at) for mark in (". ", "! ", "? ", "\n")) + 1
    clause = list(_CLAUSE_BREAK_RE.finditer(text, start, at))
    return bool(_FIRST_THOUGHT_RE.search(text, clause[-1].end() if clause else start, at))


_CLAUSE_BREAK_RE = re.compile(r"[,;:]\s|\b(?:so|then|hence|thus|therefore)\b", re.IGNORECASE)
