"""Stage 1, extraction: asides that close a completion (footnotes, a paragraph labelled "Remark." or "Note:"), whose
numbers (another case, a generalisation, a side computation) are no answer; kept when they speak of the answer."""

from __future__ import annotations

import re

from .tail import CORRECTION_CUE_RE


# Footnotes closing the text: "¹ Standard rounding: ...", "[^1]: ...", "† ...", after an optional rule line.
_FOOTNOTES_RE = re.compile(r"(?:\n[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*)?(?:\n[ \t]*(?:[¹²³⁴⁵⁶⁷⁸⁹]|\[\^\d{1,2}\]:|[†‡])[ \t]*"
                           r"[^\n]+)+\s*$")
_FOOTNOTE_MARKER_RE = re.compile(r"\n[ \t]*([¹²³⁴⁵⁶⁷⁸⁹]|\[\^\d{1,2}\]|[†‡])")
# A footnote that speaks of the answer ("¹ Correction: the correct answer is 8", "† Final answer: 96") is no aside.
_FOOTNOTE_ANSWERS_RE = re.compile(r"\b(?:answers?|final|should|wrong|incorrect|instead|correct(?:ion|ed)?)\b", re.IGNORECASE)


def without_footnotes(text: str) -> str:
    """The text without the footnotes that close it, nor their marks ("**9 trucks**¹"): asides the reader may skip,
    whose numbers ("42 ÷ 5 = 8.4") are no answer. A mark is taken off only where a mark sits (after a word, bold or
    punctuation), never an exponent ("x²", "25 m²", "2³")."""
    notes = _FOOTNOTES_RE.search(text)
    if not notes or not text[:notes.start()].strip() or _FOOTNOTE_ANSWERS_RE.search(notes.group()) or (
            CORRECTION_CUE_RE.search(notes.group())):
        return text
    marks = "|".join(re.escape(m) for m in set(_FOOTNOTE_MARKER_RE.findall(notes.group())))
    return re.sub(rf"(?:(?<=\*\*)|(?<=[.,;:!?)%])|(?<=[A-Za-z]{{3}}))(?:{marks})", "", text[:notes.start()])


# A closing paragraph labelled as an aside: "*Remark.* For a general board the same argument gives $m^2$ ...".
_REMARK_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n[ \t]*(?:\*{1,2}|_)?(?:remarks?|notes?|aside|comments?|generali[sz]ations?|side note)"
                                  r"(?:\s+\d+)?[.:]?(?:\*{1,2}|_)?[.:]?[ \t]+\S[^\n]*(?:\n[^\n]+)*\s*$", re.IGNORECASE)


_REMARK_ANSWERS_RE = re.compile(r"\b(?:ask\w*|question|request\w*|wants?|wanted|convert\w*|express\w*|total|overall|whole|"
                                r"actually|so|thus|hence|therefore|really|true|exact\w*|get|gets|double\w*|halv\w*|"
                                r"multipl\w*|divid\w*|add\w*|subtract\w*|need\w*|must)\b", re.IGNORECASE)  # "which was asked, is 8"


def without_remark_paragraph(text: str) -> str:
    """The text without a closing paragraph labelled as a remark, whose numbers (another case, a generalisation) are
    no answer; kept when the remark speaks of the answer ("Note: the correct answer is 8")."""
    remark = _REMARK_PARAGRAPH_RE.search(text)
    if not remark or not re.search(r"\d", text[:remark.start()]) or _FOOTNOTE_ANSWERS_RE.search(remark.group()) or (
            CORRECTION_CUE_RE.search(remark.group())) or _REMARK_ANSWERS_RE.search(remark.group()):
        return text
    return text[:remark.start()]
