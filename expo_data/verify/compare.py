"""Stage 3, comparison: one gold alternative against one answer (choice letters, named values, text,
special forms, then math-verify), and `verify_one` over all alternatives."""

from __future__ import annotations

import re
import threading

from .budget import MAX_NESTING, nesting_depth, within_budget
from .normalise import (Form, _is_all_reals, _several_values, _top_level_split, _unwrap, canonical, choice_letter,
                        gold_alternatives, is_text_answer, normalise_string)
from .phrase import has_hedge
from .textual import same_text
from .choices import choice_matches, choice_with_value, choice_value_matches, letters_verdict, options_letter
from .angles import angle_verdict, cis_as_exponential
from .antiderivatives import antiderivative_verdict
from .dates import date_verdict, time_verdict
from .permuted import permuted_verdict
from .precision import rounds_to_gold
from .scripts import plain_scripts
from .tuple_lists import signed_tuples_expanded, tuple_list_verdict
from .exact import exact_decimals_equal
from .special import _base_number, _equation_sides_disagree, _special_match
from .families import family_verdict
from .function_lists import function_list_verdict
from .piecewise import piecewise_verdict
from .functions import constant_functions, function_family_verdict, renamed_argument
from .lists import (labelled_verdict, counts_differ, ellipsis_list_verdict, parts_of_one_answer, ratio_verdict, reordered_list,
                    sorted_order_broken)
from .readings import YES_NO_OPPOSITE, yes_no_with_reason, answer_reading, gold_reading, complete_expr, item_value, real_value
from .pairs import (cases_verdict, chained_names, magnitudes_disagree, notation, one_unknowns_values, plain_verdict,
                    qualified_value,
                    quantified_value, _read_whole, sentence_verdict, tuple_items, unit_verdict)
from .gold import gold_answer
from .named import tuple_assignment
from .parse import _unboxed, _variables_written, parse_complete
from .plain import looks_plain, parse_plain
from .evaluate import same_by_value, same_once_symbols_match, same_where_defined
from .rewrites import bracketed_range_as_clause, range_chain_as_interval, vector_label_dropped, answer_rewritten, function_qualifiers_dropped, gamma_as_letter, radicals_as_powers
from .qualifiers import approximate_verdict, domains_differ, residue_verdict
from .sentences import none_exists, reduced_gold, some_exists, stated_value
from .solutions import permutations_verdict, plus_minus_verdict, roots_verdict, solutions_verdict
from .series import ellipsis_verdict, indexed_verdict
from .progressions import progression_verdict
from .words import _BINARY_OPERATION_RE, number_word_value


def _percent_readings(gold: Form, answer: Form) -> list[tuple[str, str]]:
    """The (gold, answer) pairs to compare. A percent gold takes its number or its fraction (12.5\\% = 12.5 =
    0.125); a percent answer to a plain gold is read as a fraction, or as the number when the gold is no
    fraction itself (gold 20, answer 20\\%)."""
    if gold.percent == answer.percent:
        return [(gold.text, answer.text)]
    if gold.percent:
        return [(gold.text, answer.text), (f"({gold.text})/100", answer.text)]
    readings = [(gold.text, f"({answer.text})/100")]
    try:
        if abs(float(gold.text)) >= 1:
            readings.append((gold.text, answer.text))
    except ValueError:
        pass
    return readings


def _gold_equation_value(gold: str) -> str | None:
    """252 for the gold "\\binom{10}{5} = 252": a constant expression equal to a plain value."""
    sides = [side.strip() for side in re.split(r"(?<![<>!:=\\])=(?!=)", gold.strip().strip("$"))]
    if len(sides) != 2 or not all(sides) or _variables_written(sides[0]):
        return None
    return sides[1] if is_plain_number(sides[1].replace(",", "")) else None


