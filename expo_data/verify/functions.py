"""Function answers in one spelling: "f: x \\mapsto 2x+1" is "f(x) = 2x+1"; "f(n) = 2n" against a gold
"f(x) = 2x" is the same function (its argument renamed); a parameter's condition after ", ", "with" or "where"
reads as after "for" ("f(x) = ax, a \\ge 0"); \\bigl( and \\Bigr) are parentheses."""

from __future__ import annotations

import re

_MAPSTO_RE = re.compile(r"^\s*(?:([A-Za-z])\s*:\s*)?([a-z])\s*(?:\\mapsto|↦|\\to)\s*(?=\S)")
_SIZED_BRACKET_RE = re.compile(r"\\(?:big|Big|bigg|Bigg)[lr]?\s*(?=[()\[\]|]|\\[{}])")
_CONDITION_SEPARATOR_RE = re.compile(
    r"(?:\s*,\s*(?:\\[ ,;]\s*)*|\s*\\text\{\s*(?:with|where|for)\s*\}\s*|\s+(?:with|where)\s+)"
    r"(?=[a-zA-Z](?:_\{?\w+\}?)?\s*(?:\\geq?|\\leq?|\\geqslant|\\leqslant|\\ne|\\neq|\\in|[<>≥≤]))")
_DEFINITION_RE = re.compile(r"^\s*([A-Za-z])\s*\(\s*([a-z])\s*\)\s*=(?!=)")


def function_spelling(text: str) -> str:
    text = _SIZED_BRACKET_RE.sub("", text)
    mapsto = _MAPSTO_RE.match(text)
    if mapsto and "=" not in text:
        text = f"{mapsto.group(1) or 'f'}({mapsto.group(2)}) = " + text[mapsto.end():]
    if _DEFINITION_RE.match(text):
        text = _CONDITION_SEPARATOR_RE.sub(r" \\text{ for } ", text)
    return text


def renamed_argument(gold: str, answer: str) -> str | None:
    """The answer with its function's argument renamed to the gold's: "f(n) = 2n" for a gold "f(x) = 2x". Unchanged
    unless both define the same function of one letter; None when the answer's body uses the gold's letter and not
    its own ("f(n) = 2x": no function of n that a grader can read)."""
    bare = answer.strip().strip("$").strip()  # "$f(n) = 2n + 1007$" as datasets store it
    gold_def, answer_def = _DEFINITION_RE.match(gold.strip().strip("$").strip()), _DEFINITION_RE.match(bare)
    if not gold_def or not answer_def or gold_def.group(1) != answer_def.group(1):
        return answer
    answer = bare
    old, new = answer_def.group(2), gold_def.group(2)
    body = answer[answer_def.end():]
    uses = [bool(re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z])", body)) for letter in (old, new)]
    if old == new:
        return answer
    if uses[1]:
        return answer if uses[0] else None
    return f"{answer_def.group(1)}({new}) =" + re.sub(rf"(?<![\\A-Za-z]){old}(?![A-Za-z])", new, body)


# "f \equiv 0": the constant function, written as a definition in the text's own argument (x when none is named).
_IDENTICALLY_RE = re.compile(r"(?<![A-Za-z\\])([fghFGHPQ])\s*(?:\\equiv|≡)\s*(?![^$]*\\pmod)")
# "f(x) = \pm x": two functions.
_PLUS_MINUS_DEFINITION_RE = re.compile(r"^\s*\$?\s*([A-Za-z])\s*\(\s*([a-z])\s*\)\s*=\s*\\pm\s*([^,;]+?)\s*\$?\s*$")


# "f is the identity function", "f \\text{ is constant}", "the constant functions": a function named in words.
_NAMED_IN_WORDS_RE = re.compile(r"^\s*\$?\s*(?:(?:all\s+|the\s+)?(?:([fgh])\s*\$?\s*(?:\\text\s*\{\s*)?\s*(?:is|must be)\s+)?"
                                r"(?:the\s+|a\s+)?(identity|constant)(?:\s+(?:function|map|mapping)s?)?)\s*\}?\s*\.?\s*\$?\s*$",
                                re.IGNORECASE)


# "f = \\mathrm{id}_{\\mathbb R}": the identity; "x \\mapsto 2 - x": a function written as a map.
_IDENTITY_MAP_RE = re.compile(r"(?<![A-Za-z\\])([fghFGHPQ])\s*=\s*\\(?:mathrm|operatorname|text)\s*\{\s*id\s*\}"
                              r"(?:_\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\mathbb\s*\{?\w\}?|\w))?")
