"""A department's own template set: keys it declares, attachments by name,
templates that compute in Decimal, and bounds on what a template may cost;
and references to figures inside the data's own text."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE, SAMPLE_NAME, paragraphs, refused, rendered, run, write_variant
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from ooxml import violations

from reportgen import watchdog, wording

OUTLINE = """\
附件:
  项目支出绩效自评表: attachments/projects.md.j2
字段:
  通知文号:
    类型: 文字
    必填: 是
    说明: 开展自评工作的通知的文号
  重点项目数:
    类型: 整数
  预算编码:
    类型: 文字
    沿用: 是
  专项资金:
    类型: 表
    列: {名称: 文字, 金额: 金额}
"""

DUTIES = """\
根据{{ 通知文号 }}的要求，{{ 自称 }}有重点项目{{ 重点项目数 }}个。

{% for 行 in 专项资金 or [] %}
{{ 行.名称 }}{{ 行.金额 | money }}万元。

{% endfor %}
{% for duty in 部门职能 %}
1. {{ duty }}
{% endfor %}
"""

PROJECTS = """\
{.title}
{% for line in 附件标题行 %}
{{ line }}
{% endfor %}

| 项目 | 调整预算 | 决算 | 执行率 |
|:--|--:|--:|--:|
{% for p in 收支.项目 %}
| {{ p.名称 }} | {{ p.调整预算 | money }} | {{ p.决算 | money }} | {{ p.执行率 | percent }} |
{% endfor %}
"""

FIELDS = """\
通知文号: 番财绩〔2024〕2号
预算编码: 440113-001
重点项目数: 3
专项资金:
  - 名称: 招商专项
    金额: 120.00
