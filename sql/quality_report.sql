-- Purpose: sample quality of a round, per group and overall (group_key NULL = all problems).
-- Parameters:
--   $group_by = auto   level, category, gold_type (how the grader read the gold), or auto: level when any
--                      row has one, else category (problem sets such as competition sets carry a
--                      subject/type instead of a level).
-- Output columns: group_key, problems, attempt_accuracy, pass_at_k (share of problems with a correct
--   attempt), hard_share (share with zero correct attempts), explanation_accuracy, hint_leak_rate
--   (explanations flagged mentions_answer_hint), nll_attempt / nll_explanation / nll_expert (mean
--   policy NLL per token under the plain prompt, token-weighted), gain_attempt / gain_explanation /
--   gain_expert (mean answer_logprob - answer_logprob_base); computed by expo_quality_figures (definitions.sql).
SELECT CASE WHEN f.is_total = 1 THEN NULL ELSE coalesce(f.group_key, '(none)') END AS group_key, f.problems,
       f.attempt_accuracy, f.pass_at_k, f.hard_share, f.explanation_accuracy, f.hint_leak_rate,
       f.nll_attempt, f.nll_explanation, f.nll_expert, f.gain_attempt, f.gain_explanation, f.gain_expert
FROM expo_quality_figures($group_by) f
ORDER BY f.is_total, try_cast(f.group_key AS INTEGER) NULLS LAST, f.group_key
