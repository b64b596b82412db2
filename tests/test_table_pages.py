"""Tables that read across pages, measured on the PDF: heading rows on every
page, figures on one line and right-aligned, headings centred, no cell ending
on a lone character; the lines under a project form; the faces Word is told of."""

from __future__ import annotations

import copy
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, build, rendered, run
from lxml import etree

MOF = SAMPLE.parent / "examples" / "2023-财政部提纲.yaml"
NAMES = [
    "汽车产业高质量发展专项资金",
    "经开区扩区规划及环境影响评价技术服务费",
    "园区企业环保巡检服务",
    "招商引资专项工作经费",
    "办公用房维修改造经费",
    "重点项目前期工作经费",
    "产业发展规划编制及评审服务费",
    "信息化系统运行维护费",
    "企业服务中心运营经费",
    "安全生产监督检查经费",
]
FIGURE = re.compile(r"^\d+(\.\d+)?%?$")


def _dumped(data: dict, path: Path) -> Path:
    dumper = type("Dumper", (yaml.SafeDumper,), {})
    dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _names(count: int) -> list[str]:
    return [NAMES[i % 10] + (f"（第{i // 10 + 1}批）" if i >= 10 else "") for i in range(count)]


def forty_projects(directory: Path) -> Path:
    """The 广东 sample with 40 projects of long names (one of 9999999.99 万元, the widest figure the form takes)."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["部门"] = "青山县市场监督管理局"
    data.pop("附件编号")
    projects = []
    for i, name in enumerate(_names(40)):
        budget = Decimal("9999999.99") if i == 3 else Decimal(1000 + 97 * i) + Decimal("0.37")
        projects.append({"名称": name, "调整预算": budget, "决算": (budget * Decimal("0.9")).quantize(Decimal("0.01"))})
    data["收支"]["项目"] = projects
    data["收支"]["项目支出"] = {}
    for key in ("调整预算", "决算"):
        data["收支"].pop(key)
    data["收支"]["年初预算"] = sum(p["调整预算"] for p in projects) + 400
    return _dumped(data, directory / "forty.yaml")


def _indicators(count: int, total: int) -> list[dict]:
    """``count`` leaves over the 财政部 tree (产出, 效益, 满意度) weighing ``total`` in all."""
    groups = [
        ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
        ("满意度指标", ["服务对象满意度指标"]),
    ]
    seconds = [(first, second) for first, names in groups for second in names]
    weight = (Decimal(total) / count).quantize(Decimal("0.01"))
    weights = [weight] * (count - 1) + [total - weight * (count - 1)]
    tree = []
    for first, names in groups:
        branch = {"名称": first, "二级指标": []}
        for second in names:
            leaves = [j for j in range(count) if seconds[j % len(seconds)] == (first, second)]
            branch["二级指标"].append(
                {
                    "名称": second,
                    "三级指标": [
                        {"名称": f"{second[:-2]}完成情况{j + 1:02d}", "分值": weights[j], "计分": "完成比例"}
                        | {"年度指标值": "≥95%", "实际完成值": "98%"}
                        for j in leaves
                    ],
                }
            )
        tree.append(branch)
    return tree


def mof_package(directory: Path) -> Path:
    """The 财政部 example with 40 evaluated projects (one form of 30 indicators, all in one file)
    and a score sheet of 30 indicators; no 填报人 or 联系电话, so the form leaves them to fill."""
    data = yaml.safe_load(MOF.read_text(encoding="utf-8"))
    data["部门"] = data["落款"]["单位"] = "青山县农业农村局测试"
    model = data["收支"]["项目"][0]
    projects = []
    for i, name in enumerate(_names(40)):
        project = copy.deepcopy(model) | {"名称": name}
        budget = Decimal(20 + i) + Decimal("0.41")
        amounts = {"年初预算": budget * Decimal("0.9"), "调整预算": budget, "决算": budget * Decimal("0.93")}
        amounts = {k: v.quantize(Decimal("0.01")) for k, v in amounts.items()}
        project |= amounts | {"资金来源": {"当年财政拨款": dict(amounts)}}
        project.pop("实施单位")
        if i == 0:
            project["绩效指标"] = _indicators(30, 90)
        projects.append(project)
    budget = data["收支"]
    budget["项目"] = projects
    budget["项目支出"] = {k: sum(p[k] for p in projects) for k in ("年初预算", "调整预算", "决算")}
    for key in ("年初预算", "调整预算", "决算"):
        budget[key] = Decimal(str(budget["基本支出"][key])) + budget["项目支出"][key]
    for key in ("资金来源", "上年决算"):
        budget.pop(key)
    data["自评"]["一级指标"] = [*_indicators(30, 90), {"名称": "预算执行率", "分值": 10, "计分": "预算执行率"}]
    data["项目自评"] = {"输出": "合并", "填报日期": "2024-03-10"}
    return _dumped(data, directory / "mof.yaml")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("tables")
    gd = build(forty_projects(directory), directory / "gd")
    mof = build(mof_package(directory), directory / "mof")
    (forms,) = (directory / "mof").glob("*项目支出绩效自评表.docx")
    return {"gd": rendered(gd), "mof": rendered(mof), "forms": rendered(forms), "forms_docx": forms}


def _cells(page):
    """(bbox, lines) of every table cell of a page, each line (top, x0, x1, text)."""
    for table in page.find_tables():
        for row in table.rows:
            for bbox in row.cells:
                if bbox is None:
                    continue
                x0, top, x1, bottom = bbox
                lines = defaultdict(list)
                for ch in page.chars:
                    if ch["text"].strip() and x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= ch["top"] + 3 <= bottom:
                        lines[round(ch["top"])].append(ch)
                yield (
                    bbox,
                    [
                        (
                            top_,
                            min(c["x0"] for c in chars),
                            max(c["x1"] for c in chars),
                            "".join(c["text"] for c in chars),
                        )
                        for top_, chars in sorted(lines.items())
                        for chars in [sorted(chars, key=lambda c: c["x0"])]
                    ],
                )


def _pages(pdf: Path):
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [list(_cells(page)) for page in document.pages]


def _table_pages(pages, heading: str):
    """The pages holding cells of the table whose heading row starts with ``heading``."""
    return [
        (n, cells) for n, cells in enumerate(pages, 1) if any(heading in "".join(t for *_, t in c) for _, c in cells)
    ]


@pytest.mark.parametrize(
    ("which", "heading", "rows"),
    [
        ("gd", ["项目", "年初预算", "调整预算", "决算", "执行率"], "办公用房维修改造经费"),
        ("mof", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"], r"完成情况\d\d"),
        ("mof", ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "等级"], "经费"),
        ("forms", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"], r"完成情况\d\d"),
    ],
    ids=["收支情况表", "财政部自评表", "汇总表", "项目自评表"],
)
def test_every_page_of_a_long_table_starts_with_its_heading_row(pdfs, which, heading, rows):
    pages = _pages(pdfs[which])
    holding = [
        (n, cells)
        for n, cells in enumerate(pages, 1)
        if any(re.search(rows, "".join(t for *_, t in c)) for _, c in cells)
    ]
    assert len(holding) >= 2, "the table should run over several pages"
    for index, (number, cells) in enumerate(holding):
        rows_at = defaultdict(list)
        for bbox, lines in cells:
            rows_at[round(bbox[1])].append("".join(t for *_, t in lines).replace(" ", ""))
        headed = [top for top, texts in sorted(rows_at.items()) if all(name in texts for name in heading)]
        # The heading row on the table's first page (under a form's fund block), and atop every later page.
        assert headed, f"第 {number} 页没有表头：{sorted(rows_at.items())[:2]}"
        starts = rows_at[min(rows_at)][0] in ("项目名称", "部门（单位）名称")  # a form's first page
        if index and not starts:
            assert headed[0] == min(rows_at), f"第 {number} 页的表头不在页首"


def _lone(pdf: Path) -> list:
    return [
        [t for *_, t in lines]
        for cells in _pages(pdf)
        for _, lines in cells
        if len(lines) > 1 and len(lines[-1][3]) == 1
    ]


@pytest.mark.parametrize("which", ["gd", "mof"])
def test_no_project_name_leaves_one_character_on_a_line(pdfs, which):
    # Budget, summary and score tables of both outlines: no cell's last line is one character.
    assert [lines for lines in _lone(pdfs[which]) if any(ch in "".join(lines) for ch in "费金务")] == []


def test_figures_stand_on_one_line_right_aligned_under_centred_headings(pdfs):
    pages = _pages(pdfs["gd"])
    columns: dict[float, list[float]] = defaultdict(list)
    for cells in pages:
        for bbox, lines in cells:
            texts = [t for *_, t in lines]
            if texts and all(FIGURE.match(t) for t in texts) and "".join(texts) != "—":
                # A figure never wraps: 9999999.99 and 10114783.42 each on one line.
                assert len(lines) == 1, texts
                # Right-aligned: its right edge 4 pt (the cell's padding) inside the cell's.
                assert bbox[2] - lines[0][2] == pytest.approx(4, abs=1.5), (texts, bbox)
                columns[round(bbox[2])].append(lines[0][2])
            if texts and texts[0] in ("年初预算", "调整预算", "决算", "执行率"):
                middle = (lines[0][1] + lines[0][2]) / 2
                assert middle == pytest.approx((bbox[0] + bbox[2]) / 2, abs=1.5), texts
    assert len(columns) >= 3
    for edges in columns.values():
        assert max(edges) - min(edges) < 1  # the right edges of a column's figures line up


def _column_pages(pdf: Path, headings: tuple[str, ...]):
    """For each page of the table whose heading row holds ``headings``: each heading's
    column (x0, x1) and the cells of the page, as (bbox, lines)."""
    for cells in _pages(pdf):
        found = {"".join(t for *_, t in lines).replace(" ", ""): bbox for bbox, lines in cells}
        if all(h in found for h in headings):
            yield {h: (found[h][0], found[h][2]) for h in headings}, cells


@pytest.mark.parametrize(
    ("which", "names", "figures"),
    [
        ("gd", "项目", ("年初预算", "调整预算", "决算", "执行率")),
        ("mof", "项目名称", ("全年预算数", "全年执行数", "执行率")),
    ],
    ids=["收支情况表", "汇总表"],
)
def test_figure_columns_are_as_wide_as_their_widest_figure_and_names_take_the_rest(pdfs, which, names, figures):
    pages = list(_column_pages(pdfs[which], (names, *figures)))
    assert pages
    widest: dict[str, float] = defaultdict(float)
    for columns, cells in pages:
        for heading in figures:
            x0, x1 = columns[heading]
            for bbox, lines in cells:
                text = "".join(t for *_, t in lines).replace(" ", "")
                if abs(bbox[0] - x0) < 1 and abs(bbox[2] - x1) < 1 and (FIGURE.match(text) or text == heading):
                    # Its figures, and its heading's lines (kept whole where there is room).
                    widest[heading] = max(widest[heading], *(right - left for _, left, right, _ in lines))
        # The names take the rest: wider than any column of figures.
        name = columns[names][1] - columns[names][0]
        assert name > max(x1 - x0 for h, (x0, x1) in columns.items() if h != names), columns
    columns, _ = pages[0]
    for heading in figures:
        x0, x1 = columns[heading]
        # Its widest figure or heading line, 4 pt of padding each side, and no more than a character besides
        # (Word's 仿宋_GB2312 and the PDF's face set digits differently; a share of what no name can use).
        assert x1 - x0 <= widest[heading] + 8 + 12, (heading, x1 - x0, widest[heading])


def _lone_lines(pdf: Path) -> list[list[str]]:
    """The cells of the PDF's tables whose last line holds one character, marks aside (“…考 / 核”, “（第3 / 批）”)."""
    marks = re.compile(r"[\s%，。、；：！？（）《》“”‘’—…]")
    return [
        texts
        for cells in _pages(pdf)
        for _, lines in cells
        for texts in [[t for *_, t in lines]]
        if len(texts) > 1 and len(marks.sub("", texts[-1])) <= 1
    ]


