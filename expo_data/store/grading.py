"""Which verifier graded a round, and whether a selection was made under that grading.

The manifest's `grading` ({"verifier", "version"}) names what graded the round's rows (generate writes it;
`expo-data regrade` replaces it when done, and marks the round `regrading` while its shards are a mix). A
selection records the grading it was made under; a selection made under another one is stale: `select`
replaces it, and `expo-train round` refuses it. A round or selection from before gradings were recorded has
none: it is current until the round is regraded.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import ExpoError
from .schema import LAYOUT, read_manifest, read_selection_record


def describe(grading: Any) -> str:
    if not isinstance(grading, dict):
        return "an unrecorded grading (made before `expo-data regrade` existed)"
    return f"{grading.get('verifier')} ({grading.get('version')})"


def check_not_regrading(rd, manifest: dict[str, Any] | None = None) -> None:
    """A round whose regrade is under way or was cut off holds shards of two gradings: refused, one line."""
    manifest = read_manifest(rd) if manifest is None else manifest
    pending = (manifest or {}).get("regrading")
    if pending:
        raise ExpoError(f"{rd.uri()} is being regraded with {describe(pending)}, or its regrade was cut off: its "
                        f"shards mix two gradings; rerun `expo-data regrade {rd.uri()} --verifier "
                        f"{pending.get('verifier')}` to finish it")


def stale_reason(record: dict[str, Any], manifest: dict[str, Any] | None) -> str | None:
    """Why a selection record is stale by grading, or None (a round never regraded records none: current)."""
    now = (manifest or {}).get("grading")
    if now is None or record.get("grading") == now:
        return None
    return f"it was made under {describe(record.get('grading'))}, and the round is now graded by {describe(now)}"


def check_selection(rd, record: dict[str, Any]) -> None:
    """`expo-train round`: a selection made under another grading than the round's is refused until redone."""
    manifest = read_manifest(rd)
    check_not_regrading(rd, manifest)
    reason = stale_reason(record, manifest)
    if reason:
        raise ExpoError(f"the selection in {rd.uri('selected')} is stale: {reason}; rerun `expo-data select {rd.uri()}`")


def drop_stale_selection(rd, manifest: dict[str, Any], log: Callable[[str], None]) -> None:
    """`select`, before it works: a regrade under way is refused; a stale selection's record is removed first,
    so that if this selection comes out empty the stale one is not left for a trainer to use."""
    check_not_regrading(rd, manifest)
    try:
        record = read_selection_record(rd)
    except ExpoError:
        record = None  # not a finished selection, so no grading to be stale under; this select replaces it
    reason = stale_reason(record, manifest) if record is not None else None
    if reason:
        log(f"the selection in {rd.uri('selected')} is stale ({reason}); replacing it")
        rd.delete(LAYOUT["selection_record"])
