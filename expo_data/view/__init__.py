"""`expo-data view`: `page` builds one self-contained HTML page of a round's samples from `page.html` and
`page.js` (text set through textContent only)."""

import importlib

# `write_view`: importable from here, as from the module this package replaced; loaded on
# first use, so that importing one module of the stage does not import the whole stage.
_EXPORTS = {"write_view": "page"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
