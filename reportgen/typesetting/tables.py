"""Tables: fixed column widths from :mod:`.columns`, 0.5 pt lines, and one
``w:tc`` for each cell of the markup's grid (a spanning cell's ``gridSpan`` and
``vMerge`` read from the slots it covers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .. import layout as L
from ..blocks import Cell, Table, TableNotes
from ..wordxml import element, on_off, put
from .columns import cell_indent, cell_lines, column_widths
from .paragraphs import Frame, add_lines, add_run, append, indent, last_paragraph, paragraph, properties


@dataclass(frozen=True)
class TableGroup:
    """A table and the tables that continue it (``{.continued}``): one form,
    written as touching tables whose columns line up."""

    tables: tuple[Table, ...]
    #: Its column widths (pt), when measured with the groups of its kind (:func:`with_widths`).
    widths: tuple[float, ...] | None = None


def grouped(blocks: list) -> list:
    """The blocks with each table and those continuing it (of as many columns) as one :class:`TableGroup`."""
    made: list = []
    for block in blocks:
        if isinstance(block, Table):
            previous = made[-1] if made and isinstance(made[-1], TableGroup) else None
            if block.continues and previous and previous.tables[0].columns == block.columns:
                made[-1] = TableGroup((*previous.tables, block))
                continue
            made.append(TableGroup((block,)))
        else:
            made.append(block)
    return made


def with_widths(units: list[tuple[float, list]]) -> list[list]:
    """The blocks of each run of pages (given with the width of its 版心), each
    table group with its column widths, measured together with the groups of
    its kind in the document: the forms of 40 projects read as one grid, the
    columns where the reader found them on the form before, though one form's
    texts alone would want other widths."""
    kinds: dict[tuple, list[Table]] = defaultdict(list)
    for width, blocks in units:
        for block in blocks:
            if isinstance(block, TableGroup):
                kinds[_kind(block), width].extend(block.tables)
    widths = {key: tuple(column_widths(tables, key[1])) for key, tables in kinds.items()}
    return [
        [replace(b, widths=widths[_kind(b), width]) if isinstance(b, TableGroup) else b for b in blocks]
        for width, blocks in units
    ]


def _kind(group: TableGroup) -> tuple:
    """What groups of one kind share: their columns, the first cell of each table
    (项目名称 of a project's form, 部门（单位）名称 of the department's), the
    headings of the last (一级指标 …), and the widths their templates set, if any."""
    last = group.tables[-1]
    headings = tuple(cell.text for cell in last.cells() if cell.row < last.header_rows)
    firsts = tuple(t.slots[0][0].text if t.slots else "" for t in group.tables)
    return group.tables[0].columns, firsts, headings, tuple(t.widths for t in group.tables)


def write_tables(document: Document, group: TableGroup, frame: Frame) -> None:
    measured = group.widths or column_widths(group.tables, frame.text_width)
    # Whole twips, rounded down, so that the columns never add up past the 版心.
    widths = [L.Twips(int(width * 20)) for width in measured]
    for block in group.tables:
        _write_table(document, block, widths, ends=block is group.tables[-1])


def _write_table(document: Document, block: Table, widths: list[L.Length], ends: bool) -> None:
    """One table of the group; where the group ``ends``, its last rows are kept
    with the final one (合计, 总分), which never stands alone on a page; the rows a
    ``{.together}`` cell is merged over stay on one page (a 年度总体目标 block, so that
    no page starts with goals under a blank label).  The template says which: every
    small merged group kept so, a form's indicator rows left pages half empty."""
    kept = set(range(len(block.slots) - 1 - L.ROWS_KEPT_WITH_LAST, len(block.slots) - 1) if ends else ())
    kept |= {r for cell in block.cells() if cell.together for r in range(cell.row, cell.row + cell.rows - 1)}
    if block.continues:
        _join_to_table_above(document)
    tbl = CT_Tbl.new_tbl(len(block.slots), block.columns, L.Twips(sum(int(w.twips) for w in widths)))
    append(document, tbl)
    table = DocxTable(tbl, document._body)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_frame(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for r, (tr, slots) in enumerate(zip(table._tbl.tr_lst, block.slots, strict=True)):
        _table_row(tr, header=r < block.header_rows, merges=any(cell.row == r and cell.rows > 1 for cell in slots))
        spare = list(tr.tc_lst)
        for c, cell in enumerate(slots):
            if cell.column != c:
                continue  # covered by the spanning cell to its left
            tc = spare.pop(0)
            # A spanning cell takes the places of the cells it covers.
            for _ in range(cell.columns - 1):
                tr.remove(spare.pop(0))
            if cell.columns > 1:
                tc.tcPr.grid_span = cell.columns
            width = L.Twips(sum(int(w.twips) for w in widths[c : c + cell.columns]))
            _fill_cell(tc, cell, width, table, starts=cell.row == r)
        if r < block.header_rows or r in kept:
            _keep_with_next_row(tr)
    # A table is followed by an empty line so that what follows does not touch it.
    paragraph(document, "body")


def write_notes(document: Document, block: TableNotes, frame: Frame) -> None:
    """The lines under a table (a form's 填报单位, 注) as its last row, one cell without
    side or bottom lines, kept with the rows above: LibreOffice keeps rows with rows
    (keepNext in their paragraphs) but not always a table with the paragraph after it."""
    tbl = last_paragraph(document).getprevious()  # the markup puts notes right after a table
    _keep_with_next_row(tbl.tr_lst[-1])
    columns = tbl.tblGrid.gridCol_lst
    tr = tbl.add_tr()
    _table_row(tr, header=False, merges=False)
    tc = tr.add_tc()
    cell_properties = tc.get_or_add_tcPr()
    cell_properties.width = L.Twips(sum(int(column.w.twips) for column in columns))
    cell_properties.grid_span = len(columns)
    borders = put(cell_properties, element("w:tcBorders"))
    for edge in ("left", "bottom", "right"):
        put(borders, element(f"w:{edge}", val="nil"))
    tc.remove(tc.p_lst[0])  # a new cell's empty paragraph
    for line in block.lines:
        made = element("w:p")
        made.append(properties("note"))
        tc.append(made)
        add_run(Paragraph(made, _Cell(tc, None)), line)


def _join_to_table_above(document: Document) -> None:
    """The empty line after the table above becomes a hairline, so that the next
    table touches it: not nothing, for Word and LibreOffice join two tables with
    nothing between them into one, whose heading rows would be the first's."""
    spacer = last_paragraph(document)
    above = spacer.getprevious() if spacer is not None else None
    if above is None or spacer.tag != qn("w:p") or above.tag != qn("w:tbl") or spacer.xpath(".//w:t"):
        return
    spacer_properties = spacer.get_or_add_pPr()
    put(spacer_properties, on_off("w:keepNext", True))
    put(spacer_properties, on_off("w:snapToGrid", False))
    put(spacer_properties, element("w:spacing", before="0", after="0", line=str(L.HAIRLINE_TWIPS), lineRule="exact"))
    mark = put(spacer_properties, element("w:rPr"))
    put(mark, element("w:sz", val="2"))
    put(mark, element("w:szCs", val="2"))


def _table_frame(table) -> None:
    """0.5 pt single lines around and between every cell; fixed column widths."""
    table_properties = table._tbl.tblPr
    borders = put(table_properties, element("w:tblBorders"))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        put(borders, element(f"w:{edge}", val="single", sz=str(L.TABLE_BORDER_EIGHTHS), space="0", color="000000"))
    put(table_properties, element("w:tblLayout", type="fixed"))
    margins = put(table_properties, element("w:tblCellMar"))
    for side in ("left", "right"):
        put(margins, element(f"w:{side}", w=str(int(L.CELL_PADDING.twips)), type="dxa"))


def _fill_cell(tc, cell: Cell, width: L.Length, table, starts: bool) -> None:
    """Width, vertical merge and centring, and — in the slot where the cell
    starts — the text in its style and alignment.  (Cells straight from the
    XML: python-docx's table.cell() rebuilds the whole grid on every call.)"""
    cell_properties = tc.tcPr
    cell_properties.tcW.set(qn("w:w"), str(int(width.twips)))
    cell_properties.tcW.set(qn("w:type"), "dxa")
    if cell.rows > 1 or not starts:
        put(cell_properties, element("w:vMerge", val="restart" if starts else "continue"))
    put(cell_properties, element("w:vAlign", val="center"))
    if not starts:
        return
    made = Paragraph(tc.p_lst[0], _Cell(tc, table))
    made._p.insert(0, properties("header" if cell.header else "cell", cell.align))
    text, left, hanging = cell_indent(cell.text)
    if left:
        indent(made, left, -hanging, L.SIZE_SMALL_4)
    lines = cell_lines(cell, width.pt)
    if len(lines) > 1:
        add_lines(made, lines)
    else:
        add_run(made, text)


def _table_row(tr, header: bool, merges: bool) -> None:
    """Rows never split across pages, but one where a cell merged down over the rows
    below ``merges`` from: LibreOffice lays such a row out past the page foot when
    it is the last to fit, and leaves every row after it out of the PDF.  The header
    rows repeat on every page, and stay on the page of the first row under them
    (their paragraphs kept with the next)."""
    row_properties = tr.get_or_add_trPr()
    if not merges:
        put(row_properties, on_off("w:cantSplit", True))
    if header:
        put(row_properties, on_off("w:tblHeader", True))


def _keep_with_next_row(tr) -> None:
    for p in tr.iter(qn("w:p")):
        put(p.get_or_add_pPr(), on_off("w:keepNext", True))