"""


def _template_set(tmp_path: Path) -> Path:
    folder = tmp_path / "我的模板"
    (folder / "sections").mkdir(parents=True)
    (folder / "attachments").mkdir()
    (folder / "outline.yaml").write_text(OUTLINE, encoding="utf-8")
    (folder / "sections" / "duties.md.j2").write_text(DUTIES, encoding="utf-8")
    (folder / "attachments" / "projects.md.j2").write_text(PROJECTS, encoding="utf-8")
    return folder


def _with_fields(
    tmp_path: Path, fields: str = FIELDS, attachments: str = "[收支情况表, 绩效自评表, 项目支出绩效自评表]"
):
    return write_variant(
        tmp_path, ("自称: 我委\n", "自称: 我委\n" + fields), ("附件: [收支情况表, 绩效自评表]", f"附件: {attachments}")
    )


def test_declared_keys_reach_the_report_and_attachments_by_name(tmp_path):
    templates = _template_set(tmp_path)
    data = _with_fields(tmp_path)
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    assert "根据番财绩〔2024〕2号的要求，我委有重点项目3个。" in text
    assert "招商专项120.00万元。" in text
    assert "附件：2-1.2023年度广州番禺经济技术开发区管理委员会部门整体收支情况表" in text
    assert "2-3.2023年度广州番禺经济技术开发区管理委员会项目支出绩效自评表" in text
    at = text.index("附件2-3")
    assert text[at + 1] == "2023年度广州番禺经济技术开发区管理委员会项目支出绩效自评表"
    assert text[at + 2 : at + 4] == ["项目调整预算决算执行率", "办公用房经费88.0081.0092.05%"] or "附件2-3" in text


def test_declared_keys_are_validated_like_built_in_ones(tmp_path):
    templates = _template_set(tmp_path)
    data = _with_fields(
        tmp_path, "重点项目数: 三个\n专项资金:\n  - 名称: 招商专项\n    金额: 1,200\n", attachments="[收支情况表]"
    )
    result = run("check", data, "--templates", templates)
    assert result.exit_code == 1
    assert "2023.yaml 错误：通知文号：缺少此项（必填）" in result.output
    assert '2023.yaml:15:8 错误：重点项目数：应为整数（只写阿拉伯数字，如 18），实际为 "三个"' in result.output
    assert (
        '2023.yaml:18:9 错误：专项资金[1].金额：应为金额（万元）（如 1028.77），不要写千分位逗号，实际为 "1,200"'
        in result.output
    )


def test_without_the_template_set_the_keys_are_unknown(tmp_path):
    data = _with_fields(tmp_path)
    result = run("check", data)
    assert result.exit_code == 1
    assert "2023.yaml:15:7 错误：通知文号：未知的键“通知文号”" in result.output


def test_schema_with_a_template_set_offers_its_keys(tmp_path):
    templates = _template_set(tmp_path)
    result = run("schema", "--templates", templates)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["properties"]["通知文号"]["description"] == "开展自评工作的通知的文号"
    assert "通知文号" in schema["required"] and "重点项目数" not in schema["required"]
    assert "项目支出绩效自评表" in json.dumps(schema["properties"]["附件"], ensure_ascii=False)
    plain = json.loads(run("schema").output)
    assert "通知文号" not in plain["properties"]


def _next_year(templates: Path, data: Path) -> str:
    """What init writes for 2024 from ``data`` with ``templates``."""
    result = run("init", "2024", "--from", data, "--templates", templates)
    assert result.exit_code == 0, result.output
    return (data.parent / "2024.yaml").read_text(encoding="utf-8")


def test_init_and_diff_handle_declared_keys(tmp_path):
    templates = _template_set(tmp_path)
    data = _with_fields(tmp_path)
    text = _next_year(templates, data)
    # A key declared 沿用 is the same next year (the 预算编码); the others are asked again.
    assert "通知文号: 待填写\n预算编码: 440113-001\n重点项目数: 待填写\n" in text

    changed = tmp_path / "changed.yaml"
    changed.write_text(data.read_text(encoding="utf-8").replace("重点项目数: 3", "重点项目数: 4"), encoding="utf-8")
    result = run("diff", data, changed, "--templates", templates)
    assert result.exit_code == 0, result.output
    assert "重点项目数：3 → 4" in result.output


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        (
            "字段:\n  文号:\n    类型: 字符串\n",
            "outline.yaml:3:9 错误：字段.文号.类型：只能填：文字、金额、分值、百分数、整数、日期、是否、列表、表",
        ),
        ("字段:\n  部门:\n    类型: 文字\n", "outline.yaml:2:3 错误：字段.部门：“部门”是内置的键，模板集不能重新声明"),
        # Names the wording stage gives templates beside the data would silently replace the key.
        (
            "字段:\n  附件模板:\n    类型: 文字\n",
            "outline.yaml:2:3 错误：字段.附件模板：“附件模板”是程序提供给模板的名称，模板集不能声明为自己的键",
        ),
        (
            "字段:\n  标题行:\n    类型: 列表\n",
            "outline.yaml:2:3 错误：字段.标题行：“标题行”是程序提供给模板的名称，模板集不能声明为自己的键",
        ),
        ("附件:\n  甲表: ../../etc/passwd\n", "outline.yaml:2:7 错误：附件.甲表：应为模板目录内的相对路径"),
        (
            "附件:\n  甲表: attachments/none.md.j2\n",
            "outline.yaml:2:7 错误：附件.甲表：找不到模板文件 attachments/none.md.j2",
        ),
        (
            "附件:\n" + "".join(f"  表{n}: attachments/budget.md.j2\n" for n in range(21)),
            "outline.yaml:1:1 错误：附件：最多 20 项，实际为 21 项",
        ),
    ],
)
def test_a_broken_outline_file_is_reported_in_it(tmp_path, outline, message):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "outline.yaml").write_text(outline, encoding="utf-8")
    refused(write_variant(tmp_path), message, options=("--templates", folder))


# --- templates that compute -----------------------------------------------------------------


def _template(tmp_path: Path, body: str, name: str = "sections/problems.md.j2") -> Path:
    folder = tmp_path / "t"
    (folder / Path(name).parent).mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def _problems_paragraph(tmp_path: Path, body: str, data: Path | None = None) -> str:
    templates = _template(tmp_path, body)
    data = data or write_variant(tmp_path)
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    return text[text.index("三、存在的主要问题") + 1]


def test_filters_compute_in_decimal_half_up(tmp_path):
    data = write_variant(tmp_path, ("  决算: 1004.09\n", "  决算: 1004.09\n  上年决算: 951.30\n"))
    body = (
        "较上年增加{{ 收支.决算 | change(收支.上年决算) | money }}万元，"
        "增长{{ 收支.决算 | growth(收支.上年决算) | percent }}，"
        "基本支出占{{ 收支.基本支出.决算 | share(收支.决算) | percent }}，"
        "比值{{ 收支.决算 | ratio(收支.调整预算) }}。\n"
    )
    # 1004.09 − 951.30 = 52.79; 52.79 ÷ 951.30 = 5.5492…% → 5.55%
    # 454.25 ÷ 1004.09 = 45.239…% → 45.24%; 1004.09 ÷ 1028.77 = 0.97600… → 0.98
    assert _problems_paragraph(tmp_path, body, data) == "较上年增加52.79万元，增长5.55%，基本支出占45.24%，比值0.98。"


def test_do_and_loop_controls_are_enabled(tmp_path):
    body = (
        "{% set 名单 = [] %}{% for p in 收支.项目 %}{% if loop.index > 1 %}{% break %}{% endif %}"
        "{% do 名单.append(p.名称) %}{% endfor %}只列第一个：{{ 名单 | join('、') }}。\n"
    )
    assert _problems_paragraph(tmp_path, body) == "只列第一个：办公用房经费。"


@pytest.mark.parametrize("expression", ["收支.决算 * 1.0", "收支.决算 | float", "1.5"])
def test_a_float_in_a_template_is_refused_with_the_line(tmp_path, expression):
    templates = _template(tmp_path, f"第一行\n\n执行数{{{{ ({expression}) | money }}}}万元。\n")
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1
    assert "problems.md.j2:3" in result.output
    assert "请用过滤器 change、growth、share、ratio" in result.output or "float" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 9 ** (9 ** 10) }}", "乘方的指数不能超过"),
        ("{{ '啊' * 1000000000 }}", "重复的次数不能超过"),
        ("{% for i in range(50000) %}{% endfor %}", "range() 最多"),
    ],
)
def test_runaway_templates_end_with_a_message(tmp_path, body, message):
    templates = _template(tmp_path, body + "\n")
    refused(write_variant(tmp_path), "模板运行超出限制：", message, options=("--templates", templates))


def test_a_slow_template_is_stopped_by_the_clock(tmp_path, monkeypatch):
    monkeypatch.setattr(wording, "RENDER_SECONDS", 0.2)
    templates = _template(tmp_path, "{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}\n")
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1
    assert "模板运行超过 0.2 秒" in result.output


# --- references in the data's own text --------------------------------------------------------


def test_references_count_list_items_from_one(tmp_path):
    data = write_variant(
        tmp_path,
        (
            "  评价: 从预算支出情况来看，",
            "  评价: 第二个项目执行率{{ 收支.项目[2].执行率 | percent }}。从预算支出情况来看，",
        ),
    )
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert any(
        "第二个项目执行率80.55%。从预算支出情况来看" in p for p in paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ 1/0 }}", "引用了不存在的项“1/0”"),
        ("{% for i in range(9) %}x{% endfor %}", "不是一个引用"),
        ("{{ 收支 }}", "“收支”是一组数据，不是一个数或一段文字"),
        ("{{ 收支.执行率 }}", "“收支.执行率”是数字，请写明格式"),
        ("{{ 收支.执行率 | upper }}", "没有“upper”这种格式"),
        ("{{ 收支.项目[3].执行率 | percent }}", "“收支.项目[3]”：只有 2 项（从 1 数起）"),
    ],
)
def test_anything_but_a_reference_is_an_error_at_its_place(tmp_path, text, message):
    data = write_variant(
        tmp_path,
        ("  评价: 从预算支出情况来看，", f"  评价: '{text}从预算支出情况来看，"),
        ("较为理想。\n", "较为理想。'\n"),
    )
    result = run("check", data)
    assert result.exit_code == 1
    assert "2023.yaml:79:" in result.output and "收支.评价：第 1 个字符处：" in result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_loop_that_touches_nothing_is_stopped_too(tmp_path, monkeypatch):
    """Nested loops over plain lists check no clock: the stopwatch ends them."""
    monkeypatch.setattr(wording, "RENDER_SECONDS", 0.2)
    body = "{% set xs = [0] * 3000 %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}\n"
    templates = _template(tmp_path, body)
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1
    assert "模板运行超过 0.2 秒" in result.output and "problems.md.j2" in result.output


def test_the_stopwatch_works_where_processes_cannot_fork(tmp_path):
    """Windows has no os.register_at_fork (a worker there starts afresh): the
    watching thread is set up without it, and still stops the loop."""
    body = "{% set xs = [0] * 3000 %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}\n"
    templates = _template(tmp_path, body)
    probe = (
        "import os, sys\n"
        "del os.fork, os.register_at_fork\n"
        "from reportgen import wording\n"
        "wording.RENDER_SECONDS = 0.2\n"
        f"sys.argv = ['reportgen', 'check', {str(write_variant(tmp_path))!r}, '--templates', {str(templates)!r}]\n"
        "from reportgen.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "模板运行超过 0.2 秒" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("{{ 自称 | center(1000000000) }}", "模板运行超出限制："),
        # The filter centres; the method is not offered at all.
        ("{{ 自称.center(1000000000) }}", "模板运行出错：模板中不能调用文字的方法 center"),
        ("{{ '%1000000000s' % 自称 }}", "模板运行超出限制："),
        ("{{ '{:>1000000000}'.format(自称) }}", "模板运行超出限制："),
        ("{{ 部门职能 | join('、') | indent(1000000000) }}", "模板运行超出限制："),
    ],
)
def test_filters_and_methods_cannot_build_huge_strings(tmp_path, body, said):
    templates = _template(tmp_path, body + "\n")
    result = run("check", write_variant(tmp_path), "--templates", templates)
    assert result.exit_code == 1
    assert said in result.output


# --- keys every indicator carries (a 评分表 with a 评分标准 column) --------------------------

RUBRIC_OUTLINE = """\
附件:
  评分表: attachments/rubric.md.j2
