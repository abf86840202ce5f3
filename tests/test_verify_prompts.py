import time

import pytest

from expo_data.generate.prompts import Templates, mentions_answer_hint
from expo_data.errors import ExpoError
from expo_data.verify import Verifier, extract_answer, final_statement_start, last_boxed, verify_one


@pytest.mark.parametrize("text,answer,method", [
    ("so 3 + 4 = 7.\nThe final answer is \\boxed{7}.", "7", "boxed"),
    ("\\boxed{1} then \\boxed{\\frac{1}{2}}", "\\frac{1}{2}", "boxed"),
    ("We get 12. The final answer is 84.", "84", "final_answer_phrase"),
    ("The final answer is within a 2-digit number, 102", "102", "final_answer_phrase"),
    ("Natalia sold 48 clips ... #### 72", "72", "gsm8k_hash"),
    ("10 + 8 is 9.", "9", "last_number"),
    ("11 + 4 = 15\n\nThe answer is within \\boxed{}.", "15", "last_number"),
    ("1 + 6 = 11\n\nThe answer is within the specified constraints.", "11", "last_number"),
    ("The final answer is \\pi.", "\\pi", "final_answer_phrase"),
    ("no digits here", None, None),
])
def test_extract_answer(text, answer, method):
    assert extract_answer(text) == (answer, method)


def test_truncated_completion_gets_no_last_number_fallback():
    assert extract_answer("First 12 times 7 is 8", truncated=True) == (None, None)


def test_last_boxed_unclosed():
    assert last_boxed("\\boxed{12") is None


def test_final_statement_start_points_at_the_answer_line():
    text = "Step one.\nStep two.\nThe final answer is \\boxed{5}."
    assert text[:final_statement_start(text)] == "Step one.\nStep two."
    assert final_statement_start("no answer line") == len("no answer line")


@pytest.mark.parametrize("ref,pred,ok", [("84", "84", True), ("84", "94", False), ("0.5", "\\frac{1}{2}", True),
                                          ("x=3", "3", True), ("1,234", "1234", True)])
def test_verify_one(ref, pred, ok):
    assert verify_one(ref, pred)[0] is ok


def test_verify_one_records_missing_answer():
    assert verify_one("5", None) == (False, "no_answer")


def _sleepy(reference, extracted):
    time.sleep(30)


def test_verifier_times_out_a_hung_item_without_hanging(monkeypatch):
    with Verifier(workers=1, timeout_s=1.0) as verifier:
        start = time.monotonic()
        verifier._fn = _sleepy
        results = verifier.verify_many([("5", "5")])
        assert results == [(False, "timeout")]
        verifier._fn = verify_one
        assert verifier.verify_many([("5", "5"), ("5", "6")]) == [(True, None), (False, None)]
    assert time.monotonic() - start < 20


def test_hint_heuristic():
    assert mentions_answer_hint("As given, the answer is 7.")
    assert mentions_answer_hint("We are told the answer is 84, so")
    assert mentions_answer_hint("This matches the given answer.")
    assert not mentions_answer_hint("12 times 7 is 84, so the answer is 84.")


def test_templates_validated():
    with pytest.raises(ExpoError, match="must not contain"):
        Templates(plain="{question} {answer}").validate()
    with pytest.raises(ExpoError, match="must contain"):
        Templates(hinted="{question}").validate()
    with pytest.raises(ExpoError, match="not a valid format"):
        Templates(plain="{question").validate()


def test_item_timeout_does_not_count_worker_start_up():
    """A fresh (or restarted) spawn worker imports math-verify and sympy (seconds on a loaded machine): the pool's
    initializer does that before the worker takes an item, so a short per-item timeout still grades the first
    items instead of recording them as 'timeout'."""
    with Verifier(workers=1, timeout_s=0.5) as verifier:
        assert verifier.verify_many([("5", "5"), ("1/2", "0.5")]) == [(True, None), (True, None)]
        verifier._fn = _sleepy
        assert verifier.verify_many([("5", "5")]) == [(False, "timeout")]
        verifier._fn = verify_one  # the restarted worker starts cold again
        assert verifier.verify_many([("5", "5")]) == [(True, None)]
