"""A clerk's first hour: the slips of a first data file, init and templates,
each answered with what to do."""

from __future__ import annotations

import pytest
from conftest import refused, run, write_variant


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        (("年度: 2023", "年度: 2023年"), '年度：年度只写数字，如 2023（不要写“年”），实际为 "2023年"'),
        (("  年初预算: 965.84", "  年初预算: 965．84"), "请用半角数字和小数点（输入法切换到英文再输入）"),
        (("  年初预算: 965.84", "  年初预算: ￥965.84"), "不要写货币符号"),
        (("          分值: 40", "          分值: 40分"), '应为分值（如 10 或 2.5），不要写单位，实际为 "40分"'),
        (("  年初预算: 965.84", "  年初预算: 965.840"), "小数点后多写了 0：请写作 965.84，实际为 965.840"),
    ],
)
def test_slips_of_a_first_file_say_what_to_write(tmp_path, replacement, expected):
    result = refused(write_variant(tmp_path, replacement), expected)
    assert "应为整数" not in result.output and "true" not in result.output


def test_yes_and_no_as_a_clerk_writes_them(tmp_path):
    data = write_variant(tmp_path, ("存在问题: []", "存在问题: []\n版式:\n  小标题加粗: 是"))
    assert run("check", data).exit_code == 0
    wrong = write_variant(tmp_path, ("存在问题: []", "存在问题: []\n版式:\n  小标题加粗: 对"), name="b.yaml")
    assert "应为 是 或 否（也可写 true 或 false）" in run("check", wrong).output


def test_an_amount_in_yuan_among_amounts_in_wan_is_questioned(tmp_path):
    result = run("check", write_variant(tmp_path, ("  年初预算: 965.84", "  年初预算: 9658400")))
    assert result.exit_code == 0
    assert "警告：收支.年初预算：9658400 万元是其他金额的一千倍以上：是否按“元”填写了？" in result.output
    assert "（9658400 元 = 965.84 万元）" in result.output


def test_init_refuses_a_year_that_is_not_later(tmp_path):
    data = write_variant(tmp_path)
    for year in ("2023", "2022"):
        result = run("init", year, "--from", data, "-o", tmp_path / f"{year}-new.yaml")
        assert result.exit_code == 1
        assert f"新的年度 {year} 应晚于" in result.output
        assert not (tmp_path / f"{year}-new.yaml").exists()


def test_init_elsewhere_keeps_the_editor_schema_reference_working(tmp_path):
    data = write_variant(tmp_path)  # its first line points at ../schema/report.schema.json
    (tmp_path.parent / "schema").mkdir(exist_ok=True)
    target = tmp_path / "年度" / "2024" / "data.yaml"
    assert run("init", "2024", "--from", data, "-o", target).exit_code == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/report.schema.json"
    assert (target.parent / "../../../schema").resolve() == (data.parent / "../schema").resolve()


def test_a_template_in_a_misnamed_folder_is_pointed_out(tmp_path):
    folder = tmp_path / "我的模板" / "section"
    folder.mkdir(parents=True)
    (folder / "problems.md.j2").write_text("{{ 自称 }}暂无问题。\n", encoding="utf-8")
    result = run("check", write_variant(tmp_path), "--templates", folder.parent)
    assert "警告：模板 section/problems.md.j2 不会被使用：没有这个位置的模板，是否应为 sections/problems.md.j2？" in (
        result.output
    )