def _named_values(text: str) -> dict[str, str] | None:
    """{"a": "2", "b": "3"} for "a = 2, b = 3", {"f(n)": "n", "g(n)": "1"} for "f(n) = n, g(n) = 1" (two or more
    different names); None otherwise."""
    text = re.sub(r"\\[,;:! ]", " ", _unboxed(text.strip().strip("$").strip()))
    text = re.sub(r"\\text\s*\{\s*and\s*\}|\s+and\s+|;", ",", text)
    pairs = []
    for part in _top_level_split(text, ","):
        chain = chained_names(part)  # "x = y = 1, z = 2" names x, y and z
        match = None if chain else re.fullmatch(
            r"\s*([A-Za-z](?:\(\s*[a-z](?:\s*,\s*[a-z])*\s*\))?)\s*=(?!=)\s*(.+?)\s*", part, re.DOTALL)
        if not chain and not match:
            return None
        pairs += list(chain.items()) if chain else [(re.sub(r"\s+", "", match.group(1)), match.group(2))]
    names = [name for name, _ in pairs]
    return dict(pairs) if len(pairs) >= 2 and len(set(names)) == len(names) else None


# A number written out: digits, a decimal, a fraction of two numbers, or scientific notation.
_NUMERAL = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_PLAIN_NUMBER_RE = re.compile(
    rf"{_NUMERAL}|{_NUMERAL}/{_NUMERAL}|[-+]?\\[dt]?frac\{{{_NUMERAL}\}}\{{{_NUMERAL}\}}|[-+]?\\[dt]?frac\d\d"
    rf"|{_NUMERAL}(?:\\times|\\cdot|\*)10\^(?:\{{[-+]?\d+\}}|[-+]?\d)")


_DEGREES_RE = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°")


def is_plain_number(text: str) -> bool:
    """A number written out; degrees (30^\\circ) and a dollar sign (\\$18) state it too."""
    text = _DEGREES_RE.sub("", text.replace("{,}", "").replace("\\$", "").replace("$", ""))
    return bool(_PLAIN_NUMBER_RE.fullmatch(re.sub(r"\s+", "", text)))


def _states_number(side: str) -> bool:
    """An equation's side that states a number once its wrappers are read past (\\$, a \\text{} unit, a box)."""
    if is_plain_number(side):
        return True
    form = canonical(side, is_gold=False)
    return form is not None and is_plain_number(form.text)


def _operation_left(side: str) -> bool:
    if re.search(r"\d\s*\^\s*\{?\s*\d|!|\\binom", side):
        return False  # a closed form with a power or factorial ("10^9 + 7", "2^{10} - 1") is written, not left undone
    bare = _DEGREES_RE.sub("", side.replace("\\$", "").replace("$", ""))  # 180^\\circ - 150^\\circ is a difference
    return bool(_BINARY_OPERATION_RE.search(bare)) and not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", bare))


def _arithmetic_left_undone(gold: str, answer: str) -> bool:
    """A plain-number gold, and an answer that leaves a sum, difference, product or quotient undone ("10 + 8",
    "9 \\cdot 2", "2 \\times 9" for 18): math-verify evaluates them equal, but restating the question's
    arithmetic is no answer, and a reward that pays it teaches exactly that. Powers, roots and factorials
    ("2^8", "\\sqrt{49}", "3!") stay math-verify's call, as does anything with a variable or unit in it; an
    equation passes when one of its sides states the number ("10 + 8 = 18")."""
    if not is_plain_number(gold):
        return False
    sides = re.split(r"(?<![<>!:=\\])=(?!=)|\\Rightarrow|\\implies|\\approx|≈", answer)
    if any(_states_number(side) for side in sides):
        return False
    return any(_operation_left(side) for side in sides)


def _named_match(gold_named: dict[str, str], answer: str) -> bool | None:
    """A gold that names its values against an answer that names none: a tuple is read in the gold's order
    ("m = 4, n = 9" takes (4, 9), never (9, 4)); None when the answer is no tuple."""
    items = tuple_items(_unboxed(answer))
    if items is None:
        return None
    names = [re.match(r"\s*([A-Za-z])\s*=(?!=)", item) for item in items]
    if any(names) and [n.group(1) if n else None for n in names] != list(gold_named):
        return False  # "x = 2, x = 3" names its values, and not as the gold does
    return len(items) == len(gold_named) and all(
        _match_one(value, item)[0] for value, item in zip(gold_named.values(), items))


