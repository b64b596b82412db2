"""Every input mistake: a Chinese message with file, line and field, exit 1,
and no output file created or changed."""

from __future__ import annotations

import codecs
import os
import stat

import pytest
from conftest import SAMPLE, SAMPLE_NAME, refused, reports, run, sample_text, write_variant

# (what the clerk did, replacement in the sample, expected "line:column field：message" fragment)
CASES = [
    (
        "typo in a key",
        ("  调整预算: 1028.77", "  调正预算: 1028.77"),
        "2023.yaml:58:9 错误：收支.调正预算：未知的键“调正预算”，是否应为“调整预算”？",
    ),
    (
        "Chinese numerals",
        ("  年初预算: 965.84", "  年初预算: 一千万"),
        '2023.yaml:57:9 错误：收支.年初预算：应为金额（万元）（如 1028.77），请用阿拉伯数字填写，实际为 "一千万"',
    ),
    (
        "unit and separator",
        ("  年初预算: 965.84", '  年初预算: "1,028.77万元"'),
        '收支.年初预算：应为金额（万元）（如 1028.77），不要写千分位逗号，实际为 "1,028.77万元"',
    ),
    (
        "unit",
        ("  年初预算: 965.84", "  年初预算: 965.84万元"),
        '收支.年初预算：应为金额（万元）（如 1028.77），不要写单位，实际为 "965.84万元"',
    ),
    ("percentage as amount", ("  年初预算: 965.84", "  年初预算: 96%"), "这里填金额或分值，不是百分比"),
    ("scientific notation", ("  年初预算: 965.84", "  年初预算: 1e3"), '不要用科学计数法，实际为 "1e3"'),
    (
        "three decimals",
        ("  年初预算: 965.84", "  年初预算: 965.845"),
        "收支.年初预算：最多保留 2 位小数，实际为 965.845",
    ),
    ("negative amount", ("  年初预算: 965.84", "  年初预算: -965.84"), "收支.年初预算：不能为负数，实际为 -965.84"),
    (
        "full-width minus",
        ("  年初预算: 965.84", "  年初预算: －965.84"),
        '收支.年初预算：应为金额（万元）（如 1028.77），开头的“－”是全角的减号或破折号：金额不能为负数，请删去它，实际为 "－965.84"',
    ),
    (
        "顿号 as decimal point",
        ("  年初预算: 965.84", "  年初预算: 965、84"),
        '2023.yaml:57:9 错误：收支.年初预算：应为金额（万元）（如 1028.77），小数点写成了顿号“、”，请改为“.”，实际为 "965、84"',
    ),
    (
        "full-width space after the colon",
        ("  年初预算: 965.84", "  年初预算:\u3000965.84"),
        "2023.yaml:57:3 错误：冒号后面是全角空格，请改为半角空格（输入法切换到英文再输入）：应写作“键: 值”",
    ),
    (
        "date as year",
        ("年度: 2023", "年度: 2023-01-01"),
        '2023.yaml:11:5 错误：年度：应为四位数的年份，如 2023，实际为 "2023-01-01"',
    ),
    ("octal-looking year", ("年度: 2023", "年度: 0203"), "年度：不能小于 1990"),
    (
        "duplicate key",
        ("年度: 2023", "年度: 2023\n年度: 2024"),
        "2023.yaml:12:1 错误：年度：键“年度”重复出现（第 11 行和第 12 行），请删去其中一个",
    ),
    (
        "tab indentation",
        ("  年初预算: 965.84", "\t年初预算: 965.84"),
        "2023.yaml:57:1 错误：不能用 Tab 键缩进，请改用空格",
    ),
    (
        "unclosed quote",
        ("部门: 广州番禺经济技术开发区管理委员会", '部门: "广州番禺经济技术开发区管理委员会'),
        "2023.yaml:12:5 错误：引号没有闭合",
    ),
    ("bad indentation", ("    调整预算: 471.38", "      调整预算: 471.38"), "2023.yaml:62:5 错误：缩进不一致"),
    (
        "a key slipped to the left",
        ("  执行率偏低阈值: 95", "执行率偏低阈值: 95"),
        "2023.yaml:77:1 错误：第 77 行的缩进比上下文少：它是否也属于上面那一层？若是，请与上下的键左对齐",
    ),
    (
        "text starting with *",
        ("自称: 我委", "自称: *我委"),
        '2023.yaml:14:5 错误：文字以“*”开头，YAML 把它当作符号；请给整段文字加上引号，写作 自称: "*我委"',
    ),
    (
        "list item starting with %",
        ("  - 承办番禺区委、区政府交办的其他事项。", "  - %承办番禺区委、区政府交办的其他事项。"),
        '2023.yaml:25:5 错误：文字以“%”开头，YAML 把它当作符号；请给整段文字加上引号，写作 - "%承办番禺区委、区政府交办的其他事项。"',
    ),
    (
        "text holding ': '",
        ("自称: 我委", "自称: 我委: 本委"),
        '2023.yaml:14:5 错误：文字中的“: ”（冒号加空格）被 YAML 当作“键: 值”；请给整段文字加上引号，写作 自称: "我委: 本委"',
    ),
    (
        "text starting with [",
        ("自称: 我委", "自称: [我]委"),
        '2023.yaml:14:5 错误：文字以“[”开头，YAML 把它当作符号；请给整段文字加上引号，写作 自称: "[我]委"',
    ),
    ("missing section", ("改进措施:\n", "改进:\n"), "改进措施：缺少此项（必填）"),
    ("empty list", ("  举措:\n    - 科学合理", "  举措: []\n  旧举措:\n    - 科学合理"), "绩效管理.举措：至少要有一项"),
    ("empty value", ("  年初预算: 965.84", "  年初预算:"), "收支.年初预算：不能为空"),
    (
        "total beyond tolerance",
        ("  调整预算: 1028.77", "  调整预算: 1038.77"),
        "2023.yaml:58:9 错误：收支.调整预算：所填 1038.77 万元与基本支出、项目支出之和 1028.76 万元相差 10.01 万元，超过容差 0.02 万元",
    ),
    (
        "deduction above full marks",
        ("          扣分: 2", "          扣分: 12"),
        "自评.一级指标[2].二级指标[4].扣分：“绩效管理”扣分 12 超过其分值 10",
    ),
    (
        "deduction without reason",
        ("          扣分原因: 缺乏明确绩效要求、科室分工的制度\n", ""),
        "自评.一级指标[2].二级指标[4].扣分原因：“绩效管理”有扣分，必须写明扣分原因",
    ),
    (
        "formula and deduction",
        ("          计分: 预算执行率", "          计分: 预算执行率\n          扣分: 1"),
        "“部门预算资金支出率”按预算执行率计分，不能另填扣分",
    ),
    (
        "unknown formula",
        ("          计分: 预算执行率", "          计分: 执行率"),
        '自评.一级指标[1].二级指标[1].计分：只能填：预算执行率、完成比例、比率扣分、定性、扣分、得分，实际为 "执行率"',
    ),
    (
        "control character",
        ("自称: 我委", '自称: "我\\x01委"'),
        "2023.yaml:14:5 错误：自称：含有不可见的控制字符 U+0001",
    ),
    ("python tag", ("年度: 2023", "年度: !!python/object:os.system ls"), "年度：不支持 YAML 标签"),
    (
        "project budgets above project spending",
        ("      调整预算: 120.00", "      调整预算: 520.00"),
        "所列项目的调整预算合计 608.00 万元，超过项目支出的调整预算 557.38 万元",
    ),
]


