"""OpenDocument text (.odt) as a `Source`: paragraphs, headings, lists and tables in order.

- List items get the marker the list style defines for their level (prefix, 1/a/A/i/I/一/壹/甲
  format, suffix, display-levels); bullets get none. Without a list style the marker is "1."
  at level 1, "(1)" at level 2, "a." at level 3, counted per list (`text:start-value`,
  `text:continue-numbering` honoured). Heading outline numbers are taken from `text:number`
  when the file carries it.
- Tables become full grids: `number-columns-spanned` / `number-rows-spanned` put the same
  `Cell` object at every position the cell covers (the `covered-table-cell`s), and
  `number-columns-repeated` / `number-rows-repeated` are expanded, capped at `REPEAT_CAP`;
  empty trailing rows and columns (spreadsheet-style padding) are dropped. Nested tables are
  flattened into the cell's paragraphs.
- Empty paragraphs are dropped; a line break inside a paragraph starts a new `Para`. Notes keep
  only their citation; annotations, frames, tracked deletions and indexes are skipped.
"""
from __future__ import annotations

import io
import pathlib
import xml.sax
import zipfile

from odf.namespaces import OFFICENS, STYLENS, TABLENS, TEXTNS
from odf.opendocument import load

from .docx_reader import fallback_marker, number_text
from .source import Cell, Para, Source, Table
from .sources import damaged

REPEAT_CAP = 100     # a repeated row or cell is expanded at most this often
WIDTH_CAP = 256      # grid columns kept per row

_SKIPPED = {(OFFICENS, "annotation"), (OFFICENS, "annotation-end"), (TEXTNS, "tracked-changes"),
            (TEXTNS, "note-body"), (TEXTNS, "table-of-content"), (TEXTNS, "alphabetical-index"),
            (TEXTNS, "illustration-index"), (TEXTNS, "table-index"), (TEXTNS, "object-index"),
            (TEXTNS, "user-index"), (TEXTNS, "bibliography"), (TEXTNS, "sequence-decls"),
            ("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0", "frame"),
            ("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0", "custom-shape")}
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
            "一": "taiwaneseCountingThousand", "壹": "ideographLegalTraditional", "甲": "ideographTraditional",
            "子": "ideographZodiac", "①": "decimalEnclosedCircle", "１": "decimalFullWidth"}


def read_odt(path: pathlib.Path, data: bytes) -> Source:
    try:
        document = load(io.BytesIO(data))
        body = document.text
        styles = [s for holder in (document.automaticstyles, document.styles) for s in holder.childNodes]
    except (zipfile.BadZipFile, KeyError, xml.sax.SAXException, ValueError, UnicodeDecodeError) as exc:
        raise damaged("odt", exc) from exc
    except Exception as exc:   # anything else odfpy raises on a broken package
        raise damaged("odt", exc) from exc
    reader = _Reader(_list_styles(styles))
    reader.walk(body)
    return Source(path=path, kind="odt", blocks=reader.blocks)


def _is(node, ns: str, name: str) -> bool:
    return node.nodeType == node.ELEMENT_NODE and node.qname == (ns, name)


def _attr(node, ns: str, name: str, default: str | None = None) -> str | None:
    value = node.attributes.get((ns, name))
    return default if value is None else value


def _count(node, ns: str, name: str) -> int:
    try:
        return max(1, int(_attr(node, ns, name, "1")))
    except ValueError:
        return 1


def _list_styles(styles) -> dict[str, dict[int, tuple[str, str, str, str, int, int]]]:
    """Per list style name and level: (kind, format, prefix, suffix, start, display levels)."""
    found = {}
    for style in styles:
        if not _is(style, TEXTNS, "list-style"):
            continue
        levels = {}
        for level in style.childNodes:
            if level.nodeType != level.ELEMENT_NODE:
                continue
            number = _count(level, TEXTNS, "level")
            kind = level.qname[1]
            levels[number] = (kind, _attr(level, STYLENS, "num-format", "") or "",
                              _attr(level, STYLENS, "num-prefix", "") or "", _attr(level, STYLENS, "num-suffix", "") or "",
                              _count(level, TEXTNS, "start-value"), _count(level, TEXTNS, "display-levels"))
        found[_attr(style, STYLENS, "name", "")] = levels
    return found


