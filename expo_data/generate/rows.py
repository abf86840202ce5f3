"""One group of problems turned into rows: prompts rendered (and too-long ones skipped), samples drawn,
scored under the plain prompt, verified, and assembled as the shard schema's rows."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

from .engine import Engine, generated_logprobs
from .gold_audit import gold_type
from .plan import GenerateConfig
from .problems import Problem
from .progress import Progress
from .prompts import Templates, mentions_answer_hint, render_chat
from ..verifiers import Grader, GradeItem, row_context
from ..verify import extract_answer, final_statement_start


@dataclass
class Prompts:
    """One problem's token ids: the plain prompt (attempts; every row is scored under it), the hinted
    prompt (explanations), the canonical answer suffix and the expert solution, if any."""

    plain: str
    plain_ids: list[int]
    hinted: str
    hinted_ids: list[int]
    suffix_ids: list[int]
    expert_ids: list[int] | None

    @classmethod
    def render(cls, engine: Engine, templates: Templates, problem: Problem) -> "Prompts":
        plain = render_chat(engine.tokenizer, templates.plain.format(question=problem.question), templates.system)
        hinted = render_chat(engine.tokenizer, templates.hinted.format(question=problem.question, answer=problem.answer),
                             templates.system)
        expert = None if problem.solution is None else engine.encode(problem.solution) + [engine.tokenizer.eos_token_id]
        return cls(plain, engine.encode(plain), hinted, engine.encode(hinted),
                   engine.encode(templates.answer_suffix.format(answer=problem.answer)), expert)

    def too_long(self, max_tokens: int, max_model_len: int) -> str | None:
        """Why this problem cannot run within max_model_len, or None."""
        longest_prompt = max(len(self.plain_ids), len(self.hinted_ids))
        if longest_prompt + max_tokens + len(self.suffix_ids) > max_model_len:
            return (f"prompt_too_long: {longest_prompt} prompt + {max_tokens} max tokens + suffix > "
                    f"max_model_len {max_model_len}")
        if self.expert_ids is not None:
            expert_len = len(self.plain_ids) + len(self.expert_ids) + len(self.suffix_ids)
            if expert_len > max_model_len:
                return f"expert_too_long: {expert_len} tokens > max_model_len {max_model_len}"
        return None


@dataclass
class Sample:
    """A row in the making: what sampling (or the dataset, for expert rows) produced."""

    problem: Problem
    kind: str
    sample_index: int
    prompt: str
    completion: str
    completion_token_ids: list[int]
    gen_token_logprobs: list[float] | None
    finish_reason: str | None


@dataclass
class ScoreRequest:
    """Teacher-forced log-probs of sequence[start:]; `name` says what the result is for."""

    name: str  # policy | answer | base
    key: Any  # the Sample (policy, answer) or the Problem (base) it belongs to
    sequence: list[int]
    start: int


def score_all(engine: Engine, requests: list[ScoreRequest], on_done: Callable[[int, str], None] | None = None
              ) -> dict[str, list[tuple[Any, list[float]]]]:
    """One engine pass over every request (a full batch); results grouped by request name, in order."""
    results: dict[str, list[tuple[Any, list[float]]]] = {}
    scored = engine.score([r.sequence for r in requests], [r.start for r in requests], on_done=on_done)
    for request, logps in zip(requests, scored):
        results.setdefault(request.name, []).append((request.key, logps))
    return results


def render_prompts(engine: Engine, cfg: GenerateConfig, problems: list[Problem]
                   ) -> tuple[dict[str, Prompts], dict[str, str]]:
    """Each problem's prompts, and why a problem is skipped (it cannot fit in max_model_len)."""
    prompts: dict[str, Prompts] = {}
    skipped: dict[str, str] = {}
    for problem in problems:
        rendered = Prompts.render(engine, cfg.templates, problem)
        reason = rendered.too_long(cfg.max_tokens, engine.max_model_len)
        if reason:
            skipped[problem.id] = reason
        else:
            prompts[problem.id] = rendered
    return prompts, skipped


