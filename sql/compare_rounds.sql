-- Purpose: the quality report's overall figures (expo_quality_figures, definitions.sql), one row per round, to compare rounds side by side.
-- Parameters: none.
-- Output columns: round, problems, attempt_accuracy, pass_at_k, hard_share, explanation_accuracy,
--   hint_leak_rate, nll_attempt, nll_explanation, nll_expert, gain_explanation.
SELECT CAST(group_key AS INTEGER) AS round, problems, attempt_accuracy, pass_at_k, hard_share, explanation_accuracy,
       hint_leak_rate, nll_attempt, nll_explanation, nll_expert, gain_explanation
FROM expo_quality_figures('round')
WHERE is_total = 0
ORDER BY round
