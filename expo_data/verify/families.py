"""Stage 3, comparison: answers that are infinite families, as olympiad golds write them ("all odd primes",
"n \\equiv 0 \\text{ or } 3 \\pmod 4", "n = 2^k for some integer k \\ge 0", "m \\neq 1", "n=1,2,4,8,\\dots",
"x = \\frac{\\pi}{4} + k\\pi, k \\in \\mathbb{Z}"). A side is read whole into conditions on one variable, or it
is no family (None: the other comparisons decide). Two families are equal when they have the same members in a
window wide enough to hold every constant either side writes: integers for integer families, and for a family of
reals written with pi (solutions of a trigonometric equation), its members within [-30, 30]. A side that states
no domain takes the other's; when neither does, the variable ranges over the positive integers, as the question
("find all n") most often says. Precision first: any word or symbol not read leaves the side unread."""

from __future__ import annotations

import re

from .family_reading import (_DOMAINS, _NUM, _REAL_WINDOW, _WINDOW, _Family, _lambda, _read,
                             _spelled)


def _members(family: _Family, domain: str | None, low: int, high: int) -> set | None:
    """The family's members in [low, high] (integers), or in [-30, 30] for a real family; None when unreadable."""
    conditions = family.alternatives
    states_its_range = family.generated and family.parameter_bounded and not family.domain
    if states_its_range:
        low = -high  # "2k-1, k >= 0" states -1 itself: it is not cut to the positives
    if family.generated:
        values = set()
        span = max(abs(low), abs(high)) + 2
        for expression, parameter in family.generated:
            function, _ = _lambda(expression, parameter)
            for k in range(-span, span + 1):
                if not all(c(k) for c in family.parameter_conditions):
                    continue
                try:
                    value = function(k)
                except (OverflowError, ZeroDivisionError, ValueError):
                    continue
                if family.real:
                    if abs(value) <= _REAL_WINDOW:
                        values.add(round(value, 9))
                elif float(value).is_integer() and low <= value <= high:
                    values.add(int(value))
        candidates = sorted(values)
    else:
        if family.real:
            return None
        candidates = range(low, high + 1)
    in_domain = _DOMAINS[domain] if domain and not family.real else (lambda n: True)
    if states_its_range:
        in_domain = lambda n: True  # noqa: E731
    return {n for n in candidates if in_domain(n) and (not any(conditions) or any(all(c(n) for c in alt)
                                                                                      for alt in conditions if alt))}


# Letters that name integers in every olympiad statement: "n > 2" over them is "n \\ge 3".
_INTEGER_LETTERS = ("n", "m", "k")


def _said_integer(families: list[_Family]) -> bool:
    """Some side says its members are integers in words or symbols (not only by its letter)."""
    return any(f.integer_signal or f.domain or f.generated and f.declared for f in families)


def _explicitly_integer(families: list[_Family]) -> bool:
    """The side says its members are integers: a domain word, a congruence, parity, divisibility, a listed run, a
    declared integer parameter. Bounds alone ("k \\le 1", "p > 1") are a range of reals."""
    read = [f for f in families if not f.constant_member]  # "p = 2 or p \\equiv 1 \\pmod 4": the congruence says
    return bool(read) and all(f.integer_signal or f.domain or f.generated and f.declared or f.variable in _INTEGER_LETTERS
                              for f in read)


def _members_of(families: list[_Family], domain: str, low: int, high: int) -> set | None:
    members = set()
    for family in families:
        found = _members(family, family.domain or domain, low, high)
        if found is None:
            return None
        members |= found
    return members


def _listed_integers(text: str) -> set[int] | None:
    """{-2, -1, 0, 1, 2} / -2, -1, 0, 1, 2 / n = 1, 2, 3 / n = 1, 2, ..., 5: a finite list of integers; None otherwise."""
    text = re.sub(r"^\s*[a-z]\s*(?:=|\\in|in\b)\s*", "", _spelled(text).replace("{", " ").replace("}", " ")).strip()
    run = re.fullmatch(rf"({_NUM}) ?, ?({_NUM}) ?, ?\.\.\. ?, ?({_NUM})", text)  # "2, 3, ..., 10": the run written out
    if run:
        first, second, last = (int(v) for v in run.groups())
        step = second - first
        if step == 0 or (last - first) % step or not 0 < (last - first) // step < 10_000:
            return None
        return set(range(first, last + 1 if step > 0 else last - 1, step))
    if not re.fullmatch(rf"{_NUM}(?: ?, ?{_NUM})+", text):  # one value is a residue or a value, not a set
        return None
    return {int(v) for v in re.findall(_NUM, text)}


def _family_against_list(family: list[_Family], listed: set[int]) -> bool | None:
    """{n in Z : n^2 < 5} against {-2, -1, 0, 1, 2}: the family's members, all of them in the window; None when
    the family does not say its members are integers."""
    if not _explicitly_integer(family) or any(f.real for f in family):
        return None
    bounds = [c for f in family for c in f.bound_constants + f.constants] + list(listed)
    high = max([_WINDOW] + [3 * abs(c) for c in bounds])
    domain = next((f.domain for f in family if f.domain), "Z" if min(bounds + [1]) <= 0 else "Z+")
    domains = [domain] if _said_integer(family) else ["Z", "Z+"]  # by its letter only: the same in either domain
    verdicts = {None if m is None else m == listed for m in (_members_of(family, d, -high if d == "Z" else 0, high)
                                                              for d in domains)}
    if verdicts == {True} and any(_members_of(family, d, -10 * high if d == "Z" else 0, 10 * high) != listed
                                  for d in domains):
        return False  # "n = 5^k, k >= 0" has members past the window: no finite list is it
    return verdicts.pop() if len(verdicts) == 1 else None


