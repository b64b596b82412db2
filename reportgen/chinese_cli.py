"""Click, speaking Chinese: help, usage lines and usage errors.

Click writes its own texts in English ("Usage:", "Options:", "Missing argument
…").  The command classes here lay out help and usage with Chinese headings, and
the group's ``main`` says click's usage errors in Chinese (exit code 2, as
click's own), so that a clerk never meets English on the screen.
"""

from __future__ import annotations

import difflib
import re
import sys

import click

USAGE = "用法："
HELP_HINT = "详见 {command} --help"


#: What click appends to an option's help ("[required]").
_EXTRAS = re.compile(r"\s*\[(required)\]")
_EXTRA_WORDS = {"required": "（必填）"}


class ChineseFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    context_class = ChineseContext

    def __init__(self, *args, options_metavar: str = "[选项]", **kwargs):
        super().__init__(*args, options_metavar=options_metavar, **kwargs)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [
            (name, _EXTRAS.sub(lambda m: _EXTRA_WORDS.get(m.group(1), ""), text))
            for param in self.get_params(ctx)
            if (record := param.get_help_record(ctx))
            for name, text in [record]
        ]
        if records:
            with formatter.section("选项"):
                formatter.write_dl(records)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class ChineseGroup(ChineseCommand, click.Group):
    command_class = ChineseCommand

    def __init__(self, *args, subcommand_metavar: str = "命令 [参数]...", **kwargs):
        super().__init__(*args, subcommand_metavar=subcommand_metavar, **kwargs)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=formatter.width)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ChineseCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's main, with what it would print in English said in Chinese."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("\n已中断。", err=True)
            code = 130
        except click.exceptions.NoArgsIsHelpError as exc:
            # `reportgen` alone: the help, as a first try deserves.
            click.echo(exc.ctx.get_help())
            code = 0
        except click.UsageError as exc:
            show_usage_error(exc)
            code = exc.exit_code
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        sys.exit(code or 0)


def show_usage_error(exc: click.UsageError) -> None:
    if exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        click.echo(HELP_HINT.format(command=exc.ctx.command_path), err=True)
        click.echo(err=True)
    click.echo(f"错误：{usage_problem(exc)}", err=True)


#: Click's words for what went wrong with a value, as a clerk should read them.
_VALUE_PROBLEMS = [
    (re.compile(r"^(?:File|Directory|Path) '(.*)' does not exist\.?$"), "“{0}”不存在"),
    (re.compile(r"^(?:File|Path) '(.*)' is a directory\.?$"), "“{0}”是一个目录，这里要给文件"),
    (re.compile(r"^(?:Directory|Path) '(.*)' is a file\.?$"), "“{0}”是一个文件，这里要给目录"),
    (re.compile(r"^'(.*)' is not a valid integer\.?$"), "“{0}”不是整数"),
    (re.compile(r"^(.*?) is not in the range (\d+)<=x<=(\d+)\.?$"), "{0} 超出范围，应在 {1} 到 {2} 之间"),
    (re.compile(r"^'(.*)' is not a valid integer range\.?$"), "“{0}”不是有效的整数"),
]


def _name(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return f"选项 {param.opts[0]} "
    return f"参数“{param.human_readable_name.rstrip('.').strip('[]')}”"


def usage_problem(exc: click.UsageError) -> str:
    """What a usage error says, in Chinese (our own messages already are)."""
    if isinstance(exc, click.NoSuchOption):
        close = f"，是否应为 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{close}"
    if isinstance(exc, click.MissingParameter):
        return f"缺少{_name(exc.param).strip()}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 的用法不对：它后面要给出一个值"
    if isinstance(exc, click.BadParameter):
        for pattern, chinese in _VALUE_PROBLEMS:
            found = pattern.match(exc.message)
            if found:
                return f"{_name(exc.param)}的值不对：{chinese.format(*found.groups())}"
        return f"{_name(exc.param)}的值不对"
    message = exc.message
    command = re.match(r"^No such command '(.*)'", message)
    if command:
        known = exc.ctx.command.list_commands(exc.ctx) if exc.ctx and isinstance(exc.ctx.command, click.Group) else []
        close = difflib.get_close_matches(command.group(1), known, n=1, cutoff=0.5)
        if close:
            return f"没有“{command.group(1)}”这个命令，是否应为 {close[0]}？"
        return f"没有“{command.group(1)}”这个命令，可用的命令见 --help"
    if message.startswith("Got unexpected extra argument"):
        extra = re.search(r"\((.*)\)", message)
        return f"多给了参数：{extra.group(1) if extra else ''}"
    # Our own usage errors are Chinese already (and may name an option such as --against).
    if re.search(r"[A-Za-z]{4,}", message) and not re.search(r"[\u4e00-\u9fff]", message):
        return "命令行用法不对"
    return message
