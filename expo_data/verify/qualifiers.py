"""Stage 3, comparison: values that carry a qualifier, read before the value is compared: a modulus
(x \\equiv 4 \\pmod{9}, 6 (mod 11)) and an approximation sign in the gold (\\approx 2.72)."""

from __future__ import annotations

import re

_MODULUS_RE = re.compile(r"\s*(?:\\pmod\s*\{?\s*(\d+)\s*\}?|\(\s*(?:\\bmod|\\mod|mod)\s*\{?\s*(\d+)\s*\}?\s*\)"
                         r"|\\bmod\s*\{?\s*(\d+)\s*\}?|\\mod\s*\{?\s*(\d+)\s*\}?)\s*\.?\s*$")
_CONGRUENT_RE = re.compile(r"^\s*[A-Za-z]\s*(?:\\equiv|≡)\s*")
_APPROX_RE = re.compile(r"^\s*(?:\\approx|≈|\\sim|~)\s*")
_DECIMAL_RE = re.compile(r"[-+]?\d+(?:\.(\d+))?")


def _residue(text: str) -> tuple[str, int | None]:
    text = text.strip().strip("$").strip()
    modulus = _MODULUS_RE.search(text)
    value = text[:modulus.start()] if modulus else text
    congruent = _CONGRUENT_RE.match(value)
    if congruent and not modulus:
        return text, None  # "x \equiv 4" with no modulus: no residue reading
    value = value[congruent.end():] if congruent else value
    return value.strip(), int(next(g for g in modulus.groups() if g)) if modulus else None


def residue_verdict(gold: str, answer: str, same_value) -> bool | None:
    """Either side a residue with its modulus: the residues compared; both moduli, when written, equal. None
    when neither side writes a modulus."""
    (gold_value, gold_mod), (answer_value, answer_mod) = _residue(gold), _residue(answer)
    if gold_mod is None and answer_mod is None:
        return None
    if gold_mod is not None and answer_mod is not None and gold_mod != answer_mod:
        return False
    return bool(gold_value and answer_value) and same_value(gold_value, answer_value)


def approximate_verdict(gold: str, answer: str, number_of) -> bool | None:
    """A gold "\\approx 2.72": the answer's number (with or without its own \\approx) rounded to the gold's
    decimals equals it, and is written to at least as many decimals. None for a gold without the sign."""
    sign = _APPROX_RE.match(gold.strip().strip("$"))
    if not sign:
        return None
    gold_text = gold.strip().strip("$")[sign.end():].strip()
    answer_text = _APPROX_RE.sub("", answer.strip().strip("$")).strip()
    gold_number = _DECIMAL_RE.fullmatch(gold_text)
    answer_number = _DECIMAL_RE.fullmatch(answer_text)
    if not gold_number:
        return None
    decimals = len(gold_number.group(1) or "")
    if answer_number:
        if len(answer_number.group(1) or "") < decimals:
            return False
        return round(float(answer_text), decimals) == round(float(gold_text), decimals)
    value = number_of(answer_text)  # an exact answer ("e", "\frac{19}{7}") whose value rounds to the gold
    return value is not None and round(value, decimals) == round(float(gold_text), decimals)


# The domain a side states for its variable: "for all x \in \mathbb{Q}", "for every real x", "\forall x \in ℝ".
_DOMAIN_STATED_RE = re.compile(r"(?:\bfor\s+(?:all|every|each|any)\b|\\forall)[^$]*?(?:\\in\s*\\mathbb\s*\{?\s*([NZQRC])\}?"
                               r"(\s*(?:\^\s*\{?\s*\+|_\s*\{?\s*>\s*0))?|\b((?:positive\s+|nonnegative\s+|negative\s+)?(?:real|"
                               r"rational|integer|natural|complex)s?|positive|negative|nonnegative)\b|([ℕℤℚℝℂ]))")
_DOMAIN_NAMES = {"real": "R", "rational": "Q", "integer": "Z", "natural": "N", "complex": "C", "ℕ": "N", "ℤ": "Z",
                 "ℚ": "Q", "ℝ": "R", "ℂ": "C"}


def domains_differ(gold: str, answer: str) -> bool:
    """Both sides state their variable's domain, and not the same one: "f(x) = x for all x in Q" is not the gold's
    "f(x) = x for all x in R"."""
    stated = []
    for side in (gold, answer):
        match = _DOMAIN_STATED_RE.search(re.sub(r"\\(?:text|mathrm|mbox)\s*\{([^{}]*)\}", r" \1 ", side))
        if match is None:
            return False
        letter, positive, words, symbol = match.groups()
        name = _DOMAIN_NAMES.get(symbol, symbol) if symbol else letter + ("+" if positive else "") if letter else _domain_words(words)
        stated.append("Z+" if name == "N" else name)  # the naturals of an olympiad answer are the positive integers
    return None not in stated and stated[0] != stated[1]


def _domain_words(words: str) -> str | None:
    """"positive integers" -> Z+, "real" -> R, "positive reals" -> R+; None for a word alone ("positive")."""
    words = re.sub(r"s\b", "", words.lower())
    base = next((_DOMAIN_NAMES[w] for w in _DOMAIN_NAMES if w in words and len(w) > 1), None)
    if base is None:
        return None
    return base + "+" if "positive" in words and base in "ZRQ" else base
