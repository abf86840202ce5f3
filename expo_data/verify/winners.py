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

_ALIAS = r"\s*\((?:the )?[a-z]+(?: player)?\)"  # "alice (the first player)", "the first player (a)": one player, two names


def winner(words: str) -> str | None:
    words = re.sub(r"\b(?:the )?player (?:who|that) (?:moves|plays|goes) (first|second)\b", r"the \1 player", words)
    words = re.sub(r"^the winner is ", "", re.sub(_ALIAS, "", words)).strip()  # "the first player (alice) wins"
    match = _WINNER_RE.match(words)
    return match.group(1).replace("1st", "first").replace("2nd", "second") if match else None


# Who wins for which n, clause by clause: "the first player wins if and only if $4 \\nmid n$", "alice wins for even n
# and bob wins for odd n", "the second player wins if n is divisible by 3; otherwise the first player wins".
_PLAYER = (rf"(?:the )?(?:player )?(?P<player>first|second|[a-z]+)(?: player)?(?:{_ALIAS})?"
           r"(?:,? (?:moving|playing|going|who (?:moves|plays|goes)) (?:first|second),?)?")  # "alice, moving first,"
_ORDINALS = {"first", "second"}
_PARTNERS = {"alice": "bob", "bob": "alice", "a": "b", "b": "a", "first": "second", "second": "first"}  # the usual pairs
_WHEN = r"(?:if and only if|iff|exactly when|precisely when|exactly for|precisely for|if|when|whenever|for)"
_CLAIM = rf"(?:{_WINS}|has one|does)"  # "... and alice has one otherwise"
_BY = (r"(?: by (?![^;]*\b(?:if|when|unless|only|except|but|apart|assum\w*|provided|for|not|least|most|small|large|some)\b)"
       r"[^,;—–]*)?")  # "... bob wins by always taking 4 - k": the strategy
_CLAUSE_RES = (re.compile(rf"^{_PLAYER} (?:{_WINS}) (?P<when>{_WHEN}) (?P<condition>.+)$"),
               re.compile(rf"^(?:for|when|if) (?P<condition>.+?),? {_PLAYER} (?:{_WINS}){_BY}$"),
               re.compile(rf"^(?:otherwise|else|in all other cases),? {_PLAYER} {_CLAIM}{_BY}$"),
               re.compile(rf"^{_PLAYER} {_CLAIM}{_BY} (?:otherwise|in all other cases|for all other n)$"))
_NOT_A_PLAYER = {"it", "he", "she", "one", "nobody", "neither", "either", "each", "every", "no", "n", "so", "thus"}


def winner_conditions(words: str) -> list[tuple[str, str | None]] | None:
    """[(player, condition or None for "otherwise")] of a statement read whole into such clauses; None otherwise."""
    words = re.sub(r"^(?:so|thus|hence|therefore|consequently),? ", "", words.strip().rstrip(".!"))
    clauses = [c for c in re.split(r"\s*;\s*|,? (?:and|while|whereas) (?=(?:the |player |for |when |if |otherwise )?"
                                   r"(?:[a-z]+ (?:player )?(?:wins|has|can|will|always)|for|when|if|otherwise))|,\s+(?=otherwise)",
                                   words) if c]
    read, exact = [], False
    for clause in clauses:
        match = next((m for m in (r.match(clause) for r in _CLAUSE_RES) if m), None)
        if not match or match.group("player") in _NOT_A_PLAYER:
            return None
        read.append((match.group("player"), match.groupdict().get("condition")))
        exact = exact or bool(re.match(r"(?:if and only if|iff|exactly|precisely)", match.groupdict().get("when") or ""))
    if len(read) == 1 and read[0][1] and not exact:
        return None  # "When 4 | n, Bob wins.": a sufficient condition; who wins otherwise is not said
    return read or None


def _members_by_player(clauses, high: int) -> dict[str, set[int]] | None:
    from .families import condition_members

    universe, members, rest = set(range(1, high + 1)), {}, []
    for player, condition in clauses:
        if condition is None:
            rest.append(player)
            continue
        found = condition_members(condition, high)
        if found is None or player in members:
            return None
        members[player] = found
    if len(rest) > 1 or rest and rest[0] in members:
        return None
    if rest:
        members[rest[0]] = universe - set().union(*members.values())
    return members