def _typed_match(gold: str, answer: str) -> tuple[str, bool | None]:
    """(gold as read on, verdict or None): sentence golds, quantified counts, qualifiers after the value,
    solution sets."""
    verdict = sentence_verdict(gold, _unboxed(answer))
    if verdict is None:
        verdict = piecewise_verdict(gold, _unboxed(answer), complete_expr)
    if verdict is None:
        verdict = labelled_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    if verdict is None:
        verdict = cases_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    if verdict is None:
        verdict = unit_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    if verdict is None:
        verdict = residue_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    for series_verdict in (indexed_verdict, ellipsis_verdict, progression_verdict):
        verdict = series_verdict(gold, _unboxed(answer), complete_expr, _read_whole) if verdict is None else verdict
    if verdict is not None:
        return gold, verdict
    reduced = reduced_gold(gold)
    bare_verdict = re.fullmatch(r"\s*(?:\\text\{)?\s*(?:yes|no)\s*\.?\s*\}?\s*\.?\s*", _unboxed(answer), re.IGNORECASE)
    gold = gold if reduced in ("Yes", "No") and reduced != gold and not bare_verdict else reduced  # "No, since 3"
    gold = quantified_value(gold, number_word_value) or stated_value(gold) or qualified_value(gold) or gold
    verdict = permuted_verdict(gold, _unboxed(answer))  # numbers: the sets of tuples, every ordering written out
    if verdict is None:
        verdict = permutations_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    if verdict is None:
        verdict = roots_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    if verdict is None:
        verdict = solutions_verdict(gold, _unboxed(answer), _named_values, lambda g, a: _match_one(g, a)[0])
    if verdict is None and looks_plain(gold.replace("±", "+")):  # c(2±sqrt(3)): two plain values (LaTeX: canonical)
        verdict = plus_minus_verdict(gold, _unboxed(answer), lambda g, a: _match_one(g, a)[0])
    return gold, verdict


def _option_verdict(gold: str, answer: str) -> bool | None:
    """A gold that is an option: "C", MathQA's "c" (against "C" or "c ) 625"), JEE's "ABD", "(C) 12"."""
    letter = choice_letter(gold)
    if letter is not None:
        return choice_matches(letter, answer)
    lower_option = options_letter(gold, answer)
    if lower_option is not None:
        return choice_matches(*lower_option)
    letters = letters_verdict(gold, answer)
    if letters is not None:
        return letters
    option = choice_with_value(gold)
    return None if option is None else choice_value_matches(*option, answer, lambda g, a: _match_one(g, a)[0])


def _written_verdict(gold: str, answer: str) -> bool | None:
    """Verdicts on how a number is written, before notation rewrites it: a base numeral ("1E0_{16}" against
    "0x1e0", before either is read as 1 \\times 10^0), a measured gold's precision ("1.23e-10" for "1.2e-10"), a
    clock reading ("2:30" against "2:30 PM", before it is read as 14:30)."""
    bases = _base_number(gold.strip().strip("$")), _base_number(answer.strip().strip("$"))
    if all(bases):
        return bases[0] == bases[1]
    return True if rounds_to_gold(gold, answer) else time_verdict(gold, answer)


def _written_shape_verdict(gold: str, answer: str) -> bool | None:
    """Ratios, dates, sequences closing on an ellipsis, and lists of solution tuples, each read by its shape."""
    verdict = ratio_verdict(gold, answer)
    verdict = date_verdict(gold, answer) if verdict is None else verdict
    verdict = ellipsis_list_verdict(gold, answer, lambda g, a: _match_one(g, a)[0]) if verdict is None else verdict
    return tuple_list_verdict(gold, _unboxed(answer)) if verdict is None else verdict  # "(k,n)=(1,1) and (k,n)=(3,2)"


