"""Prompt templates, the canonical answer suffix, and the hint-leak heuristic.

Templates are Python format strings over {question} and {answer}; the chat
template of the model wraps them as a single user turn. Every run records the
templates verbatim in its manifest.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

DEFAULT_PLAIN = (
    "{question}\n\n"
    "Please reason step by step, and put your final answer within \\boxed{{}}."
)
DEFAULT_HINTED = (
    "{question}\n\n"
    "The correct final answer is {answer}. Without saying that you were given the answer, "
    "write a clear step-by-step solution that derives it from the question, "
    "and put your final answer within \\boxed{{}}."
)
# Appended after a row's reasoning (its own final statement removed) to measure how
# strongly that reasoning points at the ground truth (ExPO property 2).
DEFAULT_ANSWER_SUFFIX = "\nThe final answer is \\boxed{{{answer}}}."


@dataclass(frozen=True)
class Templates:
    plain: str = DEFAULT_PLAIN
    hinted: str = DEFAULT_HINTED
    answer_suffix: str = DEFAULT_ANSWER_SUFFIX
    system: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def validate(self) -> None:
        """Each template names only the bare fields it may use: an attribute or index lookup
        ({question.__class__}, {answer[0]}) reads Python objects, not the problem, and a plain prompt without
        the question, or a hint without the answer, would train on the wrong text."""
        from ..errors import ExpoError

        needs = {"plain": ({"question"}, {"question"}), "hinted": ({"question", "answer"}, {"question", "answer"}),
                 "answer_suffix": ({"answer"}, {"answer"})}
        for name, (allowed, required) in needs.items():
            fields = template_fields(getattr(self, name), name)
            if name == "plain" and "answer" in fields:
                raise ExpoError("the plain prompt template must not contain {answer}: it is the unhinted prompt")
            if fields - allowed:
                raise ExpoError(f"prompt template '{name}' may use only {{{'}, {'.join(sorted(allowed))}}}, "
                                f"not {{{sorted(fields - allowed)[0]}}}")
            if required - fields:
                raise ExpoError(f"prompt template '{name}' must contain {{{sorted(required - fields)[0]}}}")


def template_fields(template: str, name: str) -> set[str]:
    """The fields a format string uses, each a bare name; ExpoError for anything else."""
    import string

    from ..errors import ExpoError

    fields = set()
    try:
        for _, field_name, spec, conversion in string.Formatter().parse(template):
            if field_name is None:
                continue
            if not field_name.isidentifier() or spec or conversion:
                raise ExpoError(f"prompt template '{name}' may use only bare fields like {{question}}, not "
                                f"{{{field_name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}")
            fields.add(field_name)
    except ValueError as exc:  # an unmatched brace
        raise ExpoError(f"prompt template '{name}' is not a valid format string: {exc}")
    return fields


def render_chat(tokenizer, user_text: str, system: str | None = None) -> str:
    """The exact prompt text the model sees: the chat template with a generation prompt."""
    messages = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": user_text})
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    # Base models without a chat template: the raw user text.
    return (system + "\n\n" if system else "") + user_text + "\n"


# Phrases by which an explanation admits it was handed the answer. A self-explanation
# that says them teaches the policy to expect a hint it will not get at test time.
HINT_PATTERNS = [
    r"\bas (?:given|stated|provided|mentioned|indicated)\b",
    r"\b(?:we are|we're|i am|i'm|we were|i was) (?:told|given)\b",
    r"\b(?:the )?(?:given|provided|stated|known) (?:final )?answer\b",
    r"\bthe (?:correct )?(?:final )?answer (?:is|was) (?:given|provided|stated|known)\b",
    r"\bmatches the (?:given|provided|expected|correct) answer\b",
    r"\b(?:confirm|confirms|verify|verifies|check) (?:that )?the (?:given|provided|correct) answer\b",
    r"\bthe problem (?:says|states|tells us) (?:that )?the answer\b",
    r"\bwe (?:know|already know) (?:that )?the answer\b",
]
_HINT_RE = re.compile("|".join(HINT_PATTERNS), re.IGNORECASE)


def mentions_answer_hint(text: str) -> bool:
    return _HINT_RE.search(text) is not None
