"""`expo-data select --export trl`: a round's selected pairs as a Parquet file for TRL's DPOTrainer.

What TRL (checked against 1.16) reads and does, and so what is written:
- prompt/chosen/rejected. Conversational (prompt a list of messages, chosen/rejected one assistant message each)
  when the round's tokenizer has a chat template and every stored prompt is that template's rendering of its
  problem's plain prompt, so TRL renders exactly the prompt the policy saw; otherwise the stored prompt as text
  (already chat-formatted) and the completions as text.
- TRL tokenises the prompt with each completion as one text (or one rendered conversation): its completion
  tokens can differ from the sampled ones (the EOS it appends to a plain-text completion cut at max_tokens, a
  chat template's turn end such as ChatML's "<|im_end|>\\n", a sampled split of a word that the tokenizer merges
  back). ref_chosen_logps/ref_rejected_logps, TRL's names for a pair's reference log-prob sums, hold the
  generating policy's sums only for the rows where that tokenisation gives exactly the stored prompt and
  completion token ids; null elsewhere, since the sums are over other tokens.
TRL's DPOTrainer computes its own reference (a reference model, or `precompute_ref_log_probs`, which adds
these columns itself) and takes neither column from a dataset: README says how to use or drop them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExpoError, first_line
from ..store.schema import RoundDir, atomic_write_bytes

_CHUNK = 512  # examples per batched tokenizer call: fast, and bounded memory on a large round


@dataclass(frozen=True)
class ExportSummary:
    pairs: int
    kept: int  # rows whose reference columns hold the stored sums
    conversational: bool
    why_text: str | None  # why the prompts are plain text (None when conversational)

    def message(self, output: Any) -> str:
        form = "conversational" if self.conversational else f"plain text: {self.why_text}"
        return (f"exported {self.pairs} pairs to {output} ({form}); reference log-probs kept for {self.kept} "
                f"whose TRL tokenisation matches the sampled tokens, null for {self.pairs - self.kept}")


def load_trl_tokenizer(round_dir: Any, override: str | None = None):
    """The round's tokenizer as transformers (and so TRL) loads it; ExpoError (one line) when it cannot be found."""
    from ..model import tokenizer_source

    rd = RoundDir(round_dir)
    manifest = rd.manifest()
    if manifest is None:
        raise ExpoError(f"{rd.uri()} is not a round dir (no manifest.json)")
    name = tokenizer_source(manifest, override)
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(name)
    except Exception as exc:
        raise ExpoError(f"cannot load the tokenizer of {name}: {first_line(exc)}")