def _letter(condition: str) -> str | None:
    from .family_reading import _read

    family = _read(condition)
    return next((f.variable for f in family or [] if f.variable), None)


def conditioned_winner_verdict(gold_words: str, answer_words: str) -> bool | None:
    """Both sides say which player wins for which n: each player's winning n the same on both, the other player
    winning exactly where one does not (two players); None unless both read whole, with a condition somewhere."""
    sides = [winner_conditions(words) for words in (gold_words, answer_words)]
    if not all(sides) or not all(any(c for _, c in side) for side in sides):
        return None
    constants = [int(c) for side in sides for _, condition in side for c in re.findall(r"\d+", condition or "")]
    high = max([240] + [3 * c for c in constants])  # "n is odd or n = 1000": past any window of a fixed width
    players = {player for side in sides for player, _ in side} | ({"first", "second"} if any(
        player in _ORDINALS for side in sides for player, _ in side) else set())
    if len(players) == 1 and _PARTNERS.get(next(iter(players))):
        players.add(_PARTNERS[next(iter(players))])  # "Alice wins iff n is even" on both sides: Bob wins the rest
    gold_players = {player for player, _ in sides[0]}
    partners = gold_players | {_PARTNERS.get(player) for player in gold_players}
    letters = [{_letter(c) for _, c in side if c} for side in sides]
    if high > 100_000 or not 1 <= len(players) <= 2 or not players <= partners | _ORDINALS or letters[0] != letters[1]:
        return None  # a third player, a player the gold's pair does not have, conditions on another letter
    universe = set(range(1, high + 1))
    members = [_members_by_player(side, high) for side in sides]
    if None in members:
        return None
    for side in members:  # the other player wins where this one does not
        for player in players - set(side):
            side[player] = universe - side[next(iter(side))]
    return all(members[0][p] == members[1][p] for p in players)


# A closing sentence that names the winner, a reason after it: "So the first player (A) wins.",
# "The second player (Bob) wins by always restoring the count to 1 (mod 4).", "**Alice** wins by subtracting 1."
_CLOSING_WINNER_RE = re.compile(rf"^(?i:(?:so|thus|hence|therefore|consequently)\s*,?\s+)?(?i:the\s+)?(?P<who>(?i:(?:first|second)\s+player|"
                                rf"player\s+[AB12])|(?!(?:It|He|She|One|Nobody|Neither|Either|Each|Every)\b)[A-Z][a-z]+)(?:\s*\([^()]*\))?\s+(?P<claim>{_WINS})"
                                r"(?:\s*,?\s+(?:by|using)\b(?![^\n]*\b(?:if|when\w*|for|except|apart|assum\w*|as long|while|with|unless|"
                                r"only|odd|even|otherwise|but|probability|[a-z])\b)[^\n]*)?\s*[.!]?\s*$")


def closing_winner(text: str) -> str | None:
    """"the first player wins" when the text's closing sentence names the winner; None otherwise."""
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z*])|\n", text.strip())[-1].replace("**", "").strip()
    last = re.sub(r"^(?:final answer|answer|conclusion|result)\s*[:.]+\s*", "", last, flags=re.IGNORECASE)  # "**Answer:** ..."
    last = re.sub(r"^(?:since|because|as)\b(?![^,]*(?:\$\s*[a-z]\s*\$|\b[a-z]\b))[^,]*,\s*", "", last,
                  flags=re.IGNORECASE)  # "Since 2024 is even, Alice wins"; "Since n is even, ..." is a condition
    plain = re.sub(r"\s+", " ", last.replace("$", "")).strip().rstrip(".!").lower()
    if any(c for _, c in winner_conditions(plain) or []) and conditioned_winner_verdict(plain, plain):
        return re.sub(r"^(?:so|thus|hence|therefore|consequently),? ", "", plain)  # "So the first player wins exactly when ..."
    match = _CLOSING_WINNER_RE.match(last)
    if not match or re.search(r"\b(?:if|unless|when|not|never|cannot|might|may|could)\b|n't\b", last, re.IGNORECASE):
        return None
    who = match.group("who")
    return f"{'the ' if 'player' in who.lower() and not who.lower().startswith('player') else ''}{who} {match.group('claim')}"
