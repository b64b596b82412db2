"""The pipeline, stage after stage, for one input file.

``prepare`` runs what ``check`` needs (load → :func:`validate` → evaluate →
:func:`check` → wording → markup) and imports nothing of python-docx; ``build``
goes on to typeset and write.  Each stage only reads what the one before it
produced; the benchmark and ``import`` call these same functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from . import blocks, checks, computation, files, loading, markup, measuring, outlines, validation, wording, writing
from .computation import Evaluated
from .diagnostics import Diagnostic, InvalidInput, Level, OutputError, error, sort_key
from .layout import Layout
from .schema import Report

REPORT_SUFFIX = ".docx"
SUMMARY_SUFFIX = ".xlsx"
#: How the forms are filed besides the report (项目自评.输出, or build --forms).
SEPARATE, COMBINED, NONE = "分别", "合并", "不生成"


@dataclass(frozen=True)
class Form:
    """A document besides the report: one project's form, or all of them."""

    name: str
    document: blocks.Document

    @property
    def file_name(self) -> str:
        return writing.safe_file_name(self.name) + REPORT_SUFFIX


@dataclass(frozen=True)
class Prepared:
    source: loading.Source
    evaluated: Evaluated
    #: The report and its attachments as a typed document (parts of typed blocks).
    document: blocks.Document
    title: list[str]
    #: The output's name as the outline's file-name template wrote it.
    name: str
    #: Warnings and notes (errors stop the pipeline instead).
    diagnostics: list[Diagnostic]
    template_set: outlines.TemplateSet
    #: The projects' forms as documents of their own (none when attached, or not asked for).
    forms: tuple[Form, ...] = ()
    #: The 汇总表 for its spreadsheet, and the spreadsheet's name; None when not asked for.
    summary: Form | None = None

    @property
    def report(self) -> Report:
        return self.evaluated.report

    @property
    def file_name(self) -> str:
        return writing.safe_file_name(self.name) + REPORT_SUFFIX

    def outputs(self) -> list[str]:
        """The names of every file the build writes: the report, the forms, the 汇总表."""
        names = [self.file_name, *(form.file_name for form in self.forms)]
        if self.summary is not None:
            names.append(writing.safe_file_name(self.summary.name) + SUMMARY_SUFFIX)
        return names


@dataclass(frozen=True)
class Built:
    output: Path
    #: None when no PDF was asked for, or LibreOffice is not installed.
    pdf: Path | None
    #: A PDF of the report's earlier content: removed (True) or left in place (False, e.g. open in a viewer).
    stale_pdf: bool | None = None
    #: The forms written beside the report (and their PDFs), and the 汇总表's spreadsheet.
    forms: tuple[Built, ...] = ()
    summary: Path | None = None


def forget_templates() -> None:
    """Read every template set afresh on next use (``--watch`` after a template is saved)."""
    outlines.forget()
    wording.environment.cache_clear()


def prepare(path: Path, templates: Path | None = None, strict: bool = False, forms: str | None = None) -> Prepared:
    return prepare_source(loading.load(path), templates, strict, forms)


def prepare_source(
    source: loading.Source, templates: Path | None = None, strict: bool = False, forms: str | None = None
) -> Prepared:
    """Everything ``check`` runs, stage after stage: validate → evaluate → check → word → markup;
    ``forms`` overrides 项目自评.输出 (分别, 合并, 不生成)."""
    try:
        template_set, report = validate(source, templates)
        evaluated = computation.evaluate(report)
        found = check(source, template_set, evaluated, strict)
        worded = wording.word(evaluated, template_set)
        too_long = markup.title_too_long(worded.title)
        if too_long:
            raise InvalidInput([error(f"标题模板输出了 {too_long}", file=wording.TITLE_TEMPLATE)])
        page = Layout.from_options(report.layout)
        document = markup.parse(worded.text, worded.origin_of, template_set.numbering, page.line_chars)
        long_organ = report.signature and measuring.organ_too_long(report.signature.organ, page.text_width.pt)
        if long_organ:
            raise InvalidInput([error(long_organ, ("落款", "单位"))])
        separate = _separate_forms(evaluated, template_set, forms or filing(report, template_set), page)
        summary = _summary(evaluated, template_set, page)
        _refuse_shared_names(worded.file_name, separate)
        documents = [document, *(form.document for form in separate), *([summary.document] if summary else [])]
        found += _typeset_warnings(documents, strict)
    except InvalidInput as exc:
        raise InvalidInput([d.located(source.locations) for d in exc.diagnostics]) from None
    located = sorted((d.located(source.locations) for d in found), key=sort_key)
    return Prepared(
        source, evaluated, document, worded.title, worded.file_name, located, template_set, separate, summary
    )


