"""The built sample reproduces the published report, paragraph by paragraph."""

from __future__ import annotations

import re

from conftest import PUBLISHED, paragraphs


def published_paragraphs() -> list[str]:
    text = PUBLISHED.read_text(encoding="utf-8")
    return [re.sub(r"\s", "", p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def report_body(docx_path) -> list[str]:
    """Our paragraphs up to the list of attachments (the published text has none)."""
    ours = paragraphs(docx_path)
    end = next(i for i, p in enumerate(ours) if p.startswith("附件："))
    return ours[:end]


def test_every_published_paragraph_is_reproduced(sample_docx):
    published = published_paragraphs()
    ours = report_body(sample_docx)
    position = 0
    rejoined = 0
    for number, paragraph in enumerate(ours, 1):
        assert position < len(published), f"第 {number} 段多余：{paragraph}"
        expected = published[position]
        position += 1
        # A paragraph the PDF cut at a page break comes back as two pieces.
        while paragraph != expected and paragraph.startswith(expected) and position < len(published):
            expected += published[position]
            position += 1
            rejoined += 1
        assert paragraph == expected, f"第 {number} 段不同：\n发布：{expected}\n生成：{paragraph}"
    assert position == len(published), f"缺少发布稿的段落：{published[position:]}"
    # The seed notes say five paragraphs were cut by page breaks.
    assert rejoined == 5


def test_derived_figures_appear_where_the_published_report_has_them(sample_docx):
    text = "".join(report_body(sample_docx))
    for figure in (
        "部门整体预算执行率为97.60%",
        "基本支出预算471.38万元，实际支出454.25万元，支出进度96.37%",
        "项目支出预算557.38万元，实际支出549.84万元，支出进度98.65%",
        "整体支出绩效自评97.76分（满分100分）",
        "自评得分49.76分",
        "按评分标准自评得分9.76分，扣减0.24分",
        "“管理效率”满分50分，自评得分48分",
        "本项目扣2分",
        "办公用房经费预算执行率为92.05%、招商业务工作经费预算执行率为80.55%。",
    ):
        assert figure in text


def test_headings_are_numbered_from_the_structure(sample_docx):
    ours = report_body(sample_docx)
    headings = [p for p in ours if re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", p)]
    assert headings == [
        "一、部门基本情况",
        "（一）部门职能",
        "（二）年度总体工作和重点工作任务",
        "（三）部门整体支出绩效目标",
        "（四）部门整体收支情况（以决算数为统计口径）",
        "（五）部门整体绩效管理情况",
        "二、绩效自评情况",
        "（一）自评结论",
        "（二）履职效能分析",
        "（三）管理效率分析",
        "三、存在的主要问题",
        "四、下一步改进措施",
    ]
