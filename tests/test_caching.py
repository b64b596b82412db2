"""What is kept between runs (the reference document) only saves time: a kept
entry is used while the code and libraries are the same, and a damaged,
replaced or unwritable cache gives the same bytes as no cache at all."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE, SAMPLE_NAME, run

from reportgen import caching, layout, pipeline
from reportgen.typesetting import reference


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "reportgen"


def _counting():
    calls = []

    def build(argument):
        calls.append(argument)
        return f"built from {argument}".encode()

    return calls, caching.on_disk("test")(build)


def test_a_kept_result_is_used_while_the_code_is_the_same(cache_home, monkeypatch):
    calls, cached = _counting()
    assert cached("a") == cached("a") == b"built from a"
    assert calls == ["a"]
    assert cached("b") == b"built from b" and calls == ["a", "b"]
    monkeypatch.setattr(caching, "code_digest", lambda: b"an update of the program")
    assert cached("a") == b"built from a" and calls == ["a", "b", "a"]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "directory", "fifo"])
def test_a_damaged_entry_is_built_again(cache_home, damage):
    calls, cached = _counting()
    cached("a")
    (entry,) = (cache_home / "test").iterdir()
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-3])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(64))
    else:
        entry.unlink()
        entry.mkdir() if damage == "directory" else os.mkfifo(entry)
    assert cached("a") == b"built from a"
    assert calls == ["a", "a"]


def test_no_cache_folder_means_no_cache_not_a_failure(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    calls, cached = _counting()
    assert cached("a") == cached("a") == b"built from a"
    assert calls == ["a", "a"]


def _parts(package: bytes) -> dict[str, bytes]:
    """A package's parts (python-docx stamps its zip entries with the time of saving)."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_kept_reference_document_is_the_one_built(cache_home):
    build = reference.reference_document.__wrapped__  # past the per-process cache
    page = layout.Layout()
    kept = build(page)  # built and kept
    assert len(list((cache_home / "reference").iterdir())) == 1
    assert build(page) == kept  # read back
    assert _parts(kept) == _parts(build.__wrapped__(page))
    assert "word/styles.xml" in _parts(kept)


def test_old_entries_are_removed(cache_home, monkeypatch):
    monkeypatch.setattr(caching, "MAX_ENTRIES", 3)
    calls, cached = _counting()
    for step, argument in enumerate("abcde"):
        cached(argument)
        for entry in (cache_home / "test").iterdir():  # distinct times, however coarse the file system's clock
            if entry.stat().st_mtime > 10**9:
                os.utime(entry, (step, step))
    assert len(list((cache_home / "test").iterdir())) == 3
    cached("c"), cached("e")
    assert calls == list("abcde")
    cached("a")
    assert calls == [*"abcde", "a"]


def _fresh() -> None:
    """Forget what this process holds (compiled templates, the reference document), so the next run asks the disk."""
    pipeline.forget_templates()
    reference.reference_document.cache_clear()


def _no_space(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_disk(cache_home, monkeypatch) -> None:
    """Nothing is kept yet, and every write into the cache folder fails as on a full
    disk (the reports' own writes do not)."""
    import shutil
    import tempfile

    import jinja2

    shutil.rmtree(cache_home)

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and str(cache_home) in str(dir):
            _no_space()
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(jinja2.bccache.Bucket, "write_bytecode", _no_space)


def _blocked(cache_home, monkeypatch) -> None:
    """A file where the cache folder would be: nothing can be made in it."""
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home.parent / "a file"))
    (cache_home.parent / "a file").write_text("")


def _damaged(replace):
    def damage(cache_home, monkeypatch) -> None:
        entries = [p for p in cache_home.rglob("*") if p.is_file() or p.is_fifo()]
        assert any(p.suffix == ".bin" for p in entries) and any(p.suffix == ".cache" for p in entries)
        for entry in entries:
            replace(entry)

    return damage


def _garbage(entry: Path) -> None:
    entry.write_bytes(os.urandom(64))


def _truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: max(len(entry.read_bytes()) // 2, 1)])


def _fifo(entry: Path) -> None:
    entry.unlink()
    os.mkfifo(entry)


def _unreadable(cache_home, monkeypatch) -> None:
    """Entries there but not to be read, as chmod 0 would make them (root, who runs CI, reads through it)."""
    import errno

    from reportgen import files

    real_read = files.read_bytes

    def read_bytes(path, *args, **kwargs):
        if str(cache_home) in str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_bytes", read_bytes)


#: How the program's own cache fails, and the one 提示 each gives.
_FAILURES = {
    "full disk": (_full_disk, "无法写入缓存目录"),
    "no folder to be had": (_blocked, "无法写入缓存目录"),
    "garbage entries": (_damaged(_garbage), "中有文件已损坏或无法读取"),
    "truncated entries": (_damaged(_truncated), "中有文件已损坏或无法读取"),
    "FIFOs for entries": (_damaged(_fifo), "中有文件已损坏或无法读取"),
    "unreadable entries": (_unreadable, "中有文件已损坏或无法读取"),
}


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory) -> bytes:
    """The sample as built with a cache that works: what every failure must still give, byte for byte."""
    home = tmp_path_factory.mktemp("clean")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("LOCALAPPDATA", raising=False)
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        _fresh()
        assert run("build", SAMPLE, "--out-dir", home / "out").exit_code == 0
    _fresh()
    return (home / "out" / f"{SAMPLE_NAME}.docx").read_bytes()


@pytest.mark.parametrize("failure", list(_FAILURES))
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_failing_cache_is_one_note_under_v_and_changes_nothing(
    clean_build, cache_home, tmp_path, monkeypatch, command, failure
):
    fail, said = _FAILURES[failure]
    _fresh()
    assert run("build", SAMPLE, "--out-dir", tmp_path / "filled").exit_code == 0  # a cache to damage
    out = tmp_path / "out"
    for verbose in (False, True):
        with monkeypatch.context() as patch:
            fail(cache_home, patch)
            _fresh()
            options = ("-v",) if verbose else ()
            result = run(command, *options, SAMPLE, *(("--out-dir", out, "--force") if command == "build" else ()))
        _fresh()
        assert result.exit_code == 0, result.output
        notes = [line for line in result.output.splitlines() if line.startswith("提示：")]
        if verbose:
            assert len(notes) == 1 and said in notes[0] and "生成的文件不受影响" in notes[0], result.output
        else:
            assert "提示" not in result.output and "缓存" not in result.output, result.output
        if command == "build":
            assert (out / f"{SAMPLE_NAME}.docx").read_bytes() == clean_build


def test_a_working_cache_says_nothing(clean_build, cache_home, tmp_path):
    _fresh()
    for _ in range(2):  # filled, then read
        result = run("build", "-v", SAMPLE, "--out-dir", tmp_path / "out", "--force")
        _fresh()
        assert result.exit_code == 0 and "缓存" not in result.output, result.output
    assert (tmp_path / "out" / f"{SAMPLE_NAME}.docx").read_bytes() == clean_build


def test_several_files_on_a_failing_cache_give_one_note(cache_home, tmp_path, monkeypatch):
    """Each worker meets the same blocked folder: the run says so once, after the last file."""
    for name in ("甲.yaml", "乙.yaml"):
        (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    _blocked(cache_home, monkeypatch)
    _fresh()
    result = run("check", "-v", tmp_path / "甲.yaml", tmp_path / "乙.yaml")
    _fresh()
    assert result.exit_code == 0, result.output
    assert result.output.count("无法写入缓存目录") == 1, result.output
