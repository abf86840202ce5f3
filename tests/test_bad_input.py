"""Every command under bad input: one `error:` line, a non-zero exit, no traceback, no data changed,
and nothing loaded, started or written before the input is refused.

The table runs in-process through click's CliRunner (fast: no model is ever loaded, and a hook that
would load one, start an engine or a cluster fails the case); a handful of cases run as real
processes. Each case compares the whole tmp tree (type and sha256 of every entry) with its snapshot from before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import threading
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"


class Started(Exception):
    """Raised by the hooks below: something heavy began before the bad input was refused."""


@pytest.fixture(autouse=True)
def no_heavy_work(monkeypatch):
    """A model load, an engine, a cluster, a loop stage or a model download: each fails the case."""
    import expo_data.generate.cluster
    import expo_data.generate.driver
    import expo_data.model
    import expo_train.loop
    import expo_train.trainer

    started = []

    def hook(what):
        def fail(*args, **kwargs):
            started.append(what)
            raise Started(what)

        return fail

    monkeypatch.setattr(expo_data.generate.driver.Engine, "__init__", hook("vLLM engine"))
    def ray_init(address):
        expo_data.generate.cluster._probe_address(address)  # the deadline check runs; joining does not
        hook("Ray cluster")()

    monkeypatch.setattr(expo_data.generate.cluster, "ray_init", ray_init)
    monkeypatch.setattr(expo_train.trainer, "load_policy", hook("model load"))
    monkeypatch.setattr(expo_train.loop, "in_child", hook("loop stage"))
    monkeypatch.setattr(expo_train.loop, "base_eval", hook("round-0 eval"))
    monkeypatch.setattr(expo_data.model, "subprocess", types.SimpleNamespace(run=hook("model download")))
    monkeypatch.setattr(expo_data.model, "merged_model_dir", hook("adapter merge"))
    return started


def snapshot(root: Path) -> dict[str, tuple[str, str | None]]:
    """Every entry under root: its kind and, for a regular file, the sha256 of its bytes."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                entries[str(path.relative_to(root))] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                entries[str(path.relative_to(root))] = (stat.filemode(mode)[0], None)
    return entries


def _round_copy(root: Path, name: str, manifest_edit=None, edit=None) -> Path:
    out = root / name
    shutil.copytree(FIXTURE, out)
    if manifest_edit is not None:
        manifest = json.loads((out / "manifest.json").read_text())
        result = manifest_edit(manifest)
        data = result if isinstance(result, bytes) else json.dumps(manifest if result is None else result).encode()
        (out / "manifest.json").write_bytes(data)
    if edit is not None:
        edit(out)
    return out


def _drop(key):
    def edit(manifest):
        del manifest[key]

    return edit


def _set(key, value):
    def edit(manifest):
        manifest[key] = value

    return edit


def _sidecar(content: bytes):
    def edit(out):
        (out / "shards" / "shard-00000-of-00002.json").write_bytes(content)

    return edit


def _sidecar_field(key, value):
    def edit(out):
        path = out / "shards" / "shard-00000-of-00002.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | {key: value}))

    return edit


def _eval_record(content: bytes):
    def edit(out):
        (out / "eval").mkdir()
        (out / "eval" / "eval.json").write_bytes(content)

    return edit


# Rounds that are not what a reader may trust: name -> (how it is made, the error it must give).
BAD_ROUNDS = {
    "no_shards_field": (dict(manifest_edit=_drop("shards")), "no 'shards' field"),
    "shards_text": (dict(manifest_edit=_set("shards", "abc")), "'shards' is \"abc\""),
    "shards_zero": (dict(manifest_edit=_set("shards", 0)), "'shards' is 0"),
    "shards_negative": (dict(manifest_edit=_set("shards", -1)), "'shards' is -1"),
    "shards_float": (dict(manifest_edit=_set("shards", 2.0)), "'shards' is 2.0"),
    "grading_text": (dict(manifest_edit=_set("grading", "builtin")), "'grading' is \"builtin\""),
    "shards_bool": (dict(manifest_edit=_set("shards", True)), "'shards' is true"),
    "shards_more": (dict(manifest_edit=_set("shards", 3)), "is missing"),
    "round_list": (dict(manifest_edit=_set("round", [1])), "'round' is [1]"),
    "round_text": (dict(manifest_edit=_set("round", "1")), "'round' is \"1\""),
    "no_round": (dict(manifest_edit=_drop("round")), "no 'round' field"),
    "no_config_hash": (dict(manifest_edit=_drop("config_hash")), "not an expo manifest"),
    "config_hash_number": (dict(manifest_edit=_set("config_hash", 5)), "'config_hash' is 5"),
    "schema_99": (dict(manifest_edit=_set("schema_version", 99)), "schema version 99"),
    "schema_text": (dict(manifest_edit=_set("schema_version", "2")), "schema version 2"),
    "base_model_list": (dict(manifest_edit=_set("base_model", ["m"])), "'base_model' is"),
    "num_problems_text": (dict(manifest_edit=_set("num_problems", "6")), "'num_problems' is"),
    "manifest_not_json": (dict(manifest_edit=lambda m: b"{not json"), "is corrupt (not JSON"),
    "manifest_truncated": (dict(manifest_edit=lambda m: json.dumps(m).encode()[:40]), "is corrupt (not JSON"),
    "manifest_not_utf8": (dict(manifest_edit=lambda m: b"\xff\xfe{\x00}"), "is corrupt (not JSON"),
    "manifest_empty": (dict(manifest_edit=lambda m: b""), "is corrupt (not JSON"),
    "manifest_list": (dict(manifest_edit=lambda m: b"[1, 2]"), "not an expo manifest"),
    "manifest_deep": (dict(manifest_edit=lambda m: b"[" * 100000 + b"]" * 100000), "is corrupt (not JSON"),
    "sidecar_not_json": (dict(edit=_sidecar(b"{oops")), "is corrupt"),
    "sidecar_not_utf8": (dict(edit=_sidecar(b"\xff\xff")), "is corrupt"),
    "sidecar_list": (dict(edit=_sidecar(b"[]")), "is corrupt"),
    "sidecar_sha_number": (dict(edit=_sidecar_field("sha256", 5)), "is corrupt"),
    "sidecar_bytes_text": (dict(edit=_sidecar_field("bytes", "29026")), "is corrupt"),
    "sidecar_other_config": (dict(edit=_sidecar_field("config_hash", "x")), "is corrupt"),
    "sidecar_missing": (dict(edit=lambda out: (out / "shards" / "shard-00000-of-00002.json").unlink()), "is corrupt"),
    "shard_missing": (dict(edit=lambda out: (out / "shards" / "shard-00001-of-00002.arrow").unlink()), "is corrupt"),
    "shard_truncated": (dict(edit=lambda out: (out / "shards" / "shard-00000-of-00002.arrow").write_bytes(b"ARROW1")),
                        "is corrupt"),
}