_MAPSTO_RE = re.compile(r"(?<![\w\\])([a-z])\s*(?:\\mapsto|↦)\s*")


def identically_as_definitions(text: str) -> str:
    """"f \\equiv 0" written as a definition, "f(x) = 0", in the text's own argument (x when none is named); the
    identity map and "x \\mapsto 2 - x" as definitions too."""
    text = re.sub(r"(?<![\w\\])([fghFGHPQ])\s*:\s*([a-z])\s*(?:\\mapsto|↦)\s*", r"\1(\2) = ", text)  # "g: x \\mapsto 2 - x"
    text = _MAPSTO_RE.sub(lambda m: f"f({m.group(1)}) = ", _IDENTITY_MAP_RE.sub(lambda m: f"{m.group(1)}(x) = x", text))
    if not _IDENTICALLY_RE.search(text):
        return text
    argument = re.search(r"(?<![A-Za-z\\])[fghFGHPQ]\s*\(\s*([a-z])\s*\)", text)
    return _IDENTICALLY_RE.sub(lambda m: f"{m.group(1)}({argument.group(1) if argument else 'x'}) = ", text)


def constant_functions(text: str) -> str:
    """ "f \\equiv 0 or f(x) = x^2" -> "f(x) = 0 or f(x) = x^2"; "f(x) = \\pm x" -> "f(x) = x or f(x) = -(x)";
    "f is the identity function" -> "f(x) = x"; "f is constant" -> "f(x) = c"."""
    words = _NAMED_IN_WORDS_RE.match(re.sub(r"\\text\s*\{\s*([^{}]*)\}", r" \1 ", text))
    if words:
        return f"{words.group(1) or 'f'}(x) = " + ("x" if words.group(2).lower() == "identity" else "c")
    text = identically_as_definitions(text)
    plus_minus = _PLUS_MINUS_DEFINITION_RE.match(text)
    if plus_minus:  # the sign where it stands: \pm x + 1 is x + 1 or -x + 1
        name, arg, body = plus_minus.groups()
        text = f"{name}({arg}) = {body} \\text{{ or }} {name}({arg}) = -{body}"
    return text


# What a family's parameter ranges over: "for any real constant c", "c \in \mathbb{R}", "a \geq 0", "with c > 0",
# "for some positive integer k", "k \in \mathbb{Z}^+".
_PARAMETER_DOMAINS = [
    (r"(?:for )?(?:any|some|all|every|an arbitrary|arbitrary)?\s*(?:real )?(?:constant|number|parameter)?\s*([a-zA-Z])"
     r"\s*(?:\\in|∈)\s*\\mathbb\s*\{?R\}?", "R"),
    (r"(?:for |with |where )?(?:any|some|all|every|an arbitrary|arbitrary|a)?\s*(?:real )?(?:constant|number|"
     r"parameter)?\s*([a-zA-Z])(?: (?:is )?(?:a )?(?:real )?(?:constant|number))?", "R"),
    (r"(?:for |with |where )?(?:any|some|all|every|a)?\s*(?:real )?(?:constant )?([a-zA-Z])\s*(\\[gl]eq?|\\neq?|[≥≤≠]|[<>]=?|!=)"
     r"\s*(-?\d+(?:\.\d+)?)(?: (?:is )?(?:a )?(?:real )?(?:constant|number))?", "bound"),
    (r"(?:for |with |where )?(?:any|some|all|every|a)?\s*([a-zA-Z]) (?:is )?(?:an? |any )?(positive|negative|nonnegative|"
     r"non-negative|nonzero|non-zero) (?:real )?(?:constant|number|real)", "sign"),
    (r"(?:for |with |where )?([a-zA-Z]) (?:is )?(?:any|an arbitrary|arbitrary|an?) (?:real )?(?:constant|number)", "R"),
    (r"(?:for |with |where )?(?:any|some|all|every|a)?\s*positive integers?\s*(?:constants?)?\s*([a-zA-Z])", "Z+"),
    (r"(?:for |with |where )?(?:any|some|all|every|a)?\s*(?:constant )?([a-zA-Z])\s*(?:\\in|∈)\s*\\mathbb\s*\{?Z\}?"
     r"\s*(?:\^\s*\{?\+\}?|_\s*\{?(?:\+|>\s*0)\}?)", "Z+"),
    (r"(?:for |with |where )?(?:any|some|all|every|an?)?\s*integers?\s*(?:constants?)?\s*([a-zA-Z])", "Z"),
    (r"(?:for |with |where )?(?:any|some|all|every|a)?\s*(?:constant )?([a-zA-Z])\s*(?:\\in|∈)\s*\\mathbb\s*\{?Z\}?", "Z"),
]
_RELATIONS = {"\\ge": ">=", "\\geq": ">=", "≥": ">=", "\\le": "<=", "\\leq": "<=", "≤": "<=", "\\ne": "!=",
              "\\neq": "!=", "≠": "!="}