def _match_one(gold: str, answer: str) -> tuple[bool, str | None]:
    written = _written_verdict(gold, _unboxed(answer))
    gold, answer = constant_functions(notation(gold)), constant_functions(notation(answer))
    option = _option_verdict(gold, answer) if written is None else written
    option = angle_verdict(gold, _unboxed(answer)) if option is None else option  # 45° against \frac{\pi}{4}
    if option is not None:
        return option, None
    gold, answer = (function_qualifiers_dropped(gamma_as_letter(radicals_as_powers(cis_as_exponential(side))))
                    for side in (gold, answer))
    gold = gold_reading(gold)
    family = function_family_verdict(gold, answer, lambda g, a: _match_one(g, a)[0])
    family = antiderivative_verdict(gold, answer) if family is None else family  # "-\frac14\cos 2x + C"
    if family is not None:
        return family, None
    answer = renamed_argument(gold, answer)
    if answer is None:
        return False, "answer_ambiguous"
    answer, verdict = answer_reading(gold, answer)
    if verdict is not None:
        return verdict, None
    if domains_differ(gold, answer):
        return False, None  # "f(x) = x for all x \in \mathbb{Q}" against the gold's \mathbb{R}
    qualified = qualified_value(answer)  # "f(x) = x for all x \in \mathbb{R}": the function, over its domain
    answer = qualified if qualified and re.search(r"[\d=]", qualified) and not has_hedge(answer) else answer
    answer_option = choice_with_value(answer)
    if answer_option is not None:
        answer = answer_option[1]  # "(B) 12" against a gold of 12: the value it states
    if _is_all_reals(gold) and _is_all_reals(answer):
        return True, None
    verdict = _written_shape_verdict(gold, answer)
    if verdict is not None:
        return verdict, None
    if reordered_list(gold, answer, item_value) or counts_differ(gold, answer, item_value):
        return False, None
    gold, verdict = _typed_match(gold, answer)
    if verdict is not None:
        return verdict, None
    gold = _gold_equation_value(gold) or gold
    gold_named = _named_values(gold) or chained_names(gold) or tuple_assignment(gold)
    if gold_named and has_hedge(answer):
        return False, "answer_ambiguous"  # "a = 2 or b = 3" is no pair (roots joined by "or" have one name)
    answer_named = (_named_values(answer) or chained_names(answer) or tuple_assignment(_unboxed(answer))
                    ) if gold_named else None
    if gold_named and answer_named:  # "a = 2, b = 3": name by name, in any order
        return gold_named.keys() == answer_named.keys() and all(
            _match_one(gold_named[name], answer_named[name])[0] for name in gold_named), None
    if gold_named and _named_match(gold_named, answer) is not None:
        return bool(_named_match(gold_named, answer)), None
    if gold_named and "=" in answer and re.search(r"[A-Za-z]", answer.split("=")[0]):
        return False, "answer_ambiguous"  # "(x; y) = (-1; 2)" names values in a way not read: never compared unordered
    answer = one_unknowns_values(answer) if not gold_named else answer  # "x = 3, x = -2" against {-2, 3}
    bare_gold = notation(gold).strip()
    gold_items = None if gold_named or bare_gold.startswith(("{", "\\{")) else tuple_items(
        "(" + bare_gold[1:-1] + ")" if bare_gold.startswith("[") and bare_gold.endswith("]") else gold)
    answer_named = (_named_values(answer) or chained_names(answer) or tuple_assignment(_unboxed(answer))
                    ) if gold_items and len(gold_items) > 1 else None
    if answer_named:  # "(3, 5)" or "3, 5" as "a = 3, b = 5": the names in alphabetical order, written in that order
        names = list(answer_named)
        return len(names) == len(gold_items) and names == sorted(names) and all(
            _match_one(item, answer_named[name])[0] for item, name in zip(gold_items, names)), None
    if is_text_answer(gold) and number_word_value(_unwrap(gold)) is None:
        return _text_verdict(gold, answer), None
    gold_tuple = tuple_items(gold) if re.match(r"\s*\$?\s*(?:\\left\s*)?\(", gold) and not re.search(
        r"\\infty|∞|\\cup|\boo\b", gold) else None  # (0, \infty) is an interval
    gold_tuple = gold_tuple or _bracket_list(gold)
    bare_list = _top_level_split(_unwrap(_unboxed(answer)).strip().strip("$"), ",")
    if gold_tuple and len(gold_tuple) > 1 and len(bare_list) == len(gold_tuple) and not re.search(r"[(\[{=]", answer):
        return all(_match_one(g, a)[0] for g, a in zip(gold_tuple, bare_list)), None  # (15, -29) as "15, -29"
    gold_form = canonical(gold, is_gold=True)
    if _several_values(gold_form.text):  # "2 \quad -2": two values set apart, never 2 - 2
        answer = re.sub(r"(?<=[\w})])\s*(?:\\q?quad\s*)+(?!\\text)(?=[-+\w\\])", ", ", answer)
    answer_form = canonical(answer, is_gold=False, several=_several_values(gold_form.text))
    if answer_form is None:
        return False, "answer_ambiguous"
    if gold_form.unit and answer_form.unit and gold_form.unit != answer_form.unit:
        return False, None  # 5 hours is not 5 minutes
    special = _special_match(gold_form.text, answer_form.text)
    if special is not None:
        return special, None
    if _arithmetic_left_undone(gold_form.text, answer_form.text):
        return False, "answer_unevaluated"
    if _equation_sides_disagree(answer_form.text):
        return False, "answer_ambiguous"
    errors = []
    for gold_text, answer_text in _percent_readings(gold_form, answer_form):
        correct, error = _math_match(gold_text, answer_text)
        if correct:
            return True, error
        errors.append(error)
    return False, next((e for e in errors if e), None)


