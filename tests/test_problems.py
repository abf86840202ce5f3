import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expo_data.errors import ExpoError
from expo_data.generate.problems import FieldMap, builtin_arith, load_problems
from expo_data.verify import Verifier, extract_answer


def test_builtin_is_deterministic_graded_and_disjoint():
    train, test = builtin_arith("train"), builtin_arith("test")
    assert train == builtin_arith("train")
    assert {p.level for p in train} == {1, 2, 3, 4, 5}
    assert not {p.question for p in train} & {p.question for p in test}
    assert len({p.id for p in train}) == len(train)
    # --limit N takes every level: levels are interleaved.
    assert [p.level for p in load_problems("builtin:arith", limit=5)] == [1, 2, 3, 4, 5]


def test_builtin_expert_solutions_are_correct():
    problems = builtin_arith("train") + builtin_arith("test")
    with Verifier() as verifier:
        verdicts = verifier.verify_many([(p.answer, extract_answer(p.solution)[0]) for p in problems])
    wrong = [p.id for p, (ok, _) in zip(problems, verdicts) if not ok]
    assert not wrong


def test_gsm8k_jsonl(tmp_path):
    path = tmp_path / "gsm8k.jsonl"
    path.write_text(json.dumps({"question": "Q1?", "answer": "3 + 4 = 7\n#### 1,007"}) + "\n")
    [p] = load_problems(str(path))
    assert (p.id, p.question, p.answer, p.solution) == ("row-000000", "Q1?", "1007", "3 + 4 = 7")


def test_math_parquet_answer_from_solution(tmp_path):
    path = tmp_path / "math.parquet"
    pq.write_table(pa.table({"problem": ["P?"], "solution": ["so \\boxed{\\frac{1}{2}}"], "level": ["Level 5"],
                             "unique_id": ["test/algebra/1.json"]}), path)
    [p] = load_problems(str(path))
    assert (p.id, p.answer, p.level) == ("test/algebra/1.json", "\\frac{1}{2}", 5)


def test_csv_with_field_flags(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("qid,text,gold\na,What is 1+1?,2\n")
    [p] = load_problems(str(path), FieldMap(id="qid", question="text", answer="gold"))
    assert (p.id, p.question, p.answer) == ("a", "What is 1+1?", "2")


def test_datasets_dir(tmp_path):
    import datasets

    datasets.Dataset.from_dict({"question": ["Q?"], "answer": ["5"]}).save_to_disk(str(tmp_path / "ds"))
    [p] = load_problems(str(tmp_path / "ds"))
    assert p.answer == "5"


@pytest.mark.parametrize("content,suffix,message", [
    (None, ".jsonl", "problems file not found"),
    ("", ".jsonl", "has no rows"),
    ('{"foo": 1}\n', ".jsonl", "no question column"),
    ('{"question": "Q?", "answer": "1"}\n{not json\n', ".jsonl", "cannot read problems file"),
    ('{"question": "Q?", "answer": ""}\n', ".jsonl", "no answer"),
    ("a,b\n1,2\n", ".txt", "unsupported problems file type"),
])
def test_bad_problem_files(tmp_path, content, suffix, message):
    path = tmp_path / f"p{suffix}"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ExpoError, match=message):
        load_problems(str(path))