def filing(report: Report, template_set: outlines.TemplateSet) -> str:
    """How the forms are filed besides the report: as the data says; by default
    each on its own, unless they are attached to the report."""
    if report.project_forms.output is not None:
        return report.project_forms.output
    return NONE if attached(report, template_set, outlines.FORMS_ATTACHMENT) else SEPARATE


def attached(report: Report, template_set: outlines.TemplateSet, attachment: tuple[str, str]) -> bool:
    """Whether the report attaches this built-in attachment."""
    return attachment[0] in report.attachments and template_set.attaches_builtin(attachment)


def _typeset_warnings(documents: list[blocks.Document], strict: bool) -> list[Diagnostic]:
    """What the templates wrote that can be typeset but reads as a slip (a table
    without rows); with ``strict``, errors that stop the pipeline."""
    found = [d for document in documents for d in document.warnings]
    if strict and found:
        raise InvalidInput([_as_error(d) for d in found])
    return found


def _separate_forms(
    evaluated: Evaluated, template_set: outlines.TemplateSet, mode: str, page: Layout
) -> tuple[Form, ...]:
    if mode == NONE or not evaluated.project_forms():
        return ()
    worded = wording.word_forms(evaluated, template_set, combined=mode == COMBINED)
    return tuple(
        Form(w.file_name, markup.parse(w.text, w.origin_of, template_set.numbering, page.line_chars)) for w in worded
    )


def _summary(evaluated: Evaluated, template_set: outlines.TemplateSet, page: Layout) -> Form | None:
    """The 汇总表 for its spreadsheet: when the data asks for it, or attaches it."""
    report = evaluated.report
    wanted = report.project_forms.summary
    if wanted is None:
        wanted = attached(report, template_set, outlines.SUMMARY_ATTACHMENT)
    if not wanted or not evaluated.project_forms():
        return None
    worded = wording.word_summary(evaluated, template_set)
    return Form(worded.file_name, markup.parse(worded.text, worded.origin_of, template_set.numbering, page.line_chars))


def _refuse_shared_names(report_name: str, forms: tuple[Form, ...]) -> None:
    """Two documents of one build may not write the same file (two projects of one name, say)."""
    seen = {writing.safe_file_name(report_name).casefold(): "报告"}
    for i, form in enumerate(forms):
        key = form.file_name.removesuffix(REPORT_SUFFIX).casefold()
        if key in seen:
            message = f"第 {i + 1} 张项目自评表的文件名 {form.file_name} 与{seen[key]}的相同；请让项目名称各不相同"
            raise InvalidInput([error(message, file=wording.FORM_FILE_NAME_TEMPLATE)])
        seen[key] = f"第 {i + 1} 张项目自评表"


def validate(source: loading.Source, templates: Path | None = None) -> tuple[outlines.TemplateSet, Report]:
    """The outline the data asks for, and the data validated against it; values
    left for later (``待填写``) are said as such."""
    template_set = outlines.choose(source.data, templates)
    unfilled = [error(f"尚未填写（{loading.TODO}）", path) for path in source.todo]
    try:
        report = validation.validate(template_set.extension.with_rules(source.data), template_set.model)
    except InvalidInput as exc:
        todo = set(source.todo)
        raise InvalidInput(unfilled + [d for d in exc.diagnostics if d.path not in todo]) from None
    if unfilled:
        raise InvalidInput(unfilled)
    missing = template_set.extension.missing_on_leaves(report)
    if missing:
        raise InvalidInput(missing)
    return template_set, report


