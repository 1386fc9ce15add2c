"""Word (.docx) documents as a `Source`: body paragraphs and tables in document order.

python-docx opens the package; the body is walked as XML so that paragraphs and tables keep
their order and merged cells their identity:

- Automatic numbering is not in a paragraph's text. A paragraph with `w:numPr` (its own or its
  style's) gets the marker Word shows, from the level's `w:lvlText` ("%1、", "(%2)") and
  `w:numFmt` (decimal, letters, roman, 一二三 counting, 甲乙丙, 壹貳參 …). Counters are kept per
  (numId, level) and deeper levels restart when a shallower one advances. Without a level
  definition the marker is "1." / "(1)" / "a." by depth ("一、" / "(一)" for Chinese counting).
  Bullets get no marker.
- Tables become full grids: `w:gridBefore` positions are empty cells, `w:gridSpan` repeats a
  cell across columns and `w:vMerge` continues the cell above, always the same `Cell` object.
  A cell's paragraphs are its `paras` (empty ones dropped); a table nested in a cell is
  flattened into the cell's paragraphs, row by row.
- Empty body paragraphs are dropped; a line break inside a paragraph starts a new `Para`.
  Drawings and text boxes are skipped.
"""
from __future__ import annotations

import io
import pathlib
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from .source import Cell, Para, Source, Table
from .sources import damaged

