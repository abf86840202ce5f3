-- Purpose: the quality report's overall figures, one row per round, to compare rounds side by side.
-- Parameters: none.
-- Output columns: round, problems, attempt_accuracy, pass_at_k, hard_share, explanation_accuracy,
--   hint_leak_rate, nll_attempt, nll_explanation, nll_expert, gain_explanation.
WITH per_problem AS (
    SELECT round, problem_id, bool_or(kind = 'attempt' AND is_correct) AS solved
    FROM samples GROUP BY round, problem_id
), problem_figures AS (
    SELECT round, count(*) AS problems, avg(solved::INT) AS pass_at_k, avg((NOT solved)::INT) AS hard_share
    FROM per_problem GROUP BY round
), sample_figures AS (
    SELECT round,
        avg(is_correct::INT) FILTER (WHERE kind = 'attempt') AS attempt_accuracy,
        avg(is_correct::INT) FILTER (WHERE kind = 'explanation') AS explanation_accuracy,
        avg(mentions_answer_hint::INT) FILTER (WHERE kind = 'explanation') AS hint_leak_rate,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'attempt') / sum(num_tokens) FILTER (WHERE kind = 'attempt') AS nll_attempt,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'explanation') / sum(num_tokens) FILTER (WHERE kind = 'explanation') AS nll_explanation,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'expert') / sum(num_tokens) FILTER (WHERE kind = 'expert') AS nll_expert,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'explanation') AS gain_explanation
    FROM samples GROUP BY round
)
SELECT p.round, p.problems, s.attempt_accuracy, p.pass_at_k, p.hard_share, s.explanation_accuracy, s.hint_leak_rate,
       s.nll_attempt, s.nll_explanation, s.nll_expert, s.gain_explanation
FROM problem_figures p JOIN sample_figures s USING (round)
ORDER BY p.round
