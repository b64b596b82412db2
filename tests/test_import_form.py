"""Reading one 项目支出绩效自评表 (a project's self-evaluation form) back into the
data of one project: the forms ``reportgen build`` writes (two tables, merged
cells), an .xlsx typed by hand (one table, merged ranges, a 绩效指标 label
column, thousands separators), a .docx typed by hand (one table, empty cells
under the 一级 names, other words for the columns), and files that are no form."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from reportgen.diagnostics import InvalidInput
from reportgen.importing import package
from reportgen.importing.form import read_form

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "examples" / "2023-财政部提纲.yaml"


def _amount(value) -> Decimal:
    """A figure of the YAML data (a float there) as the Decimal the clerk wrote."""
    return Decimal(str(value))


def _docx(path: Path, blocks: list) -> Path:
    """A Word file of paragraphs (str) and tables (a list of rows; a cell is a str, or
    ``None`` to be merged into the cell to its left, or ``"^"`` to be merged into the
    cell above)."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if value is None:
                    start = c
                    while row[start] is None:
                        start -= 1
                    table.cell(r, start).merge(table.cell(r, c))
                elif value == "^":
                    table.cell(r - 1, c).merge(table.cell(r, c))
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if value not in (None, "^") and value:
                    table.cell(r, c).text = value
    document.save(str(path))
    return path


# --- (1) the forms our tool writes --------------------------------------------------------------------