def check(
    source: loading.Source, template_set: outlines.TemplateSet, evaluated: Evaluated, strict: bool = False
) -> list[Diagnostic]:
    """What the loader, the template set and the checks found; an error (or, with
    ``strict``, a warning) stops the pipeline."""
    unused = wording.unused_templates(template_set)
    forms_attached = [
        name
        for name, _ in (outlines.FORMS_ATTACHMENT, outlines.SUMMARY_ATTACHMENT)
        if attached(evaluated.report, template_set, (name, _))
    ]
    rules = tuple(name for name, _ in template_set.extension.rules)
    found = [
        *source.warnings,
        *unused,
        *checks.pasted_marks(source.data),
        *checks.check(evaluated, forms_attached, rules),
    ]
    if strict:
        found = [_as_error(d) if d.level is Level.WARNING else d for d in found]
    if any(d.level is Level.ERROR for d in found):
        raise InvalidInput(found)
    return found


def _as_error(diagnostic: Diagnostic) -> Diagnostic:
    return replace(diagnostic, level=Level.ERROR)


def build(prepared: Prepared, out_dir: Path, pdf: bool = False, fingerprint: str | None = None) -> Built:
    """Typeset and write the report, then its forms and 汇总表; ``fingerprint``
    records what they were built from."""
    # python-docx is imported only here, so that `check` stays light.
    from . import typesetting

    report = prepared.report
    page = Layout.from_options(report.layout)

    def metadata(title: str) -> typesetting.Metadata:
        return typesetting.Metadata(
            title=title, author=report.department, date=_document_date(report), identifier=fingerprint or ""
        )

    def write(document: blocks.Document, title: str, output: Path) -> Built:
        data = writing.docx_bytes(typesetting.typeset(document, page, metadata(title)))
        return _write_docx(output, data, pdf)

    built = write(prepared.document, "".join(prepared.title), out_dir / prepared.file_name)
    forms = tuple(
        write(form.document, f"{report.year}年度{wording.FORM_TITLE}", out_dir / form.file_name)
        for form in prepared.forms
    )
    summary = None
    if prepared.summary is not None:
        from . import spreadsheet

        summary = out_dir / prepared.outputs()[-1]
        writing.write_atomically(summary, spreadsheet.xlsx_bytes(prepared.summary.document, metadata("")))
    return replace(built, forms=forms, summary=summary)


def _write_docx(output: Path, data: bytes, pdf: bool) -> Built:
    old_pdf = output.with_suffix(".pdf")
    # A PDF beside the document was made from the .docx as it was: if that changes
    # and no new PDF is made, the old one would silently disagree with it.
    stale = not pdf and files.exists(old_pdf) and _read(output, len(data)) != data
    writing.write_atomically(output, data)
    removed = writing.remove_stale(old_pdf) if stale else None
    pdf_path = None
    if pdf:
        from . import rendering

        office = rendering.find_office()
        if office is not None:
            pdf_path = old_pdf
            try:
                rendering.convert_to_pdf(output, pdf_path, office)
            except OutputError as exc:
                raise OutputError(f"已生成 {output}，但未能生成 PDF：{exc}") from None
    return Built(output, pdf_path, removed)


def _read(path: Path, limit: int) -> bytes | None:
    """The file as it is, through the guarded reader (a FIFO or device named like the
    output is never read); None when it is absent, not a regular file, or larger than
    ``limit`` (then it differs from what is about to be written anyway)."""
    try:
        return files.read_bytes(path, limit)
    except InvalidInput:
        return None


def _document_date(report: Report) -> datetime.datetime:
    """A fixed date from the data: the signing date, else 1 January after the year."""
    day = report.signature.date if report.signature else datetime.date(report.year + 1, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
