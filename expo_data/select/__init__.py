"""`expo-data select` and what reads rounds through DuckDB: `db` (the views, the shipped queries),
`selection` (the ExPO selection, streamed into selected/), `runs` (rows written as sorted runs and merged back in
their output order), `report` (`expo-data report` and its plots), `export` (`--export trl`)."""

import importlib

# `select`: importable from here, as from the module this package replaced; loaded on
# first use, so that importing one module of the stage does not import the whole stage.
_EXPORTS = {"select": "selection"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