def _form_from_data(year: int, project: dict, path: Path) -> Path:
    """The form as the tool lays it out (fund and goals in one table, indicators in a
    second), for when the data's projects have no forms of their own yet."""
    goal = project.get("年度总体目标") or {}

    def text(value):
        return "；".join(value) if isinstance(value, list) else (value or "—")

    first = [
        ["项目名称", None, project["名称"], None, None, None, None, None],
        ["主管部门", None, project.get("主管部门", ""), None, "实施单位", project.get("实施单位", ""), None, None],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", None, *(f"{project[k]:.2f}" for k in ("年初预算", "调整预算", "决算")), "10", "", ""],
    ]
    for index, (name, line) in enumerate((project.get("资金来源") or {}).items()):
        figures = [f"{line[k]:.2f}" if k in line else "—" for k in ("年初预算", "调整预算", "决算")]
        first.append([("其中：" if index == 0 else "") + name, None, *figures, "—", "", "—"])
    first += [
        ["年度总体目标", "预期目标", None, None, "实际完成情况", None, None, None],
        ["^", text(goal.get("预期目标")), None, None, text(goal.get("实际完成情况")), None, None, None],
    ]
    second = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    ]
    for dimension in project["绩效指标"]:
        for i, child in enumerate(dimension["二级指标"]):
            for j, leaf in enumerate(child["三级指标"]):
                second.append(
                    [
                        dimension["名称"] if i == 0 and j == 0 else "^",
                        child["名称"] if j == 0 else "^",
                        leaf["名称"],
                        leaf.get("年度指标值", "—"),
                        leaf.get("实际完成值", "—"),
                        str(leaf["分值"]),
                        "",
                        "；".join(leaf[k] for k in ("偏差原因", "改进措施") if k in leaf),
                    ]
                )
    second.append(["总分", None, None, None, None, "100", "", "自评等级："])
    return _docx(path, ["项目支出绩效自评表", f"（{year}年度）", first, "", second, "填报人：王建国"])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[dict, Path, bool]:
    """The data, the directory of its forms, and whether ``reportgen build`` wrote them."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("forms")
    projects = [p for p in data["收支"]["项目"] if p.get("绩效指标")]
    if projects:
        result = subprocess.run(
            [sys.executable, "-m", "reportgen", "build", str(DATA), "--out-dir", str(out)],
            check=False,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return data, out, True
    else:  # the data has no forms yet: made here as the tool lays them out
        projects = [p for p in data["收支"]["项目"] if p["名称"] == "动物防疫补助经费"]
        for project in projects:
            project.setdefault("主管部门", data["部门"])
            project["绩效指标"] = [
                {
                    "名称": "产出指标",
                    "二级指标": [
                        {
                            "名称": "数量指标",
                            "三级指标": [
                                {
                                    "名称": "强制免疫畜禽数量",
                                    "分值": 90,
                                    "年度指标值": "≥120万头",
                                    "实际完成值": "126万头",
                                }
                            ],
                        }
                    ],
                }
            ]
            _form_from_data(data["年度"], project, out / f"{data['年度']}年度{project['名称']}项目支出绩效自评表.docx")
    return data, out, False


def _project(data: dict, name: str) -> dict:
    return next(p for p in data["收支"]["项目"] if p["名称"] == name)


def _leaves(tree: list[dict]) -> list[tuple[str, str, dict]]:
    return [
        (dimension["名称"], child["名称"], leaf)
        for dimension in tree
        for child in dimension["二级指标"]
        for leaf in child["三级指标"]
    ]


def _assert_as_data(read: dict, project: dict) -> None:
    assert read["名称"] == project["名称"]
    for key in ("年初预算", "调整预算", "决算"):
        assert read[key] == _amount(project[key]) and isinstance(read[key], Decimal)
    if "实施单位" in project:
        assert read["实施单位"] == project["实施单位"]
    assert set(read["资金来源"]) == set(project["资金来源"])
    for name, line in project["资金来源"].items():
        assert read["资金来源"][name] == {k: _amount(v) for k, v in line.items()}
    for key in ("预期目标", "实际完成情况"):
        written = project["年度总体目标"][key]
        for item in written if isinstance(written, list) else [written]:
            assert item.rstrip("；。") in read["年度总体目标"][key]
    got, want = _leaves(read["绩效指标"]), _leaves(project["绩效指标"])
    assert [(a, b, leaf["名称"]) for a, b, leaf in got] == [(a, b, leaf["名称"]) for a, b, leaf in want]
    for (_, _, mine), (_, _, theirs) in zip(got, want):
        assert mine["分值"] == _amount(theirs["分值"])
        assert mine["年度指标值"] == theirs["年度指标值"]
        assert mine["实际完成值"] == theirs.get("实际完成值", theirs.get("档次"))
        reasons = [theirs[k] for k in ("偏差原因", "改进措施") if k in theirs]
        assert mine.get("偏差原因") == ("；".join(reasons) if reasons else None)


def test_the_form_the_tool_writes_reads_back_as_its_data(built):
    data, out, by_tool = built
    project = _project(data, "动物防疫补助经费")
    read = read_form(out / "2023年度动物防疫补助经费项目支出绩效自评表.docx")
    _assert_as_data(read, project)
    assert read["调整预算"] == Decimal("246.24") and read["决算"] == Decimal("241.30")
    assert read["资金来源"]["其他资金"] == {
        "年初预算": Decimal(0),
        "调整预算": Decimal("16.24"),
        "决算": Decimal("15.00"),
    }
    assert read["主管部门"] == project.get("主管部门", data["部门"])
    if not by_tool:
        return  # the indicators below are the example data's own
    leaves = {leaf["名称"]: leaf for _, _, leaf in _leaves(read["绩效指标"])}
    assert leaves["强制免疫畜禽数量"] == {
        "名称": "强制免疫畜禽数量",
        "年度指标值": "≥120万头",
        "实际完成值": "126万头",
        "分值": Decimal(20),
        "得分": Decimal(20),
    }
    # A 三级指标's 得分 is returned for comparing; the one the data gives is the one shown.
    assert leaves["基层防疫体系运行机制"]["得分"] == _amount(
        project["绩效指标"][1]["二级指标"][1]["三级指标"][0]["得分"]
    )
    assert sum(leaf["分值"] for leaf in leaves.values()) == Decimal(90)
    # What the tool computes (执行率, 执行率得分, 总分, 等级) is not read back as data.
    assert not {"执行率", "执行率得分", "得分", "总分", "等级", "自评等级"} & set(read)
    signed = {**data.get("项目自评", {}), **{k: project[k] for k in ("填报人", "联系电话", "填报日期") if k in project}}
    for key in ("填报人", "联系电话", "填报日期"):
        assert read.get(key) == signed.get(key)


def test_every_form_the_tool_writes_reads_back(built):
    data, out, _ = built
    forms = sorted(out.glob("*项目支出绩效自评表.docx"))
    assert len(forms) == len([p for p in data["收支"]["项目"] if p.get("绩效指标")])
    for path in forms:
        read = read_form(path)
        assert path.name == f"{data['年度']}年度{read['名称'].removesuffix('项目')}项目支出绩效自评表.docx"
        _assert_as_data(read, _project(data, read["名称"]))


def test_a_form_laid_out_as_the_tool_does_made_with_python_docx(tmp_path):
    """The same layout made by python-docx's own merges (w:vMerge restart/continue, w:gridSpan)."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    project = _project(data, "高标准农田建设项目")
    project.setdefault("主管部门", data["部门"])
    if not project.get("绩效指标"):
        pytest.skip("示例数据的项目还没有绩效指标")
    read = read_form(_form_from_data(data["年度"], project, tmp_path / "自评表.docx"))
    _assert_as_data(read, project)
    assert read["主管部门"] == data["部门"]
    assert read["填报人"] == "王建国" and "得分" not in _leaves(read["绩效指标"])[0][2]  # an empty 得分 is absent