_TRUTH_WORDS = {"true": "yes", "false": "no"}  # a TheoremQA True answered "Yes"


def _text_verdict(gold: str, answer: str) -> bool:
    """A gold in words: the same words (an article aside), True for Yes, or a verdict with its reason."""
    same = _without_article(_unwrap(gold)) == _without_article(_unwrap(answer)) or (
        _TRUTH_WORDS.get(normalise_string(_unwrap(gold))) == normalise_string(_unwrap(_unboxed(answer))))
    word = normalise_string(_unwrap(gold))
    if word == "no" and none_exists(_unwrap(_unboxed(answer))):
        return True  # "Does such a triangle exist?" "No": "no such triangle exists" says it
    if word == "yes" and some_exists(_unwrap(_unboxed(answer))):
        return True  # "Does such an n exist?" "Yes": "such an $n$ exists" says it
    return same or (word in YES_NO_OPPOSITE and yes_no_with_reason(word, _unwrap(_unboxed(answer))))


def _without_article(text: str) -> str:
    """ "an isosceles right triangle" reads as "isosceles right triangle"."""
    return re.sub(r"^(?:a|an|the)\s+", "", normalise_string(text), flags=re.IGNORECASE)


_PLAIN_LABEL_RE = re.compile(r"\s*([A-Za-z]{1,3}(?:_\{?\w{1,3}\}?)?'*|\|[a-z]\|)\s*=\s*([^=<>]+?)\s*")


