"""Stage 1, extraction: the final answer a completion states (box, answer phrase, ####, last number),
skipping retracted, hedged and cut-off answers."""

from __future__ import annotations

import re

from .boxes import (_boxes, _final_boxed, _last_box_start, box_before_check, closing_before_check,
                    cut_repeated_box)
from .spans import FORMULA_DEFINED_RE, REJECTING_RE, joined_spans, qualified_form, span_content, span_run
from .sentences import closing_count, extremum_value, infinite_value, no_solutions_value, percent_of_value
from .closing import closing_value, scaled_numbers, without_remarks
from .conclude import listed_solutions, without_recap, restated_result, step_box_superseded, concluding_text, formula_around, in_formula, option_line, value_line, values_on_lines
from .characterised import CHARACTERISED_BY_RE, characterisation_clause
from .hedged import hedged_line
from .unstated import (closing_disowned, without_side_supposition, closing_formula, empty_answer_box, named_solutions, still_to_do, turned_down,
                       without_closing_note)
from .turns import before_invented_block, closes_on_statement, one_value_statement
from .tail import (CHECK_RE, CORRECTION_CUE_RE, looped_line, reconsidering,
                   check_disagrees, corrected, doubts_its_answer, first_thought, retracted, undecided)
from .choices import with_named_option
from .winners import closing_winner
from .opening import derivation_agrees
from .rewrites import function_qualifiers_dropped, several_domains
from .units import with_its_unit, with_restated_unit
from .phrase import (answer_phrases, functions_with_their_range, without_clause_letter, ANY_ORDER_AFTER_RE, MATH_SPAN_RE, NOT_EVERY_ORDER_RE, NUMBER_RE, PHRASE_RE, REORDERED_BEFORE_RE,
                     has_hedge, phrase_answer)


# The last-number fallback's numbers: never digits inside a word ("AZYUK2A", "x2"), and ".4" whole.
_LAST_NUMBER_RE = re.compile(r"(?<![A-Za-z\d.])-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+(?![\w.]))?(?:/\d+)?(?:\s?\\?%)?")
# A completion that is nothing but one short LaTeX expression ("\frac{10}{9}", "-\sqrt{3}"), undelimited.
_BARE_LATEX_RE = re.compile(r"[-+]?\\[A-Za-z]+[\\{}\w^_()+\-*/., ]{0,60}")
# ... or one named plain value ("XP = sqrt(23) - 2 sqrt(3)", "r = pi/2").
_BARE_NAMED_RE = re.compile(r"(?:[A-Za-z]|[A-Z]{2,3})\s*=\s*([-+\w .,/()*^√]{1,60})")
# ... or one short plain value ("1 000", "11 7/6", "4 4/9%", "28%"): read whole, never its last number.
_BARE_PLAIN_RE = re.compile(r"[-+]?[\d.(][\d .,/()+\-*^]{0,40}(?: ?%| (?:percent|pct))?")
# A remark about the value just stated ("$80, which is 25% more than last year"): its numbers are no answer.
_VALUE_REMARK_RE = re.compile(r"(-?\\?\$?\d[\d,]*(?:\.\d+)?)\s*,\s*(?:which|that)\s+(?:is|was|are|were|means)\b")


def _after_thinking(text: str) -> str:
    """The text after the last </think> when it states anything: a box drafted while thinking never beats the
    answer given after it."""
    end = text.rfind("</think>")
    if end < 0:
        return text
    after = text[end + len("</think>"):]
    stated = NUMBER_RE.search(after) or _last_box_start(after) >= 0 or PHRASE_RE.search(after)
    return after if stated or len(re.findall(r"[A-Za-z]{2,}", after)) >= 6 else text  # "so there are infinitely many"


