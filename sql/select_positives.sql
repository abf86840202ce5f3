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
