"""The run summary is totalled in one place (stats.Stats.add_shard, from each shard's sidecar): checked
against a plain per-sample count of the same rows, however they are split into shards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from expo_data.generate.stats import Stats, shard_counts

ROW = st.fixed_dictionaries({
    "problem_id": st.sampled_from(["p0", "p1", "p2", "p3", "p4"]),
    "kind": st.sampled_from(["attempt", "explanation", "expert"]),
    "is_correct": st.booleans(),
    "num_tokens": st.integers(0, 500),
})
SKIP = st.fixed_dictionaries({"problem_id": st.text(max_size=3),
                              "reason": st.sampled_from(["prompt_too_long: 900 prompt", "expert_too_long: 3000 tokens"])})


@given(shards=st.lists(st.tuples(st.lists(ROW, max_size=12), st.lists(SKIP, max_size=3)), max_size=6))
def test_totals_from_sidecars_equal_a_plain_count(shards):
    stats = Stats()
    for rows, skipped in shards:
        stats.add_shard({"counts": shard_counts(rows), "skipped": skipped})
    rows = [r for shard_rows, _ in shards for r in shard_rows]
    skips = [s for _, shard_skips in shards for s in shard_skips]
    # A problem's rows all land in one shard (shards are assigned by problem), so problems add up per shard.
    assert stats.problems == sum(len({r["problem_id"] for r in shard_rows}) for shard_rows, _ in shards)
    assert stats.samples == len(rows)
    for kind in ("attempt", "explanation"):
        assert getattr(stats, f"{kind}s") == sum(r["kind"] == kind for r in rows)
        assert getattr(stats, f"{kind}s_correct") == sum(r["kind"] == kind and r["is_correct"] for r in rows)
    assert stats.generated_tokens == sum(r["num_tokens"] for r in rows if r["kind"] != "expert")
    assert stats.skipped == len(skips)
    assert stats.skip_reasons == {k: n for k in ("prompt_too_long", "expert_too_long")
                                  if (n := sum(s["reason"].startswith(k + ":") for s in skips))}


def test_group_times_add_once_and_the_ray_total_uses_the_wall_time():
    stats = Stats()
    stats.add_time({"generate_s": 2.0, "score_s": 1.0, "verify_s": 0.5})
    stats.add_time({"generate_s": 3.0, "score_s": 1.0, "verify_s": 0.5})
    assert (stats.generate_s, stats.score_s, stats.verify_s) == (5.0, 2.0, 1.0)
    ray = Stats.from_sidecars([{"counts": {"generated_tokens": 600}}, {"counts": {"generated_tokens": 400}}], wall_s=4.0)
    assert ray.generated_tokens == 1000 and ray.generate_s == 4.0 and "250 generated tokens/s" in ray.summary(4.0)
