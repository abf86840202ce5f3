"""Stage 0, the gold: a reference that is a whole solution (a MATH `solution` field ending in \\boxed{...}, a
GSM8K `answer` field with its <<...>> calculator notes and a closing `#### 72`) holds its answer where the
dataset's own convention puts it; that answer, not the prose, is the gold to compare and to type."""

from __future__ import annotations

from .extract import _final_boxed


def gold_answer(reference: str) -> tuple[str, bool]:
    """(the gold's answer, whether it was taken out of a longer solution). The line after the last `####` wins
    (GSM8K); else the last box, with the boxes that stand beside it (MATH); else the reference unchanged. A box
    whose closing brace is missing leaves the reference as it is (read as text, and flagged by the audit)."""
    text = reference.strip()
    if "####" in text:
        lines = text.rsplit("####", 1)[1].strip().splitlines()
        if lines and lines[0].strip():
            return lines[0].strip(), True
        return reference, False
    if "\\boxed" in text or "\\fbox" in text:
        boxed = _final_boxed(text)
        if boxed and boxed[0].strip():
            return boxed[0].strip(), boxed[0].strip() != text
    return reference, False