def sample_group(engine: Engine, cfg: GenerateConfig, live: list[Problem], prompts: dict[str, Prompts],
                 progress: Progress | None) -> list[Sample]:
    """Attempts from the plain prompt, explanations from the hinted one, in one vLLM call for both kinds
    so the engine's batch stays as full as possible; then the expert rows (scored, not generated)."""
    requests = [(problem, kind, n) for kind, n in (("attempt", cfg.attempts), ("explanation", cfg.explanations))
                if n > 0 for problem in live]
    outputs = engine.sample([prompts[pr.id].plain_ids if kind == "attempt" else prompts[pr.id].hinted_ids
                             for pr, kind, _ in requests], [n for _, _, n in requests],
                            temperature=cfg.temperature, top_p=cfg.top_p, max_tokens=cfg.max_tokens,
                            on_done=progress.sampled if progress else None)
    samples: list[Sample] = []
    for (problem, kind, _), out in zip(requests, outputs):
        p = prompts[problem.id]
        for index, completion in enumerate(out.outputs):
            samples.append(Sample(problem, kind, index, p.plain if kind == "attempt" else p.hinted, completion.text,
                                  list(completion.token_ids), generated_logprobs(completion), completion.finish_reason))
    for problem in live:
        if problem.solution is not None and cfg.score_answers:
            p = prompts[problem.id]
            samples.append(Sample(problem, "expert", 0, p.plain, problem.solution, p.expert_ids, None, None))
    return samples


@dataclass
class Scores:
    """What the scoring pass found, by id() of the Sample (policy, answer) or problem id (base)."""

    policy: dict[int, list[float]]
    answer: dict[int, float]
    base: dict[str, float]


def score_group(engine: Engine, cfg: GenerateConfig, samples: list[Sample], live: list[Problem],
                prompts: dict[str, Prompts], progress: Progress | None) -> Scores:
    """Scoring under the plain prompt, on token ids: the completion (property 1), and the canonical
    answer suffix after the reasoning (property 2) and after nothing (base). Attempts were sampled from
    the plain prompt and vLLM returns raw (pre-temperature) log-probs, so their sampling-time log-probs
    already are the teacher-forced ones (tested against an HF forward): only explanations and expert
    rows need the policy pass."""
    requests = [ScoreRequest("policy", s, prompts[s.problem.id].plain_ids + s.completion_token_ids,
                             len(prompts[s.problem.id].plain_ids)) for s in samples if s.kind != "attempt"]
    for s in samples if cfg.score_answers else []:
        p = prompts[s.problem.id]
        keep = reasoning_cut(engine.tokenizer, s.completion_token_ids, s.completion)
        sequence = p.plain_ids + s.completion_token_ids[:keep] + p.suffix_ids
        requests.append(ScoreRequest("answer", s, sequence, len(sequence) - len(p.suffix_ids)))
    requests += [ScoreRequest("base", pr, prompts[pr.id].plain_ids + prompts[pr.id].suffix_ids,
                              len(prompts[pr.id].plain_ids)) for pr in live if cfg.score_answers]
    if progress is not None:
        progress.scoring(len(requests))
    scored = score_all(engine, requests, on_done=progress.scored if progress else None) if requests else {}
    policy = {id(s): s.gen_token_logprobs for s in samples}
    policy.update({id(s): lps for s, lps in scored.get("policy", [])})
    return Scores(policy, {id(s): math.fsum(lps) for s, lps in scored.get("answer", [])},
                  {pr.id: math.fsum(lps) for pr, lps in scored.get("base", [])})


def verify_group(grader: Grader, samples: list[Sample], round_: int = 0
                 ) -> dict[int, tuple[tuple[Any, Any], tuple[Any, Any]]]:
    """((answer, extraction method), (is_correct, verify error)) by id() of the Sample. An expert
    solution is correct by construction (the dataset's own worked solution of its own answer): it is
    recorded as such, not graded by its last number."""
    graded = [s for s in samples if s.kind != "expert"]
    verdicts = {id(s): ((s.problem.answer, "reference"), (True, None)) for s in samples if s.kind == "expert"}
    extracted = [extract_answer(s.completion, truncated=s.finish_reason == "length") for s in graded]
    items = [GradeItem(s.problem.answer, s.completion, answer, sample_context(s, round_))
             for s, (answer, _) in zip(graded, extracted)]
    for s, answer, verdict in zip(graded, extracted, grader.grade(items)):
        verdicts[id(s)] = (answer, verdict)
    return verdicts


