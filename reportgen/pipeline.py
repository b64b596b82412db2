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

from . import checks, computation, files, loading, markup, measuring, outlines, validation, wording, writing
from .computation import Evaluated
from .diagnostics import Diagnostic, InvalidInput, Level, OutputError, error, sort_key
from .layout import Layout
from .schema import Report

REPORT_SUFFIX = ".docx"


@dataclass(frozen=True)
class Prepared:
    source: loading.Source
    evaluated: Evaluated
    #: The report and its attachments as a typed document (parts of typed blocks).
    document: markup.Document
    title: list[str]
    #: The output's name as the outline's file-name template wrote it.
    name: str
    #: Warnings and notes (errors stop the pipeline instead).
    diagnostics: list[Diagnostic]
    template_set: outlines.TemplateSet

    @property
    def report(self) -> Report:
        return self.evaluated.report

    @property
    def file_name(self) -> str:
        return writing.safe_file_name(self.name) + REPORT_SUFFIX


@dataclass(frozen=True)
class Built:
    output: Path
    #: None when no PDF was asked for, or LibreOffice is not installed.
    pdf: Path | None
    #: A PDF of the report's earlier content: removed (True) or left in place (False, e.g. open in a viewer).
    stale_pdf: bool | None = None


def forget_templates() -> None:
    """Read every template set afresh on next use (``--watch`` after a template is saved)."""
    outlines.forget()
    wording.environment.cache_clear()


def prepare(path: Path, templates: Path | None = None, strict: bool = False) -> Prepared:
    return prepare_source(loading.load(path), templates, strict)


def prepare_source(source: loading.Source, templates: Path | None = None, strict: bool = False) -> Prepared:
    """Everything ``check`` runs, stage after stage: validate → evaluate → check → word → markup."""
    try:
        template_set, report = validate(source, templates)
        evaluated = computation.evaluate(report)
        found = check(source, template_set, evaluated, strict)
        worded = wording.word(evaluated, template_set)
        too_long = markup.title_too_long(worded.title)
        if too_long:
            raise InvalidInput([error(f"标题模板输出了 {too_long}", file=wording.TITLE_TEMPLATE)])
        document = markup.parse(worded.text, worded.origin_of, template_set.numbering)
        long_organ = report.signature and measuring.organ_too_long(
            report.signature.organ, Layout.from_options(report.layout).text_width.pt
        )
        if long_organ:
            raise InvalidInput([error(long_organ, ("落款", "单位"))])
    except InvalidInput as exc:
        raise InvalidInput([d.located(source.locations) for d in exc.diagnostics]) from None
    located = sorted((d.located(source.locations) for d in found), key=sort_key)
    return Prepared(source, evaluated, document, worded.title, worded.file_name, located, template_set)


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
    found = [*source.warnings, *unused, *checks.pasted_marks(source.data), *checks.check(evaluated)]
    if strict:
        found = [_as_error(d) if d.level is Level.WARNING else d for d in found]
    if any(d.level is Level.ERROR for d in found):
        raise InvalidInput(found)
    return found


def _as_error(diagnostic: Diagnostic) -> Diagnostic:
    return replace(diagnostic, level=Level.ERROR)


def build(prepared: Prepared, out_dir: Path, pdf: bool = False, fingerprint: str | None = None) -> Built:
    """Typeset and write; ``fingerprint`` records what the report was built from."""
    # python-docx is imported only here, so that `check` stays light.
    from . import typesetting
    from .layout import Layout

    report = prepared.report
    metadata = typesetting.Metadata(
        title="".join(prepared.title),
        author=report.department,
        date=_document_date(report),
        identifier=fingerprint or "",
    )
    document = typesetting.typeset(prepared.document, Layout.from_options(report.layout), metadata)
    output = out_dir / prepared.file_name
    data = writing.docx_bytes(document)
    old_pdf = output.with_suffix(".pdf")
    # A PDF beside the report was made from the .docx as it was: if that changes
    # and no new PDF is made, the old one would silently disagree with it.
    stale = not pdf and old_pdf.exists() and _read(output, len(data)) != data
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
