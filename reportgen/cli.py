"""The command line: ``reportgen build``, ``check``, ``diff``, ``init`` and ``schema``.

Exit codes: 0 success; 1 a file could not be turned into a report (its reasons
are printed in Chinese with file, line and field); 2 the command line itself
was wrong (click's usage errors).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .chinese_cli import ChineseGroup
from .diagnostics import display_width

DEFAULT_OUT_DIR = Path("out")
#: Seconds between two looks at a watched file.
WATCH_INTERVAL = 0.3

_files = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或目录...")
_templates = click.option(
    "--templates",
    metavar="目录",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="自己的模板目录，优先于内置模板（只需放入要改的模板）。",
)
_strict = click.option("--strict", is_flag=True, help="把警告也当作错误。")


def _output(help_text: str):
    return click.option(
        "-o", "--output", metavar="文件", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


_verbose = click.option("-v", "--verbose", is_flag=True, help="也列出提示（如按容差使用了所填的合计）。")


class _Guarded(ChineseGroup):
    """Every command (build, check, diff, init, import, schema) runs under one
    handler: what a command did not turn into a message itself (a bug of ours, a
    disk that fails mid-way) ends with a Chinese line and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        from .diagnostics import InvalidInput, OutputError, unexpected

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            raise  # `check … | head` closed our output: click ends quietly (exit 1), no internal error
        except InvalidInput as exc:
            for diagnostic in exc.diagnostics:
                click.echo(diagnostic.format(diagnostic.file or ""), err=True)
        except OutputError as exc:
            click.echo(f"错误：{exc}", err=True)
        except Exception as exc:
            if os.environ.get("REPORTGEN_DEBUG"):
                raise
            click.echo(unexpected(exc), err=True)
        ctx.exit(1)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen", message="%(prog)s %(version)s", help="显示版本并退出。")
def main() -> None:
    """从 YAML 数据生成部门整体支出绩效自评报告（GB/T 9704-2012 版式）。"""


@main.command()
@_files
@click.option(
    "--out-dir",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT_DIR,
    help="输出目录，默认为当前目录下的 out。",
)
@_templates
@_strict
@_verbose
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。")
@click.option("--force", is_flag=True, help="即使数据和模板都未改动也重新生成。")
@click.option("--watch", is_flag=True, help="保存数据文件后自动重新生成（只能给一个文件，Ctrl-C 结束）。")
@click.option(
    "--forms",
    type=click.Choice(["分别", "合并", "不生成"]),
    metavar="方式",
    help="各项目支出绩效自评表另存的方式：分别（每个项目一个 .docx）、合并（一个 .docx）、不生成；不给时按数据中的 项目自评.输出。",
)
@click.pass_context
def build(
    ctx: click.Context,
    files: tuple[Path, ...],
    out_dir: Path,
    templates: Path | None,
    strict: bool,
    verbose: bool,
    pdf: bool,
    force: bool,
    watch: bool,
    forms: str | None,
) -> None:
    """生成报告（.docx，可选 PDF）。可给多个文件或目录；有错误的文件不生成，其余照常生成。

    \b
    例：reportgen build data/2024.yaml
        reportgen build --pdf data/2024.yaml
        reportgen build data/            （目录中的每个 .yaml）
    """
    from .batch import Options

    options = Options(out_dir, templates, strict, pdf, force, verbose, forms)
    if watch:
        if len(files) != 1:
            raise click.UsageError("--watch 只能给一个数据文件")
        if files[0].is_dir():
            raise click.UsageError(f"--watch 只能给一个数据文件，{files[0]} 是一个目录")
        _watch(files[0], options)
        return
    ctx.exit(_run(files, options))


@main.command()
@_files
@_templates
@_strict
@_verbose
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], templates: Path | None, strict: bool, verbose: bool) -> None:
    """检查数据并列出计算结果，不写任何文件。

    \b
    例：reportgen check data/2024.yaml
        reportgen check -v data/2024.yaml   （同时列出提示）
    """
    from .batch import Options

    ctx.exit(_run(files, Options(None, templates, strict, verbose=verbose)))


