-- Purpose: ExPO positives. Per problem, correct self-explanations that finished on their own, do
--   not lean on the hint, are likely under the policy WITHOUT the hint (property 1) and make the
--   ground-truth answer more likely than no reasoning does (property 2); ranked by policy likelihood.
-- Parameters: the positive rule's $max_nll_ratio, $min_policy_mean, $min_answer_gain, $per_problem,
--   $include_attempts: their defaults and reasoning are declared once, in definitions.sql.
-- Output columns: round, problem_id, kind, sample_index, level, question, reference_answer, plain_prompt,
--   plain_prompt_token_ids, completion, completion_token_ids, policy_token_logprobs, policy_logprob_sum,
--   policy_logprob_mean, num_tokens, answer_gain, positive_rank.
-- The ranking reads only the small columns (expo_positive_keys in definitions.sql); the wide ones (texts,
-- token ids, log-prob lists) are joined in for the chosen rows alone, so the window and its sort stay
-- small at any round size.
WITH chosen AS (
    SELECT * FROM expo_positive_keys($max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts, $per_problem)
), chosen_rows AS (  -- a semi join: the chosen keys are the hash table and the samples scan streams past them
    SELECT * FROM samples s SEMI JOIN chosen c
    ON s.round = c.round AND s.problem_id = c.problem_id AND s.kind = c.kind AND s.sample_index = c.sample_index
)
SELECT s.round, s.problem_id, s.kind, s.sample_index, s.level, s.question, s.reference_answer, s.plain_prompt,
       s.plain_prompt_token_ids, s.completion, s.completion_token_ids, s.policy_token_logprobs, s.policy_logprob_sum,
       s.policy_logprob_mean, s.num_tokens, s.answer_logprob - s.answer_logprob_base AS answer_gain, c.positive_rank
FROM chosen c
JOIN chosen_rows s ON s.round = c.round AND s.problem_id = c.problem_id AND s.kind = c.kind AND s.sample_index = c.sample_index
ORDER BY s.round, s.problem_id, c.positive_rank
