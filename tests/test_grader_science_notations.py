"""Science and vector notations a careful grader reads past: a change's name before its value ("Δt = 2.75 × 10⁻⁶ s"),
an angle in radians with π written as the letter against degrees, the substance after a unit ("200 mM NaCl"),
vectors in Unicode angle brackets. Each against its near miss."""

import pytest

from expo_data.verify import extract_answer, verify_one


def graded(gold: str, completion: str) -> bool:
    return verify_one(gold, extract_answer(completion)[0])[0]


@pytest.mark.parametrize("gold, answer, verdict", [
    ("2.75 \\mu s", "Δt = 2.75 × 10⁻⁶ s", True),
    ("2.75 \\mu s", "Δt = 2.76 × 10⁻⁶ s", False),
    ("2.75 \\mu s", "Δt = 2.75 × 10⁻³ s", False),
    ("30^\\circ", "π/6", True),
    ("30^\\circ", "θ₂ = π/6 rad", True),
    ("30^\\circ", "π/3", False),
    ("60^\\circ", "θ₂ = π/6", False),
    ("\\begin{pmatrix} -3 \\\\ 6 \\\\ -3 \\end{pmatrix}", "⟨−3, 6, −3⟩", True),
    ("\\begin{pmatrix} -3 \\\\ 6 \\\\ -3 \\end{pmatrix}", "⟨−3, 6, 3⟩", False),
    ("(-3,6,-3)", "⟨−3, −3, 6⟩", False)])
def test_a_named_or_unicode_value(gold, answer, verdict):
    assert verify_one(gold, answer)[0] is verdict


@pytest.mark.parametrize("closing, gold, verdict", [
    ("So the solution is 200 mM NaCl.", "0.200 M", True),
    ("So the solution is 200 mM NaCl.", "0.200 mM", False),
    ("So the mass is 44 g CO₂.", "44 g", True),
    ("So the mass is 44 g CO₂.", "44 kg", False),
    ("So we need 0.50 mol H2O.", "0.5 mol", True)])
def test_the_substance_after_a_unit_keeps_the_unit(closing, gold, verdict):
    assert graded(gold, "Moles = 5.85 g ÷ 58.5 g/mol = 0.100 mol; volume 0.500 L.\n\n" + closing) is verdict