def _stated_after_box(text: str, boxed: tuple, phrases: list[re.Match]) -> tuple[str | None, str | None] | None:
    """A final answer stated after the last box ("\\boxed{200} ... Final Answer: The final answer is $10,455$", or an
    "Answer: 36" line closing the text) wins; one that hedges or takes itself back leaves no answer. None when the
    box stands ("One might think the answer is 12" after it does not count)."""
    closing = _closing_answer_line(text, phrases[-1])
    phrase = phrase_answer(text)
    if phrase is not None and phrase[1] > boxed[1] and _OFFERS_TWO_RE.search(text.rstrip(), phrases[-1].end()):
        return None, None  # "$\\boxed{45}$ ... so the answer is either 45 or 55": it settles on neither
    if closing and (not phrase or not phrase[0] or has_hedge(phrase[0]) or hedged_line(text, phrase[1]) or retracted(
            text[phrase[1]:])):
        return None, None  # "Answer: 5 or 7", "Answer: not 5" closing the text: the box is not what it settled on
    if not (phrases[-1].group().lower().startswith("final") or closing) or _restates(boxed[0], text[phrases[-1].end():]):
        return None
    if phrase and not retracted(text[phrase[1]:]) and not hedged_line(text, phrase[1]):
        return (phrase[0], "final_answer_phrase") if phrase[0] else (None, None)
    return None


# A closing statement that offers two values: "so the answer is either 45 or 55.", "45 or possibly 55."
_OFFERS_TWO_RE = re.compile(r"\$?(-?\d+(?:\.\d+)?)\$?\s+or\s+(?:possibly\s+|maybe\s+|perhaps\s+)?\$?(?!\1\b)(-?\d+(?:\.\d+)?)\$?"
                            r"\s*(?:,\s*(?:depending|depends)\b[^\n]*)?[.!]?\s*$", re.IGNORECASE)


def _closing_answer_line(text: str, phrase: re.Match) -> bool:
    """ "Answer: 36" on a line of its own that ends the text (DAPO's format): the answer, over an earlier box."""
    line_start = text.rfind("\n", 0, phrase.start()) + 1
    return bool(re.fullmatch(r"[ \t#*]*", text[line_start:phrase.start()])) and phrase.group().lstrip("*# ").lower(
    ).startswith("answer") and "\n" not in text[phrase.end():].strip()


def _restates(boxed: str, phrase_rest: str) -> bool:
    """The phrase after a box states the boxed value again (in other delimiters): the box stays the answer."""
    squash = lambda t: re.sub(r"[\s$\"']|\\text\s*\{|\}|\{", "", t)  # noqa: E731
    line = next((line for line in phrase_rest.splitlines() if line.strip()), "")
    return bool(squash(boxed)) and squash(boxed) in squash(line)


_NOT_THE_VALUE_RE = re.compile(r"(?:\brather than|\bother than|\bexcept|\bbesides|\bexclud(?:e|ing)|\bexceeds?|\bclaimed|"
                               r"\bnot(?: get| be| equal to)?|n't(?: be)?|\bor equal to|\\(?:le|ge|neq?)|\b(?:less|more|"
                               r"greater|fewer) than|\binstead of)[\s$*]*$", re.IGNORECASE)


def _value_numbers(text: str) -> list[re.Match]:
    """The numbers of a text, a unit's power ("0.0157 m^3/s") aside."""
    return [m for m in _LAST_NUMBER_RE.finditer(text) if not re.search(  # "m/s^2", "kg·m^2" too
        r"\d\s*(?:[A-Za-zµμ]{1,3}\s*[/·*]\s*)?[A-Za-zµμ]{1,3}\^\{?$", text[max(0, m.start() - 20):m.start()])]


def _last_number(text: str) -> str | None:
    """The last number (a unit's power, "0.0157 m^3", aside), unless it sits in a remark about the value stated
    before it ("$80, which is 25% more");
    None when it is part of a formula or a number phrase ("\u221a3", "12\u03c0", "2^10", "12 squared", "3 and a half")."""
    numbers = _value_numbers(text) or [None]
    if numbers[-1] is None:
        return None  # only a unit's power ("m^3")
    clause = re.split(r"[.!?;]\s", text[max(0, numbers[-1].start() - 60):numbers[-1].start()])[-1]
    if _NOT_THE_VALUE_RE.search(clause[-40:]) or re.search(r"\bup to\b", clause) and re.search(
            r"n't\b|\b(?:not|never|cannot|would|could|might|if)\b", clause, re.IGNORECASE):  # "do not add up to 720"
        return None  # "7 rather than 5", "anything except 5", "exceeds 5": the last number is not what is stated
    remarks = [m for m in _VALUE_REMARK_RE.finditer(text) if m.end() <= numbers[-1].start()]
    if remarks and not re.search(r"[.!?](?:\s|$)|\n|\b(?:not|incorrect|wrong|mistake)\b|n't",
                                 text[remarks[-1].end():numbers[-1].start()]):
        return NUMBER_RE.search(remarks[-1].group(1)).group()
    last = numbers[-1]
    if in_formula(text, last.start(), last.end()):
        return formula_around(text, last.start(), last.end())
    return last.group()


