"""The CPU budget of one `verify_one` call: a profiling timer that interrupts sympy or math-verify, so no answer
(a tower, a huge factorial, a parse that backtracks) holds a grading worker for long."""

from __future__ import annotations

import gc
import signal
import sys
import time
from typing import Callable, TypeVar

T = TypeVar("T")

# CPU seconds one verify_one call may spend (all gold alternatives together); past it the answer is wrong
# (precision first) with verify_error 'timeout'. CPU time, not wall time, so a loaded machine grades alike; and
# well above the dearest honest comparison once the LaTeX grammar is learned (0.18 s on a 2-core Xeon), and 0.3 s
# below the one second a case may take (a timer that fires inside C code lands only when it returns).
COMPARE_BUDGET_S = 0.7

# ANTLR learns the LaTeX grammar's prediction DFA lazily, once per process, and sympy imports some modules on first
# use (simplify's, for a `\log`): the first answer that uses a notation pays for it (0.4-0.6 s on a 2-core Xeon for
# `\sum` beside a relation, more on a slower processor or a contended host; CI once timed out a true case this
# way). That cost belongs to the process, not to the answer, so an attempt that ran out of budget while the process
# learned (the DFA grew, or a module was imported) is tried again: what it learned stays, and the next attempt starts
# further on. The attempts are capped because a same-input retry only progresses while it learns; a cost that is not
# learning (sympy evaluating a tower) learns nothing and is cut at the first attempt.
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


class _Attempt:
    """One attempt's CPU clock, less the garbage collections that ran inside it: a full collection walks the
    whole process's objects (0.16 s inside a 0.2 s comparison in the test process, measured), which is the
    process's cost, not the answer's. The timer is a tripwire: when it fires early, it is set again for what
    the answer has left."""

    def __init__(self, budget_s: float):
        self.budget_s, self.started, self.collecting, self.collected = budget_s, time.process_time(), None, 0.0

    def on_collection(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.collecting = time.process_time()
        elif self.collecting is not None:
            self.collected += time.process_time() - self.collecting
            self.collecting = None

    def on_timer(self, signum, frame) -> None:
        left = self.budget_s - (time.process_time() - self.started - self.collected)
        if left > 0.005 or self.collecting is not None:  # in a collection: fire again once it ends
            signal.setitimer(signal.ITIMER_PROF, max(left, 0.01))
            return
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


def _learned() -> tuple[int, int]:
    return learned_grammar_states(), len(sys.modules)


def within_budget(call: Callable[[], T], budget_s: float | None = None) -> tuple[bool, T | None]:
    """(finished, result) of `call` under a CPU timer of `budget_s` (COMPARE_BUDGET_S when None) per attempt,
    tried again while an attempt that ran out taught the process something (`_learned`). Main thread only."""
    budget_s = COMPARE_BUDGET_S if budget_s is None else budget_s
    for _ in range(LEARNING_ATTEMPTS):
        learned_before, attempt = _learned(), _Attempt(budget_s)
        gc.callbacks.append(attempt.on_collection)
        previous = signal.signal(signal.SIGPROF, attempt.on_timer)
        signal.setitimer(signal.ITIMER_PROF, budget_s)
        try:
            return True, call()
        except OverBudget:
            pass
        finally:
            _disarm(previous)
            gc.callbacks.remove(attempt.on_collection)
        if _learned() == learned_before:
            break
    return False, None