@pytest.fixture
def tree(tmp_path):
    """A tree of its own, for a test that writes into it."""
    return build_tree(tmp_path)


@pytest.fixture(scope="module")
def _shared(tmp_path_factory):
    t = tmp_path_factory.mktemp("bad-input")
    tree = build_tree(t)
    return tree, snapshot(t)


@pytest.fixture
def shared_tree(_shared):
    """One tree for every case that must change nothing (building it is most of a case's time): a case
    compares the tree to the snapshot taken when it was built; one that changed it fails, and the tree is
    built again for the cases after it."""
    tree, before = _shared
    yield tree, before
    t = tree[0]
    if snapshot(t) != before:
        shutil.rmtree(t)
        t.mkdir()
        build_tree(t)


def build_tree(t: Path) -> tuple[Path, Path]:
    """The tmp tree every case runs in: a good round, bad rounds, bad files of every kind."""
    round_dir = _round_copy(t, "round")
    for name, (how, _) in BAD_ROUNDS.items():
        _round_copy(t / "bad", name, **how)
    (t / "afile").write_text("x\n")
    (t / "adir").mkdir()
    (t / "adir" / "keep.txt").write_text("mine\n")
    (t / "empty_dir").mkdir()
    os.mkfifo(t / "fifo")
    (t / "notutf8.bin").write_bytes(b"\xff\xfe\x00\x81bad")
    model = t / "model"  # enough for resolve_model: every case here fails before a model is read
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "llama", "torch_dtype": "float32",
                                                   "max_position_embeddings": 2048}))
    problems = {
        "answer_list.jsonl": '{"question": "Q", "answer": [1, 2]}\n',
        "answer_dict.jsonl": '{"question": "Q", "answer": {"a": 1}}\n',
        "answer_bool.jsonl": '{"question": "Q", "answer": true}\n',
        "question_number.jsonl": '{"question": 5, "answer": "1"}\n',
        "no_answer.jsonl": '{"question": "Q", "answer": null}\n',
        "wrong_cols.jsonl": '{"text": "Q"}\n',
        "dup_ids.jsonl": '{"id": 1, "question": "Q", "answer": "1"}\n{"id": 1, "question": "R", "answer": "2"}\n',
        "truncated.jsonl": '{"question": "Q", "ans',
        "empty.jsonl": "",
        "not_utf8.jsonl": '{"question": "Q", "answer": "1"}\n',
        "not_utf8.csv": "question,answer\nQ,1\n",
        "garbage.parquet": "not parquet",
        "solution_list.jsonl": '{"question": "Q", "solution": ["\\\\boxed{1}"], "answer": "1"}\n',
        "problems.txt": "Q 1\n",
        "array.json": "[1, 2, 3]\n",
    }
    for name, content in problems.items():
        (t / name).write_text(content)
    for name in ("not_utf8.jsonl", "not_utf8.csv"):
        (t / name).write_bytes((t / name).read_bytes() + b"\xff\xfe\x80oops\n")
    configs = {
        "list_value.toml": "batch_size = [1, 2]\n", "table_value.toml": "[limit]\nx = 1\n",
        "unknown.toml": "nonsense_key = 1\n", "syntax.toml": "limit = = 3\n", "text_for_int.toml": 'limit = "abc"\n',
        "nan.toml": "temperature = nan\n", "date.toml": "limit = 1979-05-27\n",
        "inf_lr.toml": "lr = inf\n", "neg_attempts.toml": "attempts = -1\n", "number_for_path.toml": "out = 5\n",
        "text_for_flag.toml": 'dry_run = "yes"\n', "bool_for_number.toml": "temperature = true\n",
    }
    for name, content in configs.items():
        (t / name).write_text(content)
    (t / "not_utf8.toml").write_bytes(b"limit = 3\n\xff\xfe = 1\n")
    (t / "not_utf8.sql").write_bytes(b"SELECT \xff\xfe 1")
    adapters = {"adapter_not_utf8": b"\xff\xfe{", "adapter_list": b"[1]", "adapter_rank_text": b'{"r": "x"}',
                "adapter_truncated": b'{"r": 8, "peft'}
    for name, config in adapters.items():
        (t / name).mkdir()
        (t / name / "adapter_config.json").write_bytes(config)
        (t / name / "adapter_model.safetensors").write_bytes(b"x")
    (t / "adapter_no_weights").mkdir()
    (t / "adapter_no_weights" / "adapter_config.json").write_text('{"r": 8}')
    # Adapters a round's manifest may name: configs PEFT would refuse only once the weights are loaded.
    lora = {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}
    round_adapters = {**{name: config for name, config in adapters.items()},
                      "adapter_no_such_target": json.dumps({**lora, "target_modules": ["no_such_module"]}).encode(),
                      "adapter_alpha_text": json.dumps({**lora, "lora_alpha": "x"}).encode(),
                      "adapter_prefix_tuning": json.dumps({"peft_type": "PREFIX_TUNING", "num_virtual_tokens": 4}).encode(),
                      "adapter_rank_9999": json.dumps({**lora, "r": 9999}).encode(),
                      "adapter_modules_to_save": json.dumps({**lora, "modules_to_save": ["lm_head"]}).encode(),
                      "adapter_lm_head": json.dumps({**lora, "target_modules": ["q_proj", "lm_head"]}).encode()}
    for name, config in round_adapters.items():
        (t / name).mkdir(exist_ok=True)
        (t / name / "adapter_config.json").write_bytes(config)
        (t / name / "adapter_model.safetensors").write_bytes(b"x")
        _round_copy(t / "adapted", name, manifest_edit=_set("adapter", str(t / name)))
    corrupt_evals = {"eval_not_json": b"{", "eval_partial": b'{"k": 4}', "eval_wrong_types": b'{"k": "4"}',
                     "eval_levels_list": b'{"k": 4, "pass_at_1_greedy": [1], "pass_at_4": {}, "sampled_accuracy": {}}',
                     "eval_value_text": b'{"k": 4, "pass_at_1_greedy": {"all": "x"}, "pass_at_4": {}, '
                                        b'"sampled_accuracy": {}}',
                     "eval_not_utf8": b"\xff\xfe"}
    for name, content in corrupt_evals.items():
        _round_copy(t / "evals", name, edit=_eval_record(content))
    return t, round_dir


GEN = ["--out", "{t}/o", "--model", "{t}/model"]
TRAIN = ["--data", "{t}/round"]
LOOP = ["--out", "{t}/loop", "--model", "{t}/model"]

