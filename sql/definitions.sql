-- Purpose: the definitions the shipped queries share, created on every connection after the views
--   (so `expo-data sql` can call them too). Each rule lives here once: tuning property 1 or 2, or a
--   quality figure, is one edit.
--
-- expo_positive_candidates(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts):
--   every sample that may be an ExPO positive, all `samples` columns plus answer_gain. A correct
--   self-explanation that finished on its own, does not lean on the hint, is likely under the policy
--   WITHOUT the hint (property 1: NLL per token within max_nll_ratio x the problem's own attempts'
--   NLL, and mean log-prob >= min_policy_mean) and makes the gold answer more likely than no reasoning
--   does (property 2: answer_gain >= min_answer_gain); correct finished attempts when include_attempts.
--   The parameters' defaults and reasoning are in select_positives.sql.
CREATE MACRO expo_positive_candidates(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts) AS TABLE
WITH attempt_nll AS (
    SELECT round, problem_id, -sum(policy_logprob_sum) / nullif(sum(num_tokens), 0) AS attempt_nll
    FROM samples WHERE kind = 'attempt' GROUP BY round, problem_id
)
SELECT samples.*, answer_logprob - answer_logprob_base AS answer_gain
FROM samples LEFT JOIN attempt_nll USING (round, problem_id)
WHERE is_correct AND finish_reason = 'stop'
  AND ((kind = 'explanation' AND NOT mentions_answer_hint
        AND policy_logprob_mean >= min_policy_mean
        AND (attempt_nll IS NULL OR -policy_logprob_mean <= max_nll_ratio * attempt_nll)
        AND answer_logprob - answer_logprob_base >= min_answer_gain
        -- NaN sorts above every number in DuckDB, so it would pass the two >= tests: an unscored or
        -- broken value is no evidence of property 1 or 2.
        AND NOT isnan(policy_logprob_mean) AND NOT isnan(answer_logprob - answer_logprob_base))
       OR (kind = 'attempt' AND include_attempts));

-- expo_positive_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem):
--   the selected positives as keys (round, problem_id, kind, sample_index) with positive_rank: per
--   problem the candidates ranked by policy likelihood, the first per_problem kept. Reads only the small
--   columns, so the window and its sort stay small at any round size.
CREATE MACRO expo_positive_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem) AS TABLE
WITH ranked AS (
    SELECT round, problem_id, kind, sample_index,
           row_number() OVER (PARTITION BY round, problem_id
                              ORDER BY policy_logprob_mean DESC, kind, sample_index) AS positive_rank
    FROM expo_positive_candidates(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts)
)
SELECT * FROM ranked WHERE positive_rank <= per_problem;

-- expo_pairs_of(positive_keys): the ExP-DPO pairs of the positives in the table (or CTE) named by
--   positive_keys (columns as expo_positive_keys gives them): each positive (chosen_kind, chosen_index,
--   pair_rank = its positive_rank) with an incorrect on-policy attempt of its problem (rejected_index),
--   the k-th positive with the k-th most likely wrong attempt (cycling). Small columns only. By name, so
--   `expo-data select` pairs the positives it has already chosen instead of choosing them again.
CREATE MACRO expo_pairs_of(positive_keys) AS TABLE
WITH rejected AS (
    SELECT round, problem_id, sample_index,
           row_number() OVER (PARTITION BY round, problem_id ORDER BY policy_logprob_mean DESC, sample_index) AS wrong_rank,
           count(*) OVER (PARTITION BY round, problem_id) AS wrong_count
    FROM samples
    WHERE kind = 'attempt' AND NOT is_correct
)
SELECT c.round, c.problem_id, c.kind AS chosen_kind, c.sample_index AS chosen_index,
       r.sample_index AS rejected_index, c.positive_rank AS pair_rank
