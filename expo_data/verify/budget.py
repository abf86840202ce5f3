"""The CPU budget of one `verify_one` call: a profiling timer that interrupts sympy or math-verify, so no answer
(a tower, a huge factorial, a parse that backtracks) holds a grading worker for long."""

from __future__ import annotations

import signal
from typing import Callable, TypeVar

T = TypeVar("T")

# CPU seconds one verify_one call may spend (all gold alternatives together); past it the answer is wrong
# (precision first) with verify_error 'timeout'. CPU time, not wall time, so a loaded machine grades alike; and
# well above the dearest honest comparison once the LaTeX grammar is learned (0.18 s on a 2-core Xeon), and 0.3 s
# below the one second a case may take (a timer that fires inside C code lands only when it returns).
COMPARE_BUDGET_S = 0.7

# ANTLR learns the LaTeX grammar's prediction DFA lazily, once per process: the first answer that uses a notation
# pays for it (0.4-0.6 s on a 2-core Xeon for `\sum` beside a relation, more on a slower processor; CI once timed
# out a true case this way). That cost belongs to the process, not to the answer, so an attempt that ran out of
# budget while the DFA grew is tried again: the learned states stay, and the next attempt starts further on. The
# attempts are capped because a same-input retry only progresses while it learns; a cost that is not learning
# (sympy evaluating a tower) grows no DFA and is cut at the first attempt.
LEARNING_ATTEMPTS = 4

MAX_NESTING = 40  # brackets and braces one inside another; a timer fired 300 frames deep lands 0.3 s late


def nesting_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    return deepest


class OverBudget(BaseException):
    """Raised by the CPU timer inside sympy or math-verify; a BaseException, so no `except Exception` inside
    them swallows it and carries on."""


def _raise_over_budget(signum, frame):
    # Raised inside a gc callback or a __del__, the exception is swallowed: fire again soon until it lands.
    signal.setitimer(signal.ITIMER_PROF, 0.05)
    raise OverBudget()


def _disarm(previous) -> None:
    while True:  # the timer may fire once more while it is being stopped
        try:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
            return
        except OverBudget:
            continue


def learned_grammar_states() -> int:
    """States in the LaTeX grammar's prediction DFAs (parser and lexer), shared by the whole process."""
    from latex2sympy2_extended.antlr_parser import PSLexer, PSParser
    return sum(len(dfa.states) for recogniser in (PSParser, PSLexer) for dfa in recogniser.decisionsToDFA)


def within_budget(call: Callable[[], T], budget_s: float | None = None) -> tuple[bool, T | None]:
    """(finished, result) of `call` under a CPU timer of `budget_s` (COMPARE_BUDGET_S when None) per attempt,
    tried again while an attempt that ran out taught the grammar something new. Main thread only (signals)."""
    budget_s = COMPARE_BUDGET_S if budget_s is None else budget_s
    for _ in range(LEARNING_ATTEMPTS):
        states_before = learned_grammar_states()
        previous = signal.signal(signal.SIGPROF, _raise_over_budget)
        signal.setitimer(signal.ITIMER_PROF, budget_s)
        try:
            return True, call()
        except OverBudget:
            pass
        finally:
            _disarm(previous)
        if learned_grammar_states() == states_before:
            break
    return False, None