class _Reader:
    def __init__(self, list_styles) -> None:
        self.list_styles = list_styles
        self.blocks: list[Para | Table] = []
        self.paragraphs = 0
        self.tables = 0
        self.last_count: dict[int, int] = {}    # per list level, the last number given (continue-numbering)

    def walk(self, parent) -> None:
        for child in parent.childNodes:
            if child.nodeType != child.ELEMENT_NODE or child.qname in _SKIPPED:
                continue
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                self.paragraph(_lines(child))
            elif child.qname == (TEXTNS, "list"):
                for lines in self.list_lines(child, None, []):
                    self.paragraph(lines)
            elif child.qname == (TABLENS, "table"):
                self.tables += 1
                self.blocks.append(self.table(child, f"表格 {self.tables}"))
            else:                                   # sections, soft page breaks, …
                self.walk(child)

    def paragraph(self, lines: list[str]) -> None:
        self.paragraphs += 1
        self.blocks += [Para(line, f"第 {self.paragraphs} 段") for line in lines]

    def list_lines(self, lst, style: str | None, outer: list[int]) -> list[list[str]]:
        """Each paragraph of the list (and its nested lists) as lines, the first marked."""
        style = _attr(lst, TEXTNS, "style-name") or style
        level = len(outer) + 1
        levels = self.list_styles.get(style or "", {})
        kind, fmt, prefix, suffix, start, shown = levels.get(level, ("", "", "", "", 1, 1))
        continues = _attr(lst, TEXTNS, "continue-numbering") == "true" or _attr(lst, TEXTNS, "continue-list")
        n = self.last_count.get(level, start - 1) if continues else start - 1
        out: list[list[str]] = []
        for item in lst.childNodes:
            if not (_is(item, TEXTNS, "list-item") or _is(item, TEXTNS, "list-header")):
                continue
            marker = ""
            if _is(item, TEXTNS, "list-item"):
                restart = _attr(item, TEXTNS, "start-value")
                n = int(restart) if restart and restart.isdigit() else n + 1
                self.last_count[level] = n
                marker = self.marker(kind, fmt, prefix, suffix, shown, outer + [n], level)
            for child in item.childNodes:
                if child.nodeType != child.ELEMENT_NODE or child.qname in _SKIPPED:
                    continue
                if child.qname == (TEXTNS, "list"):
                    out += self.list_lines(child, style, outer + [n])
                    continue
                lines = _lines(child) if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")) else self.cell_paras(child)
                if lines and marker:
                    lines[0] = marker + lines[0].lstrip()
                    marker = ""
                out.append(lines)
        return out

    @staticmethod
    def marker(kind: str, fmt: str, prefix: str, suffix: str, shown: int, numbers: list[int], level: int) -> str:
        if kind == "list-level-style-bullet" or kind == "list-level-style-image":
            return ""
        if kind != "list-level-style-number":
            return {1: f"{numbers[-1]}. ", 2: f"({numbers[-1]}) "}.get(level) or fallback_marker(level - 1, numbers[-1], "")
        if not fmt:
            return prefix + suffix
        word_format = _FORMATS.get(fmt[:1], "decimal")
        text = ".".join(number_text(n, word_format) for n in numbers[-shown:])
        text = prefix + text + suffix
        return text + " " if text[-1:].isascii() else text

    def table(self, table, label: str) -> Table:
        grid: dict[tuple[int, int], Cell] = {}
        r = real_rows = 0
        for row in _rows(table):
            for copy in range(min(_count(row, TABLENS, "number-rows-repeated"), REPEAT_CAP)):
                real_rows = r + 1 if copy == 0 else real_rows
                c = 0
                for cell in row.childNodes:
                    if cell.nodeType != cell.ELEMENT_NODE or cell.qname[0] != TABLENS:
                        continue
                    covered = cell.qname[1] == "covered-table-cell"
                    if not covered and cell.qname[1] != "table-cell":
                        continue
                    for _ in range(min(_count(cell, TABLENS, "number-columns-repeated"), REPEAT_CAP)):
                        if c >= WIDTH_CAP:
                            break
                        if covered:
                            if (r, c) not in grid:     # a covered cell no span reaches: join the cell to its left
                                grid[(r, c)] = grid.get((r, c - 1)) or Cell([], f"{label} 第 {r + 1} 列第 {c + 1} 欄")
                            c += 1
                            continue
                        shared = Cell(self.cell_paras(cell), f"{label} 第 {r + 1} 列第 {c + 1} 欄")
                        rows = _count(cell, TABLENS, "number-rows-spanned")
                        cols = _count(cell, TABLENS, "number-columns-spanned")
                        for dr in range(min(rows, REPEAT_CAP * 10)):
                            for dc in range(min(cols, WIDTH_CAP - c)):
                                grid.setdefault((r + dr, c + dc), shared)
                        grid[(r, c)] = shared
                        c += 1
                r += 1
        return Table(_trimmed(grid, real_rows, _declared_columns(table)), label)

    def cell_paras(self, parent) -> list[str]:
        paras: list[str] = []
        for child in parent.childNodes:
            if child.nodeType != child.ELEMENT_NODE or child.qname in _SKIPPED:
                continue
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                paras += _lines(child)
            elif child.qname == (TEXTNS, "list"):
                for lines in self.list_lines(child, None, []):
                    paras += lines
            elif child.qname == (TABLENS, "table"):      # a nested table: its cells' text, row by row
                for row in _rows(child):
                    for cell in row.childNodes:
                        if _is(cell, TABLENS, "table-cell"):
                            paras += self.cell_paras(cell)
            else:
                paras += self.cell_paras(child)
        return paras