@pytest.mark.parametrize(("replacement", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mistake_is_reported_and_nothing_written(tmp_path, replacement, expected):
    data = write_variant(tmp_path, replacement)
    out = tmp_path / "out"
    result = run("build", data, "--out-dir", out)
    assert result.exit_code == 1
    assert expected in result.output
    assert "未生成报告" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert run("check", data).exit_code == 1


def test_all_mistakes_of_a_file_are_reported_at_once_sorted_by_line(tmp_path):
    data = write_variant(
        tmp_path,
        ("年度: 2023", "年度: 二〇二三"),
        ("  年初预算: 965.84", "  年初预算: 965.84万元"),
        ("          扣分: 2", "          扣分: 两分"),
    )
    result = run("check", data)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(data))]
    assert [line.split()[0].split(":")[1] for line in lines[:3]] == ["11", "57", "122"]
    assert "发现 3 处错误" in result.output


def test_a_failed_build_leaves_the_previous_report_untouched(tmp_path):
    out = tmp_path / "out"
    good = write_variant(tmp_path)
    assert run("build", good, "--out-dir", out).exit_code == 0
    report = out / f"{SAMPLE_NAME}.docx"
    before, mtime = report.read_bytes(), report.stat().st_mtime_ns
    bad = write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 九百"))
    assert run("build", bad, "--out-dir", out).exit_code == 1
    assert report.read_bytes() == before and report.stat().st_mtime_ns == mtime


