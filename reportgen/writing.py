"""Stage 8: put the finished .docx on disk, reproducibly and atomically.

Reproducible: python-docx stamps every zip entry with the current time; the
entries are rewritten in the same order with a fixed time and mode, so the same
input gives the same bytes.

Atomic: the file is written beside its destination under a temporary name and
renamed over it, so a reader (or a crash, Ctrl-C or kill at any moment) sees
either the previous file or the new one, never part of one.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from . import files
from .diagnostics import InvalidInput, OutputError, error

if TYPE_CHECKING:
    from docx.document import Document

    from .loading import Source

#: The earliest time a zip entry can carry.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_WINDOWS_FORBIDDEN = '<>:"/\\|?*'
#: Device names Windows reserves, with any extension: “CON.docx” opens the console, not a file.
_WINDOWS_DEVICES = re.compile(r"(?i)(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\..*)?")


def docx_bytes(document: Document) -> bytes:
    """The package as python-docx saves it (the same parts in the same order),
    written once with fixed entry times and modes rather than saved and rewritten."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        entries = _FixedEntries(target)
        PackageWriter._write_content_types_stream(entries, parts)
        PackageWriter._write_pkg_rels(entries, package.rels)
        PackageWriter._write_parts(entries, parts)
    return out.getvalue()


class _FixedEntries:
    """What python-docx's package writer writes to: each part an entry of fixed time and mode."""

    def __init__(self, target: zipfile.ZipFile):
        self.target = target

    def write(self, pack_uri, blob: bytes) -> None:
        _write_entry(self.target, pack_uri.membername, blob)


def _write_entry(target: zipfile.ZipFile, name: str, content: bytes) -> None:
    fixed = zipfile.ZipInfo(name, ZIP_TIME)
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.external_attr = 0o644 << 16
    target.writestr(fixed, content)


def normalised_zip(data: bytes, fixes: dict | None = None) -> bytes:
    """The package with fixed entry times and modes; ``fixes`` rewrite entries by name
    (a library's own time stamp inside one, say)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if fixes and entry.filename in fixes:
                content = fixes[entry.filename](content)
            _write_entry(target, entry.filename, content)
    return out.getvalue()


#: File systems allow 255 bytes a name, of which ".docx" takes 5 (the temporary
#: file beside it uses only the first 40 characters).
MAX_NAME_BYTES = 240
#: What stays of a long name's end: “部门整体支出绩效自评报告”.
KEPT_TAIL_CHARS = 12


def safe_file_name(name: str) -> str:
    """A name that Windows and Linux file systems both accept: forbidden
    characters replaced, and a name too long in bytes shortened in its middle,
    keeping its end (what the report is) whole."""
    cleaned = "".join("_" if ch in _WINDOWS_FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    cleaned = cleaned.strip().rstrip(". ") or "报告"
    if _WINDOWS_DEVICES.fullmatch(cleaned):
        cleaned = f"_{cleaned}"
    if len(cleaned.encode("utf-8")) <= MAX_NAME_BYTES:
        return cleaned
    tail = "…" + cleaned[-KEPT_TAIL_CHARS:]
    head = ""
    for ch in cleaned[:-KEPT_TAIL_CHARS]:
        if len((head + ch + tail).encode("utf-8")) > MAX_NAME_BYTES:
            break
        head += ch
    return head + tail


def write_atomically(path: Path, data: bytes) -> None:
    # A link (to a shared folder, say) stays a link: its target gets the content.
    given, path = path, Path(os.path.realpath(path)) if os.path.islink(path) else path
    if os.path.lexists(path) and not files.is_file(path):
        # Renamed over, a FIFO or a device (a link to /dev/zero: the device itself) would be replaced.
        raise OutputError(
            f"{given} 不是普通文件（是目录、设备、管道或指向它们的链接），未覆盖；请删除或改名后重试"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出目录 {path.parent}：{files.os_problem(exc)}") from None
    try:
        unwritable = path.exists() and not path.stat().st_mode & stat.S_IWUSR
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{files.os_problem(exc)}") from None
    if unwritable:
        raise OutputError(f"输出文件 {path} 是只读的，未覆盖；请取消只读属性或换一个输出目录")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"无法写入输出目录 {path.parent}：{exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # An existing file keeps its permission bits (a group-writable shared file stays so).
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        os.replace(temporary, path)
    except PermissionError:
        raise OutputError(
            f"无法覆盖 {path}：文件可能正在 Word/WPS 中打开。请关闭该文件后重试（原文件未改动）"
        ) from None
    except OSError as exc:
        raise OutputError(f"写入 {path} 失败：{exc.strerror or exc}（原文件未改动）") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def save_data_file(source: Source, text: str, path: Path | None = None) -> None:
    """Write ``text``, an edit of ``source``'s text, to ``path`` (default: the
    source's own file) the way the source is saved: its encoding and line ends,
    through a link rather than replacing it.  The text must load as data: what
    would not is refused, and nothing is written."""
    target = Path(os.path.realpath(path or source.path))
    if target.suffix.lower() not in files.YAML_SUFFIXES:
        raise InvalidInput([error("不是 YAML 文件：数据文件名应以 .yaml 或 .yml 结尾", file=str(path or source.path))])
    if os.path.lexists(target) and not files.is_file(target):
        raise InvalidInput([error("不是普通文件（可能是设备或管道），未写入", file=str(path or source.path))])
    # The YAML reader only here: the skip path of build imports this module and no parser.
    from .loading import from_text

    from_text(text, target)  # raises for a text that does not load
    if "\r\n" in source.text:
        text = re.sub(r"\r?\n", "\r\n", text)
    write_atomically(target, text.encode(source.encoding))


def remove_stale(path: Path) -> bool:
    """Remove an output that no longer matches its report; False if it cannot be."""
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


#: A temporary file older than this was left by a build that was killed.
LEFTOVER_SECONDS = 600


def remove_leftovers(directory: Path) -> None:
    """Remove the temporary files (``.<name>.<random>.part``) that killed builds
    left in an output folder; one still being written is younger than a few minutes."""
    import time

    try:
        candidates = list(directory.glob(".*.part"))
    except OSError:
        return
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if time.time() - candidate.stat().st_mtime > LEFTOVER_SECONDS:
                candidate.unlink()
