"""`expo-data select` and what reads rounds through DuckDB: `db` (the views, the shipped queries),
`selection` (the ExPO selection, streamed into selected/), `runs` (rows written as sorted runs and merged back in
their output order), `report` (`expo-data report` and its plots), `export` (`--export trl`)."""

from .. import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {"select": "selection"})