# --- (2) an .xlsx typed by hand: one table, merged ranges, a 绩效指标 label column ----------------------------


def _xlsx_form(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    put = sheet.cell

    def merged(cells: str, value) -> None:
        sheet.merge_cells(cells)
        sheet[cells.split(":")[0]] = value

    # Column A is empty; B is the label column (绩效指标 over the indicators): 9 columns B–J.
    merged("B1:J1", "项目支出绩效自评表")
    merged("B2:J2", "（2023年度）")
    merged("B4:C4", "项目名称")
    merged("D4:J4", "村级公益事业建设项目")
    merged("B5:C5", "主管部门")
    merged("D5:F5", "青山县财政局")
    put(5, 7, "实施单位")
    merged("H5:J5", "青山县乡村振兴服务中心")
    merged("B6:B10", "项目资金（万元）")
    for column, word in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=4):
        put(6, column, word)
    rows = [
        ("年度资金总额", "1,280.00", 1350.5, "1,302.35", 10, "96.43%", 9.64),
        ("其中：当年财政拨款", 1200, "1,250.50", 1210.35, "—", "96.79%", "—"),
        ("上年结转资金", 80, 100, 92, "—", "92%", "—"),
        ("其他资金", "—", "—", "—", "—", "—", "—"),
    ]
    for r, row in enumerate(rows, start=7):
        for c, value in enumerate(row, start=3):
            put(r, c, value)
    merged("B11:B12", "年度总体目标")
    merged("C11:F11", "预期目标")
    merged("G11:J11", "实际完成情况")
    merged("C12:F12", "新建村级道路15公里、文化广场3个，工程验收合格率100%。")
    merged("G12:J12", "新建村级道路16.2公里、文化广场3个，两个村因雨季延期完工。")
    merged("B13:B22", "绩效指标")
    for column, word in enumerate(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        start=3,
    ):
        put(13, column, word)
    merged("C14:C17", "产出指标")
    merged("D14:D15", "数量指标")
    put(16, 4, "质量指标")
    put(17, 4, "时效指标")
    merged("C18:C19", "效益指标")
    put(18, 4, "社会效益指标")
    put(19, 4, "可持续影响指标")
    put(20, 3, "满意度指标")
    put(20, 4, "服务对象满意度指标")
    leaves = [
        (14, "新建村级道路", "≥15公里", "16.2公里", 20, 20, None),
        (15, "新建文化广场", "≥3个", "3个", 10, 10, None),
        (16, "工程验收合格率", "100%", "100%", 15, 15, None),
        (17, "项目按期完工率", "≥95%", "90%", 15, 14.205000000000002, "两个村雨季停工；加强进度调度"),
        (18, "受益群众人数", "≥8000人", "8500人", 15, 15.0, "/"),
        (19, "设施管护机制", "健全", "基本健全", 5, 4, None),
        (20, "群众满意度", "≥90%", "95%", 10, 10, None),
    ]
    for row, *values in leaves:
        for column, value in enumerate(values, start=5):
            put(row, column, value)
    merged("C21:E21", "预算执行率")
    put(21, 8, 10)
    put(21, 9, 9.64)
    merged("C22:G22", "总分")
    put(22, 8, 100)
    put(22, 9, 97.49)
    put(22, 10, "自评等级：优")
    for column, value in enumerate(["填报人", "李娜", "联系电话", "0730-2233445", "填报日期"], start=2):
        put(24, column, value)
    put(24, 7, datetime.datetime(2024, 3, 8))
    book.save(path)
    return path