def _run(files: tuple[Path, ...], options) -> int:
    """Run every file, print each one's messages, then (for several) a summary."""
    from .batch import expand, run_all

    paths = expand(files)
    label = "生成报告" if options.out_dir else "检查数据"
    progress = (
        click.progressbar(length=len(paths), label=label, file=sys.stderr)
        if len(paths) > 1 and sys.stderr.isatty()
        else contextlib.nullcontext()
    )
    with progress as bar:
        outcomes = run_all(paths, options, done=lambda outcome: bar.update(1) if bar else None)
    for outcome in outcomes:
        for text, to_stderr in outcome.lines:
            click.echo(text, err=to_stderr)
    if len(outcomes) > 1:
        _echo_summary(outcomes)
    return 1 if any(outcome.failed for outcome in outcomes) else 0


def _echo_summary(outcomes) -> None:
    rows = [("文件", "部门", "执行率", "得分", "状态")]
    rows += [(str(o.path), o.department, o.rate, o.score, o.status) for o in outcomes]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    click.echo()
    for row in rows:
        click.echo("  ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths)).rstrip())
    failed = sum(o.failed for o in outcomes)
    click.echo(f"共 {len(outcomes)} 个文件：{len(outcomes) - failed} 个成功，{failed} 个失败。")


def _content(path: Path) -> bytes | None:
    # The content itself: some file systems keep times to the second only.
    from .diagnostics import InvalidInput
    from .files import read_bytes

    try:
        return read_bytes(path)
    except InvalidInput:
        return None  # the build that follows says why


def _folder_state(folder: Path | None) -> tuple:
    """What a template folder holds, as (name, size, time) of each file."""
    if folder is None:
        return ()
    try:
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file())
    except OSError:
        return ()


def _watch(path: Path, options) -> None:
    """Rebuild whenever the file is saved; a clerk keeps the report open beside it."""
    import dataclasses
    import time

    from . import pipeline
    from .batch import notes, run_collected

    options = dataclasses.replace(options, force=True)
    last = None
    click.echo(f"正在监视 {path}，保存后自动重新生成；按 Ctrl-C 结束。")
    try:
        while True:
            stamp = (_content(path), _folder_state(options.templates))
            if stamp != last:
                if last is not None and stamp[1] != last[1]:
                    pipeline.forget_templates()  # a template was saved: read them afresh
                last = stamp
                click.echo(f"—— {time.strftime('%H:%M:%S')} ——")
                outcome = run_collected(path, options, None)
                for text, to_stderr in outcome.lines + (notes(outcome.cache_problems) if options.verbose else []):
                    click.echo(text, err=to_stderr)
            time.sleep(WATCH_INTERVAL)
    except KeyboardInterrupt:
        click.echo("已停止监视。")


@main.command()
@click.argument("old", type=click.Path(path_type=Path), metavar="旧文件")
@click.argument("new", required=False, type=click.Path(path_type=Path), metavar="[新文件]")
@click.option("--against", metavar="版本", help="与 git 中该版本的同一文件比较（如 HEAD），此时只给一个文件。")
@click.option("--exit-code", is_flag=True, help="有差异时退出码为 1（供脚本使用）。")
@_templates
@click.pass_context
def diff(
    ctx: click.Context, old: Path, new: Path | None, against: str | None, exit_code: bool, templates: Path | None
) -> None:
    """比较两份数据：改动的输入、随之改变的计算结果、文字有变化的段落。

    \b
    例：reportgen diff data/2024-调整前.yaml data/2024.yaml
        reportgen diff data/2024.yaml --against HEAD   （与 git 中上次提交的版本比较）
    """
    from . import comparison, loading, pipeline

    if (new is None) == (against is None):
        raise click.UsageError("请给出两个文件，或一个文件加 --against 版本")
    try:
        with _reporting(old, "无法比较"):
            if against is not None:
                before = pipeline.prepare_source(loading.from_bytes(_git_version(old, against), old), templates)
                after = pipeline.prepare(old, templates)
            else:
                before = pipeline.prepare(old, templates)
        if new is not None:
            with _reporting(new, "无法比较"):
                after = pipeline.prepare(new, templates)
    except _Failed:
        ctx.exit(1)
    result = comparison.compare(before, after)
    _echo_comparison(result)
    ctx.exit(1 if exit_code and result.differs else 0)


