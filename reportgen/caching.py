"""What is kept between runs, best-effort: the digest of the program's own files,
and results built from them alone (the reference document) in the user's cache folder.

A cache only saves time: a folder that cannot be made, a file that cannot be
read or written, or one that was damaged or replaced (a FIFO, a truncated copy)
means the result is built again, never a different output; why is kept for one
提示 under ``-v`` (:func:`problems`).  Entries are keyed by everything they are
made of, so an update of the program (an editable install keeps its version
number) never finds an old entry.  Jinja's compiled templates are kept in the
same folder (:func:`folder`), and their failures said the same way.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import types
from collections.abc import Callable
from pathlib import Path

from . import files
from .diagnostics import InvalidInput

#: A cached result is tens of KB; anything far larger in its place is not ours.
MAX_ENTRY_BYTES = 4 * 1024 * 1024
_DIGEST_BYTES = hashlib.sha256().digest_size
#: Entries kept of one kind (one per layout and program version in use); older ones are removed.
MAX_ENTRIES = 32


#: Why the cache was not used since last asked, each said once.
_PROBLEMS: dict[str, None] = {}


def root() -> Path:
    """The user's cache folder for reportgen (Windows' LOCALAPPDATA, else XDG's)."""
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reportgen"


def folder(kind: str) -> Path | None:
    """The folder of one kind of entry, made if need be; None, and why said, when
    there is none to be had (a file in its place, a read-only or full disk)."""
    directory = root() / kind
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        unwritable(exc)
        return None
    if not os.access(directory, os.W_OK):
        unwritable(PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
        return None
    return directory


def unwritable(exc: OSError) -> None:
    """An entry could not be kept: said by the cache's folder, so that one cause is one 提示."""
    _PROBLEMS[f"无法写入缓存目录 {root()}（{files.os_problem(exc)}），本次不使用缓存；生成的文件不受影响"] = None


def unreadable() -> None:
    """An entry was there but could not be read, or was damaged: built again instead."""
    _PROBLEMS[f"缓存目录 {root()} 中有文件已损坏或无法读取，已重新生成；生成的文件不受影响"] = None


def problems() -> list[str]:
    """Why the cache was not used, since last asked: for a 提示 under -v."""
    said = list(_PROBLEMS)
    _PROBLEMS.clear()
    return said


@functools.cache
def folder_digest(label: str, directory: Path, suffixes: tuple[str, ...], confined: bool = False) -> bytes:
    """A digest of every file with one of ``suffixes`` under ``directory``, by name
    relative to it (the same wherever the folder is installed) and content; once
    per process.  ``confined``: a link out of the folder is not followed (a user's
    folder; the program's own, as installed, need not pay for the check)."""
    digest = hashlib.sha256()
    for file in sorted(directory.rglob("*")):
        if file.suffix not in suffixes or not files.is_file(file):
            continue
        try:
            content = files.read_bytes(file, inside=directory if confined else None)
        except InvalidInput:
            content = b"\0unreadable"  # whoever reads it for real says why
        name = f"{label}/{file.relative_to(directory).as_posix()}"
        digest.update(os.fsencode(name) + b"\0" + hashlib.sha256(content).digest())
    return digest.digest()


def code_digest() -> bytes:
    """The program's own code, every module's bytes."""
    return folder_digest("code", Path(__file__).parent, (".py",))


def on_disk(kind: str, *libraries: types.ModuleType):
    """Keep what a function of one argument returns (bytes) between runs, keyed
    by the argument's repr, the program's code and the versions of ``libraries``."""

    def wrap(build: Callable[[object], bytes]) -> Callable[[object], bytes]:
        @functools.wraps(build)
        def cached(argument: object) -> bytes:
            versions = " ".join(f"{library.__name__} {library.__version__}" for library in libraries)
            key = f"{argument!r}\n{code_digest().hex()}\n{versions}"
            return kept(kind, key, lambda: build(argument))

        return cached

    return wrap


def kept(kind: str, key: str, build: Callable[[], bytes]) -> bytes:
    """``build()``, or what it returned for the same ``key`` before (kept under ``kind``)."""
    name = f"{hashlib.sha256(key.encode()).hexdigest()}.bin"
    found = _read(root() / kind / name)
    if found is not None:
        return found
    data = build()
    directory = folder(kind)
    if directory is not None:
        _write(directory / name, data)
    return data


def _read(path: Path) -> bytes | None:
    if not os.path.lexists(path):
        return None  # not kept yet
    try:
        stored = files.read_bytes(path, MAX_ENTRY_BYTES)
    except (InvalidInput, OSError):
        unreadable()
        return None
    digest, data = stored[:_DIGEST_BYTES], stored[_DIGEST_BYTES:]
    if hashlib.sha256(data).digest() != digest:
        unreadable()
        return None
    return data


def _write(path: Path, data: bytes) -> None:
    """Under a temporary name, then renamed: a run reading meanwhile finds the whole entry or none."""
    import tempfile  # not on the path of a run that only reads

    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(hashlib.sha256(data).digest() + data)
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError as exc:
        unwritable(exc)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.bin"), key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink()