# The concluding sentence names its value as the solution: "$x = 7$ is the solution of $3x - 7 = x + 7$".
# What a closing sentence calls the value it names: "$x = 7$ is the only solution", "$p = 5$ is the only prime".
_SOLUTION_NOUN = (r"(?:the|our)\s+(?:only\s+|unique\s+)?(?:(?:solution|answer|value|root|result)s?\b|"
                  r"(?:prime|integer|number)s?\b(?!\s+of\b))")  # "$n = 7$ is the number of terms" names a step
_NAMED_SOLUTION_RE = re.compile(r"(?:^|[.!?\n]\s*)(?:thus|so|hence|therefore)?,?\s*\$([^$]+)\$\s+is\s+" + _SOLUTION_NOUN +
                                r"([^.!?\n]*)[.!?]?\s*$", re.IGNORECASE)


_PLAIN_NAMED_SOLUTION_RE = re.compile(r"^(?:(?:thus|so|hence|therefore),?\s+)?([a-z]\s*=\s*-?\d+(?:\.\d+)?(?:/\d+)?)\s+is\s+"
                                     + _SOLUTION_NOUN, re.IGNORECASE)


# Words that take back or qualify what a sentence just named: "$x = 7$ is the solution, but it violates $x < 5$".
_CONTRAST_RE = re.compile(r"\b(?:but|except|not|only|if|unless|discard\w*|ignor\w*|invalid|reject\w*|extraneous|"
                          r"however|although|though|fails?|violates?|derivative)\b", re.IGNORECASE)


# A closing line labelled as the result ("**Conclusion:** The series is divergent."): nothing follows it.
_LAST_LINE_LABEL_RE = re.compile(r"(?m)^([ \t]*(?:\*\*)?)(?:solution|conclusion|result)(?=(?:\*\*)?\s*:[ \t*]*+(?!(?:let|suppose|"
                                 r"assume|we|first|consider|to|since|if|using|by)\b)(?![^\n]*\b(?:not|no|rejected|candidate|too|"
                                 r"fails?|still|check|extraneous|invalid|discard\w*)\b)\S[^\n]{0,100}\s*\Z)", re.IGNORECASE)


# A section of its own after an answer stated first: "**Answer:** (2, 2, 4)\n\n*Proof.* ...".
_PROOF_LABEL_RE = re.compile(r"(?m)^[ \t]*(?:#{1,4}[ \t]*)?[*_]{0,2}(?:proof|why|justification|reasoning|explanation|"
                             r"derivation|verification|proof sketch|sketch of proof)\b[^\n\w]{0,3}?[ \t]*[*_]{0,2}(?:[.:]|[ \t]*$)",
                             re.IGNORECASE)


# An answer line labelled as such: "**Answer:** ...", "**Answer: (1,1) and (2,3).**", "Answer first: ...".
_ANSWER_LABEL_RE = re.compile(r"(?:#{1,4}[ \t]*)?(?:\*\*)?[ \t]*(?:final[ \t]+)?answer(?:[ \t]+first)?[ \t]*(?:\*\*)?[ \t]*[:.]",
                              re.IGNORECASE)