FROM query_table(positive_keys) c
JOIN rejected r ON r.round = c.round AND r.problem_id = c.problem_id
               AND r.wrong_rank = (c.positive_rank - 1) % r.wrong_count + 1;

-- expo_pair_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem):
--   the pairs of the positives expo_positive_keys selects with these parameters (expo_pairs_of).
CREATE MACRO expo_pair_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem) AS TABLE
WITH expo_selected_positive_keys AS (
    SELECT * FROM expo_positive_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem)
)
SELECT * FROM expo_pairs_of('expo_selected_positive_keys');

-- expo_quality_figures(group_mode): the quality figures per group and overall (is_total = 1, the
--   ROLLUP row). group_mode: 'round', 'level', 'category', 'gold_type', or 'auto' (level when any row has
--   one, else category). Columns: group_key (VARCHAR), is_total, problems, attempt_accuracy, pass_at_k (share of
--   problems with a correct attempt), hard_share (none correct), explanation_accuracy, hint_leak_rate,
--   nll_attempt / nll_explanation / nll_expert (token-weighted policy NLL per token under the plain
--   prompt), gain_attempt / gain_explanation / gain_expert (mean answer_logprob - answer_logprob_base).
CREATE MACRO expo_quality_figures(group_mode) AS TABLE
WITH keyed AS (
    -- Any other group_mode is an error, not a silent fall-back to level.
    SELECT *, CASE WHEN group_mode IS NULL OR group_mode NOT IN ('round', 'level', 'category', 'auto', 'gold_type')
                   THEN error('group_by must be auto, level or category (or gold_type), not ' || coalesce(group_mode, 'NULL'))
                   WHEN group_mode = 'round' THEN CAST(round AS VARCHAR)
                   -- how the grader read the gold (schema version 3; NULL in older rounds)
                   WHEN group_mode = 'gold_type' THEN gold_type
                   WHEN group_mode = 'category'
                     OR (group_mode = 'auto' AND NOT EXISTS (SELECT 1 FROM samples WHERE level IS NOT NULL))
                   THEN category ELSE CAST(level AS VARCHAR) END AS group_key
    FROM samples
), per_problem AS (
    SELECT problem_id, any_value(group_key) AS group_key, bool_or(kind = 'attempt' AND is_correct) AS solved
    FROM keyed GROUP BY round, problem_id
), by_group AS (
    SELECT group_key, count(*) AS problems, avg(solved::INT) AS pass_at_k, avg((NOT solved)::INT) AS hard_share,
           grouping(group_key) AS is_total
    FROM per_problem GROUP BY ROLLUP (group_key)
), samples_by_group AS (
    SELECT group_key, grouping(group_key) AS is_total,
        avg(is_correct::INT) FILTER (WHERE kind = 'attempt') AS attempt_accuracy,
        avg(is_correct::INT) FILTER (WHERE kind = 'explanation') AS explanation_accuracy,
        avg(mentions_answer_hint::INT) FILTER (WHERE kind = 'explanation') AS hint_leak_rate,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'attempt') / sum(num_tokens) FILTER (WHERE kind = 'attempt') AS nll_attempt,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'explanation') / sum(num_tokens) FILTER (WHERE kind = 'explanation') AS nll_explanation,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'expert') / sum(num_tokens) FILTER (WHERE kind = 'expert') AS nll_expert,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'attempt') AS gain_attempt,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'explanation') AS gain_explanation,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'expert') AS gain_expert
    FROM keyed GROUP BY ROLLUP (group_key)
)
SELECT b.group_key, b.is_total, b.problems, s.attempt_accuracy, b.pass_at_k, b.hard_share, s.explanation_accuracy,
       s.hint_leak_rate, s.nll_attempt, s.nll_explanation, s.nll_expert, s.gain_attempt, s.gain_explanation,
       s.gain_expert
FROM by_group b JOIN samples_by_group s ON b.group_key IS NOT DISTINCT FROM s.group_key AND b.is_total = s.is_total;
