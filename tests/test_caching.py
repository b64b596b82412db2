"""What is kept between runs (the reference document) only saves time: a kept
entry is used while the code and libraries are the same, and a damaged,
replaced or unwritable cache gives the same bytes as no cache at all."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from conftest import SAMPLE, SAMPLE_NAME, paragraphs, run

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


@pytest.fixture
def full_disk(cache_home, monkeypatch):
    """Every write into the cache folder fails as on a full disk (the reports' own writes do not)."""
    import errno
    import tempfile

    import jinja2

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and str(cache_home) in str(dir):
            no_space()
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(jinja2.bccache.Bucket, "write_bytecode", no_space)
    pipeline.forget_templates()  # a Jinja environment made before would keep its cache
    reference.reference_document.cache_clear()
    yield
    pipeline.forget_templates()


@pytest.mark.parametrize("verbose", [False, True])
def test_a_full_disk_leaves_check_and_build_working(full_disk, cache_home, tmp_path, verbose):
    options = ("-v",) if verbose else ()
    checked = run("check", *options, SAMPLE)
    built = run("build", *options, SAMPLE, "--out-dir", tmp_path / "out")
    assert checked.exit_code == 0 and built.exit_code == 0, checked.output + built.output
    assert (tmp_path / "out" / f"{SAMPLE_NAME}.docx").stat().st_size > 0
    assert not list(cache_home.rglob("*.bin"))  # nothing was kept
    said = "提示：无法写入模板缓存" in checked.output + built.output
    assert said == verbose, checked.output + built.output


def test_an_unreadable_cache_folder_leaves_check_and_build_working(cache_home, tmp_path, monkeypatch):
    import errno

    from reportgen import files

    pipeline.forget_templates()
    reference.reference_document.cache_clear()
    assert run("build", SAMPLE, "--out-dir", tmp_path / "first").exit_code == 0  # fills the cache
    assert list(cache_home.rglob("*.bin")) and list((cache_home / "templates").iterdir())
    real_read = files.read_bytes

    def read_bytes(path, *args, **kwargs):
        # As chmod 0 would (root, who runs the tests in CI, reads through it).
        if str(cache_home) in str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_bytes", read_bytes)
    pipeline.forget_templates()
    reference.reference_document.cache_clear()
    try:
        checked = run("check", SAMPLE)
        built = run("build", SAMPLE, "--out-dir", tmp_path / "out")
    finally:
        pipeline.forget_templates()
    assert checked.exit_code == 0 and built.exit_code == 0, checked.output + built.output
    assert "提示" not in checked.output + built.output  # said only under -v
    assert paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx") == paragraphs(
        tmp_path / "first" / f"{SAMPLE_NAME}.docx"
    )
