-- Purpose: ExPO positives. Per problem, correct self-explanations that finished on their own, do
--   not lean on the hint, are likely under the policy WITHOUT the hint (property 1) and make the
--   ground-truth answer more likely than no reasoning does (property 2); ranked by policy likelihood.
-- Parameters:
--   $max_nll_ratio = 2.0      property 1, relative: the explanation's NLL per token under the plain prompt
--                             must stay below this multiple of the problem's own attempts' NLL per token.
--                             The paper found expert CoT at about twice the self-explanation NLL, and
--                             that text at that distance trains poorly; a ratio travels across models.
--   $min_policy_mean = -100.0 absolute floor on mean log-prob per token; off by default because log-prob
--                             scales differ across models and tokenizers. Set it for a fixed model.
--   $min_answer_gain = 0.0    answer_logprob - answer_logprob_base: the reasoning must not make the
--                             correct answer less likely than stating it with no reasoning at all.
--   $per_problem = 1          one positive per problem keeps hard problems from dominating a round.
--   $include_attempts = false also take correct on-policy attempts (they pass property 1 by construction).
-- Output columns: round, problem_id, kind, sample_index, level, question, reference_answer, plain_prompt,
--   plain_prompt_token_ids, completion, completion_token_ids, policy_token_logprobs, policy_logprob_sum,
--   policy_logprob_mean, num_tokens, answer_gain, positive_rank.
WITH candidates AS (
    SELECT * FROM expo_positive_candidates($max_nll_ratio, $min_policy_mean, $min_answer_gain, $include_attempts)
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
