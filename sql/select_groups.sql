-- Purpose: GRPO-style groups: every on-policy attempt of a problem with its reward (1 correct, 0 not)
--   and group-normalised advantage (reward - group mean) / (group std + 1e-4); groups where every
--   attempt scores the same get advantage 0, which is exactly where the ExP-SFT term has to teach.
-- Parameters: none.
-- Output columns: round, problem_id, level, prompt, prompt_token_ids, sample_index, completion,
--   completion_token_ids, gen_token_logprobs, policy_token_logprobs, reward, advantage, group_size,
--   group_accuracy.
SELECT round, problem_id, level, plain_prompt AS prompt, plain_prompt_token_ids AS prompt_token_ids, sample_index,
       completion, completion_token_ids, gen_token_logprobs, policy_token_logprobs,
       is_correct::DOUBLE AS reward,
       (is_correct::DOUBLE - avg(is_correct::DOUBLE) OVER g) / (coalesce(stddev_pop(is_correct::DOUBLE) OVER g, 0) + 1e-4) AS advantage,
       count(*) OVER g AS group_size,
       avg(is_correct::DOUBLE) OVER g AS group_accuracy
FROM samples
WHERE kind = 'attempt'
WINDOW g AS (PARTITION BY round, problem_id)
ORDER BY round, problem_id, sample_index
