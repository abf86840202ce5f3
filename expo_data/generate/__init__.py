"""`expo-data generate`: `plan` (the options, the manifest, which shards to write; fed by `problems`,
`prompts` and `gold_audit`), `engine` (vLLM), `rows` (one group of problems into rows), `progress` and `stats`
(the bar, the summary), `driver` (the run), `cluster` (`in_child`, the `--ray` slices)."""

import importlib

# `generate`, `GenerateConfig`: importable from here, as from the module this package replaced; loaded on
# first use, so that importing one module of the stage does not import the whole stage.
_EXPORTS = {"generate": "driver", "GenerateConfig": "plan"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
