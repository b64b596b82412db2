"""The command line: ``reportgen build``, ``check`` and ``schema``.

Exit codes: 0 success; 1 a file could not be turned into a report (its reasons
are printed in Chinese with file, line and field); 2 the command line itself
was wrong (click's usage errors).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from . import pipeline
from .diagnostics import InvalidInput, Level, OutputError

DEFAULT_OUT_DIR = Path("out")

_files = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
_templates = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="自己的模板目录，优先于内置模板（只需放入要改的模板）。",
)
_strict = click.option("--strict", is_flag=True, help="把警告也当作错误。")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
def main() -> None:
    """从 YAML 数据生成部门整体支出绩效自评报告（GB/T 9704-2012 版式）。"""


@main.command()
@_files
@click.option(
    "--out-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT_DIR, show_default=True,
    help="输出目录。",
)
@_templates
@_strict
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。")
@click.pass_context
def build(ctx: click.Context, files: tuple[Path, ...], out_dir: Path, templates: Path | None, strict: bool, pdf: bool) -> None:
    """生成报告（.docx，可选 PDF）。有错误的文件不生成，其余文件照常生成。"""
    failed = 0
    for path in files:
        try:
            with _reporting(path):
                prepared = _prepare(path, templates, strict)
                built = pipeline.build(prepared, out_dir, pdf=pdf)
        except _Failed:
            failed += 1
            continue
        click.echo(f"已生成 {built.output}")
        if built.pdf:
            click.echo(f"已生成 {built.pdf}")
        elif pdf:
            from .rendering import INSTALL_HINT

            click.echo(INSTALL_HINT, err=True)
        _echo_figures(prepared)
    ctx.exit(1 if failed else 0)


@main.command()
@_files
@_templates
@_strict
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], templates: Path | None, strict: bool) -> None:
    """检查数据并列出计算结果，不写任何文件。"""
    failed = 0
    for path in files:
        try:
            with _reporting(path):
                prepared = _prepare(path, templates, strict)
        except _Failed:
            failed += 1
            continue
        click.echo(f"{path}：数据无误")
        _echo_figures(prepared)
    ctx.exit(1 if failed else 0)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", required=False, type=click.Path(path_type=Path))
@click.option("--against", metavar="REV", help="与 git 中该版本的同一文件比较（如 HEAD），此时只给一个文件。")
@click.option("--exit-code", is_flag=True, help="有差异时退出码为 1（供脚本使用）。")
@_templates
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path | None, against: str | None, exit_code: bool, templates: Path | None) -> None:
    """比较两份数据：改动的输入、随之改变的计算结果、文字有变化的段落。"""
    from . import comparison, loading

    if (new is None) == (against is None):
        raise click.UsageError("请给出两个文件，或一个文件加 --against 版本")
    try:
        with _reporting(old):
            if against is not None:
                before = pipeline.prepare_source(loading.from_text(_git_version(old, against), old), templates)
                after = pipeline.prepare(old, templates)
            else:
                before = pipeline.prepare(old, templates)
        if new is not None:
            with _reporting(new):
                after = pipeline.prepare(new, templates)
    except _Failed:
        ctx.exit(1)
    result = comparison.compare(before, after)
    _echo_comparison(result)
    ctx.exit(1 if exit_code and result.differs else 0)


def _git_version(path: Path, revision: str) -> str:
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(path.resolve().parent), *args], capture_output=True, text=True, encoding="utf-8"
        )
        if done.returncode != 0:
            raise OutputError(f"无法从 git 取得 {revision} 版本的 {path}：{done.stderr.strip()}")
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    relative = path.resolve().relative_to(top).as_posix()
    return git("show", f"{revision}:{relative}")


def _echo_comparison(result) -> None:
    if not result.differs:
        click.echo("没有差异。")
        return
    for title, changes in (("输入的改动", result.inputs), ("计算结果的改动", result.figures)):
        if changes:
            click.echo(f"{title}：")
            for change in changes:
                click.echo(f"  {change.field}：{change.old} → {change.new}")
    if result.paragraphs:
        click.echo("文字有变化的段落：")
        for paragraph in result.paragraphs:
            click.echo(f"  第 {paragraph.number} 段：" + "".join(_piece(kind, text) for kind, text in paragraph.pieces))


def _piece(kind: str, text: str) -> str:
    if kind == "old":
        return click.style(f"[-{text}-]", fg="red")
    if kind == "new":
        return click.style(f"{{+{text}+}}", fg="green")
    # Long unchanged stretches shrink to their ends, so the change stays in view.
    return text if len(text) <= 24 else f"{text[:10]}…{text[-10:]}"


@main.command()
def schema() -> None:
    """输出数据文件的 JSON Schema（供 VS Code 等编辑器补全与校验）。"""
    from .schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


class _Failed(Exception):
    """The file's problems have been printed."""


@contextlib.contextmanager
def _reporting(path: Path) -> Iterator[None]:
    """Print why a file failed, in Chinese, and turn it into :class:`_Failed`."""
    try:
        yield
    except InvalidInput as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.format(path), err=True)
        errors = sum(d.level is Level.ERROR for d in exc.diagnostics)
        click.echo(f"{path}：发现 {errors} 处错误，未生成报告。", err=True)
        raise _Failed from None
    except OutputError as exc:
        click.echo(f"{path}：{exc}", err=True)
        raise _Failed from None
    except Exception as exc:  # a bug of ours must still not cost the other files
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        click.echo(
            f"{path}：处理时发生意外错误（{type(exc).__name__}: {exc}），未生成报告。"
            "请把数据文件和这条信息反馈给维护者。",
            err=True,
        )
        raise _Failed from None


def _prepare(path: Path, templates: Path | None, strict: bool) -> pipeline.Prepared:
    prepared = pipeline.prepare(path, templates, strict)
    for diagnostic in prepared.diagnostics:
        click.echo(diagnostic.format(path), err=True)
    return prepared


def _echo_figures(prepared: pipeline.Prepared) -> None:
    from .formats import money, percent, score

    budget = prepared.figures.budget
    evaluation = prepared.figures.evaluation
    lines = [
        f"  调整预算 {money(budget.budget)} 万元，决算 {money(budget.actual)} 万元，执行率 {percent(budget.rate)}",
        f"  基本支出执行率 {percent(budget.basic.rate)}，项目支出执行率 {percent(budget.project.rate)}",
        f"  自评得分 {score(evaluation.score)} 分（满分 {score(evaluation.full_marks)} 分），等级：{evaluation.grade}",
    ]
    if budget.low_rate_projects:
        listed = "、".join(f"{p.name} {percent(p.rate)}" for p in budget.low_rate_projects)
        lines.append(f"  执行率偏低的项目：{listed}")
    click.echo("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