def sample_context(s: Sample, round_: int) -> dict[str, Any]:
    """A plugin verifier's `row=`: the fields a regrade passes from the stored row, as far as they are known here."""
    problem = s.problem
    return row_context({"problem_id": problem.id, "kind": s.kind, "sample_index": s.sample_index, "round": round_,
                        "level": problem.level, "category": problem.category, "question": problem.question,
                        "reference_answer": problem.answer, "finish_reason": s.finish_reason,
                        "num_tokens": len(s.completion_token_ids),
                        "extra_fields": [{"name": k, "value": v} for k, v in problem.extra]})


def build_row(cfg: GenerateConfig, s: Sample, p: Prompts, verdict, scores: Scores) -> dict[str, Any]:
    """One row of the shard schema."""
    problem = s.problem
    (answer, method), (correct, error) = verdict
    policy_lp, n_tokens = scores.policy[id(s)], len(s.completion_token_ids)
    return {
        "kind": s.kind, "sample_index": s.sample_index, "prompt": s.prompt, "completion": s.completion,
        "completion_token_ids": s.completion_token_ids, "gen_token_logprobs": s.gen_token_logprobs,
        "finish_reason": s.finish_reason,
        "problem_id": problem.id, "round": cfg.round, "level": problem.level, "category": problem.category,
        "extra_fields": [{"name": k, "value": v} for k, v in problem.extra] or None, "question": problem.question,
        "reference_answer": problem.answer, "plain_prompt": p.plain, "plain_prompt_token_ids": p.plain_ids,
        "policy_token_logprobs": policy_lp, "policy_logprob_sum": math.fsum(policy_lp),
        "policy_logprob_mean": math.fsum(policy_lp) / n_tokens if n_tokens else 0.0,
        "num_tokens": n_tokens, "extracted_answer": answer, "extraction_method": method,
        "is_correct": correct, "verify_error": error,
        "answer_logprob": scores.answer.get(id(s), math.nan), "answer_logprob_base": scores.base.get(problem.id, math.nan),
        "mentions_answer_hint": mentions_answer_hint(s.completion),
        "gold_type": gold_type(problem.answer),
    }


def run_group(engine: Engine, verifier: Grader, cfg: GenerateConfig, problems: list[Problem],
              progress: Progress | None = None
              ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], dict[str, float]]:
    """Generate, score and verify a group; returns rows per problem id, skips, and timings."""
    prompts, skipped = render_prompts(engine, cfg, problems)
    live = [pr for pr in problems if pr.id in prompts]
    if progress is not None:
        progress.start_group()
        progress.skip(len(skipped) * (cfg.attempts + cfg.explanations))
    t0 = time.perf_counter()
    samples = sample_group(engine, cfg, live, prompts, progress)
    t1 = time.perf_counter()
    scores = score_group(engine, cfg, samples, live, prompts, progress)
    t2 = time.perf_counter()
    if progress is not None:
        progress.verifying()
    verdicts = verify_group(verifier, samples, cfg.round)
    t3 = time.perf_counter()
    by_problem: dict[str, list[dict[str, Any]]] = {pr.id: [] for pr in live}
    for s in samples:
        by_problem[s.problem.id].append(build_row(cfg, s, prompts[s.problem.id], verdicts[id(s)], scores))
    return by_problem, skipped, {"generate_s": t1 - t0, "score_s": t2 - t1, "verify_s": t3 - t2}


def reasoning_cut(tokenizer, completion_ids: list[int], text: str) -> int:
    """Number of leading completion tokens that hold the reasoning before the final statement:
    the largest t whose decoded prefix does not extend past the statement's start."""
    cut_char = final_statement_start(text)
    if cut_char >= len(text):
        return _strip_eos(tokenizer, completion_ids)
    lo, hi = 0, len(completion_ids)
    while lo < hi:  # decoded prefix length grows with t, so bisect
        mid = (lo + hi + 1) // 2
        if len(tokenizer.decode(completion_ids[:mid], skip_special_tokens=True)) <= cut_char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _strip_eos(tokenizer, ids: list[int]) -> int:
    return len(ids) - 1 if ids and ids[-1] == tokenizer.eos_token_id else len(ids)

