"""A test helper: a loaded plan written as a .docx the way agencies write theirs in Word.

Agencies' files are plain paragraphs, not heading styles: the agency's full name and the plan title,
the approval lines, then each section as 「壹、計畫依據」 followed by its text, list numbers typed into
the text (一、 (一) 1. (1)), and the content table in the section marked `content: true` (or after the
sections, under 「附表」). The table follows the plan page (plansite.table.build_table, as the ODT
download does): the plan's columns in its order and words, the opening row first, one row per group
(per measure when a column holds one value per measure, or units differ between measures), the pillar
cell and the item cell merged down over their rows (a full-width row when pillar and item share one
column), numbered measures 「1.…」 and numbered units 「1.成人保護組」 when there are several.

Used to make realistic input for `python build.py import` without storing Word files in the repository.
"""
from __future__ import annotations

import pathlib

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from plansite import markdown
from plansite.model import Agency, Plan
from plansite.site import number_label
from plansite.table import Cell, build_table

FONT = "標楷體"          # the usual typeface of a government document in Taiwan
INDENT = Pt(24)          # one nesting level of a typed list: two characters


def write_docx(plan: Plan, agency: Agency, path: pathlib.Path | str) -> pathlib.Path:
    """Write `plan` of `agency` (plansite.model objects, as loaded from plans/) to `path` as a .docx."""
    document = docx.Document()
    _base_style(document)
    for line in [agency.full_name or "".join(agency.chain), plan.title]:
        _paragraph(document, line, bold=True, center=True, size=16)
    for line in plan.approval.lines if plan.approval else []:
        _paragraph(document, line, center=True)
    table = build_table(plan)
    placed = False
    for index, section in enumerate(plan.sections, 1):
        _paragraph(document, number_label(index, "cjk-upper") + section.title, bold=True)
        for depth, text in _blocks(section.body, _section_marker):
            _paragraph(document, text, indent=max(depth - 1, 0))
        if section.has_content:
            _content_table(document, plan, table)
            placed = True
    if not placed:
        _paragraph(document, "附表", bold=True)
        _content_table(document, plan, table)
    path = pathlib.Path(path)
    document.save(str(path))
    return path


# ---- text -------------------------------------------------------------------------------

_CJK = "一二三四五六七八九十"


def _cjk(n: int) -> str:
    return _CJK[n - 1] if n <= 10 else str(n)


def _section_marker(depth: int, n: int, ordered: bool) -> str:
    """A list number in a section's text as plans type it: 一、 then (一) then 1. then (1)."""
    if not ordered:
        return "・"
    return {1: f"{_cjk(n)}、", 2: f"({_cjk(n)})", 3: f"{n}.", 4: f"({n})"}.get(depth, f"{n}.")


def _measure_marker(depth: int, n: int, ordered: bool) -> str:
    """A list inside one measure (itself numbered 1.): (1) at every depth, indented."""
    return f"({n})" if ordered else "・"


def _blocks(text: str, marker) -> list[tuple[int, str]]:
    """Markdown as (list depth, paragraph text): one paragraph per block, list numbers typed in front."""
    out: list[tuple[int, str]] = []
    lists: list[list] = []          # per open list: [ordered, count]
    pending = ""                    # the marker of a list item whose text comes next
    for token in markdown.tokens(text):
        if token.type in ("ordered_list_open", "bullet_list_open"):
            start = int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else 1
            lists.append([token.type == "ordered_list_open", start - 1])
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            lists[-1][1] += 1
            pending = marker(len(lists), lists[-1][1], lists[-1][0])
        elif token.type == "inline":
            words = "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
            out.append((len(lists), pending + words))
            pending = ""
    return out


# ---- the content table ------------------------------------------------------------------

