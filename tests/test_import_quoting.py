"""What import writes of a text, as a key or a value, in a mapping or as a list
item, reads back through reportgen's own YAML reader as exactly that text."""

from __future__ import annotations

import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run, write_variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.importing.emit import emit
from reportgen.loading import from_text

#: Texts YAML would read as something else, fold, or refuse, if written plain.
HOSTILE = [
    "\u2028",
    "\u2029",
    "a\rb",
    "\t",
    "说明:\t见附件",
    "a\x85b",
    "\ufeff开头",
    "*引用",
    "&锚点",
    "!标签",
    "%指令",
    "@",
    "`",
    "- 列表",
    "-",
    "? 键",
    "# 注释",
    "依据 #1 号文件",
    "键: 值",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "010",
    "1e3",
    "2024-01-01",
    "尾部空格  ",
    "  开头空格",
    "待填写",
    "",
    '"引号"',
    "'单引号'",
    "a\\nb",
    "\U000f0000私用",
    "\U000e0001",
    "\x00\x07\x1b",
    "第一行\n第二行",
    "{花括号}",
    "[方括号]",
    "|",
    ">",
]

TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(), st.text(alphabet=st.sampled_from("".join(HOSTILE) + " :#-")))


def _read(data: dict) -> dict:
    return from_text(emit(data, {}, [], []), Path("导入.yaml")).data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT)
def test_text_reads_back_as_written(name: str, text: str) -> None:
    # The reader takes "基本支出 :" for 基本支出: a key is compared as it reads.
    name = name.strip() or "键"
    assert _read({name: text}) == {name: text}
    assert _read({"外层": {name: text}}) == {"外层": {name: text}}
    assert _read({"列表": [text]}) == {"列表": [text]}
    assert _read({"列表": [{name: text, "其后": text}]}) == {"列表": [{name: text, "其后": text}]}


def test_every_hostile_text_reads_back() -> None:
    for text in HOSTILE:
        assert _read({"值": text, text.strip() or "键": "值"}) == {"值": text, text.strip() or "键": "值"}, text


# --- where import -o writes ----------------------------------------------------------------------------------