def export_trl(round_dir: Any, output: Path, tokenizer: Any = None) -> ExportSummary:
    """selected/pairs.arrow as TRL reads it (module docstring), written to `output` as Parquet in one atomic
    write. `tokenizer`: the round's (load_trl_tokenizer), loaded here when None."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rd = RoundDir(round_dir)
    pairs = rd.selected_table("pairs")
    if pairs.num_rows == 0:
        raise ExpoError(f"{rd.uri('selected')}/pairs.arrow holds no pairs")
    tokenizer = tokenizer if tokenizer is not None else load_trl_tokenizer(rd)
    col = {name: pairs.column(name).to_pylist() for name in (
        "problem_id", "prompt", "prompt_token_ids", "chosen", "chosen_token_ids", "rejected", "rejected_token_ids",
        "ref_chosen_logp", "ref_rejected_logp")}
    messages, why_text = conversation_prompts(rd, tokenizer, col["problem_id"], col["prompt"])
    if messages is not None:
        prompt = messages
        chosen = [[{"role": "assistant", "content": text}] for text in col["chosen"]]
        rejected = [[{"role": "assistant", "content": text}] for text in col["rejected"]]
    else:
        prompt, chosen, rejected = col["prompt"], col["chosen"], col["rejected"]
    matches = [got == (p, c, r) for got, p, c, r in zip(
        trl_token_ids(tokenizer, prompt, chosen, rejected),
        col["prompt_token_ids"], col["chosen_token_ids"], col["rejected_token_ids"])]

    def kept(values: list) -> pa.Array:
        return pa.array([v if ok else None for v, ok in zip(values, matches)], pa.float64())

    table = pa.table({"prompt": prompt, "chosen": chosen, "rejected": rejected,
                      "ref_chosen_logps": kept(col["ref_chosen_logp"]),
                      "ref_rejected_logps": kept(col["ref_rejected_logp"]), "problem_id": col["problem_id"]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    atomic_write_bytes(Path(output), buffer.getvalue())  # a FIFO or device is written into, never replaced
    return ExportSummary(table.num_rows, sum(matches), messages is not None, why_text)


def conversation_prompts(rd: RoundDir, tokenizer: Any, problem_ids: list[str], prompts: list[str]
                         ) -> tuple[list[list[dict]] | None, str | None]:
    """Each pair's prompt as chat messages, when the tokenizer's chat template renders them back to exactly
    the stored prompt (the check is generation's own rendering, prompts.render_chat); else (None, why not).
    One form for the whole file: a Parquet column is either text or messages."""
    from ..generate.prompts import render_chat, template_fields

    if not getattr(tokenizer, "chat_template", None):
        return None, "the tokenizer has no chat template"
    templates = (rd.manifest() or {}).get("templates") or {}
    try:  # a manifest is data: its template is formatted only when it names nothing but {question}
        usable = (isinstance(templates.get("plain"), str) and isinstance(templates.get("system"), (str, type(None)))
                  and template_fields(templates["plain"], "plain") == {"question"})
    except ExpoError:
        usable = False
    if not usable:
        return None, "the manifest records no usable plain prompt template"
    questions = _questions(rd, set(problem_ids))
    by_problem: dict[str, list[dict] | None] = {}
    for problem_id, stored in zip(problem_ids, prompts):
        if problem_id not in by_problem:
            question = questions.get(problem_id)
            user = None if question is None else templates["plain"].format(question=question)
            rendered = None if user is None else render_chat(tokenizer, user, templates.get("system"))
            by_problem[problem_id] = None if rendered != stored else (
                ([{"role": "system", "content": templates["system"]}] if templates.get("system") else [])
                + [{"role": "user", "content": user}])
        if by_problem[problem_id] is None:
            return None, f"the stored prompt of {problem_id} is not the chat template's rendering of its question"
    return [by_problem[problem_id] for problem_id in problem_ids], None


def _questions(rd: RoundDir, wanted: set[str]) -> dict[str, str]:
    """problem_id -> question for the wanted problems, from the round's committed shards (two columns read)."""
    from ..store.shards import read_checked_shard

    count = rd.manifest()["shards"]
    found: dict[str, str] = {}
    for index in range(count):
        table = read_checked_shard(rd, index, count, columns=["problem_id", "question"])
        for problem_id, question in zip(table.column("problem_id").to_pylist(), table.column("question").to_pylist()):
            if problem_id in wanted:
                found.setdefault(problem_id, question)
    return found


def trl_token_ids(tokenizer: Any, prompts: list, chosen: list, rejected: list
                  ) -> list[tuple[list[int], list[int], list[int]]]:
    """(prompt_ids, chosen_ids, rejected_ids) of each example as TRL 1.16's DPOTrainer tokenises it
    (`_prepare_dataset`: the EOS appended to a plain-text completion that lacks it; prompt and prompt+completion
    tokenised whole, or rendered by the chat template; the completion starting where the two diverge).
    tests/test_export.py holds this to TRL's own code on the exported file."""
    conversational = bool(prompts) and isinstance(prompts[0], list)
    if not conversational:
        eos = tokenizer.eos_token or ""
        chosen = [text if text.endswith(eos) else text + eos for text in chosen]
        rejected = [text if text.endswith(eos) else text + eos for text in rejected]
    out = []
    for start in range(0, len(prompts), _CHUNK):
        part = slice(start, start + _CHUNK)
        p, c, r = prompts[part], chosen[part], rejected[part]
        prompt_ids = _tokenize(tokenizer, p, conversational, add_generation_prompt=True)
        chosen_ids = _tokenize(tokenizer, [a + b for a, b in zip(p, c)], conversational)
        rejected_ids = _tokenize(tokenizer, [a + b for a, b in zip(p, r)], conversational)
        for ids, with_chosen, with_rejected in zip(prompt_ids, chosen_ids, rejected_ids):
            length = min(_common_prefix(ids, with_chosen), _common_prefix(ids, with_rejected))
            out.append((ids[:length], with_chosen[length:], with_rejected[length:]))
    return out


def _tokenize(tokenizer: Any, inputs: list, conversational: bool, **template_kwargs) -> list[list[int]]:
    if conversational:
        return [list(ids) for ids in tokenizer.apply_chat_template(inputs, tokenize=True, return_dict=True,
                                                                  **template_kwargs)["input_ids"]]
    return [list(ids) for ids in tokenizer(text=inputs)["input_ids"]]


def _common_prefix(ids: list[int], other: list[int]) -> int:
    length = 0
    for a, b in zip(ids, other):
        if a != b:
            break
        length += 1
    return length
