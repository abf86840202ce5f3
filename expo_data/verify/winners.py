"""A game's winner, said with or without the claim: "Alice", "Alice wins", "Bob has a winning strategy", "the
player who moves second wins" (the second player); with the condition on n under which a player wins ("the first
player wins if and only if 4 ∤ n", "the second player wins exactly when n ≡ 0 (mod 4)"); and a closing sentence
that names the winner ("So the first player (A) wins.", "Since 2024 is even, **Alice** wins by always subtracting 1.")."""

from __future__ import annotations

import re

# Who wins a game, said with or without the claim: "Alice", "the first player wins", "Bob has a winning strategy".
_WINS = (r"wins|will win|can always win|can force a win|always wins|has a winning strategy|has the winning strategy")
_WINNER_RE = re.compile(rf"^(?:the )?(?:player )?([a-z]+(?: player)?)(?: (?:{_WINS}|(?:arrives|finishes|comes in|is) first"
                        r"(?:,? [^,;]*?\bahead of [a-z]+)?))?$")  # "Player B wins", "Carol arrives first, 2 minutes ahead of Dave"


def winner(words: str) -> str | None:
    words = re.sub(r"\b(?:the )?player (?:who|that) (?:moves|plays|goes) (first|second)\b", r"the \1 player", words)
    words = re.sub(r"^the winner is ", "", re.sub(r"\s*\([a-z]+\)", "", words)).strip()  # "the first player (alice) wins"
    match = _WINNER_RE.match(words)
    return match.group(1).replace("1st", "first").replace("2nd", "second") if match else None


# "the first player wins if and only if $4 \\nmid n$", "the second player has a winning strategy exactly when ...".
_CONDITIONED_RE = re.compile(rf"^(?:the )?(first|second)(?: player)?(?: \([a-z]+\))? (?:{_WINS}) (?:if and only if|iff|"
                             r"exactly when|precisely when|exactly for|precisely for) (.+)$")
_OTHER = {"first": "second", "second": "first"}


def conditioned_winner_verdict(gold_words: str, answer_words: str) -> bool | None:
    """Both sides say which player wins under a condition on n: the first player's winning n the same on both
    (the second wins exactly where the first does not); None unless both read whole."""
    from .families import condition_members

    sides = [_CONDITIONED_RE.match(words) for words in (gold_words, answer_words)]
    if not all(sides):
        return None
    constants = [int(c) for side in sides for c in re.findall(r"\d+", side.group(2))]
    high = max([240] + [3 * c for c in constants])  # "n is odd or n = 1000": past any window of a fixed width
    if high > 100_000:
        return None
    members = [condition_members(side.group(2), high) for side in sides]
    if None in members:
        return None
    universe = set(range(1, high + 1))
    first = [m if side.group(1) == "first" else universe - m for side, m in zip(sides, members)]
    return first[0] == first[1]


# A closing sentence that names the winner, a reason after it: "So the first player (A) wins.",
# "The second player (Bob) wins by always restoring the count to 1 (mod 4).", "**Alice** wins by subtracting 1."
_CLOSING_WINNER_RE = re.compile(rf"^(?i:(?:so|thus|hence|therefore|consequently)\s*,?\s+)?(?i:the\s+)?(?P<who>(?i:(?:first|second)\s+player|"
                                rf"player\s+[AB12])|(?!(?:It|He|She|One|Nobody|Neither|Either|Each|Every)\b)[A-Z][a-z]+)(?:\s*\([^()]*\))?\s+(?P<claim>{_WINS})"
                                r"(?:\s*,?\s+(?:by|using)\b(?![^\n]*\b(?:if|when\w*|for|except|apart|assum\w*|as long|while|with|unless|"
                                r"only|odd|even|otherwise|but|probability|[a-z])\b)[^\n]*)?\s*[.!]?\s*$")


def closing_winner(text: str) -> str | None:
    """"the first player wins" when the text's closing sentence names the winner; None otherwise."""
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z*])|\n", text.strip())[-1].replace("**", "").strip()
    last = re.sub(r"^(?:since|because|as)\b(?![^,]*(?:\$\s*[a-z]\s*\$|\b[a-z]\b))[^,]*,\s*", "", last,
                  flags=re.IGNORECASE)  # "Since 2024 is even, Alice wins"; "Since n is even, ..." is a condition
    plain = re.sub(r"\s+", " ", last.replace("$", "")).strip().rstrip(".!").lower()
    conditioned = _CONDITIONED_RE.match(re.sub(r"^(?:so|thus|hence|therefore|consequently),? ", "", plain))
    if conditioned and conditioned_winner_verdict(conditioned.group(), conditioned.group()):
        return conditioned.group()  # "So the first player has a winning strategy exactly when n ≢ 0 (mod 4)."
    match = _CLOSING_WINNER_RE.match(last)
    if not match or re.search(r"\b(?:if|unless|when|not|never|cannot|might|may|could)\b|n't\b", last, re.IGNORECASE):
        return None
    who = match.group("who")
    return f"{'the ' if 'player' in who.lower() and not who.lower().startswith('player') else ''}{who} {match.group('claim')}"
