"""Science answers session 16's unseen set read wrong: names with Unicode subscripts ("V₂ ≈ 2.67 L"), Unicode
exponents written to more digits ("6.022 × 10²³"), percents on both sides written to more digits, ångströms and
picometres, and decimal radians against degrees."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expo_data.verify import verify_one
from expo_data.verify.scripts import plain_scripts


def correct(gold: str, answer: str) -> bool:
    return verify_one(gold, answer)[0]


@pytest.mark.parametrize("name", ["V₂", "P₁", "T₀", "v_{\\text{esc}}", "θ_B", "x₁₂", "E_{\\mathrm{k}}"])
@pytest.mark.parametrize("relation", ["=", "≈", "\\approx"])
def test_a_named_quantity_with_a_subscript_states_its_value(name, relation):
    assert correct("2.67 \\mathrm{~L}", f"{name} {relation} 2.67 L") is True
    assert correct("2.67 \\mathrm{~L}", f"{name} {relation} 2.76 L") is False
    assert correct("2.67", f"{name} {relation} 2.67") is True


def test_plain_scripts_spells_unicode_scripts_as_latex():
    assert plain_scripts("V₂ = 3 m² and 10⁻⁵") == "V_{2} = 3 m^{2} and 10^{-5}"
    assert plain_scripts("v_{\\text{esc}}") == "v_{esc}"
    assert plain_scripts("₂ alone") == "₂ alone"  # a subscript belongs to a name before it


@given(mantissa=st.integers(100, 999), extra=st.integers(0, 9), exponent=st.integers(-30, 30))
@settings(max_examples=60, deadline=None)
def test_unicode_exponents_written_to_more_digits(mantissa, extra, exponent):
    gold = f"{mantissa / 100:.2f} \\times 10^{{{exponent}}}"
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    written = f"{mantissa / 100:.2f}{extra}"
    assert correct(gold, f"{written} × 10{superscript}") is (extra < 5)  # rounds half up to the gold's digits
    other = f"{(mantissa + 1) / 100:.2f}{extra}"
    assert correct(gold, f"{other} × 10{superscript}") is False


@given(whole=st.integers(1, 9), tenths=st.integers(1, 9), more=st.integers(1, 9))
@settings(max_examples=60, deadline=None)
def test_a_three_digit_gold_ending_in_zero_is_exact(whole, tenths, more):
    # "2.50" dollars for 30 / 12: an answer of 2.504 is an arithmetic slip, not a rounding of it (review 16)
    assert correct(f"{whole}.{tenths}0", f"{whole}.{tenths}0{more}") is False
    assert correct(f"{whole}.{tenths}0", f"{whole}.{tenths}") is True
    assert correct(f"{whole}.0", f"{whole}.0{more}") is False  # "25.0" is an integer printed as a float


@given(whole=st.integers(10, 99), tenth=st.integers(1, 9), more=st.integers(0, 9))
@settings(max_examples=80, deadline=None)
def test_percents_on_both_sides_written_to_more_digits(whole, tenth, more):
    gold = f"{whole}.{tenth}\\%"
    if tenth != 5:  # "12.5%" is most often exact
        assert correct(gold, f"{whole}.{tenth}{more}%") is (more < 5)
    assert correct(gold, f"0.{whole:02d}{tenth}%") is False  # a fraction with a percent sign is 100 times smaller
    assert correct(gold, f"about {whole}.{tenth}%") is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("0.123 \\mathrm{~nm}", "1.23 Å", True), ("0.123 \\mathrm{~nm}", "1.23 \\AA", True),
    ("0.123 \\mathrm{~nm}", "λ ≈ 1.23 Å", True), ("1.54 Å", "0.154 nm", True), ("1.54 \\AA", "1.54 angstroms", True),
    ("0.123 \\mathrm{~nm}", "1.32 Å", False), ("1.54 nm", "1.54 Å", False), ("1.54", "1.54 Å", False),
    ("1.54 Å", "1.54 s", False), ("1.23 Å", "123 pm", True), ("1.23 Å", "1.23 pm", False), ("0.5 nm", "500 pm", True)])
def test_angstroms_convert(gold, answer, expected):
    assert correct(gold, answer) is expected


@given(tenths=st.integers(11, 1799))
@settings(max_examples=60, deadline=None)
def test_decimal_radians_against_degrees(tenths):
    degrees = tenths / 10
    radians = degrees * math.pi / 180
    gold = f"{degrees:.1f}^\\circ"
    digits = 4 if radians < 1 else 3  # three significant digits at least, as the gold's
    assert correct(gold, f"{radians:.{digits}f} rad") is True
    assert correct(gold, f"{radians * 1.01 + 0.01:.{digits}f} rad") is False
    assert correct(gold, f"-{radians:.{digits}f} rad") is False


@pytest.mark.parametrize("gold, answer, expected", [
    ("30^\\circ", "0.5236 rad", True), ("30^\\circ", "0.524 rad", True), ("30^\\circ", "0.52 rad", False),
    ("30^\\circ", "0.5237 rad", False), ("45^\\circ", "\\frac{\\pi}{4}\\ \\text{rad}", True),
    ("45^\\circ", "0.785\\ \\text{radians}", True), ("45^\\circ", "0.785", False),
    ("135^\\circ", "2.35 rad", False), ("135^\\circ", "2.356 rad", True)])  # an exact gold: 2.35 is no 3π/4
def test_exact_degrees_against_their_radians_at_the_answers_digits(gold, answer, expected):
    assert correct(gold, answer) is expected
