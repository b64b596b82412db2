"""Every command under one contract for the hostile classes of #23, in every role it
reads a file in: the data file, a template folder (the folder, its outline.yaml, a
template), the build record and a report in the output folder, init's target,
import's source and --into file, diff's two files and its git revision, --watch.

Each case ends in bounded time with exit 0, 1 or 2; exit 1 names the file in
Chinese; there is never a traceback nor the internal-error message; nothing outside
what the command writes on success is written, and the hostile file is left as it was.
Run in-process (a thread bounds the time); a link to /dev/zero runs in a process of
its own with its memory capped, since a read of it would take every byte of ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE, SAMPLE_NAME, run
from test_import import _sheet

#: Seconds one command may take on any of these inputs.
BOUND = 20
SAMPLE_BYTES = SAMPLE.read_bytes()
OUTLINE = "说明: 试用的模板目录\n必填: [部门职能]\n".encode()
TEMPLATE = "本年度未发现需要说明的问题。\n".encode()


# --- the hostile classes: each makes its thing at a path, from what belongs there ------------


def _fifo(path: Path, good: bytes) -> None:
    os.mkfifo(path)


def _zero(path: Path, good: bytes) -> None:
    path.symlink_to("/dev/zero")


def _oversized(path: Path, good: bytes) -> None:
    path.write_bytes(good + b"\n#" + b"x" * (3 * 1024 * 1024))


def _directory(path: Path, good: bytes) -> None:
    path.mkdir()
    (path / "inside.yaml").write_bytes(good)


def _unreadable(path: Path, good: bytes) -> None:
    path.write_bytes(good)
    path.chmod(0)  # root (CI) reads through it: then it is only an ordinary file


def _loop(path: Path, good: bytes) -> None:
    path.symlink_to(path.name)


def _outside(path: Path, good: bytes) -> None:
    """A link out of the template folder, to a file that would be read fine."""
    folder = next(parent for parent in path.parents if parent.name == "t")
    target = folder.parent / f"outside-{path.name}"
    target.write_bytes(good)
    path.symlink_to(target)


def _gbk(path: Path, good: bytes) -> None:
    path.write_bytes(good.decode("utf-8").encode("gb18030"))


def _utf16(path: Path, good: bytes) -> None:
    path.write_bytes(good.decode("utf-8").encode("utf-16"))


def _tab_after_colon(path: Path, good: bytes) -> None:
    path.write_bytes(good.replace(b": ", b":\t"))


def _anchors(path: Path, good: bytes) -> None:
    """A billion laughs: nine levels of nine aliases each."""
    laughs = "lol0: &l0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]\n" + "".join(
        f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    path.write_bytes(good + b"\n" + laughs.encode())


def _deep(path: Path, good: bytes) -> None:
    path.write_bytes(good + b"\n\xe6\xb7\xb1: " + b"[" * 3000 + b"]" * 3000 + b"\n")


def _duplicate_keys(path: Path, good: bytes) -> None:
    path.write_bytes(good + b"\n" + "".join(f"重复: {i}\n" for i in range(5000)).encode())


FILE_SYSTEM = {
    "fifo": _fifo,
    "/dev/zero": _zero,
    "oversized": _oversized,
    "directory": _directory,
    "unreadable": _unreadable,
    "link loop": _loop,
}
TEXT = {
    "GBK": _gbk,
    "UTF-16": _utf16,
    "tab after colon": _tab_after_colon,
    "anchors": _anchors,
    "3000 deep": _deep,
    "duplicate keys": _duplicate_keys,
}
#: What git can hold in place of a data file.
IN_GIT = {name: make for name, make in {**FILE_SYSTEM, **TEXT}.items() if name not in ("fifo", "unreadable")}


# --- the workspace and the roles ---------------------------------------------------------------


class Space:
    """A sample data file, a template folder, a sheet and a report to import, an output folder."""

    def __init__(self, root: Path, seed: Path):
        self.root = root
        self.data = root / "2023.yaml"
        self.other = root / "2023-调整前.yaml"
        self.templates = root / "t"
        self.outline = self.templates / "outline.yaml"
        self.template = self.templates / "sections" / "problems.md.j2"
        self.out = root / "out"
        self.record = self.out / ".reportgen-builds.json"
        self.report = root / "报告.docx"
        self.sheet = root / "表.xlsx"
        self.target = root / "new" / "2024.yaml"
        self.imported = root / "imported.yaml"
        for path, content in (
            (self.data, SAMPLE_BYTES),
            (self.other, SAMPLE_BYTES),
            (self.outline, OUTLINE),
            (self.template, TEMPLATE),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        self.target.parent.mkdir()
        shutil.copyfile(seed / self.report.name, self.report)
        shutil.copyfile(seed / self.sheet.name, self.sheet)


#: role → (the path in the space, what belongs there, the command line).
Role = tuple[Callable[[Space], Path], Callable[[Space], bytes], Callable[[Space], list]]


def _check(s: Space) -> list:
    return ["check", s.data, "--templates", s.templates]


def _build(s: Space) -> list:
    return ["build", s.data, "--templates", s.templates, "--out-dir", s.out]


def _init(s: Space) -> list:
    return ["init", "2024", "--from", s.data, "--templates", s.templates, "-o", s.target]


def _diff(s: Space) -> list:
    return ["diff", s.other, s.data, "--templates", s.templates]


def _sample(s: Space) -> bytes:
    return SAMPLE_BYTES


def _built_report(s: Space) -> bytes:
    return s.report.read_bytes()


ROLES: dict[tuple[str, str], Role] = {
    ("check", "data"): (lambda s: s.data, _sample, _check),
    ("check", "outline.yaml"): (lambda s: s.outline, lambda s: OUTLINE, _check),
    ("check", "template"): (lambda s: s.template, lambda s: TEMPLATE, _check),
    ("check", "--templates"): (lambda s: s.templates, lambda s: TEMPLATE, _check),
    ("build", "data"): (lambda s: s.data, _sample, _build),
    ("build", "outline.yaml"): (lambda s: s.outline, lambda s: OUTLINE, _build),
    ("build", "template"): (lambda s: s.template, lambda s: TEMPLATE, _build),
    ("build", "--templates"): (lambda s: s.templates, lambda s: TEMPLATE, _build),
    ("build", "build record"): (lambda s: s.record, lambda s: b"{}", _build),
    ("build", "report in the output folder"): (lambda s: s.out / f"{SAMPLE_NAME}.docx", _built_report, _build),
    ("init", "data"): (lambda s: s.data, _sample, _init),
    ("init", "outline.yaml"): (lambda s: s.outline, lambda s: OUTLINE, _init),
    ("init", "template"): (lambda s: s.template, lambda s: TEMPLATE, _init),
    ("init", "target"): (lambda s: s.target, lambda s: b"", _init),
    ("import", "report"): (lambda s: s.report, _built_report, lambda s: ["import", s.report, "-o", s.imported]),
    ("import", "--into"): (lambda s: s.data, _sample, lambda s: ["import", s.sheet, "--into", s.data]),
    ("diff", "old"): (lambda s: s.data, _sample, lambda s: ["diff", s.data, s.other]),
    ("diff", "new"): (lambda s: s.data, _sample, _diff),
    ("diff", "outline.yaml"): (lambda s: s.outline, lambda s: OUTLINE, _diff),
    ("schema", "--templates"): (
        lambda s: s.templates,
        lambda s: TEMPLATE,
        lambda s: ["schema", "--templates", s.templates],
    ),
    ("schema", "outline.yaml"): (
        lambda s: s.outline,
        lambda s: OUTLINE,
        lambda s: ["schema", "--templates", s.templates],
    ),
    ("build --watch", "data"): (lambda s: s.data, _sample, lambda s: ["build", "--watch", s.data, "--out-dir", s.out]),
}
#: Roles in a template folder also meet a link out of it; binary roles only the file-system classes.
_IN_FOLDER = {"outline.yaml", "template"}
_BINARY = {"report", "report in the output folder", "target", "--templates"}
#: Roles a command writes to.
_WRITTEN = {"build record", "report in the output folder", "target"}


def _cases():
    for command, role in ROLES:
        classes = dict(FILE_SYSTEM)
        if role not in _BINARY:
            classes.update(TEXT)
        if role in _IN_FOLDER:
            classes["link out of the folder"] = _outside
        for name in classes:
            yield pytest.param(command, role, name, id=f"{command}-{role}-{name}")
    for name in IN_GIT:
        yield pytest.param("diff", "--against", name, id=f"diff---against-{name}")


# --- running and judging -------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` as it is, read without following links or opening FIFOs."""
    seen = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f != ".git"]
        for name in folders + names:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                seen[str(path)] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                with contextlib.suppress(PermissionError):
                    seen[str(path)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
                seen.setdefault(str(path), ("file", info.st_size, info.st_mtime_ns))
            else:
                seen[str(path)] = (stat.S_IFMT(info.st_mode),)
    return seen


def _in_process(arguments: list, watch: bool) -> tuple[int, str]:
    """The command run here, in a thread so that a hang fails the test instead of stalling it."""
    import click.testing

    from reportgen.cli import main

    done: dict = {}

    def go() -> None:
        # CliRunner's own output capture; --watch ends at its first pause, as Ctrl-C would end it.
        with pytest.MonkeyPatch.context() as patch:
            if watch:
                patch.setattr(time, "sleep", _interrupt)
            result = click.testing.CliRunner().invoke(main, [str(a) for a in arguments], prog_name="reportgen")
        done["result"] = result

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), f"超过 {BOUND} 秒仍未结束：{arguments}"
    result = done["result"]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        return 99, "Traceback\n" + "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.output


