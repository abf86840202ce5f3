r"""Property tests for the reward: random values, each rendered in the equivalent forms a model writes (must be
graded correct) and in near misses (must be graded wrong: off by one, swapped tuple, other base, open vs closed
endpoint, hedges, two options, an equation whose sides disagree). Zero false positives is asserted everywhere;
recall over all generated forms is printed by the last test and held to a floor there."""

from __future__ import annotations

import os
import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expo_data.verify import extract_answer, verify_one

# Fixed examples by default (CI stays deterministic); EXPO_GRADER_EXAMPLES=200 runs a deeper random sweep.
_SWEEP = int(os.environ.get("EXPO_GRADER_EXAMPLES", "0"))
PROPERTY = settings(max_examples=_SWEEP or 15, deadline=None, derandomize=not _SWEEP, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def grouped(n: int, sep: str) -> str:
    """1234567 with `sep` between groups of three: 1,234,567 / 1{,}234{,}567 / 1\\,234\\,567."""
    sign, digits = ("-" if n < 0 else ""), str(abs(n))
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + sep.join(groups)


def integer_forms(n: int) -> list[str]:
    forms = [str(n), f"\\boxed{{{n}}}", f"${n}$", f"{n}.", f"{n}.0", f"{n} apples", f"{n}\\text{{ cm}}",
             f"\\text{{{n} cm}}", f"{n} dollars", f"{n} values", str(n).replace("-", "−"), f"x = {n}", f"indeed {n}"]
    if abs(n) >= 1000:
        forms += [grouped(n, ","), grouped(n, "{,}"), grouped(n, "\\,"), grouped(n, ",\\!")]
    if 0 <= n < len(WORDS):
        forms.append(WORDS[n])
    return forms


def integer_misses(n: int) -> list[str]:
    return [str(n + 1), str(n - 1), str(10 * n + 1), f"{n} or {n + 1}", f"{n + 1} or {n}", f"{n}, {n + 1}",
            f"\\{{{n}, {n + 1}\\}}", f"about {n + 1}", f"{n} \\text{{ or }} {n + 1}", f"{n + 1} = {n}",
            f"\\boxed{{{n}}}\\boxed{{{n + 1}}}", f"{n}{n}" if n else "1", f"\\pm {n}" if n else "1"]


def fraction_forms(value: Fraction) -> list[str]:
    p, q = value.numerator, value.denominator
    sign, a = ("-" if p < 0 else ""), abs(p)
    forms = [f"{p}/{q}", f"\\frac{{{p}}}{{{q}}}", f"{sign}\\frac{{{a}}}{{{q}}}", f"{sign}\\dfrac{{{a}}}{{{q}}}",
             f"{sign}\\tfrac{{{a}}}{{{q}}}", f"\\frac{{{2 * p}}}{{{2 * q}}}", f"{sign}{a}/{q}."]
    rest = q
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest == 1:  # terminating: also a decimal and a percent
        decimal = f"{float(value):.10f}".rstrip("0").rstrip(".")
        forms += [decimal, decimal + "0"]
    return forms


def fraction_misses(value: Fraction) -> list[str]:
    p, q = value.numerator, value.denominator
    misses = [f"\\frac{{{p + 1}}}{{{q}}}", f"\\frac{{{p}}}{{{q + 1}}}", f"{-p}/{q}",
              f"{float(value):.2f}" if (value * 100).denominator > 1 else f"{float(value + Fraction(1, 100)):.2f}",
              f"\\frac{{{p}}}{{{q}}} \\text{{ or }} \\frac{{{p + 1}}}{{{q}}}"]
    if abs(p) != q and p != 0:
        misses.append(f"\\frac{{{q}}}{{{p}}}")
    return misses


def percent_forms(tenths: int) -> tuple[str, list[str], list[str]]:
    """Gold 12.5\\% (a whole or one-decimal percent), its forms and near misses."""
    value = Fraction(tenths, 10)
    text = f"{float(value):g}"
    as_fraction = f"{float(value / 100):.6f}".rstrip("0").rstrip(".")
    forms = [f"{text}\\%", text, f"{text} percent", f"{text}%", as_fraction]
    near = f"{float(value + Fraction(1, 10)):g}"
    misses = [f"{near}\\%", near, f"{text}0" if "." not in text else text.replace(".", ""), f"about {text}\\%"]
    return f"{text}\\%", forms, misses


def set_forms(values: list[int], rng: random.Random) -> tuple[str, list[str], list[str]]:
    gold = ", ".join(map(str, values))
    shuffled = values[:]
    rng.shuffle(shuffled)
    forms = [", ".join(map(str, shuffled)), "\\{" + ",".join(map(str, shuffled)) + "\\}",
             " and ".join(map(str, shuffled)), "x = " + ", x = ".join(map(str, shuffled))]
    misses = [", ".join(map(str, values[:-1])), ", ".join(map(str, values + [max(values) + 1])),
              ", ".join(map(str, values[:-1] + [values[-1] + 1]))]
    return gold, forms, misses


def interval_cases(low: int, high: int, low_closed: bool, high_closed: bool) -> tuple[str, list[str], list[str]]:
    """Gold as an interval; the same set as inequalities (both ways round), and the endpoints flipped."""
    left, right = ("[" if low_closed else "("), ("]" if high_closed else ")")
    lop, rop = ("\\le" if low_closed else "<"), ("\\le" if high_closed else "<")
    gold = f"{left}{low}, {high}{right}"
    forms = [f"{left}{low},{high}{right}", f"{low} {lop} x {rop} {high}", f"x \\in {left}{low}, {high}{right}"]
    flip_l, flip_r = ("(" if low_closed else "["), (")" if high_closed else "]")
    other_lop = "<" if low_closed else "\\le"
    misses = [f"{flip_l}{low}, {high}{right}", f"{left}{low}, {high}{flip_r}", f"{left}{low}, {high + 1}{right}",
              f"{low} {other_lop} x {rop} {high}"]
    return gold, forms, misses


def ray_cases(bound: int, closed: bool, upward: bool) -> tuple[str, list[str], list[str]]:
    op = (">" if upward else "<") + ("=" if closed else "")
    latex_op = {">": ">", "<": "<", ">=": "\\ge", "<=": "\\le"}[op]
    other = {">": "\\ge", "<": "\\le", ">=": ">", "<=": "<"}[op]
    interval = (f"{'[' if closed else '('}{bound}, \\infty)" if upward else f"(-\\infty, {bound}{']' if closed else ')'}")
    flipped = (f"{'(' if closed else '['}{bound}, \\infty)" if upward else f"(-\\infty, {bound}{')' if closed else ']'}")
    # gold interval vs answer inequality, and gold inequality vs answer interval
    return interval, [f"x {latex_op} {bound}", f"x{op}{bound}", interval.replace(" ", "")], [
        f"x {other} {bound}", flipped, f"x {latex_op} {bound + 1}", f"x {'<' if upward else '>'} {bound}"]


def choice_forms(letter: str, other: str) -> tuple[list[str], list[str], list[str]]:
    golds = [letter, f"({letter})", f"\\text{{({letter})}}", f"\\textbf{{({letter})}}"]
    forms = [letter, f"({letter})", f"\\text{{({letter})}}", f"\\textbf{{({letter})}}", f"Option {letter}",
             f"({letter}) 42", f"{letter}: 7"]
    misses = [other, f"({other})", f"{letter} and {other}", f"{letter} or {other}", f"{other} or {letter}",
              f"{letter}, {other}", f"\\textbf{{({letter})}} or \\textbf{{({other})}}", letter.lower()]
    return golds, forms, misses


def assert_graded(gold: str, forms: list[str], misses: list[str]) -> None:
    wrong_negatives = [f for f in forms if not verify_one(gold, f)[0]]
    false_positives = [m for m in misses if verify_one(gold, m)[0]]
    assert not false_positives, (gold, false_positives)
    assert not wrong_negatives, (gold, wrong_negatives)


@PROPERTY
@given(st.integers(-10**7, 10**7))
def test_integers(n):
    assert_graded(str(n), integer_forms(n), integer_misses(n))


@PROPERTY
@given(st.integers(1000, 10**7))
def test_integer_golds_written_with_separators(n):
    assert_graded(grouped(n, ",\\!"), [str(n), grouped(n, ",")], [str(n + 1), grouped(n + 1, ",")])


@PROPERTY
@given(st.integers(-60, 60).filter(bool), st.integers(2, 40))
def test_fractions(p, q):
    value = Fraction(p, q)
    if value.denominator == 1:
        return
    gold = f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
    assert_graded(gold, fraction_forms(value), fraction_misses(value))


@PROPERTY
@given(st.integers(1, 9999))
def test_percents(tenths):
    gold, forms, misses = percent_forms(tenths)
    assert_graded(gold, forms, misses)


@PROPERTY
@given(st.lists(st.integers(-30, 30), min_size=2, max_size=4, unique=True), st.randoms(use_true_random=False))
def test_sets_in_any_order(values, rng):
    gold, forms, misses = set_forms(values, rng)
    assert_graded(gold, forms, misses)


@PROPERTY
@given(st.integers(-20, 20), st.integers(1, 20), st.booleans(), st.booleans())
def test_intervals_and_inequalities(low, width, low_closed, high_closed):
    gold, forms, misses = interval_cases(low, low + width, low_closed, high_closed)
    assert_graded(gold, forms, misses)


@PROPERTY
@given(st.integers(-20, 20), st.booleans(), st.booleans())
def test_rays_both_directions(bound, closed, upward):
    interval, inequalities, misses = ray_cases(bound, closed, upward)
    assert_graded(interval, inequalities, misses)
    for inequality in inequalities[:2]:
        assert_graded(inequality, [interval], [m for m in misses if m.startswith("(") or m.startswith("[")])


@PROPERTY
@given(st.integers(-20, 20), st.integers(-20, 20))
def test_tuples(a, b):
    if a == b:
        return
    assert_graded(f"({a}, {b})", [f"({a},{b})", f"\\left({a}, {b}\\right)"], [f"({b}, {a})", f"({a}, {b + 1})"])


@PROPERTY
@given(st.integers(1, 9), st.sampled_from([2, 3, 5, 6, 7, 10, 11, 13]))
def test_radicals(k, m):
    coefficient = "" if k == 1 else str(k)
    forms = [f"{coefficient}\\sqrt{{{m}}}", f"\\sqrt{{{k * k * m}}}", f"{coefficient}√{m}", f"{coefficient}\\sqrt {{{m}}}"]
    misses = [f"{coefficient}\\sqrt{{{m + 1}}}", f"{k + 1}\\sqrt{{{m}}}", f"{k * k * m}", f"\\pm {coefficient}\\sqrt{{{m}}}"]
    assert_graded(f"{coefficient}\\sqrt{{{m}}}", forms, misses)


@PROPERTY
@given(st.sampled_from("ABCDE"), st.sampled_from("ABCDE"))
def test_choice_letters(letter, other):
    if letter == other:
        return
    golds, forms, misses = choice_forms(letter, other)
    for gold in golds:
        assert_graded(gold, forms, misses)


@PROPERTY
@given(st.integers(2, 16), st.integers(2, 16), st.integers(2, 5000))
def test_other_bases_differ(base, other_base, value):
    digits = "0123456789ABCDEF"
    rendered, n = "", value
    while n:
        rendered, n = digits[n % base] + rendered, n // base
    if base == other_base or any(digits.index(d) >= other_base for d in rendered):
        return
    assert_graded(f"{rendered}_{{{base}}}", [f"{rendered}_{base}", rendered], [f"{rendered}_{other_base}",
                                                                             f"{rendered}_{{{other_base}}}"])


@PROPERTY
@given(st.integers(-999, 999), st.integers(1, 50))
def test_completions_extract_the_stated_answer(n, delta):
    m = n + delta
    correct = [f"So 2 + 2 is not it.\nThe final answer is \\boxed{{{n}}}.", f"Thus the answer is {n}.",
               f"We get {m - delta}.\n#### {n}", f"The answer is {n}, not {m}.", f"So the answer is {m}... wait, actually {n}.",
               f"The answer is {n}.\n\nQuestion: What is {m} + 1?\nAnswer: {m + 1}"]
    wrong = [f"The final answer is \\boxed{{{m}}}.", f"\\boxed{{{n}}}. Wait, actually it is {m}.",
             f"So the answer is {n}... wait, actually {m}.", f"The answer is {m}, not {n}.", f"The answer is {n} or {m}.",
             f"The answer is {m}.\n\nQuestion: What is {n} + 0?\nAnswer: {n}"]
    for text in correct:
        assert verify_one(str(n), extract_answer(text)[0])[0], text
    for text in wrong:
        assert not verify_one(str(n), extract_answer(text)[0])[0], text
    assert extract_answer(f"The final answer is \\boxed{{\\frac{{{n}}}{{", truncated=True) == (None, None)


def test_recall_over_every_generated_form_with_no_false_positive():
    """The same renderers over a fixed sample: every near miss wrong; recall printed (floor 0.97)."""
    rng = random.Random(18)
    cases: list[tuple[str, str, bool]] = []
    for _ in range(25):
        n = rng.choice([rng.randint(-50, 50), rng.randint(1000, 10**6)])
        cases += [(str(n), f, True) for f in integer_forms(n)] + [(str(n), m, False) for m in integer_misses(n)]
        value = Fraction(rng.choice([-1, 1]) * rng.randint(1, 40), rng.randint(2, 40))
        if value.denominator > 1:
            gold = f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
            cases += [(gold, f, True) for f in fraction_forms(value)] + [(gold, m, False) for m in fraction_misses(value)]
        gold, forms, misses = percent_forms(rng.randint(1, 999))
        cases += [(gold, f, True) for f in forms] + [(gold, m, False) for m in misses]
        gold, forms, misses = set_forms(rng.sample(range(-20, 20), rng.randint(2, 4)), rng)
        cases += [(gold, f, True) for f in forms] + [(gold, m, False) for m in misses]
        low = rng.randint(-10, 10)
        gold, forms, misses = interval_cases(low, low + rng.randint(1, 9), rng.random() < 0.5, rng.random() < 0.5)
        cases += [(gold, f, True) for f in forms] + [(gold, m, False) for m in misses]
        gold, forms, misses = ray_cases(rng.randint(-9, 9), rng.random() < 0.5, rng.random() < 0.5)
        cases += [(gold, f, True) for f in forms] + [(gold, m, False) for m in misses]
        letter, other = rng.sample("ABCDE", 2)
        golds, forms, misses = choice_forms(letter, other)
        gold = rng.choice(golds)
        cases += [(gold, f, True) for f in forms] + [(gold, m, False) for m in misses]
    graded = [(gold, text, truth, verify_one(gold, text)[0]) for gold, text, truth in cases]
    false_positives = [(g, t) for g, t, truth, got in graded if got and not truth]
    positives = [got for _, _, truth, got in graded if truth]
    recall = sum(positives) / len(positives)
    print(f"\ngenerated forms: {len(graded)} cases, {len(positives)} correct; recall {recall:.4f}, "
          f"false positives {len(false_positives)}")
    assert not false_positives, false_positives
    assert recall >= 0.97, [(g, t) for g, t, truth, got in graded if truth and not got]
