"""Stage 7, for tables: a typed document's tables as an .xlsx (the 汇总表 beside the report).

The spreadsheet holds what the document shows — its title, its unit line and
its tables, spans merged — so that it never disagrees with the attachment
printed from the same template.  A cell that is a written figure (1236.80,
96.63%) becomes that number, exactly (a Decimal, never a float), with the
format that writes it the same way; everything else stays text.

Reproducible like the .docx: fixed document dates and zip entry times.
"""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

from . import blocks, writing

#: A figure as the templates write one: digits, two decimals at most, maybe a %.
_FIGURE = re.compile(r"-?\d{1,15}(?:\.(\d{1,2}))?(%?)")
#: Column widths, in Excel's units (a Latin character; a Chinese one takes two).
_MIN_WIDTH, _MAX_WIDTH = 6, 50


def xlsx_bytes(document: blocks.Document, metadata) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "汇总表"
    row = 1
    tables = [block for part in document.parts for block in part.blocks if isinstance(block, blocks.Table)]
    columns = max((table.columns for table in tables), default=1)
    for part in document.parts:
        if part.title is not None:
            sheet.cell(row, 1, "".join(part.title.lines)).font = Font(bold=True, size=14)
            sheet.cell(row, 1).alignment = Alignment(horizontal="center")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
            row += 1
        for block in part.blocks:
            if isinstance(block, blocks.UnitLine):
                sheet.cell(row, columns, block.text).alignment = Alignment(horizontal="right")
                row += 1
            elif isinstance(block, blocks.Table):
                row = _table(sheet, block, row, Alignment, Font) + 1
    for column in range(1, columns + 1):
        letter = openpyxl.utils.get_column_letter(column)
        # Below the title: as wide as the widest text (a CJK character two units), within bounds.
        widths = [_display_width(str(cell.value)) for cell in sheet[letter][1:] if cell.value is not None]
        sheet.column_dimensions[letter].width = min(max(widths, default=_MIN_WIDTH) + 2, _MAX_WIDTH)
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = metadata.author
    properties.title = metadata.title or None
    properties.identifier = metadata.identifier or None
    properties.created = properties.modified = metadata.date.replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return writing.normalised_zip(buffer.getvalue(), {"docProps/core.xml": _fixed_modified(metadata.date)})


def _fixed_modified(date):
    """openpyxl stamps the saving time as ``modified``: the data's date instead."""
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ")

    def fix(xml: bytes) -> bytes:
        return re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp.encode() + rb"\g<2>", xml
        )

    return fix


def _table(sheet, table: blocks.Table, top: int, Alignment, Font) -> int:  # noqa: N803 - openpyxl's classes
    """Write ``table`` from row ``top``; the last row written."""
    for r, slots in enumerate(table.slots):
        for c, cell in enumerate(slots):
            if not blocks.starts(cell, r, c):
                continue
            target = sheet.cell(top + r, c + 1, _value(cell.text))
            number = isinstance(target.value, Decimal)
            if number:
                target.number_format = _number_format(cell.text)
            horizontal = "right" if number and cell.align != "center" else cell.align
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            if cell.header:
                target.font = Font(bold=True)
            if cell.rows > 1 or cell.columns > 1:
                sheet.merge_cells(
                    start_row=top + r,
                    start_column=c + 1,
                    end_row=top + r + cell.rows - 1,
                    end_column=c + cell.columns,
                )
    return top + len(table.slots) - 1


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _value(text: str) -> Decimal | str:
    """A written figure as its number (96.63% as 0.9663); any other text as it is."""
    found = _FIGURE.fullmatch(text)
    if found is None:
        return text
    number = Decimal(text.rstrip("%"))
    return number / 100 if found.group(2) else number


def _number_format(text: str) -> str:
    """The format that writes the number as the document does: 2 decimals where it has them."""
    found = _FIGURE.fullmatch(text)
    places = len(found.group(1) or "")
    digits = "0" + ("." + "0" * places if places else "")
    return digits + "%" if found.group(2) else digits