# A closing sentence that concludes the answer anew: "so the total is 5", "hence the only pairs are (1, 1)".
_RESTATED_ANSWER_RE = re.compile(r"\b(?:so|hence|thus|therefore|in the end)\b[^.\n]*\b(?:answer|solutions?|total|count|result|"
                                 r"value|number|pairs?|triples?)\b[^.\n]*(?:\b(?:is|are)\b|=)|\b(?:final|my) answer\b|"
                                 r"\bis the (?:answer|solution)\b|\bthe (?:only|unique) solutions? (?:is|are)\b|\bthe correct\b|"
                                 r"\bthe answer (?:should be|is)\b",
                                 re.IGNORECASE)


def _answer_first(text: str, stated_end: int) -> bool:
    """The answer opens the text on a line labelled as the answer, or with a proof under its own label after it: the
    work's steps ("so $z = 4$") are no later conclusions, only a retraction in so many words takes the answer back."""
    head = text[:stated_end].strip()
    return len(head) <= 400 and len(head.splitlines()) <= 2 and bool(
        _PROOF_LABEL_RE.search(text, stated_end) or _ANSWER_LABEL_RE.match(head))


def extract_answer(text: str, truncated: bool = False) -> tuple[str | None, str | None]:
    """Return (answer, method) following the documented fallback order; an option letter the closing line names
    beside the value comes with it ("(D) 8/15")."""
    answer, method = _extracted(text, truncated)
    return with_named_option(_after_thinking(text), answer), method


def _set_apart(text: str, phrase: tuple[str, int]) -> bool:
    """An answer set apart that a proof's later steps do not take back, only a retraction in so many words:
    "**Answer: exactly the primes.**" in bold (a value without digits), or "**Answer:** (2, 2, 4)" opening the text
    with "*Proof.*" after it; unless the text closes on "so ... is" another conclusion."""
    closing_sentence = re.split(r"(?<=[.!?])\s+|\n", text[phrase[1]:].strip())[-1]
    if not re.search(r"\d", phrase[0]) and re.search(r"(?:^|\n)[ \t]*\*\*[^\n]*$", text[:phrase[1]]):
        return not re.search(r"\b(?:so|hence|thus|therefore|in the end)\b[^.\n]*(?:\b(?:is|are)\b|=)", closing_sentence,
                             re.IGNORECASE)
    return _answer_first(text, phrase[1]) and not _RESTATED_ANSWER_RE.search(closing_sentence)  # not "so k = 1"


