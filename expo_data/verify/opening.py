"""Stage 1, extraction: an answer stated first, then derived. A self-explanation written with the reference answer in
its prompt opens on that answer ("The answer is 18.") and then works towards it; what the model commits to is where
its derivation ends. When the derivation, read on its own as any completion is, concludes another value ("So Janet
makes $126.", "The solutions are $x = 1$ and $x = 6$.") the completion states two answers and commits to neither."""

from __future__ import annotations

import re
from typing import Callable

_OPENING_CHARS = 300  # the stated answer opens the text: its first or second line, a sentence or two


def opens_on_answer(text: str, stated_end: int) -> bool:
    head = text[:stated_end].strip()
    return len(head) <= _OPENING_CHARS and len(head.splitlines()) <= 2


_CHECK_LINE_RE = re.compile(r"(?im)(?:^|(?<=[.!?])[ \t]+)[ \t*#(]*(?:check(?:ing)?|verif(?:y|ication)|plugging (?:it )?back|"
                            r"sanity check|alternatively|note)\b[^\n]*")


def _symbolic(stated: str) -> bool:
    """The answer is a formula in a letter ("2n(n-1)+1"), not a value ("x = 6", "18 dollars", "\\frac{1}{2}")."""
    plain = re.sub(r"\\[A-Za-z]+|\b[A-Za-z]{2,}\b", " ", stated)
    return bool(re.search(r"[A-Za-z]", re.sub(r"^\W*[A-Za-z]\s*=", "", plain)))


def derivation_agrees(text: str, stated: str, stated_end: int,
                      read_alone: Callable[[str], tuple[str | None, str | None]]) -> bool | None:
    """When the answer opens the text: whether the work after it, read alone by `read_alone`, concludes the same
    value (True) or another (False); None when the answer does not open the text or the work concludes nothing
    readable (the opening answer stands)."""
    if not opens_on_answer(text, stated_end) or _symbolic(stated):
        return None  # a formula in n: the work may close on an instance of it ("for n = 3 this gives 13")
    tail = text[stated_end:]
    work = tail[tail.find("\n") + 1:] if "\n" in tail else ""
    if not re.search(r"\d", work):
        return None  # no work on later lines: only the answer's own line
    work = _CHECK_LINE_RE.sub("", work)  # "Check: 18/2 = 9", "Plugging back: 5 + 3 = 8": a check, no conclusion
    derived, _ = read_alone(work) if work.strip() else (None, None)
    if not derived or len(derived) > 80:
        return None  # nothing concluded, or no one value (a run of junk is never compared)
    from .compare import verify_one  # the comparison stage: a derived "$18 per day" restates 18

    return bool(verify_one(stated, derived)[0] or verify_one(derived, stated)[0])