def _math_match(gold: str, answer: str) -> tuple[bool, str | None]:
    from math_verify import verify

    answer = vector_label_dropped(gold, answer)  # "\\mathbf a\\times\\mathbf b = (-3, 6, -3)"
    labelled, gold_label = _PLAIN_LABEL_RE.fullmatch(answer), _PLAIN_LABEL_RE.fullmatch(gold)
    if labelled and gold_label and labelled.group(1) != gold_label.group(1) and labelled.group(1).rstrip("'") == gold_label.group(1).rstrip("'"):
        return False, None  # "y = 2x" names y, not its derivative y' (dy/dx)
    if labelled and (looks_plain(labelled.group(2)) or looks_plain(gold)) and "=" not in gold:
        answer = labelled.group(2)  # "XP = sqrt(23) - 2 sqrt(3)", "y' = x^x\ln x + x^x": the value the answer names
    elif labelled and gold_label and gold_label.group(1) == labelled.group(1) and (
            looks_plain(labelled.group(2)) or looks_plain(gold_label.group(2))):
        gold, answer = gold_label.group(2), labelled.group(2)  # "r = \pi/2" against "r = pi/2": the same name
    gold_parsed, gold_status = parse_complete(gold)
    pred_parsed, pred_status = parse_complete(answer)
    plain_side = looks_plain(gold) or looks_plain(answer) and re.search(r"[A-Za-z]", answer)
    if plain_side and (gold_status != "ok" or pred_status != "ok" or not verify(gold_parsed, pred_parsed)):
        # A plain-text gold (floor(k/3), C(2n, n-1), sqrt(b)) read whole by sympy, where latex2sympy fails.
        plain = plain_verdict(gold, answer, complete_expr)
        if plain is not True and same_by_value(*(parse_plain(side) if looks_plain(side) else complete_expr(side)
                                              for side in (gold, answer))):
            plain = True  # n - floor(n/2) and \lceil n/2 \rceil, max(a, b) and (a + b + |a - b|)/2
        if plain is not None:
            return plain, None
    if gold_status != "ok":
        return normalise_string(gold) == normalise_string(answer), f"reference_parse_{gold_status}"
    if pred_status != "ok":
        same = normalise_string(gold) == normalise_string(answer)
        return same, None if same else ("parse_failed" if pred_status == "failed" else "answer_parse_partial")
    if magnitudes_disagree(gold_parsed[0], pred_parsed[0]):
        return False, None  # 6.6e-34 is not 1e-34, -1.6e-19 not 1.6e-19: relative tolerance
    return bool(verify(gold_parsed, pred_parsed)) or exact_decimals_equal(gold_parsed[0], pred_parsed[0]) or \
        any(same(gold_parsed[0], pred_parsed[0]) for same in (same_by_value, same_where_defined,
                                                                 same_once_symbols_match)), None


def _bracket_list(gold: str) -> list[str] | None:
    """The items of a list stored in brackets as TheoremQA does ([-1, -2], [1, 2, 3]); None when it may be an
    interval ([1, 2]) or is none."""
    match = re.fullmatch(r"\s*\$?\s*\[([^\[\]]*)\]\s*\$?\s*", gold)
    if not match or re.search(r"\\infty|∞", gold):
        return None
    items = [item.strip() for item in _top_level_split(match.group(1), ",")]
    if len(items) == 2:
        try:
            return items if float(items[0]) > float(items[1]) else None  # [-1, -2] is no interval
        except ValueError:
            return None
    return items if len(items) > 2 else None


_SPLIT_UNIT_RE = re.compile(r"^\s*\$([^$]+)\$\s*\$\s*(\\(?:mathrm|text|rm)\s*\{[^{}$]+\}(?:\s*\^\s*\{?-?\d\}?)?)\s*\$\s*$")


def verify_one(reference: str, extracted: str | None) -> tuple[bool, str | None]:
    """(is_correct, verify_error). Correct when the answer matches any gold alternative. In a main thread (a pool
    worker's, or a plain script's) the whole call runs under a CPU budget (`budget.py`; math-verify's own
    timeouts count whole seconds only); elsewhere it runs unbounded, the pool's per-item timeout its limit."""
    if extracted is None or not str(extracted).strip():
        return False, "no_answer"
    if nesting_depth(reference) > MAX_NESTING or nesting_depth(str(extracted)) > MAX_NESTING:
        return False, "too_deep"  # no answer nests 40 deep; parsing such a side recurses past any budget's reach
    if threading.current_thread() is not threading.main_thread():
        return _verify_alternatives(reference, extracted)
    _warm_once()
    finished, verdict = within_budget(lambda: _verify_alternatives(reference, extracted))
    return verdict if finished else (False, "timeout")


