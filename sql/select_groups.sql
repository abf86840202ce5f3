-- Purpose: GRPO-style groups: every on-policy attempt of a problem with its reward (1 correct, 0 not)
--   and group-normalised advantage (reward - group mean) / (group std + 1e-4); groups where every
--   attempt scores the same get advantage 0, which is exactly where the ExP-SFT term has to teach.
-- Parameters: none.
-- Output columns: round, problem_id, level, sample_index, reward, advantage, group_size, group_accuracy.
-- A group row is a key: the attempt is samples' row (round, problem_id, kind = 'attempt', sample_index),
-- whose prompt, completion and log-prob lists the trainer reads from the shards themselves (a copy here
-- would be most of the round a second time). Join them back in SQL when you need them:
--   SELECT g.*, s.completion FROM (<this query>) g JOIN samples s USING (round, problem_id, sample_index)
--   WHERE s.kind = 'attempt'
-- The std of 0/1 rewards is sqrt(p (1 - p)): exact and the same on every run, where stddev_pop's running
-- update rounds the last digit differently with the order the threads feed it.
SELECT round, problem_id, level, sample_index,
       is_correct::DOUBLE AS reward,
       (is_correct::DOUBLE - avg(is_correct::DOUBLE) OVER g)
           / (sqrt(avg(is_correct::DOUBLE) OVER g * (1 - avg(is_correct::DOUBLE) OVER g)) + 1e-4) AS advantage,
       count(*) OVER g AS group_size,
       avg(is_correct::DOUBLE) OVER g AS group_accuracy
FROM samples
WHERE kind = 'attempt'
WINDOW g AS (PARTITION BY round, problem_id)
ORDER BY round, problem_id, sample_index