def test_warnings_do_not_stop_the_build_unless_strict(tmp_path):
    # 基本支出 spent above its budget, with the totals kept consistent.
    data = write_variant(
        tmp_path,
        ("    决算: 454.25", "    决算: 474.25"),
        ("  决算: 1004.09", "  决算: 1024.09"),
    )
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0
    assert (
        "2023.yaml:62:9 警告：收支.基本支出.决算：基本支出的决算 474.25 万元超过调整预算 471.38 万元" in result.output
    )
    strict = run("build", data, "--strict", "--out-dir", tmp_path / "strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "strict").exists()


def test_a_reason_without_deduction_is_a_warning(tmp_path):
    data = write_variant(tmp_path, ("          扣分: 2\n", ""))
    result = run("check", data)
    assert result.exit_code == 0
    assert "警告：自评.一级指标[2].二级指标[4].扣分原因：“绩效管理”写了扣分原因，但没有扣分" in result.output


# --- files and encodings ------------------------------------------------------------


def test_utf8_with_bom_is_read(tmp_path):
    data = tmp_path / "2023.yaml"
    data.write_bytes(codecs.BOM_UTF8 + sample_text().encode("utf-8"))
    assert run("build", data, "--out-dir", tmp_path / "out").exit_code == 0


def test_gbk_file_is_read_with_a_warning(tmp_path):
    data = tmp_path / "2023.yaml"
    data.write_bytes(sample_text().encode("gb18030"))
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0
    assert "警告：文件按 GBK/GB18030 编码读取。建议另存为 UTF-8 编码" in result.output
    assert (tmp_path / "out" / f"{SAMPLE_NAME}.docx").exists()


def test_undecodable_bytes_are_an_error(tmp_path):
    data = tmp_path / "2023.yaml"
    data.write_bytes("年度: 2023\n部门: ".encode() + b"\xff\xfe\xfa\xfb\x81\x30\n")
    result = run("check", data)
    assert result.exit_code == 1
    assert "2023.yaml:2 错误：文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）" in result.output
    assert "另存为时选择“UTF-8”编码" in result.output


def _missing(d):
    return d / "nothing.yaml"


def _directory(d):
    return d


def _folder_of(name):
    """A folder holding only a file Notepad saved as “2023.yaml” (so named ….yaml.txt)."""

    def make(d):
        folder = d / "数据"
        folder.mkdir()
        (folder / name).write_text("年度: 2023\n", encoding="utf-8")
        return folder

    return make


def _file(name, text):
    def make(d):
        (d / name).write_text(text, encoding="utf-8")
        return d / name

    return make


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_missing, "错误：文件不存在"),
        (_directory, "错误：这是一个目录，其中没有 .yaml 或 .yml 数据文件"),
        (
            _folder_of("2023.yaml.txt"),
            "错误：这是一个目录，其中没有 .yaml 或 .yml 数据文件；其中的 2023.yaml.txt 实际文件名以 .txt 结尾"
            "（Windows 默认隐藏扩展名），请改名为 2023.yaml",
        ),
        (_file("data.txt", "年度: 2023\n"), "错误：不是 YAML 文件：文件名应以 .yaml 或 .yml 结尾"),
        (
            _file("2023.yaml.txt", "年度: 2023\n"),
            "错误：不是 YAML 文件：实际文件名以 .txt 结尾（Windows 默认隐藏扩展名），请改名为 2023.yaml",
        ),
        (
            _file("去年的报告.docx", "PK"),
            "错误：不是 YAML 文件，而是 Word 文件；要从中生成数据文件，请用 reportgen import",
        ),
        (_file("empty.yaml", ""), "错误：文件是空的"),
        (_file("list.yaml", "- a\n"), ":1:1 错误：文件顶层应是“键: 值”的形式"),
    ],
    ids=[
        "missing",
        "directory",
        "folder of a hidden .txt",
        "suffix",
        "hidden .txt",
        "Word file",
        "empty",
        "top-level list",
    ],
)
def test_bad_input_paths(tmp_path, make, expected):
    path = make(tmp_path)
    result = run("build", path, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    separator = "" if expected.startswith(":") else " "
    assert f"{path}{separator}{expected}" in result.output
    assert not (tmp_path / "out").exists()


def test_alias_bomb_stops_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    data = tmp_path / "bomb.yaml"
    data.write_text("\n".join(lines) + "\n")
    result = run("check", data)
    assert result.exit_code == 1
    assert "数据的条目过多：不能超过 50000 个" in result.output


def test_huge_file_is_refused_before_parsing(tmp_path):
    data = tmp_path / "huge.yaml"
    data.write_text("存在问题:\n" + "  - 很长的问题描述\n" * 200_000, encoding="utf-8")
    result = run("check", data)
    assert result.exit_code == 1
    assert "文件过大" in result.output


# --- templates ------------------------------------------------------------------------


def _templates(tmp_path, text):
    directory = tmp_path / "templates" / "sections"
    directory.mkdir(parents=True)
    (directory / "problems.md.j2").write_text(text, encoding="utf-8")
    return directory.parent


@pytest.mark.parametrize(
    "use", ["{{ 收支.不存在的键 }}", "{{ 收支.不存在的键 | percent }}", "{{ 1 | share(收支.不存在的键) }}"]
)
def test_undefined_name_in_a_template_names_file_and_line(tmp_path, use):
    """Also when a filter is given the missing key: the key is named, not a wrong type."""
    templates = _templates(tmp_path, f"第一行\n\n{use}\n")
    result = run("build", SAMPLE, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert (
        f"{templates / 'sections' / 'problems.md.j2'}:3 错误：模板运行出错：引用了不存在的变量或键“不存在的键”"
        in result.output
    )
    assert not (tmp_path / "out").exists()


def test_template_syntax_error_names_file_and_line(tmp_path):
    templates = _templates(tmp_path, "第一行\n{% if 收支 %}\n未闭合\n")
    result = run("build", SAMPLE, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert "problems.md.j2:" in result.output and "模板语法错误" in result.output


def test_user_templates_are_sandboxed(tmp_path):
    templates = _templates(tmp_path, "{{ 自称.__class__.__mro__ }}\n")
    result = run("build", SAMPLE, "--templates", templates, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert "problems.md.j2:1" in result.output
    assert not (tmp_path / "out").exists()


def test_markup_characters_in_data_stay_literal(tmp_path):
    data = write_variant(
        tmp_path, ("存在问题: []", "存在问题:\n  - '# 不是标题 **不是粗体** [不是链接](x) 1. 不是列表 {.title}'")
    )
    from conftest import build, paragraphs

    ours = paragraphs(build(data, tmp_path / "out"))
    assert "#不是标题**不是粗体**[不是链接](x)1.不是列表{.title}。" in ours  # a problem ends as a sentence


# --- output ---------------------------------------------------------------------------


def test_output_directory_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the directory should be")
    result = run("build", SAMPLE, "--out-dir", blocker / "sub")
    assert result.exit_code == 1
    assert "无法创建输出目录" in result.output
    assert blocker.read_text() == "a file where the directory should be"


def test_read_only_report_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    assert run("build", SAMPLE, "--out-dir", out).exit_code == 0
    report = out / f"{SAMPLE_NAME}.docx"
    report.write_bytes(b"previous")
    report.chmod(stat.S_IRUSR | stat.S_IRGRP)
    result = run("build", SAMPLE, "--out-dir", out)
    assert result.exit_code == 1
    assert "是只读的，未覆盖" in result.output
    assert report.read_bytes() == b"previous"


def test_report_locked_by_word_gets_a_clear_message(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", SAMPLE, "--out-dir", out).exit_code == 0
    report = out / f"{SAMPLE_NAME}.docx"
    before = report.read_bytes()

    def locked(source, target):
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    result = run("build", SAMPLE, "--force", "--out-dir", out)
    assert result.exit_code == 1
    assert "文件可能正在 Word/WPS 中打开。请关闭该文件后重试（原文件未改动）" in result.output
    assert report.read_bytes() == before
    assert reports(out) == [report.name]


def test_a_signing_organ_too_long_for_its_line_is_refused_by_check(tmp_path):
    """7.3.5.2: the organ stands on one line, two characters in from the right: 26 characters at most."""
    organ = "广州市番禺区某某街道办事处经济发展和统计办公室联合党支部委员会办公室"  # 34 characters
    data = write_variant(tmp_path, ("\n年度:", f"\n落款:\n  单位: {organ}\n  日期: 2024-03-08\n年度:"))
    refused(data, "2023.yaml:12:7 错误：落款.单位：落款单位 34 个字，一行放不下：右空二字后一行最多 26 个字")
    fits = write_variant(
        tmp_path, ("\n年度:", f"\n落款:\n  单位: {organ[:26]}\n  日期: 2024-03-08\n年度:"), name="b.yaml"
    )
    assert run("check", fits).exit_code == 0


def test_output_cut_short_by_its_reader_is_no_internal_error(tmp_path):
    """`reportgen check -v 数据 | head -1`: the reader left; no internal-error message follows."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    command = [sys.executable, "-m", "reportgen", "check", "-v", str(SAMPLE)]
    with subprocess.Popen(command, stdout=write, stderr=subprocess.PIPE) as process:
        os.close(write)
        errors = process.stderr.read().decode("utf-8")
    assert "意外错误" not in errors and "Traceback" not in errors, errors


def test_every_syntax_slip_is_listed_in_one_run(tmp_path):
    """Five slips of different kinds: each is said at its line in one run, and nothing is built."""
    data = write_variant(
        tmp_path,
        ("部门: 广州番禺经济技术开发区管理委员会", "部门：广州番禺经济技术开发区管理委员会"),
        ("自称: 我委", "自称: *我委"),
        ("  年初预算: 965.84", "  年初预算:\u3000965.84"),
        ("  决算: 1004.09", "  决算:1004.09"),
        ("    调整预算: 471.38", "      调整预算: 471.38"),  # not a known slip: reading stops here
    )
    result = run("build", data, "--out-dir", tmp_path / "out")
    assert result.exit_code == 1
    said = [line for line in result.output.splitlines() if " 错误：" in line]
    assert said == [
        f"{data}:12:1 错误：键后面用了中文冒号“：”，请改为英文冒号加一个空格“: ”",
        f'{data}:14:5 错误：文字以“*”开头，YAML 把它当作符号；请给整段文字加上引号，写作 自称: "*我委"',
        f"{data}:57:3 错误：冒号后面是全角空格，请改为半角空格（输入法切换到英文再输入）：应写作“键: 值”",
        f"{data}:59:3 错误：冒号后面少了一个空格：应写作“键: 值”",
        f"{data}:62:5 错误：缩进不一致：同一层的键应左对齐",
    ]
    assert "发现 5 处错误" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_a_file_full_of_slips_is_read_a_bounded_number_of_times(tmp_path):
    """Sixty missing spaces: the first twenty are listed, and the clerk is told there are more."""
    text = "年度: 2023\n" + "".join(f"键{i}:值{i}\n" for i in range(60))
    data = tmp_path / "slips.yaml"
    data.write_text(text, encoding="utf-8")
    result = run("check", data)
    assert result.exit_code == 1
    assert result.output.count("冒号后面少了一个空格") == 20
    assert f"{data}:21:1 错误：冒号后面少了一个空格" in result.output
    assert "格式错误较多，只列出了前 20 处；改正后再运行，会列出其余的" in result.output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("          扣分原因: 缺乏", "          扣分理由: 缺乏"),
            "扣分理由：未知的键“扣分理由”：这里叫“扣分原因”，请改为“扣分原因”",
        ),
        (
            ("          分值: 10\n          计分: 预算执行率", "          分数: 10\n          计分: 预算执行率"),
            "这里叫“分值”",
        ),
        (
            ("  日期: 2024-03-15", "  日期: 2024-02-30"),
            "落款.日期：2024-02-30 不是日历上的日期：月份为 1 至 12，日不超过该月的天数",
        ),
        (
            ("附件: [收支情况表, 绩效自评表]", "附件: [收支情况表，绩效自评表]"),
            "；列表的各项之间要用英文逗号“,”分开，不能用中文逗号“，”",
        ),
        (
            ("          扣分原因: 缺乏", "          扣分原因 ：缺乏"),
            "123:11 错误：键后面用了中文冒号“：”，请改为英文冒号加一个空格“: ”",
        ),
        (
            ("  评价: 从预算支出情况来看", "  评价: '三公'经费控制较好，从预算支出情况来看"),
            "79:7 错误：文字以引号“'”开头，YAML 把它当作括起整段文字的引号；文字中的引号请用中文的“”或‘’，或给整段文字加上引号",
        ),
        (
            ("  - 加强制度建设", "  -加强制度建设"),
            "改进措施：应为列表（每项以“- ”开头）；“-”后面要有一个空格",
        ),
        (
            ("    - 名称: 招商业务工作经费", "      名称: 招商业务工作经费"),
            "2023.yaml:73:7 错误：收支.项目[1].名称：键“名称”重复出现（第 70 行和第 73 行）：若第 73 行起是列表的另一项，"
            "应在“名称”前写“- ”，与上一项的“- ”对齐\n",
        ),
    ],
    ids=[
        "reason's other name",
        "marks' other name",
        "no such day",
        "Chinese comma",
        "space before colon",
        "quote",
        "dash",
        "an item without its dash",
    ],
)
def test_messages_point_the_right_way(tmp_path, change, expected):
    from test_outlines import MOF_SAMPLE

    # The 财政部 example has the 落款 the date case needs.
    refused(write_variant(tmp_path, change, **({"source": MOF_SAMPLE} if "日期" in change[0] else {})), expected)


def test_at_least_written_the_ascii_way_is_told_to_use_the_sign(tmp_path):
    from test_outlines import MOF_SAMPLE

    data = write_variant(tmp_path, ("年度指标值: ≥120万头", "年度指标值: >=120万头"), source=MOF_SAMPLE)
    refused(data, "错误：“>=”开头会被 YAML 当作符号，请写作“≥”：年度指标值: ≥120万头")
