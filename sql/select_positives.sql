-- Purpose: ExPO positives. Per problem, correct self-explanations that finished on their own, do
--   not lean on the hint, are likely under the policy WITHOUT the hint (property 1) and make the
--   ground-truth answer more likely than no reasoning does (property 2); ranked by policy likelihood.
-- Parameters:
--   $min_policy_mean = -2.0   floor on mean log-prob per token under the plain prompt. Ranking already
--                             prefers likely explanations; the floor only drops off-distribution text
--                             (expert CoT runs at about twice the self-explanation NLL in the paper).
--   $min_answer_gain = 0.0    answer_logprob - answer_logprob_base: the reasoning must not make the
--                             correct answer less likely than stating it with no reasoning at all.
--   $per_problem = 1          one positive per problem keeps hard problems from dominating a round.
--   $include_attempts = false also take correct on-policy attempts (they pass property 1 by construction).
-- Output columns: round, problem_id, kind, sample_index, level, question, reference_answer, plain_prompt,
--   plain_prompt_token_ids, completion, completion_token_ids, policy_token_logprobs, policy_logprob_sum,
--   policy_logprob_mean, num_tokens, answer_gain, positive_rank.
WITH candidates AS (
    SELECT *, answer_logprob - answer_logprob_base AS answer_gain
    FROM samples
    WHERE is_correct AND finish_reason = 'stop'
      AND ((kind = 'explanation' AND NOT mentions_answer_hint
            AND policy_logprob_mean >= $min_policy_mean
            AND answer_logprob - answer_logprob_base >= $min_answer_gain)
           OR (kind = 'attempt' AND $include_attempts))
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY round, problem_id
                                 ORDER BY policy_logprob_mean DESC, kind, sample_index) AS positive_rank
    FROM candidates
)
SELECT round, problem_id, kind, sample_index, level, question, reference_answer, plain_prompt, plain_prompt_token_ids,
       completion, completion_token_ids, policy_token_logprobs, policy_logprob_sum, policy_logprob_mean, num_tokens,
       answer_gain, positive_rank
FROM ranked
WHERE positive_rank <= $per_problem
ORDER BY round, problem_id, positive_rank
