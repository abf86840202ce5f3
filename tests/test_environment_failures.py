"""When the machine says no (issue 27): disk full, no permission, read-only data, special files, links out
of a round, two writers at once, signals. Real files, real mounts (tmpfs, read-only binds) where the machine
allows them and a clean skip with the reason where it does not, real processes for the writer lock.

Each failure must be one `error:` line naming the path and the cause, exit 2 (130/143 for signals), no
traceback, no 'internal error', and the data as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.data import main as data_main
from expo_data.errors import ExpoError
from expo_data.store.files import NAME_MAX, TEMP_FILE, temp_sibling
from expo_data.store.lock import round_writer
from expo_data.oserrors import as_os_error, describe

from conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "round_v2"
BIN = Path(sys.executable).parent
IS_ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")


def one_line_error(proc_or_result, code: int = 2) -> str:
    """The failure is one `error:` line and exit `code`; no traceback, no internal error. Returns the line."""
    stderr = proc_or_result.stderr
    rc = proc_or_result.returncode if hasattr(proc_or_result, "returncode") else proc_or_result.exit_code
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert rc == code, (rc, stderr[-2000:])
    assert len(lines) == 1, stderr[-2000:]
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-2000:]
    return lines[0]


def tree(path: Path) -> dict[str, str]:
    """Every file under `path` by its sha256 (links as their target): what 'nothing changed' compares."""
    out = {}
    for p in sorted(Path(path).rglob("*")):
        if p.name == ".expo-writer.lock":  # the writer lock's file, there while a writer holds it
            continue
        if p.is_symlink():
            out[str(p.relative_to(path))] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def shared(tmp_path_factory):
    """A dir every user may enter (pytest's tmp dirs are 0700 to root): for the runs as `nobody`."""
    base = Path(tempfile.mkdtemp(prefix="expo-env-"))
    base.chmod(0o755)
    yield base
    subprocess.run(["chmod", "-R", "u+rwX", str(base)], check=False)
    shutil.rmtree(base, ignore_errors=True)


def copy_round(parent: Path, name: str | bytes = "round") -> Path:
    target = Path(os.fsdecode(os.path.join(os.fsencode(parent), os.fsencode(name))))
    shutil.copytree(FIXTURE, target)
    subprocess.run(["chmod", "-R", "a+rX", str(target)], check=True)
    return target


def as_other_user(*argv) -> list[str]:
    """argv run as `nobody` when this is root (root reads anything: permissions would prove nothing)."""
    if not IS_ROOT:
        return [str(a) for a in argv]
    if SETPRIV is None:
        pytest.skip("running as root without setpriv: cannot test permissions as another user")
    return [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", *map(str, argv)]


def run_as_other(tool: str, *args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    home = tempfile.mkdtemp(prefix="expo-home-")
    os.chmod(home, 0o777)
    environment = {**os.environ, "HOME": home, "MPLCONFIGDIR": home, "EXPO_CACHE": os.path.join(home, "cache"),
                   **(env or {})}
    try:
        return subprocess.run(as_other_user(BIN / tool, *args), capture_output=True, text=True, timeout=timeout,
                              env=environment)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def mount(*args) -> str | None:
    """Run mount; None when it worked, else why not (for the skip reason)."""
    if not IS_ROOT or shutil.which("mount") is None:
        return "mounting needs root"
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    return None if proc.returncode == 0 else f"mount {' '.join(args)} refused: {proc.stderr.strip()}"


def fill(directory: Path) -> None:
    """Fill a filesystem until it has no byte left (ENOSPC)."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 16, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs (256 KiB): mounted, or the test skips saying why; unmounted afterwards."""
    made = []

    def make(size: str = "256k", extra: str = "") -> Path:
        target = tmp_path / f"tmpfs{len(made)}"
        target.mkdir()
        reason = mount("-t", "tmpfs", "-o", f"size={size}{',' + extra if extra else ''}", "tmpfs", str(target))
        if reason:
            pytest.skip(reason)
        made.append(target)
        return target

    yield make
    for target in reversed(made):
        subprocess.run(["umount", "-l", str(target)], check=False)


# -- the boundary itself: any errno, one line --------------------------------------------------------------

@given(code=st.sampled_from(sorted(errno.errorcode)),
       path=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
       | st.binary(min_size=1, max_size=40).map(os.fsdecode))
@settings(max_examples=200, deadline=None)
def test_any_errno_describes_as_one_line_naming_the_path(code, path):
    line = describe(OSError(code, os.strerror(code), path), doing="writing")
    assert line.encode("utf-8")  # printable: a non-UTF-8 name shows as escapes, never a surrogate error
    assert line.startswith(describe(OSError(code, "x")).split(";")[0])  # the cause first
    assert " writing " in line and line.endswith("; nothing half-written was kept")


@pytest.mark.parametrize("message, code", [
    ('IO Error: Could not write file "/x/y.tmp": No space left on device', errno.ENOSPC),
    ("[Errno 13] Failed to open local file '/x/s.arrow'. Detail: [errno 13] Permission denied", errno.EACCES),
    ('IO Error: Cannot open file "/ro/x": Read-only file system', errno.EROFS),
])
def test_library_reports_of_an_os_error_are_recognised(message, code):
    import duckdb

    recovered = as_os_error(duckdb.IOException(message))
    assert recovered is not None and recovered.errno == code


def test_a_plain_library_error_is_no_os_error():
    import duckdb

    assert as_os_error(duckdb.BinderException("Referenced column x not found")) is None


@pytest.fixture(scope="module")
def module_round(tmp_path_factory):
    return copy_round(tmp_path_factory.mktemp("rounds"))


@given(code=st.sampled_from(sorted(errno.errorcode)), where=st.sampled_from(["replace", "fsync"]),
       fmt=st.sampled_from(["csv", "json", "arrow", "table"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_errno_inside_sql_output_write_is_one_line_exit_2(module_round, tmp_path, monkeypatch, code, where, fmt):
    """Whatever errno the OS raises inside the write of `sql -o`: one line, exit 2, the old file intact."""
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"old")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args and not isinstance(args[0], int) else None)

    with monkeypatch.context() as patch:
        patch.setattr(os, where, refuse)
        result = CliRunner().invoke(data_main, ["sql", str(module_round), "SELECT 1 AS x", "--format", fmt, "-o", str(out)])
    line = one_line_error(result)
    assert str(out) in line or "out." in line
    assert out.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@given(code=st.sampled_from([errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EROFS, errno.EMFILE,
                             errno.EFBIG, errno.EPIPE, errno.ENAMETOOLONG, errno.ENOTDIR, errno.EPERM]))
@settings(max_examples=11, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_errno_inside_select_commit_is_one_line_and_keeps_the_selection(tmp_path_factory, monkeypatch, code):
    rd = copy_round(tmp_path_factory.mktemp("sel"))
    before = tree(rd / "selected")

    import pyarrow as pa

    def refuse(sink, *a, **k):  # the OS refusing the tables' temp files, as a full disk does
        raise OSError(code, os.strerror(code), str(sink))

    with monkeypatch.context() as patch:
        patch.setattr(pa.ipc, "new_file", refuse)
        result = CliRunner().invoke(data_main, ["select", str(rd)])
    one_line_error(result)
    assert tree(rd / "selected") == before


# -- a full filesystem (tmpfs) ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "json", "arrow", "table"])
def test_sql_output_onto_a_full_disk(tmpfs, tmp_path, fmt):
    rd = copy_round(tmp_path)
    full = tmpfs()
    (full / "keep.txt").write_text("old")
    fill(full)
    out = full / "keep.txt"
    line = one_line_error(run_cli("expo-data", "sql", rd, "SELECT * FROM samples", "--format", fmt, "-o", out))
    assert "no space left on device" in line and str(out) in line
    assert out.read_text() == "old" and not [p for p in full.iterdir() if ".tmp-" in p.name]


def test_sql_output_onto_a_disk_out_of_inodes(tmpfs, tmp_path):
    rd = copy_round(tmp_path)
    full = tmpfs("1m", "nr_inodes=4")
    made = 0
    try:
        while True:
            (full / f"f{made}").write_text("")
            made += 1
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    line = one_line_error(run_cli("expo-data", "sql", rd, "SELECT 1 AS x", "--format", "csv", "-o", full / "x.csv"))
    assert "no space left on device" in line


def test_sql_to_a_full_stdout(tmpfs, tmp_path):
    rd = copy_round(tmp_path)
    full = tmpfs()
    fill(full)
    with open(full / "filler", "ab") as sink:  # a file on the full disk as stdout
        proc = subprocess.run([BIN / "expo-data", "sql", rd, "SELECT * FROM samples"], stdout=sink,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert "standard output" in one_line_error(proc)


def test_select_on_a_full_disk_keeps_the_old_selection(tmpfs):
    disk = tmpfs("2m")
    rd = copy_round(disk)
    before = tree(rd)
    fill(disk)
    line = one_line_error(run_cli("expo-data", "select", rd, "-p", "include_attempts=true"))
    assert "no space left on device" in line
    (disk / "filler").unlink()
    assert tree(rd) == before


def test_report_png_onto_a_full_disk(tmpfs, tmp_path):
    rd = copy_round(tmp_path)
    full = tmpfs()
    fill(full)
    line = one_line_error(run_cli("expo-data", "report", rd, "--png", full / "report.png"))
    assert "no space left on device" in line and not (full / "report.png").exists()


# -- permissions (as another user) ------------------------------------------------------------------------

@pytest.mark.parametrize("victim", ["shards/shard-00000-of-00002.json", "shards/shard-00000-of-00002.arrow",
                                    "manifest.json"])
@pytest.mark.parametrize("command", ["sql", "report"])
def test_an_unreadable_round_file_is_unreadable_not_corrupt(shared, victim, command):
    rd = copy_round(shared)
    (rd / victim).chmod(0)
    before = tree(rd)
    args = ["sql", rd, "SELECT count(*) FROM samples"] if command == "sql" else ["report", rd, "--png", shared / "r.png"]
    shared.chmod(0o777)
    line = one_line_error(run_as_other("expo-data", *args))
    assert "permission denied" in line and victim.split("/")[-1] in line
    assert "corrupt;" not in line and "rerun" not in line and "not corrupt" in line
    assert tree(rd) == before


def test_output_into_a_dir_without_write_permission(shared):
    rd = copy_round(shared)
    locked = shared / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    line = one_line_error(run_as_other("expo-data", "sql", rd, "SELECT 1 AS x", "--format", "csv", "-o", locked / "x.csv"))
    assert "locked" in line and ("permission" in line or "not writable" in line)
    assert list(locked.iterdir()) == []


def test_select_on_a_round_without_write_permission(shared):
    rd = copy_round(shared)
    before = tree(rd)
    line = one_line_error(run_as_other("expo-data", "select", rd))
    assert "permission denied" in line and "selected" in line
    assert tree(rd) == before


# -- read-only data ---------------------------------------------------------------------------------------

@pytest.fixture
def read_only(tmp_path):
    """A bind mount of `source` remounted read-only; unmounted afterwards."""
    made = []

    def make(source: Path) -> Path:
        target = tmp_path / f"ro{len(made)}"
        target.mkdir()
        reason = mount("--bind", str(source), str(target))
        if reason:
            pytest.skip(reason)
        made.append(target)
        reason = mount("-o", "remount,ro,bind", str(target))
        if reason:
            pytest.skip(reason)
        return target

    yield make
    for target in reversed(made):
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_sql_and_report_read_a_read_only_round_with_a_read_only_cache(read_only, tmp_path):
    rd = read_only(copy_round(tmp_path / "data"))
    (tmp_path / "cache").mkdir()
    cache = read_only(tmp_path / "cache")
    env = {"EXPO_CACHE": str(cache / "expo")}
    proc = run_cli("expo-data", "sql", rd, "SELECT count(*) AS n FROM samples", "--format", "csv", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == "30"
    proc = run_cli("expo-data", "report", rd, "--png", tmp_path / "r.png", env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.png").stat().st_size > 0
    # without --png, the plot of a round this user cannot write goes to the current dir
    proc = subprocess.run([BIN / "expo-data", "report", rd], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.png").stat().st_size > 0 and not (rd / "report.png").exists()


@pytest.mark.parametrize("fmt", ["csv", "json", "arrow", "table"])
def test_sql_output_into_a_read_only_dir_names_the_output(read_only, tmp_path, fmt):
    """The temp file's removal on a read-only mount fails too (unlink says EROFS): the line names the output
    the user gave, not the temp name, for every format."""
    (tmp_path / "outs").mkdir()
    target = read_only(tmp_path / "outs")
    out = target / f"x.{fmt}"
    line = one_line_error(run_cli("expo-data", "sql", FIXTURE, "SELECT 1 AS x", "--format", fmt, "-o", out))
    assert f"read-only file system writing {out};" in line and ".tmp-" not in line


def test_select_on_a_read_only_round(read_only, tmp_path):
    rd = read_only(copy_round(tmp_path / "data"))
    before = tree(rd)
    line = one_line_error(run_cli("expo-data", "select", rd))
    assert "read-only file system" in line
    assert tree(rd) == before


# -- special files as inputs ------------------------------------------------------------------------------

def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("special", ["fifo", "zero"])
@pytest.mark.parametrize("victim", ["manifest.json", "shards/shard-00001-of-00002.json",
                                    "shards/shard-00000-of-00002.arrow"])  # a shard so was called corrupt
def test_a_round_file_that_is_a_special_file_is_refused(tmp_path, special, victim):
    rd = copy_round(tmp_path)
    (rd / victim).unlink()
    if special == "fifo":
        _fifo(rd / victim)
    else:
        (rd / victim).symlink_to("/dev/zero")
    line = one_line_error(run_cli("expo-data", "sql", rd, "SELECT 1", timeout=60))
    assert "not a regular file" in line and victim.split("/")[-1] in line


@pytest.mark.parametrize("special", ["fifo", "zero"])
def test_sql_file_and_config_that_are_special_files_are_refused(tmp_path, special):
    rd = copy_round(tmp_path)
    target = _fifo(tmp_path / "pipe") if special == "fifo" else Path("/dev/zero")
    link = tmp_path / "link.sql"
    link.symlink_to(target)
    line = one_line_error(run_cli("expo-data", "sql", rd, "-f", link, timeout=60))
    assert "SQL file" in line and "not a regular file" in line
    line = one_line_error(run_cli("expo-data", "generate", "--config", link, "--out", tmp_path / "g", "--dry-run",
                                  timeout=60))
    assert "run config" in line and "not a regular file" in line
    problems = tmp_path / "p.jsonl"
    problems.symlink_to(target)
    line = one_line_error(run_cli("expo-data", "generate", "--problems", problems, "--out", tmp_path / "g2", "--dry-run",
                                  timeout=60))
    assert "problems file" in line and "not a regular file" in line


def test_a_config_key_naming_another_config_is_refused(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('config = "other.toml"\n')
    line = one_line_error(run_cli("expo-data", "generate", "--config", config, "--out", tmp_path / "g", "--dry-run"))
    assert "'config'" in line and not (tmp_path / "g").exists()


# -- links out of the round -------------------------------------------------------------------------------

def test_select_never_writes_through_a_link_out_of_the_round(tmp_path):
    first, other = copy_round(tmp_path, "first"), copy_round(tmp_path, "other")
    shutil.rmtree(first / "selected")
    (first / "selected").symlink_to(other / "selected")
    before = tree(other), tree(first)
    line = one_line_error(run_cli("expo-data", "select", first))
    assert "link" in line and "selected" in line
    assert (tree(other), tree(first)) == before


# -- names: long, not UTF-8 -------------------------------------------------------------------------------

@given(name=st.binary(min_size=1, max_size=NAME_MAX).filter(lambda b: b"/" not in b and b"\0" not in b
                                                            and b not in (b".", b"..")).map(os.fsdecode))
@settings(max_examples=300)
def test_temp_names_fit_any_legal_file_name(name):
    tmp = temp_sibling(Path("/d") / name)
    assert len(os.fsencode(tmp.name)) <= NAME_MAX
    assert TEMP_FILE.fullmatch(tmp.name) and tmp.parent == Path("/d")


def test_temp_names_of_two_long_names_differ():
    a, b = "x" * 250, "x" * 249 + "y"
    assert temp_sibling(Path(a)).name != temp_sibling(Path(b)).name


def test_sql_output_with_a_250_byte_name(tmp_path):
    rd = copy_round(tmp_path)
    for fmt in ("csv", "table"):
        out = tmp_path / (("é" * 124) + f".{fmt}")[:125]
        assert len(os.fsencode(out.name)) >= 249
        proc = run_cli("expo-data", "sql", rd, "SELECT 1 AS x", "--format", fmt, "-o", out)
        assert proc.returncode == 0, proc.stderr
        assert out.exists()


def test_a_round_dir_whose_name_is_not_utf8_works_or_is_one_line(tmp_path):
    rd = copy_round(tmp_path, b"round-\xff\xfe")
    for args in (["sql", rd, "SELECT count(*) AS n FROM samples", "--format", "csv"], ["select", rd]):
        proc = subprocess.run([os.fsencode(BIN / "expo-data"), *[os.fsencode(str(a)) for a in args]],
                              capture_output=True, timeout=120)
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            one_line_error(subprocess.CompletedProcess(args, proc.returncode, "", stderr))
        assert "Traceback" not in stderr and "internal error" not in stderr and "bad_cast" not in stderr


# -- a bad JSONL line's number ----------------------------------------------------------------------------

@pytest.mark.parametrize("bad, why", [('{"question": "x", "answer": \n', "not JSON"),
                                      ('{"question": "x", "answer": 5}\n', "'answer' is a number"),
                                      ('[1, 2]\n', "not an object")])
def test_a_bad_jsonl_line_is_named_by_its_own_line_number(tmp_path, bad, why):
    from expo_data.generate.problems import FieldMap, load_problem_file

    path = tmp_path / "p.jsonl"
    with open(path, "w") as f:
        for i in range(1, 40_001):
            f.write(bad if i == 30_001 else json.dumps({"question": f"q{i} " + "y" * 40, "answer": str(i)}) + "\n")
    with pytest.raises(ExpoError) as caught:
        load_problem_file(path, FieldMap())
    assert "line 30001" in str(caught.value) and why in str(caught.value)


# -- writers of one round serialise -----------------------------------------------------------------------

def _expected_tables(tmp_path: Path) -> dict[bool, str]:
    """positives.arrow's sha256 for each value of include_attempts, each selected alone."""
    out = {}
    for value in (False, True):
        rd = copy_round(tmp_path, f"alone-{value}")
        run_cli("expo-data", "select", rd, "-p", f"include_attempts={str(value).lower()}", check=True)
        out[value] = hashlib.sha256((rd / "selected" / "positives.arrow").read_bytes()).hexdigest()
    assert out[False] != out[True]
    return out


def _race(rd: Path, tries: int, expected: dict[bool, str]) -> None:
    for _ in range(tries):
        procs = [subprocess.Popen([BIN / "expo-data", "select", rd, "-p", f"include_attempts={value}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for value in ("false", "true")]
        results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
        assert all(rc == 0 for rc, _ in results), results
        record = json.loads((rd / "selected" / "selection.json").read_text())
        value = record["parameters"]["positives"]["include_attempts"]
        table = hashlib.sha256((rd / "selected" / "positives.arrow").read_bytes()).hexdigest()
        assert table == expected[value], "the tables came from one select and selection.json from the other"
        assert not (rd / ".expo-writer.lock").exists()


def test_two_selects_on_one_round_leave_one_whole_selection(tmp_path):
    """One race in the fast tier (each try is two select processes); the slow tier tries 30 times."""
    expected = _expected_tables(tmp_path)
    _race(copy_round(tmp_path, "raced"), 1, expected)


@pytest.mark.slow
def test_two_selects_on_one_round_many_tries(tmp_path):
    expected = _expected_tables(tmp_path)
    _race(copy_round(tmp_path, "raced"), 30, expected)


def test_a_second_writer_waits_saying_for_whom_or_refuses_with_no_wait(tmp_path):
    rd = copy_round(tmp_path)
    before = tree(rd)
    with round_writer(rd, "test holder"):
        line = one_line_error(run_cli("expo-data", "select", rd, "--no-wait"), code=75)  # EX_TEMPFAIL: try later
        assert f"pid {os.getpid()}" in line and "test holder" in line and "--no-wait" in line
        assert tree(rd) == before
        waiter = subprocess.Popen([BIN / "expo-data", "select", rd], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        first = waiter.stderr.readline()
        assert "waiting for" in first and f"pid {os.getpid()}" in first
        time.sleep(0.5)
        assert waiter.poll() is None  # still waiting while the lock is held
    assert waiter.wait(timeout=300) == 0
    # readers never wait: a query while a writer holds the lock
    with round_writer(rd, "test holder"):
        proc = run_cli("expo-data", "sql", rd, "SELECT count(*) FROM samples", timeout=60)
        assert proc.returncode == 0, proc.stderr


# -- signals, stdout, timeouts ----------------------------------------------------------------------------

def test_sql_timeout_stops_the_query_in_one_line(tmp_path):
    rd = copy_round(tmp_path)
    out = tmp_path / "x.csv"
    started = time.perf_counter()
    line = one_line_error(run_cli("expo-data", "sql", rd, "SELECT count(*) FROM range(1000000000000)", "--timeout", "0.5",
                                  "-o", out, "--format", "csv", timeout=120))
    assert "--timeout" in line and time.perf_counter() - started < 60 and not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    line = one_line_error(run_cli("expo-data", "sql", rd, "SELECT 1", "--timeout", "0"), code=2)
    assert "--timeout" in line


@pytest.mark.parametrize("query", ["SELECT * FROM range(100000000000)",  # streamed: batches reach Python
                                   "SELECT sum(hash(i)) FROM range(100000000000) t(i)"])  # DuckDB busy in C
def test_sigterm_leaves_no_temp_file_beside_the_output(tmp_path, query):
    rd = copy_round(tmp_path)
    out = tmp_path / "x.csv"
    proc = subprocess.Popen([BIN / "expo-data", "sql", rd, query, "--format", "csv", "-o", out],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # DuckDB's spill dir (made in the round just before the query starts) or the streamed output's temp file:
    # a second later the aggregate is deep in DuckDB (C) when the signal comes.
    deadline = time.time() + 30
    while not [p for p in [*tmp_path.iterdir(), *rd.iterdir()] if ".tmp-" in p.name or ".expo-spill-" in p.name]:
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()
        time.sleep(0.05)
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143, proc.stderr.read()
    assert "terminated" in proc.stderr.read()
    assert not out.exists() and not [p for p in [*tmp_path.iterdir(), *rd.iterdir()]
                                     if ".tmp-" in p.name or ".expo-spill-" in p.name]


def test_sigint_just_after_select_is_the_interrupt_exit(tmp_path):
    rd = copy_round(tmp_path)
    for _ in range(3):
        proc = subprocess.Popen([BIN / "expo-data", "select", rd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        for line in proc.stderr:
            if line.startswith("selected "):
                proc.send_signal(signal.SIGINT)
                break
        rc = proc.wait(timeout=120)
        assert rc in (130, 0) and rc != -signal.SIGINT, rc  # never killed by the signal
        assert json.loads((rd / "selected" / "selection.json").read_text())["rows"]


def test_sql_with_stdout_closed_is_one_line(tmp_path):
    rd = copy_round(tmp_path)
    proc = subprocess.run(["bash", "-c", f'"$0" sql "$1" "SELECT 1 AS x" >&-', BIN / "expo-data", rd],
                          capture_output=True, text=True, timeout=120)
    assert "standard output is closed" in one_line_error(proc)


def test_sql_into_a_pipe_whose_reader_left_ends_quietly(tmp_path):
    rd = copy_round(tmp_path)
    proc = subprocess.Popen([BIN / "expo-data", "sql", rd, "SELECT * FROM range(3000000)", "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    rc = proc.wait(timeout=120)
    stderr = proc.stderr.read().decode()
    assert rc != 0 and "Traceback" not in stderr and "internal error" not in stderr and "Exception ignored" not in stderr


def _try_lock(rd: Path, shared: bool) -> subprocess.CompletedProcess:
    code = ("import sys; from expo_data.store.lock import round_writer\n"
            f"with round_writer({str(rd)!r}, 'probe', shared={shared}, wait=False):\n    print('held')\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_generate_slices_share_the_lock_and_exclude_select(tmp_path):
    """generate's --worker slices hold the lock shared: side by side with each other, never with a select."""
    rd = copy_round(tmp_path)
    with round_writer(rd, "expo-data generate", shared=True):
        assert _try_lock(rd, shared=True).stdout == "held\n"  # another slice
        refused = _try_lock(rd, shared=False)  # a select
        assert refused.returncode != 0 and "refused (--no-wait)" in refused.stderr
    assert not (rd / ".expo-writer.lock").exists()  # the last holder removes it
    with round_writer(rd, "expo-data select"):
        with round_writer(rd, "expo-train (default selection)"):  # the same process nests (the loop's stages)
            assert _try_lock(rd, shared=True).returncode != 0


def _memory_round(prefix: str) -> str:
    """The fixture round on fsspec's in-memory filesystem: an object store without a lock."""
    import fsspec

    fs = fsspec.filesystem("memory")
    for p in FIXTURE.rglob("*"):
        if p.is_file() and "selected" not in p.parts:
            fs.pipe(f"/{prefix}/{p.relative_to(FIXTURE)}", p.read_bytes())
    return f"memory://{prefix}"


def test_object_store_select_checks_its_record_after_the_write(monkeypatch):
    """No lock on an object store: select reads selection.json back, and another writer's record is one line."""
    from expo_data.store.schema import RoundDir
    from expo_data.select import select

    uri = _memory_round("unlocked")
    assert select(uri, log=lambda m: None)["rows"]["positives"] == 1  # its own record read back: no false alarm
    real = RoundDir.read_bytes

    def others(self, name):
        data = real(self, name)
        if name.endswith("selection.json"):  # another select's record landed after ours
            record = json.loads(data)
            record["parameters"]["positives"]["include_attempts"] = True
            data = json.dumps(record).encode()
        return data

    monkeypatch.setattr(RoundDir, "read_bytes", others)
    with pytest.raises(ExpoError, match="another select wrote"):
        select(uri, log=lambda m: None)


@pytest.mark.slow
def test_trainer_adapter_save_onto_a_full_disk(tiny_round, tmpfs, tmp_path):
    """Training runs, then the adapter cannot be saved: one line, exit 2, no half-written adapter left (the
    run's own records dir beside it, OUT.run, may hold what it logged before the disk filled)."""
    data = tmp_path / "round0"
    shutil.copytree(tiny_round, data)
    full = tmpfs("64k")
    fill(full)
    proc = run_cli("expo-train", "round", "--data", data, "--out", full / "adapter", "--max-steps", 1, "--batch-size", 4,
                   "--no-progress", "--lora-r", 8)
    line = one_line_error(proc)
    assert "no space left on device" in line
    assert not [p for p in full.iterdir() if p.name not in ("filler", "adapter.run")]
    assert not (full / "adapter").exists() and not [p for p in full.rglob("*") if ".tmp-" in p.name]