def _extracted(text: str, truncated: bool) -> tuple[str | None, str | None]:
    if truncated and text.rfind("<think>") > text.rfind("</think>"):
        return None, None  # cut off while still thinking: a draft, never the answer
    text = box_before_check(without_remarks(_after_thinking(text)))  # "This problem is from the 2019 AMC 8.", "The answer is correct."
    text = _LAST_LINE_LABEL_RE.sub(r"\1Answer:", text)  # "**Solution:** $x < -1$ or $x > 3$." closing the text
    own = before_invented_block(text)
    invented = own is not text
    if invented:
        # Only an answer the model stated before it went on counts, marked or in a closing statement of one value
        # ("The hypotenuse is 10 units long."): no last-number guess from its reasoning.
        text, truncated = own, truncated or not closes_on_statement(own)
    looped = looped_line(text) if truncated else None
    if looped is not None:
        text, truncated = looped, False  # cut off while repeating its closing line: it said it
    elif truncated:
        text = cut_repeated_box(text)
    if empty_answer_box(text):
        return None, None  # "The final answer is: $\\boxed{}$": it commits to nothing
    boxed_at = _last_box_start(text)
    if boxed_at >= 0 and not any(b[0] == boxed_at for b in _boxes(text)):
        return None, None  # the last box is unclosed (or "\\boxed 12"): never its fragment
    boxed = _final_boxed(text)
    phrases = answer_phrases(text)
    after_box = _stated_after_box(text, boxed, phrases) if boxed and phrases and phrases[-1].start() > boxed[1] else None
    if after_box is not None:
        return after_box
    if boxed and step_box_superseded(text[:_last_box_start(text)], boxed[0], CHECK_RE.split(text[boxed[1]:])[0]):
        text, boxed = text[boxed[1]:], None  # the box closed a step; the work after it concluded
    if boxed and not truncated and corrected(boxed[0], text[boxed[1]:]) is not None:
        value = corrected(boxed[0], text[boxed[1]:])  # a later conclusion states another value
        return (value, "correction") if value else (None, None)
    if boxed and truncated and (reconsidering(text[boxed[1]:]) or check_disagrees(boxed[0], text[boxed[1]:])):
        return None, None  # cut off while reconsidering its box, or while a check reaches another value
    if boxed and re.search(r"\bnot\s*\$*\s*$", text[:_last_box_start(text)]):
        return None, None  # "It is not \\boxed{6}."
    if boxed and not retracted(text[boxed[1]:]) and not first_thought(text, _last_box_start(text)):
        return (None, None) if hedged_line(text, boxed[1]) else (boxed[0], "boxed")
    if boxed:
        text = text[boxed[1]:]  # a retracted box: only what follows it may state the answer
    phrase = phrase_answer(text)
    if phrase and re.search(r"^\s*####", text[phrase[1]:], re.MULTILINE):
        phrase = None  # "Answer: She uses 3 + 4 = 7 eggs ...\n#### 18": GSM8K's own mark closes the answer
    if phrase and "\n" not in text[phrase[1]:].strip() and (winner := closing_winner(text)):
        return winner, "final_answer_phrase"  # "**Answer:** The first player wins iff $3 \\nmid n$."
    if phrase and not phrase[0]:
        return None, None  # an answer phrase that states several values
    if phrase and truncated and (reconsidering(text[phrase[1]:]) or not invented and not text[phrase[1]:].strip() and not re.search(
            r"[.!)\]}$*。]$", text[:phrase[1]].rstrip())):  # "The answer is **12" cut off: 12, 120 or 12.5
        return None, None  # "**Answer: 45**. Hmm, is 0 supposed to be included? ..." and cut off
    strong = bool(phrase) and _set_apart(text, phrase)
    agrees = derivation_agrees(text, phrase[0], phrase[1], _unmarked_answer) if phrase and not strong and not truncated else None
    if agrees is False:  # "The answer is 18. ... So Janet makes $126.": two answers, neither committed to, unless corrected
        value = corrected(phrase[0], text[phrase[1]:]) if CORRECTION_CUE_RE.search(text, phrase[1]) else None
        if value or not retracted(text[phrase[1]:]):
            return (value, "correction") if value else (None, None)  # "Wait, actually it is 6.": read on as before
    if phrase and not strong and undecided(text[phrase[1]:]):
        return None, None  # "The answer is 6. However, with replacement it could be 9."
    if agrees and doubts_its_answer(phrase[0], text[phrase[1]:]):
        agrees = False  # "... So she did not sell 72 clips.": the work names the value to deny it
    if phrase and not truncated and not agrees and corrected(phrase[0], text[phrase[1]:], strong) is not None:
        value = corrected(phrase[0], text[phrase[1]:], strong)
        return (value, "correction") if value else (None, None)
    if phrase and not retracted(text[phrase[1]:], strong) and not first_thought(text, max(0, text.rfind(phrase[0], 0, phrase[1]))):
        return (None, None) if hedged_line(text, phrase[1]) else (phrase[0], "final_answer_phrase")
    if "####" in text:
        candidate = text.rsplit("####", 1)[1].strip()
        if candidate and not retracted(candidate.partition("\n")[2]):  # "#### 12\nActually no, it's 9."
            return candidate.splitlines()[0].strip(), "gsm8k_hash"
    if truncated:
        return None, None
    return _unmarked_answer(text)


