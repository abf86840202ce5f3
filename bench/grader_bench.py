"""Reward precision/recall on the labelled cases (tests/grader_cases.py), side by side:
  expo      extract_answer + verify_one (alternatives, complete parses, text/choice matching)
  mv-plain  math-verify as usually called: verify(parse(gold), parse(completion or answer))
  mv-dollar the previous grader: our extraction, then verify(parse("$gold$"), parse("$answer$"))
Prints one table per case set (overall and per pattern) and the misclassified cases of each grader, then the
reward's speed in this process: graded cases/s warm (extraction + verify_one, every case of every set, second
pass) and the slowest single case."""

from __future__ import annotations

import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from grader_cases import CASES, HELD_OUT_CASES, SECOND_HELD_OUT_CASES, TYPED_CASES  # noqa: E402

from expo_data.verify import extract_answer, verify_one  # noqa: E402


def expo(gold: str, text: str, is_completion: bool) -> bool:
    return verify_one(gold, extract_answer(text)[0] if is_completion else text)[0]


def mv_plain(gold: str, text: str, is_completion: bool) -> bool:
    from math_verify import parse, verify

    try:
        return bool(verify(parse(gold), parse(text)))
    except Exception:
        return False


def mv_dollar(gold: str, text: str, is_completion: bool) -> bool:
    """What this toolkit called before: gold wrapped in $...$, our extraction on completions."""
    from math_verify import parse, verify

    answer = extract_answer(text)[0] if is_completion else text
    if answer is None:
        return False
    try:
        wrap = lambda t: t if t.startswith("$") else f"${t}$"  # noqa: E731
        return bool(verify(parse(wrap(gold)), parse(wrap(answer))))
    except Exception:
        return False


def score(grader, cases) -> dict:
    tp = fp = fn = tn = 0
    misses, started = [], time.perf_counter()
    for gold, text, is_completion, truth, pattern in cases:
        got = grader(gold, text, is_completion)
        tp += got and truth
        fp += got and not truth
        fn += truth and not got
        tn += not got and not truth
        if got != truth:
            misses.append(("FP" if got else "FN", pattern, gold, text))
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "seconds": time.perf_counter() - started, "misses": misses}


def main() -> None:
    speed(CASES + HELD_OUT_CASES + SECOND_HELD_OUT_CASES + TYPED_CASES)  # first, so that its first pass meets new strings
    for title, cases in (("development set (written with the grader)", CASES),
                         ("held-out set (written after it was frozen, issue 9)", HELD_OUT_CASES),
                         ("second held-out set (written after it was frozen again, issue 18)", SECOND_HELD_OUT_CASES),
                         ("issue 26 classes (plain golds, sentences, solution sets, notations, magnitudes)", TYPED_CASES)):
        report(title, cases)


def processor() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown processor"


def speed(cases) -> None:
    """Every case graded twice in this process: the first pass parses each string for the first time (only the
    imports are warm), the second finds math-verify's parse cache warm, as a long-running worker does."""
    expo("1", "1", False)  # imports
    for label in ("first pass (new strings)", "second pass (warm)"):
        slowest, started = (0.0, ""), time.perf_counter()
        for gold, text, is_completion, _, _ in cases:
            one = time.perf_counter()
            expo(gold, text, is_completion)
            slowest = max(slowest, (time.perf_counter() - one, f"{gold!r} / {text[-50:]!r}"))
        seconds = time.perf_counter() - started
        print(f"== speed, {label} ({processor()}, one process): {len(cases)} cases in {seconds:.2f} s = "
              f"{len(cases) / seconds:.0f} graded cases/s; slowest case {slowest[0] * 1000:.0f} ms ({slowest[1]})")


def report(title: str, cases) -> None:
    results = {"expo": score(expo, cases), "mv-plain": score(mv_plain, cases), "mv-dollar": score(mv_dollar, cases)}
    positives = sum(c[3] for c in cases)
    print(f"== {title}: {len(cases)} labelled cases ({positives} correct, {len(cases) - positives} wrong)\n")
    print(f"{'grader':10} {'precision':>9} {'recall':>7} {'FP':>4} {'FN':>4} {'seconds':>8}")
    for name, r in results.items():
        print(f"{name:10} {r['precision']:9.4f} {r['recall']:7.4f} {r['fp']:4d} {r['fn']:4d} {r['seconds']:8.2f}")
    for name, r in results.items():
        print(f"\n{name}: {len(r['misses'])} misclassified")
        by_pattern = defaultdict(list)
        for kind, pattern, gold, text in r["misses"]:
            by_pattern[pattern].append(kind)
        print("  by pattern: " + ", ".join(f"{p} {'/'.join(sorted(set(k)))} x{len(k)}" for p, k in sorted(by_pattern.items())))
        for kind, pattern, gold, text in r["misses"][:40]:
            print(f"  {kind} [{pattern}] gold={gold!r} text={text[-70:]!r}")
    print()


if __name__ == "__main__":
    main()