def test_no_heading_stands_on_more_than_two_lines_or_leaves_one_character(pdfs):
    headings = {"年初预算", "调整预算", "决算", "执行率", "全年预算数", "全年执行数", "年初预算数", "自评得分"}
    headings |= {"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"}
    seen = 0
    for which in ("gd", "mof", "forms"):
        for cells in _pages(pdfs[which]):
            for _, lines in cells:
                texts = [t.replace(" ", "") for *_, t in lines]
                if "".join(texts) in headings:
                    seen += 1
                    # “全年预 / 算数”, “年度指 / 标值” were 55 pt columns; “全年预算 / 数” never.
                    assert len(texts) <= 2 and (len(texts) == 1 or len(texts[-1]) > 1), texts
                    assert texts not in (["全年预", "算数"], ["年度指", "标值"]), texts
    assert seen > 100


def test_the_indicators_of_forty_forms_leave_no_character_alone(pdfs):
    # 40 forms in one file, one of 30 indicators: “指标1完成情况考 / 核”, “项目工程验收合格 / 率” once stood on
    # every form.  One cell may still, where no widths avoid it: the 30-indicator form's
    # “可持续影响指 / 标”, in the column its 二级 names share with every form.
    lone = _lone_lines(pdfs["forms"])
    assert len(lone) <= 1, lone