def _interrupt(seconds: float) -> None:
    raise KeyboardInterrupt


def _in_a_process(arguments: list, watch: bool) -> tuple[int, str]:
    """The command in a process of its own, its memory capped at 1 GB."""
    capped = (
        "import resource, runpy, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "sys.argv = ['reportgen', *sys.argv[1:]]\n"
        "runpy.run_module('reportgen', run_name='__main__')\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", capped, *map(str, arguments)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    killer = threading.Timer(BOUND, process.kill)
    killer.start()
    try:
        first = b""
        if watch:
            # Its first round (the line after the time it starts at) said, then Ctrl-C.
            for line in iter(process.stdout.readline, b""):
                first += line
                if line.startswith("——".encode()):
                    first += process.stdout.readline()
                    break
            process.send_signal(signal.SIGINT)
        output = first + process.communicate()[0]
    finally:
        killer.cancel()
    assert process.returncode != -signal.SIGKILL, f"超过 {BOUND} 秒仍未结束：{arguments}"
    return process.returncode, output.decode("utf-8", "replace")


def _commit(space: Space, make: Callable[[Path, bytes], None]) -> None:
    """A git repository whose last commit holds the hostile version of the data file."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(space.root), *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    space.data.unlink()
    make(space.data, SAMPLE_BYTES)
    git("add", "-A")
    git("commit", "-q", "-m", "hostile")
    if space.data.is_dir():
        shutil.rmtree(space.data)
    else:
        space.data.unlink()
    space.data.write_bytes(SAMPLE_BYTES)


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """What every workspace copies: the sample built (to import) and a sheet of amounts (to import --into)."""
    folder = tmp_path_factory.mktemp("seed")
    result = run("build", SAMPLE, "--out-dir", folder / "out")
    assert result.exit_code == 0, result.output
    shutil.copyfile(next((folder / "out").glob("*.docx")), folder / "报告.docx")
    _sheet(folder / "表.xlsx")
    return folder


@pytest.mark.parametrize(("command", "role", "hostile"), list(_cases()))
def test_every_entry_point_keeps_the_contract(tmp_path, seed, command, role, hostile):
    space = Space(tmp_path, seed)
    if role == "--against":
        _commit(space, IN_GIT[hostile])
        arguments, path = ["diff", space.data, "--against", "HEAD"], space.data
    else:
        where, good, line = ROLES[(command, role)]
        path = where(space)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = good(space)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        if hostile == "/dev/zero" and role in _WRITTEN:
            # Where a command writes, a link is written through: should that ever reach a
            # device, let it be a stand-in that the snapshot sees, not the machine's /dev/zero.
            os.mkfifo(tmp_path / "device")
            path.symlink_to(tmp_path / "device")
        else:
            {**FILE_SYSTEM, **TEXT, "link out of the folder": _outside}[hostile](path, content)
        arguments = line(space)
    before = _snapshot(tmp_path)
    started = time.monotonic()
    runner = _in_a_process if hostile == "/dev/zero" else _in_process
    code, output = runner(arguments, watch=command == "build --watch")
    assert time.monotonic() - started < BOUND
    assert code in (0, 1, 2), output
    assert "Traceback" not in output and "意外错误" not in output, output
    if code != 0:
        assert path.name in output, output  # the file is named
    if hostile == "link out of the folder":
        assert code == 1 and "之外的链接，不予读取" in output, output
    after = _snapshot(tmp_path)
    # What a command may write when it succeeds: build its output folder, init and import their targets.
    allowed = {"build": space.out, "build --watch": space.out, "init": space.target, "import": space.imported}.get(
        command
    )
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    if allowed is not None and code == 0 or command == "build --watch":
        changed = {p for p in changed if not Path(p).is_relative_to(allowed)}
    # A hostile build record or report in the output folder is replaced by the build it stands in.
    if role in ("build record", "report in the output folder") and code == 0:
        changed = {p for p in changed if not Path(p).is_relative_to(space.out)}
    assert changed == set(), (sorted(changed), output)
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)  # a write through the link would have replaced the device
