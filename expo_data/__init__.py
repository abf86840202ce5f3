"""ExPO data stage: problems, vLLM generation, verification, sharded Arrow output, DuckDB selection."""

__version__ = "0.1.0"
