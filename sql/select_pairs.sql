-- Purpose: ExP-DPO pairs. chosen = a selected positive (the rule in definitions.sql, as in select_positives.sql), rejected =
--   an incorrect on-policy attempt of the same problem, the most likely under the policy first; the
--   k-th positive of a problem is paired with its k-th most likely wrong attempt (cycling). Reference
--   log-probs are the generating policy's sums over the sampled token ids under the plain prompt.
-- Parameters: the positive rule's $max_nll_ratio, $min_policy_mean, $min_answer_gain, $per_problem,
--   $include_attempts (their defaults and reasoning are declared once, in definitions.sql).
-- Output columns: round, problem_id, level, prompt, prompt_token_ids, chosen, chosen_token_ids, rejected,
--   rejected_token_ids, ref_chosen_logp, ref_rejected_logp, chosen_kind, chosen_policy_mean,
--   rejected_policy_mean, pair_rank.
-- The pairing reads only the small columns (expo_pair_keys in definitions.sql); prompts and completions
-- are joined in for the paired rows alone, so the windows and their sorts stay small at any round size.
WITH paired AS (
    SELECT * FROM expo_pair_keys($max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts, $per_problem)
), chosen_rows AS (  -- semi joins: the paired keys are the hash table and the samples scan streams past them
    SELECT * FROM samples s SEMI JOIN paired p
    ON s.round = p.round AND s.problem_id = p.problem_id AND s.kind = p.chosen_kind AND s.sample_index = p.chosen_index
), rejected_rows AS (
    SELECT * FROM samples s SEMI JOIN paired p
    ON s.round = p.round AND s.problem_id = p.problem_id AND s.kind = 'attempt' AND s.sample_index = p.rejected_index
)
SELECT p.round, p.problem_id, c.level, c.plain_prompt AS prompt, c.plain_prompt_token_ids AS prompt_token_ids,
       c.completion AS chosen, c.completion_token_ids AS chosen_token_ids,
       r.completion AS rejected, r.completion_token_ids AS rejected_token_ids,
       c.policy_logprob_sum AS ref_chosen_logp, r.policy_logprob_sum AS ref_rejected_logp,
       p.chosen_kind, c.policy_logprob_mean AS chosen_policy_mean, r.policy_logprob_mean AS rejected_policy_mean,
       p.pair_rank
FROM paired p
JOIN chosen_rows c ON c.round = p.round AND c.problem_id = p.problem_id AND c.kind = p.chosen_kind AND c.sample_index = p.chosen_index
JOIN rejected_rows r ON r.round = p.round AND r.problem_id = p.problem_id AND r.kind = 'attempt' AND r.sample_index = p.rejected_index
ORDER BY p.round, p.problem_id, p.pair_rank
