"""The loop's held-out problems when --problems is a file and --eval-problems is not given: a seeded,
deterministic split of that file, disjoint from the problems it trains on (never the built-in set, which
is another task). The two parts are written as OUT/problems/{train,heldout}.jsonl with canonical column
names, so every stage (and a rerun) reads exactly the same problems through the ordinary loader."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

from expo_data.errors import ExpoError
from expo_data.evaluate import DEFAULT_EVAL_PROBLEMS
from expo_data.store.files import atomic_write_bytes
from expo_data.generate.problems import FieldMap, Problem, load_problems

SPLIT_DIR = "problems"  # under the loop's OUT
HELDOUT_FRACTION = 0.2  # without --eval-limit: a fifth of the file, at least one problem


def is_builtin(source: str) -> bool:
    return str(source).startswith("builtin:")


def needs_split(problems: str, eval_problems: str | None) -> bool:
    return eval_problems is None and not is_builtin(problems)


def split(problems: list[Problem], seed: int) -> tuple[list[Problem], list[Problem]]:
    """(train, held out): a fifth of the problems (at least one, and at least one left to train on) drawn
    by a seeded shuffle of the ids, both parts in the file's order."""
    if len(problems) < 2:
        raise ExpoError(f"--problems has {len(problems)} problem(s): a held-out split needs at least 2; "
                        f"pass --eval-problems")
    count = min(max(1, round(HELDOUT_FRACTION * len(problems))), len(problems) - 1)
    order = sorted(p.id for p in problems)  # the file's row order does not matter, only its ids
    random.Random(f"expo-heldout:{seed}").shuffle(order)
    held = set(order[:count])
    return [p for p in problems if p.id not in held], [p for p in problems if p.id in held]


def _jsonl(problems: list[Problem]) -> bytes:
    rows = [{"id": p.id, "question": p.question, "answer": p.answer, "solution": p.solution, "level": p.level,
             "category": p.category, **dict(p.extra)} for p in problems]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()


def held_out_split(out: Path, gen, eval_cfg):
    """(gen, eval_cfg, description) reading the two parts of --problems' split, written under OUT (each by
    rename); gen.limit then applies to the training part and eval_cfg.limit to the held-out one.
    `gen`/`eval_cfg` are GenerateConfigs."""
    train, held = split(load_problems(str(gen.problems), gen.fields), gen.seed)
    directory = Path(out) / SPLIT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{name}.jsonl" for name in ("train", "heldout")}
    for name, part in (("train", train), ("heldout", held)):
        atomic_write_bytes(paths[name], _jsonl(part))
    fields = FieldMap(keep=gen.fields.keep)
    evaluated = len(held) if eval_cfg.limit is None else min(eval_cfg.limit, len(held))
    description = (f"held-out: {evaluated} of {len(held)} problems split off {gen.problems} (seed {gen.seed}, "
                   f"disjoint from its {len(train)} training problems) -> {directory}")
    return (replace(gen, problems=str(paths["train"]), fields=fields),
            replace(eval_cfg, problems=str(paths["heldout"]), fields=fields), description)


__all__ = ["DEFAULT_EVAL_PROBLEMS", "held_out_split", "needs_split", "split"]
