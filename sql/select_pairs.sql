-- Purpose: ExP-DPO pairs. chosen = a selected positive (the rule in definitions.sql, as in select_positives.sql), rejected =
--   an incorrect on-policy attempt of the same problem, the most likely under the policy first; the
--   k-th positive of a problem is paired with its k-th most likely wrong attempt (cycling). Reference
--   log-probs are the generating policy's sums under the plain prompt (TRL's precomputed-reference columns).
-- Parameters: $max_nll_ratio = 2.0, $min_policy_mean = -100.0, $min_answer_gain = 0.0, $per_problem = 1,
--   $include_attempts = false (see select_positives.sql for the reasoning).
-- Output columns: round, problem_id, level, prompt, prompt_token_ids, chosen, chosen_token_ids, rejected,
--   rejected_token_ids, ref_chosen_logp, ref_rejected_logp, chosen_kind, chosen_policy_mean,
--   rejected_policy_mean, pair_rank.
WITH positives AS (
    SELECT * FROM expo_positive_candidates($max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts)
), chosen AS (
    SELECT *, row_number() OVER (PARTITION BY round, problem_id
                                 ORDER BY policy_logprob_mean DESC, kind, sample_index) AS pair_rank
    FROM positives
), rejected AS (
    SELECT *, row_number() OVER (PARTITION BY round, problem_id ORDER BY policy_logprob_mean DESC, sample_index) AS wrong_rank,
           count(*) OVER (PARTITION BY round, problem_id) AS wrong_count
    FROM samples
    WHERE kind = 'attempt' AND NOT is_correct
)
SELECT c.round, c.problem_id, c.level, c.plain_prompt AS prompt, c.plain_prompt_token_ids AS prompt_token_ids,
       c.completion AS chosen, c.completion_token_ids AS chosen_token_ids,
       r.completion AS rejected, r.completion_token_ids AS rejected_token_ids,
       c.policy_logprob_sum AS ref_chosen_logp, r.policy_logprob_sum AS ref_rejected_logp,
       c.kind AS chosen_kind, c.policy_logprob_mean AS chosen_policy_mean, r.policy_logprob_mean AS rejected_policy_mean,
       c.pair_rank
FROM chosen c
JOIN rejected r ON r.round = c.round AND r.problem_id = c.problem_id AND r.wrong_rank = (c.pair_rank - 1) % r.wrong_count + 1
WHERE c.pair_rank <= $per_problem
ORDER BY c.round, c.problem_id, c.pair_rank
