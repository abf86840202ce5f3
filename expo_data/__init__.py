"""ExPO data stage: problems, vLLM generation, verification, sharded Arrow output, DuckDB selection."""

__version__ = "0.1.0"


def lazy_exports(package: str, exports: dict[str, str]):
    """(__getattr__, __all__) for a stage package: each name in `exports` is importable from the package, as
    from the module the package replaced, and loaded from its module on first use, so that importing one
    module of a stage does not import the whole stage."""
    import importlib

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f".{exports[name]}", package), name)

    return __getattr__, sorted(exports)


def open_round(location, check_checksums: bool = True, verify: str = "once"):
    """A round dir (local path or s3:// URI) opened for a notebook: `.relation` (DuckDB relation of the
    `samples` view), `.arrow()`, `.df()` (pandas), `.problems`, `.sql(query)`, `.manifest`.
    Shard checksums are verified first unless check_checksums=False; `verify="full"` hashes every shard
    again, "once" (the default) not a local shard verified before and unchanged since."""
    from .rounds import open_round as _open  # imported on use: `import expo_data` stays light

    return _open(location, check_checksums=check_checksums, verify=verify)