def test_every_form_of_a_file_has_the_same_columns(pdfs):
    import pdfplumber

    # A reviewer reading 40 forms finds each column where it was on the form before.
    grids = set()
    with pdfplumber.open(pdfs["forms"]) as document:
        for page in document.pages:
            for table in page.find_tables():
                edges = {round(x, 0) for row in table.rows for cell in row.cells if cell for x in (cell[0], cell[2])}
                if len(edges) == 9:  # the indicator rows: eight columns
                    grids.add(tuple(sorted(edges)))
    assert len(grids) == 1, grids


def test_a_project_form_carries_the_published_lines(pdfs):
    import docx

    document = docx.Document(str(pdfs["forms_docx"]))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(p.text for p in [*document.paragraphs, *(p for cell in cells for p in cell.paragraphs)])
    # Weights in the first-level labels, added up from the data: 15, 12 and 3 leaves of 3 points
    # (a label may be set on two lines, the weight on the second).
    labels = {cell.text.replace("\n", "") for cell in cells}
    assert {"产出指标（45分）", "效益指标（36分）", "满意度指标（9分）"} <= labels
    # 其他资金 and 上年结转资金 rows though the data has only 当年财政拨款.
    assert {"上年结转资金", "其他资金"} <= {label.strip("\u3000") for label in labels}
    # Lines to fill where the data says nothing, the date where it does, the unit from the form.
    assert "填报单位（盖章）：青山县农业农村局测试" in text
    assert "填报人：\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000联系电话：" in text
    assert "填报日期：2024年3月10日" in text
    assert "注：1.预算执行率得分 = 执行率 × 10分" in text


