"""selected/selection.json has one reader (schema.read_selection_record) with one policy, used by the
trainer, the loop, the objectives and the view: no record is None (a selection is then made or shown with
the defaults); a file that is not a selection record is one error naming it and the fix, for every reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from expo_data.errors import ExpoError
from expo_data.store.schema import RoundDir, read_selection_record
from expo_data.view.page import Selection
from expo_train.loop import selection_is_current
from expo_train.objectives import _check_shards_unchanged
from expo_train.trainer import ensure_selection

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
READERS = {
    "trainer": lambda rd: ensure_selection(rd.location, log=lambda m: None),
    "loop": lambda rd: selection_is_current(Path(rd.location)),
    "objectives": _check_shards_unchanged,
    "view": lambda rd: Selection(rd.location, log=lambda m: None),
}


@pytest.fixture
def round_copy(tmp_path):
    out = tmp_path / "round"
    shutil.copytree(FIXTURE, out)
    return out


def test_a_record_reads(round_copy):
    from expo_data.select import select

    assert read_selection_record(round_copy)["rows"]["positives"] > 0  # the committed one, of an older version
    select(round_copy, {"per_problem": 2}, log=lambda m: None)
    record = read_selection_record(round_copy)
    assert record["source_shards"] == RoundDir(round_copy).sidecar_hashes() and selection_is_current(round_copy)
    selection = Selection(round_copy, log=lambda m: None)
    assert selection.source.endswith("selection.json") and selection.params["per_problem"] == 2


def test_no_record_is_none(round_copy):
    (round_copy / "selected" / "selection.json").unlink()
    assert read_selection_record(round_copy) is None
    assert not selection_is_current(round_copy)
    _check_shards_unchanged(RoundDir(round_copy))  # nothing to check against
    assert Selection(round_copy, log=lambda m: None).source.startswith("not selected yet")


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b'{"parameters": 3}',
                                     b'{"source_shards": []}', b'{"parameters": {"positives": 1}}', b"[" * 5000])
@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_a_corrupt_record_alike(round_copy, content, reader):
    (round_copy / "selected" / "selection.json").write_bytes(content)
    with pytest.raises(ExpoError, match=r"selection.json is corrupt or partial .*rerun `expo-data select"):
        READERS[reader](RoundDir(round_copy))