_WARM = []


def _warm_once() -> None:
    """Imports and first parses (math-verify, sympy, the LaTeX grammar: seconds cold) run once per process outside
    the CPU timer: a timer firing inside an import would leave the module half-loaded."""
    if not _WARM:
        _WARM.append(True)
        _verify_alternatives("x^2 + 1", "1 + x^2")
        _verify_alternatives("0.5 m", "50 cm")  # pint's unit registry: a third of a second to build
        _verify_alternatives(r"\log_{2} 7", "log(7)/log(2)")  # sympy's simplify imports 18 modules on first use


def _verify_alternatives(reference: str, extracted: str) -> tuple[bool, str | None]:
    errors = []
    reference = signed_tuples_expanded(plain_scripts(gold_answer(reference)[0]))  # a solution's boxed / #### answer
    extracted = signed_tuples_expanded(plain_scripts(extracted))  # "V₂ ≈ 2.67 L", "6.022 × 10²³", "(0, \\pm 2)"
    if same_text(reference, extracted):
        return True, None  # the gold's own words, whether or not a reader below reads them
    reference = _SPLIT_UNIT_RE.sub(r"\1 \2", reference)  # OlympiadBench: "$1.04 \times 10^{5}$ $\mathrm{~Pa}$"
    reference = range_chain_as_interval(reference, _unboxed(extracted))  # "-1/2 \\le ab+bc+ca \\le 1" against "[-1/2, 1]"
    reference = bracketed_range_as_clause(reference)  # "P(x) = x^n \\ (n \\ge 1)", as the answer's is read
    extracted = answer_rewritten(reference, _unboxed(extracted))  # "Q ≈ 4200 J", "exactly the primes", "... ($k\ge1$)"
    bound = re.search(r"\(\s*(at most|at least|or more|or less|or fewer)\s*\)\s*\.?\s*\$?\s*$", reference, re.IGNORECASE)
    if bound and not re.search(bound.group(1) + r"|\\[lg]eq?|[≤≥]", extracted, re.IGNORECASE):
        return False, None  # "5 (at most)" is a bound: the bare value is not it
    if sorted_order_broken(reference, _unboxed(extracted)):
        return False, None  # "5, 0, -3" sorted decreasing: "-3, 0, 5" is the other order
    try:
        approximate = approximate_verdict(reference, _unboxed(extracted), real_value)  # before "\approx" is cut
        if approximate is not None:
            return approximate, None
        family = family_verdict(reference, _unboxed(extracted))  # whole: "n \equiv 0 or 3 \pmod 4" is one answer
        family = function_list_verdict(reference, _unboxed(extracted), lambda g, a: _match_one(g, a)[0]) if (
            family is None) else family  # "f \\equiv 0, or f(n) = 2n + K" against "$f(x)=0$ and $f(x)=2x+c$ ..."
        if family is not None:
            return family, None
        golds = gold_alternatives(reference) or [reference]
        if len(golds) > 1 and ";" in reference and parts_of_one_answer(golds):
            if "=" not in reference:  # "3; 5": the parts in their order, each once
                items = tuple_items(_unboxed(extracted)) or []
                return len(items) == len(golds) and all(_match_one(g, a)[0] for g, a in zip(golds, items)), None
            golds = [", ".join(golds)]  # "x = 1; y = 2" is one answer in two parts
        elif len(golds) > 1 and ";" in reference and not all(_match_one(golds[0], gold)[0] for gold in golds[1:]):
            golds = [", ".join(golds)]  # "f(x) = 0; f(x) = kx^2": pieces that restate no one value are one list
        for gold in golds:
            correct, error = _match_one(gold, extracted)
            if correct:
                return True, error
            errors.append(error)
    except Exception as exc:  # math-verify raises on pathological input; record, don't crash
        return False, f"error: {type(exc).__name__}: {str(exc)[:200]}"
    return False, next((e for e in errors if e), None)
