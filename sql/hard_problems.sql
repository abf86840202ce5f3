-- Purpose: the hard set, problems with no correct on-policy attempt, and whether a self-explanation
--   passing the positive rules rescued them (gives them a training signal that GRPO cannot).
-- Parameters: $min_policy_mean = -2.0, $min_answer_gain = 0.0 (see select_positives.sql).
-- Output columns: round, problem_id, level, question, reference_answer, attempts, correct_explanations,
--   rescued, best_explanation_policy_mean.
SELECT round, problem_id, any_value(level) AS level, any_value(question) AS question,
       any_value(reference_answer) AS reference_answer,
       count(*) FILTER (WHERE kind = 'attempt') AS attempts,
       count(*) FILTER (WHERE kind = 'explanation' AND is_correct) AS correct_explanations,
       coalesce(bool_or(kind = 'explanation' AND is_correct AND finish_reason = 'stop' AND NOT mentions_answer_hint
                        AND policy_logprob_mean >= $min_policy_mean
                        AND answer_logprob - answer_logprob_base >= $min_answer_gain), false) AS rescued,
       max(policy_logprob_mean) FILTER (WHERE kind = 'explanation' AND is_correct) AS best_explanation_policy_mean
FROM samples
GROUP BY round, problem_id
HAVING count(*) FILTER (WHERE kind = 'attempt' AND is_correct) = 0
ORDER BY round, level, problem_id
