"""Stage 1, extraction: a closing that characterises its answer ("Hence $a_0$ must be a multiple of $3$"): the
number closing it is the property's, never the answer; the clause is read whole, as a family."""

from __future__ import annotations

import re

from .phrase import has_hedge


# The last value closes a characterisation ("$a_0$ must be a multiple of $3$", "$n$ is divisible by $4$"): the number
# is the property's, never the answer.
CHARACTERISED_BY_RE = re.compile(r"\b(?:(?:multiples?|divisors?|factors?|powers?)\s+of|divisible\s+by|congruent\s+to|"
                                 r"coprime\s+(?:to|with)|relatively\s+prime\s+to)\s*$", re.IGNORECASE)


def characterisation_clause(text: str) -> tuple[str | None, str | None]:
    """The closing clause that characterises a variable ("$a_0$ must be a multiple of $3$"), read as a family; none
    when its subject is no lone variable: "$n^3 - n$ is always divisible by $6$" states the divisor 6, read as before."""
    clause = re.split(r"[.!?;:](?:\s|(?=[A-Z]))|\n", text)[-1].strip()  # sentences the conclusion joined: ".Hence"
    clause = re.sub(r"^(?:hence|so|thus|therefore|consequently|in conclusion)\b,?\s*", "", clause, flags=re.IGNORECASE)
    subject = re.match(r"(?:(?:all|every|each)\s+(?:positive\s+|nonnegative\s+)?(?:integers?\s+|numbers?\s+)?)?"
                       r"(?:\$\s*[a-zA-Z](?:_\{?\w+\}?)?\s*\$|[a-z](?:_\{?\w+\}?)?\b)", clause)
    return (clause, "last_math") if subject and not has_hedge(clause) else (None, None)  # "$n^3 - n$ is divisible by $6$": 6
