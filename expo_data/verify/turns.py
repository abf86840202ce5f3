"""Stage 1, extraction: where the model's own turn ends. A chat template's end of turn written out in a completion
(the sampler was not told to stop at it), or a question block it invents after its answer (few-shot run-on): what
follows is a turn the model invents ("<|im_start|>user ...", "Question: ..."), never its answer; what it concluded
before it is read from a marked answer or a closing statement of one value."""

from __future__ import annotations

import re

_END_OF_TURN_RE = re.compile(r"<\|(?:im_end|eot_id|endoftext|end|end_of_turn|im_start|start_header_id|user)\|>|</s>|<end_of_turn>")

# What opens the next turn: a new line, another token, or a role's name ("<|endoftext|>Human: ...", "</s><s>[INST]").
_NEXT_TURN_RE = re.compile(r"[ \t]*(?:\n|<\||<s>|\[INST\]|(?:Human|User|Assistant|System|Question|Problem)\s*:)", re.IGNORECASE)


def own_turn_end(text: str) -> int | None:
    """Where the model's own turn ends: the first end-of-turn token with the model's text before it and another
    turn after it (a newline or a token next); None for a token at the very end, inside backticks, or closing an
    HTML strike-through ("<s>12</s>")."""
    for match in _END_OF_TURN_RE.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        if before.strip() and after.strip() and _NEXT_TURN_RE.match(after) and before.count("`") % 2 == 0 and not (
                match.group() == "</s>" and "<s>" in before):
            return match.start()
    return None


# A few-shot completion that runs on into a question (and answer) of its own invention: "...\n\nQuestion: ...".
_INVENTED_BLOCK_RE = re.compile(
    r"\n[ \t]*(?:#{1,4}[ \t]*)?(?:\*\*)?(?:(?:Follow-up|Next|Bonus|Another)\s+(?:question|problem)|Question|Problem|Q|Human|User|"
    r"Instruction)"
    r"(?:[ \t]*\d+)?[ \t]*(?:\*\*)?[:.]",
    re.IGNORECASE)
_STATED_ANSWER_RE = re.compile(r"\\boxed|####|\banswer\b|\bfinal\b", re.IGNORECASE)
# The invented question's own answer on one of its next lines: "Question: ...?\nAnswer: 7".
_ANSWERED_AT_ONCE_RE = re.compile(r"[^\n]*(?:\n[^\n]*){0,1}?\n[ \t]*(?:\*\*)?(?:Answer|Solution|A|Assistant)[ \t]*(?:\*\*)?:",
                                  re.IGNORECASE)


def before_invented_block(text: str) -> str:
    """The completion up to the first question it invents after its own answer (few-shot run-on), or up to a chat
    template's end of turn written out. A question block that follows no answer, no computation, and is not answered
    at once is the problem restated before solving it ("Given: ...\n\nQuestion: How many ...?\n\nLet's solve it.")."""
    turn_end = own_turn_end(text)
    if turn_end is not None:
        return text[:turn_end]
    for match in _INVENTED_BLOCK_RE.finditer(text):
        before = text[:match.start()]
        restated = not re.search(r"\d", match.group()) and not re.search(r"\d\s*[-+*/×÷]\s*\$?\d[^=\n]*=", before)
        if before.strip() and (_STATED_ANSWER_RE.search(before) or _ANSWERED_AT_ONCE_RE.match(text, match.end())
                               or not restated):  # work done, or "Problem 2:": a question of its own
            return before
    return text


# A closing statement of one value: "The car in the slow lane took 16 hours.", "Marie ordered 2 boxes of pizza.", "The
# hypotenuse is 10 units long.": a subject, a verb that reports a result, the value and a few words, nothing hedged.
_RESULT_VERBS = (r"is|are|was|were|will be|took|takes|ordered|sold|bought|has|had|have|made|makes|spent|spends|earned|earns|paid|"
                 r"pays|got|gets|used|uses|ran|runs|walked|read|ate|saved|owns|collected|received|gave|costs?|weighs|measures")
