"""Stage 1, extraction: \\boxed{} and \\fbox{} answers, found with their braces balanced, and the last one joined with
the boxes right before it when only ',' or 'and' separates them ("\\boxed{2} and \\boxed{3}")."""

from __future__ import annotations

import re

from .phrase import PHRASE_RE
from .tail import CHECK_RE

# Between side-by-side boxes: nothing, a comma, "and" or ';', with the math delimiters of
# "$\\boxed{2}$ and $\\boxed{3}$".
_BOX_JOIN_RE = re.compile(r"^\s*\$*(?:\s|\\q?quad|\\[,;: ])*(?:,|and|,\s*and|;|\\text\{\s*and\s*\})?"
                          r"(?:\s|\\q?quad|\\[,;: ])*\$*\s*(?:[a-z]\s*=\s*)?$")  # "$x = \boxed{10}$ and $x = \boxed{12}$"
# Roots each boxed after their name, joined by "or": "x = \\boxed{2} \\quad \\text{or} \\quad x = \\boxed{3}" (both solutions).
NAMED_ROOTS_JOIN_RE = re.compile(r"\s*\$*(?:\s|\\q?quad|\\[,;: ])*(?:or|\\text\s*\{\s*or\s*\})(?:\s|\\q?quad|\\[,;: ])*\$*\s*"
                                  r"[a-z]\s*=\s*")
_BOX_START_RE = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
# LaTeX's one-token argument: "\\boxed 5" boxes the 5 ("\\boxed 12" boxes only the 1: read as no box at all).
_BARE_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s+([0-9A-Za-z])(?![0-9A-Za-z]|\.\d)")


def _last_box_start(text: str) -> int:
    """Where the last \\boxed / \\fbox of any form starts; -1 if none."""
    starts = [m.start() for m in _BOX_START_RE.finditer(text)]
    if not starts:
        return -1
    # a box closed inside an earlier one (\boxed{\boxed{100}}) starts where the outer one does
    enclosing = [box[0] for box in _boxes(text) if box[0] < starts[-1] < box[1]]
    return enclosing[0] if enclosing else starts[-1]


def _closing_braces(text: str) -> dict[int, int]:
    """Where each '{' is closed, in one pass (a stack), so 2,000 nested boxes cost linear time."""
    closing, open_braces = {}, []
    for i, ch in enumerate(text):
        if ch == "{":
            open_braces.append(i)
        elif ch == "}" and open_braces:
            closing[open_braces.pop()] = i
    return closing


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every balanced \\boxed{...} / \\fbox{...} and one-token \\boxed 5, in order."""
    found = [(m.start(), m.end(), m.group(1)) for m in _BARE_BOX_RE.finditer(text)]
    closing = None
    for match in re.finditer(r"\\(?:boxed|fbox)\s*\{", text):
        closing = _closing_braces(text) if closing is None else closing
        end = closing.get(match.end() - 1)
        if end is not None:
            found.append((match.start(), end + 1, text[match.end():end].strip()))
    found.sort()
    # A box inside a box (\boxed{\boxed{100}}) is the same answer: only the outer one counts, read unwrapped.
    outer, furthest_end = [], -1
    for box in found:  # by start: a box ending within an earlier one lies inside it
        if box[1] > furthest_end:
            outer.append(box)
        furthest_end = max(furthest_end, box[1])
    return [(start, end, _unwrapped_box(content)) for start, end, content in outer]


def _unwrapped_box(content: str) -> str:
    inner = re.fullmatch(r"\\(?:boxed|fbox)\s*\{(.*)\}", content, re.DOTALL)
    while inner:  # a loop, not recursion: 2,000 nested boxes are text a model can write
        content = inner.group(1).strip()
        inner = re.fullmatch(r"\\(?:boxed|fbox)\s*\{(.*)\}", content, re.DOTALL)
    return content


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{...}, with nested braces balanced; None if absent or unclosed."""
    start = _last_box_start(text)
    if start < 0:
        return None
    boxes = [b for b in _boxes(text) if b[0] == start]
    return boxes[0][2] if boxes else None


def _final_boxed(text: str) -> tuple[str, int] | None:
    """(answer, end of the last box): the last non-empty box, joined with the boxes right before it when only
    ',' or 'and' separates them; None when the last box is unclosed or every box is empty."""
    start = _last_box_start(text)
    boxes = _boxes(text)
    if start < 0 or not boxes or boxes[-1][0] != start:
        return None
    end = boxes[-1][1]
    boxes = [b for b in boxes if b[2]]
    if not boxes:
        return None
    group = [boxes[-1]]
    for prev in reversed(boxes[:-1]):
        between = text[prev[1]:group[0][0]]
        if not _BOX_JOIN_RE.match(between) and not NAMED_ROOTS_JOIN_RE.fullmatch(between):
            break
        group.insert(0, prev)
    if len({b[2] for b in group}) == 1 and all(_only_layout(text[a[1]:b[0]]) for a, b in zip(group, group[1:])):
        return group[-1][2], end  # "\\boxed{7}\n\n\\boxed{7}": one answer repeated, not a list (x = 2, y = 2 is)
    return ", ".join(b[2] for b in group), end


def _only_layout(between: str) -> bool:
    """Nothing but space, math delimiters, bold or heading marks and "Final Answer" between two boxes."""
    return not re.sub(r"[\s$*:#]|Final Answer", "", between)