def test_an_xlsx_with_merged_ranges_and_a_label_column(tmp_path):
    read = read_form(_xlsx_form(tmp_path / "自评表.xlsx"))
    assert read["名称"] == "村级公益事业建设项目"
    assert read["主管部门"] == "青山县财政局"
    assert read["实施单位"] == "青山县乡村振兴服务中心"
    assert (read["年初预算"], read["调整预算"], read["决算"]) == (
        Decimal("1280.00"),
        Decimal("1350.5"),
        Decimal("1302.35"),
    )
    assert all(isinstance(read[k], Decimal) for k in ("年初预算", "调整预算", "决算"))
    assert read["资金来源"] == {
        "当年财政拨款": {"年初预算": Decimal(1200), "调整预算": Decimal("1250.50"), "决算": Decimal("1210.35")},
        "上年结转资金": {"年初预算": Decimal(80), "调整预算": Decimal(100), "决算": Decimal(92)},
    }
    assert read["年度总体目标"] == {
        "预期目标": "新建村级道路15公里、文化广场3个，工程验收合格率100%。",
        "实际完成情况": "新建村级道路16.2公里、文化广场3个，两个村因雨季延期完工。",
    }
    tree = read["绩效指标"]
    assert [d["名称"] for d in tree] == ["产出指标", "效益指标", "满意度指标"]  # 预算执行率 is the fund's score
    assert [c["名称"] for c in tree[0]["二级指标"]] == ["数量指标", "质量指标", "时效指标"]
    assert [leaf["名称"] for leaf in tree[0]["二级指标"][0]["三级指标"]] == ["新建村级道路", "新建文化广场"]
    late = tree[0]["二级指标"][2]["三级指标"][0]
    assert late == {
        "名称": "项目按期完工率",
        "年度指标值": "≥95%",
        "实际完成值": "90%",
        "分值": Decimal(15),
        "得分": Decimal("14.21"),  # a float's noise cut to two decimals
        "偏差原因": "两个村雨季停工；加强进度调度",
    }
    people = tree[1]["二级指标"][0]["三级指标"][0]
    assert people["得分"] == Decimal("15.0") and "偏差原因" not in people  # "/" says nothing
    assert [c["名称"] for c in tree[1]["二级指标"]] == ["社会效益指标", "可持续影响指标"]
    assert tree[2]["二级指标"][0] == {
        "名称": "服务对象满意度指标",
        "三级指标": [
            {"名称": "群众满意度", "年度指标值": "≥90%", "实际完成值": "95%", "分值": Decimal(10), "得分": Decimal(10)}
        ],
    }
    points = [leaf["分值"] for d in tree for c in d["二级指标"] for leaf in c["三级指标"]]
    assert sum(points) == 90 and all(isinstance(p, Decimal) for p in points)
    assert (read["填报人"], read["联系电话"], read["填报日期"]) == ("李娜", "0730-2233445", datetime.date(2024, 3, 8))


