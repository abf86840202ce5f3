"""`expo_data.open_round`: a round's samples from a notebook, as DuckDB, Arrow or pandas."""

from __future__ import annotations

from typing import Any

from .select.db import connect
from .store.storage import redact


class Round:
    """One round dir (local or object storage) opened in DuckDB: the `samples`, `problems` and
    `manifest` views of `expo-data sql`, nothing loaded until asked for."""

    def __init__(self, location: Any, check_checksums: bool = True, verify: str = "once"):
        self.location = location
        self.con = connect([location], check_checksums=check_checksums, verify=verify)
        import json

        self.manifest = json.loads(self.con.execute("SELECT manifest_json FROM manifest").fetchall()[0][0])

    def __repr__(self) -> str:
        return f"Round({redact(self.location)}, round {self.manifest['round']})"

    @property
    def relation(self):
        """The samples view as a DuckDB relation: filter, project, aggregate lazily (`.filter("kind = 'attempt'")`)."""
        return self.con.view("samples")

    @property
    def problems(self):
        """One row per problem (attempts, correct attempts, pass_at_k, has_positive, ...)."""
        return self.con.view("problems")

    def sql(self, query: str, params: dict[str, Any] | None = None):
        """A DuckDB relation of any query over the views."""
        return self.con.sql(query, params=params or None)

    def arrow(self):
        """The samples as a pyarrow Table."""
        relation = self.relation
        return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()

    def df(self):
        """The samples as a pandas DataFrame (needs pandas)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            from .errors import ExpoError

            raise ExpoError("Round.df() needs pandas: pip install pandas (or use .arrow())")
        return self.relation.df()


def open_round(location: Any, check_checksums: bool = True, verify: str = "once") -> Round:
    """`verify`: "once" does not hash a local shard verified before and unchanged since; "full" hashes all."""
    return Round(location, check_checksums=check_checksums, verify=verify)
