-- Purpose: the definitions the shipped queries share, created on every connection after the views
--   (so `expo-data sql` can call them too). Each rule lives here once: tuning property 1 or 2, or a
--   quality figure, is one edit.
--
-- The positive rule's parameters, with their defaults declared here once: every query that takes one of
-- them (select_positives.sql, select_pairs.sql, hard_problems.sql, a query of your own) gets this default
-- unless --param NAME=VALUE says otherwise.
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

-- expo_attempt_nll(): per (round, problem_id) the problem's own attempts' policy NLL per token under the
--   plain prompt (token-weighted): what property 1 compares an explanation with.
CREATE MACRO expo_attempt_nll() AS TABLE
SELECT round, problem_id, -sum(policy_logprob_sum) / nullif(sum(num_tokens), 0) AS attempt_nll
FROM samples WHERE kind = 'attempt' GROUP BY round, problem_id;

-- expo_failed_clause(...): THE positive rule, as the first clause a sample fails (NULL: it is a
--   candidate positive). A correct self-explanation that finished on its own, does not lean on the hint,
--   is likely under the policy WITHOUT the hint (property 1: mean log-prob >= min_policy_mean, and NLL
--   per token within max_nll_ratio x the problem's own attempts' NLL) and makes the gold answer more
--   likely than no reasoning does (property 2: answer_gain >= min_answer_gain); correct finished
--   attempts when include_attempts. Clauses, in order: 'attempt' (attempts only with include_attempts),
--   'expert' (reference rows), 'incorrect', 'unfinished', 'hint', 'min_policy_mean', 'max_nll_ratio',
--   'min_answer_gain'. A NULL fact fails its clause (IS NOT TRUE), and NaN sorts above every number in
--   DuckDB, so it would pass the >= tests: an unscored or broken value is no evidence of property 1 or 2.
CREATE MACRO expo_failed_clause(kind, is_correct, finish_reason, mentions_answer_hint, policy_logprob_mean,
                                attempt_nll, answer_gain, max_nll_ratio, min_policy_mean, min_answer_gain,
                                include_attempts) AS
CASE
    WHEN kind = 'attempt' AND include_attempts IS NOT TRUE THEN 'attempt'
    WHEN kind IS DISTINCT FROM 'attempt' AND kind IS DISTINCT FROM 'explanation' THEN 'expert'
    WHEN is_correct IS NOT TRUE THEN 'incorrect'
    WHEN finish_reason IS DISTINCT FROM 'stop' THEN 'unfinished'
    WHEN kind = 'attempt' THEN NULL
    WHEN mentions_answer_hint IS NOT FALSE THEN 'hint'
    WHEN (NOT isnan(policy_logprob_mean) AND policy_logprob_mean >= min_policy_mean) IS NOT TRUE THEN 'min_policy_mean'
    WHEN (attempt_nll IS NULL OR -policy_logprob_mean <= max_nll_ratio * attempt_nll) IS NOT TRUE THEN 'max_nll_ratio'
    WHEN (NOT isnan(answer_gain) AND answer_gain >= min_answer_gain) IS NOT TRUE THEN 'min_answer_gain'
END;

-- expo_positive_candidates(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts):
--   every sample that may be an ExPO positive (expo_failed_clause is NULL), all `samples` columns plus
--   answer_gain.
CREATE MACRO expo_positive_candidates(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts) AS TABLE
SELECT samples.*, answer_logprob - answer_logprob_base AS answer_gain
FROM samples LEFT JOIN expo_attempt_nll() a USING (round, problem_id)
WHERE expo_failed_clause(kind, is_correct, finish_reason, mentions_answer_hint, policy_logprob_mean, a.attempt_nll,
                         answer_logprob - answer_logprob_base, max_nll_ratio, min_policy_mean, min_answer_gain,
                         include_attempts) IS NULL;

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

-- expo_group_mode(group_mode): what 'auto' groups by: level when any row has one, else category (problem
--   sets such as competition sets carry a subject/type instead of a level); any other mode as it is.
CREATE MACRO expo_group_mode(group_mode) AS
CASE WHEN group_mode = 'auto' THEN CASE WHEN EXISTS (SELECT 1 FROM samples WHERE level IS NOT NULL) THEN 'level'
                                        ELSE 'category' END
     ELSE group_mode END;

