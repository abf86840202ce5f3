-- Purpose: the hard set, problems with no correct on-policy attempt, and whether a self-explanation
--   passing the positive rules rescued them (gives them a training signal that GRPO cannot).
-- Parameters: the positive rule's $max_nll_ratio, $min_policy_mean, $min_answer_gain (their defaults and
--   reasoning are declared once, in definitions.sql).
-- Output columns: round, problem_id, level, question, reference_answer, attempts, correct_explanations,
--   rescued, best_explanation_policy_mean.
WITH rescued AS (
    SELECT DISTINCT round, problem_id, true AS rescued
    FROM expo_positive_candidates($max_nll_ratio, $min_policy_mean, $min_answer_gain, false)
)
SELECT round, problem_id, any_value(level) AS level, any_value(question) AS question,
       any_value(reference_answer) AS reference_answer,
       count(*) FILTER (WHERE kind = 'attempt') AS attempts,
       count(*) FILTER (WHERE kind = 'explanation' AND is_correct) AS correct_explanations,
       coalesce(any_value(rescued), false) AS rescued,
       max(policy_logprob_mean) FILTER (WHERE kind = 'explanation' AND is_correct) AS best_explanation_policy_mean
FROM samples LEFT JOIN rescued USING (round, problem_id)
GROUP BY round, problem_id
HAVING count(*) FILTER (WHERE kind = 'attempt' AND is_correct) = 0
ORDER BY round, level, problem_id