_SKIPPED = {qn("w:drawing"), qn("w:pict"), qn("w:object"), qn("w:delText"), qn("w:instrText"),
            qn("w:footnoteReference"), qn("w:endnoteReference"), qn("w:commentReference"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_CONTAINERS = {qn("w:sdt"), qn("w:customXml"), qn("w:sdtContent")}


def read_docx(path: pathlib.Path, data: bytes) -> Source:
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = document.part.numbering_part.element
        styles = document.styles.element
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, etree.LxmlError, ValueError) as exc:
        raise damaged("docx", exc) from exc
    except Exception as exc:   # anything else python-docx raises on a broken package
        raise damaged("docx", exc) from exc
    reader = _Reader(Numbering(numbering, styles))
    reader.walk(body)
    return Source(path=path, kind="docx", blocks=reader.blocks)


class _Reader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[Para | Table] = []
        self.paragraphs = 0
        self.tables = 0

    def walk(self, parent) -> None:
        for child in parent:
            if child.tag == qn("w:p"):
                self.paragraphs += 1
                where = f"第 {self.paragraphs} 段"
                self.blocks += [Para(line, where) for line in self.lines(child)]
            elif child.tag == qn("w:tbl"):
                self.tables += 1
                self.blocks.append(self.table(child, f"表格 {self.tables}"))
            elif child.tag in _CONTAINERS:
                self.walk(child)

    def lines(self, p) -> list[str]:
        """The paragraph's non-empty lines, the first one prefixed with its list marker."""
        text = _text(p)
        marker = self.numbering.marker(p)
        if not text.strip():
            return []
        lines = [line for line in text.split("\n") if line.strip()]
        if marker:
            lines[0] = marker + lines[0].lstrip()
        return lines

    def table(self, tbl, label: str) -> Table:
        rows: list[list[Cell]] = []
        for r, tr in enumerate(_rows(tbl), 1):
            row: list[Cell] = []
            before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
            for _ in range(_int(before, 0)):
                row.append(Cell([], f"{label} 第 {r} 列第 {len(row) + 1} 欄"))
            for tc in _cells(tr):
                tcPr = tc.find(qn("w:tcPr"))
                span = max(1, _int(tcPr.find(qn("w:gridSpan")) if tcPr is not None else None, 1))
                vmerge = tcPr.find(qn("w:vMerge")) if tcPr is not None else None
                hmerge = tcPr.find(qn("w:hMerge")) if tcPr is not None else None
                c = len(row)
                above = rows[-1][c] if rows and c < len(rows[-1]) else None
                if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and above:
                    cell = above
                elif hmerge is not None and hmerge.get(qn("w:val"), "continue") == "continue" and row:
                    cell = row[-1]
                else:
                    cell = Cell(self.cell_paras(tc), f"{label} 第 {r} 列第 {c + 1} 欄")
                row += [cell] * span
            rows.append(row)
        return Table(rows, label)

    def cell_paras(self, parent) -> list[str]:
        paras: list[str] = []
        for child in parent:
            if child.tag == qn("w:p"):
                paras += self.lines(child)
            elif child.tag == qn("w:tbl"):          # a nested table: its cells' text, row by row
                for tr in _rows(child):
                    for tc in _cells(tr):
                        paras += self.cell_paras(tc)
            elif child.tag in _CONTAINERS:
                paras += self.cell_paras(child)
        return paras


def _rows(tbl):
    for child in tbl:
        if child.tag == qn("w:tr"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _rows(child)


def _cells(tr):
    for child in tr:
        if child.tag == qn("w:tc"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _cells(child)


def _text(element) -> str:
    out = []
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag == qn("w:tab") or tag == qn("w:ptab"):
            out.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            if child.get(qn("w:type")) not in ("page", "column"):
                out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag != qn("w:pPr") and tag != qn("w:rPr"):
            out.append(_text(child))
    return "".join(out)


def _int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(qn("w:val"), default))
    except ValueError:
        return default


class Numbering:
    """List markers as Word draws them, counted through the document."""

    def __init__(self, numbering, styles) -> None:
        abstract = {}
        for node in numbering.iterfind(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = {
                _int_attr(lvl, "w:ilvl", 0): _level(lvl) for lvl in node.iterfind(qn("w:lvl"))}
        self.levels: dict[str, dict[int, tuple[str, str | None, int, str]]] = {}
        for num in numbering.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}))
            for override in num.iterfind(qn("w:lvlOverride")):
                ilvl = _int_attr(override, "w:ilvl", 0)
                if override.find(qn("w:lvl")) is not None:
                    levels[ilvl] = _level(override.find(qn("w:lvl")))
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    levels[ilvl] = levels[ilvl][:2] + (_int(start, 1),) + levels[ilvl][3:]
            self.levels[num.get(qn("w:numId"))] = levels
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        for style in styles.iterfind(qn("w:style")):
            numpr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            based = style.find(qn("w:basedOn"))
            self.styles[style.get(qn("w:styleId"))] = (
                _val(numpr, "w:numId"), _val(numpr, "w:ilvl"), based.get(qn("w:val")) if based is not None else None)
        self.counters: dict[tuple[str, int], int] = {}

    def marker(self, p) -> str:
        numpr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id, ilvl = _val(numpr, "w:numId"), _val(numpr, "w:ilvl")
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else None
        for _ in range(10):                         # the style chain, nearest first
            if style_id is None or (num_id is not None and ilvl is not None):
                break
            s_num, s_lvl, based = self.styles.get(style_id, (None, None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style_id = based
        if num_id is None or num_id == "0":
            return ""
        level = int(ilvl) if ilvl and ilvl.isdigit() else 0
        levels = self.levels.get(num_id, {})
        key = (num_id, level)
        start = levels[level][2] if level in levels else 1
        self.counters[key] = self.counters[key] + 1 if key in self.counters else start
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[deeper]
        fmt, text, _, suffix = levels.get(level, ("decimal", None, 1, "tab"))
        if fmt in ("bullet", "none"):
            return ""
        if text is None:
            return fallback_marker(level, self.counters[key], fmt)
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                lvl_fmt, _, lvl_start, _ = levels.get(k - 1, ("decimal", None, 1, "tab"))
                value = self.counters.get((num_id, k - 1), lvl_start)
                text = text.replace(f"%{k}", number_text(value, lvl_fmt))
        if text and suffix != "nothing" and text[-1].isascii():
            text += " "
        return text


def _level(lvl) -> tuple[str, str | None, int, str]:
    fmt = lvl.find(qn("w:numFmt"))
    text = lvl.find(qn("w:lvlText"))
    suffix = lvl.find(qn("w:suff"))
    return (fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
            text.get(qn("w:val")) if text is not None else None,
            _int(lvl.find(qn("w:start")), 1),
            suffix.get(qn("w:val"), "tab") if suffix is not None else "tab")


def _val(parent, name: str) -> str | None:
    if parent is None:
        return None
    node = parent.find(qn(name))
    return node.get(qn("w:val")) if node is not None else None


def _int_attr(node, name: str, default: int) -> int:
    try:
        return int(node.get(qn(name), default))
    except ValueError:
        return default


_CJK_FORMATS = {"taiwaneseCountingThousand", "taiwaneseCounting", "chineseCounting", "chineseCountingThousand",
                "ideographTraditional", "ideographLegalTraditional", "chineseLegalSimplified",
                "taiwaneseDigital", "japaneseCounting", "ideographDigital"}


def fallback_marker(level: int, n: int, fmt: str) -> str:
    """The marker for a level without `w:lvlText`: 1. (1) a. by depth, 一、 (一) for Chinese counting."""
    if fmt in _CJK_FORMATS and level < 2:
        return f"{_counting(n)}、" if level == 0 else f"({_counting(n)})"
    return {0: f"{n}. ", 1: f"({n}) ", 2: f"{number_text(n, 'lowerLetter')}. "}.get(level, f"{n}. ")


_DIGITS = "〇一二三四五六七八九"


def _counting(n: int) -> str:
    """一 … 十 … 九十九 … 九百九十九; larger numbers in Arabic digits."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


def number_text(n: int, fmt: str) -> str:
    """`n` written in Word's number format `fmt` (w:numFmt); unknown formats in Arabic digits."""
    if fmt in ("taiwaneseCountingThousand", "taiwaneseCounting", "chineseCounting", "chineseCountingThousand",
               "japaneseCounting"):
        return _counting(n)
    if fmt in ("taiwaneseDigital", "ideographDigital"):
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12]
    if fmt in ("ideographLegalTraditional", "chineseLegalSimplified"):
        legal = str.maketrans("一二三四五六七八九十百", "壹貳參肆伍陸柒捌玖拾佰")
        return _counting(n).translate(legal)
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    return str(n)