def test_word_is_told_of_every_face_and_its_nearest_substitute(tmp_path):
    data = SAMPLE.read_text(encoding="utf-8") + "\n版式:\n  字体:\n    正文: 仿宋\n    一级标题: Source Han Sans SC\n"
    path = tmp_path / "2023.yaml"
    path.write_text(data, encoding="utf-8")
    result = run("build", path, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (docx_path,) = (tmp_path / "out").glob("*.docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx_path) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    fonts = {
        f.get(w + "name"): tuple(
            f.find(w + tag).get(w + "val") if f.find(w + tag) is not None else None for tag in ("altName", "charset")
        )
        for f in table.iter(w + "font")
    }
    used = {f.get(w + "eastAsia") for f in styles.iter(w + "rFonts")} - {None}
    assert used <= fonts.keys()
    assert fonts["仿宋"] == ("FangSong", "86")
    # A face we do not know is not claimed to be Chinese nor given a substitute.
    assert fonts["Source Han Sans SC"] == (None, None)


def test_a_face_of_the_data_that_is_not_installed_is_named_with_the_face_used(tmp_path):
    from reportgen.rendering import find_office

    if find_office() is None:
        pytest.skip("未安装 LibreOffice（soffice）：--pdf 才会核对字体")
    path = tmp_path / "2023.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "\n版式:\n  字体:\n    正文: 华文仿宋\n", encoding="utf-8")
    result = run("build", "--pdf", path, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if "华文仿宋" in line]
    used = re.search(r"PDF 中用“(.+?)”代替", line).group(1)
    assert line.startswith(f"{path}:") and "警告：版式.字体.正文：本机未安装字体“华文仿宋”" in line
    # The face named is the one fontconfig gives LibreOffice, and it is installed.
    import subprocess

    assert used in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout


def test_the_total_row_never_stands_alone_on_a_page(tmp_path):
    import pdfplumber

    # 27 one-line projects: without the last rows kept with it, 合计 alone on the table's second page
    # (seen in LibreOffice); kept, the two projects above it go with it.
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data.pop("附件编号")
    budget = data["收支"]
    budget["项目"] = [{"名称": f"专项工作经费{i:02d}", "调整预算": 100 + i, "决算": 90 + i} for i in range(27)]
    budget["项目支出"] = {}
    for key in ("调整预算", "决算"):
        budget.pop(key)
    budget["年初预算"] = sum(100 + i for i in range(27)) + 400
    data["附件"] = ["收支情况表"]
    pdf = rendered(build(_dumped(data, tmp_path / "2023.yaml"), tmp_path / "out"))
    with pdfplumber.open(pdf) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    rows = [[line for line in page.splitlines() if line.startswith(("专项工作经费", "合计"))] for page in pages]
    table = [page for page in rows if page]
    assert len(table) == 2 and table[-1][-1].startswith("合计")
    assert len(table[-1]) >= 3 and table[-1][-2].startswith("专项工作经费26")


@pytest.mark.parametrize("which", ["forms", "mof"], ids=["项目支出绩效自评表", "部门整体支出绩效自评表"])
def test_a_form_sets_its_goals_as_text_under_centred_headings(pdfs, which):
    import docx

    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def aligned(cell) -> tuple[str, str]:
        jc = cell.paragraphs[0]._p.find(f"{word}pPr/{word}jc")
        return cell.text, jc.get(f"{word}val") if jc is not None else "left"

    document = docx.Document(str(pdfs[which].with_suffix(".docx")))
    checked = 0
    for table in document.tables:
        rows = [list(dict.fromkeys(row.cells)) for row in table.rows]  # a merged cell once
        for heading, goals in zip(rows, rows[1:]):
            if [c.text for c in heading[1:]] != ["预期目标", "实际完成情况"]:
                continue
            assert [aligned(c)[1] for c in heading[1:]] == ["center", "center"]
            # Both goals are sentences: left-aligned, though the column of 实际完成情况 centres its figures above.
            texts = [aligned(c) for c in goals[1:]]
            assert all(len(text) > 10 and how == "left" for text, how in texts), texts
            checked += 1
    assert checked >= 1


def test_a_form_keeps_its_lines_under_the_table_with_its_last_rows(pdfs):
    import pdfplumber

    # The 30-indicator form ends near a page foot: its 填报单位/填报人/注 lines once stood alone on
    # the next page.  Now the page that holds them holds 总分 and indicator rows above it.
    with pdfplumber.open(pdfs["forms"]) as document:
        pages = [(page.extract_text() or "").splitlines() for page in document.pages]
    holding = [lines for lines in pages if any(line.startswith("填报单位（盖章）") for line in lines)]
    assert len(holding) == 40  # one a form
    for lines in holding:
        at = next(i for i, line in enumerate(lines) if line.startswith("填报单位（盖章）"))
        assert lines[at - 1].startswith("总分"), lines[at - 3 : at + 1]
        assert any(re.search(r"≥\d|指标值", line) for line in lines[:at]), lines[: at + 1]


def test_a_weight_in_brackets_is_never_broken_inside(pdfs):
    # “效益指标（30 / 分）” read as two words; where the column cannot hold the label on one
    # line, the weight starts the second line: “效益指标 / （30分）”.
    broken, whole = [], 0
    for cells in _pages(pdfs["forms"]):
        for _bbox, lines in cells:
            texts = [t.replace(" ", "") for *_, t in lines]
            broken += [texts for first in texts[:-1] if re.search(r"（\d*$|（\d+分?$", first)]
            whole += sum(bool(re.fullmatch(r"（\d+(\.\d+)?分）", t)) for t in texts)
    assert not broken
    assert whole  # the 3-indicator forms' 效益指标 column holds its label on two lines


def form_at_the_page_foot(directory: Path) -> Path:
    """The 广东 sample with one evaluated project whose form is attached to the report, of such a
    height that the row of its first merged cell (产出指标) is the last that fits the form's page
    (found by a reviewer, in a report of 36 projects)."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["附件"] = ["项目支出绩效自评表"]
    data["项目自评"] = {"填报人": "王建国", "联系电话": "0730-8123456", "填报日期": "2024-03-10"}
    leaf = {"分值": 25, "年度指标值": "≥95%", "实际完成值": "97%"}
    project = {
        "名称": "农村人居环境整治提升专项资金",
        "年初预算": 95,
        "调整预算": 100,
        "决算": 82,
        "资金来源": {"当年财政拨款": {"年初预算": 95, "调整预算": 100, "决算": 82}},
        "年度总体目标": {
            "预期目标": "按计划完成年度工作任务，资金使用规范，按季度开展绩效监控。",
            "实际完成情况": "基本完成年度工作任务。",
        },
        "绩效指标": [
            {
                "名称": "产出指标",
                "二级指标": [
                    {"名称": "数量指标", "三级指标": [{"名称": "指标1完成情况考核", **leaf}]},
                    {"名称": "质量指标", "三级指标": [{"名称": "指标2完成情况考核", **leaf}]},
                ],
            },
            {
                "名称": "效益指标",
                "二级指标": [{"名称": "经济效益指标", "三级指标": [{"名称": "指标3完成情况考核", **leaf, "分值": 30}]}],
            },
            {
                "名称": "满意度指标",
                "二级指标": [
                    {
                        "名称": "服务对象满意度指标",
                        "三级指标": [
                            {"名称": "指标4完成情况考核", **leaf, "分值": 5},
                            {"名称": "指标5完成情况考核", **leaf, "分值": 5, "实际完成值": "90%"}
                            | {
                                "偏差原因": "受汛期影响部分工作推迟到次年一季度完成，已制定整改计划",
                                "改进措施": "提前制定计划",
                            },
                        ],
                    }
                ],
            },
        ],
    }
    budget = data["收支"]
    budget["项目"] = [project]
    budget["项目支出"] = {}
    for key in ("调整预算", "决算"):
        budget.pop(key)
    budget["年初预算"] = 500
    return _dumped(data, directory / "foot.yaml")


def test_a_form_whose_first_merged_row_ends_its_page_loses_nothing_in_the_pdf(tmp_path):
    import pdfplumber
    from test_pdf_text import difference

    # LibreOffice laid the next row, which could not split, past the page foot and left every row
    # after it (效益指标, 满意度指标, 总分) out of the PDF, with an empty page after.  The row where a
    # merged cell starts may now split across the pages, and nothing is lost.
    report = build(form_at_the_page_foot(tmp_path), tmp_path / "out")
    pdf = rendered(report)
    with pdfplumber.open(pdf) as document:
        pages = [(page.extract_text() or "").splitlines() for page in document.pages if page.width > page.height]
    # The case itself: the form's first page ends in its 产出指标 row (else the test no longer tests it).
    # (Its label may stand on two lines, the weight on the second: the page's last two lines then.)
    ends = "".join(pages[0][-2:]).replace(" ", "")
    assert len(pages) == 2 and re.match(r"产出指标(（50分）)?数量指标", pages[0][-2].replace(" ", "")), pages[0][-2:]
    assert "（50分）" in ends and not any(line.startswith("产出指标") for line in pages[1]), [page[-2:] for page in pages]
    assert difference(report, pdf) == {}


@pytest.mark.parametrize("which", ["gd", "mof", "forms"])
def test_the_pdf_of_long_tables_holds_every_character(pdfs, which):
    from test_pdf_text import difference

    assert difference(pdfs[which].with_suffix(".docx"), pdfs[which]) == {}


def test_the_rows_of_a_small_merged_cell_stay_on_one_page(tmp_path):
    import pdfplumber

    # A long organ name puts the 部门整体支出绩效自评表's 年度总体目标 block (its heading row and the three
    # goals the cell is merged over) at a page foot: the third goal sat on the next page under the
    # repeated 部门（单位）名称 row, with no labels.  Now the block moves whole.
    data = yaml.safe_load(MOF.read_text(encoding="utf-8"))
    data["部门"] = data["落款"]["单位"] = "广西壮族自治区南宁市青秀区市场监督管理局"
    data["附件"] = ["收支情况表", "绩效自评表", "项目自评汇总表"]
    goals = [goal["目标"][:10] for goal in data["绩效目标"]]
    pdf = rendered(build(_dumped(data, tmp_path / "long.yaml"), tmp_path / "out"))
    with pdfplumber.open(pdf) as document:
        # The 自评表's pages (landscape): the goals are in the report's text too.
        pages = [(page.extract_text() or "").replace(" ", "") for page in document.pages if page.width > page.height]
    holding = [n for n, text in enumerate(pages) if any(goal.replace(" ", "") in text for goal in goals)]
    assert len(goals) == 3 and len(holding) == 1, holding
    assert "预期目标" in pages[holding[0]] and all(goal.replace(" ", "") in pages[holding[0]] for goal in goals)
