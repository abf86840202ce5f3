"""`expo-data generate`: `plan` (the options, the manifest, which shards to write; fed by `problems`,
`prompts` and `gold_audit`), `engine` (vLLM), `rows` (one group of problems into rows), `progress` and `stats`
(the bar, the summary), `driver` (the run), `cluster` (`in_child`, the `--ray` slices)."""

from .. import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {"generate": "driver", "GenerateConfig": "plan"})