def test_import_output_through_a_link_keeps_the_link_and_the_permission_bits(tmp_path, sample_docx):
    real = tmp_path / "共享" / "2023.yaml"
    real.parent.mkdir()
    real.write_text("旧: 内容\n", encoding="utf-8")
    real.chmod(0o664)
    link = tmp_path / "2023.yaml"
    link.symlink_to(real)
    result = run("import", sample_docx, "-o", link, "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "旧: 内容" not in real.read_text(encoding="utf-8") and "部门:" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    assert run("check", link).exit_code == 0


def test_import_into_an_unwritable_folder_names_it(tmp_path, sample_docx, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # As root a read-only folder stays writable: the folder's refusal is made where the file is created.
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    folder = tmp_path / "只读"
    folder.mkdir()
    result = run("import", sample_docx, "-o", folder / "2023.yaml")
    assert result.exit_code == 1
    assert f"无法写入输出目录 {folder}：Permission denied" in result.output
    assert "Traceback" not in result.output
    assert not (folder / "2023.yaml").exists()


#: Items YAML would misread if written plain (an alias, an anchor, a tag, a boolean, a number, a date,
#: a list, a comment), and items with spaces: each → what the report prints, which import gives back.
ITEMS = {
    "*引用": "*引用",
    "&锚点": "&锚点",
    "!标签": "!标签",
    "说明:见附件#1号文件": "说明:见附件#1号文件",
    "yes": "yes",
    "010": "010",
    "2024-01-01": "2024-01-01",
    "-开头": "-开头",
    "%与@与`": "%与@与`",
    "~": "~",
    # A Tab is whitespace like any other: the data reads it as one space and the report prints
    # that space (a w:tab would jump to the next tab stop, which is layout, not text).
    "说明:\t见附件 #1": "说明: 见附件 #1",
    "中文 Latin 混排": "中文 Latin 混排",
    "第 2 批 ， 共 3 项": "第 2 批，共 3 项",
    "a  b": "a b",
    "Word  与  WPS": "Word 与 WPS",
    # Between two Chinese characters a space is never meant (YAML folds a wrapped line with one):
    # the data reads "甲 乙" as 甲乙, the report prints 甲乙.
    "甲 乙": "甲乙",
    "甲\u3000\u3000乙": "甲乙",
}


@pytest.fixture(scope="module")
def imported_items(tmp_path_factory) -> tuple[list, list]:
    """改进措施 of the sample with :data:`ITEMS` first: as the data means them, and as imported from the report."""
    import json

    from reportgen import pipeline
    from reportgen.loading import load

    tmp = tmp_path_factory.mktemp("items")
    sample = Path(__file__).parent.parent / "data" / "2023.yaml"
    items = "".join(f"  - {json.dumps(text, ensure_ascii=False)}\n" for text in ITEMS)
    (tmp / "2023.yaml").write_text(
        sample.read_text(encoding="utf-8").replace("改进措施:\n", "改进措施:\n" + items, 1), encoding="utf-8"
    )
    assert run("build", tmp / "2023.yaml", "--out-dir", tmp / "out").exit_code == 0
    result = run("import", next((tmp / "out").glob("*.docx")), "-o", tmp / "导入.yaml")
    assert result.exit_code == 0, result.output
    assert run("check", tmp / "导入.yaml").exit_code == 0
    meant = pipeline.prepare(tmp / "2023.yaml").report.improvements
    return meant[: len(ITEMS)], load(tmp / "导入.yaml").data["改进措施"][: len(ITEMS)]


def test_a_built_report_imports_its_texts_as_the_report_prints_them(imported_items):
    assert imported_items[1] == list(ITEMS.values())


def test_a_built_report_imports_its_texts_as_the_data_means_them(imported_items):
    """The round trip is exact: what the data file meant is what the imported file says, verbatim."""
    meant, imported = imported_items
    assert imported == meant


# --- a name spaced otherwise is the same name -----------------------------------------------------------------


def test_a_project_spaced_otherwise_in_the_table_is_the_project_of_the_text(tmp_path):
    """The table spells "12345 热线运营经费" (a space the report prints is text), the narrative
    12345热线运营经费: one project, its name as the table spells it, its amounts from both."""
    from test_hostile_documents import WORD, _rewritten

    from reportgen.loading import load

    data = write_variant(tmp_path, ("招商业务工作经费", "12345热线运营经费"))
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0

    def spaced(root):
        for text in root.iter(f"{WORD}t"):
            if text.text == "12345热线运营经费":  # the table's cell; the narrative has it inside a sentence
                text.text = "12345 热线运营经费"

    source = tmp_path / "报告.docx"
    source.write_bytes(_rewritten(next((tmp_path / "out").glob("*.docx")).read_bytes(), "word/document.xml", spaced))
    result = run("import", source, "-o", tmp_path / "导入.yaml")
    assert result.exit_code == 0, result.output
    projects = load(tmp_path / "导入.yaml").data["收支"]["项目"]
    assert [p["名称"] for p in projects] == ["办公用房经费", "12345 热线运营经费"]
    assert Decimal(projects[1]["决算"]) == Decimal("96.66")


def test_a_sheet_fills_the_project_the_data_file_spaces_otherwise(tmp_path):
    from test_import import _sheet

    data = write_variant(tmp_path, ("名称: 招商业务工作经费", "名称: 招商业务　工作经费"))
    result = run("import", _sheet(tmp_path / "表.xlsx"), "--into", data, "--force")
    assert result.exit_code == 0, result.output
    from reportgen.loading import load

    projects = load(data).data["收支"]["项目"]
    assert [p["名称"] for p in projects] == ["办公用房经费", "招商业务　工作经费", "园区环保巡查经费"]
    assert Decimal(projects[1]["年初预算"]) == Decimal("100.00")


def test_a_project_form_gives_back_its_goal_as_the_data_means_it(tmp_path):
    """The project form's cells keep the spaces the report prints as well: a Tab as one space,
    a space between Chinese and Latin or digits kept, none between two Chinese characters."""
    from reportgen import pipeline
    from reportgen.importing.form import read_form

    example = Path(__file__).parent.parent / "data" / "examples" / "2023-财政部提纲.yaml"
    goal = "新建高标准农田3.2万亩，配套建设灌排、田间道路等设施，项目工程验收合格率95%以上。"
    data = tmp_path / "2023.yaml"
    data.write_text(
        example.read_text(encoding="utf-8").replace(
            f"预期目标: {goal}", f'预期目标: "说明:\\t新建 GIS 平台 1 套， 高标 准{goal[5:]}"'
        ),
        encoding="utf-8",
    )
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0
    read = read_form(next((tmp_path / "out").glob("*高标准农田建设项目支出绩效自评表.docx")))
    assert read["年度总体目标"]["预期目标"] == f"说明: 新建 GIS 平台 1 套，高标准{goal[5:]}"
    project = next(p for p in pipeline.prepare(data).report.budget.projects if p.name == "高标准农田建设项目")
    assert [read["年度总体目标"]["预期目标"]] == project.overall_goal.expected
