"""Where a round's bytes live and how they get there, below every stage: `storage` (a local dir or an
object-store prefix: one `Store`), `files` (atomic writes, hashing, the cache dir; below the rest), `schema` (the
sample schema, the manifest, `LAYOUT`, `RoundDir`), `shards` (Arrow shards and their checksummed sidecars),
`stored_once` (schema version 4's one copy of an attempt's log-probs), `verified` (verify once), `lock` (one writer
per round) and `grading` (which verifier graded a round; a selection stale under another). It imports no stage
(tests/test_import_graph.py)."""