def _cell_lines(cell: Cell, plan: Plan) -> list[tuple[int, str]]:
    """A table cell's paragraphs as (indent, text), as the plan page shows the cell."""
    fw = plan.framework

    def titled(number: str, title: str, points) -> str:
        return number + title + (f"（{points}分）" if points is not None else "")

    if cell.kind in ("pillar", "pillar-row"):
        p = cell.pillar
        return [(0, titled(number_label(p.node.index, fw.levels[0].numbering), p.title, p.points))]
    if cell.kind == "item":
        i = cell.item
        return [(0, titled(number_label(i.index, fw.levels[1].numbering), i.title, i.points))] + _prose(cell.intro)
    if cell.kind == "sub":
        return [(0, (f"{cell.group.number}." if cell.group.number else "") + cell.heading)]
    if cell.kind == "opening-item":
        return [(0, cell.text)] + ([(0, cell.intro)] if cell.intro else [])
    if cell.kind == "opening-sub":
        return [(0, number_label(1, fw.levels[1].numbering) + cell.text)] + ([(0, cell.intro)] if cell.intro else [])
    if cell.kind in ("focus", "deadline"):
        return [(0, cell.text)]
    if cell.kind == "units":
        if len(cell.units) == 1:
            return [(0, cell.units[0].name)]
        return [(0, f"{n}.{u.name}") for n, u in enumerate(cell.units, 1)]
    if cell.kind == "result":
        return ([(0, cell.status)] if cell.status else []) + _prose(cell.text)
    if cell.kind == "extra":
        return _prose(cell.text)
    if cell.kind == "measures":
        out = ([(0, cell.heading)] if cell.heading else []) + _prose(cell.intro)
        for m in cell.measures:
            blocks = _blocks(m.text, _measure_marker) or [(0, "")]
            number = f"{m.number}{'' if '.' in m.number else '.'}" if m.number else ""
            out.append((0, number + blocks[0][1]))
            out += blocks[1:]
        return out
    return []   # empty


def _prose(text: str) -> list[tuple[int, str]]:
    return _blocks(text, _measure_marker) if text else []


def _content_table(document, plan: Plan, table) -> None:
    """The content table after the current paragraphs: header row, then the rows of build_table with
    every rowspan and colspan as a real merge (Word's vertical merge for the pillar and item cells)."""
    if plan.note:
        _paragraph(document, plan.note)
    width = len(table.columns)
    placements: list[tuple[int, int, Cell]] = []   # (grid row, grid column, cell)
    covered = [0] * width
    row_index = 0
    for body in table.bodies:
        for row in body.rows:
            row_index += 1
            cells = iter(row)
            col = 0
            while col < width:
                if covered[col]:
                    covered[col] -= 1
                    col += 1
                    continue
                cell = next(cells, None)
                if cell is None:   # a short row: the rest of it stays empty
                    col += 1
                    continue
                placements.append((row_index, col, cell))
                for spanned in range(col, min(col + cell.colspan, width)):
                    covered[spanned] = cell.rowspan - 1
                col += cell.colspan
    grid = document.add_table(rows=row_index + 1, cols=width)
    grid.style = "Table Grid"
    rows = list(grid.rows)
    _repeat_as_header(rows[0])
    # every cell looked up before any merge: reading a row of merged cells walks up the merge each time
    grid_cells = [row.cells for row in rows]
    for r, c, cell in placements:
        if cell.rowspan > 1 or cell.colspan > 1:   # spans never overlap, so the looked-up cells stay valid
            last_row = min(r + cell.rowspan - 1, row_index)
            last_col = min(c + cell.colspan - 1, width - 1)
            grid_cells[r][c].merge(grid_cells[last_row][last_col])
    for col, (_id, title) in enumerate(table.columns):
        _fill(grid_cells[0][col], [(0, title)], bold=True)
    for r, c, cell in placements:
        _fill(grid_cells[r][c], _cell_lines(cell, plan), bold=cell.kind == "pillar-row")


def _fill(cell, lines: list[tuple[int, str]], bold: bool = False) -> None:
    for n, (indent, text) in enumerate(lines):
        para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        run = para.add_run(text)
        run.bold = bold or None
        if indent:
            para.paragraph_format.left_indent = Pt(12 * indent)


def _repeat_as_header(row) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


# ---- paragraphs and style ---------------------------------------------------------------

def _base_style(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _paragraph(document, text: str, bold: bool = False, center: bool = False, size: int | None = None,
               indent: int = 0) -> None:
    para = document.add_paragraph()
    run = para.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        para.paragraph_format.left_indent = INDENT * indent