def test_an_xlsx_form_on_a_later_sheet(tmp_path):
    path = _xlsx_form(tmp_path / "两张表.xlsx")
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("说明", 0)
    notes["A1"] = "本表由项目单位填报"
    book.save(path)
    assert read_form(path)["名称"] == "村级公益事业建设项目"


# --- (3) a .docx typed by hand: one table, empty cells under the 一级 names ---------------------------------


def _typed_docx(path: Path) -> Path:
    table = [
        ["项目名称", "乡村道路养护项目", "", "", "", "", "", ""],
        ["主管部门", "青山县交通运输局", "", "", "", "", "", ""],
        ["实施单位", "青山县公路养护中心", "", "", "", "", "", ""],
        ["项目资金", "", "年初预算", "调整预算", "实际支出", "权重", "执行率", "自评得分"],
        ["年度资金总额", "", "１，１００.００", "1,150.00", "1,085.30万元", "10", "94.37%", "9.44"],
        ["其中:本年财政拨款", "", "1000", "1,000", "950.3", "—", "95.03%", "—"],
        ["上年结转", "", "—", "150", "135", "—", "90%", "—"],
        ["其他资金", "", "—", "/", "-", "—", "", "—"],
        ["年度总体目标", "预期目标", "养护农村公路120公里，路面优良率85%以上。", "", "", "", "", ""],
        ["", "实际完成情况", "养护农村公路126公里，路面优良率82%。", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际值", "权重", "自评得分", "未完成原因"],
        ["产出指标", "数量指标", "养护里程", "≥120公里", "126公里", "30", "30", ""],
        ["", "", "养护频次", "≥4次", "4次", "10", "10", "—"],
        ["", "质量指标", "路面优良率", "≥85%", "82%", "20", "１８.５", "雨季集中，部分路段修复滞后"],
        ["效益指标", "社会效益指标", "群众出行便利度", "明显改善", "明显改善", "20", "20", ""],
        ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", "10", "10", ""],
        ["预算执行率", "", "", "", "", "10", "9.44", ""],
        ["合计", "", "", "", "", "100", "97.94", ""],
    ]
    return _docx(
        path,
        [
            "项目支出绩效自评表",
            "（2023年度）",
            table,
            "填报人：张三　　联系电话：13800138000　　填报日期：二〇二四年三月八日",
        ],
    )


def test_a_typed_docx_with_empty_cells_under_the_names(tmp_path):
    read = read_form(_typed_docx(tmp_path / "自评表.docx"))
    assert (read["名称"], read["主管部门"], read["实施单位"]) == (
        "乡村道路养护项目",
        "青山县交通运输局",
        "青山县公路养护中心",
    )
    assert (read["年初预算"], read["调整预算"], read["决算"]) == (
        Decimal("1100.00"),
        Decimal("1150.00"),
        Decimal("1085.30"),
    )
    assert read["资金来源"] == {
        "当年财政拨款": {"年初预算": Decimal(1000), "调整预算": Decimal(1000), "决算": Decimal("950.3")},
        "上年结转资金": {"调整预算": Decimal(150), "决算": Decimal(135)},
    }  # 其他资金 has no figure
    assert read["年度总体目标"] == {
        "预期目标": "养护农村公路120公里，路面优良率85%以上。",
        "实际完成情况": "养护农村公路126公里，路面优良率82%。",
    }
    tree = read["绩效指标"]
    assert [d["名称"] for d in tree] == ["产出指标", "效益指标", "满意度指标"]
    output = tree[0]["二级指标"]
    assert [(c["名称"], [leaf["名称"] for leaf in c["三级指标"]]) for c in output] == [
        ("数量指标", ["养护里程", "养护频次"]),
        ("质量指标", ["路面优良率"]),
    ]
    assert output[0]["三级指标"][1] == {
        "名称": "养护频次",
        "年度指标值": "≥4次",
        "实际完成值": "4次",
        "分值": Decimal(10),
        "得分": Decimal(10),
    }
    assert output[1]["三级指标"][0]["得分"] == Decimal("18.5")  # full-width digits
    assert output[1]["三级指标"][0]["偏差原因"] == "雨季集中，部分路段修复滞后"
    assert tree[2]["二级指标"][0]["三级指标"][0]["实际完成值"] == "93%"
    assert (read["填报人"], read["联系电话"], read["填报日期"]) == ("张三", "13800138000", datetime.date(2024, 3, 8))


def test_labels_on_one_row_and_goals_after_a_colon(tmp_path):
    """主管部门 and 实施单位 on one row, the 项目名称 after its label's colon, the goals
    written in their labels' cells, the indicators in a table of their own."""
    path = _docx(
        tmp_path / "自评表.docx",
        [
            [
                ["项目名称：村卫生室标准化建设", None, None, None],
                ["主管部门", "青山县卫生健康局", "实施单位", "青山县疾病预防控制中心"],
                ["", "年初预算数", "全年预算数", "全年执行数"],
                ["年度资金总额", "50", "60", "58.8"],
                ["财政拨款", "50", "60", "58.8"],
                ["预期目标：完成12个村卫生室标准化建设。", None, "实际完成情况：完成12个。", None],
            ],
            "",
            [
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "建设村卫生室数量", "12个", "12个", "90", "90"],
            ],
        ],
    )
    read = read_form(path)
    assert read["名称"] == "村卫生室标准化建设"
    assert (read["主管部门"], read["实施单位"]) == ("青山县卫生健康局", "青山县疾病预防控制中心")
    assert (read["调整预算"], read["决算"]) == (Decimal(60), Decimal("58.8"))
    assert read["资金来源"] == {
        "当年财政拨款": {"年初预算": Decimal(50), "调整预算": Decimal(60), "决算": Decimal("58.8")}
    }
    assert read["年度总体目标"] == {"预期目标": "完成12个村卫生室标准化建设。", "实际完成情况": "完成12个。"}
    assert read["绩效指标"][0]["二级指标"][0]["三级指标"][0]["分值"] == Decimal(90)
    assert "填报人" not in read and "填报日期" not in read