def _subscripted(text: str) -> set[str]:
    return {f"{m.group(1)}_{m.group(2)}" for m in re.finditer(r"\b([a-z])\s*_\s*\{?\s*(\d+)\s*\}?", text)}


def family_verdict(gold: str, answer: str) -> bool | None:
    """Both sides families: the same members (see the module's note); None when either side is no family. A bare
    form ("4k+1") answers a gold that names its domain ("all primes p \\equiv 1 \\pmod 4")."""
    gold_family, answer_family = _read(gold), _read(answer)
    if gold_family is not None and answer_family is not None and _subscripted(gold) and _subscripted(answer) and (
            _subscripted(gold) != _subscripted(answer)):
        return False  # "$a_1$ is a multiple of 3" speaks of another term than "$a_0 \\equiv 0$"
    if gold_family is not None and any(f.domain for f in gold_family) and answer_family is None and re.fullmatch(
            r"[\d\s+\-*^()a-z]*\d[\d\s+\-*^()a-z]*", answer.strip().strip("$")):
        answer_family = _read("of the form " + answer)
    listed = _listed_integers(answer) if gold_family is not None and answer_family is None else None
    if listed is not None:
        return _family_against_list(gold_family, listed)
    listed = _listed_integers(gold) if gold_family is None and answer_family is not None else None
    if listed is not None:
        return _family_against_list(answer_family, listed)  # "n = 1, 2, 3, 4, 5" answered "1 \\le n < 6"
    if gold_family is None or answer_family is None:
        return None
    real = {f.real for f in gold_family + answer_family}
    if len(real) != 1:
        return None
    forms = len(gold_family) > 1 and all(f.generated for f in gold_family)  # "n = 6k+1 or n = 6k+5"
    if real == {False} and not forms:
        if not _explicitly_integer(gold_family):
            return None  # "k \\le 1" is a range of reals; "x = 2n + 1" a formula in a problem's n
        if any(f.generated and not f.declared and f.variable not in _INTEGER_LETTERS for f in gold_family):
            return None  # "x = 2n + 1" may be a formula in the problem's n; "n = 4k + 1" is a family
        if any(f.generated and not f.declared for f in answer_family) and not all(
                (f.integer_signal or f.constant_member) and (not f.generated or f.declared) for f in gold_family):
            return None  # "n = 4k + 1" answers a congruence or a parity, nothing less explicit
    variables = {f.variable for f in gold_family + answer_family if not f.generated} - {None}
    if len(variables) > 1 and not any(f.generated for f in gold_family + answer_family):
        return None  # two families of different letters, neither parametric: two unknowns, not one
    constants = [c for f in gold_family + answer_family for c in f.constants]
    bounds = [c for f in gold_family + answer_family for c in f.bound_constants]
    stated = {f.domain for f in gold_family + answer_family if not (f.constant_member and not f.generated)} - {None}
    domain = next(iter(stated)) if len(stated) == 1 else ("Z" if any(b <= 0 for b in bounds) else "Z+")
    if len(stated) > 1:
        domain = "Z"
    if domain == "P" and not any(f.domain or f.variable in ("p", "q") for f in gold_family):
        # only the answer says primes ("all primes $n$" for "n = 4 or n is prime"): it narrows, the question did not
        # (a gold in p or q names primes by its letter)
        domain = "Z" if any(b <= 0 for b in bounds) else "Z+"
    high = max([_WINDOW] + [3 * abs(c) for c in constants])
    if domain == "P" and not re.search(r"\bprimes?\b", answer, re.IGNORECASE):
        # "2k+1", "p odd" or "p >= 5" for "all primes p >= 5": the answer must say primes itself; a congruence
        # ("p \equiv 1 \pmod 4") is left to the residue reading, as the question names its primes
        return None if re.search(r"\\equiv|≡|\\pmod|\bmod\b", answer) else False
    verdict = _same_members(gold_family, answer_family, domain, high)
    if verdict is not None and not stated and not _said_integer(gold_family + answer_family):
        # Integers only by their letter ("k \\le 1", "m \\neq 1"): no domain is said, so the verdict must not
        # depend on one ("k \\le 1" is "k = 1" over the positive integers only).
        other = _same_members(gold_family, answer_family, "Z+" if domain == "Z" else "Z", high)
        return verdict if other == verdict else None
    return verdict


def _same_members(gold_family: list[_Family], answer_family: list[_Family], domain: str, high: int) -> bool | None:
    low = -high if domain == "Z" else 0
    gold_members = _members_of(gold_family, domain, low, high)
    answer_members = _members_of(answer_family, domain, low, high)
    if gold_members is None or answer_members is None or not gold_members and not answer_members:
        return None
    return gold_members == answer_members


def condition_members(condition: str, high: int = _WINDOW) -> set[int] | None:
    """The positive integers up to `high` a condition on one letter holds for ("4 \\nmid n", "n is even", "n \\le 2");
    None when it does not read whole."""
    family = _read(condition)
    if family is None or len({f.variable for f in family if not f.generated}) > 1 or any(f.real for f in family):
        return None
    return _members_of(family, "Z+", 1, high)