-- expo_quality_figures_per_round(group_mode, per_round): the quality figures per group and overall
--   (is_total = 1, the ROLLUP row); with per_round, per round and group and per round overall (round set;
--   NULL otherwise). group_mode: 'round', 'level', 'category', 'gold_type' (how the grader read the gold; schema version 3, NULL
--   in older rounds), or 'auto' (level when any row has one, else category). Columns: round, grouped_by (expo_group_mode), group_key (VARCHAR), is_total, problems,
--   attempt_accuracy, pass_at_k (share of problems with a correct attempt), hard_share (none correct), explanation_accuracy, hint_leak_rate,
--   nll_attempt / nll_explanation / nll_expert (token-weighted policy NLL per token under the plain
--   prompt), gain_attempt / gain_explanation / gain_expert (mean answer_logprob - answer_logprob_base).
CREATE MACRO expo_quality_figures_per_round(group_mode, per_round) AS TABLE
WITH keyed AS (
    -- Any other group_mode is an error, not a silent fall-back to level.
    SELECT *, CASE WHEN per_round THEN round END AS round_key,
           CASE WHEN group_mode IS NULL OR group_mode NOT IN ('round', 'level', 'category', 'auto', 'gold_type')
                   THEN error('group_by must be auto, level or category (or gold_type), not ' || coalesce(group_mode, 'NULL'))
                   WHEN group_mode = 'round' THEN CAST(round AS VARCHAR)
                   WHEN group_mode = 'gold_type' THEN gold_type
                   WHEN expo_group_mode(group_mode) = 'category' THEN category ELSE CAST(level AS VARCHAR) END AS group_key
    FROM samples
), per_problem AS (
    SELECT any_value(round_key) AS round_key, any_value(group_key) AS group_key, bool_or(kind = 'attempt' AND is_correct) AS solved
    FROM keyed GROUP BY round, problem_id
), by_group AS (
    SELECT round_key, group_key, count(*) AS problems, avg(solved::INT) AS pass_at_k, avg((NOT solved)::INT) AS hard_share,
           grouping(group_key) AS is_total
    FROM per_problem GROUP BY round_key, ROLLUP (group_key)
), samples_by_group AS (
    SELECT round_key, group_key, grouping(group_key) AS is_total,
        avg(is_correct::INT) FILTER (WHERE kind = 'attempt') AS attempt_accuracy,
        avg(is_correct::INT) FILTER (WHERE kind = 'explanation') AS explanation_accuracy,
        avg(mentions_answer_hint::INT) FILTER (WHERE kind = 'explanation') AS hint_leak_rate,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'attempt') / sum(num_tokens) FILTER (WHERE kind = 'attempt') AS nll_attempt,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'explanation') / sum(num_tokens) FILTER (WHERE kind = 'explanation') AS nll_explanation,
        -sum(policy_logprob_sum) FILTER (WHERE kind = 'expert') / sum(num_tokens) FILTER (WHERE kind = 'expert') AS nll_expert,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'attempt') AS gain_attempt,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'explanation') AS gain_explanation,
        avg(answer_logprob - answer_logprob_base) FILTER (WHERE kind = 'expert') AS gain_expert
    FROM keyed GROUP BY round_key, ROLLUP (group_key)
)
SELECT b.round_key AS round, expo_group_mode(group_mode) AS grouped_by, b.group_key, b.is_total, b.problems, s.attempt_accuracy, b.pass_at_k, b.hard_share, s.explanation_accuracy,
       s.hint_leak_rate, s.nll_attempt, s.nll_explanation, s.nll_expert, s.gain_attempt, s.gain_explanation,
       s.gain_expert
FROM by_group b JOIN samples_by_group s ON b.round_key IS NOT DISTINCT FROM s.round_key
    AND b.group_key IS NOT DISTINCT FROM s.group_key AND b.is_total = s.is_total;

-- expo_quality_figures(group_mode): expo_quality_figures_per_round over all rounds together (no round column).
CREATE MACRO expo_quality_figures(group_mode) AS TABLE
SELECT * EXCLUDE (round, grouped_by) FROM expo_quality_figures_per_round(group_mode, false);

-- expo_number(x): a figure as the explanations print it (3 decimals; n/a when missing).
CREATE MACRO expo_number(x) AS coalesce(printf('%.3f', x), 'n/a');