指标字段:
  评分标准:
    类型: 文字
    必填: 是
    沿用: 是
    说明: 该指标的评分规则
  未完成原因:
    类型: 文字
"""

RUBRIC = """\
{.title}
{% for line in 附件标题行 %}
{{ line }}
{% endfor %}

| 指标 | 分值 | 评分标准 | 得分 | 未完成原因 |
|:--|--:|:--|--:|:--|
{% for 一级 in 自评.一级指标 %}
{% for 指标 in 一级.末级指标 %}
| {{ 指标.名称 }} | {{ 指标.分值 | score }} | {{ 指标.评分标准 }} | {{ 指标.得分 | score }} | {{ 指标.未完成原因 or "" }} |
{% endfor %}
{% endfor %}
"""


def _rubric_set(tmp_path: Path) -> Path:
    folder = tmp_path / "评分表模板"
    (folder / "attachments").mkdir(parents=True)
    (folder / "outline.yaml").write_text(RUBRIC_OUTLINE, encoding="utf-8")
    (folder / "attachments" / "rubric.md.j2").write_text(RUBRIC, encoding="utf-8")
    return folder


def _rubric_data(tmp_path: Path, skip: str = "") -> Path:
    """The sample with a 评分标准 on every scored indicator (but ``skip``'s), and a 未完成原因 on 绩效管理."""
    lines = []
    for line in (
        write_variant(tmp_path, ("附件: [收支情况表, 绩效自评表]", "附件: [评分表]"), name="base.yaml")
        .read_text(encoding="utf-8")
        .splitlines(keepends=True)
    ):
        lines.append(line)
        leaf = line.startswith("        - 名称: ")
        name = line.split("名称: ")[-1].strip()
        if leaf and name != skip:
            lines.append(f"          评分标准: {name}达到要求得满分\n")
        if leaf and name == "绩效管理":
            lines.append("          未完成原因: 制度尚在起草\n")
    path = tmp_path / "2023.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_declared_indicator_keys_are_columns_of_the_score_sheet(tmp_path):
    templates = _rubric_set(tmp_path)
    result = run("build", _rubric_data(tmp_path), "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    table = docx.Document(str(tmp_path / "out" / f"{SAMPLE_NAME}.docx")).tables[-1]
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows}
    # 分值, 评分标准, 得分 (执行率 97.60 % of 10; the sample's 绩效管理 loses 2 of 10), 未完成原因.
    assert rows["部门预算资金支出率"] == ["10", "部门预算资金支出率达到要求得满分", "9.76", ""]
    assert rows["绩效管理"] == ["10", "绩效管理达到要求得满分", "8", "制度尚在起草"]
    assert rows["采购管理"] == ["5", "采购管理达到要求得满分", "5", ""]


def test_a_required_indicator_key_is_asked_of_every_scored_indicator(tmp_path):
    templates = _rubric_set(tmp_path)
    data = _rubric_data(tmp_path, skip="信息公开")
    result = refused(data, options=("--templates", templates))
    lines = [line for line in result.output.splitlines() if "评分标准" in line]
    # 信息公开 is the third 二级指标 of 管理效率; it starts on line 120 (116 of the sample, and 4 评分标准 lines before it).
    assert lines == [
        f"{data}:120:11 错误：自评.一级指标[2].二级指标[3].评分标准：缺少此项（模板集声明的指标字段，每个末级指标都要填写）"
    ], result.output
    assert run("build", data, "--templates", templates, "--out-dir", tmp_path / "out").exit_code == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_init_keeps_a_carried_indicator_key_and_asks_the_others_again(tmp_path):
    text = _next_year(_rubric_set(tmp_path), _rubric_data(tmp_path))
    assert "          评分标准: 预算编制达到要求得满分\n" in text
    assert "          未完成原因: 待填写\n" in text


def test_an_indicator_key_cannot_shadow_a_built_in_or_computed_one(tmp_path):
    templates = _rubric_set(tmp_path)
    (templates / "outline.yaml").write_text(
        "指标字段:\n  得分:\n    类型: 分值\n  完成率:\n    类型: 百分数\n", encoding="utf-8"
    )
    result = run("check", SAMPLE, "--templates", templates)
    assert result.exit_code == 1
    assert "outline.yaml:2:3 错误：指标字段.得分：“得分”是指标内置的键或算出的数，模板集不能重新声明" in result.output
    assert "outline.yaml:4:3 错误：指标字段.完成率：“完成率”是指标内置的键或算出的数" in result.output


def test_schema_with_a_template_set_offers_its_indicator_keys(tmp_path):
    schema = json.loads(run("schema", "--templates", _rubric_set(tmp_path)).output)
    described = json.dumps(schema, ensure_ascii=False)
    assert described.count('"评分标准"') >= 3  # on 一级, 二级 and 三级指标
    assert "该指标的评分规则" in described


def test_diff_names_a_changed_indicator_key_by_its_indicator(tmp_path):
    templates = _rubric_set(tmp_path)
    data = _rubric_data(tmp_path)
    changed = tmp_path / "changed.yaml"
    changed.write_text(data.read_text(encoding="utf-8").replace("制度尚在起草", "制度已起草待审定"), encoding="utf-8")
    result = run("diff", data, changed, "--templates", templates)
    assert result.exit_code == 0, result.output
    assert "指标“管理效率/绩效管理”未完成原因：制度尚在起草 → 制度已起草待审定" in result.output


# --- an outline of its own (岳阳's), and one that extends a built-in one ----------------------

OWN_REPORT = """\
{.title}
{% for line in 标题行 %}
{{ line }}
{% endfor %}

# 部门基本情况

{{ 自称 }}全年预算{{ 收支.调整预算 | money }}万元，执行率{{ 收支.执行率 | percent }}。

# 评价结论

自评得分{{ 自评.总分 | score }}分，等级为“{{ 自评.等级 }}”。
"""


def _own_outline(tmp_path: Path, spec: str = "名称: 岳阳\n", report: str | None = OWN_REPORT) -> Path:
    folder = tmp_path / "岳阳模板"
    folder.mkdir()
    (folder / "outline.yaml").write_text(spec, encoding="utf-8")
    if report is not None:
        (folder / "report.md.j2").write_text(report, encoding="utf-8")
    return folder


def _without_management(tmp_path: Path, outline: str = "", attachments: str = "[收支情况表, 绩效自评表]") -> Path:
    """The sample without 绩效管理 (广东 requires it), with ``outline`` before 年度."""
    text = SAMPLE.read_text(encoding="utf-8").replace("附件: [收支情况表, 绩效自评表]", f"附件: {attachments}")
    text = text[: text.index("\n绩效管理:")] + text[text.index("\n自评:") :]
    path = tmp_path / "2023.yaml"
    path.write_text(text.replace("\n年度:", f"\n{outline}年度:", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("outline", ["提纲: 岳阳\n", ""], ids=["named", "the folder's by default"])
def test_a_folder_with_an_outline_of_its_own_stands_alone(tmp_path, outline):
    templates = _own_outline(tmp_path)
    # It has no attachments: the sample's are refused, saying so.
    refused(
        _without_management(tmp_path, outline),
        '错误：附件[1]：所选的提纲没有附表，“附件”只能不写或写 []，实际为 "收支情况表"',
        options=("--templates", templates),
    )
    data = _without_management(tmp_path, outline, attachments="[]")
    # Nor does it need 部门职能, 绩效目标 or 改进措施, which both built-in outlines require.
    text = data.read_text(encoding="utf-8")
    for key, after in (("部门职能", "\n# 一、（二）"), ("绩效目标", "\n# 一、（四）"), ("改进措施", None)):
        text = text[: text.index(f"\n{key}:")] + (text[text.index(after) :] if after else "\n")
    data.write_text(text, encoding="utf-8")
    assert all(f"\n{key}:" not in text for key in ("部门职能", "绩效目标", "改进措施"))
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    # Only its own skeleton: 广东's sections (and its required 绩效管理) are not asked for.
    assert text[1:] == [
        "一、部门基本情况",
        "我委全年预算1028.77万元，执行率97.60%。",
        "二、评价结论",
        "自评得分97.76分，等级为“优”。",
    ], text
    schema = json.loads(run("schema", "--templates", templates).output)
    assert schema["properties"]["提纲"]["enum"] == ["广东", "财政部", "岳阳"]


def test_an_outline_of_its_own_is_known_only_with_its_folder(tmp_path):
    refused(
        _without_management(tmp_path, "提纲: 岳阳\n"),
        '错误：提纲：只能填：广东、财政部，实际为 "岳阳"；“岳阳”若是自己的提纲，生成时要给出它的模板目录：--templates 目录',
    )


def test_an_outline_standing_alone_needs_its_skeleton_or_a_parent(tmp_path):
    alone = _own_outline(tmp_path, report=None)
    refused(
        _without_management(tmp_path),
        "outline.yaml:1:5 错误：名称：独立的提纲需要自己的 report.md.j2；或写“继承: 广东”",
        options=("--templates", alone),
    )
    (alone / "outline.yaml").write_text("名称: 岳阳\n继承: 湖南\n", encoding="utf-8")
    refused(
        _without_management(tmp_path),
        'outline.yaml:2:5 错误：继承：只能继承内置的提纲：广东、财政部，实际为 "湖南"',
        options=("--templates", alone),
    )


def test_an_outline_extending_a_built_in_one_keeps_its_requirements_and_replaces_a_template(tmp_path):
    templates = _own_outline(tmp_path, "名称: 番禺\n继承: 广东\n必填: [落款]\n", report=None)
    (templates / "sections").mkdir()
    (templates / "sections" / "problems.md.j2").write_text("本年度未发现需要说明的问题。\n", encoding="utf-8")
    refused(
        _without_management(tmp_path),
        "错误：绩效管理：缺少此项（必填）",
        "错误：落款：缺少此项（必填）",
        options=("--templates", templates),
    )
    data = write_variant(tmp_path, ("\n年度:", "\n落款:\n  单位: 某局\n  日期: 2024-03-08\n年度:"), name="signed.yaml")
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    # 广东's skeleton and sections, with the folder's own 存在的主要问题.
    at = text.index("三、存在的主要问题")
    assert text[at + 1] == "本年度未发现需要说明的问题。"
    assert "二、绩效自评情况" in text and "某局" in text


def test_a_file_name_template_tells_two_departments_apart(tmp_path):
    """岳阳's title does not name the department: without a file-name template of the
    outline's own, two departments of one city write one file, and are told so."""
    templates = _own_outline(tmp_path, report=OWN_REPORT)
    (templates / "title.j2").write_text("{{ 年度 }}年度部门整体支出绩效评价报告\n", encoding="utf-8")
    first = _without_management(tmp_path, attachments="[]")
    second = tmp_path / "交通局.yaml"
    second.write_text(
        first.read_text(encoding="utf-8").replace("部门: 广州番禺经济技术开发区管理委员会", "部门: 岳阳市交通运输局"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("build", first, second, "--templates", templates, "--out-dir", out)
    assert result.exit_code == 1
    assert f"{first}、{second} 生成同一个文件 2023年度部门整体支出绩效评价报告.docx" in result.output

    (templates / "filename.j2").write_text("{{ 年度 }}年度{{ 部门 }}\n部门整体支出绩效评价报告\n", encoding="utf-8")
    result = run("build", first, second, "--templates", templates, "--out-dir", out, "--force")
    assert result.exit_code == 0, result.output
    # Beside the one file the first build left, each department's own.
    assert {p.name for p in out.glob("*.docx")} == {
        "2023年度部门整体支出绩效评价报告.docx",
        "2023年度岳阳市交通运输局部门整体支出绩效评价报告.docx",
        "2023年度广州番禺经济技术开发区管理委员会部门整体支出绩效评价报告.docx",
    }
    assert (
        paragraphs(out / "2023年度岳阳市交通运输局部门整体支出绩效评价报告.docx")[0]
        == "2023年度部门整体支出绩效评价报告"
    )


def test_a_file_name_template_writing_nothing_is_refused_at_its_file(tmp_path):
    templates = _own_outline(tmp_path)
    (templates / "filename.j2").write_text("{# 忘了写 #}\n", encoding="utf-8")
    refused(
        _without_management(tmp_path, attachments="[]"),
        "filename.j2 错误：文件名模板的输出为空",
        options=("--templates", templates),
    )


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT9.报告"])
def test_a_file_name_windows_keeps_for_a_device_is_written_as_a_file(tmp_path, name):
    # On Windows “CON.docx” is the console, not a file: the report would be lost there.
    templates = _own_outline(tmp_path)
    (templates / "filename.j2").write_text(name, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", _without_management(tmp_path, attachments="[]"), "--templates", templates, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("*.docx")] == [f"_{name}.docx"]


# --- a cover page and forced page breaks -------------------------------------------------

COVER_REPORT = """\
{.title}
{{ 年度 }}年度部门整体支出绩效评价报告

{.cover}
部门（单位）名称：{{ 部门 }}
评价方式：部门自评

{.cover .center}
岳阳市财政局（制）

# 部门基本情况

{{ 自称 }}全年预算{{ 收支.调整预算 | money }}万元。

{.pagebreak}
# 评价结论

自评得分{{ 自评.总分 | score }}分。

{.pagebreak}
| 指标 | 得分 |
|:--|--:|
{% for 一级 in 自评.一级指标 %}
| {{ 一级.名称 }} | {{ 一级.得分 | score }} |
{% endfor %}
"""


def _built_alone(tmp_path: Path, report: str) -> Path:
    """The sample built with an outline of its own whose skeleton is ``report``: valid OOXML."""
    templates = _own_outline(tmp_path, report=report)
    data = _without_management(tmp_path, attachments="[]")
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    docx_path = tmp_path / f"{SAMPLE_NAME}.docx"
    assert violations(docx_path) == []
    return docx_path


def _pdf_lines(docx_path: Path) -> list[list[str]]:
    """Each page's lines as LibreOffice lays them out, without spaces."""
    import pdfplumber

    with pdfplumber.open(rendered(docx_path)) as pdf:
        return [(page.extract_text() or "").replace(" ", "").splitlines() for page in pdf.pages]


def test_a_cover_has_no_page_number_and_the_body_counts_from_one(tmp_path):
    pages = _pdf_lines(_built_alone(tmp_path, COVER_REPORT))
    assert len(pages) == 4, pages
    cover, first, second, third = pages
    assert cover[:2] == ["2023年度部门整体支出绩效评价报告", "部门（单位）名称：广州番禺经济技术开发区管理委员会"]
    assert cover[-1] == "岳阳市财政局（制）"  # nothing under it: no page number
    assert first[0] == "一、部门基本情况" and first[-1] == "—1—"
    # {.pagebreak} before a heading and before a table: each starts a page.
    assert second[0] == "二、评价结论" and second[-1] == "—2—"
    assert third[:2] == ["指标得分", "履职效能49.76"] and third[-1] == "—3—"


def test_diff_reads_a_report_with_a_cover_and_page_breaks(tmp_path):
    templates = _own_outline(tmp_path, report=COVER_REPORT)
    data = _without_management(tmp_path, attachments="[]")
    changed = tmp_path / "changed.yaml"
    changed.write_text(data.read_text(encoding="utf-8").replace("自称: 我委", "自称: 本委"), encoding="utf-8")
    result = run("diff", data, changed, "--templates", templates)
    assert "一、部门基本情况，第 1 段：〔删：我〕〔增：本〕委全年预算1028.77万元。" in result.output, result.output


# --- heading numbers an outline declares ------------------------------------------------------


def test_an_outline_numbers_its_headings_as_its_notice_does(tmp_path):
    """Older Hunan outlines number the top level "1、": the outline says so, the rest stays GB/T 9704's."""
    templates = _own_outline(tmp_path, "名称: 湖南\n继承: 广东\n编号: ['{1}、', '（{1}）']\n", report=None)
    result = run("build", SAMPLE, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = paragraphs(tmp_path / "out" / f"{SAMPLE_NAME}.docx")
    assert text[2:4] == ["1、部门基本情况", "（1）部门职能"]
    assert text[4].startswith("1.组织编制汽车城总体规划")  # items under （1） keep 1.
    assert "2、绩效自评情况" in text and "（2）设置机构及人员情况" not in text


@pytest.mark.parametrize(
    ("numbering", "message"),
    [
        (
            "['第{一}部分', '{一}{1}']",
            "outline.yaml:1:16 错误：编号[2]：应含且只含一个 {一}（汉字序号）或 {1}（阿拉伯数字序号）",
        ),
        ("['{1}、', '{1}', '{1}', '{1}', '{1}']", "outline.yaml:1:1 错误：编号：最多 4 项"),
        ("['# {1}']", "outline.yaml:1:6 错误：编号[1]：应是一个短的序号写法"),
    ],
    ids=["two numbers", "five levels", "markup"],
)
def test_a_numbering_pattern_that_cannot_number_is_refused_at_its_line(tmp_path, numbering, message):
    templates = _own_outline(tmp_path, f"编号: {numbering}\n", report=None)
    refused(SAMPLE, message, options=("--templates", templates))


# --- table widths and header rows a template sets ----------------------------------------------

LONG_TABLE = """\
{.title}
{% for line in 标题行 %}
{{ line }}
{% endfor %}

# 评分表

{widths="6字 1 3" header=2}
| 指标 | 评分 | []{.joined} |
|:--|--:|:--|
| []{.merged} | 得分 | 说明 |
{% for i in range(1, 61) %}
| 第{{ i }}项 | {{ i }} | 按完成比例计分 |
{% endfor %}
"""


def test_a_template_sets_column_widths_and_header_rows_repeated_on_every_page(tmp_path):
    docx_path = _built_alone(tmp_path, LONG_TABLE)
    table = docx.Document(str(docx_path)).tables[0]
    # 6字: six characters of 小四 (12 pt) and the cells' 4 pt padding each side = 80 pt; the 版心's
    # 156 mm (442.2 pt) less that, shared 1 : 3.
    widths = [round(column.width.pt, 1) for column in table.columns]
    assert widths[0] == 80.0 and abs(widths[1] - 90.55) < 0.1 and abs(widths[2] - 271.65) < 0.1, widths
    headers = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert headers[:3] == [True, True, False] and not any(headers[2:])
    pages = _pdf_lines(docx_path)
    assert len(pages) >= 3
    for lines in pages[1:]:
        # Both header rows head every page the table runs on to ("指标" spans them, set between their lines).
        assert sorted(lines[:3]) == sorted(["评分", "指标", "得分说明"]), lines[:4]
        assert lines[3].startswith("第") and lines[3].endswith("按完成比例计分")


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        (
            '{widths="6字 1"}',
            "错误：模板输出的第 8 行“| 指标 | 评分 | []{.joined} |”：widths 应为每列一个宽度、以空格分隔，共 3 个",
        ),
        ('{widths="6字 0 1"}', "widths 应为每列一个宽度、以空格分隔，共 3 个：正数表示所占份数"),
        (
            "{header=62}",
            '错误：模板输出的第 8 行“| 指标 | 评分 | []{.joined} |”：header 应为表头的行数，1 至 61（表格共 62 行），实际为 "62"',
        ),
    ],
    ids=["too few", "zero", "all header"],
)
def test_widths_and_header_rows_that_cannot_be_are_refused_at_the_template(tmp_path, attrs, message):
    templates = _own_outline(tmp_path, report=LONG_TABLE.replace('{widths="6字 1 3" header=2}', attrs))
    result = refused(_without_management(tmp_path, attachments="[]"), message, options=("--templates", templates))
    # The table's first line, in the template and in its output.
    assert "report.md.j2:9 错误：模板输出的第 8 行" in result.output


def test_only_templates_nothing_includes_are_warned_as_unused(tmp_path):
    """A new section the outline includes is used, however close its name to a built-in
    one (sections/scores.md.j2 beside 广东's sections/score.md.j2); one nothing includes is not."""
    templates = _own_outline(tmp_path, report=OWN_REPORT + '\n{% include "sections/scores.md.j2" %}\n')
    (templates / "sections").mkdir()
    (templates / "sections" / "scores.md.j2").write_text("各项得分见附件。\n", encoding="utf-8")
    (templates / "sections" / "extra.md.j2").write_text("备用。\n", encoding="utf-8")
    result = run("check", _without_management(tmp_path, attachments="[]"), "--templates", templates)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "不会被使用" in line]
    assert warned == [
        f"{templates / 'sections' / 'extra.md.j2'} 警告：模板 sections/extra.md.j2 不会被使用："
        '没有模板引用它（要用它，在提纲的模板中写 {% include "sections/extra.md.j2" %}）'
    ], result.output


def test_a_shared_template_copied_with_its_common_folder_is_told_where_it_goes(tmp_path):
    """templates/common/ is searched like the user's folder: its filename.j2 goes at the top."""
    templates = tmp_path / "t"
    (templates / "common").mkdir(parents=True)
    (templates / "common" / "filename.j2").write_text("{{ 年度 }}年度{{ 部门 }}自评报告\n", encoding="utf-8")
    result = run("check", SAMPLE, "--templates", templates)
    assert (
        "警告：模板 common/filename.j2 不会被使用：templates/common/ 中的模板在自己的目录里不带 common/，应放在 filename.j2"
        in result.output
    )


# --- scoring rules an outline gives by indicator name -------------------------------------------

RULED_INDICATORS = """      计分: 预算执行率
    - 名称: 预算管理
      二级指标:
        - 名称: 预算调整率
          分值: 5
        - 名称: 预算调整率（本部门口径）
          分值: 5
          比率: 预算调整率
          满分线: ≤5%
          每个百分点扣: 0.2
"""


def test_an_outline_scores_an_indicator_by_name_and_the_data_may_say_otherwise(tmp_path):
    """The notice's rule is written once, in outline.yaml; an indicator's own keys win.
    预算调整率 (2618.40 − 2350.00) ÷ 2350.00 = 11.42%: 6.42 beyond ≤5%, × 0.5 = 3.21 off → 1.79;
    the data's own 0.2 per point: 1.284, half up 1.28 off → 3.72."""
    from test_outlines import MOF_SAMPLE

    templates = _own_outline(
        tmp_path,
        "名称: 县级\n继承: 财政部\n评分规则:\n  预算调整率: {比率: 预算调整率, 满分线: ≤5%, 每个百分点扣: 0.5}\n",
        report=None,
    )
    data = write_variant(
        tmp_path, ("      计分: 预算执行率\n", RULED_INDICATORS), ("提纲: 财政部", "提纲: 县级"), source=MOF_SAMPLE
    )
    result = run("check", "-v", data, "--templates", templates)
    assert result.exit_code == 0, result.output
    assert "预算调整率 11.42%，满分线 ≤5%，差 6.42 个百分点 × 0.5 = 扣 3.21 → 1.79 分" in result.output
    assert "预算调整率 11.42%，满分线 ≤5%，差 6.42 个百分点 × 0.2 = 扣 1.28 → 3.72 分" in result.output
    # The data as written is what init carries on: the outline's rule is not copied into it.
    assert "每个百分点扣: 0.5" not in data.read_text(encoding="utf-8")
    # A name the rule does not know would score full marks unseen: said, with the name meant.
    misnamed = write_variant(
        tmp_path, ("        - 名称: 预算调整率\n", "        - 名称: 预算调整\n"), source=data, name="m.yaml"
    )
    assert (
        "警告：自评.一级指标[5].二级指标[1].名称：“预算调整”没有对上 outline.yaml 评分规则中的任何名称（是否应为“预算调整率”？），"
        "也没有写得分依据，按满分计" in run("check", misnamed, "--templates", templates).output
    )


def test_a_rule_in_the_outline_is_validated_there(tmp_path):
    templates = _own_outline(tmp_path, "评分规则:\n  预算调整率: {计分: 按比例}\n", report=None)
    refused(
        SAMPLE,
        "outline.yaml:2:15 错误：评分规则.预算调整率.计分：只能填：预算执行率、完成比例、比率扣分、定性、扣分、得分",
        options=("--templates", templates),
    )


def test_a_caption_is_a_centred_line_kept_with_its_table(tmp_path):
    templates = _own_outline(
        tmp_path,
        report=OWN_REPORT
        + "\n{.caption}\n表1 部门基本情况表\n\n| 项目 | 金额 |\n|--|--:|\n| 调整预算 | {{ 收支.调整预算 | money }} |\n",
    )
    data = _without_management(tmp_path, attachments="[]")
    result = run("build", data, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "out" / f"{SAMPLE_NAME}.docx"))
    (caption,) = [p for p in document.paragraphs if p.text == "表1 部门基本情况表"]
    # Centred and kept with its table by its style, as every block of ours is styled.
    style = caption.style
    assert style.name == "表题"
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and style.paragraph_format.keep_with_next
    assert document.tables[0].cell(1, 1).text == "1028.77"


def test_a_rendering_that_ends_as_it_is_stopped_leaves_the_stopwatch_working(monkeypatch):
    """The watchdog may fire just as a rendering ends, while that thread waits for the
    watchdog's lock: the exception raised there must not leave the lock held (the
    watchdog would sleep for good, and the next endless loop run unstopped)."""
    raise_in = watchdog._raise_in

    def slowly(thread, exception):  # the firing takes a while (the first imports ctypes): the rendering ends meanwhile
        if exception is not None:
            time.sleep(0.3)
        raise_in(thread, exception)

    monkeypatch.setattr(watchdog, "_raise_in", slowly)
    stopwatch = watchdog.Watchdog()
    with pytest.raises(watchdog.Overtime):
        with stopwatch.watching(0.2):
            time.sleep(0.35)
    assert not stopwatch.lock.locked()
    monkeypatch.setattr(watchdog, "_raise_in", raise_in)
    started = time.monotonic()
    with pytest.raises(watchdog.Overtime):
        with stopwatch.watching(0.2):
            while time.monotonic() - started < 5:
                pass
    assert time.monotonic() - started < 2
