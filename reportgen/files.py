"""Every file reportgen reads, read one guarded way.

A path a clerk (or a template set, or git) hands us may be a FIFO that never
ends, a device that never stops giving bytes (``/dev/zero``), a link to a file
of gigabytes, or a link out of a template folder.  :func:`read_bytes` opens
only regular files, without blocking, and never reads more than its limit;
:func:`decode` finds the encoding as ``check`` does for data files.  Kept free
of heavy imports: the skip-if-unchanged path of ``build`` uses it.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from .diagnostics import Diagnostic, InvalidInput, error, warning

YAML_SUFFIXES = (".yaml", ".yml")
#: Data files, outline.yaml and template files: a year's report is a few tens of KB.
MAX_FILE_BYTES = 2 * 1024 * 1024

#: Opening a FIFO for reading waits for a writer unless asked not to.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

UTF8, UTF8_BOM, UTF16, GB18030 = "utf-8", "utf-8-sig", "utf-16", "gb18030"


_OS_PROBLEMS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件不存在（或是指向不存在的文件的链接）",
    errno.ELOOP: "链接形成了循环",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "磁盘是只读的",
    errno.EISDIR: "这是一个目录",
    errno.EIO: "磁盘读写出错",
    errno.ENOTDIR: "路径中有一级不是目录（是一个文件）",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
}


def os_problem(exc: OSError) -> str:
    """What the system said, in Chinese (its own strerror is English)."""
    return _OS_PROBLEMS.get(exc.errno, f"系统错误 {exc.errno}" if exc.errno else "系统错误")


def _refused(message: str, path: Path) -> InvalidInput:
    return InvalidInput([error(message, file=str(path))])


def too_large_message(limit: int) -> str:
    size = f"{limit // (1 << 20)} MB" if limit >= 1 << 20 else f"{limit // 1024} KB"
    return f"文件过大，不应超过 {size}"


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES, inside: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; when ``inside``
    is given, the file (after following links) must lie in that folder.
    Anything else raises :class:`InvalidInput` naming the file."""
    if inside is not None and not _within(path, inside):
        raise _refused(f"是指向目录 {inside} 之外的链接，不予读取", path)
    require_regular(path, limit)
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _refused(f"无法读取文件：{os_problem(exc)}", path) from None
    try:
        # The path may have been swapped for something else since the stat.
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise _refused("不是普通文件（可能是设备或管道），请给出文件本身", path)
        chunks, size = [], 0
        while size <= limit:  # bounded even if the file grows meanwhile
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _refused(f"无法读取文件：{os_problem(exc)}", path) from None
    finally:
        os.close(handle)
    if size > limit:
        raise _refused(too_large_message(limit), path)
    return b"".join(chunks)


def require_regular(path: Path, limit: int) -> None:
    """Refuse, naming the file, what is not a regular file of at most ``limit``
    bytes: for a reader that opens the file itself (a .docx or .xlsx package)."""
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise _refused("文件不存在", path) from None
    except (OSError, ValueError) as exc:
        reason = os_problem(exc) if isinstance(exc, OSError) else "文件名含有空字符"
        raise _refused(f"无法读取文件：{reason}", path) from None
    if stat.S_ISDIR(before.st_mode):
        raise _refused("这是一个目录，不是文件", path)
    if not stat.S_ISREG(before.st_mode):
        # A device, a pipe or a socket: reading it might never end.
        raise _refused("不是普通文件（可能是设备或管道），请给出文件本身", path)
    if before.st_size > limit:
        raise _refused(too_large_message(limit), path)
    if not os.access(path, os.R_OK):
        raise _refused(f"无法读取文件：{_OS_PROBLEMS[errno.EACCES]}", path)


def _within(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def decode(raw: bytes, path: Path | None = None) -> tuple[str, str, list[Diagnostic]]:
    """(text, encoding, warnings): UTF-8 with or without BOM and UTF-16 with BOM
    as they are; what is not UTF-8 but valid GB18030 (Notepad's "ANSI" on
    Chinese Windows) as GB18030, with a warning suggesting UTF-8."""
    where = {"file": str(path)} if path is not None else {}
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode(UTF16), UTF16, []
        except UnicodeDecodeError:
            raise InvalidInput(
                [error("文件以 UTF-16 的标记开头，内容却不是 UTF-16，请另存为 UTF-8", **where)]
            ) from None
    try:
        if raw.startswith(codecs.BOM_UTF8):
            return raw.decode(UTF8_BOM), UTF8_BOM, []
        return raw.decode(UTF8), UTF8, []
    except UnicodeDecodeError as utf8_error:
        bad_at = utf8_error.start
    try:
        text = raw.decode(GB18030)
    except UnicodeDecodeError:
        line = raw.count(b"\n", 0, bad_at) + 1
        message = (
            "文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）。请用记事本或 VS Code 打开，另存为时选择“UTF-8”编码"
        )
        raise InvalidInput([error(message, line=line, **where)]) from None
    return (
        text,
        GB18030,
        [warning("文件按 GBK/GB18030 编码读取。建议另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）")],
    )


def read_text(path: Path, limit: int = MAX_FILE_BYTES, inside: Path | None = None) -> str:
    """A text file that is not data (a template, the build record): guarded,
    decoded as :func:`decode` does, problems said as in that file."""
    text, _, _ = decode(read_bytes(path, limit, inside), path)
    return text


def exists(path: Path) -> bool:
    """Whether anything stands at ``path`` (a dangling link too); a path the system
    cannot even look up (a name too long, a folder without permission) is refused,
    naming it, rather than ending in an internal error."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise _refused(f"无法使用这个路径：{os_problem(exc)}", path) from None
    except ValueError:
        raise _refused("无法使用这个路径：含有系统不接受的字符", path) from None
    return True


def is_dir(path: Path) -> bool:
    """Whether a folder stands at ``path``; a path the system cannot look up is not one."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_file(path: Path) -> bool:
    """Whether a regular file stands at ``path``; a name too long for the
    system or a link loop is simply not one."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
