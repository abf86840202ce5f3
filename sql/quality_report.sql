-- Purpose: sample quality of a round, per group and overall (group_key NULL = all problems).
-- Parameters:
--   $group_by = auto   level, category, or auto: level when any row has one, else category (problem
--                      sets such as competition sets carry a subject/type instead of a level).
-- Output columns: group_key, problems, attempt_accuracy, pass_at_k (share of problems with a correct
--   attempt), hard_share (share with zero correct attempts), explanation_accuracy, hint_leak_rate
--   (explanations flagged mentions_answer_hint), nll_attempt / nll_explanation / nll_expert (mean
--   policy NLL per token under the plain prompt, token-weighted), gain_attempt / gain_explanation /
--   gain_expert (mean answer_logprob - answer_logprob_base).
WITH keyed AS (
    -- Any other $group_by is an error, not a silent fall-back to level.
    SELECT *, CASE WHEN $group_by NOT IN ('auto', 'level', 'category')
                   THEN error('group_by must be auto, level or category, not ' || $group_by)
                   WHEN $group_by = 'category'
                     OR ($group_by = 'auto' AND NOT EXISTS (SELECT 1 FROM samples WHERE level IS NOT NULL))
                   THEN category ELSE CAST(level AS VARCHAR) END AS group_key
    FROM samples
), per_problem AS (
    SELECT problem_id, any_value(group_key) AS group_key, bool_or(kind = 'attempt' AND is_correct) AS solved
    FROM keyed GROUP BY round, problem_id
), by_group AS (
    SELECT group_key, count(*) AS problems, avg(solved::INT) AS pass_at_k, avg((NOT solved)::INT) AS hard_share,
           grouping(group_key) AS is_total
    FROM per_problem GROUP BY ROLLUP (group_key)
), samples_by_group AS (
    SELECT group_key, grouping(group_key) AS is_total,
        avg(is_correct::INT) FILTER (WHERE kind = 'attempt') AS attempt_accuracy,
        avg(is_correct::INT) FILTER (WHERE kind = 'explanation') AS explanation_accuracy,
        avg(mentions_answer_hint::INT) FILTER (WHERE kind = 'explanation') AS hint_leak_rate,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'attempt') / sum(num_tokens) FILTER (WHERE kind = 'attempt') AS nll_attempt,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'explanation') / sum(num_tokens) FILTER (WHERE kind = 'explanation') AS nll_explanation,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'expert') / sum(num_tokens) FILTER (WHERE kind = 'expert') AS nll_expert,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'attempt') AS gain_attempt,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'explanation') AS gain_explanation,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'expert') AS gain_expert
    FROM keyed GROUP BY ROLLUP (group_key)
)
SELECT CASE WHEN b.is_total = 1 THEN NULL ELSE coalesce(b.group_key, '(none)') END AS group_key, b.problems,
       s.attempt_accuracy, b.pass_at_k, b.hard_share, s.explanation_accuracy, s.hint_leak_rate,
       s.nll_attempt, s.nll_explanation, s.nll_expert, s.gain_attempt, s.gain_explanation, s.gain_expert
FROM by_group b JOIN samples_by_group s ON b.group_key IS NOT DISTINCT FROM s.group_key AND b.is_total = s.is_total
ORDER BY b.is_total, try_cast(b.group_key AS INTEGER) NULLS LAST, b.group_key
