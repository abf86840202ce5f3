"""Stage 1, extraction: an answer's own line that hedges after it ("42... or maybe 43", "\\boxed{5} or \\boxed{6}"),
told apart from the same value restated ("or $0.5$ as a decimal") and the answer's own alternatives said again
("$f\\equiv 0$ or $f=\\mathrm{id}$, i.e. $f(x)=0$ ... or $f(x)=x$ ...")."""

from __future__ import annotations

import re

from .boxes import NAMED_ROOTS_JOIN_RE, _boxes
from .phrase import goes_on
from .tail import ALTERNATIVE_LEAD_RE


# "..., or $0.5$ as a decimal", "or equivalently 1/2": the same value restated, no second answer.
_RESTATED_RE = re.compile(r",?\s*or\s+(?:equivalently,?\s*(?:\$[^$]*\$|\S+)|(?:\$[^$]*\$|\S+)\s+(?:as an? "
                          r"(?:decimal|fraction|percent(?:age)?|mixed number)|in (?:decimal|percent(?:age)?|simplest) form))",
                          re.IGNORECASE)


# The answer said again in other words after it, its "or"s the answer's own alternatives (hedges are still read).
_SAME_ANSWER_RESTATED_RE = re.compile(r"^\s*[,;]?\s*\b(?:i\.\s?e\.|that is|namely|equivalently)(?![^\n]*\b(?:maybe|perhaps|possibly|"
                                      r"probably|sure|unsure|might|could|depend\w*|convention|if|unclear|hard|alternatively|otherwise|"
                                      r"certain|whether|which|either)\b)[,:]?\s[^\n]*$", re.IGNORECASE)
_SAME_LINE_HEDGE_RE = re.compile(r"\b(?:or|maybe|perhaps|possibly|probably|either|otherwise|alternatively|not sure|unsure|"
                                 r"depending|depends|may vary)\b",
                                 re.IGNORECASE)
_BETWEEN_BOXES_HEDGE_RE = re.compile(r"\b(?:if|could|might|when)\b", re.IGNORECASE)  # "\boxed{5}, and if n is odd \boxed{6}"


def hedged_line(text: str, answer_end: int) -> bool:
    """The answer's own line hedges after it, or between it and an earlier box on that line ("\\boxed{42} or
    \\boxed{43}", "42... or maybe 43"): no answer at all, since falling back would pick the other value."""
    line_start = text.rfind("\n", 0, answer_end) + 1
    line_end = text.find("\n", answer_end)
    line_end = len(text) if line_end < 0 else line_end
    sentence_end = re.compile(r"[.!?]\s+(?=[A-Z])").search(text, answer_end, line_end)  # the answer's own sentence
    line_end = sentence_end.start() if sentence_end else line_end
    first_box = next((b[0] for b in _boxes(text) if line_start <= b[0] < answer_end), answer_end)
    sentence_start = max([line_start] + [m.end() for m in re.finditer(r"[.!?:]\s+", text[line_start:first_box])])
    lead = text[line_start:first_box][sentence_start - line_start if sentence_start > line_start else 0:]
    if any(b[1] <= line_start for b in _boxes(text)) and ALTERNATIVE_LEAD_RE.search(lead):
        return True  # "\\boxed{5}\n\nOr maybe \\boxed{6}", "Alternatively: \\boxed{6}": a second answer offered
    segment = text[first_box:line_end]
    boxes_on_line = _boxes(segment)
    for (_, end, _), (start, _, _) in reversed(list(zip(boxes_on_line, boxes_on_line[1:]))):
        if NAMED_ROOTS_JOIN_RE.fullmatch(segment, end, start):  # "x = \boxed{2} \text{or} x = \boxed{3}": both roots
            segment = segment[:end] + " " * (start - end) + segment[start:]
    for start, end, content in reversed(boxes_on_line):
        segment = segment[:start] + " " + segment[end:]
    segment = _RESTATED_RE.sub(" ", segment)
    restated = _SAME_ANSWER_RESTATED_RE.search(segment)  # "$f\\equiv 0$ or $f=\\mathrm{id}$, i.e. $f(x)=0$ ... or $f(x)=x$ ..."
    alternatives = len(re.findall(r"\bor\b", text[line_start:answer_end]))
    if restated and alternatives and len(re.findall(r"\bor\b", restated.group())) == alternatives and set(
            re.findall(r"\d+", restated.group())) <= set(re.findall(r"\d+", text[line_start:answer_end])):
        segment = segment[:restated.start()]  # the answer's own alternatives said again, as many
    stated = re.findall(r"-?\d[\d,]*(?:\.\d+)?", text[line_start:answer_end]) or [""]
    if goes_on(stated[-1], text[answer_end:text.find("\n", answer_end) % (len(text) + 1)]):
        return True  # "The answer is 12, but we still need to subtract the rotten ones, which gives 9."
    return bool(_SAME_LINE_HEDGE_RE.search(segment) or len(boxes_on_line) > 1 and _BETWEEN_BOXES_HEDGE_RE.search(segment))
