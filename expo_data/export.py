"""`expo-data select --export trl`: a round's selected pairs as a file another trainer reads."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import ExpoError
from .schema import RoundDir, atomic_write_bytes


def export_trl(round_dir: Path, output: Path) -> int:
    """prompt/chosen/rejected columns of selected/pairs.arrow for TRL's DPOTrainer, plus the generating
    policy's log-prob sums, as Parquet; returns the number of pairs."""
    import pyarrow.parquet as pq

    pairs = RoundDir(round_dir).selected_table("pairs")
    if pairs.num_rows == 0:
        raise ExpoError(f"{RoundDir(round_dir).uri('selected')}/pairs.arrow holds no pairs")
    rows = pairs.select(["prompt", "chosen", "rejected", "ref_chosen_logp", "ref_rejected_logp", "problem_id"])
    # The stored prompt is already chat-formatted text: TRL's standard (plain-text, not conversational)
    # format takes it as it is and concatenates the completions.
    buffer = io.BytesIO()
    pq.write_table(rows, buffer)
    atomic_write_bytes(Path(output), buffer.getvalue())  # a FIFO or device is written into, never replaced
    return rows.num_rows