#: What ``--against`` may name: a commit, branch or tag, HEAD~2, a date form.
_REVISION = re.compile(r"[\w./~^@{}:+-]{1,100}")


def _git_version(path: Path, revision: str) -> bytes:
    """The file's bytes in git at ``revision``; its size is asked first, so a
    version larger than a data file may be is refused without being read."""
    import subprocess

    from .diagnostics import OutputError
    from .files import MAX_FILE_BYTES, too_large_message

    if revision.startswith("-") or not _REVISION.fullmatch(revision):
        raise OutputError(f"“{revision}”不是 git 的版本名（如 HEAD、HEAD~1、一个提交号或标签）")
    real = Path(os.path.realpath(path))  # Path.resolve raises for a link loop

    def git(*args: str, failure: str) -> bytes:
        try:
            done = subprocess.run(
                ["git", "-C", str(real.parent), *args],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            raise OutputError("无法运行 git：请确认已安装 git") from None
        if done.returncode != 0:
            raise OutputError(failure)
        return done.stdout

    top = git("rev-parse", "--show-toplevel", failure=f"{path} 不在 git 仓库中，无法与 {revision} 版本比较")
    relative = real.relative_to(os.path.realpath(os.fsdecode(top.strip()))).as_posix()
    # The revision cannot start with "-" (checked above): git reads it as a revision, never an option.
    version = f"{revision}:{relative}"
    missing = f"git 中没有 {revision} 版本的 {relative}（版本名写错了，或那时还没有这个文件）"
    size = git("cat-file", "-s", version, failure=missing)
    if int(size.strip() or 0) > MAX_FILE_BYTES:
        raise OutputError(f"{revision} 版本的 {relative}：{too_large_message(MAX_FILE_BYTES)}")
    return git("cat-file", "blob", version, failure=missing)


def _echo_comparison(result) -> None:
    if not result.differs:
        click.echo("没有差异。")
        return
    for title, changes in (("输入的改动", result.inputs), ("计算结果的改动", result.figures)):
        if changes:
            click.echo(f"{title}：")
            for change in changes:
                click.echo(f"  {change.field}：{change.old} → {change.new}")
    if result.typed:
        click.echo("文字中直接写的数（不随计算结果改变）：")
        for typed in result.typed:
            still = "，文字仍是旧值" if typed.stale else ""
            click.echo(
                f"  {typed.where}：{typed.written} 描述的 {typed.figure} 由 {typed.old} 变为 {typed.new}{still}；"
                f"请改写为 {{{{ {typed.reference} }}}}"
            )
    if result.paragraphs:
        click.echo("文字有变化的段落：")
        for paragraph in result.paragraphs:
            click.echo(f"  {paragraph.where}：" + "".join(_piece(kind, text) for kind, text in paragraph.pieces))


def _merged(importing, source: Path, into: Path):
    """A project form put into the data file; else (an .xlsx that is no form) the sheet's amounts."""
    from .diagnostics import InvalidInput

    if source.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        return importing.form_into_data(source, into)
    try:
        return importing.form_into_data(source, into)
    except InvalidInput as exc:
        # The sheet is no form (the data file's own problems are no reason to read it otherwise).
        if any(d.file == str(source) and ("项目名称" in d.message or "绩效指标" in d.message) for d in exc.diagnostics):
            return importing.into_data(source, into)
        raise


def _say_left_out(source: Path, left_out: tuple[str, ...]) -> None:
    """What import did not read of a hostile or oversized file: a 提示 each, never silence."""
    from .diagnostics import note

    for line in left_out:
        click.echo(note(line).format(source), err=True)


def _piece(kind: str, text: str) -> str:
    # Said in words, so that a clerk reads it without a legend (and in colour on a terminal).
    if kind == "old":
        return click.style(f"〔删：{text}〕", fg="red")
    if kind == "new":
        return click.style(f"〔增：{text}〕", fg="green")
    # Long unchanged stretches shrink to their ends, so the change stays in view.
    return text if len(text) <= 24 else f"{text[:10]}…{text[-10:]}"


@main.command()
@click.argument("year", type=click.IntRange(1990, 2100), metavar="年度")
@click.option(
    "--from",
    "source",
    metavar="文件",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="上一年的数据文件。",
)
@_output("新文件路径，默认与上一年的文件同目录、名为 <年度>.yaml。")
@_templates
@click.pass_context
def init(ctx: click.Context, year: int, source: Path, output: Path | None, templates: Path | None) -> None:
    """以上一年的数据为底稿，生成新一年的数据文件（不覆盖已有文件）。

    \b
    例：reportgen init 2024 --from data/2023.yaml
    """
    from . import files, loading, pipeline, rollover, writing

    output = output or source.with_name(f"{year}.yaml")
    if files.exists(output):
        raise Refused(f"{output} 已存在，未覆盖；请先改名或删除它，或用 -o 指定其他文件名")
    try:
        with _reporting(source, "未生成新一年的文件"):
            last = pipeline.prepare(source, templates)
    except _Failed:
        ctx.exit(1)
    if year <= last.report.year:
        raise Refused(f"新的年度 {year} 应晚于 {source} 的年度 {last.report.year}，未生成新文件")
    carried = rollover.carried_figures(last.evaluated)
    text, todo = rollover.next_year(
        last.source.text, last.report.year, year, carried, last.template_set.extension.carried()
    )
    text = rollover.schema_line(text, source, output)
    try:
        with _reporting(output, "未生成新一年的文件"):
            # Saved as last year's file is (encoding, line ends); refused if it would not load.
            writing.save_data_file(last.source, text, output)
    except _Failed:
        ctx.exit(1)
    click.echo(f"已生成 {output}：沿用了部门、职能、评分表等，{todo} 处标为“{loading.TODO}”。")
    click.echo(f"填写后运行 reportgen check {output} 检查还有哪些未填。")


@main.command(name="import")
@click.argument("source", type=click.Path(path_type=Path), metavar="报告或表格")
@_output("生成的数据文件，默认为 data/<年度>.yaml。")
@click.option(
    "--into",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把 Excel 表中的金额填入这个数据文件（其余内容和注释不变）。",
)
@click.option("--force", is_flag=True, help="允许覆盖已有的文件。")
@click.pass_context
def import_(ctx: click.Context, source: Path, output: Path | None, into: Path | None, force: bool) -> None:
    """从去年的 Word 报告（.docx/.doc）生成数据文件；或把 Excel 导出的金额（.xlsx）、
    一个项目的项目支出绩效自评表（.docx/.xlsx）填入数据文件。

    \b
    例：reportgen import 2023年度自评报告.docx -o data/2023.yaml
        reportgen import 预算执行情况.xlsx --into data/2023.yaml --force
        reportgen import 某项目支出绩效自评表.docx --into data/2023.yaml --force
    """
    from . import files, importing
    from .writing import write_atomically

    if source.suffix.lower() in (".xlsx", ".xlsm", ".xls") or into is not None:
        if into is None:
            raise click.UsageError("从 Excel 表导入金额时，请用 --into 指定要填入的数据文件")
        if not files.exists(into):
            raise Refused(f"{into} 不存在：请先用 reportgen import 报告.docx 或 reportgen init 生成数据文件")
        if importing.is_source(into, source):
            raise Refused(f"{into} 就是要读取的文件，不是数据文件，未改动")
        try:
            with _reporting(source, "未改动数据文件"):
                merged = _merged(importing, source, into)
        except _Failed:
            ctx.exit(1)
        target = output or into
        problem = importing.output_problem(target, source)
        if problem:
            raise Refused(problem)
        if files.exists(target) and target != into and not force:
            raise Refused(f"{target} 已存在，未覆盖；加 --force 覆盖")
        _say_left_out(source, merged.left_out)
        if target == into and not merged.changes:
            click.echo(merged.summary)
            click.echo(f"{into} 中已是这些值，未改动。")
            return
        if target == into and not force:
            raise Refused(
                f"将改动 {into} 中 {len(merged.changes)} 处金额；确认后加 --force 再运行（或用 -o 写到新文件）"
            )
        try:
            with _reporting(target, "未改动数据文件"):
                merged.save(target)
        except _Failed:
            ctx.exit(1)
        click.echo(merged.summary)
        for label, old, new in merged.changes:
            click.echo(f"  {label}：{old or '（无）'} → {new}")
        click.echo(f"已写入 {target}；运行 reportgen check {target} 核对。")
        return
    try:
        with _reporting(source, "未生成数据文件"):
            imported = importing.from_report(source, output or Path("data") / "导入.yaml")
    except _Failed:
        ctx.exit(1)
    output = output or Path("data") / f"{imported.year or '导入'}.yaml"
    problem = importing.output_problem(output, source)
    if problem:
        raise Refused(problem)
    if files.exists(output) and not force:
        raise Refused(f"{output} 已存在，未覆盖；请改用 -o 指定其他文件名，或加 --force 覆盖")
    try:
        with _reporting(output, "未生成数据文件"):
            write_atomically(output, imported.text.encode("utf-8"))
    except _Failed:
        ctx.exit(1)
    _say_left_out(source, imported.left_out)
    click.echo(imported.summary)
    click.echo(
        f"已生成 {output}：{imported.todo} 处标为“待填写”（报告中没有或各处不一致）。运行 reportgen check {output} 逐条查看。"
    )


@main.command()
@click.option("--outline", metavar="提纲", help="按该提纲的必填项与附件输出（如 财政部）；不给时适用于所有提纲。")
@_templates
@click.pass_context
def schema(ctx: click.Context, outline: str | None, templates: Path | None) -> None:
    """输出数据文件的 JSON Schema（供 VS Code 等编辑器补全与校验），含模板集声明的键。

    \b
    例：reportgen schema > schema/report.schema.json
    """
    from . import outlines
    from .schema import Report, json_schema

    model, names = Report, tuple(outlines.builtin())
    if outline is not None or templates is not None:
        try:
            with _reporting(templates or Path("outline.yaml"), "未输出"):
                model = outlines.choose({outlines.OUTLINE_KEY: outline} if outline else {}, templates).model
                names = outlines.available(templates)
        except _Failed:
            ctx.exit(1)
    click.echo(json.dumps(json_schema(model, names), ensure_ascii=False, indent=2))


class Refused(click.ClickException):
    """A request we decline, said in Chinese (exit 1)."""

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class _Failed(Exception):
    """The file's problems have been printed."""


@contextlib.contextmanager
def _reporting(path: Path, consequence: str) -> Iterator[None]:
    """Print why a file failed, in Chinese, and turn it into :class:`_Failed`."""
    from .batch import failure_lines

    try:
        yield
    except Exception as exc:
        for text, to_stderr in failure_lines(path, exc, consequence):
            click.echo(text, err=to_stderr)
        raise _Failed from None


if __name__ == "__main__":
    main()
