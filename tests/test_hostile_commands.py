"""Every command under the same contract for the hostile classes of #23: a data file
import --into fills in written any way YAML allows (tabs, anchors, flow, block, empty
keys, CRLF, GBK), a value it cannot take without changing something else, FIFOs and
devices where a file is read, and no change said as no change."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLE, run
from test_import import _sheet

from reportgen import loading

BASE = SAMPLE.read_text(encoding="utf-8")
BASIC = "  基本支出:\n    调整预算: 471.38\n    决算: 454.25\n"
SPENT = "    调整预算: 471.38"

#: Ways to write the part the sheet fills in, each one that check reads as the sample reads.
WRITTEN = {
    "tab after colon": BASE.replace(SPENT, "    调整预算:\t471.38"),
    "anchor without alias": BASE.replace("  基本支出:\n", "  基本支出: &b\n"),
    "tag": BASE.replace(SPENT, "    调整预算: !!str 471.38"),
    "quoted": BASE.replace(SPENT, '    调整预算: "471.38"'),
    "comment after": BASE.replace(SPENT, "    调整预算: 471.38 # 注"),
    "flow mapping": BASE.replace(BASIC, "  基本支出: {调整预算: 471.38,\n    决算: 454.25}\n"),
    "block scalar": BASE.replace(SPENT, "    调整预算: |\n      471.38"),
    "CRLF": BASE.replace("\n", "\r\n"),
    "no final line break": BASE.rstrip("\n"),
    "document markers": "---\n" + BASE + "...\n",
}
#: Left empty: the sheet's amounts go under the key.
EMPTY = {
    "empty key": BASE.replace(BASIC, "  基本支出:\n"),
    "待填写": BASE.replace(BASIC, "  基本支出: 待填写\n"),
    "empty flow": BASE.replace(BASIC, "  基本支出: {}\n"),
}


def _filled(tmp_path: Path, text: str, encoding: str = "utf-8"):
    data = tmp_path / "2023.yaml"
    data.write_bytes(text.encode(encoding))
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", data, "--force")
    return data, result


@pytest.mark.parametrize("text", [*WRITTEN.values(), *EMPTY.values()], ids=[*WRITTEN, *EMPTY])
def test_into_fills_a_file_however_yaml_writes_it(tmp_path, text):
    data, result = _filled(tmp_path, text)
    assert result.exit_code == 0, result.output
    after = loading.load(data).data
    # 元 → 万元 as the sheet gives them (see test_import._sheet).
    assert {k: Decimal(v) for k, v in after["收支"]["基本支出"].items()} == {
        "年初预算": Decimal("460.00"),
        "调整预算": Decimal("471.38"),
        "决算": Decimal("454.25"),
    }
    assert [p["名称"] for p in after["收支"]["项目"]] == ["办公用房经费", "招商业务工作经费", "园区环保巡查经费"]
    before = loading.from_text(text, data).data
    assert {k: v for k, v in after.items() if k != "收支"} == {k: v for k, v in before.items() if k != "收支"}
    if "\r\n" in text:
        assert b"\r\n" in data.read_bytes() and b"\n" not in data.read_bytes().replace(b"\r\n", b"")


def test_a_gbk_file_stays_gbk(tmp_path):
    data, result = _filled(tmp_path, BASE, "gb18030")
    assert result.exit_code == 0, result.output
    raw = data.read_bytes()
    assert "园区环保巡查经费".encode("gb18030") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE.replace(SPENT, "    调整预算: &x 471.38").replace("    调整预算: 557.38", "    调整预算: *x"),
            "收支.基本支出.调整预算：用 YAML 的锚点与引用",
        ),
        (BASE.replace(BASIC, "  基本支出: [1, 2]\n"), "收支.基本支出：这里写成了列表，放不下要填入的值，未改动"),
    ],
    ids=["an alias would change both", "a list where amounts go"],
)
def test_a_value_the_file_cannot_take_is_refused_naming_the_file(tmp_path, text, expected):
    data, result = _filled(tmp_path, text)
    assert result.exit_code == 1
    assert f"{data}:" in result.output and expected in result.output
    assert "意外错误" not in result.output
    assert data.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("content", ["", "只是一行字\n"], ids=["empty", "not YAML"])
def test_into_a_file_that_is_no_data_file_writes_nothing(tmp_path, content):
    data, result = _filled(tmp_path, content)
    assert result.exit_code == 1
    assert f"{data} 错误" in result.output or f"{data}:1:1 错误" in result.output
    assert "已写入" not in result.output
    assert data.read_text(encoding="utf-8") == content


def test_into_a_link_writes_its_target(tmp_path):
    real = tmp_path / "共享"
    real.mkdir()
    (real / "2023.yaml").write_text(BASE, encoding="utf-8")
    link = tmp_path / "2023.yaml"
    link.symlink_to(real / "2023.yaml")
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", link, "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "园区环保巡查经费" in (real / "2023.yaml").read_text(encoding="utf-8")


def test_into_twice_says_nothing_changed(tmp_path):
    data, first = _filled(tmp_path, BASE)
    assert first.exit_code == 0, first.output
    again = run("import", tmp_path / "表.xlsx", "--into", data)
    assert again.exit_code == 0, again.output
    assert "中已是这些值，未改动" in again.output and "已写入" not in again.output


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("role", ["sheet", "data file"])
def test_a_fifo_or_device_is_refused_at_once(tmp_path, kind, role):
    sheet, data = _sheet(tmp_path / "表.xlsx"), tmp_path / "2023.yaml"
    data.write_text(BASE, encoding="utf-8")
    odd = sheet if role == "sheet" else data
    odd.unlink()
    if kind == "fifo":
        os.mkfifo(odd)
    else:
        odd.symlink_to("/dev/zero")
    result = run("import", sheet, "--into", data, "--force")  # a read would hang or never end
    assert result.exit_code == 1
    assert f"{odd} 错误：不是普通文件（可能是设备或管道）" in result.output


def test_an_import_source_larger_than_a_report_is_not_opened(tmp_path, monkeypatch):
    from reportgen import importing

    monkeypatch.setattr(importing, "MAX_SOURCE_BYTES", 4096)
    report = tmp_path / "报告.docx"
    report.write_bytes(b"PK" + b"\0" * 5000)
    result = run("import", report, "-o", tmp_path / "2023.yaml")
    assert result.exit_code == 1
    assert f"{report} 错误：文件过大，不应超过 4 KB" in result.output
    assert not (tmp_path / "2023.yaml").exists()


# --- where import writes: never the source, never a folder, every refusal a message ---------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _spellings(tmp_path: Path, source: Path) -> dict[str, Path]:
    """Names of ``source`` that end in .yaml: a link, a hard link, and a link spelt through another folder."""
    (tmp_path / "别处").mkdir()
    (tmp_path / "链接.yaml").symlink_to(source)
    os.link(source, tmp_path / "硬链接.yaml")
    return {
        "link": tmp_path / "链接.yaml",
        "hard link": tmp_path / "硬链接.yaml",
        "other spelling": tmp_path / "别处" / ".." / "链接.yaml",
    }


@pytest.mark.parametrize("spelling", ["link", "hard link", "other spelling"])
def test_import_never_writes_over_its_source_however_it_is_named(tmp_path, sample_docx, spelling):
    report = tmp_path / "报告.docx"
    report.write_bytes(sample_docx.read_bytes())
    output = _spellings(tmp_path, report)[spelling]
    before = _snapshot(tmp_path)
    result = run("import", report, "-o", output, "--force")
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"错误：{output} 就是要读取的文件，未覆盖"]
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("spelling", ["link", "hard link", "other spelling"])
@pytest.mark.parametrize("role", ["-o", "--into"])
def test_a_sheet_import_never_writes_over_the_sheet(tmp_path, spelling, role):
    sheet = _sheet(tmp_path / "表.xlsx")
    named = _spellings(tmp_path, sheet)[spelling]
    data = tmp_path / "2023.yaml"
    data.write_text(BASE, encoding="utf-8")
    before = _snapshot(tmp_path)
    options = ["--into", data, "-o", named] if role == "-o" else ["--into", named]
    result = run("import", sheet, *options, "--force")
    assert result.exit_code == 1
    said = "未覆盖" if role == "-o" else "不是数据文件，未改动"
    assert result.output.splitlines() == [f"错误：{named} 就是要读取的文件，{said}"]
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("option", ["-o", "--into"])
def test_a_folder_where_the_data_file_goes_is_refused_in_chinese(tmp_path, sample_docx, option):
    """A folder is no file to write: refused as the command line's mistake (exit 2, as for every option
    that takes a file), in Chinese, before anything is read or written."""
    folder = tmp_path / "2023.yaml"
    folder.mkdir()
    source = sample_docx if option == "-o" else _sheet(tmp_path / "表.xlsx")
    before = _snapshot(tmp_path)
    result = run("import", source, option, folder)
    assert result.exit_code == 2
    assert f"错误：选项 {option} 的值不对：“{folder}”是一个目录，这里要给文件" in result.output
    assert "Traceback" not in result.output
    assert _snapshot(tmp_path) == before and folder.is_dir() and not any(folder.iterdir())


@pytest.mark.parametrize(
    ("encoding", "start"),
    [("utf-16", b"\xff\xfe"), ("utf-8-sig", b"\xef\xbb\xbf")],
    ids=["UTF-16", "UTF-8 with BOM"],
)
def test_into_a_file_in_another_encoding_keeps_it(tmp_path, encoding, start):
    """(GB18030: test_a_gbk_file_stays_gbk.)"""
    data, result = _filled(tmp_path, BASE, encoding)
    assert result.exit_code == 0, result.output
    raw = data.read_bytes()
    assert raw.startswith(start)
    after = raw.decode(encoding)
    assert "园区环保巡查经费" in after and "年初预算: 460.00" in after
    # Only the amounts were put in: every line of the file is still there, in order.
    kept = iter(after.splitlines())
    assert all(line in kept for line in BASE.splitlines())


def test_into_a_file_in_no_encoding_writes_nothing(tmp_path):
    data = tmp_path / "2023.yaml"
    data.write_bytes(BASE.encode("utf-8")[:200] + b"\x80\xff\xfe\x81" + BASE.encode("utf-8")[200:])
    before = data.read_bytes()
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", data, "--force")
    assert result.exit_code == 1
    assert f"{data}:" in result.output and "文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）" in result.output
    assert "已写入" not in result.output and "Traceback" not in result.output
    assert data.read_bytes() == before


@pytest.mark.parametrize("how", ["import -o", "import --into", "import --into -o", "init -o"])
def test_a_name_too_long_for_the_system_is_said_not_an_internal_error(tmp_path, sample_docx, how):
    long = tmp_path / ("甲" * 100 + ".yaml")  # 300 bytes: past the 255 a file name may have
    data = tmp_path / "2023.yaml"
    data.write_text(BASE, encoding="utf-8")
    sheet = _sheet(tmp_path / "表.xlsx")
    arguments = {
        "import -o": ["import", sample_docx, "-o", long],
        "import --into": ["import", sheet, "--into", long, "--force"],
        "import --into -o": ["import", sheet, "--into", data, "-o", long, "--force"],
        "init -o": ["init", "2024", "--from", data, "-o", long],
    }[how]
    before = _snapshot(tmp_path)
    result = run(*arguments)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"{long} 错误：无法使用这个路径：文件名或路径过长"
    assert "意外错误" not in result.output
    assert _snapshot(tmp_path) == before