def cut_repeated_box(text: str) -> str:
    """A completion cut off by the token limit while repeating its box ("\\boxed{7}\\n\\n\\boxed{7}\\n\\n\\boxed{"):
    the text before the unclosed box, when the last two closed boxes say the same and the unclosed one starts
    the same way; the text itself otherwise (an unclosed box after one box, or another value, is no answer)."""
    start = _last_box_start(text)
    boxes = _boxes(text)
    if start < 0 or any(box[0] == start for box in boxes) or len(boxes) < 2:
        return text
    fragment = re.sub(r"^\\(?:boxed|fbox)\s*\{", "", text[start:]).strip()
    (_, _, before), (_, end, last) = boxes[-2:]
    between = text[end:start]
    if before == last and last.startswith(fragment) and _only_layout(between):
        return text[:start]
    return text


def box_before_check(text: str) -> str:
    """"**Answer:** $\\boxed{24}$\n\n**Verification:** ... $5! = \\boxed{120}$, so $120/5 = 24$ ✓": a box the check
    draws is the check's, not the answer; the text before the check keeps the answer's box."""
    check = CHECK_RE.search(text)
    boxes = _boxes(text)
    if not check or not any(end <= check.start() for _, end, _ in boxes) or not any(
            start > check.start() for start, _, _ in boxes) or PHRASE_RE.search(text, check.end()):
        return text
    # The check's own boxes ("= \\boxed{120}", "the total is $\\boxed{30}$, as given") are not the answer, unless the
    # check says it found an error and boxes what it arrived at ("Hmm, that gives 5, which contradicts ... $\\boxed{5}$").
    if _CHECK_CORRECTS_RE.search(text, check.end()):
        return text
    line = text[text.rfind("\n", 0, boxes[-1][0]) + 1:]
    if _CONCLUDING_BOX_LINE_RE.match(line) and not _CHECK_CONFIRMS_RE.search(text, check.end()):
        return text  # "The remainder is $\\boxed{5}$." closing a check that found no agreement: what it arrived at
    return text[:check.start()]


_CHECK_CORRECTS_RE = re.compile(r"\b(?:contradict\w*|instead|re-?read\w*|trust|actually|oops|mistake\w*|errors?|wrong|"
                                r"incorrect|redo|re-?check\w*|should (?:be|have been)|I was)\b", re.IGNORECASE)
_CHECK_CONFIRMS_RE = re.compile(r"[✓✔]|\b(?:consistent|match(?:es)?|as given|checks out|correct|confirm\w*|verified|agrees?)\b",
                                re.IGNORECASE)
_CONCLUDING_BOX_LINE_RE = re.compile(r"(?:so|thus|therefore|hence|the)\b[^$\n]{0,60}\b(?:is|equals)\s*:?\s*\$?\s*\\boxed",
                                     re.IGNORECASE)


def closing_before_check(text: str) -> str:
    """The text before a closing "Check:" / "Verification:" paragraph, whose numbers restate the question
    ("Check: $2(5) + 3 = 13$"), when an answer stands before it."""
    check = CHECK_RE.search(text)
    if not check or not re.search(r"(?<![A-Za-z\d.])-?\.?\d", text[:check.start()]):
        return text
    after = re.split(r"\n\s*\n", text[check.end():].strip())
    closing = after[-1].strip() if len(after) > 1 else ""  # "Check: 3 + 2 = 5 ✓\n\n**x = 1, y = 2**": the bold line
    answer_like = re.fullmatch(r"\*\*[^*\n]+\*\*\.?", closing) and not re.search(
        r"[✓✔]|\b(?:step|check\w*|verif\w*)\b|^\W*-?[\d.]+\s*=\s*-?[\d.]+\W*$", closing, re.IGNORECASE)  # "**7 = 7 ✓**"
    last_line = text[check.end():].strip().splitlines()[-1].strip() if text[check.end():].strip() else ""
    last_line = closing if len(after) > 1 and re.match(r"(?:\*\*)?(?:so|thus|therefore|hence)\b", closing, re.IGNORECASE) else (
        last_line)  # "So, with $a \le b \le c$, the solutions are\n$$...$$.": the closing paragraph, whole
    lead = re.match(r"(?:\*\*)?(?:so|thus|therefore|hence|finally|in conclusion)\b,?|(?P<the>(?:the|our)\s+[A-Za-z][A-Za-z ]{0,40}?"
                    r"\s+(?:is|are|equals)\s)", last_line, re.IGNORECASE)  # or its own "The remainder is $2$."
    concluded = len(text[check.end():].strip().splitlines()) > 1 and lead and not re.search(
        r"[✓✔?]|\b(?:check\w*|verif\w*|holds|works|correct|satisf\w*|consistent)\b", last_line, re.IGNORECASE)
    before = text[:check.start()].strip()
    stated = re.findall(r"\d+(?:\.\d+)?", re.sub(r"[_^]\{[^{}]*\}|\\mathbb\s*\{?\w\}?", "", last_line))  # not "\mathbb{Z}_{>0}"
    restated = set(stated) <= set(re.findall(r"\d+(?:\.\d+)?", before[-200:])) and not (  # "The remainder is $2$.": the
        lead and lead.group("the") and stated[-1:] != re.findall(r"\d+(?:\.\d+)?", re.sub(r"\\pmod\s*\{?\s*\d+\}?|\(mod\s*\d+\)",
                                                                                      "", before))[-1:])
    if concluded and not answer_like and restated:  # "Check: 2304 + 4096 = 80^2 ✓.\nSo $n = 12$." after "... = 2^{12}."
        closing, answer_like = last_line, True
    return text[:check.start()] + ("\n\n" + closing if answer_like else "")
