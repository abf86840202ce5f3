"""`--export trl` round trip through TRL's own tokenisation (DPOTrainer._prepare_dataset) and data collator, on
copies of the fixture round: the columns TRL reads, by its names; the reference sums kept exactly where TRL's
tokens are the stored ones. In-process, the tokenizer only (no model)."""

from __future__ import annotations

import shutil
import types
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expo_data.select.export import export_trl, load_trl_tokenizer, trl_token_ids

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"


@pytest.fixture(scope="module")
def tokenizer():
    return load_trl_tokenizer(FIXTURE)


def _split_token(tokenizer, ids: list[int]) -> list[int]:
    """`ids` with one multi-character token replaced by two tokens that spell the same text: a split sampling
    can produce and re-tokenisation merges back."""
    vocab = tokenizer.get_vocab()
    for i, token in enumerate(tokenizer.convert_ids_to_tokens(ids)):
        for cut in range(1, len(token)):
            if token[:cut] in vocab and token[cut:] in vocab:
                return ids[:i] + [vocab[token[:cut]], vocab[token[cut:]]] + ids[i + 1:]
    raise AssertionError("no splittable token in the fixture's completion")


@pytest.fixture
def round_copy(tmp_path, tokenizer):
    """round_v2 with three pairs: its own (its rejected attempt was cut at max_tokens, so has no EOS, and sampled
    "\n\n" as one token where the tokenizer makes two), one whose rejected attempt is the same text sampled as
    the tokenizer splits it and stopped on EOS, and that one with a chosen token split in two (same text)."""
    out = tmp_path / "round"
    shutil.copytree(FIXTURE, out)
    path = out / "selected" / "pairs.arrow"
    with pa.memory_map(str(path)) as source:
        pairs = pa.ipc.open_file(source).read_all()
    real = pairs.to_pylist()[0]
    assert real["chosen_token_ids"][-1] == tokenizer.eos_token_id != real["rejected_token_ids"][-1]
    assert tokenizer.encode(real["rejected"]) != real["rejected_token_ids"]
    stopped = dict(real, rejected_token_ids=tokenizer.encode(real["rejected"]) + [tokenizer.eos_token_id], pair_rank=2)
    split = dict(stopped, chosen_token_ids=_split_token(tokenizer, real["chosen_token_ids"]), pair_rank=3)
    assert tokenizer.decode(split["chosen_token_ids"]) == tokenizer.decode(real["chosen_token_ids"])
    table = pa.Table.from_pylist([real, stopped, split], schema=pairs.schema)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return out, table.to_pylist()


def _trl_prepared(path: Path, tokenizer, monkeypatch):
    """The exported file through TRL's own DPOTrainer._prepare_dataset (prompt/chosen/rejected -> token ids)."""
    import datasets
    import datasets.fingerprint
    from datasets.table import InMemoryTable
    from trl import DPOTrainer

    # datasets names cache entries by pickling the map function; a fresh name serves as well (bench/ does so).
    monkeypatch.setattr(datasets.fingerprint.Hasher, "hash", classmethod(lambda cls, value: uuid.uuid4().hex))
    dataset = datasets.Dataset(InMemoryTable(pq.read_table(path)))
    trainer = types.SimpleNamespace(_tokenizer=tokenizer)
    args = types.SimpleNamespace(dataset_num_proc=None, max_length=None, truncation_mode="keep_start")
    return DPOTrainer._prepare_dataset(trainer, dataset, tokenizer, args, "export")


