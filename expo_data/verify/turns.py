"""Stage 1, extraction: a chat template's end of turn written out in a completion (the sampler was not told to stop
at it). What follows it is a turn the model invents ("<|im_start|>user ..."), never its answer."""

from __future__ import annotations

import re

_END_OF_TURN_RE = re.compile(r"<\|(?:im_end|eot_id|endoftext|end|end_of_turn|im_start|start_header_id|user)\|>|</s>|<end_of_turn>")


def own_turn_end(text: str) -> int | None:
    """Where the model's own turn ends: the first end-of-turn token with the model's text before it and another
    turn after it (a newline or a token next); None for a token at the very end, inside backticks, or closing an
    HTML strike-through ("<s>12</s>")."""
    for match in _END_OF_TURN_RE.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        if before.strip() and after.strip() and re.match(r"[ \t]*(?:\n|<\|)", after) and before.count("`") % 2 == 0 and not (
                match.group() == "</s>" and "<s>" in before):
            return match.start()
    return None
