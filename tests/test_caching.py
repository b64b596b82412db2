"""What is kept between runs (the reference document) only saves time: a kept
entry is used while the code and libraries are the same, and a damaged,
replaced or unwritable cache gives the same bytes as no cache at all."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from reportgen import caching, layout
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