def _unmarked_answer(text: str) -> tuple[str | None, str | None]:
    """No box, answer phrase or #### mark: a bare closing value, an option or matrix line, listed solutions, a closing
    sentence or count, a restated result, and last the concluding text's value."""
    text = without_closing_note(text)  # "x = 8 (Note: x = −8 is rejected because ...)": an aside, not the close
    if still_to_do(text):
        return None, None  # "**Given:** perimeter = 20\n**Find:** area": the work has not begun
    if re.search(r"\d{400}", text):
        return None, None  # a run of hundreds of digits with no box or answer line is a degenerate output, no answer
    text = without_recap(without_side_supposition(text.rstrip()))  # "So it is 1/3. If we rolled twice, it would be 1/9."
    text = scaled_numbers(text)  # "70 thousand dollars", "$57k"
    bare = text.strip().rstrip(".").strip()
    if _BARE_LATEX_RE.fullmatch(bare) and not re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", bare)):
        return bare, "last_math"  # its last number ("9" of \frac{10}{9}) is no answer
    if _BARE_PLAIN_RE.fullmatch(bare):
        return bare, "last_math"  # "11 7/6" is no 7/6, "1 000" no 000
    named = _BARE_NAMED_RE.fullmatch(bare)
    if named and all(w.lower() in ("sqrt", "pi", "log", "ln", "sin", "cos", "tan") for w in re.findall(r"[A-Za-z]{2,}", named.group(1))):
        return bare, "last_math"  # "XP = sqrt(23) - 2 sqrt(3)": the whole text names one value
    if option_line(text):
        return option_line(text), "option_line"
    last_line = text.strip().splitlines()[-1].strip() if text.strip() else ""
    if closing_formula(last_line):
        return closing_formula(last_line), "last_line"  # "F^2 = [[2, 1], [1, 1]]", "**x² + 2x − 15 = (x + 5)(x − 3)**"
    if listed_solutions(text):
        return listed_solutions(text), "last_line"  # "exactly two solutions:\n- $f(x) = -1$;\n- $f(x) = x + 1$."
    if values_on_lines(text):
        return None, None  # "Possible values:\n- 2\n- 3": a list, no value stated
    if winner := closing_winner(text):
        return winner, "last_line"  # "So the first player (A) wins."
    closing = closing_value(closing_before_check(text))
    closing = one_value_statement(closing) or closing if closing else closing  # "**Emma spends $15.00.**"
    if closing is not None:
        return (closing, "last_line") if closing else (None, None)  # "The vertex is at (−1, 4)."
    count = closing_count(text) or named_solutions(text) or infinite_value(text) or no_solutions_value(text) or percent_of_value(text) or extremum_value(text)
    if count is not None:
        return count, "last_line"  # "There are exactly three such integers.", "So the solutions are k=1, n=1 and k=3, n=2."
    closing = value_line(text)
    if closing is not None:
        return (closing, "last_line") if closing else (None, None)
    text = re.sub(r"[−–](?=\s?\d)", "-", closing_before_check(text)[-3000:]).replace("{,}", ",")  # −3 is -3; 1{,}157
    if restated_result(text) is not None:
        return with_restated_unit(text, restated_result(text)), "last_number"
    text = concluding_text(text)
    if text is not None and closing_disowned(text):
        return None, None  # "Suppose the answer is 100.", "An answer of 5 would be wrong.": no value stated
    if text is None:
        return None, None  # a refusal, a list, a text that stops mid-thought: it commits to no value
    return _stated_value(text)