def _rows(table):
    for child in table.childNodes:
        if _is(child, TABLENS, "table-row"):
            yield child
        elif child.nodeType == child.ELEMENT_NODE and child.qname in (
                (TABLENS, "table-header-rows"), (TABLENS, "table-rows"), (TABLENS, "table-row-group")):
            yield from _rows(child)


def _declared_columns(table) -> int:
    count = 0
    for child in table.childNodes:
        if _is(child, TABLENS, "table-column"):
            count += _count(child, TABLENS, "number-columns-repeated")
        elif child.nodeType == child.ELEMENT_NODE and child.qname in (
                (TABLENS, "table-columns"), (TABLENS, "table-header-columns"), (TABLENS, "table-column-group")):
            count += _declared_columns(child)
    return count


def _trimmed(grid: dict[tuple[int, int], Cell], real_rows: int, declared: int) -> list[list[Cell]]:
    """Rows of the grid without the empty padding that repeated rows and cells make.

    Columns are kept up to the last one with text, or the declared column count when that is
    sane; rows up to the last one with text or the last row that was not a repetition.
    """
    filled = [(r, c) for (r, c), cell in grid.items() if cell.paras]
    width = max((c for _, c in filled), default=-1) + 1
    if declared <= 64:
        width = max(width, declared)
    height = max(real_rows, max((r for r, _ in filled), default=-1) + 1)
    rows = []
    for r in range(height):
        row = []
        for c in range(width):
            cell = grid.get((r, c))
            if cell is None:
                break
            row.append(cell)
        rows.append(row)
    return rows


def _lines(paragraph) -> list[str]:
    return [line for line in _text(paragraph).split("\n") if line.strip()]


def _text(node) -> str:
    out = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(child.data)
        elif child.nodeType != child.ELEMENT_NODE or child.qname in _SKIPPED:
            continue
        elif child.qname == (TEXTNS, "s"):
            out.append(" " * _count(child, TEXTNS, "c"))
        elif child.qname == (TEXTNS, "tab"):
            out.append("\t")
        elif child.qname == (TEXTNS, "line-break"):
            out.append("\n")
        else:
            out.append(_text(child))
    return "".join(out)