# --- (4) refusals --------------------------------------------------------------------------------------------


def _messages(excinfo) -> str:
    return " ".join(d.message for d in excinfo.value.diagnostics)


def test_a_docx_that_is_no_form_is_refused(tmp_path):
    path = _docx(
        tmp_path / "通知.docx", ["关于做好2023年度绩效自评工作的通知", [["序号", "单位"], ["1", "青山县财政局"]]]
    )
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert "项目名称" in _messages(excinfo) and "一级指标" in _messages(excinfo)
    assert all(d.file == str(path) for d in excinfo.value.diagnostics)


def test_an_empty_xlsx_is_refused(tmp_path):
    path = tmp_path / "空白.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert "没有找到“项目名称”" in _messages(excinfo)


def test_a_form_without_indicators_is_refused(tmp_path):
    path = _docx(tmp_path / "半张.docx", [[["项目名称", "乡村道路养护项目"], ["年度资金总额", "100"]]])
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert len(excinfo.value.diagnostics) == 1 and "没有找到绩效指标的表头" in _messages(excinfo)


def test_large_files_and_entries_are_refused_before_reading(tmp_path, monkeypatch):
    path = _typed_docx(tmp_path / "自评表.docx")
    monkeypatch.setattr(package, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert "超过" in _messages(excinfo)
    monkeypatch.undo()
    monkeypatch.setattr(package, "MAX_PART_BYTES", 1000)
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert "解压后过大" in _messages(excinfo)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("自评表.pdf", b"%PDF-1.4", "应为 Word 文件"),
        ("自评表.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("自评表.docx", b"not a zip", "不是有效的"),
        ("自评表.xlsx", b"PK\x03\x04broken", "不是有效的"),
    ],
)
def test_files_that_cannot_be_read_are_refused(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as excinfo:
        read_form(path)
    assert said in _messages(excinfo)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InvalidInput) as excinfo:
        read_form(tmp_path / "没有.docx")
    assert "不存在" in _messages(excinfo)