def _stated_value(text: str) -> tuple[str | None, str | None]:
    """The concluding text's value: a named solution, the last math span, or the last number (with its unit)."""
    last_sentence = re.split(r"(?<=[.!?])\s+|\n", text.strip())[-1]
    if _BOUND_VARIABLE_RE.search(text) and REJECTING_RE.search(last_sentence):
        return None, None  # "since $f(x)=x$ fails for all $x$": no solution stated, and $x$ is none
    if turned_down(text):
        return None, None  # "We reject $x = 3$ because ...", "So $n = 3$ is impossible.", "$n \\neq 3$"
    pieces = several_domains(text[-300:])  # "$f(x)=x$ for all $x\\ge0$ and $f(x)=-x$ for all $x<0$": one function
    bound = _BOUND_VARIABLE_RE.search(text)
    letter = re.search(r"\$\s*([a-z])", bound.group()).group(1) if bound else ""
    if bound and not (re.search(rf"[fghFGHPQ]\s*\([^()]*\)\s*=[^$]*(?<![\\A-Za-z]){letter}(?![A-Za-z])", text) and not re.search(
            rf"[fghFGHPQ]\s*\(\s*{letter}\s*\)", text)):  # "... $f(x)=2x+c$ for any real $c$": a parameter's range
        text = text[:bound.start()]  # "$f(x)=x$ and $f(x)=-x$ for all rational $x$.": $x$ is no answer
    text = text if pieces else text[:-300] + function_qualifiers_dropped(text[-300:])  # "... for all $x$, or ..."
    named = _NAMED_SOLUTION_RE.search(text[-300:])
    # "... is the only solution, with $k = 75$": the sentence's other values go with the named one
    if named and not _CONTRAST_RE.search(named.group(2)) and not re.search(r"\bnot\b", named.group(1)):
        return named.group(1).strip(), "last_math"  # "Thus $x = 7$ is the solution of $3x - 7 = x + 7$."
    named = _PLAIN_NAMED_SOLUTION_RE.search(last_sentence)
    rest = last_sentence[named.end():] if named else ""
    if named and not _CONTRAST_RE.search(rest.replace("only", "")) and not re.search(
            r"\b(?:provided|otherwise|assuming|when|whenever)\b|[a-z]\s*=\s*-?\d", rest, re.IGNORECASE):
        return named.group(1), "last_number"  # "Hence x = 3 is the only solution, and it satisfies ... 2*3 + 1 = 7."
    numbers = _value_numbers(text)
    spans = list(MATH_SPAN_RE.finditer(text))
    ranged = functions_with_their_range(text, span_run(text, spans, len(spans) - 2, backward=True)) if len(spans) > 2 else None
    if ranged:
        return ranged[0], "last_math"  # "$f(x)=0$ and $f(x)=2x+c$ for any real $c$.": each function, the range kept
    if qualified_form(text, spans):
        return qualified_form(text, spans), "last_math"  # "$f(x) = x^c$ where $c$ is a positive constant."
    if spans and _REJECTED_AFTER_RE.match(text, spans[-1].end()):
        return None, None  # "$n = 7$ does not work.", "the candidate $n = 7$ is too large."
    if spans and re.search(r"\(\s*-?\d", span_content(spans[-1])) and not NOT_EVERY_ORDER_RE.search(last_sentence) and (
            REORDERED_BEFORE_RE.search(text, 0, spans[-1].start()) or ANY_ORDER_AFTER_RE.match(text, spans[-1].end())):
        return span_content(spans[-1]) + " up to order", "last_math"  # "Hence all permutations of $(1,2,3)$."
    characterised = characterisation_clause(text[:spans[-1].end()]) if spans and CHARACTERISED_BY_RE.search(
        text, 0, spans[-1].start()) and not re.search(r"\d|\b(?:but|though|although|only|necessary|sufficient|suffices|case|"
                                                      r"least|most|when|if|unless|not|bounded|arbitrary)\b|n't", text[spans[-1].end():]) else (None, None)
    if characterised[0] is not None or spans and re.search(r"\b(?:every|all|each|any|the|and|with)\s+(?:\w+\s+)?(?:multiples?|"
                                                           r"powers?)\s+of\s*$", text[:spans[-1].start()]) and (
            not re.search(r"\d", text[spans[-1].end():])):
        return characterised  # "$a_0$ must be a multiple of $3$"; "... together with every multiple of $5$": no value 5
    function_last = bool(spans) and bool(FORMULA_DEFINED_RE.match(span_content(spans[-1])))  # or y' =
    if spans and (not numbers or spans[-1].start() <= numbers[-1].start() < spans[-1].end() or function_last and (
            numbers[-1].end() <= spans[-1].start())):  # "... $f(n+1)$ ... Therefore $f(n) = n$ for all $n$."
        # The last number sits inside the last $...$ ("there are $4^n$ regions"): the span is the answer.
        run = without_clause_letter(text, span_run(text, spans, len(spans) - 1, backward=True))
        if not run:
            return None, None  # "... when $a_0 \\equiv 0 \\pmod 3$ or $a_0$ is a perfect square": a condition in words
        ranged = functions_with_their_range(text, run)  # "... and $f(x)=2x+c$ for any real $c$.": the range kept
        content = ranged[0] if ranged else joined_spans(run)
        if content:
            return with_its_unit(text, content, spans[-1].end()), "last_math"  # "$100\\,000$ Pa."
    if numbers:
        last = _last_number(text)
        at = -1 if last is None else text.rfind(last)
        if at >= 0 and at + len(last) >= numbers[-1].end():
            mantissa = _MANTISSA_RE.search(text[:at]) if re.match(r"10(?:\^|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺])", last) else (
                _PYTHON_POWER_RE.search(text[:at]) if re.fullmatch(r"-?\d+", last) else None)
            mantissa = mantissa or (_GROUPS_BEFORE_RE.search(text[:at]) if re.fullmatch(r"\d{3}(?:\.\d+)?", last) else None)
            mantissa = mantissa or _EXACT_BEFORE_RE.search(text[:at])  # "1/6 ≈ 0.167": both, for the grader to weigh
            mantissa = mantissa or (_WHOLE_BEFORE_RE.search(text[:at]) if re.fullmatch(r"\d+/\d+", last) else None)
            last, at = (text[mantissa.start(1):at] + last, mantissa.start(1)) if mantissa else (last, at)
            last = with_its_unit(text, last, at + len(last))
            signed = re.search(r"(?:[=:(]|\b(?:is|was|are|of|at)\b)[ \t*]*[-−][ \t]*\\?\$[ \t]*$|^[ \t*]*−\\?\$$", text[:at], re.MULTILINE)
            last = "-" + last if signed and not last.startswith("-") else last  # "= **−$5.26**", not a bullet "- $5.26"
        return (last, "last_number") if last is not None else (None, None)
    return None, None