def _round_trip(out: Path, rows: list[dict], tokenizer, monkeypatch, export_tokenizer, conversational: bool):
    """Export, then check the file against TRL's tokenisation and collator; returns the kept flags."""
    from trl.trainer.dpo_trainer import DataCollatorForPreference

    path = out.parent / "pairs.parquet"
    summary = export_trl(out, path, export_tokenizer)
    table = pq.read_table(path)
    assert {"prompt", "chosen", "rejected", "ref_chosen_logps", "ref_rejected_logps"} <= set(table.column_names)
    assert summary.conversational is conversational and summary.pairs == len(rows)
    prepared = _trl_prepared(path, tokenizer, monkeypatch)
    trl_ids = [(e["prompt_ids"], e["chosen_ids"], e["rejected_ids"]) for e in prepared]
    exported = table.to_pylist()
    # The export's own tokenisation is TRL's, example by example.
    assert trl_token_ids(tokenizer, *([e[k] for e in exported] for k in ("prompt", "chosen", "rejected"))) == trl_ids
    kept = []
    for row, example, ids in zip(rows, exported, trl_ids):
        same = ids == (row["prompt_token_ids"], row["chosen_token_ids"], row["rejected_token_ids"])
        kept.append(example["ref_chosen_logps"] is not None)
        assert kept[-1] == same and (example["ref_rejected_logps"] is not None) == same
        assert ids[0] == row["prompt_token_ids"]  # the prompt the policy saw, either form
    assert summary.kept == sum(kept)
    collator = DataCollatorForPreference(pad_token_id=tokenizer.pad_token_id)
    for row, example, ok in zip(rows, prepared, kept):
        if not ok:
            with pytest.raises((TypeError, ValueError, RuntimeError)):  # README: drop or filter the nulls for TRL
                collator([example])
            continue
        batch = collator([example])
        chosen = [t for t, m in zip(batch["input_ids"][0].tolist(), batch["completion_mask"][0].tolist()) if m]
        rejected = [t for t, m in zip(batch["input_ids"][1].tolist(), batch["completion_mask"][1].tolist()) if m]
        assert (chosen, rejected) == (row["chosen_token_ids"], row["rejected_token_ids"])
        assert batch["ref_chosen_logps"].tolist() == pytest.approx([row["ref_chosen_logp"]], rel=1e-6)  # TRL: float32
        assert batch["ref_rejected_logps"].tolist() == pytest.approx([row["ref_rejected_logp"]], rel=1e-6)
    return kept


def test_plain_text_keeps_the_sums_where_trl_tokenises_the_sampled_tokens(round_copy, tokenizer, monkeypatch):
    """A model without a chat template: text columns; TRL appends EOS, so the pair cut at max_tokens and the
    pair with a split token get null sums, the pair that stopped on EOS keeps them."""
    from transformers import AutoTokenizer

    out, rows = round_copy
    untemplated = AutoTokenizer.from_pretrained(tokenizer.name_or_path)
    untemplated.chat_template = None
    kept = _round_trip(out, rows, untemplated, monkeypatch, untemplated, conversational=False)
    assert kept == [False, True, False]
    assert pq.read_table(out.parent / "pairs.parquet").column("prompt").to_pylist() == [r["prompt"] for r in rows]


def test_conversational_when_the_chat_template_renders_the_stored_prompt(round_copy, tokenizer, monkeypatch):
    """The round's model has a chat template that rendered its prompts: messages. TRL renders the assistant
    turn with the template's turn end (ChatML: <|im_end|> then a newline the policy never sampled), so no
    stored sum is over TRL's tokens: all null, and the export says so."""
    out, rows = round_copy
    kept = _round_trip(out, rows, tokenizer, monkeypatch, tokenizer, conversational=True)
    assert kept == [False, False, False]
    example = pq.read_table(out.parent / "pairs.parquet").to_pylist()[1]
    assert example["prompt"][-1]["role"] == "user"
    assert example["chosen"] == [{"role": "assistant", "content": rows[1]["chosen"]}]
    ids = trl_token_ids(tokenizer, [example["prompt"]], [example["chosen"]], [example["rejected"]])[0]
    assert ids[1] == rows[1]["chosen_token_ids"] + tokenizer.encode("\n")


def test_a_stored_prompt_the_template_does_not_render_is_exported_as_text(round_copy, tokenizer):
    """A stored prompt that is not the chat template's rendering of the question (here another system prompt):
    plain text for the whole file, and the summary says why; its text is not what the stored prompt ids
    spell, so no sum is kept."""
    out, rows = round_copy
    path = out / "selected" / "pairs.arrow"
    with pa.memory_map(str(path)) as source:
        pairs = pa.ipc.open_file(source).read_all()
    changed = [dict(r, prompt=r["prompt"].replace("You are a helpful", "You are a careful")) for r in pairs.to_pylist()]
    assert changed[0]["prompt"] != rows[0]["prompt"]
    table = pa.Table.from_pylist(changed, schema=pairs.schema)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    summary = export_trl(out, out.parent / "pairs.parquet", tokenizer)
    assert not summary.conversational and "is not the chat template's rendering" in summary.why_text
    assert summary.kept == 0 and "plain text" in summary.message("F")
    assert pq.read_table(out.parent / "pairs.parquet").column("prompt").to_pylist() == [r["prompt"] for r in changed]