# (tool, command and arguments, a piece of the one error line). {t} is the tmp tree.
CASES = [
    # --- generate: every numeric option out of range, before any model or engine -------------------
    *[("data", ["generate", *GEN, opt, val], msg) for opt, val, msg in [
        ("--temperature", "nan", "--temperature must be"), ("--temperature", "inf", "--temperature must be"),
        ("--temperature", "-1", "--temperature must be"), ("--temperature", "-inf", "--temperature must be"),
        ("--top-p", "0", "--top-p must be"), ("--top-p", "5", "--top-p must be"), ("--top-p", "nan", "--top-p must be"),
        ("--top-p", "-0.5", "--top-p must be"),
        ("--max-model-len", "0", "--max-model-len must be"), ("--max-model-len", "-1", "--max-model-len must be"),
        ("--max-model-len", "100", "leaves no room"), ("--max-model-len", "100000", "exceeds the model's context"),
        ("--attempts", "100000", "must be <= 4096"), ("--explanations", "99999999999", "must be <= 4096"),
        ("--tensor-parallel-size", "0", "--tensor-parallel-size must be"),
        ("--tensor-parallel-size", "-2", "--tensor-parallel-size must be"),
        ("--tensor-parallel-size", "1000000000000", "--tensor-parallel-size must be"),
        ("--gpu-memory-utilization", "0", "--gpu-memory-utilization must be"),
        ("--gpu-memory-utilization", "5", "--gpu-memory-utilization must be"),
        ("--gpu-memory-utilization", "nan", "--gpu-memory-utilization must be"),
        ("--gpu-memory-utilization", "-0.1", "--gpu-memory-utilization must be"),
        ("--dtype", "banana", "--dtype must be"), ("--dtype", "", "--dtype must be"),
        ("--verify-timeout", "-1", "--verify-timeout must be"), ("--verify-timeout", "0", "--verify-timeout must be"),
        ("--verify-timeout", "nan", "--verify-timeout must be"), ("--verify-timeout", "inf", "--verify-timeout must be"),
        ("--group-problems", "0", "--group-problems must be"), ("--group-problems", "-3", "--group-problems must be"),
        ("--attempts", "-1", "--attempts and --explanations"), ("--explanations", "-1", "--attempts and --explanations"),
        ("--shards", "0", "--shards must be"), ("--shards", "-1", "--shards must be"),
        ("--shards", "99999999999", "--shards must be"),
        ("--max-tokens", "0", "--max-tokens must be"), ("--max-tokens", "-5", "--max-tokens must be"),
        ("--seed", "-1", "--seed must be"), ("--seed", "99999999999", "--seed must be"),
        ("--round", "-1", "--round must be"), ("--limit", "0", "--limit must be positive"),
        ("--limit", "-5", "--limit must be positive"),
        ("--worker", "2/2", "--worker 2/2"), ("--worker", "1/0", "--worker 1/0"), ("--worker", "x", "expected i/N"),
        ("--worker", "-1/2", "--worker -1/2"),
        ("--temperature", "abc", "is not a valid float"), ("--shards", "1.5", "is not a valid integer"),
        ("--lora-mode", "banana", "'banana' is not one of"),
        ("--plain-template", "{question.foo}", "may use only bare fields"),
        ("--plain-template", "{0}", "may use only bare fields"),
        ("--plain-template", "{", "not a valid format string"),
        ("--plain-template", "{question:d}", "may use only bare fields"),
        ("--plain-template", "{question} {answer}", "must not contain {answer}"),
        ("--hinted-template", "{question}", "must contain {answer}"),
        ("--answer-suffix", "{x}", "may use only {answer}, not {x}"),
        # Found by the outside probes: lookups that read Python objects, and templates missing their field.
        ("--plain-template", "{question.__class__.__mro__}", "may use only bare fields"),
        ("--plain-template", "no placeholder", "must contain {question}"),
        ("--hinted-template", "{question} {answer[0]}", "may use only bare fields"),
        ("--answer-suffix", "{answer.upper}", "may use only bare fields"),
        ("--answer-suffix", "The answer is 5.", "must contain {answer}"),
        ("--problems", "builtin:nope", "unknown builtin problem set"),
        ("--problems", "builtin:arith:nope", "unknown builtin split"),
        ("--problems", "{t}/nonexistent.jsonl", "problems file not found"),
        ("--problems", "{t}/adir", "cannot read problems"),
        ("--problems", "{t}/empty_dir", "cannot read problems"),
        ("--problems", "{t}/fifo", "unsupported problems file type"),
        ("--problems", "{t}/problems.txt", "unsupported problems file type"),
        ("--model", "{t}/nonexistent", "model path not found"),
        ("--model", "{t}/adir", "not a Hugging Face model directory"),
        ("--adapter", "{t}/adir", "no adapter_config.json"),
        ("--adapter", "{t}/nonexistent", "adapter path not found"),
        ("--adapter", "{t}/adapter_no_weights", "no adapter_model weights"),
        ("--workers", "2", "--workers needs --ray"),
    ]],
    *[("data", ["generate", *GEN, "--problems", "{t}/" + name], msg) for name, msg in [
        ("answer_list.jsonl", "the answer is a list"), ("answer_dict.jsonl", "the answer is a dict"),
        ("answer_bool.jsonl", "the answer is a bool"), ("question_number.jsonl", "non-text question"),
        ("no_answer.jsonl", "no answer"), ("wrong_cols.jsonl", "no question column"),
        ("dup_ids.jsonl", "duplicate problem id"), ("truncated.jsonl", "cannot read problems file"),
        ("empty.jsonl", "has no rows"), ("not_utf8.jsonl", "cannot read problems file"),
        ("not_utf8.csv", "cannot read problems file"), ("garbage.parquet", "cannot read problems file"),
        ("solution_list.jsonl", "the solution is a list"), ("array.json", "cannot read problems file"),
        ("notutf8.bin", "unsupported problems file type"),
    ]],
    *[("data", ["generate", *GEN, "--adapter", "{t}/" + name], msg) for name, msg in [
        ("adapter_not_utf8", "is not valid JSON"), ("adapter_list", "not a PEFT LoRA config"),
        ("adapter_rank_text", "not a PEFT LoRA config"), ("adapter_truncated", "is not valid JSON"),
    ]],
    *[("data", ["generate", *GEN, "--config", "{t}/" + name], msg) for name, msg in [
        ("list_value.toml", "unknown key 'batch_size'"), ("table_value.toml", "key 'limit' takes a"),
        ("unknown.toml", "unknown key 'nonsense_key'"), ("syntax.toml", "cannot read run config"),
        ("not_utf8.toml", "cannot read run config"), ("text_for_int.toml", "key 'limit' takes an integer, not 'abc'"),
        # Found by the outside probes: a TOML value of another type than the option's (was taken as "5", True, 1.0).
        ("number_for_path.toml", "key 'out' takes a string, not 5"), ("text_for_flag.toml", "key 'dry_run' takes a boolean"),
        ("bool_for_number.toml", "key 'temperature' takes a number, not True"),
        ("nan.toml", "--temperature must be"), ("date.toml", "key 'limit' takes a"),
        ("neg_attempts.toml", "--attempts and --explanations"), ("nonexistent.toml", "cannot read run config"),
        ("adir", "is a directory"),
    ]],
    ("data", ["generate", "--out", "", "--model", "{t}/model"], "--out is empty"),
    ("data", ["generate", "--out", "{t}/afile/sub", "--model", "{t}/model"], "afile is not a directory"),
    ("data", ["generate", "--out", "{t}/afile", "--model", "{t}/model"], "afile is not a directory"),
    ("data", ["generate", "--out", "s3://bucket/x/../r1", "--model", "{t}/model"], "'..' are not allowed"),
    ("data", ["generate", "--out", "bogus://bucket/r1", "--model", "{t}/model"], "no filesystem is known"),
    ("data", ["generate", *GEN, "--ray", "--workers", "0"], "--workers must be >= 1"),
    ("data", ["generate", *GEN, "--ray", "--worker", "0/2"], "drop --worker"),
    ("data", ["generate", *GEN, "--ray", "127.0.0.1:1"], "cannot join the Ray cluster at 127.0.0.1:1"),
    ("data", ["generate", *GEN, "--ray", "banana"], "expected 'auto' or a cluster address"),
    ("data", ["generate", *GEN, "--ray", "--temperature", "nan"], "--temperature must be"),
    ("data", ["generate", *GEN, "--ray", "--problems", "{t}/empty.jsonl"], "has no rows"),
    ("data", ["generate", *GEN, "--ray", "--adapter", "{t}/adapter_list"], "not a PEFT LoRA config"),
    ("data", ["generate", *GEN, "--ray", "auto", "--max-model-len", "100000"], "exceeds the model's context"),
    ("data", ["eval", "--out", "{t}/ev", "--model", "{t}/model", "--ray", "--problems", "{t}/empty.jsonl"], "has no rows"),
    ("train", ["loop", *LOOP, "--ray", "--problems", "{t}/empty.jsonl"], "has no rows"),
    # The unreachable address is the one line: no plan line before it.
    ("train", ["loop", *LOOP, "--ray", "127.0.0.1:1"], "cannot join the Ray cluster at 127.0.0.1:1"),
    ("data", ["generate", *GEN, "--bogus-flag"], "No such option"),
    ("data", ["generate"], "Missing option '--out'"),
    ("data", ["nonsense-command"], "No such command"),
    # --- eval: the sampled pass's options before the greedy pass's engine ----------------------------
    *[("data", ["eval", "--out", "{t}/ev", "--model", "{t}/model", opt, val], msg) for opt, val, msg in [
        ("--k", "0", "--k must be >= 1"), ("--k", "-1", "--k must be >= 1"),
        ("--temperature", "-1", "--temperature must be"), ("--temperature", "nan", "--temperature must be"),
        ("--max-tokens", "0", "--max-tokens must be"), ("--shards", "0", "--shards must be"),
        ("--dtype", "banana", "--dtype must be"), ("--limit", "0", "--limit must be positive"),
        ("--max-model-len", "0", "--max-model-len must be"), ("--problems", "{t}/empty.jsonl", "has no rows"),
        ("--problems", "{t}/answer_list.jsonl", "the answer is a list"),
        ("--adapter", "{t}/adapter_list", "not a PEFT LoRA config"), ("--config", "{t}/list_value.toml", "unknown key"),
        ("--workers", "0", "--workers needs --ray"),
    ]],
    ("data", ["eval", "--out", "", "--model", "{t}/model"], "--out is empty"),
    ("data", ["eval", "--out", "{t}/ev", "--model", "{t}/model", "--ray", "127.0.0.1:1"], "cannot join the Ray cluster"),
    # --- sql -------------------------------------------------------------------------------------
    *[("data", ["sql", "{t}/bad/" + name, "SELECT count(*) FROM samples"], msg) for name, (_, msg) in BAD_ROUNDS.items()],
    *[("data", ["sql", "{t}/round", *args], msg) for args, msg in [
        (["SELECT 1; SELECT 2"], "one SQL statement per query, not 2"),
        (["CREATE TABLE t AS SELECT 1; SELECT * FROM t"], "one SQL statement per query"),
        (["  "], "empty SQL query"), ([";"], "empty SQL query"),
        (["COPY (SELECT 1) TO '{t}/copied.csv'"], "file system operations are disabled"),
        (["SELECT * FROM read_csv('{t}/afile')"], "file system operations are disabled"),
        (["SELECT * FROM read_text('/etc/hostname')"], "file system operations are disabled"),
        (["ATTACH '{t}/new.db'"], "file system operations are disabled"),
        (["INSTALL httpfs"], "disabled"),
        (["SET enable_external_access = true"], "the configuration has been locked"),
        (["SET lock_configuration = false"], "the configuration has been locked"),
        (["SELEC 1"], "SQL error: Parser Error"),
        (["SELECT nope FROM samples"], "SQL error: Binder Error"),
        (["SELECT 1", "--param", "x=1"], "unknown parameter(s) x"),
        (["SELECT '$x' -- $y", "--param", "x=1"], "unknown parameter(s) x"),
        (["SELECT $a"], "missing value for parameter(s) a"),
        (["SELECT $a", "--param", "a"], "malformed parameter 'a'"),
        (["SELECT $a", "--param", "1a=2"], "malformed parameter"),
        (["-f", "select_positives", "--param", "max_nll_ratio=nan"], "not a finite number"),
        (["-f", "select_positives", "--param", "max_nll_ratio=inf"], "not a finite number"),
        (["-f", "select_positives", "--param", "max_nll_ratio=-inf"], "not a finite number"),
        (["-f", "select_positives", "--param", "min_answer_gain=NaN"], "not a finite number"),
        (["-f", "quality_report", "--param", "group_by=banana"], "group_by must be auto, level or category"),
        (["-f", "no_such_query"], "no shipped query named no_such_query"),
        (["-f", "{t}/not_utf8.sql"], "cannot read SQL file"),
        (["-f", "{t}/adir"], "is a directory"),
        (["SELECT 1", "--format", "arrow"], "--format arrow needs --output"),
        (["SELECT 1", "--format", "xml"], "'xml' is not one of"),
        (["SELECT 1", "-o", "{t}/nodir/x.csv"], "does not exist"),
        (["SELECT 1", "-o", "{t}/afile/x.csv"], "is not a directory"),
        (["SELECT 1", "-o", "{t}/adir"], "is a directory"),
        (["SELECT 1", "-o", "{t}/round/manifest.json", "--format", "csv"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/round/shards/shard-00000-of-00002.arrow"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/round/shards/new.csv"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/round/selected/pairs.arrow"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/round/train_summary.json"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/bad/shards_more/manifest.json"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/evals/eval_partial/eval/eval.json"], "is a file of the round"),
        (["SELECT 1", "-o", "{t}/fifo", "--format", "csv"], "a pipe that nothing reads"),
        (["-o", "{t}/out.csv"], "--output needs a query"),
    ]],
    ("data", ["sql", "{t}/round", "{t}/round", "SELECT 1"], "are both round 1"),
    ("data", ["sql", "{t}/nonexistent", "SELECT 1"], "not a round dir"),
    ("data", ["sql", "{t}/afile", "SELECT 1"], "not a round dir"),
    ("data", ["sql", "s3://bucket/x/../r1", "SELECT 1"], "'..' are not allowed"),
    ("data", ["sql", "ftp://bucket/x", "SELECT 1"], "cannot open ftp://bucket/x"),
    ("data", ["sql", "nosuchscheme://bucket/x", "SELECT 1"], "no filesystem is known"),
    ("data", ["sql", "SELECT 1"], "no round dir given"),
    # --- select --------------------------------------------------------------------------------------
    *[("data", ["select", "{t}/bad/" + name], msg) for name, (_, msg) in BAD_ROUNDS.items()],
    *[("data", ["select", "{t}/round", *args], msg) for args, msg in [
        (["--param", "max_nll_ratio=nan"], "not a finite number"), (["--param", "max_nll_ratio=inf"], "not a finite number"),
        (["--param", "bogus=1"], "unknown parameter(s) bogus"), (["--param", "x"], "malformed parameter"),
        (["--param", "min_policy_mean=abc"], "expected a number"),
        (["--export", "trl"], "--export trl needs --output"),
        (["--output", "{t}/x.parquet"], "pass --export trl"),
        (["--tokenizer", "{t}/model"], "--tokenizer is the export's"),
        (["--export", "csv", "--output", "{t}/x.csv"], "'csv' is not 'trl'"),
        (["--export", "trl", "--output", "{t}/nodir/x.parquet"], "does not exist"),
        (["--export", "trl", "--output", "{t}/afile/x.parquet"], "is not a directory"),
        (["--export", "trl", "--output", "{t}/adir"], "is a directory"),
        (["--export", "trl", "--output", "{t}/round/manifest.json"], "is a file of the round"),
        (["--export", "trl", "--output", "{t}/round/selected/pairs.arrow"], "is a file of the round"),
        (["--export", "trl", "--output", "{t}/round"], "is a directory"),
        # Found by the outside probes: selected/ used to be rewritten before the unread pipe failed.
        (["--export", "trl", "--output", "{t}/fifo"], "a pipe that nothing reads"),
    ]],
    ("data", ["select", "{t}/nonexistent"], "not a round dir"),
    # --- regrade: the round, the verifier and the options, before any verifier pool or write --------------
    *[("data", ["regrade", "{t}/bad/" + name], msg) for name, (_, msg) in BAD_ROUNDS.items()],
    *[("data", ["regrade", "{t}/round", *args], msg) for args, msg in [
        (["--verifier", "nope"], "unknown verifier"), (["--verifier", "no_such_module_xyz:f"], "cannot import"),
        (["--verifier", "json:dumps"], "cannot be called as function(reference, completion, extracted=..., row=...)"),
        (["--verifier", "os:sep"], "str is not callable"), (["--verifier", "json:nothing"], "has no attribute"),
        (["--verifier", "{t}/nofile.py:f"], "no file"), (["--verifier", ""], "--verifier must be"),
        (["--workers", "0"], "--workers must be"), (["--verify-timeout", "nan"], "--verify-timeout must be"),
        (["--verify-timeout", "0"], "--verify-timeout must be"), (["--verify-timeout", "inf"], "--verify-timeout must be"),
    ]],
    ("data", ["regrade", "{t}/nonexistent"], "not a round dir"),
    ("data", ["regrade", "s3://bucket/../r"], "'..' are not allowed"),
    ("data", ["generate", *GEN, "--verifier", "nope"], "unknown verifier"),
    ("data", ["eval", *GEN, "--verifier", "json:dumps"], "cannot be called as"),
    ("train", ["loop", *LOOP, "--verifier", "nope"], "unknown verifier"),
    ("data", ["select", "s3://bucket/../r"], "'..' are not allowed"),
    # --- report --------------------------------------------------------------------------------------
    *[("data", ["report", "{t}/bad/" + name, "--png", "{t}/r.png"], msg) for name, (_, msg) in BAD_ROUNDS.items()],
    *[("data", ["report", "{t}/evals/" + name, "--png", "{t}/r.png"], "eval/eval.json is corrupt or partial")
      for name in ("eval_not_json", "eval_partial", "eval_wrong_types", "eval_levels_list", "eval_value_text",
                   "eval_not_utf8")],
    *[("data", ["report", "{t}/round", *args], msg) for args, msg in [
        (["--png", "{t}/nodir/r.png"], "does not exist"), (["--png", "{t}/afile/r.png"], "is not a directory"),
        (["--png", "{t}/adir"], "is a directory"), (["--png", "{t}/round/manifest.json"], "is a file of the round"),
        (["--png", "{t}/round/shards/r.png"], "is a file of the round"),
        (["--group-by", "banana"], "'banana' is not one of"),
    ]],
    ("data", ["report", "{t}/adir"], "holds no round*/ dirs"),
    ("data", ["report", "{t}/nonexistent"], "holds no round*/ dirs"),
    # --- prepare-model: never replaces a dir it did not build, never downloads first -----------------
    ("data", ["prepare-model", "--out", "{t}/adir"], "was not built by prepare-model"),
    ("data", ["prepare-model", "--out", "{t}/adir", "--force"], "was not built by prepare-model"),
    ("data", ["prepare-model", "--out", "{t}/round", "--force"], "was not built by prepare-model"),
    ("data", ["prepare-model", "--out", "{t}/afile"], "is a file"),
    ("data", ["prepare-model", "--out", "{t}/afile/sub"], "cannot create"),
    ("data", ["prepare-model", "--out", "{t}/model", "--force"], "was not built by prepare-model"),
    # --- expo-train round: every option before the model is loaded --------------------------------
    *[("train", ["round", *TRAIN, opt, val], msg) for opt, val, msg in [
        ("--lr", "-1", "--lr must be"), ("--lr", "0", "--lr must be"), ("--lr", "nan", "--lr must be"),
        ("--lr", "inf", "--lr must be"), ("--epochs", "0", "--epochs must be"), ("--epochs", "-1", "--epochs must be"),
        ("--epochs", "1000000000000", "--epochs must be"),
        ("--max-steps", "0", "--max-steps must be"), ("--max-steps", "-1", "--max-steps must be"),
        ("--lora-dropout", "2", "--lora-dropout must be"), ("--lora-dropout", "-0.1", "--lora-dropout must be"),
        ("--lora-dropout", "1", "--lora-dropout must be"), ("--lora-dropout", "nan", "--lora-dropout must be"),
        ("--beta", "nan", "--beta must be"), ("--beta", "0", "--beta must be"), ("--beta", "-1", "--beta must be"),
        ("--beta", "inf", "--beta must be"), ("--save-every", "0", "--save-every must be"),
        ("--save-every", "-1", "--save-every must be"), ("--ref-tolerance", "-1", "--ref-tolerance must be"),
        ("--ref-tolerance", "nan", "--ref-tolerance must be"), ("--lora-r", "0", "outside 1..512"),
        ("--lora-r", "9999", "outside 1..512"), ("--lora-alpha", "0", "--lora-alpha must be"),
        ("--batch-size", "0", "--batch-size and --grad-accum"), ("--grad-accum", "0", "--batch-size and --grad-accum"),
        ("--clip-eps", "0", "--clip-eps must be"), ("--clip-eps", "nan", "--clip-eps must be"),
        ("--sft-weight", "-1", "--sft-weight must be"), ("--sft-weight", "nan", "--sft-weight must be"),
        ("--grpo-sft-coef", "inf", "--grpo-sft-coef must be"), ("--seed", "-1", "--seed must be"),
        ("--target-modules", "", "--target-modules must be"), ("--target-modules", ",", "--target-modules must be"),
        ("--loss", "ppo", "unknown loss 'ppo'"), ("--dtype", "banana", "'banana' is not one of"),
        ("--gradient-checkpointing", "banana", "'banana' is not one of"), ("--epochs", "x", "is not a valid integer"),
        ("--out", "{t}/afile", "exists and is not a directory"), ("--out", "{t}/adir", "holds no adapter written"),
        ("--out", "{t}/round", "holds no adapter written"), ("--out", "{t}", "holds no adapter written"),
        ("--out", "{t}/afile/sub", "is not a directory"), ("--out", "", "--out is empty"),
        ("--out", "{t}/fifo", "exists and is not a directory"),
        ("--model", "{t}/nonexistent", "weights differ"), ("--model", "{t}/afile", "weights differ"),
        ("--lora-alpha", "-1", "--lora-alpha must be"), ("--lora-alpha", "nan", "is not a valid integer"),
        ("--grad-accum", "-1", "--batch-size and --grad-accum"), ("--seed", "4294967296", "--seed must be"),
        ("--sft-weight", "inf", "--sft-weight must be"), ("--clip-eps", "-1", "--clip-eps must be"),
        ("--grpo-sft-coef", "-1", "--grpo-sft-coef must be"), ("--ref-tolerance", "inf", "--ref-tolerance must be"),
        ("--lora-r", "-3", "outside 1..512"), ("--max-steps", "x", "is not a valid integer"),
        ("--lr", "abc", "is not a valid float"), ("--batch-size", "1.5", "is not a valid integer"),
        ("--config", "{t}/list_value.toml", "key 'batch_size' takes a"),
        ("--config", "{t}/not_utf8.toml", "cannot read run config"),
        ("--config", "{t}/inf_lr.toml", "--lr must be"), ("--config", "{t}/unknown.toml", "unknown key"),
    ]],
    *[("train", ["round", "--data", "{t}/bad/" + name], msg) for name, (_, msg) in BAD_ROUNDS.items()],
    # The LoRA against the model's skeleton (its config on the meta device) before the weights load.
    *[("train", ["round", *TRAIN, "--target-modules", targets], msg) for targets, msg in [
        ("no_such_module", "--target-modules no_such_module: llama has no module of that name"),
        ("q_proj,v_prj", "--target-modules v_prj: llama has no module of that name"),
        ("q_proj,lm_head", "--target-modules lm_head: this model ties its input and output embeddings"),
        ("embed_tokens", "--target-modules embed_tokens: this model ties"), ("layers", "is not supported"),
    ]],
    # The round's adapter (its manifest names the one that generated it), read and applied to the skeleton.
    *[("train", ["round", "--data", "{t}/adapted/" + name], msg) for name, msg in [
        ("adapter_not_utf8", "is not valid JSON"), ("adapter_truncated", "is not valid JSON"),
        ("adapter_list", "not a PEFT LoRA config"), ("adapter_rank_text", "not a PEFT LoRA config"),
        ("adapter_no_such_target", "target_modules no_such_module: llama has no module of that name"),
        ("adapter_alpha_text", "cannot load adapter"), ("adapter_prefix_tuning", "not a LoRA"),
        ("adapter_rank_9999", "above vLLM's max_lora_rank"), ("adapter_modules_to_save", "modules_to_save"),
        ("adapter_lm_head", "ties its input and output embeddings"),
    ]],
    ("train", ["round", *TRAIN, "--out", "s3://bucket/x/../r1"], "'..' are not allowed"),
    ("train", ["round", *TRAIN, "--out", "bogus://bucket/r1"], "no filesystem is known"),
    ("train", ["round", "--data", "{t}/nonexistent"], "not a round dir"),
    ("train", ["round", "--data", "{t}/afile"], "not a round dir"),
    ("train", ["round", "--data", ""], "--data is empty"),
    ("train", ["round"], "Missing option '--data'"),
    # --- expo-train loop: every stage's options and both problem sets before round 0 ---------------
    *[("train", ["loop", *LOOP, opt, val], msg) for opt, val, msg in [
        ("--rounds", "0", "--rounds must be"), ("--rounds", "-1", "--rounds must be"), ("--k", "0", "--k must be >= 1"),
        ("--attempts", "-1", "--attempts and --explanations"), ("--shards", "0", "--shards must be"),
        ("--max-tokens", "0", "--max-tokens must be"), ("--temperature", "nan", "--temperature must be"),
        ("--temperature", "-1", "--temperature must be"), ("--lr", "-1", "--lr must be"),
        ("--epochs", "0", "--epochs must be"), ("--max-steps", "0", "--max-steps must be"),
        ("--batch-size", "0", "--batch-size and --grad-accum"), ("--lora-r", "0", "outside 1..512"),
        ("--limit", "0", "--limit must be positive"), ("--eval-limit", "0", "--limit must be positive"),
        ("--dtype", "banana", "--dtype must be"), ("--seed", "-5", "--seed must be"),
        ("--problems", "{t}/nonexistent.jsonl", "problems file not found"),
        ("--problems", "{t}/answer_dict.jsonl", "the answer is a dict"),
        ("--eval-problems", "builtin:nope", "unknown builtin problem set"),
        ("--eval-problems", "{t}/empty.jsonl", "has no rows"),
        ("--adapter", "{t}/adir", "no adapter_config.json"), ("--adapter", "{t}/adapter_list", "not a PEFT LoRA config"),
        ("--workers", "0", "--workers needs --ray"), ("--config", "{t}/list_value.toml", "key 'batch_size' takes a"),
    ]],
    ("train", ["loop", "--out", "{t}/afile", "--model", "{t}/model"], "is not a directory"),
    # Found by the outside probes: under a file, a round dir as the loop's dir, a dir inside a round's own files.
    ("train", ["loop", "--out", "{t}/afile/x", "--model", "{t}/model"], "afile is not a directory"),
    ("train", ["loop", "--out", "{t}/round", "--model", "{t}/model"], "is a round dir"),
    ("data", ["generate", "--out", "{t}/afile/x", "--model", "{t}/model"], "afile is not a directory"),
    ("data", ["generate", "--out", "{t}/round/shards", "--model", "{t}/model"], "is inside the round"),
    ("data", ["generate", "--out", "{t}/round/selected/x", "--model", "{t}/model"], "is inside the round"),
    # ... and a non-empty dir of other files: a run never mixes its files into it.
    ("data", ["generate", "--out", "{t}/bad", "--model", "{t}/model"], "is not empty and holds no round"),
    ("data", ["eval", "--out", "{t}/bad", "--model", "{t}/model"], "is not empty and holds no eval"),
    ("train", ["loop", "--out", "{t}/bad", "--model", "{t}/model"], "is not empty and holds no loop's rounds"),
    ("train", ["loop", "--out", "s3://bucket/loop", "--model", "{t}/model"], "local or shared filesystem"),
    ("train", ["loop", "--out", "", "--model", "{t}/model"], "--out is empty"),
    ("train", ["loop", *LOOP, "--ray", "--workers", "0"], "--workers must be >= 1"),
]