# What a closing sentence says of the value it names when it turns it down.
_REJECTED_AFTER_RE = re.compile(r"\s*(?:does not|doesn't|do not|is not|isn't|fails?|is rejected|is extraneous|is invalid|"
                                r"is too (?:large|small|big)|is (?:only )?a candidate|must be (?:rejected|discarded))\b", re.IGNORECASE)
# The domain of the answer's variable closing the text: "for all rational $x$", "for every positive integer $n$",
# "for all $x \in \mathbb{R}$".
_BOUND_VARIABLE_RE = re.compile(r"\s+for\s+(?:all|every|each|any)\s+(?:[a-z]+\s+){0,3}\$\s*[a-z]\s*(?:(?:\\in|∈)\s*"
                                r"\\mathbb\s*\{?[NZQRC]\}?(?:_\{?\s*(?:>|\\geq?|\\ge)?\s*0\s*\}?|\^\{?[+*]\}?)?\s*|"
                                r"(?:[<>]|\\[lg]eq?)\s*-?\d+\s*)?\$\s*\.?\s*$")  # "for all $n \\in \\mathbb{Z}_{>0}$"

# "3.0 × 10⁸": the mantissa before a power of ten that ends the text ("10⁸" alone is another number).
_MANTISSA_RE = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*(?:×|\\times|·|⋅|\\cdot|\*|x)\s*$")
_PYTHON_POWER_RE = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?\s*\*\s*10\s*\*\*)$")  # "6.67*10**" before "-5"

_EXACT_BEFORE_RE = re.compile(r"(?<![×*·+\-/]\s)(?<![×*·+\-/\S])((?=\S*[\d√π])[\d√π()/.^+\-]+\s*(?:≈|\\approx)\s*)$")

# "2 1/2 cups": the whole part of a mixed number before a last fraction.
_WHOLE_BEFORE_RE = re.compile(r"(?<![\w.,/])(\d+ )$")
# "1 000 g": the groups of digits before a last number of three digits ("000" alone is another number).
_GROUPS_BEFORE_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u2009\u202f]\d{3})*[ \u2009\u202f])$")


def final_statement_start(text: str) -> int:
    """Char offset where the completion's own final statement begins (its last line holding
    the answer), so the canonical answer suffix can replace it. len(text) when there is none."""
    boxed_at = _last_box_start(text)
    if boxed_at < 0:
        match = None
        for match in PHRASE_RE.finditer(text):
            pass
        if match is None:
            return len(text)
        boxed_at = match.start()
    line_start = text.rfind("\n", 0, boxed_at)
    return 0 if line_start < 0 else line_start