_SIGN_WORDS = {"positive": ">0.0", "negative": "<0.0", "nonnegative": ">=0.0", "nonzero": "!=0.0"}
_FAMILY_SPLIT_RE = re.compile(r"\s*(?:,|\\text\s*\{\s*(?:for|with|where)\s*\}|\b(?:for|with|where)\b)\s*")


# A LaTeX command or function name (kept whole), or one letter: "cx" is c times x, "\\sin x" has one letter.
_COMMAND_OR_LETTER_RE = re.compile(r"\\[A-Za-z]+|\b(?:sin|cos|tan|log|ln|exp)\b|[a-z]|(?<![A-Za-z])[A-Z](?![A-Za-z])")


def _letters(body: str) -> list[str]:
    return [m.group() for m in _COMMAND_OR_LETTER_RE.finditer(body) if len(m.group()) == 1]


def _family(text: str):
    """(name, argument, body, parameter, domain) for "f(x) = cx for any real constant c"; None otherwise."""
    text = re.sub(r"\\[,;! ]|~|\\q?quad", " ", text.strip().strip("$").strip().rstrip("."))
    text = re.sub(r"\\(?:text|mathrm)\s*\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"\s*\(\s*\$?\s*([a-zA-Z]\s*(?:\\in|∈)[^()]*?)\$?\s*\)\s*$", r" for \1", text)  # "f(x)=kx ($k\\in\\mathbb{R}$)"
    definition = _DEFINITION_RE.match(text)
    if not definition:
        return None
    name, argument = definition.groups()
    rest = text[definition.end():]
    split = _FAMILY_SPLIT_RE.search(rest)
    body, condition = (rest[:split.start()], rest[split.end():]) if split else (rest, "")
    body = body.strip()
    letters = set(_letters(body)) - {argument}
    if len(letters) != 1 or "=" in body:
        return None
    parameter = letters.pop()
    condition = re.sub(r"\s+", " ", condition.replace("$", " ")).strip().rstrip(".").strip()
    if not condition:
        return name, argument, body, parameter, "R"
    for pattern, domain in _PARAMETER_DOMAINS:
        read = re.fullmatch(pattern, condition)
        if read and read.group(1) == parameter:
            if domain == "bound":  # "c > 1", "c \\geq 0", "c \\ne 0": the real range, in one spelling
                domain = "R" + _RELATIONS.get(read.group(2), read.group(2)) + str(float(read.group(3)))
            elif domain == "sign":  # "c is a positive constant"
                domain = "R" + _SIGN_WORDS[read.group(2).replace("-", "")]
            return name, argument, body, parameter, domain
    return None


def function_family_verdict(gold: str, answer: str, same_value) -> bool | None:
    """A family of functions with one parameter ("f(x) = ax for a \\geq 0") against one with the parameter (and
    argument) renamed ("f(x) = cx with c \\ge 0"): the same name, the same range for the parameter (none stated is
    the reals), and the same body once renamed. None when either side is no such family."""
    gold_family, answer_family = _family(gold), _family(answer)
    if gold_family is None or answer_family is None:
        return None
    g_name, g_arg, g_body, g_param, g_domain = gold_family
    a_name, a_arg, a_body, a_param, a_domain = answer_family
    if g_name != a_name or g_domain != a_domain or a_param == g_arg or a_arg == g_param:
        return False if g_name == a_name and g_domain != a_domain else None
    signs = ("", "-") if g_domain == "R" else ("",)  # over the reals, x - a is the family x + c
    for sign in signs:
        renamed = {a_arg: g_arg, a_param: g_param if not sign else f"(-1)\\cdot {g_param}"}
        body = _COMMAND_OR_LETTER_RE.sub(lambda m: renamed.get(m.group(), m.group()), a_body)
        if same_value(g_body, body):
            return True
    return False
