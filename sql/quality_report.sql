-- Purpose: sample quality of a round, per level and overall (level NULL = all levels).
-- Parameters: none.
-- Output columns: level, problems, attempt_accuracy, pass_at_k (share of problems with a correct
--   attempt), hard_share (share with zero correct attempts), explanation_accuracy, hint_leak_rate
--   (explanations flagged mentions_answer_hint), nll_attempt / nll_explanation / nll_expert (mean
--   policy NLL per token under the plain prompt, token-weighted), gain_attempt / gain_explanation /
--   gain_expert (mean answer_logprob - answer_logprob_base).
WITH per_problem AS (
    SELECT problem_id, any_value(level) AS level, bool_or(kind = 'attempt' AND is_correct) AS solved
    FROM samples GROUP BY round, problem_id
), by_level AS (
    SELECT level, count(*) AS problems, avg(solved::INT) AS pass_at_k, avg((NOT solved)::INT) AS hard_share
    FROM per_problem GROUP BY ROLLUP (level)
), samples_by_level AS (
    SELECT level,
        avg(is_correct::INT) FILTER (WHERE kind = 'attempt') AS attempt_accuracy,
        avg(is_correct::INT) FILTER (WHERE kind = 'explanation') AS explanation_accuracy,
        avg(mentions_answer_hint::INT) FILTER (WHERE kind = 'explanation') AS hint_leak_rate,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'attempt') / sum(num_tokens) FILTER (WHERE kind = 'attempt') AS nll_attempt,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'explanation') / sum(num_tokens) FILTER (WHERE kind = 'explanation') AS nll_explanation,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'expert') / sum(num_tokens) FILTER (WHERE kind = 'expert') AS nll_expert,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'attempt') AS gain_attempt,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'explanation') AS gain_explanation,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'expert') AS gain_expert
    FROM samples GROUP BY ROLLUP (level)
)
SELECT b.level, b.problems, s.attempt_accuracy, b.pass_at_k, b.hard_share, s.explanation_accuracy, s.hint_leak_rate,
       s.nll_attempt, s.nll_explanation, s.nll_expert, s.gain_attempt, s.gain_explanation, s.gain_expert
FROM by_level b JOIN samples_by_level s ON b.level IS NOT DISTINCT FROM s.level
ORDER BY b.level NULLS LAST
