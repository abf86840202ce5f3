"""Store each number once (schema version 4).

An attempt is sampled from the plain prompt, so its sampling-time log-probs (`gen_token_logprobs`) are the
very numbers `policy_token_logprobs` holds (rows.py reuses them), and attempts are most of a round's rows.
From version 4 an attempt row whose two lists are equal, bit for bit, stores `gen_token_logprobs` null;
every reader presents the column whole again: Arrow tables through `restore`, DuckDB's `samples` view
through `GEN_TOKEN_LOGPROBS_SQL`. Explanations (sampled under the hinted prompt) and rows whose lists
differ keep both; expert rows have no sampling log-probs (null in every version). In older versions an
attempt's `gen_token_logprobs` is never null, so the same reading serves them unchanged.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# What the samples view shows as gen_token_logprobs.
GEN_TOKEN_LOGPROBS_SQL = ("coalesce(gen_token_logprobs, CASE WHEN kind = 'attempt' THEN policy_token_logprobs END)"
                          " AS gen_token_logprobs")


def _bits(values: pa.Array) -> np.ndarray:
    """float32 values as their bit patterns: -0.0 and 0.0 differ, a NaN equals itself (what is stored)."""
    return values.cast(pa.float32()).to_numpy(zero_copy_only=False).view(np.int32)


def equal_rows(a: pa.Array, b: pa.Array) -> np.ndarray:
    """Per row, whether two list<float32> arrays hold the same values bit for bit (False where either is null)."""
    n = len(a)
    length_a = pc.list_value_length(a).fill_null(-1).to_numpy(zero_copy_only=False)
    length_b = pc.list_value_length(b).fill_null(-1).to_numpy(zero_copy_only=False)
    candidate = (length_a == length_b) & (length_a >= 0)
    rows_a = np.repeat(np.arange(n), np.maximum(length_a, 0))
    rows_b = np.repeat(np.arange(n), np.maximum(length_b, 0))
    # Only the candidates' values: their lengths agree, so their flattened values line up one to one.
    values_a, values_b = _bits(a.flatten())[candidate[rows_a]], _bits(b.flatten())[candidate[rows_b]]
    differing = rows_a[candidate[rows_a]][values_a != values_b]
    return candidate & (np.bincount(differing, minlength=n) == 0)


def _attempts(table: pa.Table) -> np.ndarray:
    return pc.equal(table.column("kind"), "attempt").fill_null(False).to_numpy(zero_copy_only=False)


def drop_duplicates(table: pa.Table) -> pa.Table:
    """The table as version 4 stores it: an attempt's gen_token_logprobs null where it equals
    policy_token_logprobs."""
    if table.num_rows == 0:
        return table
    gen = table.column("gen_token_logprobs").combine_chunks()
    policy = table.column("policy_token_logprobs").combine_chunks()
    drop = _attempts(table) & equal_rows(gen, policy)
    if not drop.any():
        return table
    kept = pc.if_else(pa.array(drop), pa.nulls(len(gen), gen.type), gen)
    return table.set_column(table.schema.get_field_index("gen_token_logprobs"), table.schema.field("gen_token_logprobs"), kept)


def restore(table: pa.Table) -> pa.Table:
    """A stored table with every attempt's gen_token_logprobs present again (a no-op for older versions)."""
    if "gen_token_logprobs" not in table.column_names or "kind" not in table.column_names or table.num_rows == 0:
        return table
    gen = table.column("gen_token_logprobs")
    missing = _attempts(table) & gen.is_null().to_numpy(zero_copy_only=False)
    if not missing.any():
        return table
    policy = table.column("policy_token_logprobs").combine_chunks().cast(gen.type)
    filled = pc.if_else(pa.array(missing), policy, gen.combine_chunks())
    return table.set_column(table.schema.get_field_index("gen_token_logprobs"), table.schema.field("gen_token_logprobs"), filled)