def _fill(args, t):
    return [a.replace("{t}", str(t)) for a in args]


def _invoke(tool, args):
    from cli.data import main as data_main
    from cli.train import main as train_main

    runner = CliRunner()
    return runner.invoke(data_main if tool == "data" else train_main, args, catch_exceptions=True)


def _ids():
    seen = {}
    ids = []
    for tool, args, _ in CASES:
        base = "-".join([tool, *[a.replace("{t}/", "").replace("/", "_") for a in args if a not in GEN + TRAIN + LOOP]])[:80]
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return ids


def test_case_count():
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("tool,args,message", CASES, ids=_ids())
def test_bad_input(shared_tree, no_heavy_work, tool, args, message):
    (t, _), before = shared_tree
    result = _invoke(tool, _fill(args, t))
    stderr = result.stderr
    assert result.exit_code not in (0, None), (result.exit_code, stderr, result.stdout)
    assert not no_heavy_work, f"{no_heavy_work[0]} began before the input was refused: {stderr}"
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in stderr + result.stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert message.replace("{t}", str(t)) in lines[0], lines[0]
    assert "internal error" not in lines[0]
    assert snapshot(t) == before, "a bad input changed files"


# --- a few as real processes: the installed entry points print the same one line ---------------------
@pytest.mark.parametrize("tool,args,message", [
    ("expo-data", ["generate", *GEN, "--temperature", "nan"], "--temperature must be"),
    ("expo-data", ["sql", "{t}/bad/shards_text", "SELECT 1"], "'shards' is \"abc\""),
    ("expo-data", ["sql", "ftp://bucket/x", "SELECT 1"], "cannot open ftp://bucket/x"),
    ("expo-data", ["report", "{t}/round", "--png", "{t}/fifo"], "a pipe that nothing reads"),
    ("expo-data", ["select", "{t}/round", "--bogus"], "No such option"),
    ("expo-train", ["round", *TRAIN, "--out", "{t}/adir"], "holds no adapter written"),
    ("expo-train", ["round", *TRAIN, "--config", "{t}/not_utf8.toml"], "cannot read run config"),
    ("expo-train", ["loop", *LOOP, "--shards", "0"], "--shards must be"),
])
def test_bad_input_in_a_real_process(shared_tree, tool, args, message):
    (t, _), before = shared_tree
    proc = run_cli(tool, *_fill(args, t), timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and len(lines) == 1 and message in lines[0], proc.stderr
    assert snapshot(t) == before


def test_an_unexpected_error_is_one_line_and_debug_shows_it(tree, monkeypatch):
    """The last resort: an exception no one expected is one line, with its type; EXPO_DEBUG=1 shows the traceback."""
    import expo_data.select.db

    t, _ = tree
    monkeypatch.setattr(expo_data.select.db, "format_table", lambda *a, **k: 1 / 0)
    result = _invoke("data", ["sql", str(t / "round"), "SELECT 1"])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1
    assert lines[0].startswith("error: internal error: ZeroDivisionError: division by zero (set EXPO_DEBUG=1")
    monkeypatch.setenv("EXPO_DEBUG", "1")
    result = _invoke("data", ["sql", str(t / "round"), "SELECT 1"])
    assert "Traceback" in result.stderr and result.exit_code == 1


# --- data loss: one test per way a command could destroy what it did not write ----------------------
def _fifo_reader(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read():
        with open(path, "rb") as f:
            got.append(f.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


@pytest.mark.parametrize("command", [
    ["sql", "{t}/round", "SELECT count(*) AS n FROM samples", "--format", "csv", "-o", "{t}/fifo"],
    ["select", "{t}/round", "--export", "trl", "--output", "{t}/fifo"],
    ["report", "{t}/round", "--png", "{t}/fifo"],
])
def test_a_fifo_output_is_written_into_never_replaced(tree, command):
    """/dev/null, /dev/stdout or a named pipe as the output: the data goes into it and it stays what it was
    (the old atomic write renamed a regular file over it)."""
    t, _ = tree
    fifo = t / "fifo"
    # A writer of our own keeps the pipe open until the command has written (the reader sees all of it).
    thread, got = _fifo_reader(fifo)
    keeper = os.open(fifo, os.O_WRONLY)
    try:
        result = _invoke("data", _fill(command, t))
    finally:
        os.close(keeper)
    thread.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    data = got[0]
    if command[0] == "sql":
        assert data.decode().splitlines() == ['"n"', "30"]
    elif command[0] == "report":
        assert data.startswith(b"\x89PNG")
    else:
        assert data.startswith(b"PAR1")


def test_sql_output_onto_the_round_manifest_is_refused(tree):
    t, round_dir = tree
    manifest = (round_dir / "manifest.json").read_bytes()
    result = _invoke("data", ["sql", str(round_dir), "SELECT 1 AS x", "--format", "csv", "-o", str(round_dir / "manifest.json")])
    assert result.exit_code == 2 and "is a file of the round" in result.stderr
    assert (round_dir / "manifest.json").read_bytes() == manifest
    # Through a symlink elsewhere too.
    (t / "link.json").symlink_to(round_dir / "manifest.json")
    result = _invoke("data", ["sql", str(round_dir), "SELECT 1 AS x", "--format", "csv", "-o", str(t / "link.json")])
    assert result.exit_code == 2 and (round_dir / "manifest.json").read_bytes() == manifest


def test_train_out_never_removes_a_foreign_dir(tree):
    """--out DIR of someone else's files (the round itself, a home dir) is refused before the model
    loads, and save_adapter refuses it too; an adapter it wrote (its marker) is replaced."""
    from expo_data.errors import ExpoError
    from expo_train.trainer import ADAPTER_MARKER, save_adapter

    t, round_dir = tree
    before = snapshot(t)
    for out in (t / "adir", round_dir, t):
        result = _invoke("train", ["round", "--data", str(round_dir), "--out", str(out)])
        assert result.exit_code == 2 and "holds no adapter written by expo-train" in result.stderr
    assert snapshot(t) == before

    class Model:
        def save_pretrained(self, path, **kwargs):
            Path(path).mkdir(parents=True, exist_ok=True)  # as PEFT does (os.makedirs exist_ok)
            (Path(path) / "adapter_config.json").write_text('{"r": 8}')
            (Path(path) / "adapter_model.safetensors").write_bytes(b"new")

    with pytest.raises(ExpoError, match="holds no adapter written"):
        save_adapter(Model(), t / "adir")
    assert (t / "adir" / "keep.txt").read_text() == "mine\n"
    save_adapter(Model(), t / "fresh")
    assert (t / "fresh" / ADAPTER_MARKER).exists()
    (t / "fresh" / "adapter_model.safetensors").write_bytes(b"old")
    save_adapter(Model(), t / "fresh")  # its own: replaced
    assert (t / "fresh" / "adapter_model.safetensors").read_bytes() == b"new"
    # The round's own adapter/ of an earlier version (PEFT files only, no marker) is replaced; with a
    # foreign file in it, it is not.
    legacy = round_dir / "adapter"
    legacy.mkdir()
    (legacy / "adapter_config.json").write_text("{}")
    save_adapter(Model(), legacy, round_default=True)
    assert (legacy / ADAPTER_MARKER).exists()
    (legacy / ADAPTER_MARKER).unlink()
    (legacy / "notes.txt").write_text("mine")
    with pytest.raises(ExpoError):
        save_adapter(Model(), legacy, round_default=True)
    assert (legacy / "notes.txt").read_text() == "mine"
    assert not [p for p in t.iterdir() if p.name.startswith(".") and ".tmp-" in p.name]


def test_prepare_model_never_removes_a_dir_it_did_not_build(tree, monkeypatch):
    t, _ = tree
    before = snapshot(t)
    for args in (["--out", str(t / "adir")], ["--out", str(t / "adir"), "--force"], ["--out", str(t / "model"), "--force"]):
        result = _invoke("data", ["prepare-model", *args])
        assert result.exit_code == 2 and "was not built by prepare-model" in result.stderr
    assert snapshot(t) == before


def test_generate_overwrite_keeps_the_old_round_when_the_engine_fails(tree, monkeypatch):
    """--overwrite removes another configuration's shards only once the new engine has started."""
    import expo_data.generate.driver
    from expo_data.errors import ExpoError

    t, round_dir = tree

    def engine_fails(*args, **kwargs):
        raise ExpoError("vLLM could not load model: simulated")

    monkeypatch.setattr(expo_data.generate.driver, "engine_for", engine_fails)
    shards = snapshot(round_dir / "shards")
    result = _invoke("data", ["generate", "--out", str(round_dir), "--model", str(t / "model"), "--limit", "3",
                              "--shards", "1", "--dtype", "float32", "--overwrite", "--no-progress"])
    assert result.exit_code == 2 and "simulated" in result.stderr, result.stderr
    assert snapshot(round_dir / "shards") == shards
    assert json.loads((round_dir / "manifest.json").read_text())["shards"] == 2


def test_only_committed_shards_are_read(tree):
    """A shard file the manifest does not name (another run's, a stray copy) is not read."""
    from expo_data.select.db import connect
    from expo_data.store.shards import load_round

    _, round_dir = tree
    shards = round_dir / "shards"
    shutil.copy(shards / "shard-00000-of-00002.arrow", shards / "shard-00000-of-00003.arrow")
    shutil.copy(shards / "shard-00000-of-00002.arrow", shards / "shard-00002-of-00002.arrow")
    assert connect([round_dir]).execute("SELECT count(*) FROM samples").fetchone() == (30,)
    assert load_round(round_dir).num_rows == 30


def test_sql_is_locked_unless_allowed(tree):
    t, round_dir = tree
    query = f"COPY (SELECT count(*) AS n FROM samples) TO '{t}/copied.csv'"
    result = _invoke("data", ["sql", str(round_dir), query])
    assert result.exit_code == 2 and not (t / "copied.csv").exists()
    result = _invoke("data", ["sql", str(round_dir), query, "--allow-external-access"])
    assert result.exit_code == 0, result.stderr
    assert (t / "copied.csv").read_text().splitlines() == ["n", "30"]


def test_shipped_queries_run_on_a_locked_connection(tree):
    from expo_data.select.db import connect, run_query, shipped_query, sql_dir

    _, round_dir = tree
    con = connect([round_dir])
    assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]
    for resource in sql_dir().iterdir():
        if resource.name.endswith(".sql") and resource.name != "definitions.sql":  # the macros, made by connect()
            run_query(con, shipped_query(resource.name))


def test_parameters_in_strings_and_comments_are_not_parameters():
    from expo_data.select.db import used_params

    assert used_params("SELECT $a, '$b', 'it''s $c', \"$d\", $$ $e $$, $t$ $f $t$ /* $g */ -- $h\n, $i") == {"a", "i"}
    assert used_params("SELECT '--', $x -- $y") == {"x"}


def test_csv_of_every_column_type(tree):
    _, round_dir = tree
    query = ("SELECT extra_fields, [1, 2] AS l, {'a': 1} AS s, DATE '2020-01-01' AS d, INTERVAL 1 DAY AS i, "
             "'x'::BLOB AS b, MAP {'a': 1} AS m, 1.5::DECIMAL(4,2) AS dec FROM samples LIMIT 1")
    result = _invoke("data", ["sql", str(round_dir), query, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split(",")[:4] == ['"extra_fields"', '"l"', '"s"', '"d"'] and '"[1, 2]"' in row and "2020-01-01" in row