-- expo_sample_roles(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem): each
--   sample's part in the selection these parameters make, and why (what `expo-data view` shows). Columns:
--   round, problem_id, kind, sample_index; nll (policy NLL per token under the plain prompt), attempt_nll
--   (its problem's attempts', expo_attempt_nll), answer_gain; failed_clause (expo_failed_clause, NULL when
--   it passes the rule); role: 'positive' (selected), 'pair_rejected' (the rejected side of a pair),
--   'ranked_out' (passes the rule, but per_problem more likely ones were kept) or 'not_selected';
--   positive_rank; pair_chosen (a positive that is a pair's chosen side); rejected_ranks (the pair_rank
--   of each pair it is rejected in); why (one line of text).
CREATE MACRO expo_sample_roles(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem) AS TABLE
WITH verdicts AS (
    SELECT s.round, s.problem_id, s.kind, s.sample_index, s.finish_reason, s.policy_logprob_mean, -s.policy_logprob_mean AS nll,
           a.attempt_nll, s.answer_logprob - s.answer_logprob_base AS answer_gain,
           expo_failed_clause(s.kind, s.is_correct, s.finish_reason, s.mentions_answer_hint, s.policy_logprob_mean,
                              a.attempt_nll, s.answer_logprob - s.answer_logprob_base, max_nll_ratio, min_policy_mean,
                              min_answer_gain, include_attempts) AS failed_clause
    FROM samples s LEFT JOIN expo_attempt_nll() a USING (round, problem_id)
), expo_roles_positive_keys AS (
    SELECT * FROM expo_positive_keys(max_nll_ratio, min_policy_mean, min_answer_gain, include_attempts, per_problem)
), pairs AS (
    SELECT * FROM expo_pairs_of('expo_roles_positive_keys')
), chosen AS (
    SELECT DISTINCT round, problem_id, chosen_kind AS kind, chosen_index AS sample_index FROM pairs
), rejected AS (
    SELECT round, problem_id, 'attempt' AS kind, rejected_index AS sample_index, list(pair_rank ORDER BY pair_rank) AS rejected_ranks
    FROM pairs GROUP BY ALL
), roled AS (
    SELECT v.*, p.positive_rank, c.kind IS NOT NULL AS pair_chosen, coalesce(r.rejected_ranks, []) AS rejected_ranks,
           CASE WHEN p.positive_rank IS NOT NULL THEN 'positive' WHEN r.rejected_ranks IS NOT NULL THEN 'pair_rejected'
                WHEN v.failed_clause IS NULL THEN 'ranked_out' ELSE 'not_selected' END AS role,
           CASE WHEN v.kind = 'explanation' AND v.attempt_nll IS NOT NULL
                THEN printf('correct, finished, no hint, NLL/token %.3f <= %s x the attempts'' %.3f, gain %s >= %s',
                            v.nll, max_nll_ratio::VARCHAR, v.attempt_nll, expo_number(v.answer_gain), min_answer_gain::VARCHAR)
                ELSE 'correct, finished' END AS passed
    FROM verdicts v
    LEFT JOIN expo_roles_positive_keys p USING (round, problem_id, kind, sample_index)
    LEFT JOIN chosen c USING (round, problem_id, kind, sample_index)
    LEFT JOIN rejected r USING (round, problem_id, kind, sample_index)
)
SELECT round, problem_id, kind, sample_index, nll, attempt_nll, answer_gain, failed_clause, role, positive_rank,
       pair_chosen, rejected_ranks,
       CASE role
           WHEN 'positive' THEN printf('positive #%d (most likely under the policy first, per_problem=%s): %s', positive_rank,
                                       per_problem::VARCHAR, passed)
                                || CASE WHEN pair_chosen THEN '; pair chosen' ELSE '; no wrong attempt to pair with' END
           WHEN 'pair_rejected' THEN printf('pair rejected: a wrong attempt of this problem, paired most likely first '
                                            '(mean log-prob %s)', expo_number(policy_logprob_mean))
           WHEN 'ranked_out' THEN printf('passes the rules (%s) but a more likely one was kept (per_problem=%s)', passed,
                                         per_problem::VARCHAR)
           ELSE CASE failed_clause
               WHEN 'attempt' THEN ''  -- an attempt is a candidate only with include_attempts: nothing to explain
               WHEN 'expert' THEN 'expert rows are not selected (reference only)'
               WHEN 'incorrect' THEN 'not selected: incorrect'
               WHEN 'unfinished' THEN 'not selected: did not finish (finish ' || coalesce(finish_reason, 'NULL') || ')'
               WHEN 'hint' THEN 'not selected: mentions the hint'
               WHEN 'min_policy_mean' THEN printf('not selected: mean log-prob %s < min_policy_mean %s',
                                                  expo_number(policy_logprob_mean), min_policy_mean::VARCHAR)
               WHEN 'max_nll_ratio' THEN printf('not selected: NLL/token %s > %s x the attempts'' %s', expo_number(nll),
                                                max_nll_ratio::VARCHAR, expo_number(attempt_nll))
               WHEN 'min_answer_gain' THEN printf('not selected: answer gain %s < min_answer_gain %s',
                                                  expo_number(answer_gain), min_answer_gain::VARCHAR)
           END
       END AS why
FROM roled;
