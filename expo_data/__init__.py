"""ExPO data stage: problems, vLLM generation, verification, sharded Arrow output, DuckDB selection."""

__version__ = "0.1.0"


def open_round(location, check_checksums: bool = True, verify: str = "once"):
    """A round dir (local path or s3:// URI) opened for a notebook: `.relation` (DuckDB relation of the
    `samples` view), `.arrow()`, `.df()` (pandas), `.problems`, `.sql(query)`, `.manifest`.
    Shard checksums are verified first unless check_checksums=False; `verify="full"` hashes every shard
    again, "once" (the default) not a local shard verified before and unchanged since."""
    from .rounds import open_round as _open  # imported on use: `import expo_data` stays light

    return _open(location, check_checksums=check_checksums, verify=verify)
