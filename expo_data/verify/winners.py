"""A game's winner, said with or without the claim: "Alice", "Alice wins", "Bob has a winning strategy", "the
player who moves second wins" (the second player)."""

from __future__ import annotations

import re

# Who wins a game, said with or without the claim: "Alice", "the first player wins", "Bob has a winning strategy".
_WINNER_RE = re.compile(r"^(?:the )?(?:player )?([a-z]+(?: player)?)(?: (?:wins|will win|can always win|can force a win|"
                        r"always wins|has a winning strategy|has the winning strategy|(?:arrives|finishes|comes in|is) first"
                        r"(?:,? [^,;]*?\bahead of [a-z]+)?))?$")  # "Player B wins", "Carol arrives first, 2 minutes ahead of Dave"


def winner(words: str) -> str | None:
    words = re.sub(r"\b(?:the )?player (?:who|that) (?:moves|plays|goes) (first|second)\b", r"the \1 player", words)
    words = re.sub(r"^the winner is ", "", re.sub(r"\s*\([a-z]+\)", "", words)).strip()  # "the first player (alice) wins"
    match = _WINNER_RE.match(words)
    return match.group(1).replace("1st", "first").replace("2nd", "second") if match else None