ONE_VALUE_STATEMENT_RE = re.compile(
    rf"(?:(?:so|thus|hence|therefore|in total),?\s+)?(?:the\s+)?(?:[A-Za-z]+\s+){{0,8}}?(?:{_RESULT_VERBS})\s+"
    r"(?:(?:exactly|a total of|in total)\s+)?\$?-?\d[\d,]*(?:\.\d+)?(?:/\d+)?\$?(?:\s+(?![^\n]*\b(?:or|more|less|fewer|than|before|after|"
    r"least|most|about|nearly|roughly|around|approximately|give|take)\b)[A-Za-z]+){0,4}\s*[.!]?", re.IGNORECASE)
STATEMENT_DOUBTED_RE = re.compile(r"\b(?:if|maybe|perhaps|might|could|would|should|not|never|cannot|I guess|guessing|think|verify|check|"
                                   r"wants?|needs?|plan\w*|must|let|suppos\w*|assum\w*|wonder\w*|whether|\w+ly|doubt\w*|hope\w*|"
                                   r"expect\w*|claim\w*|says?|said|false|wrong)\b|n't\b|[?=+*/×÷]", re.IGNORECASE)


# A closing statement that computes its one value: "So he spent 5 × 6 = $30." (not "So 36 + 64 = 100.": a computation
# alone does not say what it answers)
_CLOSING_RESULT_RE = re.compile(rf"(?:so|thus|hence|therefore)\b,?\s+(?:the\s+)?(?:[A-Za-z]+\s+){{0,5}}?(?:{_RESULT_VERBS})\s+"
                                r"[^\n=]*(?:=[^\n=]*)*=\s*\\?\$?\s*(-?\d[\d,]*(?:\.\d+)?)\s*\$?(?:\s+[A-Za-z]+){0,3}\s*[.!]?", re.IGNORECASE)


_BESIDE_RESULT_RE = re.compile(r"\b(?:and|or|either|each|per|at most|at least|give or take|minus|plus|about|approximately|around|"
                               r"roughly|nearly|almost|over|under|up to|between)\b", re.IGNORECASE)


_PARTIAL_RE = re.compile(r"\b(?:so far|first|second|part|partial|intermediate|subtotal|step|for now|at this point|yet)\b", re.IGNORECASE)


def one_value_statement(sentence: str) -> str | None:
    """The value of a closing sentence of one value ("Emma spends $15.00.", "The hypotenuse is 10 units long."),
    its currency sign dropped; None for any other sentence."""
    sentence = sentence.strip().strip("*").strip()
    if not ONE_VALUE_STATEMENT_RE.fullmatch(sentence) or STATEMENT_DOUBTED_RE.search(sentence):
        return None
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?(?:/\d+)?", sentence)
    return numbers[0] if len(numbers) == 1 else None


def closes_on_statement(text: str) -> bool:
    """The text's last line is a sentence that states one value and computes nothing, or a "so ..." computation
    that ends on one value: what the model concluded before it went on to invent a question or a turn of its own."""
    lines = [line for line in re.sub(r"<\|[a-z_]+\|>", "", text).strip().splitlines() if line.strip()]
    last = lines[-1].strip().strip("*").strip() if lines else ""
    if _PARTIAL_RE.search(last):
        return False  # "So he spent 5 × 6 = $30 so far.", "The first part took 30 minutes.": a step, not the answer
    if _CLOSING_RESULT_RE.fullmatch(last):  # one computation, one value, nothing doubted, bounded or offered beside it
        return not STATEMENT_DOUBTED_RE.search(re.sub(r"[=+*/×÷]|\\[A-Za-z]+", " ", last)) and last.count("=") == 1 and not (
            _BESIDE_RESULT_RE.search(last))
    return bool(ONE_VALUE_STATEMENT_RE.fullmatch(last)) and not STATEMENT_DOUBTED_RE.search(last)
