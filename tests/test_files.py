"""files.atomic_dir: a directory is swapped in whole or not at all."""

from __future__ import annotations

import os

import pytest

from expo_data.store.files import atomic_dir


def adapter_dir(tmp_path, existing: bool):
    """tmp_path/adapter, absent or holding an old file."""
    target = tmp_path / "adapter"
    if existing:
        target.mkdir()
        (target / "old.bin").write_text("old")
    return target


def listing(path):
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*"))


@pytest.mark.parametrize("existing", [False, True])
def test_a_finished_dir_replaces_the_old_one_and_leaves_nothing_else(tmp_path, existing):
    target = adapter_dir(tmp_path, existing)
    with atomic_dir(target) as building:
        assert building.parent == tmp_path and building != target
        (building / "new.bin").write_text("new")
        (building / "sub").mkdir()
        (building / "sub" / "x").write_text("x")
    assert listing(target) == ["new.bin", "sub", "sub/x"]
    assert listing(tmp_path) == ["adapter", "adapter/new.bin", "adapter/sub", "adapter/sub/x"]


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_build_leaves_the_target_as_it_was(tmp_path, existing):
    target = adapter_dir(tmp_path, existing)
    before = listing(tmp_path)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with atomic_dir(target) as building:
            (building / "half.bin").write_text("half")
            raise Boom
    assert listing(tmp_path) == before


def test_held_signals_act_at_the_end_of_the_block_under_the_handler_they_found(default_sigint):
    """A signal held through a commit is acted on when the block ends, by the handler that was there before:
    Ctrl-C raises right there (not at a later bytecode check, which a __del__ could swallow), an ignored one
    stays ignored, a Python handler is called once however often the signal came."""
    import signal

    from expo_data.store.files import HeldSignals

    reached = []
    with pytest.raises(KeyboardInterrupt):
        with HeldSignals() as held:
            held.start()
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            reached.append("end of block")
        reached.append("after the block")
    assert reached == ["end of block"] and signal.getsignal(signal.SIGINT) is signal.default_int_handler

    calls = []
    saved = signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(signum))
    try:
        with HeldSignals() as held:
            held.start()
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)
            assert calls == []
        assert calls == [signal.SIGTERM]
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with HeldSignals() as held:
            held.start()
            os.kill(os.getpid(), signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, saved)
