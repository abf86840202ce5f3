"""Stage 2, parse: Unicode sub- and superscripts written as LaTeX scripts, before any reading (10⁻⁵ as 10^{-5}, m²
as m^{2}, V₂ as V_{2}, f′ as f'), and a subscript in text as a plain one (v_{\\text{esc}} as v_{esc})."""

from __future__ import annotations

import re

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱˣᵏᵐ⁽⁾", "0123456789-+nixkm()")  # 2ⁿ⁻¹ is 2^{n-1}
_SUPERSCRIPT_RUN_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱˣᵏᵐ⁽⁾]+")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓᵢⱼₖₘₙₚₛₜ", "0123456789aeoxijkmnpst")
_SUBSCRIPT_RUN_RE = re.compile(r"(?<=[A-Za-zα-ωΑ-Ω)])[₀₁₂₃₄₅₆₇₈₉ₐₑₒₓᵢⱼₖₘₙₚₛₜ]+")
_GREEK = dict(zip("αβγδεθλμνρστφωΔΘΛΣΦΩ", ["alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "mu", "nu", "rho",
                                              "sigma", "tau", "phi", "omega", "Delta", "Theta", "Lambda", "Sigma", "Phi", "Omega"]))
_GREEK_NAME_RE = re.compile(r"[αβγδεθλμνρστφωΔΘΛΣΦΩ](?=\s*(?:_|=|[₀-₉]))")  # λ₁ = 3: a name, as \\lambda_1 writes it
_TEXT_SUBSCRIPT_RE = re.compile(r"_\s*\{\s*\\(?:text|mathrm|rm)\s*\{\s*([A-Za-z0-9]+)\s*\}\s*\}")


def superscripts_as_powers(text: str) -> str:
    """10⁻⁵ as 10^{-5}, m² as m^{2}."""
    return _SUPERSCRIPT_RUN_RE.sub(lambda m: "^{" + m.group().translate(_SUPERSCRIPTS) + "}", text)


def plain_scripts(text: str) -> str:
    """Superscripts as powers, a name's subscripts as _{...}: "V₂ ≈ 2.67 L" names V_{2}, as "V_2 ≈ 2.67 L" does."""
    text = _SUBSCRIPT_RUN_RE.sub(lambda m: "_{" + m.group().translate(_SUBSCRIPTS) + "}", superscripts_as_powers(text))
    text = _GREEK_NAME_RE.sub(lambda m: "\\" + _GREEK[m.group()], text)
    text = text.replace("′", "'").replace("″", "''")  # f′(x): a prime, as f'(x) writes it
    return _TEXT_SUBSCRIPT_RE.sub(r"_{\1}", text)
